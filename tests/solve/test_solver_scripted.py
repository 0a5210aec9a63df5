"""Solver and the hybrid fallback end to end in the fast tier: scripted answers (a test double for the
model), the real sandbox running the programs."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from mammoth_math.api import AnswerType, SamplingParams
from mammoth_math.execute import Sandbox, SandboxConfig
from mammoth_math.generate.scripted import ScriptedBackend
from mammoth_math.solve import Solver

POT = "writing a Python program"  # in every PoT prompt, in no CoT prompt
COT = "step by step"


def program(body: str) -> str:
    return f"Here is my program.\n```python\n{body}\n```"


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(SandboxConfig(timeout=3.0, workers=2)) as sb:
        yield sb


def solver(sandbox: Sandbox, mode: str, rules: list[dict]) -> Solver:
    return Solver(ScriptedBackend(rules=rules), sandbox, mode=mode, params=SamplingParams(max_tokens=200))


@pytest.mark.parametrize(
    ("pot_text", "answer", "mode_used", "reason"),
    [
        (program("print(6 * 7)"), "42", "pot", None),
        (program("def solution():\n    return 2 ** 10"), "1024", "pot", None),
        (program("print(1 / 0)"), "18", "cot", "error"),  # the program fails: CoT answers
        (program("while True:\n    pass"), "18", "cot", "timeout"),
        (program("x = 5"), "18", "cot", "empty_output"),
        (program("print('no number here')"), "18", "cot", "no_answer"),
        ("I would rather explain in words.", "18", "cot", "no_code"),
    ],
)
def test_hybrid_falls_back_for_the_right_reason(
    sandbox: Sandbox, pot_text: str, answer: str, mode_used: str, reason: str | None
) -> None:
    rules = [{"match": POT, "texts": [pot_text]}, {"match": COT, "texts": ["So it is 18. The answer is 18."]}]
    result = solver(sandbox, "hybrid", rules).solve("How many?")
    assert (result.answer, result.mode_used, result.fallback_reason) == (answer, mode_used, reason)
    if mode_used == "cot" and reason != "no_code":
        assert result.execution is not None and result.program  # the failed attempt is kept


def test_pot_and_cot_alone(sandbox: Sandbox) -> None:
    rules = [
        {"match": POT, "texts": [program("print(3 + 4)")]},
        {"match": COT, "texts": ["The answer is 9."]},
    ]
    assert solver(sandbox, "pot", rules).solve("q").answer == "7"
    assert solver(sandbox, "cot", rules).solve("q").answer == "9"


def test_batch_generates_once_per_path(sandbox: Sandbox) -> None:
    from mammoth_math.api import Problem

    rules = [
        {"match": COT, "texts": ["The answer is 2."]},
        {"match": "first", "texts": [program("print(1)")]},
        {"match": "second", "texts": [program("raise SystemExit(3)")]},
    ]
    s = solver(sandbox, "hybrid", rules)
    problems = [Problem("b", str(i), q, "1", AnswerType.NUMBER) for i, q in enumerate(["first", "second"])]
    results = s.solve_problems(problems)
    assert [r[0].answer for r in results] == ["1", "2"]
    assert s.backend.calls == 2  # all PoT prompts together, then the one fallback


def test_streamed_tokens_reach_the_callback(sandbox: Sandbox) -> None:
    rules = [{"match": COT, "texts": ["Two and two make four. The answer is 4."]}]
    seen: list[str] = []
    result = solver(sandbox, "cot", rules).solve("2+2?", on_token=seen.append)
    assert "".join(seen).strip() == "Two and two make four. The answer is 4."
    assert result.answer == "4"
