"""Running a spec: each stage in order, skipped when its record says it finished with the same inputs,
resumed when the same stage was interrupted, started afresh (old outputs removed) when its inputs
changed. The spec is copied to DIR/experiment.json so `status DIR` needs nothing else."""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Any

from mammoth_math.experiment.plan import Stage, build_plan, select
from mammoth_math.experiment.records import alive, now, read_record, versions, write_record
from mammoth_math.experiment.results import (
    check_results_folder,
    outputs_present,
    public_record,
    publish,
    restore,
)
from mammoth_math.experiment.spec import Spec, SpecError, parse_spec
from mammoth_math.experiment.stages import RUNNERS, Context, wipe

SPEC_COPY = "experiment.json"


def _log(message: str) -> None:
    print(f"[experiment] {message}", file=sys.stderr, flush=True)


def state(root: Path, stage: Stage) -> tuple[str, dict[str, Any] | None]:
    """done | stale (finished with other inputs) | running | interrupted | pending."""
    rec = read_record(root, stage.id)
    if rec is None:
        return "pending", None
    if rec.get("hash") != stage.hash:
        return ("stale" if rec.get("status") == "done" else "pending"), rec
    if rec.get("status") == "done":
        return "done", rec
    return ("running" if alive(rec.get("pid")) and rec.get("pid") != os.getpid() else "interrupted"), rec


def run_experiment(
    spec: Spec,
    root: str | Path,
    *,
    only: str | None = None,
    data_dir: str | None = None,
    results: str | Path | None = None,
) -> dict[str, Any]:
    """Run (or continue) the experiment into `root`; returns {stage id: what happened}. With `results`,
    stages finished there are taken over first and every finished stage's small files go there
    (experiment/results.py)."""
    root = Path(root)
    plan = build_plan(spec, root)
    try:
        chosen = select(plan, only)
    except ValueError as e:
        raise SpecError(str(e)) from None
    by_id = {s.id: s for s in plan}
    if int(os.environ.get("WORLD_SIZE", "1")) > 1 and any(s.kind != "train" for s in chosen):
        # under accelerate / torchrun every rank runs this; only training is a collective job
        raise SpecError(
            "launched on several processes: use --only train:ARM (run the other stages without a launcher)"
        )
    root.mkdir(parents=True, exist_ok=True)
    if _main_rank():
        copy = {"spec_path": str(Path(spec.path).resolve()), "spec": spec.raw}
        (root / SPEC_COPY).write_text(json.dumps(copy, indent=2, default=str) + "\n", encoding="utf-8")
    ctx = Context(spec, root, data_dir or spec.data_dir, by_id, Path(results) if results else None)
    if ctx.results is not None and _main_rank():
        try:
            check_results_folder(ctx.results)
        except ValueError as e:
            raise SpecError(str(e)) from None
        for stage_id in restore(root, ctx.results, plan):
            _log(f"{stage_id}: finished earlier, taken over from {ctx.results}")
        for stage in plan:  # finished here before --results was given: keep them there too
            here = read_record(root, stage.id)
            if (
                state(root, stage)[0] == "done"
                and not _same_again(here)
                and read_record(ctx.results, stage.id) != public_record(here)
            ):
                publish(root, ctx.results, stage)
    _preflight(spec, [s for s in chosen if state(root, s)[0] != "done"])
    done: dict[str, str] = {}
    try:
        for stage in chosen:
            done[stage.id] = _run_stage(ctx, stage, by_id)
    finally:
        ctx.close()
    return done


def _preflight(spec: Spec, todo: list[Stage]) -> None:
    """Find (assemble, verify) the models the pending stages load before the first stage runs, so a
    missing model package stops the run at once rather than after curation."""
    from mammoth_math.experiment.stages import train_model_spec
    from mammoth_math.generate import GenerateError, ModelAssemblyError, resolve_model_spec

    try:
        if any(s.kind == "train" for s in todo):
            train_model_spec(spec.base_model)
        for model in {str(s.settings["model"]) for s in todo if s.kind == "eval" and not s.deps}:
            resolve_model_spec(model)
    except (GenerateError, ModelAssemblyError) as e:
        raise SpecError(f"{spec.path}: {e}") from None


def _main_rank() -> bool:
    return os.environ.get("RANK", "0") == "0"


def _record(root: Path, stage_id: str, record: dict[str, Any]) -> None:
    if _main_rank():  # one writer under a multi-process launcher
        write_record(root, stage_id, record)


def _run_stage(ctx: Context, stage: Stage, by_id: dict[str, Stage]) -> str:
    now_state, rec = state(ctx.root, stage)
    if now_state == "done":
        _log(f"{stage.id}: done earlier ({rec.get('seconds', 0):.0f} s), skipped")  # type: ignore[union-attr]
        return "skipped"
    if now_state == "running" and _main_rank():  # other ranks see rank 0's fresh record
        raise SpecError(f"{stage.id}: another process (pid {rec['pid']}) is running it now")  # type: ignore[index]
    for dep in stage.deps:
        if state(ctx.root, by_id[dep])[0] != "done":
            raise SpecError(f"{stage.id}: needs {dep} first (run it, or the experiment without --only)")
        _bring_back(ctx, by_id[dep], by_id)
    return _execute(ctx, stage, by_id, resume=now_state == "interrupted", previous=rec)


def _bring_back(ctx: Context, stage: Stage, by_id: dict[str, Stage]) -> None:
    """A finished stage taken over from a results folder has its record, not its weights or data: run
    it again (its own dependencies first) when a stage still to run needs what it made."""
    if outputs_present(ctx.root, stage):
        return
    for dep in stage.deps:
        _bring_back(ctx, by_id[dep], by_id)
    _log(f"{stage.id}: needed again (its outputs are not in {ctx.root}), running it again")
    _execute(ctx, stage, by_id, resume=False, previous=read_record(ctx.root, stage.id))


def _execute(
    ctx: Context, stage: Stage, by_id: dict[str, Stage], *, resume: bool, previous: dict[str, Any] | None
) -> str:
    if not resume and _main_rank():
        wipe(stage)  # outputs from other inputs (or none): start clean
    started = time.time()
    base = {"stage": stage.id, "hash": stage.hash, "settings": stage.settings,
            "deps": {d: by_id[d].hash for d in stage.deps}, "versions": versions()}  # fmt: skip
    _record(ctx.root, stage.id, {**base, "status": "running", "pid": os.getpid(), "started": now(),
                                      "resumed": resume})  # fmt: skip
    _log(f"{stage.id}: {'resuming' if resume else 'running'} (estimate {stage.estimate_s / 60:.1f} min)")
    outputs = RUNNERS[stage.kind](ctx, stage, resume)
    seconds = time.time() - started
    record = {**base, "status": "done", "started": (previous or {}).get("started") if resume
              else time.strftime("%Y-%m-%dT%H:%M:%S%z", time.localtime(started)),
              "finished": now(), "seconds": round(seconds, 1), "resumed": resume, "outputs": outputs}  # fmt: skip
    if previous and previous.get("status") == "done":  # made again for a later stage (see _bring_back)
        record["made_again"] = True
        if _comparable(previous.get("outputs")) != _comparable(outputs):
            _log(f"{stage.id}: made again, but its outputs differ from the first time's; stages that "
                 "used the first ones keep their results")  # fmt: skip
            record["first_outputs"] = previous.get("outputs")
    _record(ctx.root, stage.id, record)
    if ctx.results is not None and _main_rank() and not _same_again(record):
        publish(ctx.root, ctx.results, stage)
    _log(f"{stage.id}: done in {seconds:.0f} s")
    return "resumed" if resume else "ran"


def _same_again(record: dict[str, Any] | None) -> bool:
    """Whether a stage was made again to the same outputs: a local fact (this machine needed its weights
    back), never published, so the results folder keeps the first record."""
    return bool(record and record.get("made_again") and "first_outputs" not in record)


def _comparable(outputs: Any) -> Any:
    """A stage's outputs without what differs between run folders by nature: wall times, and an
    export's path and size (the file's metadata names where it was written)."""
    if not isinstance(outputs, dict):
        return outputs
    return {
        k: v for k, v in outputs.items() if k not in ("output", "bytes") and not k.endswith(("_s", "seconds"))
    }


def load_run_spec(root: str | Path) -> Spec:
    path = Path(root) / SPEC_COPY
    try:
        copy = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as e:
        raise SpecError(f"{path}: not an experiment folder ({e})") from None
    spec_path = Path(copy["spec_path"])
    return parse_spec(copy["spec"], str(spec_path), spec_path.parent)


def status(root: str | Path) -> list[dict[str, Any]]:
    """One row per stage: state, seconds (finished) or start time (running / interrupted), estimate."""
    root = Path(root)
    rows = []
    for stage in build_plan(load_run_spec(root), root):
        st, rec = state(root, stage)
        rec = rec or {}
        rows.append(
            {
                "stage": stage.id,
                "state": st,
                "seconds": rec.get("seconds") if st in ("done", "stale") else None,
                "started": rec.get("started"),
                "finished": rec.get("finished") if st in ("done", "stale") else None,
                "estimate_s": round(stage.estimate_s),
                "restored": bool(rec.get("restored_from")),
            }
        )
    return rows
