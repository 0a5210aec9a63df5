"""GSM8K train: CoT from the human solution, PoT derived from its calculator annotations."""

from __future__ import annotations

import re

from mammoth_math.api import AnswerType, Problem
from mammoth_math.benchmarks import DataError, RowError, gsm8k_gold, read_jsonl, require
from mammoth_math.curate.gsm8k_pot import DeriveError, derive_program
from mammoth_math.curate.sources.base import LoadOptions, SourceSpec, find_file
from mammoth_math.curate.sources.registry import SOURCES

_ANNOTATION = re.compile(r"<<[^<>]*>>")


def load(opts: LoadOptions) -> list[Problem]:
    path = find_file(opts, "gsm8k/train.jsonl", "gsm8k/train.jsonl")
    problems: list[Problem] = []
    for i, (where, row) in enumerate(read_jsonl(path)):
        if opts.limit is not None and len(problems) >= opts.limit:
            break
        if isinstance(row, DataError):
            raise row
        try:
            solution = str(require(row, "answer"))
            problems.append(
                Problem(
                    id=f"gsm8k-train-{i}",
                    benchmark="gsm8k_train",
                    question=str(require(row, "question")).strip(),
                    gold=gsm8k_gold(solution),
                    answer_type=AnswerType.NUMBER,
                    metadata={"solution": solution},
                )
            )
        except RowError as e:
            raise DataError(str(path), where, str(e), field=e.field) from None
    return problems


def cot_text(solution: str) -> str:
    """The human solution without calculator annotations, ending "The answer is N" like MathInstruct."""
    body, _, final = solution.rpartition("####")
    body = _ANNOTATION.sub("", body).strip()
    return f"{body}\nThe answer is {final.strip()}."


def render(problem: Problem, rationale: str) -> str | None:
    solution = problem.metadata["solution"]
    if rationale == "cot":
        return cot_text(solution)
    if rationale == "pot":
        try:
            return derive_program(solution, problem.gold)
        except DeriveError:
            return None  # counted as "no_rationale" by the builder; the categories live in the docs
    return None


SOURCES.add(
    "gsm8k",
    SourceSpec(
        "gsm8k",
        load,
        render,
        ("cot", "pot"),
        "GSM8K train (7473): human CoT; PoT derived from the <<calc>> annotations",
        size=7473,
    ),
)
