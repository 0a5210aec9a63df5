"""A GGUF -> a Hugging Face model directory (config.json, safetensors weights, tokenizer files).

For engines that read only HF directories (vLLM 0.32 does not load a `.gguf`). The weights are loaded
by the same function training uses for `gguf:` and `smollm2` bases (`train.models.load_gguf_model`), so
a converted directory holds exactly what a training run would have started from. Quantized GGUF
weights come out dequantized (dense), in `dtype`. torch and transformers load only when it runs.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from mammoth_math.export.archs import ExportError
from mammoth_math.train.models import gguf_path, load_gguf_model, load_tokenizer

# --dtype name -> torch attribute; float32 keeps the dequantized values exactly
DTYPES = ("float32", "bfloat16", "float16")


def _log(message: str) -> None:
    print(f"[export] {message}", file=sys.stderr, flush=True)


def source_gguf(model: str) -> Path:
    """The GGUF file `--model` names (gguf:FILE, a bare FILE.gguf, or smollm2), checked to be one."""
    path = gguf_path(model)
    if path is None:
        raise ExportError(f"--model: expected gguf:FILE.gguf (or smollm2), got {model!r}")
    if not path.is_file():
        raise ExportError(f"--model: {path}: no such GGUF file")
    with open(path, "rb") as f:
        if f.read(4) != b"GGUF":
            raise ExportError(f"--model: {path}: not a GGUF file (no GGUF magic)")
    return path


def _check_output(out: Path) -> None:
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise ExportError(f"--output: {out} exists and is not an empty directory; choose a new one")


def export_hf(model: str, output: str | os.PathLike[str], *, dtype: str = "float32") -> dict[str, Any]:
    """Convert the GGUF `model` names into an HF directory at `output`; returns what was written.

    Written into a temporary sibling directory and renamed into place at the end, so an interrupted
    conversion never leaves a directory that looks complete.
    """
    if dtype not in DTYPES:
        raise ExportError(f"--dtype must be one of {', '.join(DTYPES)}, got {dtype!r}")
    path = source_gguf(model)
    out = Path(output)
    _check_output(out)
    import torch

    started = time.perf_counter()
    _log(f"loading {path} (dequantizing to {dtype})")
    hf_model = load_gguf_model(path, getattr(torch, dtype))
    tok = load_tokenizer(f"gguf:{path}")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        hf_model.save_pretrained(tmp)
        tok.save_pretrained(tmp)
        if out.exists():
            out.rmdir()  # empty, checked above
        os.replace(tmp, out)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    info = {
        "output": str(out),
        "source": str(path),
        "model_type": hf_model.config.model_type,
        "parameters": sum(p.numel() for p in hf_model.parameters()),
        "dtype": dtype,
        "chat_template": bool(getattr(tok, "chat_template", None)),
        "seconds": round(time.perf_counter() - started, 1),
    }
    _log(f"wrote {out} ({info['parameters']:,} parameters, {info['seconds']} s)")
    return info
