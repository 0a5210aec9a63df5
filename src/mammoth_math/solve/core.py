"""The two paths every strategy is built from: CoT (generate, extract an answer) and PoT (generate,
extract a program, run it, read the answer it printed). Post-processing functions are pure, so the
fallback rules can be tested on fixed response texts."""

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
    SandboxUnavailable,
    SolveResult,
    executor_unavailable,
)
from mammoth_math.prompts import extract_program, prompt_text

if TYPE_CHECKING:
    from mammoth_math.solve.solver import Solver


@dataclass(frozen=True)
class Task:
    """One question to answer (a Problem without its gold)."""

    question: str
    answer_type: AnswerType = AnswerType.NUMBER
    choices: tuple[str, ...] = ()


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


def _first(gen: Generation) -> tuple[str, int, int, str]:
    if not gen.completions:
        return "", 0, 0, "error"
    c = gen.completions[0]
    return c.text or "", c.prompt_tokens, c.completion_tokens, c.finish_reason


def cot_answer(task: Task, response: str) -> tuple[str | None, str]:
    """(answer, extraction method) read from a CoT response by the grader's extractor."""
    from mammoth_math.grade import extract_answer

    ex = extract_answer(response, task.answer_type, task.choices or None)
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


def run_cot(solver: Solver, tasks: Sequence[Task], params: SamplingParams) -> list[SolveResult]:
    prompts = [solver.prompt(t, "cot") for t in tasks]
    gens = solver.generate(prompts, params)
    results = []
    for task, prompt, gen in zip(tasks, prompts, gens, strict=True):
        text, p_tok, c_tok, finish = _first(gen)
        answer, method = cot_answer(task, text) if finish != "error" else (None, "")
        results.append(
            SolveResult(
                question=task.question,
                mode_used="cot",
                answer=answer,
                rationale=text,
                seconds=gen.seconds,
                prompt_tokens=p_tok,
                completion_tokens=c_tok,
                raw=(text,),
                prompts=(prompt_text(prompt),),
                answer_method=method if answer is not None else "",
            )
        )
    return results


def run_pot(solver: Solver, tasks: Sequence[Task], params: SamplingParams) -> list[SolveResult]:
    """PoT for a batch: one generate call, then every extracted program in one sandbox batch.
    A result without an answer carries the reason in `fallback_reason`."""
    prompts = [solver.prompt(t, "pot") for t in tasks]
    gens = solver.generate(prompts, params)
    firsts = [_first(g) for g in gens]
    programs = [extract_program(text) if finish != "error" else None for text, _, _, finish in firsts]
    to_run = [i for i, p in enumerate(programs) if p]
    executions: dict[int, Execution] = {}
    if to_run:
        ran = solver.executor.run([programs[i] or "" for i in to_run])
        lost = next((e for e in ran if executor_unavailable(e)), None)
        if lost is not None:  # never a silent fallback to CoT: the run stops (preflight.py)
            from mammoth_math.solve.preflight import unavailable_message

            raise SandboxUnavailable(unavailable_message(lost.error or lost.status.value, ["pot"]))
        executions = dict(zip(to_run, ran, strict=True))
    results = []
    for i, (task, prompt, gen) in enumerate(zip(tasks, prompts, gens, strict=True)):
        text, p_tok, c_tok, finish = firsts[i]
        execution = executions.get(i)
        if finish == "error":
            answer, reason = None, "generation_error"
        elif execution is None:
            answer, reason = None, "no_code"
        else:
            answer, reason = pot_answer(task, execution)
        results.append(
            SolveResult(
                question=task.question,
                mode_used="pot",
                answer=answer,
                program=programs[i],
                execution=execution,
                fallback_reason=reason,
                seconds=gen.seconds + (execution.seconds if execution else 0.0),
                prompt_tokens=p_tok,
                completion_tokens=c_tok,
                raw=(text,),
                prompts=(prompt_text(prompt),),
                answer_method="program" if answer is not None else "",
            )
        )
    return results


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
    )


StrategyFn = Callable[["Solver", Sequence[Task], SamplingParams], list[SolveResult]]
