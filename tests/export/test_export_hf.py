"""`export hf` on SmolLM2's GGUF: the directory loads with plain `from_pretrained` and computes the same
logits as transformers' own GGUF loading, and the tokenizer and chat template travel with it. The same
function loads `gguf:` / `smollm2` bases for training, so a forward pass here also covers that."""

from __future__ import annotations

from pathlib import Path

import pytest

from mammoth_math.generate import smollm2_path

pytestmark = pytest.mark.slow


def test_export_hf_matches_transformers_gguf_loading(tmp_path: Path) -> None:
    torch = pytest.importorskip("torch")
    transformers = pytest.importorskip("transformers")
    from mammoth_math.cli import main

    out = tmp_path / "smollm2-hf"
    assert main(["export", "hf", "--model", f"gguf:{smollm2_path()}", "--output", str(out)]) == 0
    model = transformers.AutoModelForCausalLM.from_pretrained(out).eval()
    tok = transformers.AutoTokenizer.from_pretrained(out)
    gguf = smollm2_path()
    ref = transformers.AutoModelForCausalLM.from_pretrained(
        str(gguf.parent), gguf_file=gguf.name, dtype=torch.float32
    ).eval()
    ref_tok = transformers.AutoTokenizer.from_pretrained(str(gguf.parent), gguf_file=gguf.name)
    text = "Natalia sold 48 clips in April."
    assert tok(text).input_ids == ref_tok(text).input_ids
    chat = [{"role": "user", "content": "hi"}]
    assert tok.apply_chat_template(chat, tokenize=False) == ref_tok.apply_chat_template(chat, tokenize=False)
    ids = torch.tensor([ref_tok(text).input_ids])
    with torch.no_grad():
        assert torch.equal(model(ids).logits, ref(ids).logits)
    assert model.config.tie_word_embeddings and "quantization_config" not in model.config.to_dict()
