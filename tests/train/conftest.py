"""Fixtures for the train tests: the real SmolLM2 tokenizer (converted from its GGUF once per session)
and a small mix converted from GSM8K train by curate (the one home of the CoT/PoT conversion)."""

from __future__ import annotations

from pathlib import Path

import pytest

from mammoth_math.curate import convert, parse_recipe, write_train_jsonl


@pytest.fixture(scope="session")
def tokenizer_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The GGUF → fast-tokenizer conversion takes seconds; do it once and reload from a plain HF dir."""
    from mammoth_math.train.models import load_tokenizer

    out = tmp_path_factory.mktemp("smollm2_tokenizer")
    load_tokenizer("smollm2").save_pretrained(str(out))
    return out


@pytest.fixture(scope="session")
def tokenizer(tokenizer_dir: Path):
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(str(tokenizer_dir))


@pytest.fixture(scope="session")
def mix_path(data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """8 rows: 4 GSM8K train problems, each as a CoT and a PoT row (MathInstruct format)."""
    recipe = parse_recipe(
        {"sources": [{"source": "gsm8k", "rationale": r, "limit": 4} for r in ("cot", "pot")]}
    )
    examples = convert(recipe, data_dir)
    assert {e.rationale for e in examples} == {"cot", "pot"}
    return write_train_jsonl(examples, tmp_path_factory.mktemp("mix") / "train.jsonl")
