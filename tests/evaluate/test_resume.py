"""kill -9 an evaluation midway, --resume it, and compare with an uninterrupted run; then shard the same
run in two and merge. Real subprocesses, sandbox and grader; the model is a tiny randomly initialised Llama
built here from SmolLM2's real tokenizer and run by our hf backend. Not SmolLM2 through llama.cpp: its
prompt cache makes greedy output depend on which prompt a slot served before (a fresh process after the
kill evaluates the shared prefix in a different batch shape), so "same as uninterrupted" cannot be exact
there. The tiny model's garbage output also exercises the robustness paths."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from eval_helpers import eval_cli, finish, kill_after_first_sample, merge_cli, samples, summary

pytestmark = pytest.mark.slow

LIMIT = 4
ARGS = ["--benchmarks", "gsm8k", "--limit", str(LIMIT), "--mode", "hybrid", "--max-tokens", "48"]
ARGS += ["--batch-size", "1", "--workers", "1", "--no-progress"]
ARGS += ["--model-option", "device=cpu", "--model-option", "dtype=float32"]
MODEL: list[str] = []


@pytest.fixture(scope="module", autouse=True)
def tiny_model(tiny_llama_dir: Path) -> None:
    MODEL[:] = ["--model", f"hf:{tiny_llama_dir}"]


def _eval(out: Path, cache: Path, *extra: str) -> subprocess.Popen[str]:
    return eval_cli([*MODEL, *ARGS], out, cache, *extra)


def test_sigkill_then_resume_matches_uninterrupted_run(tmp_path: Path) -> None:
    full, killed = tmp_path / "full", tmp_path / "killed"
    table = finish(_eval(full, tmp_path / "cache-full"))
    assert "gsm8k" in table and "in-domain avg" in table

    proc = _eval(killed, tmp_path / "cache-killed")
    done_before = kill_after_first_sample(proc, killed, LIMIT)

    # without --resume an existing run is refused, not overwritten
    refused = _eval(killed, tmp_path / "cache-killed")
    _, err = refused.communicate(timeout=120)
    assert refused.returncode == 2 and "--resume" in err

    finish(_eval(killed, tmp_path / "cache-killed", "--resume"))
    assert samples(killed / "samples.jsonl") == samples(full / "samples.jsonl")
    assert [r["id"] for r in samples(killed / "samples.jsonl")] == [f"gsm8k-{i}" for i in range(LIMIT)]
    assert summary(killed / "summary.json") == summary(full / "summary.json")
    resumed = json.loads((killed / "summary.json").read_text())
    assert resumed["resumed"] is True and resumed["cache"]["misses"] <= 2 * (LIMIT - done_before)

    # changing a result-defining setting on --resume is refused, naming it
    bad = _eval(killed, tmp_path / "c", "--seed", "5", "--resume")
    _, err = bad.communicate(timeout=120)
    assert bad.returncode == 2 and "seed" in err

    # the same run in two shards, from the full run's cache (no generation), merged == uninterrupted
    for i in (0, 1):
        finish(
            _eval(
                tmp_path / f"shard{i}", tmp_path / "cache-full", "--num-shards", "2", "--shard-index", str(i)
            )
        )
        shard = json.loads((tmp_path / f"shard{i}" / "summary.json").read_text())
        assert shard["cache"]["misses"] == 0
    merge_cli([tmp_path / "shard0", tmp_path / "shard1"], tmp_path / "merged")
    assert samples(tmp_path / "merged" / "samples.jsonl") == samples(full / "samples.jsonl")
    merged = summary(tmp_path / "merged" / "summary.json")
    full_summary = summary(full / "summary.json")
    assert merged == full_summary
    assert (tmp_path / "merged" / "report.html").exists()
