"""Helpers that turn the original releases' answer fields into golds our grader can accept."""

from __future__ import annotations

import re
from fractions import Fraction

from mammoth_math.benchmarks.errors import RowError

LETTERS = "ABCDE"


def number_text(value: object, field: str = "answer") -> str:
    """Canonical text for a numeric gold: 51.0 -> "51", 0.5 -> "0.5", "1,000" -> "1000"."""
    if isinstance(value, bool):
        raise RowError(field, f"expected a number, got {value!r}")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise RowError(field, f"not a finite number: {value!r}")
        if value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, str):
        text = value.strip().replace(",", "")
        if re.fullmatch(r"[-+]?\d+\.0+", text):
            return text.split(".")[0].lstrip("+")
        if re.fullmatch(r"[-+]?(\d+\.?\d*|\.\d+)", text):
            return text.lstrip("+")
        raise RowError(field, f"expected a number, got {value!r:.60}")
    raise RowError(field, f"expected a number, got {type(value).__name__}")


def is_number_text(text: str) -> bool:
    try:
        Fraction(text.replace(",", ""))
        return True
    except (ValueError, ZeroDivisionError):
        return False


_CHOICES_TAIL = re.compile(r"\s*Answer Choices\s*:\s*(.*)$", re.S | re.I)
_CHOICE_ITEM = re.compile(r"\(([A-E])\)\s*(.*?)\s*(?=\([A-E]\)|$)", re.S)


def split_inline_choices(question: str, field: str = "question") -> tuple[str, tuple[str, ...]]:
    """`"... Answer Choices: (A) 2 (B) 4"` -> ("...", ("2", "4")). Letters must run A, B, C... in order."""
    m = _CHOICES_TAIL.search(question)
    if not m:
        raise RowError(field, "no 'Answer Choices: (A) ...' list in the question")
    items = _CHOICE_ITEM.findall(m.group(1))
    letters = "".join(letter for letter, _ in items)
    if not items or letters != LETTERS[: len(items)]:
        raise RowError(field, f"answer choices not labelled A, B, ... in order: {m.group(1)[:80]!r}")
    return question[: m.start()].rstrip(), tuple(text.strip() for _, text in items)


def letter_gold(value: object, n_choices: int, field: str = "answer") -> str:
    if not isinstance(value, str) or value.strip().upper() not in LETTERS[:n_choices]:
        raise RowError(field, f"expected a letter A-{LETTERS[n_choices - 1]}, got {value!r:.40}")
    return value.strip().upper()
