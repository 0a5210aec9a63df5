"""Training throughput: our recipe (`mammoth_math.train.train`) vs a plain HF `Trainer` on the same tiny
Qwen2, data and settings; prints tokens/s (non-pad tokens) and peak RSS of each run.

Each run happens in its own subprocess so peak memory (ru_maxrss) is that run's alone.
Plain Trainer = the usual recipe: same encoded rows and labels, `DataCollatorForSeq2Seq` (dynamic
padding), random sampler. Ours adds length-grouped batches and pads to a multiple of 8.

    .venv/bin/python benchmarks/bench_train.py --rows 64 --steps 20
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

SHARED = Path(os.environ.get("MAMMOTH_DATA_DIR", Path(__file__).resolve().parents[2] / "shared"))


def _settings(args: argparse.Namespace, tmp: Path) -> dict:
    return {
        "model": "tiny-qwen2",
        "tokenizer": str(tmp / "tok"),
        "data": str(tmp / "train.jsonl"),
        "max_seq_len": args.seq_len,
        "max_steps": args.steps,
        "per_device_batch_size": args.batch,
        "learning_rate": 1e-3,
        "lr_scheduler": "constant",
        "warmup_ratio": 0.0,
        "precision": "fp32",
        "logging_steps": 1000,
        "save_steps": 100000,
        "seed": 0,
    }


def run_ours(settings: dict, out: Path) -> dict:
    from mammoth_math.train import TrainConfig, train

    result = train(TrainConfig(output_dir=str(out), **settings))
    return {"tokens": result.train_tokens, "seconds": result.runtime_s, "loss": result.train_loss}


def run_plain(settings: dict, out: Path) -> dict:
    import torch
    from transformers import DataCollatorForSeq2Seq, Trainer, TrainingArguments

    from mammoth_math.train.data import encode_examples, read_examples
    from mammoth_math.train.models import load_model_and_tokenizer

    model, tok = load_model_and_tokenizer(
        "tiny-qwen2", settings["tokenizer"], torch.float32, settings["max_seq_len"], settings["seed"]
    )
    encoded = encode_examples(read_examples(settings["data"]), tok, settings["max_seq_len"])
    args = TrainingArguments(
        output_dir=str(out),
        per_device_train_batch_size=settings["per_device_batch_size"],
        max_steps=settings["max_steps"],
        learning_rate=settings["learning_rate"],
        lr_scheduler_type="constant",
        use_cpu=True,
        save_strategy="no",
        report_to="none",
        logging_steps=1000,
        seed=settings["seed"],
        disable_tqdm=True,
    )
    collator = DataCollatorForSeq2Seq(tok, padding=True, label_pad_token_id=-100)
    trainer = Trainer(model=model, args=args, train_dataset=encoded.features, data_collator=collator)
    output = trainer.train()
    tokens = int(encoded.stats.total_tokens * (trainer.state.epoch or 0.0))
    return {"tokens": tokens, "seconds": output.metrics["train_runtime"], "loss": output.training_loss}


def child(mode: str, settings_json: str) -> None:
    settings = json.loads(settings_json)
    with tempfile.TemporaryDirectory() as out:
        stats = (run_ours if mode == "ours" else run_plain)(settings, Path(out) / "model")
    stats["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB
    print("RESULT " + json.dumps(stats))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--rows", type=int, default=64, help="GSM8K problems (each gives a CoT and a PoT row)"
    )
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--seq-len", type=int, default=256)
    parser.add_argument("--repeats", type=int, default=1, help="alternate ours/plain this many times")
    parser.add_argument("--child", nargs=2, metavar=("MODE", "SETTINGS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    from mammoth_math.curate import convert, parse_recipe, write_train_jsonl
    from mammoth_math.train.models import load_tokenizer

    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        sources = [{"source": "gsm8k", "rationale": r, "limit": args.rows} for r in ("cot", "pot")]
        write_train_jsonl(convert(parse_recipe({"sources": sources}), SHARED), tmp / "train.jsonl")
        load_tokenizer("smollm2").save_pretrained(str(tmp / "tok"))
        settings = json.dumps(_settings(args, tmp))
        results: dict[str, list[dict]] = {"ours": [], "plain": []}
        for _ in range(args.repeats):
            for mode in ("ours", "plain"):
                proc = subprocess.run(
                    [sys.executable, __file__, "--child", mode, settings],
                    capture_output=True,
                    text=True,
                    check=False,
                )
                line = next((x for x in proc.stdout.splitlines() if x.startswith("RESULT ")), None)
                if line is None:
                    sys.exit(f"{mode} run failed:\n{proc.stderr[-3000:]}")
                results[mode].append(json.loads(line[7:]))
    print(
        f"tiny-qwen2, {args.rows * 2} rows, {args.steps} steps, batch {args.batch}, seq<= {args.seq_len}, fp32 CPU"
    )
    best: dict[str, float] = {}
    for mode, runs in results.items():
        rates = [r["tokens"] / r["seconds"] for r in runs]
        best[mode] = max(rates)
        peak = max(r["peak_rss_mb"] for r in runs)
        print(
            f"  {mode:5s}: {best[mode]:8.0f} tokens/s (best of {len(runs)}), peak RSS {peak:.0f} MiB, loss {runs[-1]['loss']:.3f}"
        )
    print(f"  speed ratio ours/plain: {best['ours'] / best['plain']:.2f}x")


if __name__ == "__main__":
    main()
