"""The source registry. Adding a source = one module in this package calling `SOURCES.add(...)`,
plus its name in `_BUILTIN_MODULES`; installed plugins register through the entry point group."""

from __future__ import annotations

from mammoth_math.api import Registry
from mammoth_math.curate.sources.base import SourceSpec

_BUILTIN_MODULES = ("gsm8k", "hendrycks_math", "mathqa", "numglue", "reasoning_gym_src", "jsonl_file")
SOURCES: Registry[SourceSpec] = Registry(
    "source",
    entry_point_group="mammoth_math.curate_sources",
    builtin_modules=[f"mammoth_math.curate.sources.{m}" for m in _BUILTIN_MODULES],
)


def get_source(name: str) -> SourceSpec:
    return SOURCES.get(name)


def source_names() -> list[str]:
    return SOURCES.names()
