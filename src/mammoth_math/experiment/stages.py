"""What each stage kind does: a call into that stage's public API, nothing of its own.

Each function takes the run context and the stage, does the work into the stage's output paths and
returns a small summary for the record. `resume` is True when the same stage (same hash) was
interrupted: train continues from its last checkpoint, eval from its progress log and cache.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mammoth_math.common.store import atomic_write_text
from mammoth_math.experiment.plan import Stage
from mammoth_math.experiment.spec import Spec


@dataclass
class Context:
    spec: Spec
    root: Path
    data_dir: str | None
    stages: dict[str, Stage]
    results: Path | None = None  # where finished stages' small files are kept (experiment/results.py)
    _sandbox: Any = field(default=None, repr=False)

    def sandbox(self, timeout: float) -> Any:
        """One sandbox for every evaluation of the run (its warm templates start once)."""
        if self._sandbox is None:
            from mammoth_math.execute import Sandbox, SandboxConfig

            self._sandbox = Sandbox(SandboxConfig(timeout=timeout, workers=2))
        return self._sandbox

    def close(self) -> None:
        if self._sandbox is not None:
            self._sandbox.close()
            self._sandbox = None


def _train_jsonl(ctx: Context, arm: str) -> Path:
    return ctx.root / arm / "curate" / "train.jsonl"


def run_curate(ctx: Context, stage: Stage, resume: bool) -> dict[str, Any]:
    import hashlib

    from mammoth_math.curate import build, parse_recipe

    out = ctx.root / str(stage.arm) / "curate"
    arm = ctx.spec.arm(str(stage.arm))
    if arm.union:
        # MathInstruct-style hybrid data: the member arms' curated rows, one after another
        texts = [_train_jsonl(ctx, member).read_text(encoding="utf-8") for member in arm.union]
        rows = sum(text.count("\n") for text in texts)
        atomic_write_text(out / "train.jsonl", "".join(texts))
        card = {
            "rows": rows,
            "union_of": list(arm.union),
            "sha256": hashlib.sha256((out / "train.jsonl").read_bytes()).hexdigest(),
        }
        (out / "card.json").write_text(json.dumps(card, indent=2) + "\n", encoding="utf-8")
    else:
        card = build(
            parse_recipe(arm.recipe, f"{ctx.spec.path}: arms.{arm.name}"), out, data_dir=ctx.data_dir
        )
    return {"rows": card["rows"], "data_sha256": card["sha256"]}


def train_model_spec(base_model: str) -> str:
    """The spec `train` loads: a generate alias (qwen0.5b, smollm2, default) becomes its GGUF file,
    which transformers dequantizes; anything else is already a train spec."""
    from mammoth_math.generate import MODEL_ALIASES, resolve_model_spec

    if base_model in MODEL_ALIASES:
        return f"gguf:{resolve_model_spec(base_model).target}"
    return base_model


def run_train(ctx: Context, stage: Stage, resume: bool) -> dict[str, Any]:
    from mammoth_math.train import config_from_dict, read_manifest, train

    settings = stage.settings
    values = {
        **settings["config"],
        "model": train_model_spec(settings["base_model"]),
        "data": str(_train_jsonl(ctx, str(stage.arm))),
        "output_dir": str(ctx.root / str(stage.arm) / "train"),
        "resume": True,  # continue the last checkpoint if an interrupted run left one, else start at 0
    }
    if settings.get("tokenizer"):
        values["tokenizer"] = settings["tokenizer"]
    result = train(config_from_dict(values, f"{ctx.spec.path}: arms.{stage.arm}.train"))
    manifest = read_manifest(values["output_dir"]) if result.manifest else {}
    return {
        "data_sha256": (manifest.get("data") or {}).get("sha256"),  # what the weights were trained on
        "global_step": result.global_step,
        "train_loss": round(result.train_loss, 6),
        "resumed_from": result.resumed_from,
        "runtime_s": round(result.runtime_s, 1),
    }


def run_export(ctx: Context, stage: Stage, resume: bool) -> dict[str, Any]:
    from mammoth_math.export import export_gguf

    arm_dir = ctx.root / str(stage.arm)
    return export_gguf(arm_dir / "train", arm_dir / "export" / "model.gguf", type=stage.settings["type"])


def eval_model(ctx: Context, stage: Stage) -> str:
    arm_dir = ctx.root / str(stage.arm)
    if not stage.deps:
        return str(stage.settings["model"])
    dep = ctx.stages[stage.deps[0]]
    if dep.kind == "export":
        return f"gguf:{arm_dir / 'export' / 'model.gguf'}"
    backend = (ctx.spec.arm(str(stage.arm)).eval or ctx.spec.eval).backend
    return f"{'hf' if backend == 'gguf' else backend}:{arm_dir / 'train'}"


def run_eval(ctx: Context, stage: Stage, resume: bool) -> dict[str, Any]:
    from mammoth_math.evaluate import EvalConfig, run_eval

    ev = ctx.spec.arm(str(stage.arm)).eval or ctx.spec.eval
    config = EvalConfig(
        model=eval_model(ctx, stage),
        benchmarks=ev.benchmarks,
        mode=str(stage.mode),
        prompt_style=ev.prompt_style,
        shots=ev.shots,
        limit=ev.limit,
        seed=ev.seed,
        max_tokens=ev.max_tokens,
        batch_size=ev.batch_size,
        workers=ev.workers,
        exec_timeout=ev.exec_timeout,
        backend_options=dict(ev.backend_options),
    )
    arm_dir = ctx.root / str(stage.arm)
    # An untrained arm's model is fixed weights, so its other modes' samples (taken over from a results
    # folder, where the cache does not travel) are its generations: hybrid then regenerates nothing that
    # pot and cot made. A trained arm's samples may come from weights made before a re-train.
    seeds = [] if stage.deps else [arm_dir / f"eval-{m}" for m in ev.modes if m != stage.mode]
    summary = run_eval(
        config,
        arm_dir / f"eval-{stage.mode}",
        resume=True,  # the progress log (if any) is this stage's: a changed stage was wiped first
        data_dir=ctx.data_dir,
        executor=ctx.sandbox(ev.exec_timeout),
        cache_dir=arm_dir / "cache",
        progress=False,
        seed_runs=seeds,
    )
    return {
        "accuracy": {k: v["accuracy"] for k, v in summary["benchmarks"].items()},
        "in_domain_average": summary["overall"].get("in_domain_average"),
        "out_of_domain_average": summary["overall"].get("out_of_domain_average"),
    }


def run_compare(ctx: Context, stage: Stage, resume: bool) -> dict[str, Any]:
    from mammoth_math.evaluate import compare_runs
    from mammoth_math.experiment.records import read_record

    runs, meta = [], {}
    arms = [a.name for a in ctx.spec.arms]
    # rows by arm (spec order), then decoding mode in the order the spec lists them
    order = sorted(
        stage.deps,
        key=lambda d: (arms.index(str(ctx.stages[d].arm)), _modes(ctx, d).index(str(ctx.stages[d].mode))),
    )
    for dep in order:
        ev = ctx.stages[dep]
        label = f"{ev.arm} / {ev.mode}"
        runs.append((label, str(ctx.root / str(ev.arm) / f"eval-{ev.mode}")))
        curated = read_record(ctx.root, f"curate:{ev.arm}") or {}
        meta[label] = {
            "arm": ev.arm,
            "decoding": ev.mode,
            "training_data": (curated.get("outputs") or {}).get("data_sha256", "none (not trained)"),
        }
    result = compare_runs(runs, ctx.root, baseline=stage.settings.get("baseline"), meta=meta)
    return {"runs": len(result["runs"]), "pairs": len(result["pairs"])}


def _modes(ctx: Context, stage_id: str) -> tuple[str, ...]:
    stage = ctx.stages[stage_id]
    return (ctx.spec.arm(str(stage.arm)).eval or ctx.spec.eval).modes


RUNNERS: dict[str, Callable[[Context, Stage, bool], dict[str, Any]]] = {
    "curate": run_curate,
    "train": run_train,
    "export": run_export,
    "eval": run_eval,
    "compare": run_compare,
}


def wipe(stage: Stage) -> None:
    for path in stage.outputs:
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()
