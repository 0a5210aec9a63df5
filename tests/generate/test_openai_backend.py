"""The openai backend against a real OpenAI-compatible server in another process.

The server is llama.cpp's own HTTP server (xllamacpp.Server listens on 127.0.0.1) serving SmolLM2,
started in a child process: none of our code is on the serving side.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator

import pytest

from mammoth_math.api.records import SamplingParams
from mammoth_math.generate import load_backend, smollm2_path
from mammoth_math.generate.openai_compat import OpenAIBackend

pytestmark = pytest.mark.slow

SERVER = """
import sys, xllamacpp as xlc
p = xlc.CommonParams()
p.model.path = sys.argv[1]
p.n_parallel = 2
p.n_ctx = 2048
p.verbosity = 0
s = xlc.Server(p)
print(s.listening_address, flush=True)
sys.stdin.read()  # serve until the test closes our stdin
"""


@pytest.fixture(scope="module")
def server_url() -> Iterator[str]:
    proc = subprocess.Popen(
        [sys.executable, "-c", SERVER, str(smollm2_path())],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        line = proc.stdout.readline().strip() if proc.stdout else ""
        assert line.startswith("http://127.0.0.1:"), f"server did not start: {line!r}"
        yield line
    finally:
        if proc.stdin:
            proc.stdin.close()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="module")
def backend(server_url: str) -> Iterator[OpenAIBackend]:
    with load_backend(f"openai:{server_url}#smollm2", max_concurrency=2, timeout=120) as b:
        yield b  # type: ignore[misc]


def test_text_completion_stop_and_counts(backend: OpenAIBackend) -> None:
    greedy = SamplingParams(max_tokens=16)
    full = backend.generate(["1, 2, 3, 4,"], greedy)[0].completions[0]
    assert " 6," in full.text and full.prompt_tokens > 0 and full.completion_tokens > 0
    cut = backend.generate(["1, 2, 3, 4,"], SamplingParams(max_tokens=16, stop=(" 6",)))[0].completions[0]
    assert cut.text == full.text[: full.text.index(" 6")] and cut.finish_reason == "stop"
    short = backend.generate(["Count: 1, 2,"], SamplingParams(max_tokens=4))[0].completions[0]
    assert short.finish_reason == "length" and short.completion_tokens == 4


def test_chat_and_n_samples(backend: OpenAIBackend) -> None:
    chat = [{"role": "user", "content": "Say hello."}]
    greedy = backend.generate([chat, chat], SamplingParams(max_tokens=8))
    assert greedy[0].text and greedy[0].text == greedy[1].text  # deterministic at temperature 0
    sampled = backend.generate(
        ["Once upon a time"], SamplingParams(max_tokens=6, temperature=1.0, n=3, seed=5)
    )
    texts = [c.text for c in sampled[0].completions]
    assert len(texts) == 3 and len(set(texts)) > 1
    again = backend.generate(["Once upon a time"], SamplingParams(max_tokens=6, temperature=1.0, n=3, seed=5))
    assert [c.text for c in again[0].completions] == texts


def test_stream_matches_generate(backend: OpenAIBackend) -> None:
    params = SamplingParams(max_tokens=12, stop=(" 7",))
    pieces = list(backend.stream("1, 2, 3,", params))
    assert len(pieces) > 1 and "".join(pieces) == backend.generate(["1, 2, 3,"], params)[0].text


def test_unreachable_server_gives_error_completion_after_retries() -> None:
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with load_backend(f"openai:http://127.0.0.1:{port}#m", retries=2, backoff=0.01, timeout=5) as b:
        started = time.perf_counter()
        comp = b.generate(["hi"], SamplingParams(max_tokens=2))[0].completions[0]
    assert comp.finish_reason == "error"
    assert "failed after 3 attempts" in (comp.error or "") and f"127.0.0.1:{port}" in (comp.error or "")
    assert time.perf_counter() - started < 5
