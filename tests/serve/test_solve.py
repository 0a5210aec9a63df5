"""POST /v1/solve through a real server running SmolLM2, plain and streamed."""

from __future__ import annotations

import httpx
import pytest

from mammoth_math.serve.app import parse_sse

pytestmark = pytest.mark.slow

KEYS = {"question", "answer", "mode_used", "program", "execution", "rationale", "fallback_reason", "seconds"}


def test_cot_solve_returns_the_documented_shape(client: httpx.Client) -> None:
    r = client.post("/v1/solve", json={"question": "What is 6 times 7?", "mode": "cot", "max_tokens": 16})
    assert r.status_code == 200, r.text
    data = r.json()
    assert set(data) >= KEYS
    assert "raw" not in data and "prompts" not in data  # internals stay out of the API
    assert data["mode_used"] == "cot"
    assert data["question"] == "What is 6 times 7?"
    assert data["rationale"]  # the model wrote something
    assert data["program"] is None and data["execution"] is None
    assert data["seconds"] > 0


def test_pot_solve_runs_the_program_in_the_sandbox(client: httpx.Client) -> None:
    r = client.post("/v1/solve", json={"question": "What is 15 plus 27?", "mode": "pot", "max_tokens": 32})
    assert r.status_code == 200, r.text
    data = r.json()
    assert data["mode_used"] == "pot"
    assert data["execution"] is not None  # every PoT attempt leaves an Execution, even "no code" (refused)
    assert data["execution"]["status"] in {
        "ok",
        "error",
        "timeout",
        "memory",
        "output_limit",
        "killed",
        "refused",
    }


def test_hybrid_solve_reports_why_it_fell_back(client: httpx.Client) -> None:
    r = client.post("/v1/solve", json={"question": "What is 9 minus 4?", "max_tokens": 16})
    assert r.status_code == 200, r.text
    data = r.json()
    assert data["mode_used"] in {"pot", "cot"}
    if data["mode_used"] == "cot":
        assert data["fallback_reason"]
    else:
        assert data["execution"]["status"] == "ok"


@pytest.mark.parametrize("path", ["/v1/solve/stream", "/v1/solve?stream=true"])
def test_streaming_sends_tokens_then_one_result(client: httpx.Client, path: str) -> None:
    body = {"question": "What is 2 plus 3?", "mode": "cot", "max_tokens": 16}
    with client.stream("POST", path, json=body) as r:
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("text/event-stream")
        events = list(parse_sse(r.iter_lines()))
    names = [name for name, _ in events]
    assert names[0] == "start"
    assert names[-1] == "result"
    assert names.count("result") == 1 and "error" not in names
    tokens = "".join(data["text"] for name, data in events if name == "token")
    assert tokens.strip()
    result = events[-1][1]
    assert result["mode_used"] == "cot"
    assert result["rationale"].strip() in tokens  # what streamed is what was answered from


def test_concurrent_requests_share_a_batch(client: httpx.Client, server) -> None:
    import asyncio

    async def burst() -> list[httpx.Response]:
        async with httpx.AsyncClient(base_url=server.url, timeout=300) as c:
            body = {"mode": "cot", "max_tokens": 8}
            return await asyncio.gather(
                *(c.post("/v1/solve", json={**body, "question": f"What is {i} + {i}?"}) for i in range(4))
            )

    before = client.get("/health").json()["batches"]["count"]
    responses = asyncio.run(burst())
    assert [r.status_code for r in responses] == [200] * 4
    assert [r.json()["question"] for r in responses] == [f"What is {i} + {i}?" for i in range(4)]
    batches = client.get("/health").json()["batches"]
    assert batches["largest"] >= 2  # at least the requests that waited were solved together
    assert batches["count"] - before < 4
