"""eval end to end in the fast tier: the real CLI, sandbox and grader, with the scripted backend
standing in for the model. kill -9 midway then --resume equals an uninterrupted run; two shards
merged equal the whole run."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from eval_helpers import eval_cli, finish, kill_after_first_sample, merge_cli, samples, summary

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
    args = [
        "--model",
        f"scripted:{rules}",
        "--benchmarks",
        "gsm8k",
        "--limit",
        str(LIMIT),
        "--mode",
        "hybrid",
    ]
    return eval_cli([*args, "--batch-size", "1", "--workers", "1", "--no-progress"], out, cache, *extra)


def test_kill_resume_and_merge_match_the_uninterrupted_run(rules: Path, tmp_path: Path) -> None:
    full, killed = tmp_path / "full", tmp_path / "killed"
    table = finish(_eval(rules, full, tmp_path / "cache-full"))
    assert "gsm8k" in table
    rows = samples(full / "samples.jsonl")
    assert [r["solve"]["mode_used"] for r in rows].count("cot") == 1  # Janet's program fails: CoT
    assert rows[0]["solve"]["fallback_reason"] == "error" and rows[1]["solve"]["answer"] == "18"

    proc = _eval(rules, killed, tmp_path / "cache-killed", "--model-option", "delay=0.4")
    kill_after_first_sample(proc, killed, LIMIT, wait=120)

    finish(_eval(rules, killed, tmp_path / "cache-killed", "--resume"))
    assert samples(killed / "samples.jsonl") == rows
    assert summary(killed / "summary.json") == summary(full / "summary.json")
    assert json.loads((killed / "summary.json").read_text())["resumed"] is True

    shards = [tmp_path / f"shard{i}" for i in (0, 1)]
    for i, shard in enumerate(shards):
        finish(_eval(rules, shard, tmp_path / "cache-full", "--num-shards", "2", "--shard-index", str(i)))
    merged = tmp_path / "merged"
    merge_cli(shards, merged)
    assert samples(merged / "samples.jsonl") == rows
    assert summary(merged / "summary.json") == summary(full / "summary.json")
