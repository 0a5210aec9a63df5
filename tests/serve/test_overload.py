"""Beyond workers + queue, requests get 429 with Retry-After, and the server recovers."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import httpx
import pytest

pytestmark = pytest.mark.slow

SLOW_PROGRAM = "import time\ntime.sleep(1.0)\nprint(1)\n"


def test_full_queue_answers_429_then_recovers(server_factory: Callable) -> None:
    tiny_server = server_factory("--exec-workers", "1", "--exec-queue", "0")

    async def burst() -> list[httpx.Response]:
        async with httpx.AsyncClient(base_url=tiny_server.url, timeout=60) as c:
            return await asyncio.gather(
                *(c.post("/v1/execute", json={"code": SLOW_PROGRAM}) for _ in range(3))
            )

    codes = sorted(r.status_code for r in asyncio.run(burst()))
    assert codes[0] == 200 and 429 in codes and all(c in (200, 429) for c in codes), codes
    refused = next(r for r in asyncio.run(burst()) if r.status_code == 429)
    assert refused.headers["Retry-After"] == "2"
    assert "queue is full" in refused.json()["detail"]
    ok = httpx.post(f"{tiny_server.url}/v1/execute", json={"code": "print(7)"}, timeout=60)
    assert ok.status_code == 200 and ok.json()["answer"] == "7"
