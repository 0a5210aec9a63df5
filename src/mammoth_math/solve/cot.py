"""`cot`: reason in words; the grader's extractor reads the final answer."""

from mammoth_math.solve.core import run_cot
from mammoth_math.solve.registry import STRATEGIES

STRATEGIES.add("cot", run_cot)
