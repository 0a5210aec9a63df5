"""Programs/second of the sandbox vs the usual alternatives, for two program mixes.

    python benchmarks/bench_execute.py [--workers 2] [--trivial 2000] [--sympy 400] [--subprocess 40]
                                       [--reuse 1000] [--repeat 1]

Mixes: trivial arithmetic; `sympy.solve` on 45 quadratics repeated (so an exec() pool answers most
from sympy's cache); `sympy.solve` on a different quadratic per program (as in a real evaluation).

Systems:
- sandbox-cli: `mammoth-math exec` end to end (process start, server warm-up, JSONL in/out included),
  a fresh process per program;
- sandbox-cli --reuse N: the same, with the opt-in reusing workers (N programs per worker process);
- sandbox-warm [--reuse N]: `Sandbox.run` on an already started Sandbox (steady state);
- subprocess: `subprocess.run([sys.executable, "-c", code])` per program, `--workers` at a time;
- exec-pool: an un-isolated ProcessPoolExecutor whose workers exec() the code (what the popular
  harnesses do): "started" = workers started and sympy imported before timing; "end to end" = timed
  from the pool's creation (worker start and first imports count, as they do in our CLI figure).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

from mammoth_math.execute import Sandbox, SandboxConfig


def trivial(n: int) -> list[str]:
    return [f"a = {i}\nb = {i % 7 + 1}\nprint(a * b + {i % 3})" for i in range(n)]


def sympy_mix(n: int) -> list[str]:
    return [
        f"import sympy as sp\nx = sp.Symbol('x')\nprint(sp.solve(x**2 - {i % 9 + 2}*x + {i % 5}, x))"
        for i in range(n)
    ]


def sympy_distinct(n: int) -> list[str]:
    return [
        f"import sympy as sp\nx = sp.Symbol('x')\nprint(sp.solve(x**2 - {i + 2}*x + {i % 89 + 1}, x))"
        for i in range(n)
    ]


def _exec_one(code: str) -> str:
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        exec(code, {"__name__": "__main__"})
    return buf.getvalue()


def bench_pool(programs: list[str], workers: int) -> float:
    with ProcessPoolExecutor(workers) as pool:
        list(pool.map(_exec_one, ["import sympy"] * workers * 2))  # start workers, as a harness would
        start = time.perf_counter()
        out = list(pool.map(_exec_one, programs, chunksize=16))
        elapsed = time.perf_counter() - start
    assert len(out) == len(programs)
    return len(programs) / elapsed


def bench_pool_cold(programs: list[str], workers: int) -> float:
    """The pool timed from its creation: worker start and their first imports count, as in our CLI."""
    start = time.perf_counter()
    with ProcessPoolExecutor(workers) as pool:
        out = list(pool.map(_exec_one, programs, chunksize=16))
    elapsed = time.perf_counter() - start
    assert len(out) == len(programs)
    return len(programs) / elapsed


def bench_subprocess(programs: list[str], workers: int) -> float:
    def one(code: str) -> str:
        return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60).stdout

    start = time.perf_counter()
    with ThreadPoolExecutor(workers) as pool:
        out = list(pool.map(one, programs))
    assert all(out)
    return len(programs) / (time.perf_counter() - start)


def bench_sandbox_warm(programs: list[str], workers: int, reuse: int = 0) -> float:
    with Sandbox(SandboxConfig(workers=workers, timeout=10, reuse_workers=reuse)) as sb:
        sb.run(["print(1)", "import sympy"] * workers)  # start-up (both templates) excluded here
        start = time.perf_counter()
        results = sb.run(programs)
        elapsed = time.perf_counter() - start
    bad = [r for r in results if not r.ok]
    assert not bad, bad[0]
    return len(programs) / elapsed


def bench_sandbox_cli(programs: list[str], workers: int, reuse: int = 0) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        src, dst = os.path.join(tmp, "in.jsonl"), os.path.join(tmp, "out.jsonl")
        with open(src, "w") as f:
            for i, code in enumerate(programs):
                f.write(json.dumps({"id": i, "code": code}) + "\n")
        cmd = [sys.executable, "-m", "mammoth_math", "exec", src, "-o", dst, "--exec-workers", str(workers)]
        cmd += ["--exec-reuse", str(reuse)]
        start = time.perf_counter()
        subprocess.run(cmd, check=True)
        elapsed = time.perf_counter() - start
        with open(dst) as f:
            rows = [json.loads(line) for line in f]
    assert len(rows) == len(programs) and all(r["status"] == "ok" for r in rows)
    return len(programs) / elapsed


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--trivial", type=int, default=2000)
    ap.add_argument("--sympy", type=int, default=400)
    ap.add_argument("--subprocess", type=int, default=40, help="programs per mix for subprocess (slow)")
    ap.add_argument("--reuse", type=int, default=1000, help="programs per worker for the --reuse system")
    ap.add_argument(
        "--repeat", type=int, default=1, help="rounds over all systems (interleaved); medians are reported"
    )
    ap.add_argument("--systems", default=None, help="comma-separated subset of the systems (default: all)")
    ap.add_argument("--mixes", default=None, help="comma-separated subset of trivial,sympy,sympy-distinct")
    args = ap.parse_args()
    mixes = {"trivial": trivial, "sympy": sympy_mix, "sympy-distinct": sympy_distinct}
    sizes = {"trivial": args.trivial, "sympy": args.sympy, "sympy-distinct": args.sympy}
    reuse = f"--reuse {args.reuse}"
    systems: dict[str, Callable[[list[str], int], float]] = {
        "exec-pool, started": bench_pool,
        "exec-pool, end to end": bench_pool_cold,
        "subprocess per program": bench_subprocess,
        "sandbox-warm": bench_sandbox_warm,
        f"sandbox-warm {reuse}": lambda p, w: bench_sandbox_warm(p, w, args.reuse),
        "sandbox-cli (end to end)": bench_sandbox_cli,
        f"sandbox-cli {reuse}": lambda p, w: bench_sandbox_cli(p, w, args.reuse),
    }
    if args.mixes:
        mixes = {m: mixes[m] for m in args.mixes.split(",")}
    if args.systems:
        systems = {s: systems[s] for s in args.systems.split(",")}
    print(f"workers={args.workers} cpus={os.cpu_count()} load={os.getloadavg()[0]:.1f}")
    # rounds interleave the systems, so a slow spell of a shared machine hits all of them alike
    rates: dict[str, dict[str, list[float]]] = {s: {m: [] for m in mixes} for s in systems}
    for round_ in range(args.repeat):
        for system, fn in systems.items():
            for mix, make in mixes.items():
                n = args.subprocess if system.startswith("subprocess") else sizes[mix]
                rate = fn(make(n), args.workers)
                rates[system][mix].append(rate)
                print(f"[{round_ + 1}] {system:31s} {mix:14s} n={n:5d} {rate:9.1f} programs/s", flush=True)
    table = {s: {m: statistics.median(v) for m, v in by_mix.items()} for s, by_mix in rates.items()}
    print(f"medians of {args.repeat} round(s), programs/s:")
    for system, by_mix in table.items():
        print(f"{system:31s} " + "  ".join(f"{mix} {rate:9.1f}" for mix, rate in by_mix.items()))
    pairs = [
        ("sandbox-cli (end to end)", "exec-pool, end to end"),
        (f"sandbox-cli {reuse}", "exec-pool, end to end"),
        ("sandbox-warm", "exec-pool, started"),
        (f"sandbox-warm {reuse}", "exec-pool, started"),
    ]
    for ours, theirs in pairs:
        if ours not in table or theirs not in table:
            continue
        ratios = ", ".join(f"{mix} {table[ours][mix] / table[theirs][mix]:.2f}x" for mix in mixes)
        print(f"{ours} / {theirs}: {ratios}")


if __name__ == "__main__":
    main()
