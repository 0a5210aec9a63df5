"""Read raw rows from the file formats the public benchmark releases use.

Each reader yields `(location, row)` where location is "line N" (JSONL), "item N" (JSON list) or a
relative path (one JSON file per problem), so errors can point at the exact place.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from mammoth_math.benchmarks.errors import DataError
from mammoth_math.common.store import BadLine, jsonl_lines

Row = dict[str, Any]


def _read_text(path: Path) -> str:
    data = path.read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise DataError(str(path), f"line {line}", f"not valid UTF-8 (byte offset {e.start})") from None


def read_jsonl(path: Path) -> Iterator[tuple[str, Any]]:
    for lineno, row in jsonl_lines(path):
        where = f"line {lineno}"
        yield where, DataError(str(path), where, row) if isinstance(row, BadLine) else row


def read_json_list(path: Path) -> Iterator[tuple[str, Any]]:
    try:
        data = json.loads(_read_text(path))
    except json.JSONDecodeError as e:
        raise DataError(str(path), f"line {e.lineno}", f"invalid JSON: {e.msg} (column {e.colno})") from None
    if isinstance(data, dict):
        # Some releases wrap the list: {"Instances": [...]} or {"data": [...]}.
        lists = [v for v in data.values() if isinstance(v, list)]
        if len(lists) != 1:
            raise DataError(str(path), "", "expected a JSON list of rows (or an object holding one list)")
        data = lists[0]
    if not isinstance(data, list):
        raise DataError(str(path), "", f"expected a JSON list of rows, got {type(data).__name__}")
    for i, row in enumerate(data):
        yield f"item {i}", row


def _natural_key(path: Path) -> list[Any]:
    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", str(path))]


def read_json_dir(root: Path) -> Iterator[tuple[str, Any]]:
    """One JSON object per file (Hendrycks MATH layout: <subject>/<n>.json), in natural order."""
    files = sorted(root.rglob("*.json"), key=lambda p: _natural_key(p.relative_to(root)))
    for path in files:
        rel = path.relative_to(root).as_posix()
        try:
            row = json.loads(_read_text(path))
        except json.JSONDecodeError as e:
            yield rel, DataError(str(path), f"line {e.lineno}", f"invalid JSON: {e.msg}")
            continue
        except DataError as e:
            yield rel, e
            continue
        if isinstance(row, dict):
            row = {**row, "_relpath": rel}
        yield rel, row


def read_rows(path: Path) -> Iterator[tuple[str, Any]]:
    """Pick the reader from the path: a folder, `.jsonl`, or `.json`."""
    if path.is_dir():
        return read_json_dir(path)
    if path.suffix == ".jsonl":
        return read_jsonl(path)
    if path.suffix == ".json":
        return read_json_list(path)
    raise DataError(
        str(path), "", "unsupported file type (expected .jsonl, .json or a folder of .json files)"
    )
