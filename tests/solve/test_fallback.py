"""Hybrid's fallback rules on fixed responses: extract the program, run it in the real sandbox, read
the answer, and name the reason when there is none."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from mammoth_math.api import AnswerType, ExecStatus, Execution, SolveResult
from mammoth_math.execute import Sandbox, SandboxConfig
from mammoth_math.prompts import extract_program
from mammoth_math.solve import FALLBACK_REASONS, Task, cot_answer, pot_answer
from mammoth_math.solve.core import merge_fallback

NUMBER = Task("How many?", AnswerType.NUMBER)
CHOICE = Task("Which?", AnswerType.CHOICE, ("12", "15", "18"))


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(SandboxConfig(timeout=2.0, memory_mb=512, workers=2)) as sb:
        yield sb


def _pot(sandbox: Sandbox, task: Task, response: str) -> tuple[str | None, str | None]:
    program = extract_program(response)
    if program is None:
        return None, "no_code"
    return pot_answer(task, sandbox.run([program])[0])


@pytest.mark.parametrize(
    ("response", "answer", "reason"),
    [
        ("```python\nprint(24 + 18 - 35)\n```", "7", None),
        ("```python\ndef solution():\n    return 6 * 7\n```", "42", None),
        ("I think it is seven.", None, "no_code"),
        ("```python\nprint(1 / 0)\n```", None, "error"),
        ("```python\nwhile True:\n    pass\n```", None, "timeout"),
        ("```python\nx = 3\n```", None, "empty_output"),
        ("```python\nprint('hello there')\n```", None, "no_answer"),
    ],
)
def test_pot_outcomes(sandbox: Sandbox, response: str, answer: str | None, reason: str | None) -> None:
    got_answer, got_reason = _pot(sandbox, NUMBER, response)
    assert got_reason == reason
    if answer is None:
        assert got_answer is None
    else:
        assert got_answer is not None and answer in got_answer
    assert reason is None or reason in FALLBACK_REASONS


def test_choice_program_value_maps_to_letter(sandbox: Sandbox) -> None:
    assert _pot(sandbox, CHOICE, "```python\nprint('B')\n```") == ("B", None)
    answer, reason = _pot(sandbox, CHOICE, "```python\nprint(0.15 * 100)\n```")
    assert (answer, reason) == ("B", None)


def test_status_reasons_without_running() -> None:
    for status, reason in [
        (ExecStatus.MEMORY, "memory"),
        (ExecStatus.OUTPUT_LIMIT, "output_limit"),
        (ExecStatus.KILLED, "killed"),
        (ExecStatus.REFUSED, "refused"),
    ]:
        assert pot_answer(NUMBER, Execution(status)) == (None, reason)


def test_cot_answer_uses_the_graders_extractor() -> None:
    assert cot_answer(NUMBER, "24 + 18 = 42, minus 35 is 7. The answer is 7.") == ("7", "answer_is")
    assert cot_answer(NUMBER, "So we get \\boxed{7}.")[0] == "7"
    assert cot_answer(CHOICE, "It is 15. The answer is (B).")[0] == "B"
    assert cot_answer(NUMBER, "")[0] is None


def test_merge_fallback_keeps_the_pot_evidence() -> None:
    pot = SolveResult(
        "q",
        "pot",
        None,
        program="x = 1",
        execution=Execution(ExecStatus.OK),
        fallback_reason="empty_output",
        seconds=1.0,
        prompt_tokens=10,
        completion_tokens=5,
        raw=("```python\nx = 1\n```",),
        prompts=("p1",),
    )
    cot = SolveResult(
        "q",
        "cot",
        "7",
        rationale="The answer is 7.",
        seconds=2.0,
        prompt_tokens=8,
        completion_tokens=6,
        raw=("The answer is 7.",),
        prompts=("p2",),
        answer_method="answer_is",
    )
    merged = merge_fallback(pot, cot)
    assert merged.mode_used == "cot" and merged.answer == "7" and merged.fallback_reason == "empty_output"
    assert merged.program == "x = 1" and merged.execution == pot.execution
    assert merged.raw == (pot.raw[0], cot.raw[0]) and merged.prompts == ("p1", "p2")
    assert (merged.prompt_tokens, merged.completion_tokens, merged.seconds) == (18, 11, 3.0)
