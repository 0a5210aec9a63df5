"""The source registry. Adding a source = one module in this package calling `SOURCES.add(...)`,
plus its name in `_BUILTIN_MODULES`; installed plugins register through the entry point group."""

from __future__ import annotations

import importlib

from mammoth_math.api import Registry
from mammoth_math.curate.sources.base import SourceSpec

SOURCES: Registry[SourceSpec] = Registry("source", entry_point_group="mammoth_math.curate_sources")

_BUILTIN_MODULES = ("gsm8k", "hendrycks_math", "mathqa", "numglue", "reasoning_gym_src", "jsonl_file")
_loaded = False


def _ensure_builtins() -> None:
    global _loaded
    if not _loaded:
        _loaded = True
        for module in _BUILTIN_MODULES:
            importlib.import_module(f"mammoth_math.curate.sources.{module}")


def get_source(name: str) -> SourceSpec:
    _ensure_builtins()
    return SOURCES.get(name)


def source_names() -> list[str]:
    _ensure_builtins()
    return SOURCES.names()
