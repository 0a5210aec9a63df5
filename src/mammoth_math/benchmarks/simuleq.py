"""SimulEq (514 systems-of-equations word problems).

226 questions ask for two unknowns ("How many novelists are there? How many poets are there?") while
the gold holds one number: the first unknown asked for. Rather than mark every complete answer wrong,
we keep the question and append one sentence asking for the first quantity only (flagged
`metadata["multi_unknown"]`); the original question stays in metadata.
"""

from __future__ import annotations

import re

from mammoth_math.api import AnswerType, Problem
from mammoth_math.benchmarks.errors import require
from mammoth_math.benchmarks.golds import number_text
from mammoth_math.benchmarks.registry import BENCHMARKS
from mammoth_math.benchmarks.spec import BenchmarkSpec

FIRST_ONLY = "Give only the first quantity asked for as your final answer."

_TWO_IN_ONE = re.compile(r"\b(how (many|much)|what)\b[^?.]*\band\b[^?.]*\?\s*$", re.I)


def asks_two_unknowns(question: str) -> bool:
    sentences = [s for s in re.split(r"(?<=[.?!])\s+", question.strip()) if s]
    questions = [s for s in sentences if s.endswith("?")]
    if len(questions) >= 2:
        return True
    last = questions[-1] if questions else sentences[-1] if sentences else ""
    return bool(_TWO_IN_ONE.search(last)) and " each " not in f" {last.lower()} "


def parse(row: dict, index: int) -> Problem:
    question = require(row, "question").strip()
    multi = asks_two_unknowns(question)
    return Problem(
        id=f"simuleq-{index}",
        benchmark="simuleq",
        question=f"{question} {FIRST_ONLY}" if multi else question,
        gold=number_text(require(row, "answer", (str, int, float))),
        answer_type=AnswerType.NUMBER,
        metadata={"multi_unknown": multi, "original_question": question},
    )


BENCHMARKS.add(
    "simuleq",
    BenchmarkSpec(
        name="simuleq",
        parse=parse,
        answer_type=AnswerType.NUMBER,
        data_path="simuleq/simuleq.json",
        expected_size=514,
        description="Simultaneous linear equation word problems (Koncel-Kedziorski et al.).",
    ),
)
