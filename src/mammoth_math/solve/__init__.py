"""Solving strategies (cot, pot, hybrid) over one question or a batch; `vote` lives in evaluate."""

from mammoth_math.solve.core import FALLBACK_REASONS, Task, cot_answer, pot_answer
from mammoth_math.solve.cot import run_cot
from mammoth_math.solve.output import PUBLIC_FIELDS, describe, public_dict
from mammoth_math.solve.pot import run_pot
from mammoth_math.solve.preflight import OVERRIDE_FLAG, require_executor, runs_programs
from mammoth_math.solve.registry import STRATEGIES
from mammoth_math.solve.solver import Solver, for_sample, with_stop_strings

__all__ = [
    "FALLBACK_REASONS",
    "OVERRIDE_FLAG",
    "PUBLIC_FIELDS",
    "STRATEGIES",
    "Solver",
    "Task",
    "cot_answer",
    "describe",
    "for_sample",
    "pot_answer",
    "public_dict",
    "require_executor",
    "run_cot",
    "run_pot",
    "runs_programs",
    "with_stop_strings",
]
