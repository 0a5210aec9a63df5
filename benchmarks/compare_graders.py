"""Agreement of our grader and Math-Verify with the labelled table in tests/grade (the issue's cases).

Run: .venv/bin/python benchmarks/compare_graders.py   (needs the dev extra: math-verify)"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "grade"))

from math_verify import parse, verify
from test_equivalence_table import (
    DECIMALS,
    EQUATIONS,
    FRACTIONS,
    INTERVALS,
    LATEX,
    MATRICES,
    NUMBER_WORDS,
    NUMBERS,
    PERCENT,
    REPEATING,
    SCIENTIFIC,
    SQRT_PI,
    TEXT,
    THOUSANDS,
    TUPLES,
    UNITS,
)  # fmt: skip

from mammoth_math.grade import equivalent


def math_verify(gold: str, pred: str) -> bool:
    try:
        return bool(verify(parse(f"${gold}$"), parse(f"${pred}$")))
    except Exception:
        return False


if __name__ == "__main__":
    tables = [NUMBERS, FRACTIONS, DECIMALS, PERCENT, UNITS, THOUSANDS, SCIENTIFIC, NUMBER_WORDS, REPEATING,
              LATEX, SQRT_PI, EQUATIONS, INTERVALS, TUPLES, MATRICES, TEXT]  # fmt: skip
    cases = [c for t in tables for c in t]
    stats = {"ours": [0, 0, 0], "math-verify": [0, 0, 0]}  # agree, false positives, false negatives
    for gold, pred, want in cases:
        for name, got in (("ours", equivalent(gold, pred)), ("math-verify", math_verify(gold, pred))):
            s = stats[name]
            s[0] += got == want
            s[1] += got and not want
            s[2] += want and not got
    for name, (agree, fp, fn) in stats.items():
        print(
            f"{name:12s} agreement {agree}/{len(cases)} ({100 * agree / len(cases):.1f}%)  FP {fp}  FN {fn}"
        )
