"""Fixtures for the train tests: the real SmolLM2 tokenizer (converted from its GGUF once per session)
and a small curated-style mix built from GSM8K train."""

from __future__ import annotations

from pathlib import Path

import pytest

from mammoth_math.train.gsm8k_mix import build_mix, write_jsonl


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
    examples = build_mix(data_dir / "sources" / "gsm8k" / "train.jsonl", start=0, count=4)
    assert {e.rationale for e in examples} == {"cot", "pot"}
    return write_jsonl(examples, tmp_path_factory.mktemp("mix") / "train.jsonl")
