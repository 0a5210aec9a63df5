"""`pot`: write a program, run it in the sandbox; the answer is what it prints (or solution() returns)."""

from mammoth_math.solve.core import run_pot
from mammoth_math.solve.registry import STRATEGIES

STRATEGIES.add("pot", run_pot)
