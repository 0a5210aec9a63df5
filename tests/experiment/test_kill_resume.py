"""kill -9 during training and during evaluation, then re-run: finished stages are not repeated, the
interrupted one resumes, and the final table equals the uninterrupted run's."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from experiment_helpers import generations_of, table_of, tiny_spec, write_spec

pytestmark = pytest.mark.slow  # about one more tiny experiment (~1 min), in three processes


def _run_until(argv: list[str], condition: Callable[[], bool], timeout: float = 240) -> None:
    """Start the experiment, kill -9 it as soon as `condition` holds."""
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + timeout
    try:
        while not condition():
            if proc.poll() is not None:
                pytest.fail(f"the run ended before the kill point:\n{proc.stderr.read()[-3000:]}")  # type: ignore[union-attr]
            if time.monotonic() > deadline:
                pytest.fail("kill point not reached in time")
            time.sleep(0.05)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait()
        proc.stderr.close()  # type: ignore[union-attr]


def _record(out: Path, stage: str) -> dict:
    path = out / "stages" / f"{stage.replace(':', '-')}.json"
    return json.loads(path.read_text()) if path.is_file() else {}


def _lines(path: Path) -> int:
    return path.read_text().count("\n") if path.is_file() else 0


def test_kill_during_train_and_eval_then_resume(finished: Path, tmp_path: Path, data_dir: Path) -> None:
    spec = write_spec(tmp_path / "spec.yaml", tiny_spec())
    out = tmp_path / "out"
    argv = [sys.executable, "-m", "mammoth_math", "experiment", "run", str(spec), "--output", str(out),
            "--data-dir", str(data_dir)]  # fmt: skip

    # 1. killed in train:pot, after its second checkpoint (so a step or two were done)
    _run_until(argv, lambda: (out / "pot" / "train" / "checkpoint-2" / "trainer_state.json").is_file())
    assert _record(out, "train:pot")["status"] == "running"
    done_before = {s: _record(out, s)["finished"] for s in ("curate:cot", "train:cot", "eval:cot:hybrid")}

    # 2. killed in eval:pot:cot once one problem is logged (the other three are still to come)
    progress = out / "pot" / "eval-cot" / "progress.jsonl"
    _run_until(argv, lambda: _lines(progress) >= 1)
    train = _record(out, "train:pot")
    assert train["status"] == "done" and train["resumed"] is True
    assert train["outputs"]["resumed_from"].rsplit("-", 1)[-1] in ("2", "3")  # continued, not restarted
    assert train["outputs"]["global_step"] == 4
    assert _record(out, "eval:pot:cot")["status"] == "running"
    logged = _lines(progress)

    # 3. to the end
    proc = subprocess.run(argv, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "eval:pot:cot: resuming" in proc.stderr and "train:pot: done earlier" in proc.stderr
    ev = _record(out, "eval:pot:cot")
    assert ev["status"] == "done" and ev["resumed"] is True
    assert _lines(out / "pot" / "eval-cot" / "samples.jsonl") == 4
    assert _lines(progress) == 4 and logged >= 1  # logged problems were not solved again
    for stage, finished_at in done_before.items():  # stages finished before the kills never re-ran
        assert _record(out, stage)["finished"] == finished_at
    assert table_of(out) == table_of(finished)
    gens, ref = generations_of(out), generations_of(finished)
    assert len(gens) == 9 and gens == ref  # the resumed models and evaluations said exactly the same
