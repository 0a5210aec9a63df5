"""`eval compare`: intervals and paired differences against values computed by hand on fixed runs.

Runs (problem index -> correct):
  a: gsm8k 0-6 of 10 right (7/10), numglue 0,1 of 4 (2/4), svamp 0-3 of 10 (4/10)
  b: gsm8k 0-3 and 7 (5/10),       numglue 0 (1/4),        svamp 0-3 (4/10)
"""

from __future__ import annotations

import gzip
import json
import math
from pathlib import Path

import pytest

from mammoth_math.evaluate import EvalError, compare_runs
from mammoth_math.evaluate.compare import mcnemar_exact, pair_between, paired, wilson

Z = 1.959963984540054


def _write_run(
    root: Path, name: str, right: dict[str, tuple[int, set[int]]], mode: str = "pot", vote: bool = False
) -> Path:
    d = root / name
    d.mkdir()
    domains = {"gsm8k": "in", "numglue": "in", "svamp": "out"}
    lines = []
    for bench, (n, ok) in right.items():
        for i in range(n):
            correct = i in ok
            meta = {"domain": domains[bench]}
            if vote:
                meta["vote"] = {"correct": correct}
            for sample in (0, 1):  # sample 1 is the opposite verdict: compare must read sample 0 only
                row = {"benchmark": bench, "id": f"{bench}-{i}", "sample": sample, "mode": mode, "gold": "1",
                       "answer_type": "number", "solve": None, "judgement": None,
                       "correct": (not vote and correct) if sample == 0 else not correct, "metadata": meta}  # fmt: skip
                lines.append(json.dumps(row))
    (d / "samples.jsonl").write_text("\n".join(lines) + "\n")
    summary = {"model": f"m-{name}", "mode": "vote" if vote else mode, "samples": 2, "prompt_style": "alpaca"}
    (d / "summary.json").write_text(json.dumps(summary))
    return d


A = {"gsm8k": (10, set(range(7))), "numglue": (4, {0, 1}), "svamp": (10, set(range(4)))}
B = {"gsm8k": (10, {0, 1, 2, 3, 7}), "numglue": (4, {0}), "svamp": (10, set(range(4)))}


@pytest.fixture
def result(tmp_path: Path) -> dict:
    a, b = _write_run(tmp_path, "a", A), _write_run(tmp_path, "b", B)
    return compare_runs([f"a={a}", f"b={b}"], tmp_path / "out")


@pytest.mark.parametrize(
    ("k", "n", "lo", "hi"),
    [
        (
            7,
            10,
            0.396778,
            0.892209,
        ),  # centre 0.89207 / 1.38415 = 0.64449, half 0.24772 (0.3968, 0.8922 in tables)
        (0, 10, 0.0, 0.277533),  # z²/(n+z²) = 3.84146/13.84146
        (10, 10, 0.722467, 1.0),
        (1, 2, 0.094531, 0.905469),
        (0, 0, 0.0, 1.0),
    ],
)
def test_wilson_interval(k: int, n: int, lo: float, hi: float) -> None:
    got = wilson(k, n)
    assert got[0] == pytest.approx(lo, abs=1e-6) and got[1] == pytest.approx(hi, abs=1e-6)


@pytest.mark.parametrize(
    ("b", "c", "p"),
    [(3, 1, 10 / 16), (0, 6, 2 / 64), (2, 2, 1.0), (0, 0, 1.0), (1, 9, 2 * 11 / 1024)],
)
def test_mcnemar_exact(b: int, c: int, p: float) -> None:
    assert mcnemar_exact(b, c) == pytest.approx(p)


def test_paired_difference_by_hand() -> None:
    a = {str(i): i < 7 for i in range(10)}
    b = {str(i): i in {0, 1, 2, 3, 7} for i in range(10)}
    got = paired(a, b)
    assert got is not None
    # n10 = 3 (4, 5, 6), n01 = 1 (7): diff 0.2, se = sqrt(4 - 0.4) / 10
    se = math.sqrt(3.6) / 10
    assert (got["a_only"], got["b_only"], got["n"]) == (3, 1, 10)
    assert got["diff"] == pytest.approx(0.2) and got["se"] == pytest.approx(se, abs=1e-6)
    assert got["ci"] == pytest.approx([0.2 - Z * se, 0.2 + Z * se], abs=1e-6)
    assert got["ci"] == pytest.approx([-0.171877, 0.571877], abs=1e-6)
    assert got["p_mcnemar"] == pytest.approx(0.625)
    # only problems both runs answered are paired
    short = paired(a, {k: v for k, v in b.items() if int(k) < 5})
    assert short is not None and short["n"] == 5 and short["diff"] == 0.2 and short["b_only"] == 0


def test_table_cells_and_domain_averages(result: dict) -> None:
    assert result["benchmarks"] == ["gsm8k", "numglue", "svamp"]  # in-domain first
    assert result["columns"][-2:] == ["in_domain", "out_of_domain"]
    a, b = result["runs"]
    assert a["label"] == "a" and a["model"] == "m-a" and a["prompt_style"] == "alpaca"
    g = a["benchmarks"]["gsm8k"]
    assert (g["n"], g["correct"], g["accuracy"]) == (10, 7, 0.7)  # sample 1 (all flipped) ignored
    assert g["ci"] == pytest.approx([0.396778, 0.892209], abs=1e-6)
    # in-domain: mean(0.7, 0.5) = 0.6, se = sqrt(0.21/10 + 0.25/4) / 2 = 0.144482
    se = math.sqrt(0.021 + 0.0625) / 2
    assert a["in_domain"]["accuracy"] == pytest.approx(0.6)
    assert a["in_domain"]["ci"] == pytest.approx([0.6 - Z * se, 0.6 + Z * se], abs=1e-6)
    assert a["out_of_domain"]["accuracy"] == pytest.approx(0.4) and b["in_domain"][
        "accuracy"
    ] == pytest.approx(0.375)


def test_pairs_and_paired_averages(result: dict) -> None:
    (pair,) = result["pairs"]
    assert (pair["a"], pair["b"]) == ("a", "b")
    assert pair["benchmarks"]["numglue"]["diff"] == 0.25
    assert pair["benchmarks"]["numglue"]["se"] == pytest.approx(math.sqrt(0.75) / 4, abs=1e-6)
    assert pair["benchmarks"]["svamp"]["ci"] == [0.0, 0.0] and pair["benchmarks"]["svamp"]["p_mcnemar"] == 1.0
    # in-domain paired average: (0.2 + 0.25) / 2, se = sqrt(0.036 + 0.046875) / 2
    se = math.sqrt(0.036 + 0.046875) / 2
    assert pair["in_domain"]["diff"] == pytest.approx(0.225)
    assert pair["in_domain"]["ci"] == pytest.approx([0.225 - Z * se, 0.225 + Z * se], abs=1e-5)
    flipped = pair_between(result, "b", "a")
    assert flipped is not None and flipped["benchmarks"]["gsm8k"]["diff"] == -0.2
    assert flipped["benchmarks"]["gsm8k"]["ci"] == pytest.approx([-0.571877, 0.171877], abs=1e-6)
    assert (flipped["benchmarks"]["gsm8k"]["a_only"], flipped["benchmarks"]["gsm8k"]["b_only"]) == (1, 3)


def test_files_written_and_deterministic(tmp_path: Path, result: dict) -> None:
    out = tmp_path / "out"
    first = (out / "compare.json").read_bytes()
    compare_runs([f"a={tmp_path / 'a'}", f"b={tmp_path / 'b'}"], out)
    assert (out / "compare.json").read_bytes() == first
    html = (out / "report.html").read_text()
    assert 'id="chart-compare"' in html and 'id="compare-table"' in html and "<svg" in html
    assert "70.0 <small>[39.7, 89.2]</small>" in html
    text = (out / "compare.txt").read_text()
    assert "70.0 [39.7,89.2]" in text and "b - a" in text and "-20.0 [-57.2,17.2]" in text


def test_vote_runs_use_the_majority_verdict(tmp_path: Path) -> None:
    v = _write_run(tmp_path, "v", A, vote=True)
    res = compare_runs([v], tmp_path / "out")
    assert res["runs"][0]["label"] == "m-v / vote"
    assert res["runs"][0]["benchmarks"]["gsm8k"]["correct"] == 7


def test_cli_and_errors(tmp_path: Path, capsys) -> None:
    from mammoth_math.cli import main

    a, b = _write_run(tmp_path, "a", A), _write_run(tmp_path, "b", B)
    assert (
        main(["eval", "compare", str(a), str(b), "--output", str(tmp_path / "o"), "--baseline", "m-b / pot"])
        == 0
    )
    out = capsys.readouterr().out
    assert "m-a / pot - m-b / pot" in out and "20.0 [-17.2,57.2]" in out
    assert main(["eval", "compare", str(a), "--output", str(tmp_path / "o2"), "--baseline", "zzz"]) == 2
    assert "--baseline 'zzz'" in capsys.readouterr().err
    with pytest.raises(EvalError, match="share a label"):
        compare_runs([a, a], tmp_path / "o3")
    with pytest.raises(EvalError, match=r"missing.*summary\.json not found"):
        compare_runs([tmp_path / "missing"], tmp_path / "o4")


def test_a_results_folders_gzipped_samples_compare_as_the_plain_file(tmp_path: Path) -> None:
    """An experiment's results folder keeps samples.jsonl.gz only; compare reads it as the plain file."""
    a, b = _write_run(tmp_path, "a", A), _write_run(tmp_path, "b", B)
    plain = compare_runs([f"a={a}", f"b={b}"], tmp_path / "plain")
    with (b / "samples.jsonl").open("rb") as f, gzip.open(b / "samples.jsonl.gz", "wb") as g:
        g.write(f.read())
    (b / "samples.jsonl").unlink()
    packed = compare_runs([f"a={a}", f"b={b}"], tmp_path / "packed")
    assert (
        packed["runs"][1]["benchmarks"] == plain["runs"][1]["benchmarks"]
        and packed["pairs"] == plain["pairs"]
    )
    (b / "samples.jsonl.gz").unlink()
    with pytest.raises(EvalError, match=r"b/samples\.jsonl not found"):
        compare_runs([f"a={a}", f"b={b}"], tmp_path / "none")


def test_report_draws_one_chart_per_decoding_mode(tmp_path: Path) -> None:
    a, b = _write_run(tmp_path, "a", A, mode="cot"), _write_run(tmp_path, "b", B, mode="pot")
    c = _write_run(tmp_path, "c", B, mode="cot")
    compare_runs([f"x={a}", f"y={b}", f"z={c}"], tmp_path / "out")
    html = (tmp_path / "out" / "report.html").read_text()
    assert 'id="chart-compare-cot"' in html and 'id="chart-compare-pot"' in html
    assert 'id="chart-compare"' not in html
