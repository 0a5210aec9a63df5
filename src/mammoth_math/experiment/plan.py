"""The stage graph of a spec: curate -> train -> export -> eval (per decoding mode) per arm, then compare.

Every stage's hash is computable before anything runs (its settings plus its dependencies' hashes), so
`plan`, `status` and the skip decision all agree without opening any output. Cost estimates use the
spec's `cost:` figures (measured on this machine; see spec.DEFAULT_COST).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mammoth_math.experiment.records import stage_hash
from mammoth_math.experiment.spec import Arm, EvalSpec, Spec

KINDS = ("curate", "train", "export", "eval", "compare")


@dataclass
class Stage:
    kind: str
    arm: str | None
    mode: str | None
    deps: list[str]
    settings: dict[str, Any]
    outputs: list[Path]  # removed before the stage runs afresh
    hash: str = ""
    estimate_s: float = 0.0
    info: dict[str, Any] = field(default_factory=dict)  # derived facts the runner needs (paths, rows)

    @property
    def id(self) -> str:
        return ":".join(x for x in (self.kind, self.arm, self.mode) if x)


def _rows(recipe: dict[str, Any] | None) -> int:
    """Rows a mix gives at most (limits, the source's size, weights), for the estimate; a source of
    unknown size without a limit counts 1000."""
    from mammoth_math.curate import get_source

    if not recipe:
        return 0
    total = 0
    for entry in recipe.get("sources", []):
        try:
            size = get_source(str(entry["source"])).size
        except Exception:  # a plugin source that fails to load: the estimate falls back
            size = None
        available = (size or 1000) - int(entry.get("start") or 0)
        n = min(entry["limit"], available) if entry.get("limit") is not None else available
        if entry.get("cap") is not None:
            n = min(n, entry["cap"])
        total += int(max(0, n) * float(entry.get("weight", 1.0)))
    return total


def _rows_per_step(config: dict[str, Any]) -> int:
    if config.get("effective_batch_size"):  # per GPU count: what a step costs is its rows, whatever the split
        return int(config["effective_batch_size"])
    return int(config.get("per_device_batch_size", 1)) * int(config.get("gradient_accumulation_steps", 1))


def _train_steps(config: dict[str, Any], rows: int) -> int:
    if int(config.get("max_steps", -1)) > 0:
        return int(config["max_steps"])
    rows = min(rows, int(config["limit"])) if config.get("limit") else rows
    return max(1, math.ceil(rows * float(config.get("epochs", 3.0)) / max(1, _rows_per_step(config))))


def _eval_estimate(ev: EvalSpec, mode: str, cost: dict[str, Any]) -> float:
    from mammoth_math.benchmarks import get_spec

    n = 0
    for b in ev.benchmarks:
        size = None if b.endswith((".yaml", ".yml")) else get_spec(b).expected_size
        n += min(ev.limit or size or 100, size or ev.limit or 100)
    tokens = cost["tokens_per_problem"]
    if mode == "hybrid":  # run after pot and cot: only the CoT fallbacks are not in the cache yet
        per = cost["hybrid_fallback_share"] * tokens.get("cot", 200)
        prompt = 0.0
    else:
        per = tokens.get(mode, 200) if ev.max_tokens is None else min(tokens.get(mode, 200), ev.max_tokens)
        prompt = cost["prompt_seconds_per_problem"]
    return n * (per / cost["tokens_per_second"] + prompt)


def _eval_settings(ev: EvalSpec) -> dict[str, Any]:
    keep = ("benchmarks", "limit", "prompt_style", "shots", "max_tokens", "seed", "backend_options")
    return {k: getattr(ev, k) for k in keep}


def build_plan(spec: Spec, root: Path) -> list[Stage]:
    """Stages in run order (dependencies first)."""
    stages: dict[str, Stage] = {}

    def add(stage: Stage) -> Stage:
        stage.hash = stage_hash(
            {
                "kind": stage.kind,
                "arm": stage.arm,
                "mode": stage.mode,
                "settings": stage.settings,
                "deps": [stages[d].hash for d in stage.deps],
            }
        )
        stages[stage.id] = stage
        return stage

    rows: dict[str, int] = {}
    for arm in spec.arms:  # plain arms before unions: a union's curate needs theirs
        if arm.recipe:
            rows[arm.name] = _rows(arm.recipe)
            add(Stage("curate", arm.name, None, [], {"recipe": arm.recipe},
                      [root / arm.name / "curate"], estimate_s=spec.cost["curate_seconds"]))  # fmt: skip
    for arm in spec.arms:
        if arm.union:
            rows[arm.name] = sum(rows[u] for u in arm.union)
            add(Stage("curate", arm.name, None, [f"curate:{u}" for u in arm.union], {"union": list(arm.union)},
                      [root / arm.name / "curate"], estimate_s=1.0))  # fmt: skip
    evals: list[str] = []
    for arm in spec.arms:
        model_stage = _model_stages(spec, arm, root, rows.get(arm.name, 0), add)
        ev = arm.eval or spec.eval
        # pot and cot first: hybrid then finds its PoT generations and most CoT fallbacks in the cache
        for mode in sorted(ev.modes, key=("pot", "cot", "hybrid").index):
            st = Stage("eval", arm.name, mode, [model_stage] if model_stage else [],
                       {**_eval_settings(ev), "mode": mode, "model": None if model_stage else _untrained_model(spec, arm)},
                       [root / arm.name / f"eval-{mode}"], estimate_s=_eval_estimate(ev, mode, spec.cost))  # fmt: skip
            evals.append(add(st).id)
    add(Stage("compare", None, None, evals, {"baseline": spec.baseline}, [], estimate_s=1.0))
    return list(stages.values())


def _untrained_model(spec: Spec, arm: Arm) -> str:
    return arm.model or spec.base_model


def _model_stages(spec: Spec, arm: Arm, root: Path, rows: int, add: Any) -> str | None:
    """train (+ export) for a trained arm; returns the id of the stage whose output evaluation loads."""
    if not arm.trains:
        return None
    config = dict(arm.train or {})
    steps = _train_steps(config, rows)
    per_step = _rows_per_step(config)
    cache = root / arm.name / "cache"  # generations of this arm's model: stale once the model changes
    train = add(
        Stage(
            "train",
            arm.name,
            None,
            [f"curate:{arm.name}"],
            {"config": config, "base_model": spec.base_model, "tokenizer": spec.tokenizer},
            [root / arm.name / "train"] + ([cache] if spec.export is None else []),
            estimate_s=steps * per_step * spec.cost["train_seconds_per_row"],
            info={"steps": steps},
        )
    )
    if spec.export is None:
        return train.id
    export = add(
        Stage(
            "export",
            arm.name,
            None,
            [train.id],
            {"type": spec.export},
            [root / arm.name / "export", cache],
            estimate_s=spec.cost["export_seconds"],
        )
    )
    return export.id


def select(plan: list[Stage], only: str | None) -> list[Stage]:
    """`--only KIND[:ARM[:MODE]]` -> those stages; None -> all."""
    if not only:
        return plan
    kind, _, rest = only.partition(":")
    arm, _, mode = rest.partition(":")
    if kind not in KINDS:
        raise ValueError(f"--only {only!r}: stage must be one of {', '.join(KINDS)}")
    picked = [
        s for s in plan if s.kind == kind and (not arm or s.arm == arm) and (not mode or s.mode == mode)
    ]
    if not picked:
        arms = sorted({s.arm for s in plan if s.kind == kind and s.arm})
        raise ValueError(
            f"--only {only!r}: no such stage (arms with a {kind} stage: {', '.join(arms) or 'none'})"
        )
    return picked


def format_plan(plan: list[Stage], piece_hours: float) -> str:
    lines = [f"{'stage':<28} {'estimate':>10}  notes"]
    for s in plan:
        note = f"{s.info['steps']} steps" if "steps" in s.info else ""
        if s.estimate_s > piece_hours * 3600:
            note += f"  (over the {piece_hours:g} h piece size: interruptions may cost this much)"
        lines.append(f"{s.id:<28} {_hms(s.estimate_s):>10}  {note}".rstrip())
    total = sum(s.estimate_s for s in plan)
    lines.append(f"{'total':<28} {_hms(total):>10}")
    return "\n".join(lines)


def _hms(seconds: float) -> str:
    seconds = round(seconds)
    return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"
