"""A results folder: the small files of every finished stage, kept where they can be committed, so that
an experiment of many hours can continue on another machine (or a fresh checkout) from what is there.

`experiment run SPEC --output DIR --results RES` copies, as each stage finishes, its record and its
small outputs (curate's card, train's manifest, eval's summary, samples (gzipped) and report,
compare's table) into RES, mirroring DIR's layout. On a DIR that lacks them it copies them back first:
a stage whose record in RES has the current hash counts as done there. Weights, curated data and
generation caches never go into RES; a restored train or export stage whose weights are absent is run
again only when a stage still to run needs them (`needed_again`).
"""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path
from typing import Any

from mammoth_math.common.store import atomic_write_text
from mammoth_math.experiment.plan import Stage
from mammoth_math.experiment.records import read_record, record_path, write_record

# Per stage kind: the small files kept (relative to the stage's first output folder; compare writes into
# the run folder itself), and the file whose presence shows that the stage's full outputs are here.
KEPT: dict[str, tuple[str, ...]] = {
    "curate": ("card.json", "card.md"),
    "train": ("mammoth_training.json",),
    "export": (),
    "eval": ("summary.json", "samples.jsonl", "run.json", "report.html"),
    "compare": ("compare.json", "compare.txt", "report.html"),
}
PROOF: dict[str, str] = {
    "curate": "train.jsonl",
    "train": "config.json",
    "export": "model.gguf",
    "eval": "summary.json",
    "compare": "compare.json",
}
_GZIPPED = ("samples.jsonl",)  # model outputs: ~1 MB a stage as text, a quarter of that gzipped


def public_record(record: dict[str, Any] | None) -> dict[str, Any] | None:
    """A record as kept in a results folder: without what only the machine that ran it knows (the
    pid; where a record was taken over from), so taking over and publishing again changes no byte."""
    if record is None:
        return None
    return {k: v for k, v in record.items() if k not in ("pid", "restored_from")}


def stage_folder(root: Path, stage: Stage) -> Path:
    return stage.outputs[0] if stage.outputs else root


def outputs_present(root: Path, stage: Stage) -> bool:
    return (stage_folder(root, stage) / PROOF[stage.kind]).exists()


def _mirror(root: Path, results: Path, stage: Stage) -> Path:
    return results / stage_folder(root, stage).relative_to(root)


def publish(root: Path, results: Path, stage: Stage) -> list[str]:
    """Copy a finished stage's record and small files from the run folder into `results`."""
    source, target = stage_folder(root, stage), _mirror(root, results, stage)
    copied = []
    for name in KEPT[stage.kind]:
        path = source / name
        if not path.is_file():
            continue
        target.mkdir(parents=True, exist_ok=True)
        if name in _GZIPPED:
            # mtime=0: the same samples give the same bytes, so a re-publish changes nothing in git
            with path.open("rb") as f, gzip.GzipFile(target / f"{name}.gz", "wb", mtime=0) as g:
                shutil.copyfileobj(f, g)
        else:
            shutil.copyfile(path, target / name)
        copied.append(name)
    record = public_record(read_record(root, stage.id))
    if record is not None:
        write_record(results, stage.id, record)
    return copied


def restore(root: Path, results: Path, plan: list[Stage]) -> list[str]:
    """Bring back into the run folder every stage finished in `results` with the current inputs and not
    finished here; returns their ids. A stage's small files come back beside its record."""
    restored = []
    for stage in plan:
        here = read_record(root, stage.id)
        if here is not None and here.get("hash") == stage.hash and here.get("status") == "done":
            continue
        kept = read_record(results, stage.id)
        if kept is None or kept.get("hash") != stage.hash or kept.get("status") != "done":
            continue
        source, target = _mirror(root, results, stage), stage_folder(root, stage)
        for name in KEPT[stage.kind]:
            packed = source / f"{name}.gz" if name in _GZIPPED else source / name
            if not packed.is_file():
                continue
            target.mkdir(parents=True, exist_ok=True)
            if name in _GZIPPED:
                with gzip.open(packed, "rb") as g:
                    atomic_write_text(target / name, g.read().decode("utf-8"))
            else:
                shutil.copyfile(packed, target / name)
        record_path(root, stage.id).parent.mkdir(parents=True, exist_ok=True)
        write_record(root, stage.id, {**kept, "restored_from": str(results)})
        restored.append(stage.id)
    return restored


def check_results_folder(results: Path) -> None:
    """A results folder is a folder; its records, where present, are JSON (a clear error otherwise)."""
    if results.exists() and not results.is_dir():
        raise ValueError(f"--results {results}: not a folder")
    for path in sorted((results / "stages").glob("*.json")) if results.is_dir() else []:
        try:
            json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as e:
            raise ValueError(f"{path}: not a stage record ({e.msg}, line {e.lineno})") from None
