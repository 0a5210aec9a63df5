"""Labels (`(p,q) = (3,2)`, `AB = 4`, `V_1:V_2 = 11:21`) and relations the regex rewrites cannot turn
into intervals (`-x > -1`, `1 <= |z| <= 3/2`, `x^2 < 4`), as pure string work.

A relation that survives `rewrite.canonical` is sent to the sympy worker as a *set spec*: either
`["rel", text]` (solved over the reals there) or `["intervals", [[lo, hi, lo_closed, hi_closed], ...]]`;
two specs are equal when they denote the same subset of the real line."""

from __future__ import annotations

import re

from mammoth_math.grade.structure import shape_of, split_top

_RELATION = re.compile(r"<=|>=|<|>")
_RELATION_OR_NE = re.compile(r"<=|>=|<|>|!=")
_OR = re.compile(r"\s+or\s+")
_AND = re.compile(r"\s+and\s+")
_SUBSCRIPT = re.compile(r"_\s*\{[^{}]*\}|_\s*[A-Za-z0-9]")
_COMMAND = re.compile(r"\\[a-zA-Z]+")
_LABEL_REST = re.compile(r"^[A-Za-z\s,:|(){}'.]*[A-Za-z][A-Za-z\s,:|(){}'.]*$")


def top_level_equals(text: str) -> list[int]:
    """Positions of `=` signs outside brackets that are not part of `<=`, `>=`, `!=`, `==`."""
    out, depth = [], 0
    for i, ch in enumerate(text):
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif ch == "=" and depth == 0:
            before = text[i - 1] if i else ""
            after = text[i + 1] if i + 1 < len(text) else ""
            if (not before or before not in "<>!=") and after != "=":
                out.append(i)
    return out


def is_label(lhs: str) -> bool:
    """A name for the answer, not an expression: letters, subscripts, commands (`\\frac{NO}{BO}`,
    `\\angle ABC`), `:` (ratios), `,` and brackets (`(p,q)`), `|AB|`; no digits outside subscripts, no
    operators (so `x^2+y^2 = 25` is an equation, not a label on 25)."""
    if re.fullmatch(r"\s*\|\s*[a-zA-Z]\s*\|\s*", lhs):
        return False  # |z| = 1 states a locus; |AB| = 6 names a length
    core = _SUBSCRIPT.sub("", lhs.strip())
    core = _COMMAND.sub("X", core)  # \theta, \angle, \frac{NO}{BO}: a command stands for a name
    return bool(core) and not re.search(r"\d", core) and bool(_LABEL_REST.match(core))


def strip_label(text: str) -> str:
    """`label = value` -> `value` when the left side is a label and there is exactly one `=`."""
    eqs = top_level_equals(text)
    if len(eqs) != 1:
        return text
    lhs, rhs = text[: eqs[0]], text[eqs[0] + 1 :].strip()
    return rhs if rhs and is_label(lhs) else text


def has_relation(text: str) -> bool:
    return bool(_RELATION.search(text))


def set_spec(text: str) -> list | None:
    """The set spec (module docstring) of a relation, an interval or a union of intervals; else None."""
    if has_relation(text):
        if len(text) > 300:
            return None
        for joiner, kind in ((_OR, "any"), (_AND, "all")):
            parts = [p for p in joiner.split(text) if p.strip()]
            if len(parts) > 1:
                specs = [set_spec(p) for p in parts]
                return [kind, specs] if all(specs) else None
        items = split_top(text)
        if len(items) > 1:  # "-1 <= x <= 1, x != 0": all of them (two variables: the worker says no)
            return (
                ["all", [["rel", i] for i in items]]
                if all(_RELATION_OR_NE.search(i) for i in items)
                else None
            )
        return ["rel", text]
    shape = shape_of(text)
    parts = shape.parts if shape.kind == "union" else (shape,)
    intervals = []
    for part in parts:
        if part.kind not in ("interval", "tuple") or len(part.items) != 2 or part.brackets[:1] not in "([":
            return None
        if part.brackets[1:] not in ")]":
            return None
        lo, hi = part.items
        intervals.append([lo, hi, part.brackets[0] == "[", part.brackets[1] == "]"])
    return ["intervals", intervals]
