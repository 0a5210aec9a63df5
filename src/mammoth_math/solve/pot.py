"""`pot`: write a program, run it in the sandbox; the answer is what it prints (or solution() returns)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from mammoth_math.api import Execution, SamplingParams, SandboxUnavailable, SolveResult, executor_unavailable
from mammoth_math.prompts import extract_program, prompt_text
from mammoth_math.solve.core import Task, budgeted, first_completion, pot_answer
from mammoth_math.solve.registry import STRATEGIES

if TYPE_CHECKING:
    from mammoth_math.solve.solver import Solver


def run_pot(solver: Solver, tasks: Sequence[Task], params: SamplingParams) -> list[SolveResult]:
    """PoT for a batch: one generate call, then every extracted program in one sandbox batch.
    A result without an answer carries the reason in `fallback_reason`."""
    prompts = [solver.prompt(t, "pot") for t in tasks]
    gens = solver.generate(prompts, budgeted(params, tasks, "pot"))
    firsts = [first_completion(g) for g in gens]
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
                finish_reasons=(finish,),
                answer_method="program" if answer is not None else "",
            )
        )
    return results


STRATEGIES.add("pot", run_pot)
