"""Multi-process training on CPU, for real: `accelerate launch --multi_gpu --num_processes 2` (gloo; on a
machine without GPUs accelerate's "multi_gpu" launcher starts CPU ranks) runs our `train`.

Tolerance. 2 ranks × batch b and 1 process × batch 2b do the same arithmetic: the Trainer divides each
rank's summed token loss by the token count of the *global* batch (transformers' default
`average_tokens_across_devices`) and DDP averages gradients, so both minimise the same token-weighted
mean on the same rows, in the same order (same seed; the length-grouped sampler's mega-batches come out
equal here, see docs/train.md). What differs is float summation order (the all-reduce, matmuls over
different pad widths): measured ≤ 1.2e-5 over 9 steps at loss ≈ 10. We allow LOSS_TOL = 1e-4, ~10× that
noise; the smallest real divergence we saw (one rank repeating rows to even out the last batch of an
epoch, 14 rows / global batch 4) moved the very next loss by 0.067, ~700× the tolerance.

Rows: every row must fit max_seq_len and the row count must divide by the global batch; otherwise
accelerate's `even_batches` pads a short last batch with rows from the start on one rank only.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import sys
from pathlib import Path

import pytest
from launch_helpers import REPO, logged_losses, train_launched, train_one_process

from mammoth_math.curate import convert, parse_recipe, write_train_jsonl
from mammoth_math.train import read_manifest

pytestmark = pytest.mark.slow
LOSS_TOL = 1e-4
DDP = ["--multi_gpu", "--num_processes", "2"]
FSDP_YAML = REPO / "configs" / "accelerate" / "fsdp_full_shard.yaml"


@pytest.fixture(scope="module")
def mix16(data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """16 rows (8 GSM8K train problems as CoT and PoT), all shorter than 256 tokens."""
    recipe = parse_recipe(
        {"sources": [{"source": "gsm8k", "rationale": r, "limit": 8} for r in ("cot", "pot")]}
    )
    return write_train_jsonl(convert(recipe, data_dir), tmp_path_factory.mktemp("mix16") / "train.jsonl")


def _tiny(mix16: Path, tokenizer_dir: Path, out: Path, *extra: str) -> list[str]:
    return [
        "model=tiny-qwen2",
        f"tokenizer={tokenizer_dir}",
        f"data={mix16}",
        f"output_dir={out}",
        "max_seq_len=256",
        "learning_rate=5e-3",  # large enough that a wrong gradient shows in the next loss
        "lr_scheduler=constant",  # so a 6-step run and a 9-step run share one schedule
        "warmup_ratio=0.0",
        "precision=fp32",
        "logging_steps=1",
        "save_steps=3",
        *extra,
    ]


def _assert_close(got: dict[int, float], want: dict[int, float], steps: range) -> None:
    diffs = {s: abs(got[s] - want[s]) for s in steps}
    assert max(diffs.values()) <= LOSS_TOL, {s: (got[s], want[s], d) for s, d in diffs.items()}


@pytest.fixture(scope="module")
def tiny_runs(mix16: Path, tokenizer_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Reference: 1 process, batch 4, 9 steps. Under test: 2 ranks, batch 2 each, stopped at step 6."""
    root = tmp_path_factory.mktemp("tiny_mp")
    ref = train_one_process(
        _tiny(mix16, tokenizer_dir, root / "ref", "per_device_batch_size=4", "max_steps=9")
    )
    two = train_launched(
        DDP,
        _tiny(
            mix16,
            tokenizer_dir,
            root / "ddp",
            "per_device_batch_size=2",
            "effective_batch_size=4",  # accumulation derived from the world size: 4 / (2 x 2) = 1
            "max_steps=6",
        ),
    )
    return {"root": root, "ref": ref.check(), "two": two.check(), "ref_losses": logged_losses(root / "ref")}


def test_two_ranks_match_one_process_at_twice_the_batch(tiny_runs) -> None:
    manifest = read_manifest(tiny_runs["root"] / "ddp")
    assert manifest["resolved"]["world_size"] == 2
    assert manifest["resolved"]["gradient_accumulation_steps"] == 1
    assert manifest["data"]["encoding"]["kept"] == 16  # see the module docstring: 16 / 4 has no remainder
    losses = logged_losses(tiny_runs["root"] / "ddp")
    assert sorted(losses) == list(range(1, 7))
    _assert_close(losses, tiny_runs["ref_losses"], range(1, 7))
    print(f"tiny-qwen2: 1 process {tiny_runs['ref'].seconds:.1f}s, 2 ranks {tiny_runs['two'].seconds:.1f}s")


def test_two_rank_run_writes_once_and_its_model_generates(tiny_runs) -> None:
    from mammoth_math.api import SamplingParams
    from mammoth_math.generate import load_backend
    from mammoth_math.train import format_prompt

    out = tiny_runs["root"] / "ddp"
    assert tiny_runs["two"].output.count("trained 6 steps") == 1  # the CLI's line, from rank 0 only
    assert not list(out.glob("*.tmp"))
    ckpt = out / "checkpoint-6"
    assert {p.name for p in ckpt.glob("rng_state_*.pth")} == {"rng_state_0.pth", "rng_state_1.pth"}
    with load_backend(f"hf:{out}") as backend:
        gens = backend.generate([format_prompt("What is 2 + 3?")], SamplingParams(max_tokens=8))
    completion = gens[0].completions[0]
    assert completion.error is None and completion.completion_tokens > 0


def test_two_rank_resume_continues_from_the_checkpoint(tiny_runs, mix16: Path, tokenizer_dir: Path) -> None:
    out = tiny_runs["root"] / "ddp"
    resumed = train_launched(
        DDP,
        [
            *_tiny(mix16, tokenizer_dir, out, "per_device_batch_size=2", "effective_batch_size=4"),
            "max_steps=9",
            "resume=true",
        ],
    ).check()
    assert "resumed from" in resumed.output and "checkpoint-6" in resumed.output
    manifest = read_manifest(out)
    assert manifest["result"]["resumed_from"].endswith("checkpoint-6")
    assert manifest["result"]["global_step"] == 9
    losses = logged_losses(out)
    assert sorted(losses) == list(range(1, 10))  # steps 1-6 from the checkpoint's history, 7-9 new
    # Model, optimiser, RNG and data position all came back: steps 7-9 are the uninterrupted run's.
    _assert_close(losses, tiny_runs["ref_losses"], range(7, 10))


def test_smollm2_lora_two_ranks_match_one_process(mix16: Path, tokenizer_dir: Path, tmp_path: Path) -> None:
    def lora(out: Path, batch: int) -> list[str]:
        return [
            "model=smollm2",
            f"tokenizer={tokenizer_dir}",  # SmolLM2's own, converted once: not again in every process
            f"data={mix16}",
            f"output_dir={out}",
            "limit=8",
            "max_seq_len=256",
            "max_steps=3",
            "learning_rate=3e-4",
            "lr_scheduler=constant",
            "warmup_ratio=0.0",
            "precision=fp32",
            "lora=true",
            "lora_r=8",
            "lora_dropout=0.0",  # dropout masks come from each rank's own RNG stream: not comparable
            f"per_device_batch_size={batch}",
            "logging_steps=1",
            "save_steps=3",
        ]

    ref = train_one_process(lora(tmp_path / "ref", 2)).check()
    two = train_launched(DDP, lora(tmp_path / "ddp", 1)).check()
    assert read_manifest(tmp_path / "ddp")["resolved"]["world_size"] == 2
    _assert_close(logged_losses(tmp_path / "ddp"), logged_losses(tmp_path / "ref"), range(1, 4))
    out = tmp_path / "ddp"
    assert (out / "adapter" / "adapter_config.json").is_file()
    from mammoth_math.api import SamplingParams
    from mammoth_math.generate import load_backend
    from mammoth_math.train import format_prompt

    with load_backend(f"hf:{out}") as backend:  # the merged weights, no PEFT needed
        gens = backend.generate([format_prompt("What is 2 + 3?")], SamplingParams(max_tokens=8))
    assert gens[0].completions[0].completion_tokens > 0
    print(f"smollm2 LoRA: 1 process {ref.seconds:.1f}s, 2 ranks {two.seconds:.1f}s")


def _fsdp_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """The FSDP_* environment `accelerate launch --config_file fsdp_full_shard.yaml` gives each rank,
    built by accelerate's own launcher code from our YAML."""
    from accelerate.commands.launch import _validate_launch_command, launch_command_parser
    from accelerate.utils.launch import prepare_multi_gpu_env

    argv = ["--config_file", str(FSDP_YAML), "--num_processes", "2", "--main_process_port", "29500", "x.py"]
    args, _, _ = _validate_launch_command(launch_command_parser().parse_args(argv))
    assert args.use_fsdp and args.fsdp_sharding_strategy == "FULL_SHARD"
    for key, value in prepare_multi_gpu_env(args).items():
        if key.startswith(("FSDP_", "ACCELERATE_")):
            monkeypatch.setenv(key, value)


def test_fsdp_config_wraps_each_decoder_layer(monkeypatch: pytest.MonkeyPatch) -> None:
    """What can be checked of the FSDP config without a GPU: accelerate reads it as full shard with
    transformer-layer wrap, and that wrap picks each base's decoder layer (from `_no_split_modules`)."""
    import torch
    from accelerate.utils import FullyShardedDataParallelPlugin
    from transformers import (
        LlamaConfig,
        LlamaForCausalLM,
        MistralConfig,
        MistralForCausalLM,
        Qwen2Config,
        Qwen2ForCausalLM,
    )

    _fsdp_env(monkeypatch)
    if not torch.cuda.is_available():
        # The shipped config (sync_module_states, cpu_ram_efficient_loading) needs a device to sync to;
        # accelerate <= 1.15 and >= 1.16 word the refusal differently.
        refusal = "no available devices found|sync_module_states=True. is not supported on cpu"
        with pytest.raises(RuntimeError, match=refusal):
            FullyShardedDataParallelPlugin()
        monkeypatch.setenv("FSDP_SYNC_MODULE_STATES", "false")
        monkeypatch.setenv("FSDP_CPU_RAM_EFFICIENT_LOADING", "false")
    dims = {"hidden_size": 64, "intermediate_size": 128, "num_hidden_layers": 2}
    dims |= {"num_attention_heads": 4, "num_key_value_heads": 2, "vocab_size": 256}
    for config_cls, model_cls, layer in (
        (Qwen2Config, Qwen2ForCausalLM, "Qwen2DecoderLayer"),
        (LlamaConfig, LlamaForCausalLM, "LlamaDecoderLayer"),  # Llama 2, CodeLlama, SmolLM2
        (MistralConfig, MistralForCausalLM, "MistralDecoderLayer"),
    ):
        plugin = FullyShardedDataParallelPlugin()  # one per model: it keeps the first policy it derives
        assert str(plugin.sharding_strategy).endswith("FULL_SHARD")
        assert str(plugin.state_dict_type).endswith("FULL_STATE_DICT")
        with torch.device("meta"):
            model = model_cls(config_cls(**dims))
        plugin.set_auto_wrap_policy(model)
        wrapped = plugin.auto_wrap_policy.keywords["transformer_layer_cls"]
        assert {c.__name__ for c in wrapped} == {layer}


def test_fsdp_launch_on_cpu_is_refused_not_run_as_ddp(
    mix16: Path, tokenizer_dir: Path, tmp_path: Path
) -> None:
    """accelerate on CPU turns the FSDP config into plain DDP without a word; our train refuses."""
    launch = ["--config_file", str(FSDP_YAML), "--num_processes", "2"]
    launch += ["--fsdp_sync_module_states", "false", "--fsdp_cpu_ram_efficient_loading", "false"]
    run = train_launched(launch, _tiny(mix16, tokenizer_dir, tmp_path / "fsdp", "max_steps=1"))
    assert run.returncode != 0
    assert "fsdp: FSDP was requested but accelerate set up DistributedType.MULTI_CPU" in run.output
    assert not (tmp_path / "fsdp" / "model.safetensors").exists()


def _deepspeed_python() -> str | None:
    """DeepSpeed is an optional extra, not in the main venv: this interpreter when it has it, else the
    one MAMMOTH_DEEPSPEED_PYTHON names (a venv with `mammoth-math[hf,deepspeed]`)."""
    if importlib.util.find_spec("deepspeed") is not None:
        return sys.executable
    other = os.environ.get("MAMMOTH_DEEPSPEED_PYTHON")
    return other if other and shutil.which(other) else None


def test_deepspeed_zero3_two_cpu_ranks(tiny_runs, mix16: Path, tokenizer_dir: Path, tmp_path: Path) -> None:
    python = _deepspeed_python()
    if python is None:
        pytest.skip("deepspeed not installed here; set MAMMOTH_DEEPSPEED_PYTHON to a venv's python with it")
    acc = REPO / "configs" / "accelerate"
    out = tmp_path / "zero3"
    run = train_launched(
        ["--config_file", str(acc / "deepspeed_zero3.yaml"), "--num_processes", "2"],
        _tiny(
            mix16,
            tokenizer_dir,
            out,
            "per_device_batch_size=2",
            "max_steps=3",
            f"deepspeed={acc / 'ds_zero3.json'}",
        ),
        python=python,
    ).check()
    manifest = read_manifest(out)
    assert manifest["resolved"]["world_size"] == 2 and "deepspeed" in manifest["libraries"]
    # ZeRO-3 really partitioned: one parameter/optimizer shard per rank in the checkpoint
    shards = {p.name for p in (out / "checkpoint-3" / "global_step3").iterdir()}
    assert {f"zero_pp_rank_{r}_mp_rank_00_optim_states.pt" for r in (0, 1)} <= shards
    _assert_close(logged_losses(out), tiny_runs["ref_losses"], range(1, 4))
    weights = json.loads((out / "config.json").read_text())
    assert weights["model_type"] == "qwen2" and (out / "model.safetensors").is_file()
    print(f"ZeRO-3 on 2 CPU ranks: {run.seconds:.1f}s")
