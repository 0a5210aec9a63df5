"""eval end to end in the fast tier: the real CLI, sandbox and grader, with the scripted backend
standing in for the model. kill -9 midway then --resume equals an uninterrupted run; two shards
merged equal the whole run."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from mammoth_math.evaluate import TIMING_FIELDS

LIMIT = 6
RULES = [
    {"match": "step by step", "texts": ["Adding up, the answer is 3."]},
    {"match": "Janet", "texts": ["```python\nprint(16 - 3 - 4) * 2\n```"]},  # a failing program
    {"match": "writing a Python program", "texts": ["```python\nprint(9 * 2)\n```"]},
]


@pytest.fixture()
def rules(tmp_path: Path) -> Path:
    path = tmp_path / "rules.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in RULES))
    return path


def _eval(rules: Path, out: Path, cache: Path, *extra: str) -> subprocess.Popen[str]:
    cmd = [
        sys.executable,
        "-m",
        "mammoth_math",
        "eval",
        "--model",
        f"scripted:{rules}",
        "--benchmarks",
        "gsm8k",
    ]
    cmd += ["--limit", str(LIMIT), "--mode", "hybrid", "--batch-size", "1", "--workers", "1", "--no-progress"]
    cmd += ["--output", str(out), "--cache-dir", str(cache), *extra]
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _finish(proc: subprocess.Popen[str]) -> str:
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err[-3000:]
    return out


def _samples(path: Path) -> list[dict]:
    rows = [json.loads(line) for line in path.read_text().splitlines()]
    for r in rows:
        r["solve"]["seconds"] = 0
        if r["solve"]["execution"]:
            r["solve"]["execution"]["seconds"] = 0
    return rows


def _summary(path: Path) -> dict:
    s = json.loads(path.read_text())
    for key in (*TIMING_FIELDS, "merged_from", "missing_shards", "shards"):
        s.pop(key, None)
    return s


def test_kill_resume_and_merge_match_the_uninterrupted_run(rules: Path, tmp_path: Path) -> None:
    full, killed = tmp_path / "full", tmp_path / "killed"
    table = _finish(_eval(rules, full, tmp_path / "cache-full"))
    assert "gsm8k" in table
    rows = _samples(full / "samples.jsonl")
    assert [r["solve"]["mode_used"] for r in rows].count("cot") == 1  # Janet's program fails: CoT
    assert rows[0]["solve"]["fallback_reason"] == "error" and rows[1]["solve"]["answer"] == "18"

    proc = _eval(rules, killed, tmp_path / "cache-killed", "--model-option", "delay=0.4")
    progress = killed / "progress.jsonl"
    deadline = time.time() + 120
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

    _finish(_eval(rules, killed, tmp_path / "cache-killed", "--resume"))
    assert _samples(killed / "samples.jsonl") == rows
    assert _summary(killed / "summary.json") == _summary(full / "summary.json")
    assert json.loads((killed / "summary.json").read_text())["resumed"] is True

    shards = [tmp_path / f"shard{i}" for i in (0, 1)]
    for i, shard in enumerate(shards):
        _finish(_eval(rules, shard, tmp_path / "cache-full", "--num-shards", "2", "--shard-index", str(i)))
    merged = tmp_path / "merged"
    proc = subprocess.run(
        [sys.executable, "-m", "mammoth_math", "eval", "merge", *map(str, shards), "--output", str(merged)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert _samples(merged / "samples.jsonl") == rows
    assert _summary(merged / "summary.json") == _summary(full / "summary.json")
