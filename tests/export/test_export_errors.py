"""Export refusals (fast): unsupported architectures and missing pieces are named; the base GGUF a
training run took its tokenizer from is found from its settings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mammoth_math.export import ExportError, export_gguf
from mammoth_math.train import base_gguf


def test_unsupported_architecture_is_refused_by_name(tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text(json.dumps({"model_type": "gpt2", "n_layer": 2}))
    with pytest.raises(ExportError, match=r"config\.json: model_type 'gpt2' is not supported.*llama, qwen2"):
        export_gguf(tmp_path, tmp_path / "x.gguf")
    assert not (tmp_path / "x.gguf").exists()


def test_errors_name_what_is_missing(tmp_path: Path, capsys) -> None:
    from mammoth_math.cli import main

    with pytest.raises(ExportError, match=r"config\.json: not found"):
        export_gguf(tmp_path, tmp_path / "x.gguf")
    cfg = {"model_type": "qwen2", "num_hidden_layers": 2, "hidden_size": 64, "intermediate_size": 128,
           "num_attention_heads": 4, "rms_norm_eps": 1e-6, "max_position_embeddings": 512, "vocab_size": 10}  # fmt: skip
    (tmp_path / "config.json").write_text(json.dumps(cfg))
    (tmp_path / "adapter").mkdir()
    with pytest.raises(ExportError, match="merge_lora=true"):
        export_gguf(tmp_path, tmp_path / "x.gguf")
    with pytest.raises(ExportError, match="--type must be one of"):
        export_gguf(tmp_path, tmp_path / "x.gguf", type="q4_k")
    bad = dict(cfg, rope_parameters={"rope_type": "yarn", "rope_theta": 1e6})
    (tmp_path / "config.json").write_text(json.dumps(bad))
    with pytest.raises(ExportError, match="rope type 'yarn'"):
        export_gguf(tmp_path, tmp_path / "x.gguf")
    assert main(["export", "gguf", "--model", str(tmp_path), "--output", str(tmp_path / "x.gguf")]) == 2
    assert "rope type 'yarn'" in capsys.readouterr().err


def test_base_gguf_follows_the_training_settings() -> None:
    from mammoth_math.generate import smollm2_path

    smol = smollm2_path()
    assert base_gguf("tiny-qwen2", None) == smol  # tiny-qwen2's default tokenizer
    assert base_gguf("smollm2", None) == smol
    assert base_gguf("gguf:/m/base.gguf", None) == Path("/m/base.gguf")
    assert base_gguf("smollm2", "gguf:/t/tok.gguf") == Path("/t/tok.gguf")
    assert base_gguf("tiny-qwen2:gguf:/t/tok.gguf", None) == Path("/t/tok.gguf")
    assert base_gguf("Qwen/Qwen2.5-7B", None) is None  # an HF tokenizer: the user names a GGUF
    assert base_gguf("tiny-qwen2", "/some/hf/tokenizer_dir") is None


def test_no_base_gguf_is_a_clear_error(tmp_path: Path) -> None:
    import numpy as np
    from safetensors.numpy import save_file

    cfg = {"model_type": "qwen2", "num_hidden_layers": 1, "hidden_size": 64, "intermediate_size": 128,
           "num_attention_heads": 4, "rms_norm_eps": 1e-6, "max_position_embeddings": 512, "vocab_size": 10}  # fmt: skip
    (tmp_path / "config.json").write_text(json.dumps(cfg))
    save_file({"model.norm.weight": np.ones(64, dtype=np.float32)}, str(tmp_path / "model.safetensors"))
    with pytest.raises(ExportError, match="--tokenizer-gguf"):
        export_gguf(tmp_path, tmp_path / "x.gguf")
    with pytest.raises(ExportError, match="tokenizer GGUF not found"):
        export_gguf(tmp_path, tmp_path / "x.gguf", tokenizer_gguf=tmp_path / "nope.gguf")


def test_export_hf_refusals_name_the_field(tmp_path: Path, capsys) -> None:
    from mammoth_math.cli import main
    from mammoth_math.export import export_hf

    with pytest.raises(ExportError, match=r"--model: expected gguf:FILE\.gguf \(or smollm2\), got 'hf:x'"):
        export_hf("hf:x", tmp_path / "out")
    with pytest.raises(ExportError, match=r"--model: .*missing\.gguf: no such GGUF file"):
        export_hf(f"gguf:{tmp_path / 'missing.gguf'}", tmp_path / "out")
    fake = tmp_path / "fake.gguf"
    fake.write_bytes(b"PK\x03\x04 not a gguf")
    with pytest.raises(ExportError, match="not a GGUF file"):
        export_hf(f"gguf:{fake}", tmp_path / "out")
    with pytest.raises(ExportError, match="--dtype must be one of float32, bfloat16, float16"):
        export_hf("smollm2", tmp_path / "out", dtype="int4")
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "config.json").write_text("{}")
    with pytest.raises(ExportError, match=r"--output: .*busy exists and is not an empty directory"):
        export_hf("smollm2", tmp_path / "busy")
    assert main(["export", "hf", "--model", str(fake), "--output", str(tmp_path / "o")]) == 2
    assert "not a GGUF file" in capsys.readouterr().err
    assert not (tmp_path / "out").exists() and not (tmp_path / "o").exists()
