"""Multiple choice: read an option letter, or match option text back to its letter.

Letters are upper-case A-E only, so the article "a" is never read as choice A."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from mammoth_math.grade.normalize import clean, squash

LETTERS = "ABCDE"
_BARE = re.compile(r"^\(?\s*([A-E])\s*\)?[.:)]?$")
_LEADING = re.compile(
    r"^(?:(?:option|choice|answer)\s*:?\s*)?\(\s*([A-E])\s*\)(?:\s+|$)|^(?:option|choice)\s+([A-E])\b", re.I
)
_WITH_TEXT = re.compile(r"^\(?([A-E])\)\s*[:.]?\s*(.+)$|^([A-E])[.:]\s+(.+)$", re.S)


def letter_of(answer: str, n_choices: int = 5) -> str | None:
    """ "B", "(B)", "B)", "\\text{(B)}", "option B", "(B) 12" -> "B"; anything else -> None."""
    text = clean(answer)
    m = _BARE.match(text) or _LEADING.match(text)
    if m:
        letter = next(g for g in m.groups() if g)
        letter = letter.upper() if m.re is _LEADING else letter
        return letter if letter in LETTERS[: max(n_choices, 1)] else None
    m = _WITH_TEXT.match(text)
    if m:
        letter = m.group(1) or m.group(3)
        return letter if letter in LETTERS[: max(n_choices, 1)] else None
    return None


def match_option(answer: str, choices: Sequence[str], same: Callable[[str, str], bool]) -> list[str]:
    """Letters whose option text equals `answer` (by `same`, the math/text equality)."""
    text = clean(answer)
    if not text:
        return []
    options = [clean(o) for o in choices[: len(LETTERS)]]
    # verbatim option text first: no symbolic work (and no sympy worker hop) for the common case
    hits = [LETTERS[i] for i, o in enumerate(options) if o and squash(o) == squash(text)]
    if hits:
        return hits
    return [LETTERS[i] for i, o in enumerate(options) if o and same(o, text)]


def choice_equal(gold: str, pred: str, choices: Sequence[str], same: Callable[[str, str], bool]) -> bool:
    n = len(choices) or 5
    gold_letter = letter_of(gold, n)
    if gold_letter is None:  # a gold given as option text: compare texts
        return same(clean(gold), clean(pred))
    letter = letter_of(pred, n)
    if letter is not None:
        return letter == gold_letter
    if not choices:
        return False
    hits = match_option(pred, choices, same)
    return gold_letter in hits
