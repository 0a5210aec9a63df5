"""GGUF export round trip: a tiny random Qwen2 and Llama (SmolLM2's real tokenizer), exported, loaded by our
llama.cpp backend, continue prompts greedily as the transformers model does.

The criterion: most prompts continue exactly alike; where a continuation parts from the transformers
one, the token llama.cpp chose is within TOL logits of the transformers argmax there (a near tie, which
llama.cpp's f16 KV cache may break the other way: a random model's top logits are often 1e-3 apart). A wrong tensor, a missing q/k re-ordering or a wrong tokenizer puts the
chosen tokens many logits below the argmax at once.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from mammoth_math.export import export_gguf

pytestmark = pytest.mark.slow  # builds models and starts llama.cpp: ~8 s per case

PROMPTS = ["What is 2 + 3?", "The capital of France is", "def add(a, b):", "Natalia sold clips to 48 of"]
TOL = 0.05  # logits; random-init logits here spread over about +-1.5


@cache
def _tokenizer():
    import transformers

    from mammoth_math.generate import smollm2_path

    gguf = smollm2_path()
    return transformers.AutoTokenizer.from_pretrained(str(gguf.parent), gguf_file=gguf.name)


def _tiny(tmp: Path, arch: str, tied: bool) -> Path:
    import torch
    import transformers

    tok = _tokenizer()
    kw = dict(
        vocab_size=len(tok), hidden_size=64, intermediate_size=128, num_hidden_layers=2, num_attention_heads=4,
        num_key_value_heads=2, max_position_embeddings=512, bos_token_id=tok.bos_token_id,
        eos_token_id=tok.eos_token_id, tie_word_embeddings=tied, initializer_range=0.1,
    )  # fmt: skip
    torch.manual_seed(0)
    if arch == "qwen2":
        model = transformers.Qwen2ForCausalLM(transformers.Qwen2Config(**kw))
    else:
        model = transformers.LlamaForCausalLM(transformers.LlamaConfig(**kw))
    out = tmp / f"{arch}-{'tied' if tied else 'untied'}"
    model.save_pretrained(out)
    tok.save_pretrained(out)
    return out


def _greedy(spec: str, **options) -> list[str]:
    from mammoth_math.api import SamplingParams
    from mammoth_math.generate import load_backend

    with load_backend(spec, **options) as backend:
        return [g.text for g in backend.generate(PROMPTS, SamplingParams(max_tokens=8, temperature=0.0))]


def _parting_gap(model_dir: Path, prompt: str, ours: str, theirs: str) -> float:
    """Where the two continuations first part (as HF tokens), how far below the transformers argmax the
    token llama.cpp chose lies. Later tokens are not compared: after parting the contexts differ (and a
    detokenized continuation need not tokenize back to the same ids)."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    tok = AutoTokenizer.from_pretrained(str(model_dir))
    model = AutoModelForCausalLM.from_pretrained(str(model_dir), dtype=torch.float32).eval()
    p = tok(prompt, add_special_tokens=False)["input_ids"]
    a, b = (tok(t, add_special_tokens=False)["input_ids"] for t in (ours, theirs))
    i = next((k for k, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
    if i >= len(a) or i >= len(b):
        return 0.0  # one is a prefix of the other (a stop token): nothing chosen differently
    with torch.no_grad():
        logits = model(torch.tensor([p + a[:i]])).logits[0, -1]
    return float(logits.max() - logits[a[i]])


@pytest.mark.parametrize(
    ("arch", "tied", "kind"),
    [("qwen2", False, "f32"), ("qwen2", True, "q8_0"), ("llama", False, "f16"), ("llama", True, "q8_0")],
)  # fmt: skip
def test_round_trip_greedy_matches_transformers(tmp_path: Path, arch: str, tied: bool, kind: str) -> None:
    import gguf

    from mammoth_math.generate import smollm2_path

    model_dir = _tiny(tmp_path, arch, tied)
    out = tmp_path / "model.gguf"
    info = export_gguf(model_dir, out, type=kind, tokenizer_gguf=smollm2_path())
    assert info["arch"] == arch and out.is_file()
    reader = gguf.GGUFReader(str(out))
    types = {t.name: t.tensor_type.name for t in reader.tensors}
    assert types["blk.0.attn_norm.weight"] == "F32"
    assert types["blk.0.ffn_up.weight"] == kind.upper()
    assert ("output.weight" in types) == (not tied)
    assert reader.fields["tokenizer.ggml.pre"].contents() == "smollm"  # copied from the base GGUF
    ref = _greedy(f"hf:{model_dir}", batch_size=1)
    got = _greedy(f"gguf:{out}", n_ctx=256, n_parallel=1, cache_prompt=False)
    assert all(g.strip() for g in got)
    tol = TOL if kind != "q8_0" else 4 * TOL  # 8-bit weights move logits a little more
    gaps = [_parting_gap(model_dir, p, g, r) for p, g, r in zip(PROMPTS, got, ref, strict=True)]
    assert max(gaps) < tol, (gaps, got, ref)
    assert sum(g == r for g, r in zip(got, ref, strict=True)) >= len(PROMPTS) // 2, (got, ref)


def test_real_smollm2_round_trip(tmp_path: Path) -> None:
    """The real SmolLM2-135M (llama architecture, peaked distributions): dequantized into transformers as
    `train` loads it, exported f16, its greedy continuations equal the transformers model's."""
    import torch

    from mammoth_math.train.models import load_model_and_tokenizer

    model, tok = load_model_and_tokenizer("smollm2", None, torch.float32, 512)
    hf_dir = tmp_path / "hf"
    model.save_pretrained(str(hf_dir))
    tok.save_pretrained(str(hf_dir))
    (hf_dir / "mammoth_training.json").write_text('{"config": {"model": "smollm2", "tokenizer": null}}')
    out = tmp_path / "smollm2.gguf"
    info = export_gguf(hf_dir, out, type="f16")  # the tokenizer GGUF found from the manifest
    assert info["arch"] == "llama" and info["tokenizer_from"].endswith("SmolLM2-135M-Instruct.Q4_1.gguf")
    ref = _greedy(f"hf:{hf_dir}", batch_size=1)
    got = _greedy(f"gguf:{out}", n_ctx=256, n_parallel=1, cache_prompt=False)
    assert sum(g == r for g, r in zip(got, ref, strict=True)) >= 3, (got, ref)
    gaps = [_parting_gap(hf_dir, p, g, r) for p, g, r in zip(PROMPTS, got, ref, strict=True)]
    assert max(gaps) < 0.1, (gaps, got, ref)
