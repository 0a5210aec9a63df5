"""Small, exact LaTeX text helpers shared by gold extraction (benchmarks) and answer extraction (grade)."""

from __future__ import annotations

import re

_BOX_RE = re.compile(r"\\(?:boxed|fbox)\s*(\{)|\\boxed +([^\s$]+)")


def boxed_contents(text: str) -> list[str]:
    """Contents of every `\\boxed{...}` / `\\fbox{...}` (nested braces respected), in order.

    `\\boxed 5` (no braces, seen in some MATH solutions) gives "5". An unclosed box is skipped.
    """
    found: list[str] = []
    for m in _BOX_RE.finditer(text):
        if m.group(2) is not None:
            found.append(m.group(2))
            continue
        start = m.end(1)
        end = matching_brace(text, start - 1)
        if end is not None:
            found.append(text[start:end])
    return found


def last_boxed(text: str) -> str | None:
    boxes = boxed_contents(text)
    return boxes[-1].strip() if boxes else None


def matching_brace(text: str, open_index: int) -> int | None:
    """Index of the `}` closing the `{` at `open_index`; escaped braces (`\\{`) do not count."""
    depth = 0
    i = open_index
    while i < len(text):
        ch = text[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return None
