"""Merged HF weights -> one GGUF file llama.cpp (and Ollama) can run, with the `gguf` library's writer.

The weights come from the training output directory (merged LoRA weights, `model*.safetensors`), the
hyperparameters from its config.json, and the vocabulary, merges, special tokens and chat template
verbatim from the base model's GGUF, so llama.cpp tokenizes exactly as it did for the base (we do not
re-derive a tokenizer from tokenizer.json: llama.cpp identifies BPE pre-tokenizers by name, and a
wrong guess would silently change tokenization). Tensor names map through gguf's own TensorNameMap.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

from mammoth_math.export.archs import Arch, ExportError, Hyper, arch_for, hyperparameters, interleave

TYPES = ("f32", "f16", "q8_0")
_FILE_TYPE = {"f32": 0, "f16": 1, "q8_0": 7}  # gguf.LlamaFileType: ALL_F32, MOSTLY_F16, MOSTLY_Q8_0
_COPIED_GENERAL = ("general.license", "general.basename", "general.organization", "general.languages")


def _log(message: str) -> None:
    print(f"[export] {message}", file=sys.stderr, flush=True)


def _read_config(model_dir: Path) -> dict[str, Any]:
    path = model_dir / "config.json"
    if not path.is_file():
        raise ExportError(f"{path}: not found (expected a model directory written by `mammoth-math train`)")
    try:
        config = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as e:
        raise ExportError(f"{path}: not valid JSON ({e.msg})") from None
    if not isinstance(config, dict):
        raise ExportError(f"{path}: expected a JSON object")
    return config


def _weight_files(model_dir: Path) -> list[Path]:
    files = sorted(model_dir.glob("model*.safetensors"))
    if not files:
        hint = (
            " (LoRA without merged weights: train with merge_lora=true)"
            if (model_dir / "adapter").is_dir()
            else ""
        )
        raise ExportError(f"{model_dir}: no model*.safetensors weights{hint}")
    return files


def base_gguf_for(model_dir: Path) -> Path | None:
    """The GGUF the training run took its tokenizer from, per mammoth_training.json."""
    from mammoth_math.train import MANIFEST_NAME, base_gguf, read_manifest

    if not (model_dir / MANIFEST_NAME).is_file():
        return None
    config = read_manifest(model_dir).get("config", {})
    return base_gguf(str(config.get("model", "")), config.get("tokenizer"))


def _tokenizer_fields(base: Path, vocab: int) -> list[tuple[str, Any, Any, Any]]:
    """(key, value, type, sub type) of every tokenizer.* and a few general.* fields of the base GGUF;
    the token list is padded with unused tokens up to the embedding rows (as llama.cpp's converter does)."""
    from gguf import GGUFReader, GGUFValueType, TokenType

    reader = GGUFReader(str(base))
    out = []
    for key, field in reader.fields.items():
        if not (key.startswith("tokenizer.") or key in _COPIED_GENERAL):
            continue
        value = field.contents()
        vtype = field.types[0]
        sub = field.types[-1] if vtype == GGUFValueType.ARRAY else None
        out.append((key, value, vtype, sub))
    fields = {k: v for k, v, _, _ in out}
    tokens = fields.get("tokenizer.ggml.tokens")
    if not isinstance(tokens, list):
        raise ExportError(f"{base}: no tokenizer.ggml.tokens (not a model GGUF?)")
    if len(tokens) > vocab:
        raise ExportError(f"{base}: {len(tokens)} tokens but the model's embedding has {vocab} rows")
    pad = vocab - len(tokens)
    if pad:
        extra = {
            "tokenizer.ggml.tokens": [f"[PAD{i}]" for i in range(len(tokens), vocab)],
            "tokenizer.ggml.token_type": [int(TokenType.UNUSED)] * pad,
            "tokenizer.ggml.scores": [0.0] * pad,
        }
        out = [(k, v + extra[k] if k in extra else v, t, s) for k, v, t, s in out]
    return out


def _gguf_type(name: str, shape: tuple[int, ...], kind: str) -> Any:
    from gguf import GGMLQuantizationType as Q

    if len(shape) == 1 or kind == "f32":
        return Q.F32  # norms and biases stay f32, as llama.cpp expects
    if kind == "q8_0" and shape[-1] % 32 == 0:
        return Q.Q8_0
    return Q.F16  # q8_0 blocks are 32 wide; a row that does not split into blocks stays f16


def _tensors(files: list[Path], arch: Arch, hp: Hyper, kind: str, where: Path):
    """(gguf name, array, type) per weight, in file order."""
    import gguf
    from safetensors import safe_open

    name_map = gguf.get_tensor_name_map(gguf.MODEL_ARCH[arch.gguf_arch.upper()], hp.n_layers)
    for file in files:
        with safe_open(str(file), "pt") as f:
            for key in f.keys():  # noqa: SIM118 (safe_open has no __iter__)
                if key == "lm_head.weight" and hp.tied:
                    continue  # llama.cpp reuses token_embd for a tied output layer
                name = name_map.get_name(key, try_suffixes=(".weight", ".bias"))
                if name is None:
                    raise ExportError(
                        f"{where}/{file.name}: tensor {key!r} has no GGUF name for {arch.gguf_arch}"
                    )
                data = f.get_tensor(key).float().numpy()
                if arch.interleave_qk and key.endswith(("q_proj.weight", "q_proj.bias")):
                    data = interleave(data, hp.n_head)
                elif arch.interleave_qk and key.endswith(("k_proj.weight", "k_proj.bias")):
                    data = interleave(data, hp.n_head_kv)
                qtype = _gguf_type(name, data.shape, kind)
                yield name, gguf.quants.quantize(data, qtype), qtype


def export_gguf(
    model_dir: str | os.PathLike[str],
    output: str | os.PathLike[str],
    *,
    type: str = "f16",
    tokenizer_gguf: str | os.PathLike[str] | None = None,
) -> dict[str, Any]:
    """Write OUTPUT (a .gguf) from a trained model directory; returns what was written."""
    import gguf

    model_dir = Path(model_dir)
    if type not in TYPES:
        raise ExportError(f"--type must be one of {', '.join(TYPES)}, got {type!r}")
    config = _read_config(model_dir)
    where = str(model_dir / "config.json")
    arch = arch_for(config, where)
    hp = hyperparameters(config, where)
    files = _weight_files(model_dir)
    base = Path(tokenizer_gguf) if tokenizer_gguf else base_gguf_for(model_dir)
    if base is None:
        raise ExportError(
            f"{model_dir}: no base GGUF to take the tokenizer from (the base was not loaded from a GGUF); "
            "pass --tokenizer-gguf FILE.gguf of the base model"
        )
    if not base.is_file():
        raise ExportError(f"{base}: tokenizer GGUF not found")
    out = Path(output)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    writer = gguf.GGUFWriter(str(tmp), arch.gguf_arch, use_temp_file=True)
    writer.add_name(f"{config.get('model_type')} fine-tuned with mammoth-math")
    writer.add_file_type(_FILE_TYPE[type])
    writer.add_block_count(hp.n_layers)
    writer.add_context_length(hp.context)
    writer.add_embedding_length(hp.hidden)
    writer.add_feed_forward_length(hp.ffn)
    writer.add_head_count(hp.n_head)
    writer.add_head_count_kv(hp.n_head_kv)
    writer.add_rope_freq_base(hp.rope_theta)
    writer.add_rope_dimension_count(hp.head_dim)
    writer.add_layer_norm_rms_eps(hp.rms_eps)
    writer.add_vocab_size(hp.vocab)
    if hp.head_dim * hp.n_head != hp.hidden:
        writer.add_key_length(hp.head_dim)
        writer.add_value_length(hp.head_dim)
    for key, value, vtype, sub in _tokenizer_fields(base, hp.vocab):
        writer.add_key_value(key, value, vtype, sub)
    writer.add_string("mammoth.source_model", str(model_dir.resolve()))
    writer.add_string("mammoth.tokenizer_from", str(base.resolve()))
    counts: dict[str, int] = {}
    for name, data, qtype in _tensors(files, arch, hp, type, model_dir):
        writer.add_tensor(name, data, raw_dtype=qtype)
        counts[qtype.name] = counts.get(qtype.name, 0) + 1
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    os.replace(tmp, out)  # a crash never leaves a half-written .gguf under the final name
    info = {"output": str(out), "arch": arch.gguf_arch, "type": type, "tensors": counts,
            "bytes": out.stat().st_size, "tokenizer_from": str(base)}  # fmt: skip
    _log(f"wrote {out} ({info['bytes'] / 1e6:.1f} MB, {arch.gguf_arch}, {type}, tensors {counts})")
    return info
