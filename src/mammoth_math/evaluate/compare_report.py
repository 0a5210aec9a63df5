"""The compare page: one self-contained HTML file in report.html's style (inline CSS and SVG, no CDN):
the runs x benchmarks table with intervals, a grouped bar chart, and the paired differences."""

from __future__ import annotations

from html import escape
from typing import Any

from mammoth_math.evaluate.report import _CSS, bar_chart


def _pct(cell: dict[str, Any] | None, key: str = "accuracy") -> str:
    if not cell or cell.get(key) is None:
        return "<td>-</td>"
    lo, hi = cell["ci"]
    # a difference whose interval excludes 0 is marked: that is the reading the table is for
    mark = ""
    if key == "diff" and (lo > 0 or hi < 0):
        mark = ' class="ok"' if lo > 0 else ' class="bad"'
    return f"<td{mark}>{100 * cell[key]:.1f} <small>[{100 * lo:.1f}, {100 * hi:.1f}]</small></td>"


def _cell(entry: dict[str, Any], column: str) -> dict[str, Any] | None:
    return entry["benchmarks"][column] if column in entry["benchmarks"] else entry.get(column)


def _table(head: list[str], rows: list[str], table_id: str) -> str:
    th = "".join(f"<th>{escape(h)}</th>" for h in head)
    return f'<table id="{table_id}"><thead><tr>{th}</tr></thead><tbody>{"".join(rows)}</tbody></table>'


def _charts(runs: list[dict[str, Any]], columns: list[str]) -> list[str]:
    """Grouped bars (benchmarks x runs). Runs of several decoding modes get one chart per mode, the
    series then being the arms (or runs): 15 bars per group in 7 colours would not read."""

    def values(r: dict[str, Any]) -> dict[str, float]:
        return {c: v["accuracy"] for c in columns if (v := _cell(r, c)) and v.get("accuracy") is not None}

    modes = {str(r.get("decoding") or r.get("mode") or "") for r in runs}
    if len(modes) == 1:
        series = {r["label"]: values(r) for r in runs}
        return [bar_chart("Accuracy per benchmark and domain average", series, chart_id="chart-compare")]
    groups: dict[str, dict[str, dict[str, float]]] = {}
    for r in runs:
        group = groups.setdefault(str(r.get("decoding") or r.get("mode") or ""), {})
        name = str(r.get("arm") or r["label"])
        group[name if name not in group else r["label"]] = values(r)
    return [
        bar_chart(f"Accuracy, {mode} decoding", series, chart_id=f"chart-compare-{mode}")
        for mode, series in groups.items()
    ]


def render_compare(result: dict[str, Any]) -> str:
    from mammoth_math.evaluate.compare import pair_between

    columns = result["columns"]
    head = ["run", *(f"{c} ({result['domains'][c]})" if c in result["domains"] else c for c in columns)]
    runs = result["runs"]
    rows = [
        f"<tr><td>{escape(r['label'])}</td>{''.join(_pct(_cell(r, c)) for c in columns)}</tr>" for r in runs
    ]
    chart = "".join(_charts(runs, columns))
    base = result.get("baseline") or runs[0]["label"]
    diff_rows = []
    for r in runs:
        p = pair_between(result, r["label"], base) if r["label"] != base else None
        if p is not None:
            cells = "".join(_pct(_cell(p, c), "diff") for c in columns)
            diff_rows.append(f"<tr><td>{escape(r['label'])} − {escape(base)}</td>{cells}</tr>")
    all_rows = [
        f"<tr><td>{escape(p['a'])} − {escape(p['b'])}</td>{''.join(_pct(_cell(p, c), 'diff') for c in columns)}</tr>"
        for p in result["pairs"]
    ]
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>mammoth-math comparison</title>
<style>{_CSS}</style></head><body>
<h1>Comparison of {len(runs)} runs</h1>
<p>Accuracy in percent with 95% Wilson intervals; domain averages are macro averages of the benchmarks
of that domain (normal interval). Differences are paired over the problems both runs answered (95% Wald
interval for paired proportions; green/red: the interval excludes 0).</p>
{_table(head, rows, "compare-table")}
<div class="charts">{chart}</div>
<h2>Differences from {escape(base)}</h2>
{_table(head, diff_rows, "diff-table") if diff_rows else "<p>no other run shares problems with it</p>"}
<h2>Every pair</h2>
{_table(head, all_rows, "pairs-table") if all_rows else "<p>no pairs</p>"}
</body></html>
"""
