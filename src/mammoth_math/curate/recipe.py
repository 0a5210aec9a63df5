"""Curation recipes (YAML): which sources, which rationale types, and how many rows of each."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mammoth_math.prompts import POT_TRIGGER


class RecipeError(ValueError):
    pass


@dataclass(frozen=True)
class Entry:
    source: str
    rationale: str  # "cot" | "pot"
    limit: int | None = None  # read at most this many problems from the source
    cap: int | None = None  # keep at most this many rows after filtering
    weight: float = 1.0  # fraction of the filtered rows to keep (seeded sample), <= 1
    path: str | None = None  # for file sources
    tag: str | None = None  # source tag prefix, default the source name ("gsm8k" -> "gsm8k_pot")
    start: int = 0  # skip the source's first `start` problems (disjoint slices of one source)


@dataclass(frozen=True)
class Recipe:
    name: str
    entries: tuple[Entry, ...]
    seed: int = 0
    dedup_threshold: float = 0.9
    ngram: int = 13
    paraphrase_threshold: float = 0.5
    benchmarks: tuple[str, ...] = ()  # empty: every registered benchmark
    timeout: float = 5.0
    workers: int = 2
    # Appended to the instruction of every PoT row, as MathInstruct does; several phrasings are drawn
    # per row (seeded). The first is what evaluation asks with by default (prompts.POT_TRIGGER).
    pot_triggers: tuple[str, ...] = (POT_TRIGGER,)
    extra: dict[str, Any] = field(default_factory=dict)


_ENTRY_KEYS = {"source", "rationale", "limit", "cap", "weight", "path", "tag", "start"}
_TOP_KEYS = {"name", "sources", "seed", "dedup", "decontaminate", "verify", "pot_trigger"}


def _triggers(value: Any, where: str) -> tuple[str, ...]:
    """`pot_trigger:` a string or a non-empty list of strings; each gets its leading space back."""
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not items or not all(isinstance(t, str) and t.strip() for t in items):
        raise RecipeError(f"{where}: field 'pot_trigger' must be a non-empty string or list of strings")
    return tuple(" " + t.strip() for t in items)


def parse_recipe(data: Any, where: str = "recipe") -> Recipe:
    if not isinstance(data, dict):
        raise RecipeError(f"{where}: expected a mapping at the top level")
    unknown = set(data) - _TOP_KEYS
    if unknown:
        raise RecipeError(f"{where}: unknown key(s) {sorted(unknown)}; known: {sorted(_TOP_KEYS)}")
    items = data.get("sources")
    if not isinstance(items, list) or not items:
        raise RecipeError(f"{where}: field 'sources' must be a non-empty list")
    entries = []
    for i, item in enumerate(items):
        at = f"{where}: sources[{i}]"
        if not isinstance(item, dict) or "source" not in item:
            raise RecipeError(f"{at}: expected a mapping with 'source'")
        bad = set(item) - _ENTRY_KEYS
        if bad:
            raise RecipeError(f"{at}: unknown key(s) {sorted(bad)}")
        rationale = item.get("rationale", "cot")
        if rationale not in ("cot", "pot"):
            raise RecipeError(f"{at}: field 'rationale' must be cot or pot, got {rationale!r}")
        weight = float(item.get("weight", 1.0))
        if not 0 < weight <= 1:
            raise RecipeError(f"{at}: field 'weight' must be in (0, 1], got {weight}")
        for key in ("limit", "cap", "start"):
            if item.get(key) is not None and (not isinstance(item[key], int) or item[key] < 0):
                raise RecipeError(f"{at}: field {key!r} must be a non-negative integer")
        entries.append(
            Entry(
                str(item["source"]),
                rationale,
                item.get("limit"),
                item.get("cap"),
                weight,
                item.get("path"),
                item.get("tag"),
                item.get("start") or 0,
            )
        )
    dd, dc, vf = (data.get(k) or {} for k in ("dedup", "decontaminate", "verify"))
    return Recipe(
        name=str(data.get("name", "recipe")),
        entries=tuple(entries),
        seed=int(data.get("seed", 0)),
        dedup_threshold=float(dd.get("threshold", 0.9)),
        ngram=int(dc.get("ngram", 13)),
        paraphrase_threshold=float(dc.get("paraphrase_threshold", 0.5)),
        benchmarks=tuple(dc.get("benchmarks") or ()),
        timeout=float(vf.get("timeout", 5.0)),
        workers=int(vf.get("workers", 2)),
        pot_triggers=_triggers(data.get("pot_trigger", POT_TRIGGER), f"{where}: pot_trigger"),
    )


def load_recipe(path: str | Path) -> Recipe:
    import yaml

    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except OSError as e:
        raise RecipeError(f"{path}: cannot read: {e}") from None
    except yaml.YAMLError as e:
        raise RecipeError(f"{path}: invalid YAML: {e}") from None
    return parse_recipe(data, str(path))
