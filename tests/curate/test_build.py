"""End to end from the real shared sources: sources -> verify -> dedup -> decontaminate -> mix -> card."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from mammoth_math.api import TrainingExample, from_dict
from mammoth_math.curate import RecipeError, audit, benchmark_index, build, load_recipe, parse_recipe

GSM_TEST_Q = (
    "Janet’s ducks lay 16 eggs per day. She eats three for breakfast every morning and bakes muffins for "
    "her friends every day with four. She sells the remainder at the farmers' market daily for $2 per fresh "
    "duck egg. How much in dollars does she make every day at the farmers' market?"
)
REWORDED = (
    "Janet's hens lay 16 eggs per day. She eats three for breakfast each morning and bakes muffins for "
    "her friends every day with four. She sells the rest at the farmers' market daily for $2 per fresh "
    "duck egg. How many dollars does she make every day at the farmers' market?"
)


@pytest.fixture(scope="module")
def index(data_dir: Path):
    idx, _ = benchmark_index(None, data_dir)
    return idx


@pytest.fixture(scope="module")
def built(tmp_path_factory, data_dir: Path, index):
    tmp = tmp_path_factory.mktemp("cur")
    planted = tmp / "planted.jsonl"
    rows = [
        {"instruction": GSM_TEST_Q, "output": "print((16 - 3 - 4) * 2)", "source": "mine_pot", "answer": "18"},
        {"instruction": REWORDED, "output": "She sells 9 eggs.\nThe answer is 18.", "source": "mine_cot", "answer": "18"},
        {"instruction": "A shop has 7 boxes of 12 pens. How many pens are there?", "output": "print(7 * 11)", "source": "mine_pot", "answer": "84", "answer_type": "number"},
        {"instruction": "Tom has 3 bags of 5 marbles and gets 2 more. How many marbles?", "output": "bags = 3 * 5\nprint(bags + 2)", "source": "mine_pot", "answer": "17", "answer_type": "number"},
    ]  # fmt: skip
    planted.write_text("".join(json.dumps(r) + "\n" for r in rows))
    recipe = parse_recipe(
        {
            "name": "test",
            "sources": [
                {"source": "gsm8k", "rationale": "cot", "limit": 40},
                {"source": "gsm8k", "rationale": "pot", "limit": 40},
                {"source": "math", "rationale": "cot", "limit": 40},
                {"source": "mathqa", "rationale": "pot", "limit": 40},
                {"source": "jsonl", "rationale": "pot", "path": str(planted)},
                {"source": "jsonl", "rationale": "cot", "path": str(planted)},
            ],
        }
    )
    card = build(recipe, tmp / "out", data_dir=data_dir, index=index)
    return tmp / "out", card


def _dropped(out: Path) -> list[dict]:
    return [json.loads(line) for line in (out / "dropped.jsonl").read_text().splitlines()]


@pytest.mark.slow
def test_mix_is_written_and_loads_as_training_examples(built) -> None:
    out, card = built
    lines = (out / "train.jsonl").read_text().splitlines()
    assert len(lines) == card["rows"] > 100
    examples = [from_dict(TrainingExample, json.loads(line)) for line in lines]
    assert {"gsm8k_cot", "gsm8k_pot", "math_cot", "mathqa_pot"} <= {e.source for e in examples}
    first = json.loads(lines[0])
    assert list(first)[:3] == ["instruction", "output", "source"]
    assert all(e.output for e in examples)
    assert (out / "card.md").read_text().count("|") > 10 and (out / "length_hist.png").stat().st_size > 1000
    import hashlib

    assert card["sha256"] == hashlib.sha256((out / "train.jsonl").read_bytes()).hexdigest()


@pytest.mark.slow
def test_planted_benchmark_questions_are_removed_and_reported(built) -> None:
    out, card = built
    train = (out / "train.jsonl").read_text()
    assert "Janet" not in train
    by_text = {d["instruction"][:40]: d for d in _dropped(out) if d["reason"].startswith("benchmark_")}
    verbatim = by_text[GSM_TEST_Q[:40]]
    reworded = by_text[REWORDED[:40]]
    assert verbatim["matched"] == reworded["matched"] == "gsm8k:gsm8k-0"
    assert reworded["reason"] in ("benchmark_ngram", "benchmark_paraphrase")
    assert card["overlaps_per_benchmark"]["gsm8k"] >= 2


@pytest.mark.slow
def test_wrong_program_is_dropped_with_its_reason(built) -> None:
    out, _ = built
    drops = {d["instruction"][:20]: d for d in _dropped(out)}
    assert drops["A shop has 7 boxes o"]["reason"] == "wrong_answer"
    assert "77" in drops["A shop has 7 boxes o"]["detail"]
    assert "Tom has 3 bags" in (out / "train.jsonl").read_text()


@pytest.mark.slow
def test_audit_reexecutes_and_finds_leaks(built, tmp_path: Path, index) -> None:
    out, _ = built
    f = tmp_path / "mi.jsonl"
    rows = [json.loads(x) for x in (out / "train.jsonl").read_text().splitlines()[:30]]
    mi = [{k: r[k] for k in ("instruction", "output", "source")} for r in rows]
    mi.append({"instruction": GSM_TEST_Q, "output": "print(18)", "source": "data/PoT/gsm8k.json"})
    mi.append({"instruction": "Compute 2+2.", "output": "print(2+", "source": "data/PoT/x.json"})
    mi.append(mi[0])
    f.write_text("".join(json.dumps(r) + "\n" for r in mi))
    card = audit(f, tmp_path / "audit", index=index)
    assert card["dropped"]["benchmark_ngram"] >= 1
    assert card["dropped"]["exec_error"] == 1
    assert card["dropped"]["exact_duplicate"] == 1
    assert card["rows"] == 30


def test_recipe_errors_name_the_field(tmp_path: Path) -> None:
    with pytest.raises(RecipeError, match=r"sources\[0\].*rationale"):
        parse_recipe({"sources": [{"source": "gsm8k", "rationale": "both"}]})
    bad = tmp_path / "r.yaml"
    bad.write_text(yaml.safe_dump({"sources": [], "name": "x"}))
    with pytest.raises(RecipeError, match=r"r\.yaml"):
        load_recipe(bad)


def test_shipped_recipes_parse() -> None:
    root = Path(__file__).resolve().parents[2] / "recipes"
    for name in ("smoke.yaml", "mathinstruct.yaml"):
        assert load_recipe(root / name).entries
