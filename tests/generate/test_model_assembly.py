"""Default-model assembly: order, hash refusal, atomicity, reuse — on small chunk sets in tmp_path."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from mammoth_math.common.models import ChunkedModel, assembled_model_path, chunk_paths
from mammoth_math.generate import ModelAssemblyError, assemble_chunks, smollm2_path


def _chunks(tmp_path: Path, parts: list[bytes]) -> list[Path]:
    paths = []
    for i, data in enumerate(parts, start=1):
        path = tmp_path / f"part{i:02d}.bin"
        path.write_bytes(data)
        paths.append(path)
    return paths


PARTS = [b"GGUF" + b"a" * 1000, b"b" * 777, b"c" * 5]
WHOLE = b"".join(PARTS)
SHA = hashlib.sha256(WHOLE).hexdigest()


def test_assembles_in_order_and_verifies(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    chunks = _chunks(tmp_path / "src", PARTS)
    dest = assemble_chunks(chunks, tmp_path / "cache" / "m.gguf", SHA, len(WHOLE))
    assert dest.read_bytes() == WHOLE
    assert (tmp_path / "cache" / "m.gguf.verified.json").is_file()
    assert [p.name for p in (tmp_path / "cache").iterdir() if p.suffix == ".part"] == []


def test_corrupted_chunk_is_refused_and_leaves_nothing(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    bad = [PARTS[0], b"b" * 776 + b"X", PARTS[2]]  # same size, one byte flipped
    chunks = _chunks(tmp_path / "src", bad)
    cache = tmp_path / "cache"
    with pytest.raises(ModelAssemblyError, match="sha256 mismatch") as info:
        assemble_chunks(chunks, cache / "m.gguf", SHA, len(WHOLE))
    assert "refusing" in str(info.value) and SHA in str(info.value)
    assert list(cache.iterdir()) == []  # no half-written or unverified file left behind


def test_wrong_order_is_refused(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    chunks = _chunks(tmp_path / "src", PARTS)
    with pytest.raises(ModelAssemblyError, match="sha256 mismatch"):
        assemble_chunks(list(reversed(chunks)), tmp_path / "m.gguf", SHA, len(WHOLE))


def test_truncated_chunk_reports_size(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    chunks = _chunks(tmp_path / "src", [PARTS[0], PARTS[1][:-10], PARTS[2]])
    with pytest.raises(ModelAssemblyError, match=f"expected {len(WHOLE):,}"):
        assemble_chunks(chunks, tmp_path / "m.gguf", SHA, len(WHOLE))
    assert not (tmp_path / "m.gguf").exists()


def test_verified_file_is_reused_without_reading_chunks(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    chunks = _chunks(tmp_path / "src", PARTS)
    dest = assemble_chunks(chunks, tmp_path / "m.gguf", SHA, len(WHOLE))
    mtime = dest.stat().st_mtime_ns
    for c in chunks:
        c.unlink()  # reuse must not need them
    assert assemble_chunks(chunks, dest, SHA, len(WHOLE)) == dest
    assert dest.stat().st_mtime_ns == mtime
    # a file whose size changed after verification is not trusted: it is rebuilt (and here fails)
    dest.write_bytes(WHOLE[:-1])
    with pytest.raises(FileNotFoundError):
        assemble_chunks(chunks, dest, SHA, len(WHOLE))


def test_missing_chunk_packages_are_named(tmp_path: Path) -> None:
    model = ChunkedModel(
        name="x.gguf",
        package_pattern="mammoth_no_such_pkg_part{n}",
        file_pattern="data/part{n:02d}.bin",
        parts=3,
        size=1,
        sha256="0" * 64,
        install_hint="pip install nothing",
    )
    with pytest.raises(ModelAssemblyError, match=r"3 of 3 chunk packages missing.*mammoth_no_such_pkg_part1"):
        chunk_paths(model)
    with pytest.raises(ModelAssemblyError, match="pip install nothing"):
        assembled_model_path(model, tmp_path)


def test_default_model_chunks_are_installed() -> None:
    from mammoth_math.generate import DEFAULT_MODEL

    paths = chunk_paths(DEFAULT_MODEL)
    assert [p.name for p in paths] == [f"part{n:02d}.bin" for n in range(1, 23)]
    assert sum(p.stat().st_size for p in paths) == DEFAULT_MODEL.size


def test_smollm2_path() -> None:
    path = smollm2_path()
    assert path.stat().st_size == 98_362_432
    assert path.read_bytes()[:4] == b"GGUF"
