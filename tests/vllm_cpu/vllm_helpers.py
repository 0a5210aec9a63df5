"""What the vllm tests share besides fixtures: the pinned engine settings, as Python options, CLI
--model-option flags and vLLM server flags, and starting / stopping a server process."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from mammoth_math.evaluate import EvalConfig, run_eval

# One pinned set of engine settings for the offline engine, the CLI run and the server: with the same
# settings, greedy outputs are identical across processes (measured), so the three can be compared.
ENGINE: dict[str, Any] = {
    "enforce_eager": True,
    "kv_cache_memory_bytes": 1 << 30,
    "max_model_len": 2048,
    "seed": 0,
    "enable_prefix_caching": True,
}
SERVED_NAME = "smollm2"
LIMIT = 3  # GSM8K test problems per eval run
MAX_TOKENS = 160  # SmolLM2 rambles; the budget keeps each run short and exercises "length" too


def model_options() -> list[str]:
    """ENGINE as `--model-option KEY=VALUE` flags for the CLI."""
    return [a for k, v in ENGINE.items() for a in ("--model-option", f"{k}={v}")]


def server_flags() -> list[str]:
    """ENGINE as vLLM's own command-line flags (`--enforce-eager`, `--max-model-len 2048` ...)."""
    flags: list[str] = []
    for key, value in ENGINE.items():
        flag = "--" + key.replace("_", "-")
        flags += [flag] if value is True else [flag, str(value)]
    return flags


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_healthy(url: str, proc: subprocess.Popen[bytes], log: Path, timeout: float = 420) -> None:
    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"vLLM server exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(1)
    pytest.fail(f"vLLM server not healthy after {timeout:.0f} s:\n{log.read_text()[-3000:]}")


def stop(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM the server's process group (its PID: it leads a session of its own), SIGKILL after 60 s;
    the group holds the engine process the server started, so nothing is left behind."""
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        pass
    except ProcessLookupError:
        return
    try:
        os.killpg(proc.pid, signal.SIGKILL)  # whatever of the group is still there
    except ProcessLookupError:
        pass
    proc.wait()


def evaluate(backend: Any, out: Path, **fields: Any) -> list[dict[str, Any]]:
    """One GSM8K run with an already built `backend` into `out`; its samples.jsonl rows."""
    settings: dict[str, Any] = {"limit": LIMIT, "max_tokens": MAX_TOKENS, "batch_size": 4, "workers": 1}
    config = EvalConfig(model=backend.spec, **{**settings, **fields})
    run_eval(config, out, backend=backend, cache_dir=out / "cache", progress=False)
    return [json.loads(line) for line in (out / "samples.jsonl").read_text().splitlines()]


def comparable(rows: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    """What a rerun must reproduce (timings excluded)."""
    return [(r["id"], r["sample"], r["solve"]["raw"], r["solve"]["answer"], r["correct"]) for r in rows]
