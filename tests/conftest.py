"""Shared fixtures. Tests read the real data in ../shared (never copied into the repo)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("MAMMOTH_DATA_DIR", REPO.parent / "shared")).resolve()
os.environ.setdefault("MAMMOTH_DATA_DIR", str(SHARED))


@pytest.fixture(scope="session")
def data_dir() -> Path:
    if not (SHARED / "benchmarks").is_dir():
        pytest.fail(f"shared data not found at {SHARED}; set MAMMOTH_DATA_DIR")
    return SHARED
