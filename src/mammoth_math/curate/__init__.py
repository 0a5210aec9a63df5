"""Curation: sources, teacher synthesis, verification, dedup, decontamination, mixing, card, audit
(see docs/curate.md). datasketch, matplotlib, reasoning-gym and the sandbox load only when used."""

from mammoth_math.api.formats import mathinstruct_row as train_record  # the row format lives in api
from mammoth_math.curate.build import (
    audit,
    build,
    collect_examples,
    convert,
    with_pot_trigger,
    write_train_jsonl,
)
from mammoth_math.curate.decontaminate import BenchmarkIndex, benchmark_index, decontaminate
from mammoth_math.curate.dedup import dedup
from mammoth_math.curate.gsm8k_pot import DeriveError, derive_program
from mammoth_math.curate.recipe import Entry, Recipe, RecipeError, load_recipe, parse_recipe
from mammoth_math.curate.rows import Dropped
from mammoth_math.curate.sources import SOURCES, LoadOptions, SourceSpec, get_source, source_names
from mammoth_math.curate.synthesize import synthesize
from mammoth_math.curate.verify import verify

__all__ = [
    "SOURCES", "BenchmarkIndex", "DeriveError", "Dropped", "Entry", "LoadOptions", "Recipe", "RecipeError",
    "SourceSpec", "audit", "benchmark_index", "build", "collect_examples", "convert", "decontaminate",
    "dedup", "derive_program", "get_source", "load_recipe", "parse_recipe", "source_names", "synthesize",
    "train_record", "verify", "with_pot_trigger", "write_train_jsonl",
]  # fmt: skip
