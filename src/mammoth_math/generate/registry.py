"""Model specs → backends. One registry line per backend; aliases name the models we ship.

Spec forms: `default` (or none), `smollm2`, `qwen0.5b`, `gguf:PATH`, `hf:NAME_OR_PATH`,
`vllm:NAME_OR_PATH`, `openai:BASE_URL#MODEL`, or a bare path to a `.gguf` file.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mammoth_math.api.protocols import Backend
from mammoth_math.api.registry import Registry
from mammoth_math.common.models import default_model_path, qwen05b_path, smollm2_path
from mammoth_math.generate.base import GenerateError
from mammoth_math.generate.hf import HFBackend
from mammoth_math.generate.llamacpp import LlamaCppBackend
from mammoth_math.generate.openai_compat import OpenAIBackend
from mammoth_math.generate.scripted import ScriptedBackend
from mammoth_math.generate.vllm_engine import VLLMBackend

# a backend class is built as cls(target, spec, **options); heavy imports happen in its __init__
BACKENDS: Registry[Callable[..., Any]] = Registry("backend", entry_point_group="mammoth_math.backends")
BACKENDS.add("gguf", LlamaCppBackend)
BACKENDS.add("hf", HFBackend)
BACKENDS.add("vllm", VLLMBackend)
BACKENDS.add("openai", OpenAIBackend)
BACKENDS.add("scripted", ScriptedBackend)  # a test double: answers from a rules file (scripted.py)

# alias → (backend kind, function giving the target); the functions assemble/verify once, then cache
MODEL_ALIASES: Registry[tuple[str, Callable[[Path | None], Path]]] = Registry("model alias")
MODEL_ALIASES.add("default", ("gguf", default_model_path))
MODEL_ALIASES.add("smollm2", ("gguf", lambda _cache: smollm2_path()))
MODEL_ALIASES.add("qwen0.5b", ("gguf", qwen05b_path))

DEFAULT_SPEC = "default"


@dataclass(frozen=True)
class ModelSpec:
    kind: str  # a BACKENDS name
    target: str  # path, hub name or URL#model, as the backend takes it
    name: str  # what the user asked for ("default", "smollm2", "gguf:/x.gguf" ...)

    def __str__(self) -> str:
        return f"{self.kind}:{self.target}"


def resolve_model_spec(spec: str | ModelSpec | None = None, *, cache_dir: Path | None = None) -> ModelSpec:
    """Parse a model spec; aliases resolve to their (assembled, verified) GGUF files."""
    if isinstance(spec, ModelSpec):
        return spec
    name = (spec or DEFAULT_SPEC).strip()
    if name in MODEL_ALIASES:
        kind, locate = MODEL_ALIASES.get(name)
        return ModelSpec(kind, str(locate(cache_dir)), name)
    kind, sep, target = name.partition(":")
    if sep and kind in BACKENDS:
        if not target:
            raise GenerateError(f"model spec {name!r}: nothing after '{kind}:'")
        return ModelSpec(kind, target, name)
    if name.endswith(".gguf"):
        return ModelSpec("gguf", name, name)
    raise GenerateError(
        f"unknown model spec {name!r}; use one of {', '.join(MODEL_ALIASES.names())}, "
        f"or {', '.join(k + ':...' for k in BACKENDS.names())} (e.g. gguf:PATH, hf:NAME, openai:URL#MODEL)"
    )


def load_backend(spec: str | ModelSpec | None = None, **options: Any) -> Backend:
    """Build the backend for `spec` (see module doc); options go to that backend's constructor."""
    resolved = resolve_model_spec(spec, cache_dir=options.pop("cache_dir", None))
    factory = BACKENDS.get(resolved.kind)
    try:
        inspect.signature(factory).bind(resolved.target, resolved.name, **options)
    except TypeError as exc:
        raise GenerateError(f"{resolved.name}: bad option for the {resolved.kind} backend: {exc}") from None
    return factory(resolved.target, resolved.name, **options)
