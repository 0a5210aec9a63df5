"""Agreement of our grader and Math-Verify with the labelled tables in tests/grade.

Tables: tests/grade/test_equivalence_table.py (issue 4's cases, judged as LaTeX),
tests/grade/test_equivalence_cases.py (MATH/GSM8K/DeepMind re-formattings and near misses, each with its
answer type) and tests/grade/test_hard_equivalence.py (issue 14's hard shapes). Math-Verify gets bare
answers wrapped in `$...$`.

Second part: full responses (tests/grade/test_hard_responses.py), judged end to end: ours `grade()`,
Math-Verify `verify(parse(gold), parse(response))` (its own extraction).

With `--solutions N`: the first N MATH test solutions with their `\boxed{}` removed (real prose with no
answer marker: the unmarked fallback), graded against their own gold (should be right) and against the
gold of the problem 7 further on when that differs as a string (should mostly be wrong; a few are
genuinely equal, such as `100\\%` for `1`). Needs MAMMOTH_DATA_DIR.

Run: .venv/bin/python benchmarks/compare_graders.py [-v] [--solutions N]   (needs the dev extra: math-verify)"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "grade"))

import test_equivalence_table as issue_table
import test_hard_equivalence as hard
import test_hard_responses as responses
from math_verify import parse, verify
from test_equivalence_cases import TABLES

from mammoth_math.api import AnswerType, Problem
from mammoth_math.common.latex import matching_brace
from mammoth_math.grade import equivalent, grade

_ISSUE_TABLES = ("NUMBERS", "FRACTIONS", "DECIMALS", "PERCENT", "UNITS", "THOUSANDS", "SCIENTIFIC",
                 "NUMBER_WORDS", "REPEATING", "LATEX", "SQRT_PI", "EQUATIONS", "INTERVALS", "TUPLES",
                 "MATRICES", "TEXT")  # fmt: skip


def math_verify(gold: str, pred: str) -> bool:
    try:
        return bool(verify(parse(f"${gold}$"), parse(f"${pred}$")))
    except Exception:
        return False


def math_verify_response(gold: str, response: str) -> bool:
    try:
        return bool(verify(parse(f"${gold}$"), parse(response)))
    except Exception:
        return False


def cases() -> dict[str, list[tuple[str, str, str, bool]]]:
    out = {
        "issue_" + n.lower(): [(g, p, "latex", w) for g, p, w in getattr(issue_table, n)]
        for n in _ISSUE_TABLES
    }
    out.update(TABLES)
    out.update({"hard_" + k: v for k, v in hard.TABLES.items()})
    return out


def _ours_response(gold: str, response: str, answer_type: str) -> bool:
    return grade(Problem("c", "compare", "", gold, AnswerType(answer_type)), response).correct


def _tally(
    title: str,
    tables: dict[str, list[tuple[str, str, str, bool]]],
    ours: Callable[[str, str, str], bool],
    theirs: Callable[[str, str], bool],
    verbose: bool,
) -> None:
    stats = {"ours": [0, 0, 0], "math-verify": [0, 0, 0]}  # agree, false positives, false negatives
    total = 0
    for table, rows in tables.items():
        for gold, pred, answer_type, want in rows:
            total += 1
            for name, got in (("ours", ours(gold, pred, answer_type)), ("math-verify", theirs(gold, pred))):
                s = stats[name]
                s[0] += got == want
                s[1] += got and not want
                s[2] += want and not got
                if verbose and got != want:
                    print(f"  {name:11s} {table}: {gold!r} vs {pred!r} -> {got} (label {want})")
    print(title)
    for name, (agree, fp, fn) in stats.items():
        print(f"  {name:12s} agreement {agree}/{total} ({100 * agree / total:.1f}%)  FP {fp}  FN {fn}")


def _unboxed(solution: str) -> str:
    for _ in range(20):
        m = re.search(r"\\(?:boxed|fbox)\s*\{", solution)
        end = matching_brace(solution, m.end() - 1) if m else None
        if m is None or end is None:
            break
        solution = solution[: m.start()] + solution[m.end() : end] + solution[end + 1 :]
    return solution


def solutions(limit: int) -> None:
    from mammoth_math.benchmarks import load

    problems = load("math")[:limit]
    right = {"ours": 0, "math-verify": 0}
    shifted = {"ours": 0, "math-verify": 0}
    n_shifted = 0
    for i, p in enumerate(problems):
        text = _unboxed(str(p.metadata.get("solution", "")))
        other = problems[(i + 7) % len(problems)].gold
        right["ours"] += _ours_response(p.gold, text, "latex")
        right["math-verify"] += math_verify_response(p.gold, text)
        if other.replace(" ", "") != p.gold.replace(" ", ""):
            n_shifted += 1
            shifted["ours"] += _ours_response(other, text, "latex")
            shifted["math-verify"] += math_verify_response(other, text)
    print(f"MATH test solutions without their boxes (first {len(problems)})")
    for name in right:
        print(
            f"  {name:12s} right gold {right[name]}/{len(problems)}  "
            f"shifted gold accepted {shifted[name]}/{n_shifted}"
        )


def main(verbose: bool = False) -> None:
    _tally("equivalence tables (gold, answer)", cases(), equivalent, math_verify, verbose)
    _tally(
        "full responses (gold, response)", responses.ALL_ROWS, _ours_response, math_verify_response, verbose
    )


if __name__ == "__main__":
    main("-v" in sys.argv)
    if "--solutions" in sys.argv:
        solutions(int(sys.argv[sys.argv.index("--solutions") + 1]))
