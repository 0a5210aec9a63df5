"""Architectures the GGUF exporter knows: one registry entry per HF `model_type`.

An entry says which llama.cpp architecture the weights become and whether the q/k projections must be
re-ordered for llama.cpp's rotary layout. Adding an architecture llama.cpp already runs with the same
tensor set is one `ARCHS.add` line; anything else is refused by name.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mammoth_math.api import Registry


class ExportError(ValueError):
    """A model that cannot be exported; the message names the file and the field."""


@dataclass(frozen=True)
class Arch:
    gguf_arch: str  # llama.cpp's name (gguf.MODEL_ARCH_NAMES)
    # HF keeps each head's rotary dimensions as [first half | second half] ("rotate half"). llama.cpp's
    # `llama` architecture rotates adjacent pairs instead, so q/k rows are interleaved on the way out
    # (and transformers undoes it when it reads a llama GGUF). `qwen2` uses the NEOX (rotate-half)
    # layout in llama.cpp, so its rows go out unchanged.
    interleave_qk: bool


ARCHS: Registry[Arch] = Registry("exportable architecture")
ARCHS.add("llama", Arch("llama", interleave_qk=True))  # Llama 2/3 layout, SmolLM2
ARCHS.add("qwen2", Arch("qwen2", interleave_qk=False))  # Qwen2 / Qwen2.5 (q/k/v biases)


@dataclass(frozen=True)
class Hyper:
    """The hyperparameters llama.cpp reads, from an HF config.json."""

    n_layers: int
    hidden: int
    ffn: int
    n_head: int
    n_head_kv: int
    head_dim: int
    rms_eps: float
    context: int
    rope_theta: float
    vocab: int
    tied: bool


def _need(config: dict[str, Any], key: str, where: str) -> Any:
    if key not in config or config[key] is None:
        raise ExportError(f"{where}: field {key!r} missing")
    return config[key]


def hyperparameters(config: dict[str, Any], where: str) -> Hyper:
    rope = config.get("rope_parameters") or config.get("rope_scaling") or {}
    kind = rope.get("rope_type", rope.get("type", "default"))
    if kind not in ("default", None):
        # scaled rotary embeddings (llama3, yarn...) need extra GGUF keys we do not write yet
        raise ExportError(f"{where}: rope type {kind!r} is not supported by the exporter (only default)")
    theta = rope.get("rope_theta", config.get("rope_theta", 10000.0))
    n_head = int(_need(config, "num_attention_heads", where))
    hidden = int(_need(config, "hidden_size", where))
    return Hyper(
        n_layers=int(_need(config, "num_hidden_layers", where)),
        hidden=hidden,
        ffn=int(_need(config, "intermediate_size", where)),
        n_head=n_head,
        n_head_kv=int(config.get("num_key_value_heads") or n_head),
        head_dim=int(config.get("head_dim") or hidden // n_head),
        rms_eps=float(_need(config, "rms_norm_eps", where)),
        context=int(_need(config, "max_position_embeddings", where)),
        rope_theta=float(theta),
        vocab=int(_need(config, "vocab_size", where)),
        tied=bool(config.get("tie_word_embeddings", False)),
    )


def arch_for(config: dict[str, Any], where: str) -> Arch:
    model_type = config.get("model_type")
    if model_type not in ARCHS:
        raise ExportError(
            f"{where}: model_type {model_type!r} is not supported by the GGUF exporter; "
            f"supported: {', '.join(sorted(ARCHS.names()))}"
        )
    return ARCHS.get(str(model_type))


def interleave(weight: Any, n_head: int) -> Any:
    """Rotate-half row order -> adjacent-pair row order, per head (numpy array of shape [rows, cols])."""
    rows = weight.shape[0]
    return (
        weight.reshape(n_head, 2, rows // n_head // 2, *weight.shape[1:]).swapaxes(1, 2).reshape(weight.shape)
    )
