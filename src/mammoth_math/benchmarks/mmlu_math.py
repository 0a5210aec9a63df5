"""MMLU math subjects (974): `choices` holds four texts; the gold index 0-3 becomes a letter A-D."""

from __future__ import annotations

from mammoth_math.api import AnswerType, Problem
from mammoth_math.benchmarks.errors import RowError, require
from mammoth_math.benchmarks.golds import LETTERS
from mammoth_math.benchmarks.registry import BENCHMARKS
from mammoth_math.benchmarks.spec import BenchmarkSpec


def parse(row: dict, index: int) -> Problem:
    question = require(row, "question")
    choices = require(row, "choices", list)
    if not 2 <= len(choices) <= len(LETTERS) or not all(isinstance(c, (str, int, float)) for c in choices):
        raise RowError("choices", f"expected 2-5 option texts, got {choices!r:.60}")
    answer = require(row, "answer", int)
    if not 0 <= answer < len(choices):
        raise RowError("answer", f"index {answer} out of range for {len(choices)} choices")
    return Problem(
        id=f"mmlu_math-{index}",
        benchmark="mmlu_math",
        question=question.strip(),
        gold=LETTERS[answer],
        answer_type=AnswerType.CHOICE,
        choices=tuple(str(c).strip() for c in choices),
        metadata={"subject": row.get("subject")},
    )


BENCHMARKS.add(
    "mmlu_math",
    BenchmarkSpec(
        name="mmlu_math",
        parse=parse,
        answer_type=AnswerType.CHOICE,
        data_path="mmlu_math/mathematics.json",
        expected_size=974,
        description="MMLU's mathematics subjects (Hendrycks et al., 2021), four options.",
    ),
)
