"""Speed of the backends: llama.cpp (overhead vs raw xllamacpp, parallel slots, few-shot prefix caching)
and vLLM (overhead vs vLLM's LLM.generate called directly on the same engine).

    .venv/bin/python benchmarks/bench_generate.py --model smollm2
    .venv/bin/python benchmarks/bench_generate.py --model default --prompts 4 --max-tokens 64
    .venv-vllm/bin/python benchmarks/bench_generate.py --model vllm:HF_DIR [--model-option KEY=VALUE]

Prints one figure per line. Goals (issues 5, 17): backend ≥ 0.95× raw xllamacpp / direct vLLM
tokens/s; cached 8-shot per-problem latency ≤ 0.3× uncached. Decoding on a few CPU cores is compute-bound, so the slot
sweep tells you which n_parallel to use on this machine rather than assuming batching helps.
"""

from __future__ import annotations

import argparse
import time

from mammoth_math.api.records import SamplingParams
from mammoth_math.generate import load_backend, resolve_model_spec
from mammoth_math.generate.llamacpp import LlamaCppBackend

QUESTIONS = [
    "Write a Python program that prints the first ten square numbers.",
    "Explain step by step how to add 345 and 678.",
    "A train travels 60 km per hour for 3 hours. How far does it go? Explain.",
    "Write a short story about a robot who learns to count.",
    "List the prime numbers below 50 and explain how you found them.",
    "Write a Python function that returns the factorial of n, with comments.",
    "Describe how to compute the area of a circle of radius 7.",
    "A shop sells pens at 3 dollars each. How much do 12 pens cost? Explain.",
]

EXEMPLARS = [
    (
        f"Tom has {a} apples and buys {b} bags with {c} apples each. How many apples does he have now?",
        f"He buys {b} * {c} = {b * c} apples, so he has {a} + {b * c} = {a + b * c} apples. "
        f"The answer is {a + b * c}.",
    )
    for a, b, c in [(3, 2, 4), (5, 3, 6), (10, 4, 2), (7, 5, 5), (12, 2, 9), (1, 8, 3), (6, 6, 6), (9, 3, 7)]
]


def few_shot_prefix(shots: int) -> str:
    parts = [
        "Solve each grade-school math problem. Think step by step, then state the answer.\n\n"
        "Here are worked examples of the expected format; read them carefully before answering.\n\n"
    ]
    for q, a in EXEMPLARS[:shots]:
        parts.append(f"Question: {q}\nAnswer: Let's think step by step. {a}\n\n")
    return "".join(parts)


def overhead(
    spec: str, prompts: list[str], max_tokens: int, threads: int | None, rounds: int
) -> tuple[float, float]:
    """Tokens/s of raw xllamacpp and of our backend on the same requests, interleaved prompt by prompt.

    The machine is shared, so the two are alternated (raw, ours, raw, ours ...) rather than run one
    after the other: a load spike then hits both sides alike.
    """
    import xllamacpp as xlc

    backend = load_backend(spec, n_parallel=1, n_threads=threads)
    p = xlc.CommonParams()
    p.model.path = str(backend.path)  # type: ignore[attr-defined]
    p.n_parallel = 1
    p.n_ctx = 4096
    p.verbosity = 0
    n = backend._threads  # type: ignore[attr-defined]
    p.cpuparams.n_threads = n
    p.cpuparams_batch.n_threads = n
    raw = xlc.Server(p)
    params = SamplingParams(max_tokens=max_tokens)
    request = {"max_tokens": max_tokens, "temperature": 0, "top_k": 0, "min_p": 0.0, "cache_prompt": True}
    raw.handle_completions({"prompt": "warm up", "max_tokens": 4, "temperature": 0})
    backend.generate(["warm up"], SamplingParams(max_tokens=4))
    totals = {"raw": [0, 0.0], "ours": [0, 0.0]}
    for _ in range(rounds):
        for prompt in prompts:
            started = time.perf_counter()
            r = raw.handle_completions({"prompt": prompt, **request})
            totals["raw"][0] += r["usage"]["completion_tokens"]
            totals["raw"][1] += time.perf_counter() - started
            started = time.perf_counter()
            comp = backend.generate([prompt], params)[0].completions[0]
            totals["ours"][0] += comp.completion_tokens
            totals["ours"][1] += time.perf_counter() - started
    backend.close()
    del raw
    return totals["raw"][0] / totals["raw"][1], totals["ours"][0] / totals["ours"][1]


def vllm_overhead(
    spec: str, prompts: list[str], max_tokens: int, rounds: int, options: dict[str, object]
) -> tuple[float, float, float]:
    """Tokens/s of vLLM's `LLM.chat` called directly and of our backend, on the same engine (ours wraps
    it) and the same batch of chat prompts (what `eval` sends by default), greedy, alternated round by
    round; and the engine's start time. Both sides produce the same tokens (greedy), so the ratio is
    our overhead alone."""
    started = time.perf_counter()
    backend = load_backend(spec, **options)
    start_seconds = time.perf_counter() - started
    llm, vllm = backend.llm, backend._vllm  # type: ignore[attr-defined]
    direct = vllm.SamplingParams(max_tokens=max_tokens, temperature=0.0)
    params = SamplingParams(max_tokens=max_tokens)
    chats = [[{"role": "user", "content": p}] for p in prompts]
    llm.generate(["warm up"], vllm.SamplingParams(max_tokens=4), use_tqdm=False)
    backend.generate(["warm up"], SamplingParams(max_tokens=4))
    totals = {"raw": [0, 0.0], "ours": [0, 0.0]}
    for _ in range(rounds):
        t = time.perf_counter()
        outs = llm.chat(chats, direct, use_tqdm=False)
        totals["raw"][1] += time.perf_counter() - t
        totals["raw"][0] += sum(len(o.outputs[0].token_ids) for o in outs)
        t = time.perf_counter()
        gens = backend.generate(chats, params)  # type: ignore[arg-type]
        totals["ours"][1] += time.perf_counter() - t
        totals["ours"][0] += sum(g.completions[0].completion_tokens for g in gens)
    backend.close()
    print(f"tokens per side: direct {totals['raw'][0]}, backend {totals['ours'][0]}")
    return totals["raw"][0] / totals["raw"][1], totals["ours"][0] / totals["ours"][1], start_seconds


def batch_tokens_per_s(backend: LlamaCppBackend, prompts: list[str], max_tokens: int) -> float:
    backend.generate(["warm up"], SamplingParams(max_tokens=4))
    started = time.perf_counter()
    gens = backend.generate(prompts, SamplingParams(max_tokens=max_tokens))
    tokens = sum(g.completions[0].completion_tokens for g in gens)
    return tokens / (time.perf_counter() - started)


def prefix_latency(
    backend: LlamaCppBackend, problems: int, shots: int, cached: bool, max_tokens: int
) -> tuple[float, int, int]:
    """Mean seconds per problem for `problems` few-shot prompts sharing one prefix, prompt tokens, and
    how many prompt tokens llama.cpp reused from its cache on the last problem."""
    prefix = few_shot_prefix(shots)
    server = backend._server
    seconds = []
    prompt_tokens = reused = 0
    for i in range(problems):
        prompt = f"{prefix}Question: {QUESTIONS[i % len(QUESTIONS)]}\nAnswer: Let's think step by step."
        started = time.perf_counter()
        r = server.handle_completions(
            {"prompt": prompt, "max_tokens": max_tokens, "temperature": 0, "cache_prompt": cached}
        )
        seconds.append(time.perf_counter() - started)
        prompt_tokens = r["usage"]["prompt_tokens"]
        reused = (r["usage"].get("prompt_tokens_details") or {}).get("cached_tokens", 0)
    # the first cached problem pays for the prefix; report the steady state an evaluation sees
    steady = seconds[1:] if cached and len(seconds) > 1 else seconds
    return sum(steady) / len(steady), prompt_tokens, reused


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", default="smollm2", help="a gguf or vllm model spec (default: smollm2)")
    ap.add_argument("--model-option", action="append", default=[], metavar="KEY=VALUE", help="vllm only")
    ap.add_argument("--prompts", type=int, default=4)
    ap.add_argument("--max-tokens", type=int, default=64)
    ap.add_argument("--slots", default="1,2,4")
    ap.add_argument("--shots", type=int, default=8)
    ap.add_argument("--problems", type=int, default=4)
    ap.add_argument(
        "--answer-tokens", type=int, default=16, help="tokens generated per problem (prefix part)"
    )
    ap.add_argument("--threads", type=int, default=None, help="llama.cpp threads (default: all cores)")
    ap.add_argument("--rounds", type=int, default=2, help="passes over the prompts in the overhead part")
    ap.add_argument("--skip", default="", help="comma list of parts to skip: overhead,slots,prefix")
    args = ap.parse_args()
    skip = set(filter(None, args.skip.split(",")))
    spec = resolve_model_spec(args.model)
    prompts = [QUESTIONS[i % len(QUESTIONS)] for i in range(args.prompts)]
    print(f"model: {args.model} ({spec.target})")
    if spec.kind == "vllm":
        from mammoth_math.evaluate.config import parse_options

        options = parse_options(args.model_option)
        raw, ours, start = vllm_overhead(spec.name, prompts, args.max_tokens, args.rounds, options)
        print(f"vllm engine start: {start:.1f} s")
        print(f"overhead: direct vLLM {raw:.1f} tok/s, backend {ours:.1f} tok/s, ratio {ours / raw:.3f}")
        return
    if spec.kind != "gguf":
        ap.error("bench_generate measures the llama.cpp and vllm backends; pass a gguf or vllm spec")

    if "overhead" not in skip:
        raw, ours = overhead(spec.name, prompts, args.max_tokens, args.threads, args.rounds)
        print(f"overhead: raw xllamacpp {raw:.1f} tok/s, backend {ours:.1f} tok/s, ratio {ours / raw:.3f}")

    if "slots" not in skip:
        for slots in [int(s) for s in args.slots.split(",")]:
            batch = [QUESTIONS[i % len(QUESTIONS)] for i in range(max(slots, args.prompts))]
            with load_backend(spec, n_parallel=slots, n_threads=args.threads) as b:
                rate = batch_tokens_per_s(b, batch, args.max_tokens)  # type: ignore[arg-type]
            print(f"slots={slots}: aggregate {rate:.1f} tok/s over {len(batch)} prompts")

    if "prefix" not in skip:
        with load_backend(spec, n_parallel=1, n_threads=args.threads) as b:
            uncached, n_prompt, _ = prefix_latency(b, args.problems, args.shots, False, args.answer_tokens)  # type: ignore[arg-type]
            cached, _, reused = prefix_latency(b, args.problems, args.shots, True, args.answer_tokens)  # type: ignore[arg-type]
        print(
            f"prefix cache ({args.shots}-shot, {n_prompt} prompt tokens, {reused} reused from cache, "
            f"{args.answer_tokens} answer tokens): uncached {uncached:.2f} s/problem, "
            f"cached {cached:.2f} s/problem, ratio {cached / uncached:.3f}"
        )


if __name__ == "__main__":
    main()
