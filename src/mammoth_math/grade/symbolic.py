"""Sympy work, run only inside the worker process (worker.py), where a wall-clock kill bounds it.

LaTeX goes through `latex2sympy2_extended`; plain-text math (`exp(16)`, `-20*x`, `3e5`) through sympy's
`parse_expr` after a whitelist check, because parse_expr evaluates Python and model output is untrusted.
"""

from __future__ import annotations

import json
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
from sympy.solvers.inequalities import solve_univariate_inequality

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


_TRIG_DEGREES = re.compile(r"(\\(?:sin|cos|tan|cot|sec|csc)\s*\(?\s*)(\d+(?:\.\d+)?)\s*°")


def to_sympy(text: str) -> Any:
    # "\\sin 60°": degrees inside a trigonometric function are radians * pi/180
    text = _TRIG_DEGREES.sub(r"\1\\frac{\2\\pi}{180}", text)
    plain = None
    if "\\" not in text:
        try:
            plain = parse_plain(text)
        except Exception:
            plain = None
    if plain is not None:
        return plain
    return latex2sympy(text)


def _real_roots(e: Any) -> Any:
    """Odd roots of negative numbers as the real root (sqrt[3]{-8} = -2, as competition answers mean),
    not sympy's principal complex one."""
    if not isinstance(e, sympy.Basic):
        return e

    def odd_root(x: Any) -> bool:
        return bool(
            x.is_Pow and x.exp.is_Rational and x.exp.q % 2 == 1 and x.exp.q > 1 and x.base.is_negative
        )

    return e.replace(odd_root, lambda x: (-1) ** x.exp.p * (-x.base) ** x.exp)


def _is_eq(e: Any) -> bool:
    return isinstance(e, sympy.Equality)


def _close(a: Any, b: Any, rel: float = 1e-12) -> bool:
    # sympy Floats keep arbitrary exponents: 1/2006! must not round to 0.0 as a Python float would
    scale = sympy.Max(abs(a), abs(b))
    return bool(abs(a - b) <= sympy.Float(rel) * scale) if scale != 0 else True


def expressions_equal(g: Any, p: Any) -> bool:
    if _is_eq(g) and _is_eq(p):  # equations are equal when one is a non-zero multiple of the other
        a, b = g.lhs - g.rhs, p.lhs - p.rhs
        numeric = _constant_ratio(a, b)
        if numeric is not None:
            return numeric
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
    if [str(s) for s in free] == ["i"]:  # i alone is the imaginary unit: e^{i\pi} = -1, i^2 = -1
        unit = {free[0]: sympy.I}
        g, p, diff, free = g.subs(unit), p.subs(unit), (g - p).subs(unit), []
    if not free:
        g, p = _real_roots(g), _real_roots(p)
        # numerics first, at 40 digits: simplify can run for seconds on nested radicals
        # (sqrt(11+6*sqrt(2)) + sqrt(11-6*sqrt(2))) while evalf decides them at once; relative 1e-30
        # still tells 1/2004! from 1/2006!. simplify only when a side has no numeric value.
        gv, pv = sympy.N(g, 40), sympy.N(p, 40)
        if gv.is_number and pv.is_number and gv.is_finite and pv.is_finite:
            return _close(gv, pv, 1e-30)
        return bool(sympy.simplify(diff) == 0)
    # identity test at random points first (exact identities agree everywhere; 4 points make a fluke
    # negligible); simplify only when a point gives no number (a branch cut, a pole)
    rng = random.Random(1234)
    for _ in range(4):
        point = {s: sympy.Rational(rng.randint(11, 97), rng.randint(3, 17)) for s in free}
        gv, pv = sympy.N(g.subs(point), 30), sympy.N(p.subs(point), 30)
        if not (gv.is_number and pv.is_number and gv.is_finite and pv.is_finite):
            return bool(sympy.simplify(diff) == 0)
        if not _close(gv, pv, 1e-20):
            return False
    return True


def _constant_ratio(a: Any, b: Any) -> bool | None:
    """Is a/b the same non-zero constant at 4 random points? None when a point gives no number (then
    simplify decides): the numeric test first, because simplify can run past the bound."""
    free = sorted(a.free_symbols | b.free_symbols, key=str)
    if not free:
        return None
    rng = random.Random(4321)
    ratios = []
    for _ in range(4):
        point = {s: sympy.Rational(rng.randint(11, 97), rng.randint(3, 17)) for s in free}
        av, bv = sympy.N(a.subs(point), 30), sympy.N(b.subs(point), 30)
        if not (av.is_number and bv.is_number and av.is_finite and bv.is_finite) or bv == 0 or av == 0:
            return None
        ratios.append(av / bv)
    return all(_close(r, ratios[0], 1e-20) for r in ratios)


def _relation_set(text: str) -> Any:
    """The real solution set of a (possibly chained) inequality in one variable, or None."""
    pieces = re.split(r"(<=|>=|!=|<|>)", text)
    if len(pieces) < 3 or len(pieces) % 2 == 0 or len(pieces) > 7:
        return None
    sides = [to_sympy(s.strip()) for s in pieces[::2]]
    if not all(isinstance(e, sympy.Expr) for e in sides):
        return None
    free = set().union(*(e.free_symbols for e in sides))
    if len(free) != 1:
        return None
    x = free.pop()
    real = sympy.Symbol(str(x), real=True)
    sides = [e.subs(x, real) for e in sides]
    ops = {"<": sympy.Lt, "<=": sympy.Le, ">": sympy.Gt, ">=": sympy.Ge}
    result: Any = sympy.S.Reals
    for left, op, right in zip(sides, pieces[1::2], sides[1:], strict=False):
        if op == "!=":
            part = sympy.Complement(sympy.S.Reals, sympy.solveset(sympy.Eq(left, right), real, sympy.S.Reals))
        else:
            part = solve_univariate_inequality(
                ops[op](left, right), real, relational=False, domain=sympy.S.Reals
            )
        result = sympy.Intersection(result, part)
    return result


def _spec_set(spec: Any) -> Any:
    kind, body = spec
    if kind == "rel":
        return _relation_set(body)
    if kind in ("all", "any"):
        sets = [_spec_set(part) for part in body]
        if any(x is None for x in sets):
            return None
        return sympy.Intersection(*sets) if kind == "all" else sympy.Union(*sets)
    parts = []
    for lo, hi, lo_closed, hi_closed in body:
        a, b = to_sympy(lo), to_sympy(hi)
        parts.append(sympy.Interval(a, b, left_open=not lo_closed, right_open=not hi_closed))
    return sympy.Union(*parts)


def op_sets(gold_spec: str, pred_spec: str) -> bool | None:
    """Two set specs (relations.py) denote the same subset of the reals."""
    try:
        a, b = _spec_set(json.loads(gold_spec)), _spec_set(json.loads(pred_spec))
        if a is None or b is None:
            return None
        if a == b:
            return True
        return bool(sympy.Complement(a, b) == sympy.S.EmptySet and sympy.Complement(b, a) == sympy.S.EmptySet)
    except Exception:
        return None


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
    if isinstance(e, sympy.Expr) and [str(s) for s in e.free_symbols] == ["i"]:
        e = e.subs(next(iter(e.free_symbols)), sympy.I)  # the imaginary unit, as in expressions_equal
    if not isinstance(e, sympy.Expr) or e.free_symbols:
        return None
    e = _real_roots(e.doit())
    if e.is_Rational:
        return f"{e.p}/{e.q}"
    v = sympy.N(e, 45)
    if not v.is_real or not v.is_finite:
        return None
    return str(v)


OPS = {"compare": op_compare, "value": op_value, "sets": op_sets}
