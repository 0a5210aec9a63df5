"""A real `mammoth-math serve --model smollm2` on 127.0.0.1, shared by the tests of this folder."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    url: str
    proc: subprocess.Popen[bytes]
    log: Path

    def alive(self) -> bool:
        return self.proc.poll() is None


def start_server(tmp: Path, *extra: str, timeout_s: float = 180.0, model: str = "smollm2") -> Server:
    port = free_port()
    log = tmp / f"server-{port}.log"
    cmd = [sys.executable, "-m", "mammoth_math", "serve", "--model", model, "--host", "127.0.0.1"]
    cmd += [
        "--port",
        str(port),
        "--max-tokens",
        "32",
        "--exec-timeout",
        "2",
        "--log-level",
        "warning",
        *extra,
    ]
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=os.environ.copy())
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"server exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                return Server(url, proc, log)
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    proc.kill()
    pytest.fail(f"server did not answer /health within {timeout_s}s:\n{log.read_text()[-3000:]}")


def stop_server(server: Server) -> None:
    if server.alive():
        server.proc.terminate()
        try:
            server.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.proc.kill()
            server.proc.wait()


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    srv = start_server(tmp_path_factory.mktemp("serve"))
    yield srv
    stop_server(srv)


@pytest.fixture(scope="session")
def server_factory(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[..., Server]]:
    """Start extra servers with other options (`server_factory("--exec-workers", "1")`); all stopped at the end."""
    started: list[Server] = []

    def start(*extra: str) -> Server:
        started.append(start_server(tmp_path_factory.mktemp("serve-extra"), *extra))
        return started[-1]

    yield start
    for srv in started:
        stop_server(srv)


@pytest.fixture()
def client(server: Server) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=120) as c:
        yield c


# the scripted backend stands in for the model (fast tier): PoT prompts get a program, CoT a sentence
SCRIPTED_RULES = [
    {"match": "step by step", "texts": ["Six sevens are forty-two. The answer is 42."]},
    {"match": "crash", "texts": ["```python\nprint(1 / 0)\n```"]},
    {"match": "writing a Python program", "texts": ["```python\nprint('The total is:', 6 * 7)\n```"]},
]


@pytest.fixture(scope="session")
def scripted_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    import json

    tmp = tmp_path_factory.mktemp("serve-scripted")
    rules = tmp / "rules.jsonl"
    rules.write_text("".join(json.dumps(r) + "\n" for r in SCRIPTED_RULES))
    srv = start_server(tmp, timeout_s=60, model=f"scripted:{rules}")
    yield srv
    stop_server(srv)


@pytest.fixture()
def scripted_client(scripted_server: Server) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=scripted_server.url, timeout=60) as c:
        yield c
