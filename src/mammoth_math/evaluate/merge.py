"""`eval merge`: join the shards of one run (same settings, different --shard-index) into one output."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from mammoth_math.api import SampleResult, to_dict
from mammoth_math.common.store import atomic_write_jsonl, atomic_write_text
from mammoth_math.evaluate.config import EvalConfig, EvalError
from mammoth_math.evaluate.report import write_report
from mammoth_math.evaluate.runner import RUN, read_samples
from mammoth_math.evaluate.summary import build_summary


def merge_runs(dirs: Sequence[str | Path], output: str | Path) -> dict[str, Any]:
    if not dirs:
        raise EvalError("eval merge: name the shard folders to merge")
    configs: list[EvalConfig] = []
    rows: list[SampleResult] = []
    wall = 0.0
    for d in map(Path, dirs):
        for name in (RUN, "samples.jsonl"):
            if not (d / name).exists():
                raise EvalError(f"eval merge: {d / name} not found (did that shard finish?)")
        configs.append(EvalConfig.from_dict(json.loads((d / RUN).read_text())["config"]))
        try:
            rows.extend(read_samples(d / "samples.jsonl"))
        except (ValueError, TypeError) as e:
            raise EvalError(f"eval merge: {d / 'samples.jsonl'}: {e}") from None
        summary_file = d / "summary.json"
        if summary_file.exists():
            wall = max(wall, float(json.loads(summary_file.read_text()).get("wall_seconds") or 0.0))
    first = configs[0]
    for d, c in zip(dirs, configs, strict=True):
        if c.identity() != first.identity():
            diff = [k for k, v in first.identity().items() if c.identity().get(k) != v]
            raise EvalError(f"eval merge: {d} was run with different settings ({', '.join(diff)})")
    seen_shards = [c.shard_index for c in configs]
    if len(set(seen_shards)) != len(seen_shards):
        raise EvalError(f"eval merge: shard index given twice ({sorted(seen_shards)})")
    unique: dict[tuple[str, str, int], SampleResult] = {}
    for r in rows:
        unique[(r.benchmark, r.id, r.sample)] = r
    order = {name: i for i, name in enumerate(first.benchmarks)}
    merged = sorted(
        unique.values(), key=lambda r: (order.get(r.benchmark, 99), r.metadata.get("index", 0), r.sample)
    )
    config = EvalConfig.from_dict({**first.to_dict(), "num_shards": 1, "shard_index": 0})
    out = Path(output)
    out.mkdir(parents=True, exist_ok=True)
    atomic_write_jsonl(out / "samples.jsonl", (to_dict(r) for r in merged))
    missing = len(seen_shards) != first.num_shards
    summary = build_summary(
        merged,
        config,
        {
            "wall_seconds": round(wall, 3),
            "merged_from": [str(d) for d in dirs],
            "missing_shards": sorted(set(range(first.num_shards)) - set(seen_shards)) if missing else [],
        },
    )
    atomic_write_text(out / "summary.json", json.dumps(summary, indent=2, ensure_ascii=False) + "\n")
    atomic_write_text(
        out / RUN,
        json.dumps({"config": config.to_dict(), "merged_from": [str(d) for d in dirs]}, indent=2) + "\n",
    )
    write_report(out / "report.html", summary, merged)
    return summary
