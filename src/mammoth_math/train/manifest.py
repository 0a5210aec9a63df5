"""`mammoth_training.json`: what produced these weights, written beside them."""

from __future__ import annotations

import json
import platform
import time
from importlib import metadata
from pathlib import Path
from typing import Any

from mammoth_math import __version__
from mammoth_math.train.data import file_sha256

MANIFEST_NAME = "mammoth_training.json"
_LIBRARIES = ("torch", "transformers", "peft", "trl", "accelerate", "datasets", "deepspeed", "bitsandbytes")


def library_versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for name in _LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return versions


def data_provenance(data_path: str | Path) -> dict[str, Any]:
    """The data file's sha256 and, when curate left a card.json beside it, the card's hash and id."""
    path = Path(data_path)
    info: dict[str, Any] = {"path": str(path.resolve()), "sha256": file_sha256(path)}
    card = path.parent / "card.json"
    if card.is_file():
        info["card"] = {"path": str(card.resolve()), "sha256": file_sha256(card)}
        try:
            parsed = json.loads(card.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError):
            parsed = None
        if isinstance(parsed, dict):
            # curate may record its own content hash; keep it so both hashes can be cross-checked
            for key in ("hash", "sha256", "data_sha256", "version"):
                if key in parsed:
                    info["card"][f"card_{key}"] = parsed[key]
    return info


def write_manifest(output_dir: str | Path, payload: dict[str, Any]) -> Path:
    """Written atomically (tmp + rename) so a crash never leaves half a manifest."""
    out = Path(output_dir) / MANIFEST_NAME
    full = {
        "mammoth_math_version": __version__,
        "written_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "libraries": library_versions(),
        **payload,
    }
    tmp = out.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(full, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
    tmp.replace(out)
    return out


def read_manifest(model_dir: str | Path) -> dict[str, Any]:
    return json.loads((Path(model_dir) / MANIFEST_NAME).read_text(encoding="utf-8"))
