"""Solving strategies by name. Adding one = a module calling `STRATEGIES.add(name, fn)` plus its name in
`_BUILTIN_MODULES`. A strategy maps (solver, tasks, params) to one SolveResult per task, batched."""

from __future__ import annotations

from mammoth_math.api import Registry
from mammoth_math.solve.core import StrategyFn

_BUILTIN_MODULES = ("cot", "pot", "hybrid")
STRATEGIES: Registry[StrategyFn] = Registry(
    "strategy",
    entry_point_group="mammoth_math.strategies",
    builtin_modules=[f"mammoth_math.solve.{m}" for m in _BUILTIN_MODULES],
)
