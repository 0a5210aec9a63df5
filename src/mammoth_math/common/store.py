"""Crash-safe files, for every stage: atomic whole-file writes and fsync'd JSONL appends whose torn last
line (a kill -9 mid-write) is ignored on read; the one JSONL reader and the one atomic writer."""

from __future__ import annotations

import gzip
import json
import os
import tempfile
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any


def atomic_write_text(path: str | os.PathLike[str], text: str) -> None:
    """Write to a temp file in the same folder, fsync, then os.replace: readers see old or new, never half."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        # errors="replace": model output may carry lone surrogates (invalid UTF-8 from the backend).
        with os.fdopen(fd, "w", encoding="utf-8", errors="replace") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def atomic_write_jsonl(
    path: str | os.PathLike[str], rows: Iterable[Any], *, ensure_ascii: bool = True
) -> None:
    atomic_write_text(path, "".join(json.dumps(r, ensure_ascii=ensure_ascii) + "\n" for r in rows))


def dumps_line(obj: Any) -> str:
    # ensure_ascii keeps every line valid UTF-8 whatever the model produced (surrogates become \udxxx).
    return json.dumps(obj, ensure_ascii=True) + "\n"


class JsonlLog:
    """An append-only JSONL file shared by threads (a lock) and processes (O_APPEND + flock)."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._repair()

    def _repair(self) -> None:
        # A torn last line from a killed writer: end it so the next append starts on a fresh line.
        if self.path.exists() and self.path.stat().st_size > 0:
            with open(self.path, "rb+") as f:
                f.seek(-1, os.SEEK_END)
                if f.read(1) != b"\n":
                    f.write(b"\n")

    def append(self, rows: Iterable[Any]) -> None:
        data = "".join(dumps_line(r) for r in rows).encode("utf-8")
        if not data:
            return
        with self._lock:
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            try:
                try:
                    import fcntl

                    fcntl.flock(fd, fcntl.LOCK_EX)
                except ImportError:  # pragma: no cover - non-POSIX
                    pass
                os.write(fd, data)
                os.fsync(fd)
            finally:
                os.close(fd)

    def read(self) -> Iterator[Any]:
        yield from read_jsonl(self.path, tolerate_torn=True)


class BadLine(str):
    """Why one JSONL line could not be read ("invalid JSON: ... (column N)", "not valid UTF-8 ...")."""


def parse_jsonl(lines: Iterable[bytes | str]) -> Iterator[tuple[int, Any]]:
    """`(line number, row or BadLine)` for each non-blank line: the one JSONL parser.

    Callers decide what a bad line means: our own logs skip a torn last line; a benchmark release, a
    user's input or a training file gets an error naming file and line."""
    for lineno, raw in enumerate(lines, 1):
        if not raw.strip():
            continue
        if isinstance(raw, bytes):
            try:
                raw = raw.decode("utf-8")
            except UnicodeDecodeError as e:
                yield lineno, BadLine(f"not valid UTF-8 (column {e.start + 1})")
                continue
        try:
            yield lineno, json.loads(raw)
        except json.JSONDecodeError as e:
            yield lineno, BadLine(f"invalid JSON: {e.msg} (column {e.colno})")


def jsonl_lines(path: str | os.PathLike[str]) -> Iterator[tuple[int, Any]]:
    """`parse_jsonl` over a file, streamed (sample logs can be large); a `.gz` name is read through gzip,
    as a results folder stores samples (experiment/results.py)."""
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "rb") as f:
        yield from parse_jsonl(f)


def read_jsonl(path: str | os.PathLike[str], *, tolerate_torn: bool = False) -> Iterator[Any]:
    """Rows of a JSONL file. A bad line raises ValueError naming file and line, except (with
    `tolerate_torn`) lines that do not parse, which a killed writer can leave behind."""
    path = Path(path)
    if not path.exists():
        return
    for lineno, row in jsonl_lines(path):
        if isinstance(row, BadLine):
            if tolerate_torn:
                continue
            raise ValueError(f"{path}:{lineno}: {row}")
        yield row
