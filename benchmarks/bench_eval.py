"""Harness overhead of `mammoth-math eval` beyond pure generation (issue 6 goal: <= 5% wall time).

Sends the exact prompts an evaluation sends straight to the backend (pure generation time), then runs the
evaluation harness (cache, pipeline, sandbox, grader, progress log, summary, report) on the same problems
with an empty cache, and prints both times and the overhead. Model load and sandbox start-up are
one-time costs, measured and printed separately.

    .venv/bin/python benchmarks/bench_eval.py --model smollm2 --limit 16 --mode cot
"""

from __future__ import annotations

import argparse
import tempfile
import time
from dataclasses import replace

from mammoth_math.benchmarks import load
from mammoth_math.evaluate import EvalConfig, parse_options, run_eval
from mammoth_math.execute import Sandbox, SandboxConfig
from mammoth_math.generate import load_backend
from mammoth_math.prompts import render
from mammoth_math.solve import with_stop_strings


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default="smollm2")
    ap.add_argument("--benchmark", default="gsm8k")
    ap.add_argument("--limit", type=int, default=16)
    ap.add_argument(
        "--mode",
        default="cot",
        choices=("cot", "pot"),
        help="one prompt per problem, so both sides send the same",
    )
    ap.add_argument("--max-tokens", type=int, default=128)
    ap.add_argument("--batch-size", type=int, default=4)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--model-option", action="append", default=[])
    args = ap.parse_args()

    config = EvalConfig(
        model=args.model,
        benchmarks=(args.benchmark,),
        mode=args.mode,
        limit=args.limit,
        max_tokens=args.max_tokens,
        batch_size=args.batch_size,
        workers=args.workers,
    )
    problems = load(args.benchmark, limit=args.limit)
    params = with_stop_strings(config.params(), config.prompt_style)  # what the solver sends
    prompts = [
        render(p.question, args.mode, config.prompt_style, answer_type=p.answer_type, choices=p.choices)
        for p in problems
    ]

    t = time.perf_counter()
    backend = load_backend(args.model, **parse_options(args.model_option))
    load_s = time.perf_counter() - t
    backend.generate(prompts[:1], replace(params, max_tokens=4))  # warm-up, both sides then start warm

    t = time.perf_counter()
    sandbox = Sandbox(SandboxConfig(timeout=config.exec_timeout, workers=2))
    sandbox_s = time.perf_counter() - t

    def pure_run() -> tuple[float, int]:
        t = time.perf_counter()
        tokens = 0
        for i in range(0, len(prompts), args.batch_size):
            for g in backend.generate(prompts[i : i + args.batch_size], params):
                tokens += sum(c.completion_tokens for c in g.completions)
        return time.perf_counter() - t, tokens

    try:
        # pure, harness, pure again: the machine is shared, so the two pure runs bound the noise
        pure, tokens = pure_run()

        with tempfile.TemporaryDirectory() as tmp:
            t = time.perf_counter()
            summary = run_eval(
                config,
                f"{tmp}/out",
                backend=backend,
                executor=sandbox,
                cache_dir=f"{tmp}/cache",
                progress=False,
            )
            harness = time.perf_counter() - t
        pure2, _ = pure_run()
    finally:
        sandbox.close()
        backend.close()
    print(f"model {args.model}: load {load_s:.1f} s, sandbox start {sandbox_s:.2f} s (one-time, not counted)")
    print(
        f"{len(prompts)} {args.benchmark} problems, mode {args.mode}, max_tokens {args.max_tokens}, "
        f"batch {args.batch_size}, workers {args.workers}"
    )
    gen_in = summary.get("generation_seconds", 0.0)
    best = min(pure, pure2)
    print(
        f"pure generation : {pure:7.2f} s, again {pure2:7.2f} s  ({tokens} tokens, {tokens / best:.1f} tok/s)"
    )
    print(
        f"eval harness    : {harness:7.2f} s  (of which inside the backend {gen_in:.2f} s; accuracy {summary['overall']['accuracy']})"
    )
    print(
        f"overhead        : {100 * (harness / best - 1):+.1f}% wall time vs the faster pure run, "
        f"{100 * (harness / gen_in - 1):+.1f}% vs the harness's own backend time"
    )


if __name__ == "__main__":
    main()
