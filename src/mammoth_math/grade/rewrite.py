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
_MEMBER = re.compile(
    r"^(?:[a-zA-Z](?:_\{?\w+\}?)?(?:\s*\(\s*[a-zA-Z]\s*\))?|\(\s*[a-zA-Z](?:\s*,\s*[a-zA-Z])+\s*\))\s*(?:\\in|∈)\s*(?=\S)"
)  # x \in, f(x) \in, (x, y) \in
# set-builder notation: \{x \mid x > 0\} / \{x | x > 0\} / \{x : x > 0\} states the relation x > 0
_BUILDER = re.compile(r"^\\\{\s*[a-zA-Z]\s*(?:\\mid|\||:)\s*(.+?)\s*\\\}$")
_SIDE = r"[^<>=!,;]+?"
# the variable of a one-variable relation: x, a_1, \\theta, or f(x) (then the relation states a range)
_VAR = r"(?:[a-zA-Z]|\\(?:alpha|beta|gamma|theta|lambda|mu|phi|omega|sigma|tau|rho))(?:_\{?\w+\}?)?(?:\s*\(\s*[a-zA-Z]\s*\))?"
_BETWEEN = re.compile(rf"^({_SIDE})\s*(<=|<)\s*{_VAR}\s*(<=|<)\s*({_SIDE})$")
_BETWEEN_DESC = re.compile(rf"^({_SIDE})\s*(>=|>)\s*{_VAR}\s*(>=|>)\s*({_SIDE})$")
_ONE_SIDED = re.compile(rf"^{_VAR}\s*(<=|<|>=|>)\s*({_SIDE})$")
_REVERSED = re.compile(rf"^({_SIDE})\s*(<=|<|>=|>)\s*{_VAR}$")  # 5 >= x is x <= 5
_FREE_LETTER = re.compile(r"(?<![\\a-zA-Z])[a-zA-Z]")  # a variable, not a command's letters
_FLIP = {"<": ">", "<=": ">=", ">": "<", ">=": "<="}
_EXCEPT = re.compile(
    rf"^(?:{_VAR}\s*!=\s*({_SIDE})|(?:\\mathbb\s*\{{?\s*R\s*\}}?|ℝ)\s*(?:\\setminus|\\backslash|-)\s*\\\{{\s*({_SIDE})\s*\\\}})$"
)
_OR_SPLIT = re.compile(r"\s*,?\s+or\s+")
_AND_SPLIT = re.compile(r"\s*,?\s+and\s+")
# a system written as cases: \{\begin{array}{l} x=1 \\ y=2 \end{array} / \begin{cases}..\end{cases}
_SYSTEM = re.compile(r"^(?:\\\{\s*)?\\begin\{(array|cases|aligned)\}(?:\{[lcr|]*\})?(.*)\\end\{\1\}$", re.S)
# the integer parameter of a general solution: "x = \frac{\pi}{4} + k\pi, k \in \mathbb{Z}"
_INTEGER_PARAMETER = re.compile(
    r"\s*[,;]?\s*\(?\s*[a-zA-Z]\s*\\in\s*\\mathbb\s*\{?\s*[ZN]\s*\}?\s*\)?\s*$"
    r"|\s*,?\s*(?:where|for)\s+[a-zA-Z]\s+(?:is\s+)?(?:an?\s+|any\s+)?integers?\s*$"
)
# an expression (not a bare variable, which _MEMBER drops) in one interval
_WITHIN = re.compile(r"^([^<>=]+?)\s*(?:\\in|∈)\s*([\[(])\s*([^,\[\]()]+?)\s*,\s*([^,\[\]()]+?)\s*([\])])$")
_PM = re.compile(r"\\pm(?![a-zA-Z])|±|\\mp(?![a-zA-Z])|∓")
_JOINER = re.compile(r"\s*,?\s+(?:and|or)\s+")
_WORD = re.compile(r"(?<![\\a-zA-Z])[a-zA-Z]{3,}")
_MATH_WORDS = {"sqrt", "exp", "log", "sin", "cos", "tan", "cot", "sec", "csc", "frac", "infty", "pi"}


Bounds = tuple[str, bool, str, bool]  # low, low closed, high, high closed


def _interval(lo: str, lo_closed: bool, hi: str, hi_closed: bool) -> str:
    return ("[" if lo_closed else "(") + f"{lo.strip()}, {hi.strip()}" + ("]" if hi_closed else ")")


def _bounds(t: str) -> Bounds | None:
    """The interval a one-variable inequality states, or None when `t` is not one."""
    m = _BETWEEN.match(t)
    if m:
        return m.group(1), m.group(2) == "<=", m.group(4), m.group(3) == "<="
    m = _BETWEEN_DESC.match(t)
    if m:
        return m.group(4), m.group(3) == ">=", m.group(1), m.group(2) == ">="
    m = _ONE_SIDED.match(t)
    op, v = (m.group(1), m.group(2)) if m else (None, "")
    if op is None:
        m = _REVERSED.match(t)
        if not m or _FREE_LETTER.search(m.group(1)):
            return None
        op, v = _FLIP[m.group(2)], m.group(1)
    if op.startswith("<"):
        return "-\\infty", False, v.strip(), op == "<="
    return v.strip(), op == ">=", "\\infty", False


def _inequality(t: str) -> str:
    m = _EXCEPT.match(t)
    if m:  # x != 1, R \ {1}
        v = (m.group(1) or m.group(2)).strip()
        return f"(-\\infty, {v}) \\cup ({v}, \\infty)"
    b = _bounds(t)
    return _interval(*b) if b else t


def _compound(t: str) -> str:
    """`x < -1 or x > 2` -> a union of intervals; `x > -2 and x < 3` -> one interval."""
    parts = _OR_SPLIT.split(t)
    if len(parts) > 1:
        bounds = [_bounds(p.strip()) for p in parts]
        if all(bounds):
            return " \\cup ".join(_interval(*b) for b in bounds if b)
        return t
    parts = _AND_SPLIT.split(t)
    if len(parts) == 2:
        a, b = _bounds(parts[0].strip()), _bounds(parts[1].strip())
        if a and b:
            lower, upper = (a, b) if a[2] == "\\infty" else (b, a)
            if lower[2] == "\\infty" and upper[0] == "-\\infty" and lower[0] != "-\\infty":
                return _interval(lower[0], lower[1], upper[2], upper[3])
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
    if re.search(r"[<>]|!=", t):
        return t  # relations keep "and"/"or": one is an intersection, the other a union (relations.py)
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
    system = _SYSTEM.match(t)
    if system:
        rows = [r.replace("&", "").strip() for r in re.split(r"\\\\", system.group(2)) if r.strip()]
        if len(rows) > 1 and all("=" in r or re.search(r"[<>]", r) for r in rows):
            t = ", ".join(rows)
    t = _INTEGER_PARAMETER.sub("", t) if "=" in t or "\\pi" in t else t
    t = _PLUS_INF.sub(r"\\infty", t)
    if _REALS.match(t):
        return "(-\\infty, \\infty)"
    builder = _BUILDER.match(t)
    if builder:
        t = builder.group(1)
    t = _MEMBER.sub("", t)
    within = _WITHIN.match(t)
    if within:  # |z| \in [1, 3/2] is the relation 1 <= |z| <= 3/2
        lo_op = "<=" if within.group(2) == "[" else "<"
        hi_op = "<=" if within.group(5) == "]" else "<"
        t = f"{within.group(3).strip()} {lo_op} {within.group(1).strip()} {hi_op} {within.group(4).strip()}"
    compound = _compound(t)
    if compound != t:
        return compound
    t = _joined(t)
    t = _inequality(t)
    return _plus_minus(t)
