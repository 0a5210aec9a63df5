"""The SFT recipe: HF `Trainer` (+ PEFT for LoRA/QLoRA) on response-only labels; no hand-written loop.

We use `Trainer` with our own tokenization rather than TRL's `SFTTrainer` so the prompt masking,
truncation and packing rules are ours, small and tested; everything else (optimiser, schedule,
mixed precision, gradient accumulation, checkpoints, resume, FSDP/DeepSpeed via accelerate) is the
standard Trainer path, which is what makes `accelerate launch` / `torchrun` scale-out work unchanged.
"""

from __future__ import annotations

import os
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from mammoth_math.train.config import ConfigError, TrainConfig
from mammoth_math.train.data import Collator, TrainDataError, encode_examples, pack_features, read_examples
from mammoth_math.train.manifest import data_provenance, write_manifest
from mammoth_math.train.models import load_model_and_tokenizer


@dataclass
class TrainResult:
    output_dir: str
    global_step: int
    train_loss: float
    losses: list[tuple[int, float]] = field(default_factory=list)  # (step, logged loss)
    resumed_from: str | None = None
    runtime_s: float = 0.0
    train_tokens: int = 0  # non-pad tokens seen (prompt + response), all epochs
    manifest: str = ""
    main_process: bool = True  # False on the other ranks of a multi-process run (they write nothing)


def resolve_precision(precision: str) -> str:
    """ "auto" → bf16 on GPUs that support it, fp32 otherwise (CPU included: CPU bf16 is slow and lossy)."""
    import torch

    if precision != "auto":
        if precision in ("bf16", "fp16") and not torch.cuda.is_available():
            raise ConfigError(f"precision: {precision} needs a CUDA GPU; use precision=fp32 on CPU")
        return precision
    if torch.cuda.is_available() and torch.cuda.is_bf16_supported():
        return "bf16"
    return "fp32"


def _steps(out: Path) -> list[tuple[int, Path]]:
    found = []
    for d in out.glob("checkpoint-*") if out.is_dir() else []:
        tail = d.name.removeprefix("checkpoint-")
        if d.is_dir() and tail.isdigit():
            found.append((int(tail), d))
    return sorted(found, reverse=True)


def _any_checkpoint(out: Path) -> str | None:
    steps = _steps(out)
    return str(steps[0][1]) if steps else None


def last_complete_checkpoint(out: Path) -> str | None:
    """The newest checkpoint-N whose trainer_state.json (Trainer writes it last) reads back; newer ones
    are what a kill -9 mid-save left behind, and are removed so Trainer never resumes from half a save."""
    import json
    import shutil

    for _, d in _steps(out):
        try:
            json.loads((d / "trainer_state.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            print(f"resume: {d.name} is incomplete (interrupted while saving); removing it", file=sys.stderr)
            # Every rank of a multi-process run gets here at start-up, before any barrier: tolerate
            # another rank having removed (part of) it first.
            shutil.rmtree(d, ignore_errors=True)
            continue
        return str(d)
    return None


def find_resume_checkpoint(config: TrainConfig) -> str | None:
    """The checkpoint to resume from, or None for a fresh run; refuses to clobber earlier checkpoints."""
    out = Path(config.output_dir)
    last = last_complete_checkpoint(out) if config.resume else _any_checkpoint(out)
    if config.resume:
        if last is None:
            print(f"resume: no checkpoint-N in {out}; starting from step 0", file=sys.stderr)
        return last
    if last is not None and not config.overwrite:
        raise ConfigError(
            f"output_dir: {out} already holds {Path(last).name}; pass resume=true to continue it "
            "or overwrite=true to start again"
        )
    return None


def launch_world_size() -> int:
    """How many processes the launcher started: torchrun and `accelerate launch --multi_gpu` set
    WORLD_SIZE; MPI launchers (accelerate's multi-CPU path with --mpirun_hostfile) set their own names.
    Read before TrainingArguments exists because the accumulation steps it takes depend on it."""
    for name in ("WORLD_SIZE", "PMI_SIZE", "OMPI_COMM_WORLD_SIZE", "MV2_COMM_WORLD_SIZE"):
        value = os.environ.get(name, "").strip()
        if value.isdigit() and int(value) > 0:
            return int(value)
    return 1


def check_distributed_setup(trainer: Any, config: TrainConfig, world_size: int) -> None:
    """Refuse a run whose parallelism is not what was asked for, instead of training on silently.

    accelerate 1.x turns an FSDP request into FSDP only on accelerators (CUDA, XPU, NPU, ...): on CPU
    (gloo) it quietly runs DDP, every rank holding the whole model. And a world size that differs from
    the launcher's would make `effective_batch_size` wrong.
    """
    actual = trainer.args.world_size
    if actual != world_size:
        raise ConfigError(
            f"world size: the launcher's environment says {world_size} processes but torch.distributed "
            f"has {actual}; gradient accumulation was derived from {world_size}"
        )
    fsdp_asked = bool(config.fsdp) or os.environ.get("ACCELERATE_USE_FSDP", "").lower() == "true"
    if fsdp_asked and not trainer.is_fsdp_enabled:
        kind = trainer.accelerator.distributed_type
        raise ConfigError(
            f"fsdp: FSDP was requested but accelerate set up {kind} instead (it shards only on GPUs and "
            "other accelerators, not on CPU); on CPU launch plain data parallel with "
            "`accelerate launch --multi_gpu --num_processes N` (see docs/train.md)"
        )
    ds_asked = bool(config.deepspeed) or os.environ.get("ACCELERATE_USE_DEEPSPEED", "").lower() == "true"
    if ds_asked and not trainer.is_deepspeed_enabled:
        raise ConfigError("deepspeed: DeepSpeed was requested but the Trainer did not enable it")


def train(config: TrainConfig) -> TrainResult:
    """Fine-tune per `config`; writes HF weights (merged for LoRA) and mammoth_training.json."""
    config.validate()
    import torch
    from transformers import TrainingArguments, set_seed

    from mammoth_math.train.sampling import SFTTrainer

    resume_from = find_resume_checkpoint(config)
    examples = read_examples(config.data, config.limit)
    world_size = launch_world_size()
    precision = resolve_precision(config.precision)
    set_seed(config.seed)
    # TrainingArguments is built before the model: with a ZeRO-3 json this is what makes
    # from_pretrained partition weights at load time instead of materialising them on every rank.
    args = TrainingArguments(
        output_dir=config.output_dir,
        per_device_train_batch_size=config.per_device_batch_size,
        gradient_accumulation_steps=config.grad_accumulation(world_size),
        num_train_epochs=config.epochs,
        max_steps=config.max_steps,
        learning_rate=config.learning_rate,
        lr_scheduler_type=config.lr_scheduler,
        warmup_steps=config.warmup_ratio,  # a float < 1 is a ratio in transformers 5
        weight_decay=config.weight_decay,
        max_grad_norm=config.max_grad_norm,
        bf16=precision == "bf16",
        fp16=precision == "fp16",
        use_cpu=not torch.cuda.is_available(),
        activation_checkpointing=config.gradient_checkpointing,  # transformers 5 name for it
        activation_checkpointing_kwargs={"use_reentrant": False} if config.gradient_checkpointing else None,
        train_sampling_strategy="group_by_length" if config.group_by_length else "random",
        logging_steps=config.logging_steps,
        logging_first_step=True,
        save_strategy="steps",
        save_steps=config.save_steps,
        save_total_limit=config.save_total_limit,
        seed=config.seed,
        data_seed=config.seed,
        # DDP's search for unused parameters costs an extra autograd traversal per step; a dense causal
        # LM (and a LoRA on one) uses every trainable parameter, so it is off unless the config says so.
        ddp_find_unused_parameters=config.ddp_find_unused_parameters,
        report_to=config.report_to,
        remove_unused_columns=False,
        dataloader_num_workers=config.dataloader_num_workers,
        deepspeed=config.deepspeed,
        fsdp=config.fsdp,
        fsdp_config=config.fsdp_config or None,
        disable_tqdm=not sys.stderr.isatty(),
    )
    dtype = _weight_dtype(config, precision)
    model, tok = load_model_and_tokenizer(
        config.model,
        config.tokenizer,
        dtype,
        config.max_seq_len,
        config.seed,
        config.tiny_model,
        _quantization_config(config, precision),
    )
    encoded = encode_examples(examples, tok, config.max_seq_len, config.template)
    if not encoded.features:
        raise TrainDataError(
            f"{config.data}: every row's prompt is longer than max_seq_len={config.max_seq_len}"
        )
    features = pack_features(encoded.features, config.max_seq_len) if config.packing else encoded.features
    # The KV cache is useless while training and would hide packed-sequence boundaries from the mask.
    model.config.use_cache = False
    if config.lora:
        model = _wrap_lora(model, config)

    trainer = SFTTrainer(
        model=model,
        args=args,
        train_dataset=features,
        data_collator=Collator(tok.pad_token_id),
        processing_class=tok,
    )
    check_distributed_setup(trainer, config, world_size)
    started = time.perf_counter()
    output = trainer.train(resume_from_checkpoint=resume_from)
    runtime = time.perf_counter() - started
    manifest = _save(trainer, tok, config)
    losses = [(int(e["step"]), float(e["loss"])) for e in trainer.state.log_history if "loss" in e]
    epochs_done = trainer.state.epoch or 0.0
    result = TrainResult(
        output_dir=config.output_dir,
        global_step=trainer.state.global_step,
        train_loss=float(output.training_loss),
        losses=losses,
        resumed_from=resume_from,
        runtime_s=runtime,
        train_tokens=int(encoded.stats.total_tokens * epochs_done),
        manifest=manifest,
        main_process=trainer.is_world_process_zero(),
    )
    if manifest:
        _write_manifest(config, result, encoded.stats, precision, world_size, len(examples))
    return result


def _weight_dtype(config: TrainConfig, precision: str) -> Any:
    import torch

    # Full fine-tuning keeps fp32 master weights (autocast does bf16 compute); a frozen LoRA base
    # gains nothing from fp32, so it is loaded in the compute dtype to halve its memory.
    if config.lora and precision == "bf16":
        return torch.bfloat16
    return torch.float32


def _quantization_config(config: TrainConfig, precision: str) -> Any:
    if not config.qlora:
        return None
    import torch

    if not torch.cuda.is_available():
        raise ConfigError("qlora: 4-bit training needs a CUDA GPU (bitsandbytes); use lora=true on CPU")
    try:
        import bitsandbytes  # noqa: F401
    except ImportError:
        raise ConfigError("qlora: bitsandbytes is not installed (pip install bitsandbytes)") from None
    from transformers import BitsAndBytesConfig

    return BitsAndBytesConfig(
        load_in_4bit=True,
        bnb_4bit_quant_type="nf4",
        bnb_4bit_use_double_quant=True,
        bnb_4bit_compute_dtype=torch.bfloat16 if precision == "bf16" else torch.float16,
    )


def _wrap_lora(model: Any, config: TrainConfig) -> Any:
    from peft import LoraConfig, get_peft_model, prepare_model_for_kbit_training

    if config.qlora:
        model = prepare_model_for_kbit_training(model, config.gradient_checkpointing)
    elif config.gradient_checkpointing:
        model.enable_input_require_grads()  # checkpointed blocks need a grad-carrying input
    lora = LoraConfig(
        r=config.lora_r,
        lora_alpha=config.lora_alpha,
        lora_dropout=config.lora_dropout,
        target_modules=config.lora_target_modules,
        task_type="CAUSAL_LM",
    )
    return get_peft_model(model, lora)


def _save(trainer: Any, tok: Any, config: TrainConfig) -> str:
    """HF weights + tokenizer in output_dir; for LoRA the adapter in output_dir/adapter and merged weights
    in output_dir itself, so `hf:OUTPUT_DIR` always loads a complete model. Returns the manifest path on
    the main process, "" elsewhere."""
    out = Path(config.output_dir)
    main = trainer.is_world_process_zero()
    if not config.lora:
        trainer.model.config.use_cache = True
        # Every rank must call save_model: under FSDP / ZeRO-3 it gathers the shards collectively.
        trainer.save_model(str(out))
    elif main:
        trainer.model.save_pretrained(str(out / "adapter"))
        if config.merge_lora and not config.qlora:
            merged = trainer.model.merge_and_unload()
            merged.config.use_cache = True
            merged.save_pretrained(str(out))
    if not main:
        return ""
    tok.save_pretrained(str(out))
    return str(out / "mammoth_training.json")


def _write_manifest(
    config: TrainConfig, result: TrainResult, stats: Any, precision: str, world_size: int, n_rows: int
) -> None:
    write_manifest(
        config.output_dir,
        {
            "config": config.to_dict(),
            "resolved": {
                "precision": precision,
                "world_size": world_size,
                "gradient_accumulation_steps": config.grad_accumulation(world_size),
            },
            "data": {**data_provenance(config.data), "rows_read": n_rows, "encoding": asdict(stats)},
            "result": {k: v for k, v in asdict(result).items() if k not in ("manifest", "main_process")},
        },
    )
