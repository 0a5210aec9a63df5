"""The build and audit pipelines: sources -> verify -> dedup -> decontaminate -> mix -> card."""

from __future__ import annotations

import os
import random
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from mammoth_math.api import Executor, Problem, TrainingExample
from mammoth_math.api.formats import mathinstruct_row
from mammoth_math.common.store import atomic_write_jsonl
from mammoth_math.curate.card import write_card
from mammoth_math.curate.decontaminate import BenchmarkIndex, benchmark_index, decontaminate
from mammoth_math.curate.dedup import dedup
from mammoth_math.curate.recipe import Entry, Recipe
from mammoth_math.curate.rows import Dropped, make_example
from mammoth_math.curate.sources import LoadOptions, get_source
from mammoth_math.curate.sources.jsonl_file import problem_from_row
from mammoth_math.curate.verify import verify


def _log(message: str) -> None:
    print(f"[curate] {message}", file=sys.stderr, flush=True)


def collect(
    entry: Entry, data_dir: str | os.PathLike[str] | None
) -> tuple[list[TrainingExample], list[Dropped]]:
    spec = get_source(entry.source)
    limit = None if entry.limit is None else entry.start + entry.limit
    opts = LoadOptions(Path(data_dir) if data_dir else None, limit, entry.path)
    tag = entry.tag or entry.source
    rows: list[TrainingExample] = []
    missing: list[Dropped] = []
    for problem in spec.load(opts)[entry.start :]:
        output = spec.render(problem, entry.rationale)
        if output is None:
            missing.append(
                Dropped(
                    f"{tag}_{entry.rationale}:{problem.id}",
                    f"{tag}_{entry.rationale}",
                    "no_rationale",
                    instruction=problem.question[:200],
                )
            )
            continue
        own = problem.metadata.get("source")  # file sources keep their own tags
        ex = make_example(problem, output, tag, entry.rationale)
        rows.append(ex if not own else _retag(ex, str(own)))
    return rows, missing


def _retag(ex: TrainingExample, source: str) -> TrainingExample:
    from dataclasses import replace

    return replace(ex, source=source)


def _mix(rows: list[TrainingExample], entries: Sequence[Entry], seed: int) -> list[TrainingExample]:
    """Apply each entry's weight (seeded sample) and cap, keeping the original order within a source."""
    out: list[TrainingExample] = []
    rng = random.Random(seed)
    for k, entry in enumerate(entries):
        mine = [r for r in rows if r.metadata.get("entry") == k]
        n = round(len(mine) * entry.weight)
        if entry.cap is not None:
            n = min(n, entry.cap)
        if n < len(mine):
            keep = set(rng.sample(range(len(mine)), n))
            mine = [r for i, r in enumerate(mine) if i in keep]
        out.extend(mine)
    return out


def with_pot_trigger(
    rows: Sequence[TrainingExample], triggers: Sequence[str], seed: int = 0
) -> list[TrainingExample]:
    """The PoT trigger in the instruction of every PoT row, so a question's CoT and PoT rows differ in
    their instruction (as in MathInstruct) and the model learns the request evaluation asks with.

    One phrasing per row, drawn from a hash of (seed, row id) so a row keeps its phrasing whatever else
    the mix holds. A row whose instruction already asks for a program (file sources in MathInstruct's
    own format) keeps it: no second trigger."""
    import hashlib
    from dataclasses import replace

    if not triggers:
        return list(rows)
    known = [t.strip().lower() for t in triggers]
    out: list[TrainingExample] = []
    for row in rows:
        text = row.instruction.rstrip()
        if row.rationale != "pot" or any(text.lower().endswith(k) for k in known):
            out.append(row)
            continue
        pick = 0
        if len(triggers) > 1:
            digest = hashlib.sha256(f"{seed}|{row.metadata.get('id', text)}".encode()).digest()
            pick = int.from_bytes(digest[:4], "big") % len(triggers)
        out.append(replace(row, instruction=text + triggers[pick]))
    return out


def collect_examples(
    recipe: Recipe, data_dir: str | os.PathLike[str] | None = None
) -> tuple[list[TrainingExample], list[Dropped]]:
    """Every entry's rows (tagged with their entry index) and the problems without a rationale."""
    from dataclasses import replace

    rows: list[TrainingExample] = []
    dropped: list[Dropped] = []
    for k, entry in enumerate(recipe.entries):
        got, missing = collect(entry, data_dir)
        rows += [replace(r, metadata={**r.metadata, "entry": k}) for r in got]
        dropped += missing
        _log(f"{entry.source}/{entry.rationale}: {len(got)} rows, {len(missing)} without a rationale")
    return rows, dropped


def convert(recipe: Recipe, data_dir: str | os.PathLike[str] | None = None) -> list[TrainingExample]:
    """The recipe's rows in their final training form (mix, PoT trigger) without verification, dedup
    or decontamination: for quick fixtures and smoke runs. `build` is the real pipeline."""
    rows, _ = collect_examples(recipe, data_dir)
    return with_pot_trigger(_mix(rows, recipe.entries, recipe.seed), recipe.pot_triggers, recipe.seed)


def write_train_jsonl(rows: Sequence[TrainingExample], path: str | os.PathLike[str]) -> Path:
    """MathInstruct-format JSONL (what `train` reads), written atomically."""
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    # atomically: never a half-written train.jsonl
    atomic_write_jsonl(out, [mathinstruct_row(r) for r in rows], ensure_ascii=False)
    return out


def _sandbox(recipe: Recipe) -> Any:
    from mammoth_math.execute import Sandbox, SandboxConfig

    return Sandbox(SandboxConfig(timeout=recipe.timeout, memory_mb=1024, workers=recipe.workers))


def curate_rows(
    rows: list[TrainingExample],
    dropped: list[Dropped],
    recipe: Recipe,
    output: Path,
    *,
    data_dir: str | os.PathLike[str] | None = None,
    executor: Executor | None = None,
    index: BenchmarkIndex | None = None,
    title: str | None = None,
    pot_triggers: Sequence[str] = (),
) -> dict[str, Any]:
    output.mkdir(parents=True, exist_ok=True)
    timings: dict[str, float] = {}
    t = time.perf_counter()
    if executor is None:
        with _sandbox(recipe) as sandbox:
            kept, bad = verify(rows, sandbox)
    else:
        kept, bad = verify(rows, executor)
    dropped += bad
    timings["verify"] = time.perf_counter() - t
    _log(f"verified: kept {len(kept)}, dropped {len(bad)} ({timings['verify']:.1f}s)")
    t = time.perf_counter()
    kept, bad = dedup(kept, threshold=recipe.dedup_threshold)
    dropped += bad
    timings["dedup"] = time.perf_counter() - t
    _log(f"dedup: dropped {len(bad)} ({timings['dedup']:.1f}s)")
    t = time.perf_counter()
    sizes: dict[str, int] = {}
    if index is None:
        index, sizes = benchmark_index(
            recipe.benchmarks or None, data_dir, recipe.ngram, recipe.paraphrase_threshold
        )
    kept, bad = decontaminate(kept, index)
    dropped += bad
    timings["decontaminate"] = time.perf_counter() - t
    _log(f"decontaminate: dropped {len(bad)} ({timings['decontaminate']:.1f}s)")
    final = _mix(kept, recipe.entries, recipe.seed) if recipe.entries else kept
    # After dedup and decontamination, which compare the question itself, not the request around it.
    final = with_pot_trigger(final, pot_triggers, recipe.seed)
    atomic_write_jsonl(output / "train.jsonl", [mathinstruct_row(r) for r in final], ensure_ascii=False)
    atomic_write_jsonl(output / "dropped.jsonl", [d.to_json() for d in dropped], ensure_ascii=False)
    extra = {
        "recipe": recipe.name,
        "decontamination": {
            "ngram": index.n,
            "paraphrase_bigram_jaccard": index.paraphrase_threshold,
            "benchmarks": sizes,
        },
        "dedup_threshold": recipe.dedup_threshold,
        "pot_trigger": list(pot_triggers),
        "seconds": {k: round(v, 2) for k, v in timings.items()},
    }
    return write_card(output, final, dropped, title or recipe.name, extra)


def build(
    recipe: Recipe,
    output: str | os.PathLike[str],
    *,
    data_dir: str | os.PathLike[str] | None = None,
    executor: Executor | None = None,
    index: BenchmarkIndex | None = None,
) -> dict[str, Any]:
    """Build DIR/train.jsonl, dropped.jsonl, card.json, card.md, length_hist.png; returns the card."""
    rows, dropped = collect_examples(recipe, data_dir)
    return curate_rows(
        rows, dropped, recipe, Path(output), data_dir=data_dir, executor=executor, index=index,
        pot_triggers=recipe.pot_triggers,
    )  # fmt: skip


def audit_rows(path: str | os.PathLike[str], limit: int | None = None) -> list[TrainingExample]:
    """Rows of any MathInstruct-format file; the gold is recovered from our sources where the question
    matches one (GSM8K, MATH, MathQA train), else from the row's own `gold`/`answer`."""
    from mammoth_math.benchmarks import DataError, read_jsonl

    golds = _known_golds()
    rows: list[TrainingExample] = []
    for where, raw in read_jsonl(Path(path)):
        if limit is not None and len(rows) >= limit:
            break
        if isinstance(raw, DataError):
            raise raw
        p = problem_from_row(raw, f"audit-{where.split()[-1]}", str(path), where)
        known = golds.get(" ".join(p.question.split()))
        if not p.gold and known is not None:
            p = Problem(
                p.id, p.benchmark, p.question, known.gold, known.answer_type, known.choices, p.metadata
            )
        rationale = p.metadata["rationale"]
        ex = make_example(p, p.metadata["output"], "audit", rationale, location=p.metadata["location"])
        rows.append(_retag(ex, p.metadata["source"]))
    return rows


def _known_golds() -> dict[str, Problem]:
    out: dict[str, Problem] = {}
    for name in ("gsm8k", "math", "mathqa"):
        try:
            for p in get_source(name).load(LoadOptions()):
                out[" ".join(p.question.split())] = p
        except Exception:  # a source that is not available here only means fewer recovered golds
            continue
    return out


def audit(
    path: str | os.PathLike[str],
    output: str | os.PathLike[str],
    *,
    recipe: Recipe | None = None,
    limit: int | None = None,
    executor: Executor | None = None,
    index: BenchmarkIndex | None = None,
) -> dict[str, Any]:
    recipe = recipe or Recipe(name=f"audit of {Path(path).name}", entries=())
    rows = audit_rows(path, limit)
    return curate_rows(
        rows, [], recipe, Path(output), executor=executor, index=index, title=f"audit of {path}"
    )
