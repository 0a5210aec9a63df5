"""The PoT trigger in the instruction of PoT rows: one instruction never maps to two rationales, and the
curated instruction is exactly what evaluation asks with."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import pytest

from mammoth_math.api import TrainingExample
from mammoth_math.curate import RecipeError, build, convert, parse_recipe, with_pot_trigger
from mammoth_math.prompts import POT_TRIGGER, render

VARIED = ["Let's write a program.", "Please write a program to solve it.", "Let's write a Python program."]


def _row(rationale: str, instruction: str = "What is 2 + 3?", rid: str = "x") -> TrainingExample:
    return TrainingExample(
        instruction, "print(5)" if rationale == "pot" else "5", "s", rationale, "5", {"id": rid}
    )


@pytest.mark.parametrize(
    ("rationale", "instruction", "expected"),
    [
        ("pot", "What is 2 + 3?", "What is 2 + 3? Let's write a program."),
        ("pot", "What is 2 + 3?  \n", "What is 2 + 3? Let's write a program."),  # trailing space stripped
        ("cot", "What is 2 + 3?", "What is 2 + 3?"),
        ("pot", "What is 2 + 3? Let's write a program.", "What is 2 + 3? Let's write a program."),  # no 2nd
        ("pot", "What is 2 + 3? let's WRITE a program.", "What is 2 + 3? let's WRITE a program."),
    ],
)
def test_trigger_goes_on_pot_rows_once(rationale: str, instruction: str, expected: str) -> None:
    (got,) = with_pot_trigger([_row(rationale, instruction)], (POT_TRIGGER,))
    assert got.instruction == expected


def test_varied_phrasings_are_seeded_per_row_and_all_used() -> None:
    triggers = tuple(" " + t for t in VARIED)
    rows = [_row("pot", f"Question {i}?", f"id-{i}") for i in range(60)]
    first = with_pot_trigger(rows, triggers, seed=3)
    assert [r.instruction for r in first] == [r.instruction for r in with_pot_trigger(rows, triggers, seed=3)]
    # a row keeps its phrasing whatever else is in the mix
    assert with_pot_trigger(rows[7:8], triggers, seed=3)[0].instruction == first[7].instruction
    used = {t for r in first for t in VARIED if r.instruction.endswith(t)}
    assert used == set(VARIED)
    assert with_pot_trigger(rows, triggers, seed=4) != first  # the seed changes the draw


def test_recipe_trigger_and_start_fields() -> None:
    base = {"sources": [{"source": "gsm8k", "rationale": "pot", "start": 5, "limit": 3}]}
    recipe = parse_recipe(base)
    assert recipe.pot_triggers == (POT_TRIGGER,) and recipe.entries[0].start == 5
    assert parse_recipe({**base, "pot_trigger": VARIED}).pot_triggers == tuple(" " + t for t in VARIED)
    assert parse_recipe({**base, "pot_trigger": "Write code."}).pot_triggers == (" Write code.",)
    for bad in ([], [""], 3):
        with pytest.raises(RecipeError, match="pot_trigger"):
            parse_recipe({**base, "pot_trigger": bad})
    with pytest.raises(RecipeError, match=r"sources\[0\].*'start'"):
        parse_recipe({"sources": [{"source": "gsm8k", "start": -1}]})


def test_convert_slices_one_source_into_disjoint_problems(data_dir: Path) -> None:
    recipe = parse_recipe(
        {
            "sources": [
                {"source": "gsm8k", "rationale": "cot", "limit": 3},
                {"source": "gsm8k", "rationale": "pot", "start": 3, "limit": 3},
            ]
        }
    )
    rows = convert(recipe, data_dir)
    ids = [r.metadata["id"].split(":")[1] for r in rows]
    assert ids == [f"gsm8k-train-{i}" for i in range(6)]


def test_curated_file_never_pairs_one_instruction_with_two_rationales(data_dir: Path, tmp_path: Path) -> None:
    from mammoth_math.train import format_prompt

    recipe = parse_recipe(
        {
            "sources": [{"source": "gsm8k", "rationale": r, "limit": 8} for r in ("cot", "pot")],
            "decontaminate": {"benchmarks": ["gsm8k"]},
        }
    )
    card = build(recipe, tmp_path, data_dir=data_dir)
    rows = [json.loads(line) for line in (tmp_path / "train.jsonl").read_text().splitlines()]
    assert card["pot_trigger"] == [POT_TRIGGER]
    rationales: dict[str, set[str]] = defaultdict(set)
    for r in rows:
        rationales[r["instruction"]].add(r["rationale"])
    assert {r["rationale"] for r in rows} == {"cot", "pot"}
    assert all(len(v) == 1 for v in rationales.values()), rationales
    cot = {r["metadata"]["id"].split(":")[1]: r for r in rows if r["rationale"] == "cot"}
    for r in rows:
        if r["rationale"] != "pot":
            continue
        question = cot[r["metadata"]["id"].split(":")[1]]["instruction"]
        # the training prompt of a PoT row is, byte for byte, the prompt evaluation sends in pot mode
        assert format_prompt(r["instruction"]) == render(question, "pot", "alpaca")
