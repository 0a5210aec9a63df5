"""summary.json from samples, and report.html rendered by a real headless Chromium."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from mammoth_math.api import (
    AnswerType,
    ExecStatus,
    Execution,
    Judgement,
    SampleResult,
    SolveResult,
    from_dict,
    to_dict,
)
from mammoth_math.evaluate import EvalConfig, build_summary, format_table, write_report

CHROMIUM = "/usr/bin/chromium"


def _row(
    bench: str, i: int, correct: bool, mode_used: str = "pot", reason: str | None = None, **meta: object
) -> SampleResult:
    solve = SolveResult(
        question=f"q{i}",
        mode_used=mode_used,
        answer="7" if correct else "8",
        program="print(7)",
        execution=Execution(ExecStatus.OK if reason is None else ExecStatus.ERROR, "7", "7\n"),
        rationale="The answer is 7." if mode_used == "cot" else None,
        fallback_reason=reason,
        completion_tokens=10,
        prompt_tokens=20,
    )
    return SampleResult(
        bench,
        f"{bench}-{i}",
        0,
        "hybrid",
        "7",
        AnswerType.NUMBER,
        solve,
        Judgement(correct, solve.answer, "equal" if correct else "numeric_mismatch"),
        correct,
        metadata={"index": i, "question": f"<b>question {i}</b>", **meta},
    )


def _rows() -> list[SampleResult]:
    rows = [_row("gsm8k", i, i % 2 == 0) for i in range(4)]
    rows.append(_row("gsm8k", 4, True, "cot", "error"))
    rows += [
        _row("math", i, i < 2, "pot", None, subject="algebra" if i % 2 else "geometry", level=1 + i % 3)
        for i in range(4)
    ]
    rows.append(_row("svamp", 0, False, "cot", "no_answer"))
    # garbage: 100k characters and a lone surrogate from invalid UTF-8
    garbage = SolveResult("q", "cot", None, rationale="\udcff" + "x" * 100_000, fallback_reason="no_code")
    rows.append(
        SampleResult(
            "svamp",
            "svamp-1",
            0,
            "hybrid",
            "3",
            AnswerType.NUMBER,
            garbage,
            Judgement(False, None, "no_answer"),
            False,
            metadata={"index": 1},
        )
    )
    rows.append(
        SampleResult(
            "svamp",
            "svamp-2",
            0,
            "hybrid",
            "3",
            AnswerType.NUMBER,
            None,
            None,
            False,
            error="solve failed: RuntimeError: boom",
            metadata={"index": 2},
        )
    )
    return rows


def _summary() -> dict:
    config = EvalConfig(model="smollm2", benchmarks=("gsm8k", "math", "svamp"), mode="hybrid")
    return build_summary(_rows(), config, {"wall_seconds": 2.0})


def test_summary_numbers() -> None:
    s = _summary()
    g = s["benchmarks"]["gsm8k"]
    assert (g["n"], g["correct"], g["accuracy"]) == (5, 3, 0.6)
    assert g["pot_share"] == 0.8 and g["fallbacks"] == {"error": 1}
    m = s["benchmarks"]["math"]
    assert m["by_subject"]["geometry"] == {"n": 2, "accuracy": 0.5} and set(m["by_level"]) == {"1", "2", "3"}
    sv = s["benchmarks"]["svamp"]
    assert sv["errors"] == 1 and sv["no_answer_rate"] == pytest.approx(2 / 3)
    o = s["overall"]
    assert o["in_domain_benchmarks"] == ["gsm8k", "math"] and o["in_domain_average"] == pytest.approx(0.55)
    assert o["out_of_domain_benchmarks"] == ["svamp"] and o["out_of_domain_average"] == 0.0
    assert len(s["prompt_hash"]) == 64 and s["tokens_per_second"] == pytest.approx(
        o["completion_tokens"] / 2.0
    )
    text = format_table(s)
    assert "gsm8k" in text and "60.0" in text and "in-domain avg: 55.0" in text


def test_samples_roundtrip_through_json() -> None:
    for r in _rows():
        line = json.dumps(to_dict(r))
        assert from_dict(SampleResult, json.loads(line)) == r


def test_report_is_self_contained(tmp_path: Path) -> None:
    path = tmp_path / "report.html"
    write_report(path, _summary(), _rows())
    html = path.read_text(encoding="utf-8")
    assert "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "") and "https://" not in html
    assert "&lt;b&gt;question 1&lt;/b&gt;" in html  # model/question text is escaped
    assert "more characters" in html and len(html) < 200_000


@pytest.mark.slow
@pytest.mark.browser
def test_report_renders_in_headless_chromium(tmp_path: Path) -> None:
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        pytest.skip("Debian chromium is not installed at /usr/bin/chromium")
    path = tmp_path / "report.html"
    write_report(path, _summary(), _rows())
    proc = subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-dev-shm-usage",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--dump-dom",
            path.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    dom = proc.stdout
    assert proc.returncode == 0 and "<table" in dom, proc.stderr[-2000:]
    assert 'id="summary-table"' in dom and dom.count("<tr>") >= 5  # header + 3 benchmarks + overall
    for chart in (
        "chart-accuracy",
        "chart-mode",
        "chart-math-by_subject",
        "chart-math-by_level",
        "chart-fallbacks",
    ):
        assert f'id="{chart}"' in dom
    assert dom.count("<rect") >= 10 and dom.count("<details") == len(_rows())
    assert "in-domain average" in dom
