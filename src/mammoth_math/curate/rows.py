"""Candidate rows and dropped-row records shared by the curation steps."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

from mammoth_math.api import Problem, TrainingExample

_WORDS = re.compile(r"[a-z0-9]+")


def normalize_words(text: str) -> list[str]:
    """Lower-cased alphanumeric tokens: punctuation, spacing and LaTeX braces do not hide a match."""
    return _WORDS.findall(text.lower())


def row_id(example: TrainingExample) -> str:
    return str(example.metadata.get("id", ""))


def make_example(problem: Problem, output: str, tag: str, rationale: str, **extra: Any) -> TrainingExample:
    meta: dict[str, Any] = {"id": f"{tag}_{rationale}:{problem.id}", "answer_type": problem.answer_type.value}
    if problem.choices:
        meta["choices"] = list(problem.choices)
    meta.update(extra)
    return TrainingExample(
        instruction=problem.question,
        output=output,
        source=f"{tag}_{rationale}",
        rationale=rationale,
        gold=problem.gold or None,
        metadata=meta,
    )


@dataclass(frozen=True)
class Dropped:
    id: str
    source: str
    reason: str  # a short category: "exec_error", "wrong_answer", "benchmark_ngram", ...
    detail: str = ""
    matched: str | None = None  # the row / benchmark item it matched (dedup, decontamination)
    instruction: str = ""

    def to_json(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v not in (None, "")}


def with_meta(example: TrainingExample, **extra: Any) -> TrainingExample:
    return replace(example, metadata={**example.metadata, **extra})
