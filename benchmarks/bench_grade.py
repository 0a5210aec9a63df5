"""Judgements per second for a numeric mix and a LaTeX mix (cache cleared between rounds).

Run: .venv/bin/python benchmarks/bench_grade.py"""

from __future__ import annotations

import random
import time

from mammoth_math.grade import equivalence, equivalent


def numeric_pairs(n: int) -> list[tuple[str, str]]:
    rng = random.Random(0)
    out = []
    for _ in range(n):
        v = rng.randint(1, 10**6)
        pred = rng.choice([str(v), f"{v:,}", f"{v}.0", f"${v}", str(v + 1), f"{v / 7:.4f}"])
        out.append((str(v), pred))
    return out


def latex_pairs(n: int) -> list[tuple[str, str]]:
    rng = random.Random(1)
    forms = [
        ("\\frac{{{a}}}{{{b}}}", "{a}/{b}"),
        ("\\sqrt{{{a}}}", "{a}^{{1/2}}"),
        ("{a}\\pi", "\\pi*{a}"),
        ("({a}, {b})", "({a},{b})"),
        ("x^2+{a}x", "x(x+{a})"),
        ("\\frac{{{a}}}{{{b}}}", "\\frac{{{b}}}{{{a}}}"),
    ]
    out = []
    for _ in range(n):
        g, p = rng.choice(forms)
        a, b = rng.randint(2, 99), rng.randint(2, 99)
        out.append((g.format(a=a, b=b), p.format(a=a, b=b)))
    return out


def rate(pairs: list[tuple[str, str]], answer_type: str) -> float:
    equivalence._cached.cache_clear()
    start = time.perf_counter()
    for g, p in pairs:
        equivalent(g, p, answer_type)
    return len(pairs) / (time.perf_counter() - start)


if __name__ == "__main__":
    equivalent("\\sqrt{2}", "2^{1/2}")  # start the sympy worker outside the timing
    print(f"numeric mix: {rate(numeric_pairs(20000), 'number'):,.0f} judgements/s (in-process fast path)")
    print(
        f"latex mix:   {rate(latex_pairs(300), 'latex'):,.0f} judgements/s (sympy worker for the non-numeric)"
    )
