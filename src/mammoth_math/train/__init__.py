"""Supervised fine-tuning on MathInstruct-format data (HF Trainer + PEFT), from CPU smoke runs to
multi-node GPUs via accelerate/torchrun. Heavy libraries load only when `train()` runs."""

from mammoth_math.train.config import ConfigError, TrainConfig, config_from_dict, load_config
from mammoth_math.train.data import (
    ALPACA_TEMPLATE,
    IGNORE_INDEX,
    Collator,
    TrainDataError,
    encode_examples,
    format_prompt,
    pack_features,
    read_examples,
)
from mammoth_math.train.manifest import MANIFEST_NAME, read_manifest
from mammoth_math.train.models import base_gguf
from mammoth_math.train.recipe import TrainResult, train

__all__ = [
    "ALPACA_TEMPLATE",
    "IGNORE_INDEX",
    "MANIFEST_NAME",
    "Collator",
    "ConfigError",
    "TrainConfig",
    "TrainDataError",
    "TrainResult",
    "base_gguf",
    "config_from_dict",
    "encode_examples",
    "format_prompt",
    "load_config",
    "pack_features",
    "read_examples",
    "read_manifest",
    "train",
]
