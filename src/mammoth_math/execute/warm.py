"""What the templates hold ready: the modules programs import, imported and exercised once.

Three templates (see template.py): light (the standard library's math modules), sympy (light + sympy
with its caches warmed) and full (sympy + numpy). fork() and exit cost grows with the heap a process
carries (~0.6 ms CPU per program for the light heap against ~1.5 ms with numpy and sympy, on 2 cores
here; a sympy program runs ~9% faster cloned from a heap without numpy), and most arithmetic programs
never touch sympy, so each program goes to the smallest template that has everything it imports.
Routing is a speed decision only: a program that imports something its template lacks (by
__import__ or exec, say) still runs, it just pays that import.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable

LIGHT = "light"
SYMPY = "sympy"
FULL = "full"

# imported and exercised by warm_light(); a program importing only these runs on the light template
LIGHT_MODULES = frozenset(
    {
        "__future__",
        "bisect",
        "builtins",
        "cmath",
        "collections",
        "copy",
        "datetime",
        "decimal",
        "fractions",
        "functools",
        "heapq",
        "itertools",
        "math",
        "numbers",
        "operator",
        "os",
        "random",
        "re",
        "statistics",
        "string",
        "sys",
        "time",
        "typing",
    }
)

# `import a.b as c, d` / `from a.b import c`, at a line start or after a semicolon
_IMPORT = re.compile(r"(?:^|;)[ \t]*(?:from[ \t]+(\.*[\w.]*)[ \t]+import\b|import[ \t]+([^\n;#]+))", re.M)
_DYNAMIC = ("__import__", "importlib")


def imported_modules(code: str) -> set[str]:
    """Top-level names of the modules `code` imports statically (relative imports as '.')."""
    names: set[str] = set()
    for match in _IMPORT.finditer(code):
        if match.group(1) is not None:
            names.add(match.group(1).split(".")[0] or ".")
        else:
            for part in match.group(2).split(","):
                words = part.split()
                if words:
                    names.add(words[0].strip("()\\").split(".")[0])
    return names


SYMPY_MODULES = LIGHT_MODULES | {"sympy", "mpmath"}


def template_for(code: str) -> str:
    """The smallest template holding every module `code` imports: LIGHT, SYMPY, else FULL."""
    if any(word in code for word in _DYNAMIC):
        return FULL
    modules = imported_modules(code)
    if modules <= LIGHT_MODULES:
        return LIGHT
    return SYMPY if modules <= SYMPY_MODULES else FULL


def warm_light() -> None:
    """Import and exercise the standard library's math modules (everything in LIGHT_MODULES)."""
    import bisect
    import cmath
    import collections
    import copy  # noqa: F401
    import datetime
    import decimal
    import fractions
    import functools  # noqa: F401
    import heapq
    import itertools
    import math
    import numbers  # noqa: F401
    import operator  # noqa: F401
    import random
    import statistics
    import string  # noqa: F401
    import typing  # noqa: F401

    fractions.Fraction(3, 4) + fractions.Fraction(1, 6)
    decimal.Decimal("1.1") * 3
    decimal.getcontext().prec = 28
    statistics.median([1, 2, 3]), statistics.stdev([1.0, 2.0, 4.0]), statistics.mean([1, 2])
    math.comb(10, 3), math.gcd(12, 18), math.isqrt(50), cmath.sqrt(-1)
    list(itertools.permutations(range(3))), list(itertools.combinations(range(4), 2))
    collections.Counter("abca").most_common(1), bisect.bisect([1, 3], 2), heapq.nsmallest(1, [3, 1])
    datetime.date(2024, 3, 1) - datetime.timedelta(days=1)
    random.Random(0).random()
    re.findall(r"\d+", "a1b22")


def warm_sympy() -> None:
    """Everything warm_light() holds, plus sympy with the calls programs make already run."""
    warm_light()
    import sympy as sp

    x, y = sp.symbols("x y")
    str(sp.solve(x**2 - 5 * x + 6, x))
    str(sp.solve([x + y - 3, x - y - 1], [x, y]))
    sp.simplify((x**2 - 1) / (x - 1))
    sp.factor(x**3 - x), sp.expand((x + 1) ** 3), sp.integrate(x**2, (x, 0, 1)), sp.diff(sp.sin(x), x)
    sp.limit(sp.sin(x) / x, x, 0), sp.Rational(1, 3) + sp.Rational(1, 6), sp.nsimplify(0.5), sp.sqrt(8)
    sp.Matrix([[1, 2], [3, 4]]).det(), sp.factorint(360), sp.isprime(97), sp.N(sp.pi, 10)
    sp.latex(x**2 / 3), sp.sympify("2*x + 1"), sp.Eq(x, 1), sp.solveset(x**2 - 4, x, sp.S.Reals)


def warm_full() -> None:
    """Everything warm_sympy() holds, plus numpy."""
    warm_sympy()
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
        # a thread pool in the template would not survive fork()
        os.environ[var] = "1"
    import numpy as np

    np.linalg.solve(np.array([[2.0, 1.0], [1.0, 3.0]]), np.array([1.0, 2.0]))
    np.arange(10).reshape(2, 5).sum(axis=0).mean()


WARM_UP: dict[str, Callable[[], None]] = {LIGHT: warm_light, SYMPY: warm_sympy, FULL: warm_full}
