"""MathQA "gain" programs from Lila (`mathqa/lila_mathqa_gain.json`): human-annotated Python → PoT.

Only the `train` split is used by default: Lila's dev/test rows are MathQA's evaluation items."""

from __future__ import annotations

import json

from mammoth_math.api import AnswerType, Problem
from mammoth_math.benchmarks import DataError
from mammoth_math.curate.sources.base import LoadOptions, SourceSpec, find_file
from mammoth_math.curate.sources.registry import SOURCES


def _first(row: dict, field: str) -> str:
    value = row.get(field)
    if isinstance(value, list) and value and isinstance(value[0], str):
        return value[0]
    if isinstance(value, str):
        return value
    raise DataError("mathqa", "", f"expected a string or list of strings, got {value!r:.60}", field=field)


def load(opts: LoadOptions) -> list[Problem]:
    path = find_file(opts, "mathqa/lila_mathqa_gain.json")
    problems: list[Problem] = []
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise DataError(str(path), "", f"not a valid JSON file: {e}") from None
    instances = data.get("Instances") if isinstance(data, dict) else None
    if not isinstance(instances, list):
        raise DataError(str(path), "", "no `Instances` list (expected a Lila task file)")
    for i, row in enumerate(instances):
        where = f"Instances[{i}]"
        if opts.limit is not None and len(problems) >= opts.limit:
            break
        if not isinstance(row, dict):
            raise DataError(str(path), where, f"expected an object, got {type(row).__name__}")
        if row.get("split", "train") != "train":
            continue
        try:
            question, program, answer = (
                _first(row, "Input"),
                _first(row, "Output Program"),
                _first(row, "Output Answer"),
            )
        except DataError as e:
            raise DataError(str(path), where, str(e).split(": ", 1)[-1], field=e.field) from None
        problems.append(
            Problem(
                id=f"mathqa-{i}",
                benchmark="mathqa",
                question=question.strip(),
                gold=answer.strip(),
                answer_type=AnswerType.NUMBER,
                metadata={"program": program},
            )
        )
    return problems


def render(problem: Problem, rationale: str) -> str | None:
    return problem.metadata["program"].strip() if rationale == "pot" else None


SOURCES.add(
    "mathqa",
    SourceSpec(
        "mathqa", load, render, ("pot",), "MathQA gain (Lila) train split: human Python programs", size=3655
    ),
)
