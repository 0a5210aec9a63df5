"""Model backends behind one small interface, and the models we ship.

    from mammoth_math.generate import load_backend
    with load_backend("smollm2") as backend:
        gens = backend.generate(["2 + 2 ="], SamplingParams(max_tokens=8))

Heavy libraries (xllamacpp, torch, transformers, httpx, vllm) load only when a backend is built.
"""

from mammoth_math.common.models import (
    DEFAULT_MODEL,
    QWEN05B_MODEL,
    ChunkedModel,
    ModelAssemblyError,
    assemble_chunks,
    default_model_path,
    qwen05b_path,
    smollm2_path,
)
from mammoth_math.generate.base import GenerateError
from mammoth_math.generate.registry import (
    BACKENDS,
    MODEL_ALIASES,
    ModelSpec,
    load_backend,
    resolve_model_spec,
)

__all__ = [
    "BACKENDS",
    "DEFAULT_MODEL",
    "MODEL_ALIASES",
    "QWEN05B_MODEL",
    "ChunkedModel",
    "GenerateError",
    "ModelAssemblyError",
    "ModelSpec",
    "assemble_chunks",
    "default_model_path",
    "load_backend",
    "qwen05b_path",
    "resolve_model_spec",
    "smollm2_path",
]
