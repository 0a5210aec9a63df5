"""Config loading: YAML + key=value overrides, type checks, and every shipped recipe/launch config parses."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from mammoth_math.train.config import ConfigError, TrainConfig, load_config

REPO = Path(__file__).resolve().parents[2]


def test_overrides_apply_in_order_and_coerce_types(tmp_path: Path) -> None:
    cfg_file = tmp_path / "c.yaml"
    cfg_file.write_text("data: a.jsonl\nmax_steps: 5\nlearning_rate: 2.0e-5\n")
    cfg = load_config(
        cfg_file, ["max_steps=7", "learning_rate=1e-3", "lora=true", "lora_target_modules=[q_proj,v_proj]"]
    )
    assert cfg.max_steps == 7
    assert cfg.learning_rate == pytest.approx(1e-3)  # YAML 1.1 reads "1e-3" as a string; we accept it
    assert cfg.lora is True
    assert cfg.lora_target_modules == ["q_proj", "v_proj"]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (["data=a.jsonl", "max_step=3"], "unknown key 'max_step'"),
        (["data=a.jsonl", "max_steps=three"], "max_steps: expected int"),
        (["data=a.jsonl", "lora=maybe"], "lora: expected bool"),
        (["data=a.jsonl", "template=vicuna"], "template"),
        (["max_steps=3"], "data: required"),
        (["data=a.jsonl", "qlora=true"], "qlora: needs lora=true"),
        (["data=a.jsonl", "noequals"], "expected key=value"),
    ],
)
def test_bad_config_names_the_key(overrides: list[str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_config(None, overrides)


def test_bad_yaml_names_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("- just\n- a list\n")
    with pytest.raises(ConfigError, match=r"bad\.yaml: expected a mapping"):
        load_config(bad)


def test_effective_batch_derives_accumulation() -> None:
    cfg = TrainConfig(data="x", per_device_batch_size=4, effective_batch_size=128)
    assert cfg.grad_accumulation(1) == 32
    assert cfg.grad_accumulation(8) == 4
    with pytest.raises(ConfigError, match="effective_batch_size"):
        cfg.grad_accumulation(3)


@pytest.mark.parametrize("recipe", sorted((REPO / "recipes" / "train").glob("*.yaml")), ids=lambda p: p.stem)
def test_shipped_recipes_parse(recipe: Path) -> None:
    cfg = load_config(recipe)
    if recipe.stem.startswith("mammoth_"):
        # MAmmoTH's hyperparameters: 3 epochs, cosine, warmup 0.03, wd 0, effective batch 128
        assert (cfg.epochs, cfg.lr_scheduler, cfg.warmup_ratio, cfg.weight_decay) == (3, "cosine", 0.03, 0.0)
        assert cfg.effective_batch_size == 128
        big = "34b" in recipe.stem or "70b" in recipe.stem
        assert cfg.learning_rate == (1e-5 if big else 2e-5)
        if big:
            assert cfg.deepspeed and (REPO / cfg.deepspeed).is_file()


def test_accelerate_configs_parse() -> None:
    acc = REPO / "configs" / "accelerate"
    fsdp = yaml.safe_load((acc / "fsdp_full_shard.yaml").read_text())
    assert fsdp["distributed_type"] == "FSDP"
    assert fsdp["fsdp_config"]["fsdp_sharding_strategy"] == "FULL_SHARD"
    assert fsdp["fsdp_config"]["fsdp_auto_wrap_policy"] == "TRANSFORMER_BASED_WRAP"
    ds = yaml.safe_load((acc / "deepspeed_zero3.yaml").read_text())
    ds_json = json.loads((REPO / ds["deepspeed_config"]["deepspeed_config_file"]).read_text())
    assert ds_json["zero_optimization"]["stage"] == 3
    assert yaml.safe_load((acc / "single_gpu.yaml").read_text())["num_processes"] == 1
