"""The answer a user is shown (solve, /v1/solve): the canonical number, never the program's whole line."""

from __future__ import annotations

import pytest

from mammoth_math.api import AnswerType
from mammoth_math.solve.output import shown_answer


@pytest.mark.parametrize(
    ("answer", "answer_type", "shown"),
    [
        ("The remainder is: 95", "number", "95"),
        ("72.0", "number", "72"),
        ("3.50", "number", "3.5"),
        ("1,234,567", "number", "1234567"),
        ("Total: $1,200.00", "number", "1200"),
        ("-0.0", "number", "0"),
        ("−4", "number", "-4"),
        ("3/4", "number", "3/4"),
        ("about 45%", "number", "45%"),
        ("1e-05", "number", "1e-05"),
        ("0.125", "number", "0.125"),
        ("no digits", "number", "no digits"),
        (None, "number", None),
        ("B", "choice", "B"),
        ("\\frac{1}{2}", "latex", "\\frac{1}{2}"),
        ("72.0", "latex", "72.0"),
    ],
)
def test_shown_answer(answer: str | None, answer_type: str, shown: str | None) -> None:
    assert shown_answer(answer, AnswerType(answer_type)) == shown
