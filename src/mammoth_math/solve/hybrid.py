"""`hybrid`: MAmmoTH's rule made explicit. PoT first; when the program is missing, fails, times out,
prints nothing or prints no answer of the expected type, answer by CoT and record why."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from mammoth_math.api import SamplingParams, SolveResult
from mammoth_math.solve.core import Task, merge_fallback
from mammoth_math.solve.cot import run_cot
from mammoth_math.solve.pot import run_pot
from mammoth_math.solve.registry import STRATEGIES

if TYPE_CHECKING:
    from mammoth_math.solve.solver import Solver


def run_hybrid(solver: Solver, tasks: Sequence[Task], params: SamplingParams) -> list[SolveResult]:
    results = run_pot(solver, tasks, params)
    failed = [i for i, r in enumerate(results) if r.answer is None]
    if failed:
        # All fallbacks of a batch go to the backend together.
        cots = run_cot(solver, [tasks[i] for i in failed], params)
        for i, cot in zip(failed, cots, strict=True):
            results[i] = merge_fallback(results[i], cot)
    return results


STRATEGIES.add("hybrid", run_hybrid)
