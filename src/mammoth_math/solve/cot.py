"""`cot`: reason in words; the grader's extractor reads the final answer."""

from mammoth_math.solve.core import run_cot
from mammoth_math.solve.registry import STRATEGIES

run_cot.runs_programs = False  # type: ignore[attr-defined]  # no sandbox needed (preflight.py)
STRATEGIES.add("cot", run_cot)
