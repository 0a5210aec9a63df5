"""The Solver end to end with a real model (SmolLM2-135M through llama.cpp) and the real sandbox."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from mammoth_math.api import AnswerType, Problem, SamplingParams
from mammoth_math.execute import Sandbox, SandboxConfig
from mammoth_math.generate import load_backend
from mammoth_math.solve import FALLBACK_REASONS, PUBLIC_FIELDS, STRATEGIES, Solver

pytestmark = pytest.mark.slow
PARAMS = SamplingParams(max_tokens=32, seed=0)


@pytest.fixture(scope="module")
def solver_parts() -> Iterator[tuple]:
    # one slot: on 2 shared cores parallel slots only slow single requests down
    backend = load_backend("smollm2", n_parallel=1)
    with Sandbox(SandboxConfig(timeout=3.0, workers=2)) as sb:
        yield backend, sb
    backend.close()


def _problems() -> list[Problem]:
    return [
        Problem(
            "t-0",
            "gsm8k",
            "Tom has 3 apples and buys 5 more. How many apples does he have?",
            "8",
            AnswerType.NUMBER,
        ),
        Problem("t-1", "gsm8k", "A pen costs 2 dollars. How much do 4 pens cost?", "8", AnswerType.NUMBER),
    ]


def test_strategies_registered() -> None:
    assert {"cot", "pot", "hybrid"} <= set(STRATEGIES.names())
    with pytest.raises(KeyError, match="known: "):
        STRATEGIES.get("vote")


def test_hybrid_batch_records_reasons(solver_parts: tuple) -> None:
    backend, sb = solver_parts
    solver = Solver(backend, sb, mode="hybrid", params=PARAMS)
    results = solver.solve_problems(_problems(), samples=1)
    assert len(results) == 2 and all(len(r) == 1 for r in results)
    for (r,) in results:
        if r.mode_used == "pot":
            assert r.fallback_reason is None and r.answer is not None and r.program
            assert len(r.raw) == 1 and len(r.prompts) == 1
        else:
            assert r.fallback_reason in FALLBACK_REASONS
            assert len(r.raw) == 2 and len(r.prompts) == 2 and r.rationale == r.raw[1]
            assert "python" in r.prompts[0].lower() and "step by step" in r.prompts[1]
        assert r.completion_tokens > 0 and r.prompt_tokens > 0


def test_solve_streams_tokens_and_cot_mode(solver_parts: tuple) -> None:
    backend, sb = solver_parts
    solver = Solver(backend, sb, mode="cot", params=PARAMS)
    pieces: list[str] = []
    result = solver.solve("What is 2 + 2?", on_token=pieces.append)
    assert result.mode_used == "cot" and result.program is None and result.execution is None
    assert "".join(pieces).strip() == result.rationale.strip() and len(pieces) > 1
    assert result.seconds > 0


def test_samples_use_distinct_seeds(solver_parts: tuple) -> None:
    backend, sb = solver_parts
    solver = Solver(backend, sb, mode="pot", params=SamplingParams(temperature=1.0, max_tokens=16, seed=3))
    (samples,) = solver.solve_problems(_problems()[:1], samples=3)
    assert len(samples) == 3 and all(s.mode_used == "pot" for s in samples)
    assert len({s.raw[0] for s in samples}) > 1


def test_solve_cli_json(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "mammoth_math",
            "solve",
            "What is 6 times 7?",
            "--model",
            "smollm2",
            "--max-tokens",
            "32",
            "--model-option",
            "n_parallel=1",
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
    assert proc.returncode in (0, 1), proc.stderr
    obj = json.loads(proc.stdout)
    assert tuple(obj) == PUBLIC_FIELDS and obj["question"] == "What is 6 times 7?"
    assert obj["mode_used"] in ("pot", "cot")
    bad = subprocess.run(
        [sys.executable, "-m", "mammoth_math", "solve", "Q", "--model", "smollm2", "--mode", "vote"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert bad.returncode == 2 and "unknown strategy 'vote'" in bad.stderr
