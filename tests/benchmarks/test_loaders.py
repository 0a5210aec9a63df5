from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from mammoth_math.api import AnswerType, Problem, from_dict, to_dict
from mammoth_math.benchmarks import DataError, load, load_benchmark, load_spec, load_user_spec, names
from mammoth_math.benchmarks.mathematics import normalize_gold
from mammoth_math.benchmarks.simuleq import FIRST_ONLY
from mammoth_math.common.latex import last_boxed

EXPECTED_SIZES = {
    "gsm8k": 1319,
    "math": 5000,
    "math500": 500,
    "aqua": 254,
    "svamp": 1000,
    "numglue": 1042,
    "mathematics": 1000,
    "simuleq": 514,
    "sat": 220,
    "mmlu_math": 974,
}


def test_every_benchmark_is_registered() -> None:
    assert set(EXPECTED_SIZES) <= set(names())


@pytest.mark.parametrize("name", sorted(EXPECTED_SIZES))
def test_loads_exact_row_count_from_shared(name: str, data_dir: Path) -> None:
    loaded = load_benchmark(name, data_dir)
    assert loaded.source.kind == "data_dir"
    assert len(loaded.problems) == EXPECTED_SIZES[name]
    assert not loaded.skipped
    assert len({p.id for p in loaded.problems}) == len(loaded.problems)
    for p in loaded.problems:
        assert p.question and p.gold
        if p.answer_type == AnswerType.CHOICE:
            assert p.gold in "ABCDE"[: len(p.choices)]


def test_gsm8k_gold_after_hashes(data_dir: Path) -> None:
    first = load("gsm8k", data_dir, limit=3)
    assert [p.gold for p in first] == [
        "18",
        "3",
        "70000",
    ]  # "70,000" in the file would be unparsed by naive code
    assert first[0].question.startswith("Janet")


def test_math_gold_is_last_boxed_with_nested_braces(data_dir: Path) -> None:
    problems = {p.id: p for p in load("math", data_dir)}
    assert problems["math-algebra/1"].gold == "2"
    nested = [p for p in problems.values() if "\\frac" in p.gold]
    assert nested and all(p.gold.count("{") == p.gold.count("}") for p in nested)
    assert {p.metadata["subject"] for p in problems.values()} == {
        "algebra",
        "counting_and_probability",
        "geometry",
        "intermediate_algebra",
        "number_theory",
        "prealgebra",
        "precalculus",
    }
    assert {p.metadata["level"] for p in problems.values()} <= {1, 2, 3, 4, 5, None}


@pytest.mark.parametrize(
    ("solution", "gold"),
    [
        ("so $\\boxed{\\frac{1}{2}}$.", "\\frac{1}{2}"),
        ("first \\boxed{1} then \\boxed{\\{1,2\\}}", "\\{1,2\\}"),
        ("\\fbox{$x^{2}$}", "$x^{2}$"),
        ("answer \\boxed 5", "5"),
        ("no box here", None),
        ("\\boxed{unclosed", None),
    ],
)
def test_last_boxed(solution: str, gold: str | None) -> None:
    assert last_boxed(solution) == gold


def test_math500_matches_math_boxed(data_dir: Path) -> None:
    problems = load("math500", data_dir)
    agree = sum(last_boxed(p.metadata["solution"]) == p.gold for p in problems)
    assert agree >= 480  # MATH-500 answers were cleaned; almost all equal the boxed text


def test_aqua_options_keep_parentheses(data_dir: Path) -> None:
    first = load("aqua", data_dir, limit=1)[0]
    assert first.choices[0] == "5(√3 + 1)"
    assert first.choices[1] == "6(√3 + √2)"
    assert len(first.choices) == 5


def test_mmlu_index_becomes_letter(data_dir: Path) -> None:
    first = load("mmlu_math", data_dir, limit=1)[0]
    assert first.gold == "C" and first.choices[2] == "p = 12"


def test_sat_choices_split_from_question(data_dir: Path) -> None:
    first = load("sat", data_dir, limit=1)[0]
    assert first.choices == ("2", "4", "9", "10") and first.gold == "D"
    assert "Answer Choices" not in first.question


def test_svamp_question_joins_body_and_question(data_dir: Path) -> None:
    first = load("svamp", data_dir, limit=1)[0]
    assert first.question.endswith("How much do you have to pay to buy each pack?")
    assert first.gold == "51"


def test_numglue_answer_kinds(data_dir: Path) -> None:
    problems = load("numglue", data_dir)
    kinds = {t: [p for p in problems if p.answer_type == t] for t in AnswerType}
    assert {p.gold for p in kinds[AnswerType.TEXT]} == {"August", "Friday", "October"}
    assert kinds[AnswerType.CHOICE] and all(len(p.choices) == 2 for p in kinds[AnswerType.CHOICE])
    assert any(p.gold == "4.17" for p in kinds[AnswerType.NUMBER])


@pytest.mark.parametrize(
    ("raw", "gold", "answer_type"),
    [
        ("7.0", "7", AnswerType.NUMBER),
        ("-3.0", "-3", AnswerType.NUMBER),
        ("0.25", "0.25", AnswerType.NUMBER),
        ("[2, 3]", "2, 3", AnswerType.LATEX),
        ("[21]", "21", AnswerType.NUMBER),
        ("12 3 0", "(12, 3, 0)", AnswerType.LATEX),
        ("-2 3 5", "(-2, 3, 5)", AnswerType.LATEX),
        ("-20*x", "-20*x", AnswerType.LATEX),
    ],
)
def test_deepmind_gold_normalisation(raw: str, gold: str, answer_type: AnswerType) -> None:
    assert normalize_gold(raw) == (gold, answer_type)


def test_deepmind_defect_counts(data_dir: Path) -> None:
    problems = load("mathematics", data_dir)
    assert sum(p.metadata["original_gold"].endswith(".0") for p in problems) == 97
    assert not any(p.gold.endswith(".0") for p in problems)
    assert not any("[" in p.gold for p in problems)


def test_simuleq_two_unknowns_ask_for_first(data_dir: Path) -> None:
    problems = load("simuleq", data_dir)
    multi = [p for p in problems if p.metadata["multi_unknown"]]
    assert 200 <= len(multi) <= 300
    assert problems[0].metadata["multi_unknown"] and problems[0].question.endswith(FIRST_ONLY)
    single = [p for p in problems if not p.metadata["multi_unknown"]]
    assert single and all(FIRST_ONLY not in p.question for p in single)


def test_problem_round_trips_through_json(data_dir: Path) -> None:
    p = load("aqua", data_dir, limit=1)[0]
    back = from_dict(Problem, json.loads(json.dumps(to_dict(p))))
    assert back == p and back.choices == p.choices and back.answer_type is AnswerType.CHOICE


# --- bad input --------------------------------------------------------------------------------


def _user_spec(tmp_path: Path, rows: bytes, **extra: str) -> Path:
    (tmp_path / "data.jsonl").write_bytes(rows)
    spec = {"name": "mine", "path": "data.jsonl", **extra}
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(spec))
    return path


def test_user_benchmark_loads(tmp_path: Path) -> None:
    rows = b'{"q": "1+1?", "a": "2"}\n{"q": "pick", "a": "B", "opts": ["x", "y"]}\n'
    spec = load_user_spec(_user_spec(tmp_path, rows, question_field="q", answer_field="a"))
    problems = load_spec(spec).problems
    assert [(p.gold, p.answer_type) for p in problems] == [("2", AnswerType.NUMBER), ("B", AnswerType.LATEX)]


@pytest.mark.parametrize(
    ("rows", "needle"),
    [
        (
            b'{"question": "a", "answer": "1"}\n{"question": "b", "answer": \n',
            "data.jsonl:line 2: invalid JSON",
        ),
        (
            b'{"question": "a", "answer": "1"}\n{"answer": "2"}\n',
            "data.jsonl:line 2: field 'question': missing",
        ),
        (
            b'{"question": ["a"], "answer": "1"}\n{"question": "b", "answer": "2"}\n',
            "data.jsonl:line 1: field 'question': expected str",
        ),
        (
            b'{"question": "a", "answer": "1"}\n{"question": "\xff\xfe", "answer": "2"}\n',
            "line 2: not valid UTF-8",
        ),
    ],
)
def test_bad_rows_name_file_line_field(tmp_path: Path, rows: bytes, needle: str) -> None:
    spec = load_user_spec(_user_spec(tmp_path, rows))
    with pytest.raises(DataError) as err:
        load_spec(spec)
    assert needle in str(err.value)
    loaded = load_spec(spec, skip_invalid=True)
    assert len(loaded.problems) == 1 and len(loaded.skipped) == 1 and needle in loaded.skipped[0]


def test_bad_spec_names_field(tmp_path: Path) -> None:
    path = tmp_path / "spec.json"
    path.write_text(json.dumps({"name": "x", "path": "d.jsonl", "answer_type": "nope"}))
    with pytest.raises(DataError, match="answer_type"):
        load_user_spec(path)


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mammoth_math", *args], capture_output=True, text=True, check=False
    )


def test_cli_list_json(data_dir: Path) -> None:
    out = _cli("benchmarks", "list", "--json", "--check-golds", "--data-dir", str(data_dir))
    assert out.returncode == 0, out.stderr
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    by_name = {r["name"]: r for r in rows}
    for name, size in EXPECTED_SIZES.items():
        assert by_name[name]["size"] == size
        assert by_name[name]["gold_acceptable"] == size  # every gold can be matched by some answer
        assert by_name[name]["answer_type"] in {t.value for t in AnswerType}


def test_cli_show_and_errors(data_dir: Path, tmp_path: Path) -> None:
    out = _cli("benchmarks", "show", "aqua", "--limit", "2", "--json", "--data-dir", str(data_dir))
    assert out.returncode == 0 and len(out.stdout.splitlines()) == 2
    bad = _cli("benchmarks", "show", "nope")
    assert bad.returncode == 2 and "unknown benchmark 'nope'" in bad.stderr
    spec = _user_spec(tmp_path, b'{"question": "a"}\n')
    broken = _cli("benchmarks", "show", str(spec))
    assert broken.returncode == 2 and "line 1: field 'answer': missing" in broken.stderr
