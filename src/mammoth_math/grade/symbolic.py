"""Sympy work, run only inside the worker process (worker.py), where a wall-clock kill bounds it.

LaTeX goes through `latex2sympy2_extended`; plain-text math (`exp(16)`, `-20*x`, `3e5`) through sympy's
`parse_expr` after a whitelist check, because parse_expr evaluates Python and model output is untrusted.
"""

from __future__ import annotations

import random
import re
from typing import Any

import sympy
from latex2sympy2_extended import latex2sympy
from sympy.parsing.sympy_parser import (
    convert_xor,
    implicit_multiplication_application,
    parse_expr,
    standard_transformations,
)

_PLAIN_OK = re.compile(r"^[\w\s+\-*/^().,=<>!]*$")
_FUNCS = {"sqrt", "exp", "log", "ln", "sin", "cos", "tan", "cot", "sec", "csc", "asin", "acos", "atan",
          "pi", "e", "E", "I", "oo", "inf", "factorial", "Abs", "abs"}  # fmt: skip
_TRANSFORMS = (*standard_transformations, implicit_multiplication_application, convert_xor)
_LOCALS: dict[str, Any] = {"ln": sympy.log, "e": sympy.E, "inf": sympy.oo, "abs": sympy.Abs, "i": sympy.I}


def parse_plain(text: str) -> sympy.Basic | None:
    """Plain-text math, or None when it is not clearly safe plain text (no attribute access, no dunders)."""
    if (
        "\\" in text
        or "__" in text
        or not _PLAIN_OK.match(text)
        or re.search(r"[a-zA-Z_]\.|\.[a-zA-Z_]", text)
    ):
        return None
    for word in re.findall(r"[A-Za-z_]\w*", text):
        if (
            word not in _FUNCS
            and not re.fullmatch(r"[A-Za-z]\d*", word)
            and not re.fullmatch(r"\d*e\d+", word)
        ):
            return None
    body = text.replace("^", "**")
    if "=" in body and not re.search(r"[<>!]=|==", body):
        left, _, right = body.partition("=")
        return sympy.Eq(_parse(left), _parse(right), evaluate=False)
    return _parse(body)


def _parse(text: str) -> sympy.Basic:
    names = {c: sympy.Symbol(c) for c in set(re.findall(r"\b[a-df-hj-zA-DF-HJ-Z]\b", text))}
    return parse_expr(text, local_dict={**names, **_LOCALS}, transformations=_TRANSFORMS, evaluate=True)


def to_sympy(text: str) -> Any:
    plain = None
    if "\\" not in text:
        try:
            plain = parse_plain(text)
        except Exception:
            plain = None
    if plain is not None:
        return plain
    return latex2sympy(text)


def _is_eq(e: Any) -> bool:
    return isinstance(e, sympy.Equality)


def _close(a: Any, b: Any, rel: float = 1e-12) -> bool:
    # sympy Floats keep arbitrary exponents: 1/2006! must not round to 0.0 as a Python float would
    scale = sympy.Max(abs(a), abs(b))
    return bool(abs(a - b) <= sympy.Float(rel) * scale) if scale != 0 else True


def expressions_equal(g: Any, p: Any) -> bool:
    if _is_eq(g) and _is_eq(p):  # equations are equal when one is a non-zero multiple of the other
        a, b = g.lhs - g.rhs, p.lhs - p.rhs
        if sympy.simplify(a - b) == 0:
            return True
        ratio = sympy.simplify(a / b)
        return bool(ratio != 0 and not ratio.free_symbols and ratio.is_number)
    if _is_eq(g) or _is_eq(p):
        return False
    if isinstance(g, sympy.MatrixBase) or isinstance(p, sympy.MatrixBase):
        if not (isinstance(g, sympy.MatrixBase) and isinstance(p, sympy.MatrixBase)) or g.shape != p.shape:
            return False
        return all(expressions_equal(x, y) for x, y in zip(g, p, strict=True))
    if isinstance(g, sympy.Set) or isinstance(p, sympy.Set):
        return bool(g == p)
    if not (isinstance(g, sympy.Expr) and isinstance(p, sympy.Expr)):
        return bool(g == p)
    if g.has(sympy.oo, -sympy.oo, sympy.zoo) or p.has(sympy.oo, -sympy.oo, sympy.zoo):
        return bool(g == p)  # oo - (-oo) is oo, and oo <= 1e-30 * oo: never compare infinities numerically
    diff = g - p
    if diff == 0:
        return True
    free = sorted(diff.free_symbols, key=str)
    if not free:
        # exact first; then 40-digit numerics for identities simplify cannot prove (nested radicals)
        if sympy.simplify(diff) == 0:
            return True
        gv, pv = sympy.N(g, 40), sympy.N(p, 40)
        if not (gv.is_number and pv.is_number):
            return False
        return _close(gv, pv, 1e-30)
    if sympy.simplify(diff) == 0:
        return True
    # identity test at random points (exact identities agree everywhere; 4 points make a fluke negligible)
    rng = random.Random(1234)
    for _ in range(4):
        point = {s: sympy.Rational(rng.randint(11, 97), rng.randint(3, 17)) for s in free}
        gv, pv = sympy.N(g.subs(point), 30), sympy.N(p.subs(point), 30)
        if not (gv.is_number and pv.is_number) or not _close(gv, pv, 1e-20):
            return False
    return True


def op_compare(gold: str, pred: str) -> bool | None:
    try:
        g, p = to_sympy(gold), to_sympy(pred)
    except Exception:
        return None
    try:
        return expressions_equal(g, p)
    except Exception:
        return None


def op_value(text: str) -> str | None:
    """The number `text` denotes: "p/q" when rational, else a 45-digit decimal; None when not a constant."""
    try:
        e = to_sympy(text)
    except Exception:
        return None
    if not isinstance(e, sympy.Expr) or e.free_symbols:
        return None
    e = e.doit()
    if e.is_Rational:
        return f"{e.p}/{e.q}"
    v = sympy.N(e, 45)
    if not v.is_real or not v.is_finite:
        return None
    return str(v)


OPS = {"compare": op_compare, "value": op_value}
