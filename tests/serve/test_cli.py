"""`mammoth-math serve` rejects bad options before loading any model."""

from __future__ import annotations

import subprocess
import sys

import pytest


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--exec-timeout", "0"], "--exec-timeout 0.0: must be > 0"),
        (["--port", "70000"], "--port 70000: not a TCP port"),
        (["--workers", "0"], "solve_workers must be at least 1"),
    ],
)
def test_bad_options_fail_fast(args: list[str], message: str) -> None:
    r = subprocess.run(
        [sys.executable, "-m", "mammoth_math", "serve", "--model", "smollm2", *args],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert r.returncode == 2
    assert message in r.stderr


def test_help_lists_the_options() -> None:
    r = subprocess.run(
        [sys.executable, "-m", "mammoth_math", "serve", "--help"], capture_output=True, text=True, timeout=60
    )
    assert r.returncode == 0
    for option in (
        "--model",
        "--host",
        "--port",
        "--workers",
        "--queue",
        "--max-body-bytes",
        "--exec-timeout",
    ):
        assert option in r.stdout
