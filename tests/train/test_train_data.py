"""Data reading, the fixed Alpaca prompt, response-only labels, packing and padding."""

from __future__ import annotations

from pathlib import Path

import pytest

from mammoth_math.api import TrainingExample
from mammoth_math.train.data import (
    ALPACA_TEMPLATE,
    IGNORE_INDEX,
    Collator,
    TrainDataError,
    encode_examples,
    format_prompt,
    pack_features,
    read_examples,
)


def test_alpaca_template_is_mammoths_and_matches_prompts_stage() -> None:
    assert format_prompt("What is 2+2?") == (
        "Below is an instruction that describes a task. Write a response that appropriately completes "
        "the request.\n\n### Instruction:\nWhat is 2+2?\n\n### Response:"
    )
    from mammoth_math import api, prompts

    # one definition (api.formats), not two copies kept equal: train and eval see the same prompt
    assert ALPACA_TEMPLATE is api.ALPACA_TEMPLATE is prompts.ALPACA_TEMPLATE


def test_read_examples_errors_name_file_line_field(tmp_path: Path) -> None:
    path = tmp_path / "train.jsonl"
    path.write_text('{"instruction": "a", "output": "b", "source": "s"}\n{"instruction": "a"}\n')
    with pytest.raises(TrainDataError, match=r"train\.jsonl:2: field 'output'"):
        read_examples(path)
    path.write_text('{"instruction": "a", "output": "b"}\nnot json\n')
    with pytest.raises(TrainDataError, match=r"train\.jsonl:2: invalid JSON"):
        read_examples(path)
    assert len(read_examples(path, limit=1)) == 1
    with pytest.raises(TrainDataError, match="no such data file"):
        read_examples(tmp_path / "missing.jsonl")


def test_mix_rows_read_back(mix_path: Path) -> None:
    rows = read_examples(mix_path)
    assert len(rows) == 8
    pot = [r for r in rows if r.rationale == "pot"]
    from mammoth_math.prompts import POT_TRIGGER

    assert pot and all(r.instruction.endswith(POT_TRIGGER) for r in pot)  # what evaluation asks with
    assert len({r.instruction for r in rows}) == len(rows)  # a CoT and a PoT row never share one
    assert all("<<" not in r.output for r in rows)


def test_prompt_tokens_carry_ignore_index(tokenizer, mix_path: Path) -> None:
    rows = read_examples(mix_path)
    encoded = encode_examples(rows, tokenizer, max_seq_len=256)
    assert encoded.stats.kept == len(encoded.features) > 0
    for row, feat in zip(rows, encoded.features, strict=True):
        prompt_len = len(tokenizer(format_prompt(row.instruction), add_special_tokens=False)["input_ids"])
        ids, labels = feat["input_ids"], feat["labels"]
        assert len(ids) == len(labels)
        assert labels[:prompt_len] == [IGNORE_INDEX] * prompt_len  # every prompt token masked
        assert labels[prompt_len:] == ids[prompt_len:]  # every response token supervised
        assert IGNORE_INDEX not in labels[prompt_len:]
        if len(ids) < 256:
            assert ids[-1] == tokenizer.eos_token_id  # the model learns to stop
        decoded = tokenizer.decode([t for t in labels if t != IGNORE_INDEX], skip_special_tokens=True)
        assert decoded.strip()[:30] == row.output.strip()[:30]


def test_truncation_and_too_long_prompts(tokenizer) -> None:
    long_out = TrainingExample("Add.", "word " * 400, "x")
    long_prompt = TrainingExample("word " * 400, "short", "x")
    encoded = encode_examples([long_out, long_prompt], tokenizer, max_seq_len=64)
    assert encoded.stats.truncated == 1 and encoded.stats.dropped_prompt_too_long == 1
    assert len(encoded.features) == 1 and len(encoded.features[0]["input_ids"]) == 64


def test_packing_restarts_positions_and_keeps_masks(tokenizer, mix_path: Path) -> None:
    feats = encode_examples(read_examples(mix_path), tokenizer, max_seq_len=256).features
    packed = pack_features(feats, 512)
    assert len(packed) < len(feats)
    assert sum(len(p["input_ids"]) for p in packed) == sum(len(f["input_ids"]) for f in feats)
    for row in packed:
        assert len(row["input_ids"]) <= 512
        starts = [i for i, p in enumerate(row["position_ids"]) if p == 0]
        assert starts[0] == 0
        for s in starts:  # every packed example begins with a masked prompt token
            assert row["labels"][s] == IGNORE_INDEX
    batch = Collator(pad_token_id=0)(packed[:2])
    assert "attention_mask" not in batch and batch["position_ids"].shape == batch["input_ids"].shape


def test_collator_pads_labels_with_ignore_index() -> None:
    batch = Collator(pad_token_id=7)(
        [{"input_ids": [1, 2, 3], "labels": [-100, 2, 3]}, {"input_ids": [4], "labels": [4]}]
    )
    assert batch["input_ids"].shape == (2, 8)  # rounded up to a multiple of 8
    assert batch["labels"][1].tolist() == [4] + [IGNORE_INDEX] * 7
    assert batch["attention_mask"][1].tolist() == [1] + [0] * 7
    assert batch["input_ids"][1, 1:].tolist() == [7] * 7
