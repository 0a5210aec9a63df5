"""Solving strategies by name. Adding one = a module calling `STRATEGIES.add(name, fn)` plus its name in
`_BUILTIN_MODULES`. A strategy maps (solver, tasks, params) to one SolveResult per task, batched."""

from __future__ import annotations

import importlib

from mammoth_math.api import Registry
from mammoth_math.solve.core import StrategyFn

STRATEGIES: Registry[StrategyFn] = Registry("strategy", entry_point_group="mammoth_math.strategies")
_BUILTIN_MODULES = ("cot", "pot", "hybrid")


def load_builtins() -> None:
    for module in _BUILTIN_MODULES:
        importlib.import_module(f"mammoth_math.solve.{module}")
