"""Bounded load test of `mammoth-math serve`: 200 requests, 16 concurrent, some hostile programs.

    .venv/bin/python benchmarks/bench_serve.py                 # starts a SmolLM2 server on a free port
    .venv/bin/python benchmarks/bench_serve.py --url http://127.0.0.1:8000   # an already running server

Prints p50/p99 latency (overall and per endpoint), status counts, the sandbox status of each hostile
program and the number of 5xx answers; exits 1 when any request got a 5xx or a transport error.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from loadtest import run_load  # beside this script (benchmarks/loadtest.py)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(model: str, log: Path) -> tuple[str, subprocess.Popen[bytes]]:
    port = free_port()
    cmd = [sys.executable, "-m", "mammoth_math", "serve", "--model", model, "--host", "127.0.0.1"]
    cmd += ["--port", str(port), "--log-level", "warning"]
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server exited with {proc.returncode}; log:\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                return url, proc
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    proc.kill()
    raise SystemExit(f"server did not come up; log:\n{log.read_text()[-3000:]}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--url", help="benchmark this running server instead of starting one")
    ap.add_argument("--model", default="smollm2", help="model spec for the server this script starts")
    ap.add_argument("--requests", type=int, default=200)
    ap.add_argument("--concurrency", type=int, default=16)
    ap.add_argument("--solve-every", type=int, default=10, help="every Nth request is a /v1/solve")
    ap.add_argument("--hostile-every", type=int, default=4, help="every Nth /v1/execute is hostile")
    ap.add_argument("--max-tokens", type=int, default=16, help="token budget of the solve requests")
    ap.add_argument("--json", action="store_true", help="print the summary as one JSON object")
    args = ap.parse_args()

    proc = None
    with tempfile.TemporaryDirectory() as tmp:
        url = args.url
        if url is None:
            url, proc = start_server(args.model, Path(tmp) / "server.log")
        try:
            report = asyncio.run(
                run_load(
                    url,
                    args.requests,
                    args.concurrency,
                    solve_every=args.solve_every,
                    hostile_every=args.hostile_every,
                    max_tokens=args.max_tokens,
                )
            )
            alive = proc is None or proc.poll() is None
            health = httpx.get(f"{url}/health", timeout=10).json() if alive else {"status": "dead"}
        finally:
            if proc is not None:
                proc.terminate()
                proc.wait(timeout=30)
    summary = report.summary()
    summary["server_alive_after"] = alive and health.get("status") == "ok"
    if args.json:
        print(json.dumps(summary))
    else:
        for key, value in summary.items():
            print(f"{key:28s} {value}")
    return 0 if report.server_errors == 0 and summary["server_alive_after"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
