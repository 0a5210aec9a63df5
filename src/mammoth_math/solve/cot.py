"""`cot`: reason in words; the grader's extractor reads the final answer."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from mammoth_math.api import SamplingParams, SolveResult
from mammoth_math.prompts import prompt_text
from mammoth_math.solve.core import Task, budgeted, cot_answer, first_completion
from mammoth_math.solve.registry import STRATEGIES

if TYPE_CHECKING:
    from mammoth_math.solve.solver import Solver


def run_cot(solver: Solver, tasks: Sequence[Task], params: SamplingParams) -> list[SolveResult]:
    prompts = [solver.prompt(t, "cot") for t in tasks]
    gens = solver.generate(prompts, budgeted(params, tasks, "cot"))
    results = []
    for task, prompt, gen in zip(tasks, prompts, gens, strict=True):
        text, p_tok, c_tok, finish = first_completion(gen)
        answer, method = cot_answer(task, text, finish) if finish != "error" else (None, "")
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
                finish_reasons=(finish,),
                answer_method=method if answer is not None else "",
            )
        )
    return results


run_cot.runs_programs = False  # type: ignore[attr-defined]  # no sandbox needed (preflight.py)
STRATEGIES.add("cot", run_cot)
