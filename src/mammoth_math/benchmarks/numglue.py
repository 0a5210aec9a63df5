"""NumGLUE (MAmmoTH's 1042-row test selection). Golds come in three kinds, decided per row:

- numbers (int, or numeric strings such as "4.17") -> NUMBER;
- "A"/"B" with "Answer Choices: (A) .. (B) .." in the question -> CHOICE, options moved to `choices`;
- words ("August", "Friday") -> TEXT, compared case-insensitively by the grader.
"""

from __future__ import annotations

from mammoth_math.api import AnswerType, Problem
from mammoth_math.benchmarks.errors import RowError, require
from mammoth_math.benchmarks.golds import is_number_text, letter_gold, number_text, split_inline_choices
from mammoth_math.benchmarks.registry import BENCHMARKS
from mammoth_math.benchmarks.spec import BenchmarkSpec


def parse(row: dict, index: int) -> Problem:
    question = require(row, "question").strip()
    answer = require(row, "answer", (int, float, str))
    choices: tuple[str, ...] = ()
    if isinstance(answer, str) and "answer choices" in question.lower():
        question, choices = split_inline_choices(question)
        gold, answer_type = letter_gold(answer, len(choices)), AnswerType.CHOICE
    elif isinstance(answer, (int, float)) or is_number_text(answer):
        gold, answer_type = number_text(answer), AnswerType.NUMBER
    elif answer.strip() and answer.strip().replace(" ", "").isalpha():
        gold, answer_type = answer.strip(), AnswerType.TEXT
    else:
        raise RowError("answer", f"neither a number, a choice letter nor a word: {answer!r:.40}")
    return Problem(
        id=f"numglue-{index}",
        benchmark="numglue",
        question=question,
        gold=gold,
        answer_type=answer_type,
        choices=choices,
        metadata={"type": row.get("type")},
    )


BENCHMARKS.add(
    "numglue",
    BenchmarkSpec(
        name="numglue",
        parse=parse,
        answer_type=AnswerType.NUMBER,
        data_path="numglue/numglue.json",
        domain="in",
        expected_size=1042,
        description="Numerical reasoning across 8 task types (Mishra et al., 2022); mixed answer types.",
    ),
)
