"""DeepMind Mathematics (MAmmoTH's 1000-row sample). MAmmoTH compares these golds as strings, so
several can never match a correct answer; we rewrite them, keeping the original in metadata:

- "7.0" -> "7" (97 rows): a number, compared numerically;
- "[2, 3]" (prime factors, solution sets) -> "2, 3": an unordered list; "[21]" -> "21";
- "12 3 0" (space-separated, from "sort ... in decreasing order") -> "(12, 3, 0)": an ordered tuple
  (the grader accepts "12, 3, 0" in that order);
- symbolic answers such as "-20*x" stay as they are, typed LATEX (the grader parses plain-text math).
"""

from __future__ import annotations

import re

from mammoth_math.api import AnswerType, Problem
from mammoth_math.benchmarks.errors import RowError, require
from mammoth_math.benchmarks.golds import is_number_text, number_text
from mammoth_math.benchmarks.registry import BENCHMARKS
from mammoth_math.benchmarks.spec import BenchmarkSpec

_NUM = r"-?\d+(?:\.\d+)?"


def normalize_gold(raw: str) -> tuple[str, AnswerType]:
    text = raw.strip()
    if is_number_text(text):
        return number_text(text), AnswerType.NUMBER
    if re.fullmatch(rf"\[\s*{_NUM}(\s*,\s*{_NUM})*\s*\]", text):
        items = [number_text(x) for x in re.findall(_NUM, text)]
        if len(items) == 1:
            return items[0], AnswerType.NUMBER
        return ", ".join(items), AnswerType.LATEX
    if re.fullmatch(rf"{_NUM}(\s+{_NUM})+", text):
        return "(" + ", ".join(number_text(x) for x in text.split()) + ")", AnswerType.LATEX
    if text:
        return text, AnswerType.LATEX
    raise RowError("answer", "empty")


def parse(row: dict, index: int) -> Problem:
    question = require(row, "question")
    raw = require(row, "answer", (str, int, float))
    gold, answer_type = normalize_gold(str(raw))
    return Problem(
        id=f"mathematics-{index}",
        benchmark="mathematics",
        question=question.strip(),
        gold=gold,
        answer_type=answer_type,
        metadata={"original_gold": raw},
    )


BENCHMARKS.add(
    "mathematics",
    BenchmarkSpec(
        name="mathematics",
        parse=parse,
        answer_type=AnswerType.NUMBER,
        data_path="mathematics/deepmind.json",
        expected_size=1000,
        description="DeepMind Mathematics (Saxton et al., 2019), MAmmoTH's sample; mixed answer types.",
    ),
)
