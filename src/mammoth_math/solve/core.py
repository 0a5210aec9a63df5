"""What the strategies share: the Task, the fallback reasons, and the pure post-processing of a CoT
response or a program's run (cot.py and pot.py build the two paths from these, hybrid.py combines
them), so the fallback rules can be tested on fixed response texts."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from mammoth_math.api import (
    AnswerType,
    ExecStatus,
    Execution,
    Generation,
    SamplingParams,
    SolveResult,
)

if TYPE_CHECKING:
    from mammoth_math.solve.solver import Solver


@dataclass(frozen=True)
class Task:
    """One question to answer (a Problem without its gold)."""

    question: str
    answer_type: AnswerType = AnswerType.NUMBER
    choices: tuple[str, ...] = ()
    # token budget per path ("cot", "pot"), from the benchmark's spec; absent: the params' max_tokens
    max_tokens: tuple[tuple[str, int], ...] = ()


def budgeted(params: SamplingParams, tasks: Sequence[Task], path: str) -> SamplingParams:
    """`params` with the largest budget the batch's tasks give `path` (a batch is one benchmark)."""
    budgets = [n for t in tasks for mode, n in t.max_tokens if mode == path]
    return replace(params, max_tokens=max(budgets)) if budgets else params


# Why a PoT attempt gave no usable answer (the hybrid fallback reasons).
FALLBACK_REASONS = (
    "generation_error",
    "no_code",
    "error",
    "timeout",
    "memory",
    "output_limit",
    "killed",
    "refused",
    "empty_output",
    "no_answer",
)
_STATUS_REASON = {
    ExecStatus.ERROR: "error",
    ExecStatus.TIMEOUT: "timeout",
    ExecStatus.MEMORY: "memory",
    ExecStatus.OUTPUT_LIMIT: "output_limit",
    ExecStatus.KILLED: "killed",
    ExecStatus.REFUSED: "refused",
}


def first_completion(gen: Generation) -> tuple[str, int, int, str]:
    if not gen.completions:
        return "", 0, 0, "error"
    c = gen.completions[0]
    return c.text or "", c.prompt_tokens, c.completion_tokens, c.finish_reason


def cot_answer(task: Task, response: str, finish_reason: str | None = None) -> tuple[str | None, str]:
    """(answer, extraction method) read from a CoT response by the grader's extractor; a response cut
    by its budget (`finish_reason="length"`) gives no number it was cut in the middle of."""
    from mammoth_math.grade import extract_answer

    ex = extract_answer(response, task.answer_type, task.choices or None, finish_reason)
    return ex.answer, ex.method


def pot_answer(task: Task, execution: Execution) -> tuple[str | None, str | None]:
    """(answer, failure reason) from one sandbox run; reason is None when an answer was found."""
    from mammoth_math.grade import extract_program_answer

    if execution.status != ExecStatus.OK:
        return None, _STATUS_REASON.get(execution.status, "error")
    output = execution.answer if execution.answer is not None else execution.stdout
    if not (output or "").strip() and not execution.stdout.strip():
        return None, "empty_output"
    ex = extract_program_answer(output, task.answer_type, task.choices or None)
    if ex.answer is None and execution.answer is not None and execution.stdout.strip():
        # solution()'s return value may be a helper object; the printed text can still hold the answer.
        ex = extract_program_answer(execution.stdout, task.answer_type, task.choices or None)
    return (ex.answer, None) if ex.answer is not None else (None, "no_answer")


def merge_fallback(pot: SolveResult, cot: SolveResult) -> SolveResult:
    """Hybrid's answer after a failed PoT attempt: the CoT answer, keeping the PoT evidence."""
    return replace(
        cot,
        program=pot.program,
        execution=pot.execution,
        fallback_reason=pot.fallback_reason,
        seconds=pot.seconds + cot.seconds,
        prompt_tokens=pot.prompt_tokens + cot.prompt_tokens,
        completion_tokens=pot.completion_tokens + cot.completion_tokens,
        raw=pot.raw + cot.raw,
        prompts=pot.prompts + cot.prompts,
        finish_reasons=pot.finish_reasons + cot.finish_reasons,
    )


StrategyFn = Callable[["Solver", Sequence[Task], SamplingParams], list[SolveResult]]
