"""`eval compare`: MAmmoTH's ablation table for any set of finished runs.

Rows are runs (model x training data x decoding mode), columns the benchmarks and the in-/out-of-domain
averages (grouped by each benchmark's `domain`). Every accuracy has a 95% Wilson interval; between two
runs on the same problems the paired difference has a 95% interval and McNemar's exact p-value.

Why these: Wilson stays inside [0, 1] and is sane at 0/n or n/n, where a Wald interval collapses;
pairing uses that both runs answered the same problems, so the interval reflects only the problems on
which they disagree (far tighter than comparing two independent intervals). Everything is closed-form,
so compare.json is identical for identical samples (no resampling seed to carry around).
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mammoth_math.common.store import atomic_write_text, read_jsonl
from mammoth_math.common.text import text_table
from mammoth_math.evaluate.config import EvalError

Z95 = 1.959963984540054  # the 97.5% standard normal quantile
AVERAGES = (("in_domain", "in"), ("out_of_domain", "out"))  # (column, BenchmarkSpec.domain)


@dataclass
class Run:
    """One finished run: its label and, per benchmark, problem id -> correct (the headline verdict)."""

    label: str
    path: str
    info: dict[str, Any]
    verdicts: dict[str, dict[str, bool]] = field(default_factory=dict)
    domains: dict[str, str] = field(default_factory=dict)


def wilson(correct: int, n: int, z: float = Z95) -> tuple[float, float]:
    if n == 0:
        return (0.0, 1.0)
    p = correct / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return (max(0.0, centre - half), min(1.0, centre + half))


def mcnemar_exact(b: int, c: int) -> float:
    """Two-sided exact McNemar p-value: the discordant pairs split as Binomial(b + c, 1/2) under H0."""
    n = b + c
    if n == 0:
        return 1.0
    tail = sum(math.comb(n, i) for i in range(min(b, c) + 1)) / 2**n
    return min(1.0, 2 * tail)


def paired(a: dict[str, bool], b: dict[str, bool]) -> dict[str, Any] | None:
    """a - b on the problems both answered: mean difference, 95% Wald interval for paired proportions
    (se = sqrt((n10 + n01) - (n10 - n01)^2 / n) / n, Agresti's formula), McNemar's exact p."""
    common = sorted(set(a) & set(b))
    n = len(common)
    if n == 0:
        return None
    n10 = sum(1 for k in common if a[k] and not b[k])  # a right, b wrong
    n01 = sum(1 for k in common if b[k] and not a[k])
    diff = (n10 - n01) / n
    se = math.sqrt(max(0.0, (n10 + n01) - (n10 - n01) ** 2 / n)) / n
    return {
        "n": n,
        "diff": round(diff, 6),
        "se": round(se, 6),
        "ci": [round(diff - Z95 * se, 6), round(diff + Z95 * se, 6)],
        "a_only": n10,
        "b_only": n01,
        "p_mcnemar": round(mcnemar_exact(n10, n01), 6),
    }


def _domain(name: str, seen: str | None) -> str:
    if seen:
        return seen
    try:
        from mammoth_math.benchmarks import get_spec

        return get_spec(name).domain
    except Exception:  # a user benchmark that is not registered here: not part of either average
        return "user"


def _verdict(row: dict[str, Any], vote: bool) -> bool:
    if vote:
        return bool((row.get("metadata") or {}).get("vote", {}).get("correct", False))
    return bool(row.get("correct"))


def load_run(path: str | Path, label: str | None = None) -> Run:
    """A run folder (summary.json + samples.jsonl, or samples.jsonl.gz as an experiment's results folder
    keeps it); the headline verdict is sample 0, or maj@N in vote mode."""
    path = Path(path)
    summary_path, plain = path / "summary.json", path / "samples.jsonl"
    samples = next((p for p in (plain, plain.with_name(plain.name + ".gz")) if p.is_file()), None)
    if not summary_path.is_file() or samples is None:
        missing = plain if summary_path.is_file() else summary_path
        raise EvalError(f"eval compare: {missing} not found (did that run finish?)")
    try:
        summary = json.loads(summary_path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as e:
        raise EvalError(f"eval compare: {summary_path}: not valid JSON ({e.msg})") from None
    info = {k: summary.get(k) for k in ("model", "mode", "prompt_style", "shots", "samples", "limit")}
    run = Run(label or f"{summary.get('model')} / {summary.get('mode')}", str(path), info)
    vote = summary.get("mode") == "vote" and int(summary.get("samples") or 1) > 1
    for lineno, row in enumerate(read_jsonl(samples), 1):
        if not isinstance(row, dict) or not {"benchmark", "id", "sample"} <= set(row):
            raise EvalError(f"eval compare: {samples}:{lineno}: not a sample record")
        if int(row["sample"]) != 0:
            continue
        bench = str(row["benchmark"])
        run.verdicts.setdefault(bench, {})[str(row["id"])] = _verdict(row, vote)
        run.domains.setdefault(bench, _domain(bench, (row.get("metadata") or {}).get("domain")))
    return run


def _cell(verdicts: dict[str, bool]) -> dict[str, Any]:
    n = len(verdicts)
    k = sum(verdicts.values())
    lo, hi = wilson(k, n)
    return {
        "n": n,
        "correct": k,
        "accuracy": round(k / n, 6) if n else None,
        "ci": [round(lo, 6), round(hi, 6)],
    }


def _average(cells: list[dict[str, Any]]) -> dict[str, Any] | None:
    """Macro average of benchmark accuracies; its se combines the benchmarks' binomial variances."""
    cells = [c for c in cells if c["n"]]
    if not cells:
        return None
    if len(cells) == 1:  # the average of one benchmark is that benchmark, Wilson interval included
        return {k: cells[0][k] for k in ("n", "accuracy", "ci")}
    k = len(cells)
    mean = sum(c["accuracy"] for c in cells) / k
    se = math.sqrt(sum(c["accuracy"] * (1 - c["accuracy"]) / c["n"] for c in cells)) / k
    return {
        "n": sum(c["n"] for c in cells),
        "accuracy": round(mean, 6),
        "ci": [round(max(0.0, mean - Z95 * se), 6), round(min(1.0, mean + Z95 * se), 6)],
    }


def _paired_average(parts: list[dict[str, Any]]) -> dict[str, Any] | None:
    if not parts:
        return None
    k = len(parts)
    diff = sum(p["diff"] for p in parts) / k
    se = math.sqrt(sum(p["se"] ** 2 for p in parts)) / k
    return {"n": sum(p["n"] for p in parts), "diff": round(diff, 6), "se": round(se, 6),
            "ci": [round(diff - Z95 * se, 6), round(diff + Z95 * se, 6)]}  # fmt: skip


def compare(runs: Sequence[Run]) -> dict[str, Any]:
    """compare.json's content: runs x columns, and every pair of runs sharing problems."""
    if not runs:
        raise EvalError("eval compare: name at least one run folder")
    labels = [r.label for r in runs]
    if len(set(labels)) != len(labels):
        raise EvalError(f"eval compare: two runs share a label ({labels}); name them LABEL=DIR")
    domains: dict[str, str] = {}
    for r in runs:
        domains.update(r.domains)
    benchmarks = sorted(domains, key=lambda b: ({"in": 0, "out": 1}.get(domains[b], 2), b))
    table = []
    for r in runs:
        cells = {b: _cell(r.verdicts[b]) for b in benchmarks if b in r.verdicts}
        row: dict[str, Any] = {"label": r.label, "path": r.path, **r.info, "benchmarks": cells}
        for column, domain in AVERAGES:
            row[column] = _average([c for b, c in cells.items() if domains[b] == domain])
        table.append(row)
    pairs = []
    for i, a in enumerate(runs):
        for b in runs[i + 1 :]:
            per = {x: p for x in benchmarks if (p := paired(a.verdicts.get(x, {}), b.verdicts.get(x, {})))}
            if not per:
                continue
            entry: dict[str, Any] = {"a": a.label, "b": b.label, "benchmarks": per}
            for column, domain in AVERAGES:
                entry[column] = _paired_average([p for x, p in per.items() if domains[x] == domain])
            pairs.append(entry)
    columns = [*benchmarks, *(c for c, _ in AVERAGES)]
    return {"benchmarks": benchmarks, "domains": domains, "columns": columns, "runs": table, "pairs": pairs}


def _value(row: dict[str, Any], column: str) -> dict[str, Any] | None:
    return row["benchmarks"].get(column) if column in row["benchmarks"] else row.get(column)


def _pct(cell: dict[str, Any] | None, key: str = "accuracy") -> str:
    if not cell or cell.get(key) is None:
        return "-"
    lo, hi = cell["ci"]
    return f"{100 * cell[key]:.1f} [{100 * lo:.1f},{100 * hi:.1f}]"


def pair_between(result: dict[str, Any], a: str, b: str) -> dict[str, Any] | None:
    """The paired entry for a - b (flipped when compare stored it as b - a)."""
    for p in result["pairs"]:
        if (p["a"], p["b"]) == (a, b):
            return p
        if (p["a"], p["b"]) == (b, a):
            return _flip(p)
    return None


def _flip(p: dict[str, Any]) -> dict[str, Any]:
    def neg(x: dict[str, Any] | None) -> dict[str, Any] | None:
        if x is None:
            return None
        # 0.0 - v, not -v: a zero difference stays 0.0 rather than printing as -0.0
        out = {**x, "diff": 0.0 - x["diff"], "ci": [0.0 - x["ci"][1], 0.0 - x["ci"][0]]}
        if "a_only" in x:
            out["a_only"], out["b_only"] = x["b_only"], x["a_only"]
        return out

    flipped = {k: neg(v) for k, v in p.items() if k in ("in_domain", "out_of_domain")}
    return {
        "a": p["b"],
        "b": p["a"],
        "benchmarks": {k: neg(v) for k, v in p["benchmarks"].items()},
        **flipped,
    }


def format_compare(result: dict[str, Any], baseline: str | None = None) -> str:
    """The terminal table: accuracy [95% CI] per column, then differences from the baseline run."""
    columns = result["columns"]
    rows = [{"run": r["label"], **{c: _pct(_value(r, c)) for c in columns}} for r in result["runs"]]
    lines = [text_table(rows, ["run", *columns])]
    base = baseline or result["runs"][0]["label"]
    diffs = []
    for r in result["runs"]:
        p = pair_between(result, r["label"], base) if r["label"] != base else None
        if p is None:
            continue
        cells = {
            c: _pct(p["benchmarks"].get(c) if c in p["benchmarks"] else p.get(c), "diff") for c in columns
        }
        diffs.append({"run": f"{r['label']} - {base}", **cells})
    if diffs:
        lines += ["", "paired differences (points, 95% CI; problems both runs answered):"]
        lines.append(text_table(diffs, ["run", *columns]))
    return "\n".join(lines)


def parse_run_arg(arg: str) -> tuple[str | None, str]:
    """`DIR` or `LABEL=DIR`."""
    label, sep, path = arg.partition("=")
    return (label, path) if sep and label and not Path(arg).exists() else (None, arg)


def compare_runs(
    dirs: Sequence[str | Path | tuple[str | None, str | Path]],
    output: str | Path,
    *,
    baseline: str | None = None,
    meta: dict[str, dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """Write OUT/compare.json, OUT/compare.txt and OUT/report.html; returns the comparison.
    `meta` adds fields per label (an experiment's arm, training data) to the rows."""
    from mammoth_math.evaluate.compare_report import render_compare

    runs = []
    for item in dirs:
        label, path = item if isinstance(item, tuple) else parse_run_arg(str(item))
        run = load_run(path, label)
        run.info.update((meta or {}).get(run.label, {}))
        runs.append(run)
    result = compare(runs)
    if baseline is not None and baseline not in [r.label for r in runs]:
        raise EvalError(f"eval compare: --baseline {baseline!r} is not one of the runs' labels")
    result["baseline"] = baseline or runs[0].label
    out = Path(output)
    atomic_write_text(out / "compare.json", json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    atomic_write_text(out / "compare.txt", format_compare(result, baseline) + "\n")
    atomic_write_text(out / "report.html", render_compare(result))
    return result
