"""Engine options for the vllm backend: checked against the installed vLLM, defaulted per platform.

`--model-option KEY=VALUE` passes any engine argument of the installed vLLM through to `vllm.LLM`
(its own parameters and every `vllm.EngineArgs` field: `enforce_eager`, `kv_cache_memory_bytes`,
`gpu_memory_utilization`, `max_model_len`, `dtype`, `tensor_parallel_size`, `data_parallel_size` ...).
The installed vLLM is the registry of names, so an option a version lacks is refused by name here,
before an engine starts, instead of failing minutes later deep inside it.
"""

from __future__ import annotations

import dataclasses
import difflib
import inspect
import os
import types
import typing
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from mammoth_math.generate.base import GenerateError

# ours, whatever the platform: few-shot prefixes are shared across a whole benchmark, and a pinned seed
# keeps reruns identical
COMMON_DEFAULTS: dict[str, Any] = {"enable_prefix_caching": True, "seed": 0}

# Defaults that let the engine start where it runs, keyed by vLLM's `current_platform.device_type`;
# a user's option always wins. CPU build: without a KV-cache size it reserves a fraction of *all* RAM
# and refuses to start when that much is not free; compiled mode recompiles for ~70 s at every start,
# which costs more than it saves on a CPU. GPUs keep vLLM's own defaults.
PLATFORM_DEFAULTS: dict[str, dict[str, Any]] = {
    "cpu": {"kv_cache_memory_bytes": 1 << 30, "enforce_eager": True},
}

# Alternative ways to size the KV cache: given one (or the CPU build's environment variable), the
# defaults for the others are dropped rather than fighting it.
MEMORY_OPTIONS = ("kv_cache_memory_bytes", "gpu_memory_utilization")
MEMORY_ENV = "VLLM_CPU_KVCACHE_SPACE"

CONVERT_HINT = "mammoth-math export hf --model gguf:FILE.gguf --output DIR, then use vllm:DIR"

_NOT_OPTIONS = {"self", "model", "kwargs"}


def check_not_gguf(spec: str, target: str) -> None:
    """vLLM (0.32) does not load a .gguf: say how to convert instead of failing inside the engine (or,
    for one of our aliases, looking it up on the hub)."""
    from mammoth_math.generate.registry import MODEL_ALIASES  # here: the registry imports this module

    path = Path(target.removeprefix("gguf:"))
    is_gguf = target.startswith("gguf:") or target.endswith(".gguf") or target in MODEL_ALIASES
    if not is_gguf and path.is_file():
        with open(path, "rb") as f:
            is_gguf = f.read(4) == b"GGUF"
    if is_gguf:
        raise GenerateError(
            f"{spec}: vLLM does not load GGUF files; convert it to an HF directory first: {CONVERT_HINT}"
        )


def engine_parameters(vllm: Any) -> dict[str, Any]:
    """Option name -> annotation (or a string / `inspect.Parameter.empty` when unknown)."""
    params: dict[str, Any] = {f.name: f.type for f in dataclasses.fields(vllm.EngineArgs)}
    for name, p in inspect.signature(vllm.LLM.__init__).parameters.items():
        if p.kind is not inspect.Parameter.VAR_KEYWORD:
            params[name] = p.annotation  # LLM's own signature is resolved; EngineArgs' may be strings
    for name in _NOT_OPTIONS:
        params.pop(name, None)
    return params


def _accepts(annotation: Any, value: Any) -> bool | None:
    """Does `value` fit `annotation`? None when the annotation is too rich to tell (vLLM decides)."""
    origin = typing.get_origin(annotation)
    if origin is typing.Literal:
        return value in typing.get_args(annotation)
    if origin in (typing.Union, types.UnionType):
        verdicts = [_accepts(a, value) for a in typing.get_args(annotation)]
        return True if True in verdicts else (False if all(v is False for v in verdicts) else None)
    if annotation is type(None):
        return value is None
    if annotation is bool:
        return isinstance(value, bool)
    if annotation is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if annotation is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if annotation is str:
        return isinstance(value, str)
    return None


def _describe(annotation: Any) -> str:
    if typing.get_origin(annotation) is typing.Literal:
        return "one of " + ", ".join(repr(a) for a in typing.get_args(annotation))
    return getattr(annotation, "__name__", None) or str(annotation).replace("typing.", "")


def check_options(vllm: Any, spec: str, options: Mapping[str, Any]) -> None:
    """Refuse an option the installed vLLM does not have, or a value of the wrong type, by name."""
    known = engine_parameters(vllm)
    for name, value in options.items():
        if name not in known:
            close = difflib.get_close_matches(name, list(known), n=3)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise GenerateError(
                f"{spec}: engine option {name!r} is not an argument of the installed vLLM "
                f"{getattr(vllm, '__version__', '?')}{hint} (any vllm.EngineArgs field is accepted)"
            )
        if _accepts(known[name], value) is False:
            raise GenerateError(f"{spec}: engine option {name}={value!r}: expected {_describe(known[name])}")


def device_type() -> str:
    """vLLM's platform ("cpu", "cuda", "rocm" ...), read without starting an engine."""
    from vllm.platforms import current_platform

    return str(getattr(current_platform, "device_type", "") or "")


def engine_options(vllm: Any, spec: str, options: Mapping[str, Any], platform: str) -> dict[str, Any]:
    """The checked user options over our defaults for `platform`."""
    check_options(vllm, spec, options)
    defaults = {**COMMON_DEFAULTS, **PLATFORM_DEFAULTS.get(platform, {})}
    if any(k in options for k in MEMORY_OPTIONS) or os.environ.get(MEMORY_ENV):
        for key in MEMORY_OPTIONS:
            defaults.pop(key, None)
    return {**defaults, **options}
