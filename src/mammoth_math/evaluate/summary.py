"""summary.json from the samples alone (so `eval merge` can rebuild it), and the terminal table."""

from __future__ import annotations

import datetime as _dt
from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import Any

from mammoth_math.api import SampleResult
from mammoth_math.benchmarks import get_spec
from mammoth_math.common.text import text_table
from mammoth_math.evaluate.config import EvalConfig
from mammoth_math.evaluate.metrics import ks_for, pass_at_k

# Fields that differ between an interrupted-and-resumed run and an uninterrupted one.
# Timings are per run, not per benchmark: a batch serves many samples at once, so summing each sample's
# share (the old `solve_seconds`) counted a batch's time once per sample in it.
TIMING_FIELDS = (
    "wall_seconds",
    "samples_run",
    "seconds_per_sample",
    "created",
    "resumed",
    "cache",
    "generation_seconds",
    "tokens_per_second",
)


def _mean(values: Sequence[float]) -> float | None:
    return round(sum(values) / len(values), 6) if values else None


def _problem_groups(rows: Sequence[SampleResult]) -> dict[tuple[str, str], list[SampleResult]]:
    groups: dict[tuple[str, str], list[SampleResult]] = defaultdict(list)
    for r in rows:
        groups[(r.benchmark, r.id)].append(r)
    return groups


def _problem_correct(samples: list[SampleResult], n_samples: int, mode: str) -> bool:
    """A problem's headline verdict: maj@N in vote mode, else sample 0."""
    first = min(samples, key=lambda r: r.sample)
    if mode == "vote" and n_samples > 1:
        return bool(first.metadata.get("vote", {}).get("correct", False))
    return first.correct


def stats(rows: Sequence[SampleResult], config: EvalConfig) -> dict[str, Any]:
    groups = _problem_groups(rows)
    verdicts = [_problem_correct(s, config.samples, config.mode) for s in groups.values()]
    solved = [r for r in rows if r.solve is not None]
    out: dict[str, Any] = {
        "n": len(groups),
        "samples": len(rows),
        "accuracy": _mean([float(v) for v in verdicts]),
        "correct": sum(verdicts),
        "pot_share": _mean([float(r.solve.mode_used == "pot") for r in solved]),  # type: ignore[union-attr]
        "no_answer_rate": _mean([float(r.solve is None or r.solve.answer is None) for r in rows]),
        "fallbacks": dict(Counter(r.solve.fallback_reason for r in solved if r.solve.fallback_reason)),  # type: ignore[union-attr]
        "errors": sum(1 for r in rows if r.error),
        # samples a generation of which ended at its token budget (finish reason "length"), per path
        "truncated": sum(1 for r in solved if "length" in r.solve.finish_reasons),  # type: ignore[union-attr]
        "truncated_by_path": dict(Counter(_truncated_paths(solved))),
        "prompt_tokens": sum(r.solve.prompt_tokens for r in solved),  # type: ignore[union-attr]
        "completion_tokens": sum(r.solve.completion_tokens for r in solved),  # type: ignore[union-attr]
        "accuracy_by_mode_used": {
            m: _mean([float(r.correct) for r in solved if r.solve.mode_used == m])  # type: ignore[union-attr]
            for m in sorted({r.solve.mode_used for r in solved})  # type: ignore[union-attr]
        },
    }
    if config.samples > 1:
        full = [s for s in groups.values() if len(s) == config.samples]
        out["sample_accuracy"] = _mean([float(r.correct) for r in rows])
        out[f"maj@{config.samples}"] = _mean(
            [float(s[0].metadata.get("vote", {}).get("correct", False)) for s in full]
        )
        for k in ks_for(config.samples):
            out[f"pass@{k}"] = _mean([pass_at_k(len(s), sum(r.correct for r in s), k) for s in full])
    return out


def _truncated_paths(solved: Sequence[SampleResult]) -> list[str]:
    """The path ("pot", then "cot" in hybrid) of every generation cut by its budget."""
    out = []
    for r in solved:
        solve = r.solve
        assert solve is not None
        # raw generations run PoT first in hybrid; a lone generation is the mode it used
        paths = ["pot", "cot"] if len(solve.finish_reasons) == 2 else [solve.mode_used]
        out += [p for p, f in zip(paths, solve.finish_reasons, strict=False) if f == "length"]
    return out


def truncation_warnings(summary: dict[str, Any], threshold: float = 0.03) -> list[str]:
    """One line per benchmark whose generations were cut by their budget more than `threshold`."""
    lines = []
    for name, b in summary["benchmarks"].items():
        if b["samples"] and b["truncated"] / b["samples"] > threshold:
            lines.append(
                f"{name}: {b['truncated']} of {b['samples']} samples ended at the token budget "
                f"{b.get('max_tokens')} (by path: {b['truncated_by_path']}); their answers are likely "
                "missing. Raise --max-tokens (or the benchmark's budget)"
            )
    return lines


def _breakdown(rows: Sequence[SampleResult], key: str, config: EvalConfig) -> dict[str, Any]:
    by: dict[str, list[SampleResult]] = defaultdict(list)
    for r in rows:
        value = r.metadata.get(key)
        if value is not None:
            by[str(value)].append(r)
    return {
        k: {"n": s["n"], "accuracy": s["accuracy"]} for k, v in sorted(by.items()) for s in [stats(v, config)]
    }


def build_summary(
    rows: Sequence[SampleResult], config: EvalConfig, extra: dict[str, Any] | None = None
) -> dict[str, Any]:
    from mammoth_math import __version__
    from mammoth_math.prompts import prompt_hash

    benchmarks: dict[str, Any] = {}
    for name in config.benchmarks:
        bench_rows = [r for r in rows if r.benchmark == name]
        entry = {"mode": config.mode, "max_tokens": config.budgets(name), **stats(bench_rows, config)}
        for key in get_spec(name).breakdowns:
            entry[f"by_{key}"] = _breakdown(bench_rows, key, config)
        benchmarks[name] = entry
    accs = {k: v["accuracy"] for k, v in benchmarks.items() if v["accuracy"] is not None}
    overall = stats(rows, config)
    overall["macro_accuracy"] = _mean(list(accs.values()))
    # MAmmoTH's split, as each benchmark's spec declares it (a user benchmark says its own)
    for label, domain in (("in_domain", "in"), ("out_of_domain", "out")):
        names = [n for n in accs if get_spec(n).domain == domain]
        overall[f"{label}_average"] = _mean([accs[n] for n in names])
        overall[f"{label}_benchmarks"] = names
    params = config.params()
    summary: dict[str, Any] = {
        "model": config.model,
        "mode": config.mode,
        "prompt_style": config.prompt_style,
        "shots": config.shots,
        "samples": config.samples,
        "seed": config.seed,
        "temperature": params.temperature,
        "max_tokens": config.max_tokens,  # None: per benchmark and path (each benchmark's "max_tokens")
        "limit": config.limit,
        "shards": {"num_shards": config.num_shards, "shard_index": config.shard_index},
        "prompt_hash": prompt_hash(),
        "version": __version__,
        "benchmarks": benchmarks,
        "overall": overall,
        "created": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
    }
    summary.update(extra or {})
    wall = summary.get("wall_seconds")
    if wall:
        summary["tokens_per_second"] = round(overall["completion_tokens"] / wall, 2)
    return summary


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.1f}"


def table_rows(summary: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for name, s in [*summary["benchmarks"].items(), ("overall", summary["overall"])]:
        row = {
            "benchmark": name,
            "n": s["n"],
            "accuracy%": _pct(s["accuracy"]),
            "pot%": _pct(s["pot_share"]),
            "no_answer%": _pct(s["no_answer_rate"]),
            "fallbacks": sum(s["fallbacks"].values()),
            "errors": s["errors"],
            "truncated": s.get("truncated", 0),  # generations that ended at their budget (older runs: 0)
            "tokens": s["completion_tokens"],
        }
        for key in s:
            if key.startswith(("maj@", "pass@")):
                row[key] = _pct(s[key])
        rows.append(row)
    return rows


def format_table(summary: dict[str, Any]) -> str:
    rows = table_rows(summary)
    columns = list(dict.fromkeys(k for r in rows for k in r))
    o = summary["overall"]
    lines = [text_table(rows, columns)]
    lines.append(
        f"in-domain avg: {_pct(o['in_domain_average'])}  out-of-domain avg: {_pct(o['out_of_domain_average'])}"
        f"  (model {summary['model']}, mode {summary['mode']}, wall {summary.get('wall_seconds', '-')} s)"
    )
    return "\n".join(lines)
