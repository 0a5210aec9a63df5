"""End to end on the tiny random Qwen2: the loss falls, resume continues, the model loads in `hf:`."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from mammoth_math import __version__
from mammoth_math.train import ConfigError, TrainConfig, read_manifest, train
from mammoth_math.train.data import file_sha256

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parents[2]


def _config(mix_path: Path, tokenizer_dir: Path, out: Path, **kw) -> TrainConfig:
    base = TrainConfig(
        model="tiny-qwen2",
        tokenizer=str(tokenizer_dir),
        data=str(mix_path),
        output_dir=str(out),
        max_seq_len=128,  # keeps each step cheap on a shared 2-core machine
        max_steps=24,
        learning_rate=5e-3,
        lr_scheduler="constant",
        warmup_ratio=0.0,
        per_device_batch_size=4,
        precision="fp32",
        logging_steps=1,
        save_steps=12,
    )
    return replace(base, **kw)


@pytest.fixture(scope="module")
def trained(mix_path: Path, tokenizer_dir: Path, tmp_path_factory: pytest.TempPathFactory):
    out = tmp_path_factory.mktemp("tiny") / "model"
    config = _config(mix_path, tokenizer_dir, out)
    return config, train(config)


def test_loss_falls_well_below_start(trained) -> None:
    _, result = trained
    assert result.global_step == 24
    first = result.losses[0][1]
    tail = sum(loss for _, loss in result.losses[-4:]) / 4
    assert first > 9.0  # a random init over a 49k vocabulary starts near ln(49152) ≈ 10.8
    assert tail < 0.6 * first, result.losses


def test_saved_model_and_manifest(trained, mix_path: Path) -> None:
    config, _ = trained
    out = Path(config.output_dir)
    assert (out / "config.json").is_file() and (out / "model.safetensors").is_file()
    assert (out / "tokenizer.json").is_file()
    assert {p.name for p in out.glob("checkpoint-*")} == {"checkpoint-12", "checkpoint-24"}
    manifest = read_manifest(out)
    assert manifest["mammoth_math_version"] == __version__
    assert manifest["data"]["sha256"] == file_sha256(mix_path)
    assert manifest["config"]["learning_rate"] == 5e-3 and manifest["config"]["model"] == "tiny-qwen2"
    assert manifest["resolved"]["precision"] == "fp32"
    assert {"torch", "transformers", "peft"} <= set(manifest["libraries"])
    assert manifest["result"]["global_step"] == 24


def test_refuses_to_clobber_checkpoints_without_resume(trained) -> None:
    config, _ = trained
    with pytest.raises(ConfigError, match="resume=true"):
        train(replace(config, max_steps=30))


def test_resume_continues_from_last_checkpoint(trained) -> None:
    config, _ = trained
    result = train(replace(config, max_steps=30, resume=True))
    assert result.resumed_from is not None and result.resumed_from.endswith("checkpoint-24")
    assert result.global_step == 30
    new_steps = [step for step, _ in result.losses if step > 24]
    assert new_steps == list(range(25, 31))  # only the missing steps ran
    assert read_manifest(config.output_dir)["result"]["resumed_from"].endswith("checkpoint-24")


def test_saved_model_generates_in_hf_backend(trained) -> None:
    from mammoth_math.api import SamplingParams
    from mammoth_math.generate import load_backend
    from mammoth_math.train import format_prompt

    config, _ = trained
    with load_backend(f"hf:{config.output_dir}") as backend:
        gens = backend.generate([format_prompt("What is 2 + 3?")], SamplingParams(max_tokens=8))
    completion = gens[0].completions[0]
    assert completion.finish_reason in ("stop", "length") and completion.error is None
    assert completion.completion_tokens > 0


def test_cli_lora_run_saves_adapter_and_merged_weights(
    mix_path: Path, tokenizer_dir: Path, tmp_path: Path, capsys
) -> None:
    from mammoth_math.cli import main

    out = tmp_path / "lora"
    argv = [
        "train",
        "--config",
        str(REPO / "recipes" / "train" / "cpu_smoke_tiny_qwen2.yaml"),
        f"data={mix_path}",
        f"output_dir={out}",
        f"tokenizer={tokenizer_dir}",
        "max_steps=3",
        "max_seq_len=96",
        "lora=true",
        "lora_r=4",
    ]
    assert main(argv) == 0
    assert "trained 3 steps" in capsys.readouterr().out
    assert (out / "adapter" / "adapter_config.json").is_file()
    weights = json.loads((out / "config.json").read_text())
    assert weights["model_type"] == "qwen2"
    # merged weights: a plain transformers load, no PEFT needed
    from safetensors import safe_open

    with safe_open(str(out / "model.safetensors"), "pt") as f:
        assert not any("lora_" in k for k in f.keys())  # noqa: SIM118
    assert read_manifest(out)["config"]["lora"] is True
    # bad data → a clear error naming file and line, exit code 2, nothing trained
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"instruction": "x"}\n')
    assert main(["train", f"data={bad}", f"output_dir={tmp_path / 'x'}"]) == 2
    assert "bad.jsonl:1: field 'output'" in capsys.readouterr().err
