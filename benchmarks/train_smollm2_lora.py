"""Before/after PoT experiment: LoRA-tune SmolLM2-135M-Instruct on PoT rows derived from GSM8K train,
then measure PoT execution success and accuracy on held-out GSM8K *train* problems (never seen in
training) before and after. Prints the figures and wall times; writes them to OUT/results.json.

    .venv/bin/python benchmarks/train_smollm2_lora.py --train-problems 300 --steps 100 --eval 50

Eval: MAmmoTH's Alpaca prompt with the PoT trigger, greedy, the program extracted from the response
(prompts.extract_program), run in the sandbox, its answer judged against the gold (grade.equivalent).
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

SHARED = Path(os.environ.get("MAMMOTH_DATA_DIR", Path(__file__).resolve().parents[2] / "shared"))
EVAL_START = 7000  # held-out slice of GSM8K train; training rows come from the start of the file


def evaluate(model_dir: str, problems: list, max_tokens: int, batch: int) -> dict:
    from mammoth_math.api import SamplingParams
    from mammoth_math.execute import Sandbox, SandboxConfig
    from mammoth_math.generate import load_backend
    from mammoth_math.grade import equivalent
    from mammoth_math.prompts import POT_TRIGGER, extract_program
    from mammoth_math.train import format_prompt

    prompts = [format_prompt(p.question + POT_TRIGGER) for p in problems]
    started = time.perf_counter()
    with load_backend(f"hf:{model_dir}", batch_size=batch) as backend:
        gens = backend.generate(prompts, SamplingParams(max_tokens=max_tokens, stop=("### Instruction",)))
    gen_s = time.perf_counter() - started
    programs = [extract_program(g.text) for g in gens]
    with Sandbox(SandboxConfig(timeout=5.0, workers=2)) as sandbox:
        runs = sandbox.run([p or "" for p in programs])
    executed = correct = 0
    samples = []
    for prob, gen, program, run in zip(problems, gens, programs, runs, strict=True):
        ok = program is not None and run.ok and run.answer not in (None, "")
        right = ok and equivalent(prob.gold, run.answer, "number")
        executed += ok
        correct += right
        samples.append(
            {
                "response": gen.text[:400],
                "answer": run.answer,
                "gold": prob.gold,
                "correct": right,
            }
        )
    n = len(problems)
    return {
        "n": n,
        "exec_success": executed / n,
        "accuracy": correct / n,
        "generate_seconds": round(gen_s, 1),
        "examples": samples[:3],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train-problems", type=int, default=300, help="GSM8K train problems -> PoT rows")
    parser.add_argument("--steps", type=int, default=100)
    parser.add_argument("--eval", type=int, default=50, help="held-out GSM8K train problems (from row 7000)")
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--lr", type=float, default=3e-4)
    parser.add_argument("--max-tokens", type=int, default=160)
    parser.add_argument("--out", default="runs/bench/smollm2-lora")
    args = parser.parse_args()

    import torch

    from mammoth_math.curate import LoadOptions, convert, get_source, parse_recipe, write_train_jsonl
    from mammoth_math.train import TrainConfig, train
    from mammoth_math.train.models import load_model_and_tokenizer

    out = Path(args.out)
    recipe = parse_recipe(
        {"sources": [{"source": "gsm8k", "rationale": "pot", "limit": args.train_problems}]}
    )
    rows = convert(recipe, SHARED)
    data = write_train_jsonl(rows, out / "data" / "train.jsonl")
    held_out = get_source("gsm8k").load(LoadOptions(SHARED, EVAL_START + args.eval))[EVAL_START:]
    t0 = time.perf_counter()

    base_dir = out / "base"
    if not (base_dir / "config.json").is_file():  # the GGUF dequantized once into an HF dir for hf:
        model, tok = load_model_and_tokenizer("smollm2", None, torch.float32, 512)
        model.save_pretrained(str(base_dir))
        tok.save_pretrained(str(base_dir))
    before = evaluate(str(base_dir), held_out, args.max_tokens, args.batch)
    print(
        f"before: exec success {before['exec_success']:.1%}, accuracy {before['accuracy']:.1%} ({before['n']} problems)"
    )

    config = TrainConfig(
        model="smollm2",
        data=str(data),
        output_dir=str(out / "model"),
        max_seq_len=384,
        max_steps=args.steps,
        learning_rate=args.lr,
        lr_scheduler="cosine",
        warmup_ratio=0.03,
        per_device_batch_size=4,
        precision="fp32",
        lora=True,
        lora_r=16,
        lora_alpha=32,
        logging_steps=10,
        save_steps=max(args.steps, 1),
        overwrite=True,
    )
    result = train(config)
    print(
        f"trained {result.global_step} steps in {result.runtime_s:.0f}s, loss {result.losses[0][1]:.3f} -> {result.losses[-1][1]:.3f}"
    )
    after = evaluate(config.output_dir, held_out, args.max_tokens, args.batch)
    print(
        f"after:  exec success {after['exec_success']:.1%}, accuracy {after['accuracy']:.1%} ({after['n']} problems)"
    )
    wall = time.perf_counter() - t0
    summary = {
        "train_rows": len(rows),
        "steps": result.global_step,
        "train_seconds": round(result.runtime_s, 1),
        "losses": result.losses,
        "before": before,
        "after": after,
        "wall_seconds": round(wall, 1),
    }
    (out / "results.json").write_text(json.dumps(summary, indent=2) + "\n")
    print(f"wall time {wall:.0f}s; details in {out / 'results.json'}")


if __name__ == "__main__":
    main()
