"""Hendrycks MATH train: CoT is the reference solution, which keeps its \\boxed{} answer."""

from __future__ import annotations

from mammoth_math.api import Problem
from mammoth_math.benchmarks import DataError, RowError, read_json_dir
from mammoth_math.benchmarks import parse_math as parse_math_row
from mammoth_math.curate.sources.base import LoadOptions, SourceSpec, find_file
from mammoth_math.curate.sources.registry import SOURCES


def load(opts: LoadOptions) -> list[Problem]:
    root = find_file(opts, "math/train")
    problems: list[Problem] = []
    for i, (where, row) in enumerate(read_json_dir(root)):
        if opts.limit is not None and len(problems) >= opts.limit:
            break
        if isinstance(row, DataError):
            raise row
        try:
            p = parse_math_row(row, i)
        except RowError as e:
            raise DataError(str(root / where), "", str(e), field=e.field) from None
        problems.append(
            Problem(
                id=f"math-train-{where.removesuffix('.json')}",
                benchmark="math_train",
                question=p.question,
                gold=p.gold,
                answer_type=p.answer_type,
                metadata={"solution": row["solution"], "level": row.get("level"), "type": row.get("type")},
            )
        )
    return problems


def render(problem: Problem, rationale: str) -> str | None:
    return problem.metadata["solution"].strip() if rationale == "cot" else None


SOURCES.add(
    "math",
    SourceSpec(
        "math", load, render, ("cot",), "Hendrycks MATH train (7500): reference solutions, boxed", size=7500
    ),
)
