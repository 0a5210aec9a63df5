"""Stage records: `DIR/stages/<stage>.json`, what a stage was run with and how it ended.

A record is written when a stage starts (`running`, with the input hash and the pid) and replaced when
it finishes (`done`, with seconds and a summary of its outputs). Both writes are atomic, so a kill -9
leaves either record whole. The input hash covers the stage's own settings and its dependencies'
hashes, never wall times or library versions (those are recorded, not compared): a stage re-runs when
what defines its result changed, and only then.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import time
from importlib import metadata
from pathlib import Path
from typing import Any

from mammoth_math import __version__
from mammoth_math.common.store import atomic_write_text

_LIBRARIES = ("torch", "transformers", "peft", "accelerate", "gguf", "xllamacpp", "vllm")


def stage_hash(payload: dict[str, Any]) -> str:
    text = json.dumps(payload, sort_keys=True, ensure_ascii=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def versions() -> dict[str, str]:
    out = {"mammoth_math": __version__, "python": platform.python_version()}
    for name in _LIBRARIES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return out


def record_path(root: Path, stage_id: str) -> Path:
    return root / "stages" / (stage_id.replace(":", "-") + ".json")


def read_record(root: Path, stage_id: str) -> dict[str, Any] | None:
    path = record_path(root, stage_id)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return None
    return data if isinstance(data, dict) else None


def write_record(root: Path, stage_id: str, record: dict[str, Any]) -> None:
    text = json.dumps(record, indent=2, ensure_ascii=False, default=str) + "\n"
    atomic_write_text(record_path(root, stage_id), text)


def now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S%z")


def alive(pid: Any) -> bool:
    """Whether the process that wrote a `running` record still runs (else it was interrupted)."""
    try:
        os.kill(int(pid), 0)
    except (ProcessLookupError, ValueError, TypeError):
        return False
    except PermissionError:
        return True
    return True
