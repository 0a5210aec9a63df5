"""SAT-Math (220): options are inline ("Answer Choices: (A) 2 (B) 4 ..."); moved to `choices`."""

from __future__ import annotations

from mammoth_math.api import AnswerType, Problem
from mammoth_math.benchmarks.errors import require
from mammoth_math.benchmarks.golds import letter_gold, split_inline_choices
from mammoth_math.benchmarks.registry import BENCHMARKS
from mammoth_math.benchmarks.spec import BenchmarkSpec


def parse(row: dict, index: int) -> Problem:
    stem, choices = split_inline_choices(require(row, "question"))
    return Problem(
        id=f"sat-{index}",
        benchmark="sat",
        question=stem.strip(),
        gold=letter_gold(require(row, "answer"), len(choices)),
        answer_type=AnswerType.CHOICE,
        choices=choices,
    )


BENCHMARKS.add(
    "sat",
    BenchmarkSpec(
        name="sat",
        parse=parse,
        answer_type=AnswerType.CHOICE,
        data_path="sat/sat.json",
        expected_size=220,
        description="SAT math questions with four options (AGIEval).",
    ),
)
