"""Split a cleaned answer into its shape: interval, union, tuple, set, bare list, matrix, or scalar.

Shapes carry the distinctions a mathematician makes: `[1,2)` is not `(1,2)`; `(1,2)` is an ordered pair
(or an open interval: the same text, so the same shape); `2, 3` and `\\{2,3\\}` are unordered."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Shape:
    kind: str  # "scalar" | "tuple" | "interval" | "set" | "list" | "union" | "matrix"
    items: tuple[str, ...] = ()
    brackets: str = ""  # for intervals and tuples: the two bracket characters, e.g. "[)"
    parts: tuple[Shape, ...] = ()  # unions: the intervals; matrices: the rows (as tuples)


_OPEN = {"(": ")", "[": "]", "{": "}"}
_WRAPPED = re.compile(r"^(?:Matrix\((\[.*\])\)|[\[(]\s*(\\begin\{.*\\end\{[a-zA-Z]*\})\s*[\])])$", re.S)
_MATRIX = re.compile(r"^\\begin\{([pbvB]?matrix|array)\}(?:\{[lcr|]*\})?(.*)\\end\{\1\}$", re.S)


def split_top(text: str, sep: str = ",") -> list[str]:
    """Split on `sep` outside (), [], {}."""
    parts, depth, start = [], 0, 0
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text) and text[i + 1] in "{}":
            depth += 1 if text[i + 1] == "{" else -1
            i += 2
            continue
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif depth == 0 and text.startswith(sep, i):
            parts.append(text[start:i])
            start = i + len(sep)
            i += len(sep)
            continue
        i += 1
    parts.append(text[start:])
    return [p.strip() for p in parts]


def _closes_at_end(text: str) -> bool:
    """True when the bracket opening `text` closes at its last character (not `(1)(2)`)."""
    depth = 0
    for i, ch in enumerate(text):
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
            if depth == 0:
                return i == len(text) - 1
    return False


def _nested_rows(t: str) -> Shape | None:
    """`[[1, 2], [3, 4]]` / `Matrix([[1, 2], [3, 4]])` (Python/sympy output): rows of equal width."""
    if not (t.startswith("[") and t.endswith("]") and _closes_at_end(t)):
        return None
    rows = split_top(t[1:-1])
    if not rows or not all(r.startswith("[") and r.endswith("]") and _closes_at_end(r) for r in rows):
        return None
    parsed = tuple(Shape("tuple", tuple(split_top(r[1:-1]))) for r in rows)
    return Shape("matrix", parts=parsed)


def _items(inner: str) -> list[str]:
    """Items split on top-level commas; on semicolons when there is no comma (`(1;2)`, `\\{2; 1\\}`:
    the separator where the comma is a decimal comma)."""
    items = split_top(inner)
    if len(items) == 1 and ";" in inner:
        semi = split_top(inner, ";")
        if len(semi) > 1 and all(semi):
            return semi
    return items


def shape_of(text: str) -> Shape:
    t = text.strip()
    wrapped = _WRAPPED.match(t)  # "Matrix([[..]])", "[\begin{array}..\end{array}]"
    if wrapped:
        t = (wrapped.group(1) or wrapped.group(2)).strip()
    nested = _nested_rows(t)
    if nested is not None:
        return nested
    m = _MATRIX.match(t)
    if m:
        rows = [r for r in re.split(r"\\\\", m.group(2)) if r.strip()]
        parsed = tuple(Shape("tuple", tuple(c.strip() for c in r.split("&"))) for r in rows)
        return Shape("matrix", parts=parsed)
    if "\\cup" in t or " U " in t:
        pieces = [p for p in re.split(r"\\cup|\sU\s", t) if p.strip()]
        shapes = tuple(shape_of(p) for p in pieces)
        if len(shapes) > 1 and all(s.kind in ("interval", "tuple") and len(s.items) == 2 for s in shapes):
            return Shape("union", parts=shapes)
        if len(shapes) > 1 and all(s.kind == "set" for s in shapes):  # \{(1,2)\} \cup \{(2,1)\}
            return Shape("set", tuple(i for s in shapes for i in s.items))
    if t.startswith("\\{") and t.endswith("\\}"):
        inner = t[2:-2].strip()
        return Shape("set", tuple(_items(inner)) if inner else ())
    if len(t) >= 2 and t[0] in "([" and t[-1] in ")]" and _closes_at_end(t):
        items = tuple(_items(t[1:-1]))
        if len(items) >= 2:
            kind = "interval" if len(items) == 2 and (t[0] == "[" or t[-1] == "]") else "tuple"
            if t[0] == "[" and t[-1] == "]" and len(items) > 2:
                kind = "tuple"  # [1, 2, 3] is a list written in brackets
            return Shape(kind, items, t[0] + t[-1])
    items = tuple(_items(t))
    if len(items) >= 2 and all(items):
        return Shape("list", items)
    return Shape("scalar", (t,))
