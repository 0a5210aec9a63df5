"""Agreement of our grader and Math-Verify with the labelled tables in tests/grade.

Tables: tests/grade/test_equivalence_table.py (the issue's cases, judged as LaTeX) and
tests/grade/test_equivalence_cases.py (MATH/GSM8K/DeepMind re-formattings and near misses, each with its
answer type). Math-Verify gets bare answers wrapped in `$...$`.

Run: .venv/bin/python benchmarks/compare_graders.py [-v]   (needs the dev extra: math-verify)"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "grade"))

import test_equivalence_table as issue_table
from math_verify import parse, verify
from test_equivalence_cases import TABLES

from mammoth_math.grade import equivalent

_ISSUE_TABLES = ("NUMBERS", "FRACTIONS", "DECIMALS", "PERCENT", "UNITS", "THOUSANDS", "SCIENTIFIC",
                 "NUMBER_WORDS", "REPEATING", "LATEX", "SQRT_PI", "EQUATIONS", "INTERVALS", "TUPLES",
                 "MATRICES", "TEXT")  # fmt: skip


def math_verify(gold: str, pred: str) -> bool:
    try:
        return bool(verify(parse(f"${gold}$"), parse(f"${pred}$")))
    except Exception:
        return False


def cases() -> dict[str, list[tuple[str, str, str, bool]]]:
    out = {
        "issue_" + n.lower(): [(g, p, "latex", w) for g, p, w in getattr(issue_table, n)]
        for n in _ISSUE_TABLES
    }
    out.update(TABLES)
    return out


def main(verbose: bool = False) -> None:
    stats = {"ours": [0, 0, 0], "math-verify": [0, 0, 0]}  # agree, false positives, false negatives
    total = 0
    for table, rows in cases().items():
        for gold, pred, answer_type, want in rows:
            total += 1
            for name, got in (
                ("ours", equivalent(gold, pred, answer_type)),
                ("math-verify", math_verify(gold, pred)),
            ):
                s = stats[name]
                s[0] += got == want
                s[1] += got and not want
                s[2] += want and not got
                if verbose and got != want:
                    print(f"  {name:11s} {table}: {gold!r} vs {pred!r} -> {got} (label {want})")
    for name, (agree, fp, fn) in stats.items():
        print(f"{name:12s} agreement {agree}/{total} ({100 * agree / total:.1f}%)  FP {fp}  FN {fn}")


if __name__ == "__main__":
    main("-v" in sys.argv)
