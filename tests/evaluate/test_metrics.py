"""pass@k against brute-force enumeration; maj@N grouping by the grader's equivalence."""

from __future__ import annotations

import itertools

import pytest

from mammoth_math.evaluate import group_answers, majority, pass_at_k
from mammoth_math.evaluate.metrics import ks_for
from mammoth_math.grade import equivalent


def _brute(n: int, c: int, k: int) -> float:
    outcomes = [True] * c + [False] * (n - c)
    subsets = list(itertools.combinations(range(n), k))
    return sum(any(outcomes[i] for i in s) for s in subsets) / len(subsets)


@pytest.mark.parametrize(
    ("n", "c", "k"), [(5, 0, 1), (5, 1, 1), (5, 2, 3), (6, 3, 2), (4, 4, 4), (8, 1, 8), (7, 2, 5)]
)
def test_pass_at_k_matches_enumeration(n: int, c: int, k: int) -> None:
    assert pass_at_k(n, c, k) == pytest.approx(_brute(n, c, k))


def test_pass_at_k_edges() -> None:
    assert pass_at_k(10, 3, 1) == pytest.approx(0.3)
    assert pass_at_k(3, 0, 3) == 0.0
    with pytest.raises(ValueError, match="k <= n"):
        pass_at_k(3, 1, 4)
    with pytest.raises(ValueError, match="c <= n"):
        pass_at_k(3, 4, 1)
    assert ks_for(1) == [1] and ks_for(5) == [1, 2, 4, 5] and ks_for(8) == [1, 2, 4, 8]


def _latex_equal(a: str, b: str) -> bool:
    return equivalent(a, b, "latex")


def test_majority_groups_by_equivalence_not_strings() -> None:
    # "1/2", "0.5" and "\\frac{1}{2}" are one answer: three votes beat two "3"s
    answers = ["3", "1/2", "0.5", None, "\\frac{1}{2}", "3"]
    answer, votes = majority(answers, _latex_equal)
    assert votes == 3 and answer == "1/2"
    groups = group_answers(answers, _latex_equal)
    assert [len(m) for _, m in groups] == [3, 2] and groups[1][1] == [0, 5]


def test_majority_ties_and_empty() -> None:
    assert majority(["7", "8"], lambda a, b: a == b) == ("7", 1)  # first seen wins a tie
    assert majority([None, " ", None], lambda a, b: a == b) == (None, 0)
    assert majority([], lambda a, b: a == b) == (None, 0)
