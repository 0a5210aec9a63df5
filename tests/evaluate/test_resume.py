"""kill -9 an evaluation midway, --resume it, and compare with an uninterrupted run; then shard the same
run in two and merge. Real subprocesses, sandbox and grader; the model is a tiny randomly initialised Llama
built here from SmolLM2's real tokenizer and run by our hf backend. Not SmolLM2 through llama.cpp: its
prompt cache makes greedy output depend on which prompt a slot served before (a fresh process after the
kill evaluates the shared prefix in a different batch shape), so "same as uninterrupted" cannot be exact
there. The tiny model's garbage output also exercises the robustness paths."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from mammoth_math.evaluate import TIMING_FIELDS

pytestmark = pytest.mark.slow

LIMIT = 4
ARGS = ["--benchmarks", "gsm8k", "--limit", str(LIMIT), "--mode", "hybrid", "--max-tokens", "48"]
ARGS += ["--batch-size", "1", "--workers", "1", "--no-progress"]
ARGS += ["--model-option", "device=cpu", "--model-option", "dtype=float32"]
MODEL: list[str] = []


@pytest.fixture(scope="module", autouse=True)
def tiny_model(tiny_llama_dir: Path) -> None:
    MODEL[:] = ["--model", f"hf:{tiny_llama_dir}"]


def _eval(out: Path, cache: Path, *extra: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "mammoth_math",
            "eval",
            *MODEL,
            *ARGS,
            "--output",
            str(out),
            "--cache-dir",
            str(cache),
            *extra,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def _finish(proc: subprocess.Popen) -> str:
    out, err = proc.communicate(timeout=400)
    assert proc.returncode == 0, err[-3000:]
    return out


def _samples(path: Path) -> list[dict]:
    rows = [json.loads(line) for line in path.read_text().splitlines()]
    for r in rows:  # timings differ run to run; everything else must match
        r["solve"]["seconds"] = 0
        if r["solve"]["execution"]:
            r["solve"]["execution"]["seconds"] = 0
    return rows


def _summary(path: Path) -> dict:
    s = json.loads(path.read_text())
    for key in (*TIMING_FIELDS, "merged_from", "missing_shards", "shards"):
        s.pop(key, None)
    return s


def test_sigkill_then_resume_matches_uninterrupted_run(tmp_path: Path) -> None:
    full, killed = tmp_path / "full", tmp_path / "killed"
    table = _finish(_eval(full, tmp_path / "cache-full"))
    assert "gsm8k" in table and "in-domain avg" in table

    proc = _eval(killed, tmp_path / "cache-killed")
    progress = killed / "progress.jsonl"
    deadline = time.time() + 300
    while time.time() < deadline and proc.poll() is None:
        if progress.exists() and progress.read_text().count("\n") >= 1:
            break
        time.sleep(0.02)
    assert proc.poll() is None, "the run finished before it could be killed"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert not (killed / "summary.json").exists()
    done_before = progress.read_text().count("\n")
    assert 1 <= done_before < LIMIT

    # without --resume an existing run is refused, not overwritten
    refused = _eval(killed, tmp_path / "cache-killed")
    _, err = refused.communicate(timeout=120)
    assert refused.returncode == 2 and "--resume" in err

    _finish(_eval(killed, tmp_path / "cache-killed", "--resume"))
    assert _samples(killed / "samples.jsonl") == _samples(full / "samples.jsonl")
    assert [r["id"] for r in _samples(killed / "samples.jsonl")] == [f"gsm8k-{i}" for i in range(LIMIT)]
    assert _summary(killed / "summary.json") == _summary(full / "summary.json")
    resumed = json.loads((killed / "summary.json").read_text())
    assert resumed["resumed"] is True and resumed["cache"]["misses"] <= 2 * (LIMIT - done_before)

    # changing a result-defining setting on --resume is refused, naming it
    bad = subprocess.run(
        [
            sys.executable,
            "-m",
            "mammoth_math",
            "eval",
            *MODEL,
            *ARGS,
            "--seed",
            "5",
            "--resume",
            "--output",
            str(killed),
            "--cache-dir",
            str(tmp_path / "c"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert bad.returncode == 2 and "seed" in bad.stderr

    # the same run in two shards, from the full run's cache (no generation), merged == uninterrupted
    for i in (0, 1):
        _finish(
            _eval(
                tmp_path / f"shard{i}", tmp_path / "cache-full", "--num-shards", "2", "--shard-index", str(i)
            )
        )
        shard = json.loads((tmp_path / f"shard{i}" / "summary.json").read_text())
        assert shard["cache"]["misses"] == 0
    merge = subprocess.run(
        [
            sys.executable,
            "-m",
            "mammoth_math",
            "eval",
            "merge",
            str(tmp_path / "shard0"),
            str(tmp_path / "shard1"),
            "--output",
            str(tmp_path / "merged"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert merge.returncode == 0, merge.stderr
    assert _samples(tmp_path / "merged" / "samples.jsonl") == _samples(full / "samples.jsonl")
    merged = _summary(tmp_path / "merged" / "summary.json")
    full_summary = _summary(full / "summary.json")
    assert merged == full_summary
    assert (tmp_path / "merged" / "report.html").exists()
