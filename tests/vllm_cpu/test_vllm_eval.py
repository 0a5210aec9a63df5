"""`eval` on a few GSM8K problems with the vllm backend (SmolLM2 on vLLM's CPU build) in cot, pot,
hybrid and vote: the in-process runs share the session's engine; one run goes through the real CLI in
a fresh process (`python -m mammoth_math eval --model vllm:DIR`, whose engine workers start with spawn)
and must equal the in-process run of the same settings."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from vllm_helpers import LIMIT, MAX_TOKENS, comparable, evaluate, model_options

pytestmark = [pytest.mark.vllm, pytest.mark.slow]


def check_recorded(rows: list[dict[str, Any]]) -> None:
    """Every generation has its token counts and finish reason; none failed."""
    assert rows and all(r["error"] is None for r in rows), [r["error"] for r in rows]
    for r in rows:
        solve = r["solve"]
        assert solve["prompt_tokens"] > 0 and solve["completion_tokens"] > 0
        assert len(solve["finish_reasons"]) == len(solve["raw"]) >= 1
        assert set(solve["finish_reasons"]) <= {"stop", "length"}


@pytest.mark.parametrize(("mode", "style"), [("cot", "chat"), ("pot", "alpaca")])
def test_cot_chat_and_pot_plain_prompts(engine: Any, tmp_path: Path, mode: str, style: str) -> None:
    rows = evaluate(engine, tmp_path / mode, mode=mode, prompt_style=style)
    check_recorded(rows)
    assert len(rows) == LIMIT and {r["solve"]["mode_used"] for r in rows} == {mode}
    if style == "alpaca":  # plain prompts; the template's stop strings end generations and are cut
        assert all("### Instruction" not in raw for r in rows for raw in r["solve"]["raw"])
    summary = json.loads((tmp_path / mode / "summary.json").read_text())
    assert summary["overall"]["n"] == LIMIT


def test_hybrid_through_the_cli_equals_in_process(
    hybrid_rows: list[dict[str, Any]], hf_dir: Path, tmp_path: Path
) -> None:
    rows = hybrid_rows
    check_recorded(rows)
    for r in rows:  # the program first; chain of thought only after it failed, saying why
        solve = r["solve"]
        assert solve["mode_used"] == "pot" or (solve["fallback_reason"] and len(solve["raw"]) == 2)
    out = tmp_path / "cli"
    cmd = [sys.executable, "-m", "mammoth_math", "eval", "--model", f"vllm:{hf_dir}", *model_options()]
    cmd += ["--mode", "hybrid", "--limit", str(LIMIT), "--max-tokens", str(MAX_TOKENS), "--batch-size", "4"]
    cmd += ["--workers", "1", "--no-progress", "--output", str(out), "--cache-dir", str(out / "cache")]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "gsm8k" in proc.stdout
    cli_rows = [json.loads(line) for line in (out / "samples.jsonl").read_text().splitlines()]
    # greedy with pinned engine settings: another process, another engine, the same generations
    assert comparable(cli_rows) == comparable(rows)


def test_vote_samples_differ_and_reruns_are_identical(engine: Any, tmp_path: Path) -> None:
    fields = {"mode": "vote", "samples": 3, "seed": 7, "temperature": 0.8}
    first = evaluate(engine, tmp_path / "a", **fields)
    check_recorded(first)
    again = evaluate(engine, tmp_path / "b", **fields)  # own cache dir: generated again, not replayed
    assert comparable(again) == comparable(first)
    votes = [r["metadata"]["vote"] for r in first if r["sample"] == 0]
    assert len(votes) == LIMIT and votes == [r["metadata"]["vote"] for r in again if r["sample"] == 0]
    assert {r["mode"] for r in first} == {"cot", "pot"}  # samples alternate between the vote modes
    by_problem: dict[str, list[tuple[str, ...]]] = {}
    for r in first:
        by_problem.setdefault(r["id"], []).append(tuple(r["solve"]["raw"]))
    assert all(len(set(raws)) == len(raws) == 3 for raws in by_problem.values())
