"""The uninterrupted tiny experiment every other experiment test compares against."""

from __future__ import annotations

from pathlib import Path

import pytest
from experiment_helpers import tiny_spec, write_spec


@pytest.fixture(scope="session")
def finished(tmp_path_factory: pytest.TempPathFactory, data_dir: Path) -> Path:
    """One uninterrupted tiny experiment (the reference the other tests compare against)."""
    from mammoth_math.experiment import load_spec, run_experiment

    tmp = tmp_path_factory.mktemp("experiment")
    spec = load_spec(write_spec(tmp / "spec.yaml", tiny_spec()))
    run_experiment(spec, tmp / "out", data_dir=str(data_dir))
    return tmp / "out"
