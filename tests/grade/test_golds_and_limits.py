"""Every benchmark's golds are accepted against themselves and a reformatted answer; adversarial input
returns within the bound, from threads too; the CLI keeps input order and names bad lines."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from mammoth_math.api import AnswerType, Problem
from mammoth_math.benchmarks import load, names
from mammoth_math.grade import (
    equivalent,
    extract_answer,
    gold_acceptable,
    grade,
    judge_equal,
    undecided_count,
)
from mammoth_math.grade.judge import reformatted


@pytest.mark.slow
def test_every_benchmark_gold_is_accepted(data_dir: Path) -> None:
    report = {}
    for name in names():
        problems = load(name)
        bad = [p for p in problems if not gold_acceptable(p)]
        report[name] = (len(problems), len(bad))
        assert not bad, f"{name}: {len(bad)} golds rejected, e.g. {bad[0].gold!r} vs {reformatted(bad[0])!r}"
    assert report["math"][0] == 5000
    print({k: f"{n - b}/{n}" for k, (n, b) in report.items()})


def test_gold_acceptable_variants() -> None:
    p = Problem("x", "t", "q", "7425000", AnswerType.NUMBER)
    assert reformatted(p) == "The answer is 7,425,000." and gold_acceptable(p)
    c = Problem("y", "t", "q", "B", AnswerType.CHOICE, ("1", "2"))
    assert reformatted(c) == "The answer is 2" and gold_acceptable(c)


@pytest.mark.parametrize(
    ("gold", "pred"),
    [
        ("5", "10^{10^{10^{10}}}"),
        ("10^{10^{10^{10}}}", "10^{10^{10^{10}}}+1"),
        ("x", "\\frac{" * 3000 + "1"),  # unbalanced braces
        ("\\sqrt{2}", "\\sqrt{" + "x+" * 5000 + "1}"),  # 10k characters
        ("2", "((((((((((((((((((((((((((1"),
        ("x < 5", "x^{10^{10^{10}}} + x < 5"),  # a relation solved in the worker
        ("x < 5", "-x > -" + "9" * 3000),
        ("(1, 2)", "(a, b) = " * 400 + "(1, 3)"),  # labels nested without end
        ("5", "Answer: " * 2000 + "6"),
    ],
)
def test_adversarial_input_is_bounded(gold: str, pred: str) -> None:
    start = time.monotonic()
    correct, reason = judge_equal(gold, pred, "latex", timeout=1.0)
    assert time.monotonic() - start < 8  # the 1 s bound plus a worker restart on a loaded machine
    assert correct is False and reason in ("mismatch", "undecided_timeout")


@pytest.mark.parametrize(
    "response",
    ["Answer: " * 5000 + "6", "$" * 20000, "\\begin{pmatrix}\n" * 5000, "the answer is\n" * 5000 + "7",
     "A: 1\n" * 5000, "Final Answer: The " + "is " * 5000 + "5", "<|im_start|>" * 5000, "\\[" * 10000],
)  # fmt: skip
def test_adversarial_response_extraction_is_fast(response: str) -> None:
    start = time.monotonic()
    extract_answer(response, "latex")
    extract_answer(response, "number", finish_reason="length")
    assert time.monotonic() - start < 2  # linear work: milliseconds each on an idle core


def test_undecided_judgements_are_counted() -> None:
    before = undecided_count()
    assert judge_equal("10^{10^{10^{10}}}", "10^{10^{10^{10}}}+2", timeout=1.0) == (
        False,
        "undecided_timeout",
    )
    assert undecided_count() == before + 1
    assert judge_equal("\\sqrt{5+2\\sqrt{6}}", "\\sqrt{2}+\\sqrt{3}", timeout=1.0) == (True, "equal")
    assert undecided_count() == before + 1  # nested radicals are decided numerically, not timed out


def test_threads_get_verdicts() -> None:
    cases = [
        ("\\frac{\\sqrt{2}}{2}", "\\frac{1}{\\sqrt{2}}", True),
        ("x^2-1", "(x-1)(x+1)", True),
        ("3", "300", False),
        ("e^{16}", "exp(16)", True),
        ("5", "10^{10^{10^{10}}}", False),
    ] * 3
    results: list[tuple[bool, bool]] = []
    lock = threading.Lock()

    def work(g: str, p: str, want: bool) -> None:
        got = equivalent(g, p, "latex", timeout=1.5)
        with lock:
            results.append((got, want))

    threads = [threading.Thread(target=work, args=c) for c in cases]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert len(results) == len(cases) and all(got == want for got, want in results)


def test_numeric_fast_path_is_in_process() -> None:
    # numbers never touch the sympy worker: a thousand distinct judgements well under a second each
    start = time.monotonic()
    for i in range(1000):
        assert equivalent(str(i * 7), f"{i * 7:,}.0", "number")
    assert time.monotonic() - start < 5


def test_grade_problem_from_choice_text() -> None:
    p = Problem("z", "aqua", "q", "D", AnswerType.CHOICE, ("12", "28", "27", "58", "91"))
    assert grade(p, "Adding them gives 58. The answer is 58.").correct
    assert not grade(p, "Adding them gives 27. The answer is 27.").correct


def _cli(tmp_path: Path, rows: list[object]) -> subprocess.CompletedProcess[str]:
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join(r if isinstance(r, str) else json.dumps(r) for r in rows) + "\n")
    out = tmp_path / "out.jsonl"
    return subprocess.run(
        [sys.executable, "-m", "mammoth_math", "grade", str(src), "--output", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_cli(tmp_path: Path) -> None:
    rows = [
        {"id": "a", "gold": "18", "prediction": "$18.00"},
        {"id": "b", "gold": "\\frac{1}{2}", "response": "So $\\boxed{0.5}$."},
        {"id": "c", "gold": "B", "response": "The answer is 4", "choices": ["2", "4"]},
        {"id": "d", "gold": "5", "response": "either 5 or 6"},
        {"id": "e", "gold": "August", "prediction": "august", "answer_type": "text"},
    ]
    proc = _cli(tmp_path, rows)
    assert proc.returncode == 0, proc.stderr
    out = [json.loads(x) for x in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert [o["id"] for o in out] == ["a", "b", "c", "d", "e"]
    assert [o["correct"] for o in out] == [True, True, True, False, True]
    assert out[1]["extracted"] == "0.5" and out[3]["reason"] == "hedged"


def test_cli_bad_line_names_line(tmp_path: Path) -> None:
    proc = _cli(tmp_path, [{"id": "a", "gold": "1", "prediction": "1"}, "{not json", {"id": "c"}])
    assert proc.returncode == 2 and "in.jsonl:2" in proc.stderr
    proc = _cli(tmp_path, [{"id": "a", "gold": "1", "prediction": "1"}, {"id": "c", "gold": "2"}])
    assert proc.returncode == 2 and "in.jsonl:2" in proc.stderr and "prediction" in proc.stderr
