"""The training config: one flat dataclass, read from YAML and overridden by `key=value` pairs.

Flat on purpose: every knob is one `key=value` away on the command line, and the resolved config is
written verbatim into `mammoth_training.json` beside the weights.
"""

from __future__ import annotations

import dataclasses
import os
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml


class ConfigError(ValueError):
    """A bad config file or override; the message names the file and the key."""


@dataclass
class TrainConfig:
    # --- what to train on what ---
    model: str = "tiny-qwen2"  # hf dir / hub id, "gguf:FILE.gguf", "smollm2", "tiny-qwen2"
    data: str = ""  # MathInstruct JSONL (instruction, output, source[, rationale])
    output_dir: str = "runs/train"
    tokenizer: str | None = None  # defaults to the model's own; tiny-qwen2 defaults to "smollm2"
    tiny_model: dict[str, int] = field(default_factory=dict)  # Qwen2Config overrides for tiny-qwen2
    limit: int | None = None  # use only the first N rows (smoke runs)
    # --- prompt and sequences ---
    template: str = "alpaca"  # "alpaca" (MAmmoTH's, fixed) | "chat" (the tokenizer's chat template)
    max_seq_len: int = 1024
    packing: bool = False
    # --- optimisation (defaults = MAmmoTH 7B/13B) ---
    epochs: float = 3.0
    max_steps: int = -1  # > 0 overrides epochs
    learning_rate: float = 2e-5
    lr_scheduler: str = "cosine"
    warmup_ratio: float = 0.03
    weight_decay: float = 0.0
    max_grad_norm: float = 1.0
    per_device_batch_size: int = 1
    gradient_accumulation_steps: int = 1
    effective_batch_size: int | None = None  # if set: derives gradient_accumulation_steps from world size
    gradient_checkpointing: bool = False
    precision: str = "auto"  # auto (bf16 where supported, else fp32) | fp32 | bf16 | fp16
    group_by_length: bool = True  # fewer pad tokens per batch; see docs/train.md
    seed: int = 42
    # --- LoRA / QLoRA ---
    lora: bool = False
    lora_r: int = 16
    lora_alpha: int = 32
    lora_dropout: float = 0.05
    lora_target_modules: list[str] | str = "all-linear"
    qlora: bool = False  # 4-bit base weights via bitsandbytes; CUDA only
    merge_lora: bool = True  # also save merged full weights so `hf:OUTPUT_DIR` loads directly
    # --- checkpoints and logs ---
    save_steps: int = 500
    save_total_limit: int | None = 2
    logging_steps: int = 10
    resume: bool = False  # continue from the last checkpoint-N in output_dir
    overwrite: bool = False  # allow starting fresh in an output_dir that already has checkpoints
    # --- scale-out ---
    deepspeed: str | None = None  # ZeRO json; must be set here (not only in accelerate) for ZeRO-3 init
    fsdp: str = ""  # e.g. "full_shard auto_wrap" when launched without an accelerate FSDP config
    fsdp_config: dict[str, Any] = field(default_factory=dict)
    ddp_find_unused_parameters: bool = False  # true only for models a step may not fully use (MoE)
    dataloader_num_workers: int = 0
    report_to: str = "none"

    def validate(self) -> None:
        if not self.data:
            raise ConfigError("data: required (a MathInstruct JSONL file, e.g. DIR/train.jsonl from curate)")
        if self.template not in ("alpaca", "chat"):
            raise ConfigError(f"template: expected 'alpaca' or 'chat', got {self.template!r}")
        if self.precision not in ("auto", "fp32", "bf16", "fp16"):
            raise ConfigError(f"precision: expected auto/fp32/bf16/fp16, got {self.precision!r}")
        for name in ("max_seq_len", "per_device_batch_size", "gradient_accumulation_steps", "save_steps"):
            if getattr(self, name) < 1:
                raise ConfigError(f"{name}: must be >= 1, got {getattr(self, name)}")
        if self.max_seq_len < 16:
            raise ConfigError(f"max_seq_len: must be >= 16, got {self.max_seq_len}")
        if self.max_steps <= 0 and self.epochs <= 0:
            raise ConfigError("epochs: must be > 0 unless max_steps > 0")
        if not 0 <= self.warmup_ratio < 1:
            raise ConfigError(f"warmup_ratio: must be in [0, 1), got {self.warmup_ratio}")
        if self.qlora and not self.lora:
            raise ConfigError("qlora: needs lora=true")
        if self.limit is not None and self.limit < 1:
            raise ConfigError(f"limit: must be >= 1, got {self.limit}")

    def grad_accumulation(self, world_size: int) -> int:
        """Gradient accumulation steps; `effective_batch_size` wins so recipes keep MAmmoTH's 128."""
        if self.effective_batch_size is None:
            return self.gradient_accumulation_steps
        per_step = self.per_device_batch_size * world_size
        if self.effective_batch_size % per_step:
            raise ConfigError(
                f"effective_batch_size: {self.effective_batch_size} is not a multiple of "
                f"per_device_batch_size ({self.per_device_batch_size}) x world size ({world_size})"
            )
        return self.effective_batch_size // per_step

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


_FIELDS = {f.name: f for f in dataclasses.fields(TrainConfig)}
_HINTS = typing.get_type_hints(TrainConfig)


def load_config(
    path: str | os.PathLike[str] | None = None, overrides: list[str] | None = None
) -> TrainConfig:
    """A validated config from a YAML file (optional) plus `key=value` overrides (applied in order)."""
    values: dict[str, Any] = {}
    where = "config"
    if path is not None:
        where = str(path)
        try:
            raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError(f"{path}: no such config file") from None
        except yaml.YAMLError as e:
            raise ConfigError(f"{path}: not valid YAML: {e}") from None
        if raw is None:
            raw = {}
        if not isinstance(raw, dict):
            raise ConfigError(f"{path}: expected a mapping of key: value, got {type(raw).__name__}")
        for key, value in raw.items():
            values[key] = _coerce(str(key), value, where)
    for item in overrides or []:
        key, sep, text = item.partition("=")
        if not sep or not key:
            raise ConfigError(f"override {item!r}: expected key=value")
        values[key.strip()] = _coerce(key.strip(), yaml.safe_load(text) if text else "", "override")
    config = TrainConfig(**values)
    try:
        config.validate()
    except ConfigError as e:
        raise ConfigError(f"{where}: {e}") from None
    return config


def config_from_dict(values: dict[str, Any], where: str = "config", *, validate: bool = True) -> TrainConfig:
    """A config from a mapping (an experiment spec's `train:` block); errors name `where`. With
    validate=False only keys and types are checked (a block of defaults that arms complete)."""
    if not isinstance(values, dict):
        raise ConfigError(f"{where}: expected a mapping of key: value, got {type(values).__name__}")
    config = TrainConfig(**{str(k): _coerce(str(k), v, where) for k, v in values.items()})
    if not validate:
        return config
    try:
        config.validate()
    except ConfigError as e:
        raise ConfigError(f"{where}: {e}") from None
    return config


def _coerce(key: str, value: Any, where: str) -> Any:
    """Check one value against the field's type; YAML gives us ints/floats/bools/lists already."""
    if key not in _FIELDS:
        close = ", ".join(n for n in _FIELDS if n.split("_")[0] == key.split("_")[0]) or "see docs/train.md"
        raise ConfigError(f"{where}: unknown key {key!r} (similar: {close})")
    hint = _HINTS[key]
    options = typing.get_args(hint) if _is_union(hint) else (hint,)
    if value is None:
        if type(None) in options:
            return None
        raise ConfigError(f"{where}: {key}: may not be null")
    if isinstance(value, str) and float in options:
        try:
            value = float(value)  # YAML 1.1 reads "1e-3" (no dot) as a string
        except ValueError:
            pass
    for option in options:
        origin = typing.get_origin(option) or option
        if origin is float and isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
        if origin is int and isinstance(value, int) and not isinstance(value, bool):
            return value
        if origin is bool and isinstance(value, bool):
            return value
        if origin is str and isinstance(value, (str, int, float)) and not isinstance(value, bool):
            return str(value)
        if origin in (list, dict) and isinstance(value, origin):
            return value
    names = " | ".join(getattr(o, "__name__", str(o)) for o in options)
    raise ConfigError(f"{where}: {key}: expected {names}, got {type(value).__name__} {value!r:.60}")


def _is_union(hint: Any) -> bool:
    return typing.get_origin(hint) in (typing.Union, types.UnionType)
