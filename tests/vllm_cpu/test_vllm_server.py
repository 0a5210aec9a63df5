"""The openai backend against vLLM's real OpenAI-compatible server (SmolLM2 on the CPU build, started
on 127.0.0.1 by the session fixture and stopped by PID): it answers as the offline engine does for the
same settings, the same eval runs through it with requests in flight together, and transient failures
are retried (a relay in front of the server refuses the first connections with 503)."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from vllm_helpers import SERVED_NAME, comparable, evaluate

from mammoth_math.api.records import SamplingParams
from mammoth_math.generate import load_backend

pytestmark = [pytest.mark.vllm, pytest.mark.slow]

PROMPTS: list[Any] = [
    "1, 2, 3, 4,",
    [{"role": "user", "content": "What is 2 + 3?"}],
    "The capital of France is",
    [{"role": "user", "content": "Name a prime number greater than 10."}],
    "def add(a, b):",
    [{"role": "user", "content": "Write one sentence about the sea."}],
]


@pytest.fixture(scope="module")
def client(server_url: str) -> Iterator[Any]:
    with load_backend(f"openai:{server_url}#{SERVED_NAME}", max_concurrency=4, timeout=300) as b:
        yield b


def texts(backend: Any, params: SamplingParams) -> list[list[str]]:
    return [[c.text for c in g.completions] for g in backend.generate(PROMPTS, params)]


def test_server_and_offline_engine_agree(client: Any, engine: Any) -> None:
    greedy = SamplingParams(max_tokens=24, stop=("\n\n",))
    served = client.generate(PROMPTS, greedy)  # six requests, four in flight at a time
    offline = engine.generate(PROMPTS, greedy)
    assert [g.text for g in served] == [g.text for g in offline]
    for s, o in zip(served, offline, strict=True):
        a, b = s.completions[0], o.completions[0]
        assert (a.prompt_tokens, a.completion_tokens, a.finish_reason) == (
            b.prompt_tokens,
            b.completion_tokens,
            b.finish_reason,
        )
    # seeded samples: sample i uses seed + i on both sides, so they agree too
    sampled = SamplingParams(max_tokens=12, temperature=1.0, n=2, seed=11)
    assert texts(client, sampled) == texts(engine, sampled)


def test_the_same_eval_through_the_server(
    server_url: str, hybrid_rows: list[dict[str, Any]], tmp_path: Path
) -> None:
    with load_backend(f"openai:{server_url}#{SERVED_NAME}", max_concurrency=4, timeout=300) as b:
        rows = evaluate(b, tmp_path / "served", mode="hybrid", workers=2)  # batches in flight together
    assert comparable(rows) == comparable(hybrid_rows)
    assert [r["solve"]["completion_tokens"] for r in rows] == [
        r["solve"]["completion_tokens"] for r in hybrid_rows
    ]


class Relay:
    """A TCP relay to the server that answers the first `refuse` connections with HTTP 503 itself;
    every later connection is piped to the real server byte for byte."""

    def __init__(self, upstream_port: int, refuse: int) -> None:
        self.upstream_port, self.refuse, self.refused = upstream_port, refuse, 0
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:  # closed
                return
            if self.refused < self.refuse:
                self.refused += 1
                conn.recv(65536)
                conn.sendall(
                    b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                )
                conn.close()
                continue
            up = socket.create_connection(("127.0.0.1", self.upstream_port))
            for a, b in ((conn, up), (up, conn)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def close(self) -> None:
        self.sock.close()


def test_transient_failures_are_retried(server_url: str, engine: Any) -> None:
    port = int(server_url.rsplit(":", 1)[1])
    params = SamplingParams(max_tokens=12)
    relay = Relay(port, refuse=2)
    try:
        spec = f"openai:http://127.0.0.1:{relay.port}#{SERVED_NAME}"
        with load_backend(spec, max_concurrency=1, retries=3, backoff=0.05, timeout=120) as b:
            comp = b.generate([PROMPTS[0]], params)[0].completions[0]
        assert relay.refused == 2 and comp.finish_reason != "error", comp.error
        assert comp.text == engine.generate([PROMPTS[0]], params)[0].text
    finally:
        relay.close()
    relay = Relay(port, refuse=10)
    try:
        spec = f"openai:http://127.0.0.1:{relay.port}#{SERVED_NAME}"
        with load_backend(spec, max_concurrency=1, retries=1, backoff=0.05, timeout=120) as b:
            comp = b.generate([PROMPTS[0]], params)[0].completions[0]
        assert comp.finish_reason == "error" and "failed after 2 attempts" in (comp.error or "")
        assert "HTTP 503" in (comp.error or "") and relay.refused == 2
    finally:
        relay.close()
