"""Judgements per second for a numeric mix and a LaTeX mix (cache cleared between rounds), and the median
and worst time of one LaTeX judgement.

Run: .venv/bin/python benchmarks/bench_grade.py"""

from __future__ import annotations

import random
import statistics
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


def rate(pairs: list[tuple[str, str]], answer_type: str) -> tuple[float, list[float]]:
    """(judgements per second, seconds of each judgement)."""
    equivalence._cached.cache_clear()
    each = []
    start = time.perf_counter()
    for g, p in pairs:
        t = time.perf_counter()
        equivalent(g, p, answer_type)
        each.append(time.perf_counter() - t)
    return len(pairs) / (time.perf_counter() - start), each


if __name__ == "__main__":
    equivalent("\\sqrt{2}", "2^{1/2}")  # start the sympy worker outside the timing
    numeric, _ = rate(numeric_pairs(20000), "number")
    print(f"numeric mix: {numeric:,.0f} judgements/s (in-process fast path)")
    latex, each = rate(latex_pairs(300), "latex")
    print(f"latex mix:   {latex:,.0f} judgements/s (sympy worker for the non-numeric)")
    print(
        f"latex judgement: median {1000 * statistics.median(each):.2f} ms, "
        f"p95 {1000 * statistics.quantiles(each, n=20)[-1]:.2f} ms, max {1000 * max(each):.1f} ms"
    )
