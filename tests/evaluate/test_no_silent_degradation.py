"""Where the sandbox cannot start, program modes stop with one clear error; nothing is scored.

Namespaces are taken away for real (tests/conftest.py: `without_namespaces`), and the real CLI runs.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def _cli(prefix: list[str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*prefix, sys.executable, "-m", "mammoth_math", *args], capture_output=True, text=True, timeout=300
    )


@pytest.mark.parametrize("mode", ["pot", "hybrid"])
def test_eval_stops_and_writes_no_summary(
    without_namespaces: list[str], tmp_path: Path, data_dir: Path, mode: str
) -> None:
    out = tmp_path / "run"
    proc = _cli(
        without_namespaces,
        "eval", "--benchmarks", "gsm8k", "--limit", "2", "--mode", mode, "--model", "smollm2",
        "--output", str(out), "--data-dir", str(data_dir), "--cache-dir", str(tmp_path / "cache"),
        "--no-progress",
    )  # fmt: skip
    assert proc.returncode == 2, proc.stderr
    assert "the sandbox cannot run programs (IsolationUnavailable" in proc.stderr
    assert "--unsafe-no-isolation" in proc.stderr and "--mode cot" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not (out / "summary.json").exists() and not (out / "samples.jsonl").exists()


def test_solve_stops(without_namespaces: list[str]) -> None:
    proc = _cli(without_namespaces, "solve", "What is 2 + 2?", "--mode", "hybrid", "--model", "smollm2")
    assert proc.returncode == 2, proc.stderr
    assert "the sandbox cannot run programs" in proc.stderr and proc.stdout == ""


def test_exec_still_writes_a_refused_record_per_program(
    without_namespaces: list[str], tmp_path: Path
) -> None:
    src, dst = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    src.write_text("".join(json.dumps({"id": i, "code": "print(1)"}) + "\n" for i in range(3)))
    proc = _cli(without_namespaces, "exec", str(src), "-o", str(dst), "--no-progress")
    rows = [json.loads(line) for line in dst.read_text().splitlines()]
    assert [r["status"] for r in rows] == ["refused"] * 3, proc.stderr
    assert all(r["error"].startswith("IsolationUnavailable") for r in rows)


def test_serve_does_not_start(without_namespaces: list[str]) -> None:
    proc = _cli(without_namespaces, "serve", "--model", "smollm2", "--port", "0")
    assert proc.returncode == 2, proc.stderr
    assert "the sandbox cannot run programs" in proc.stderr and "--unsafe-no-isolation" in proc.stderr
