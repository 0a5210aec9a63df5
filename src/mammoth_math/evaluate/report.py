"""report.html: one self-contained page (inline CSS, inline SVG charts drawn here, no CDN): the summary
table, accuracy per benchmark and per mode, MATH by subject and level, fallback reasons, and every sample
with its program, output and verdict."""

from __future__ import annotations

import json
from collections.abc import Sequence
from html import escape
from pathlib import Path
from typing import Any

from mammoth_math.api import SampleResult
from mammoth_math.common.store import atomic_write_text
from mammoth_math.evaluate.summary import table_rows

_MAX_FIELD = 20_000  # a 100k-character generation is cut in the page (samples.jsonl keeps it whole)
_COLORS = ("#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1")

_CSS = """
body{font-family:system-ui,sans-serif;margin:2em auto;max-width:1100px;color:#222}
table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}
th{background:#f3f3f3}td:first-child{text-align:left}
.charts{display:flex;flex-wrap:wrap;gap:1.5em}figure{margin:0}figcaption{font-weight:600}
details{border-bottom:1px solid #eee;padding:4px 0}summary{cursor:pointer}
pre{background:#f7f7f7;padding:6px;white-space:pre-wrap;word-break:break-word;max-height:400px;overflow:auto}
.ok{color:#2a7d2a}.bad{color:#b22}
"""

_JS = """
function filt(){const q=document.getElementById('q').value.toLowerCase();
const v=document.getElementById('verdict').value;
for(const d of document.querySelectorAll('#samples details')){
const okv=v==='all'||d.dataset.verdict===v;const okq=!q||d.textContent.toLowerCase().includes(q);
d.style.display=okv&&okq?'':'none';}}
"""


def _cut(text: str | None) -> str:
    text = text or ""
    return (
        text
        if len(text) <= _MAX_FIELD
        else text[:_MAX_FIELD] + f"\n… ({len(text) - _MAX_FIELD} more characters)"
    )


def bar_chart(
    title: str, series: dict[str, dict[str, float]], *, percent: bool = True, chart_id: str = ""
) -> str:
    """Grouped horizontal bars: series name -> {label: value}. Values in [0, 1] when `percent`."""
    labels = list(dict.fromkeys(label for values in series.values() for label in values))
    if not labels:
        return ""
    names = list(series)
    top = max([v for values in series.values() for v in values.values()] + [1e-9])
    scale = 1.0 if percent else top
    bar_h, gap, left, width = 14, 8, 190, 300
    group_h = bar_h * len(names) + gap
    per_line = 3  # legend entries per line (180 px each), so many series wrap instead of running off
    legend_lines = -(-len(names) // per_line)
    height = group_h * len(labels) + 30 + 16 * (legend_lines - 1)
    parts = [
        f'<svg class="chart" id="{escape(chart_id)}" xmlns="http://www.w3.org/2000/svg" width="{left + width + 70}" '
        f'height="{height}" role="img" aria-label="{escape(title)}">'
    ]
    for gi, label in enumerate(labels):
        y0 = gi * group_h
        parts.append(
            f'<text x="{left - 6}" y="{y0 + group_h / 2}" text-anchor="end" font-size="12">{escape(label[:28])}</text>'
        )
        for si, name in enumerate(names):
            value = series[name].get(label)
            if value is None:
                continue
            w = max(0.0, value / scale) * width
            y = y0 + si * bar_h
            text = f"{100 * value:.1f}%" if percent else f"{value:g}"
            parts.append(
                f'<rect x="{left}" y="{y}" width="{w:.1f}" height="{bar_h - 2}" fill="{_COLORS[si % len(_COLORS)]}">'
                f"<title>{escape(name)} {escape(label)}: {text}</title></rect>"
            )
            parts.append(f'<text x="{left + w + 4:.1f}" y="{y + bar_h - 4}" font-size="11">{text}</text>')
    for si, name in enumerate(names):
        x = 10 + (si % per_line) * 180
        legend_y = height - 12 - 16 * (legend_lines - 1 - si // per_line)
        parts.append(
            f'<rect x="{x}" y="{legend_y - 9}" width="10" height="10" fill="{_COLORS[si % len(_COLORS)]}"/>'
            f'<text x="{x + 14}" y="{legend_y}" font-size="11">{escape(name)}</text>'
        )
    parts.append("</svg>")
    return f"<figure><figcaption>{escape(title)}</figcaption>{''.join(parts)}</figure>"


def _charts(summary: dict[str, Any]) -> list[str]:
    benches = summary["benchmarks"]
    charts = [
        bar_chart(
            "Accuracy per benchmark",
            {summary["mode"]: {k: v["accuracy"] for k, v in benches.items() if v["accuracy"] is not None}},
            chart_id="chart-accuracy",
        )
    ]
    by_mode: dict[str, dict[str, float]] = {}
    for name, b in benches.items():
        for mode, acc in b.get("accuracy_by_mode_used", {}).items():
            if acc is not None:
                by_mode.setdefault(f"answered by {mode}", {})[name] = acc
    charts.append(bar_chart("Accuracy per mode used", by_mode, chart_id="chart-mode"))
    for name, b in benches.items():
        for key, title in (("by_subject", "by subject"), ("by_level", "by level")):
            if b.get(key):
                charts.append(
                    bar_chart(
                        f"{name} {title}",
                        {name: {k: v["accuracy"] for k, v in b[key].items() if v["accuracy"] is not None}},
                        chart_id=f"chart-{name}-{key}",
                    )
                )
    reasons = {
        name: {k: float(v) for k, v in b["fallbacks"].items()}
        for name, b in benches.items()
        if b["fallbacks"]
    }
    if reasons:
        charts.append(
            bar_chart(
                "PoT fallback / failure reasons (count)", reasons, percent=False, chart_id="chart-fallbacks"
            )
        )
    return [c for c in charts if c]


def _sample_html(r: SampleResult) -> str:
    verdict = "error" if r.error else ("correct" if r.correct else "wrong")
    mark = {
        "correct": '<span class="ok">✔</span>',
        "wrong": '<span class="bad">✘</span>',
        "error": '<span class="bad">⚠</span>',
    }[verdict]
    s = r.solve
    answer = s.answer if s else None
    head = f"{mark} {escape(r.benchmark)} {escape(r.id)} #{r.sample} — answer {escape(str(answer))}, gold {escape(r.gold)}"
    body = [f"<p>{escape(_cut(str(r.metadata.get('question', ''))))}</p>"]
    if r.error:
        body.append(f"<p class='bad'>{escape(r.error)}</p>")
    if s:
        body.append(
            f"<p>mode used: {escape(s.mode_used)}; fallback: {escape(str(s.fallback_reason))}; "
            f"verdict: {escape(r.judgement.reason if r.judgement else '-')}</p>"
        )
        if s.program:
            body.append(f"<b>program</b><pre>{escape(_cut(s.program))}</pre>")
        if s.execution:
            e = s.execution
            out = e.stdout + (f"\n[{e.status.value}] {e.error or ''}\n{e.stderr}" if not e.ok else "")
            body.append(f"<b>output</b><pre>{escape(_cut(out))}</pre>")
        if s.rationale:
            body.append(f"<b>reasoning</b><pre>{escape(_cut(s.rationale))}</pre>")
    return f'<details data-verdict="{verdict}"><summary>{head}</summary>{"".join(body)}</details>'


def render_report(summary: dict[str, Any], rows: Sequence[SampleResult]) -> str:
    table = table_rows(summary)
    columns = list(dict.fromkeys(k for r in table for k in r))
    thead = "".join(f"<th>{escape(c)}</th>" for c in columns)
    tbody = "".join(
        "<tr>" + "".join(f"<td>{escape(str(r.get(c, '')))}</td>" for c in columns) + "</tr>" for r in table
    )
    o = summary["overall"]

    def pct(v: float | None) -> str:
        return "-" if v is None else f"{100 * v:.1f}%"

    meta = {
        k: summary.get(k)
        for k in (
            "model",
            "mode",
            "prompt_style",
            "shots",
            "samples",
            "seed",
            "temperature",
            "max_tokens",
            "prompt_hash",
            "version",
            "wall_seconds",
            "seconds_per_sample",
            "tokens_per_second",
        )
    }
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>mammoth-math evaluation: {escape(str(summary["model"]))}</title>
<style>{_CSS}</style><script>{_JS}</script></head><body>
<h1>Evaluation of {escape(str(summary["model"]))} ({escape(summary["mode"])})</h1>
<p>MAmmoTH in-domain average: <b>{pct(o["in_domain_average"])}</b> ({escape(", ".join(o["in_domain_benchmarks"]) or "none run")});
out-of-domain average: <b>{pct(o["out_of_domain_average"])}</b> ({escape(", ".join(o["out_of_domain_benchmarks"]) or "none run")}).</p>
<table id="summary-table"><thead><tr>{thead}</tr></thead><tbody>{tbody}</tbody></table>
<div class="charts">{"".join(_charts(summary))}</div>
<h2>Run</h2><pre>{escape(json.dumps(meta, indent=1))}</pre>
<h2>Samples ({len(rows)})</h2>
<p><input id="q" placeholder="search" oninput="filt()"> <select id="verdict" onchange="filt()">
<option value="all">all</option><option value="correct">correct</option><option value="wrong">wrong</option>
<option value="error">error</option></select></p>
<div id="samples">{"".join(_sample_html(r) for r in rows)}</div>
</body></html>
"""


def write_report(path: str | Path, summary: dict[str, Any], rows: Sequence[SampleResult]) -> None:
    atomic_write_text(path, render_report(summary, rows))
