"""Rewrites of a cleaned answer into the canonical shape the comparison expects (pure regex, linear time).

- infinity spellings -> `\\infty`; `+\\infty` -> `\\infty`; `\\mathbb{R}` / "all real numbers" -> `(-\\infty, \\infty)`
- a membership prefix `x \\in S` -> `S`
- an inequality in one variable -> its interval: `2 <= x < 5` -> `[2, 5)`, `x > 3` -> `(3, \\infty)`,
  `x != 1` and `\\mathbb{R} \\setminus \\{1\\}` -> `(-\\infty, 1) \\cup (1, \\infty)`
- one `\\pm` (or `\\mp`) -> the two branches as a list: `1 \\pm \\sqrt2` -> `1+\\sqrt2, 1-\\sqrt2`
- "and"/"or" between mathematical items -> a list: `2 and 3`, `x=2 or x=3` -> `2, 3`, `x=2, x=3`
"""

from __future__ import annotations

import re

_PLAIN_NUMBER = re.compile(r"^\s*[-+]?[\d.,\s]*\d[\d.,\s]*$")
_INFINITY = re.compile(r"\\infty|∞|\binfinity\b|\binf\b|\boo\b", re.I)
_PLUS_INF = re.compile(r"(?<![\w)}\]])\+\s*\\infty")
_REALS = re.compile(
    r"^(?:\\mathbb\s*\{?\s*R\s*\}?|ℝ|\(?\s*all\s+real\s+numbers\s*\)?|\\text\s*\{\s*all real numbers\s*\})$",
    re.I,
)
_MEMBER = re.compile(r"^[a-zA-Z]\s*(?:\\in|∈)\s*(?=\S)")
_SIDE = r"[^<>=!,;]+?"
_BETWEEN = re.compile(rf"^({_SIDE})\s*(<=|<)\s*[a-zA-Z]\s*(<=|<)\s*({_SIDE})$")
_BETWEEN_DESC = re.compile(rf"^({_SIDE})\s*(>=|>)\s*[a-zA-Z]\s*(>=|>)\s*({_SIDE})$")
_ONE_SIDED = re.compile(rf"^[a-zA-Z]\s*(<=|<|>=|>)\s*({_SIDE})$")
_EXCEPT = re.compile(
    rf"^(?:[a-zA-Z]\s*!=\s*({_SIDE})|(?:\\mathbb\s*\{{?\s*R\s*\}}?|ℝ)\s*(?:\\setminus|\\backslash|-)\s*\\\{{\s*({_SIDE})\s*\\\}})$"
)
_PM = re.compile(r"\\pm(?![a-zA-Z])|±|\\mp(?![a-zA-Z])|∓")
_JOINER = re.compile(r"\s*,?\s+(?:and|or)\s+")
_WORD = re.compile(r"(?<![\\a-zA-Z])[a-zA-Z]{3,}")
_MATH_WORDS = {"sqrt", "exp", "log", "sin", "cos", "tan", "cot", "sec", "csc", "frac", "infty", "pi"}


def _interval(lo: str, lo_closed: bool, hi: str, hi_closed: bool) -> str:
    return ("[" if lo_closed else "(") + f"{lo.strip()}, {hi.strip()}" + ("]" if hi_closed else ")")


def _inequality(t: str) -> str:
    m = _BETWEEN.match(t)
    if m:
        return _interval(m.group(1), m.group(2) == "<=", m.group(4), m.group(3) == "<=")
    m = _BETWEEN_DESC.match(t)
    if m:
        return _interval(m.group(4), m.group(3) == ">=", m.group(1), m.group(2) == ">=")
    m = _EXCEPT.match(t)
    if m:  # x != 1, R \ {1}
        v = (m.group(1) or m.group(2)).strip()
        return f"(-\\infty, {v}) \\cup ({v}, \\infty)"
    m = _ONE_SIDED.match(t)
    if m:
        op, v = m.group(1), m.group(2)
        if op.startswith("<"):
            return _interval("-\\infty", False, v, op == "<=")
        return _interval(v, op == ">=", "\\infty", False)
    return t


def _depth0(text: str, pos: int) -> bool:
    depth = 0
    for ch in text[:pos]:
        depth += ch in "([{"
        depth -= ch in ")]}"
    return depth == 0


def _plus_minus(t: str) -> str:
    assign = re.match(r"^([a-zA-Z])\s*=\s*(?=.*(?:\\pm|±|\\mp|∓))", t)
    if assign:  # "x = \pm 2" -> "2, -2"
        t = t[assign.end() :]
    hits = list(_PM.finditer(t))
    if len(hits) != 1 or "," in t or "=" in t:
        return t
    m = hits[0]
    first = "-" if m.group(0) in ("\\mp", "∓") else "+"
    second = "+" if first == "-" else "-"
    head, tail = t[: m.start()], t[m.end() :]
    return f"{head}{first}{tail}, {head}{second}{tail}".replace("+-", "-").strip()


def _mathy(part: str) -> bool:
    return bool(part) and not any(w.lower() not in _MATH_WORDS for w in _WORD.findall(part))


def _joined(t: str) -> str:
    parts = _JOINER.split(t)
    if (
        len(parts) > 1
        and all(_mathy(p) for p in parts)
        and all(_depth0(t, m.start()) for m in _JOINER.finditer(t))
    ):
        return ", ".join(p.strip() for p in parts)
    return t


def canonical(text: str) -> str:
    """The rewrites listed in the module docstring, applied to an already `clean`ed answer."""
    if _PLAIN_NUMBER.match(text):
        return text.strip()
    t = _INFINITY.sub(r"\\infty", text.strip())
    t = _PLUS_INF.sub(r"\\infty", t)
    if _REALS.match(t):
        return "(-\\infty, \\infty)"
    t = _MEMBER.sub("", t)
    t = _joined(t)
    t = _inequality(t)
    return _plus_minus(t)
