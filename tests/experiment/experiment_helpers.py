"""Helpers for the experiment tests. A tiny experiment: the random tiny Qwen2 (SmolLM2's tokenizer, from its GGUF), LoRA for 4 steps on 4
GSM8K rows per arm, cot / pot / hybrid (their union) arms, 2 problems of GSM8K and SVAMP in three modes."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

TINY: dict[str, Any] = {
    "name": "tiny",
    "base_model": "tiny-qwen2",
    "tokenizer": "smollm2",
    "train": {
        "max_seq_len": 192, "max_steps": 4, "learning_rate": 5.0e-3, "lr_scheduler": "constant",
        "warmup_ratio": 0.0, "per_device_batch_size": 4, "precision": "fp32", "logging_steps": 1,
        "save_steps": 1, "lora": True, "lora_r": 4,
    },
    "arms": {
        "cot": {"mix": {"sources": [{"source": "gsm8k", "rationale": "cot", "limit": 4}],
                        "decontaminate": {"benchmarks": ["gsm8k"]}}},
        "pot": {"mix": {"sources": [{"source": "gsm8k", "rationale": "pot", "limit": 4}],
                        "decontaminate": {"benchmarks": ["gsm8k"]}}},
        "hybrid": {"union": ["cot", "pot"]},
    },
    "eval": {
        "benchmarks": ["gsm8k", "svamp"], "limit": 2, "modes": ["cot", "pot", "hybrid"],
        "prompt_style": "alpaca", "max_tokens": 16, "batch_size": 1,
        # one slot and no prompt cache: llama.cpp's greedy output is then bit-exact across restarts
        "backend_options": {"n_ctx": 512, "n_parallel": 1, "cache_prompt": False},
    },
    "export": {"type": "f32"},
    "cost": {"train_seconds_per_row": 0.1, "export_seconds": 1, "curate_seconds": 3, "tokens_per_second": 200},
}  # fmt: skip


def tiny_spec() -> dict[str, Any]:
    return copy.deepcopy(TINY)


def write_spec(path: Path, data: dict[str, Any]) -> Path:
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def table_of(root: Path) -> dict[str, Any]:
    """compare.json without the run folders and model paths (which differ between experiment folders)."""
    import json

    result = json.loads((root / "compare.json").read_text())
    for run in result["runs"]:
        run.pop("path")
        run.pop("model")
    return result


def generations_of(root: Path) -> dict[str, list]:
    """Every eval run's raw generations and answers, per arm/mode: what the models actually said (the
    tiny models score 0 everywhere, so equal tables alone would prove little)."""
    import json

    out = {}
    for samples in sorted(root.glob("*/eval-*/samples.jsonl")):
        rows = [json.loads(line) for line in samples.read_text().splitlines()]
        out[f"{samples.parent.parent.name}/{samples.parent.name}"] = [
            (r["benchmark"], r["id"], r["solve"]["raw"], r["solve"]["answer"]) for r in rows
        ]
    return out
