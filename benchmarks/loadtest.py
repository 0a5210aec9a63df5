"""A bounded load test against a running server: a fixed number of requests, a fixed concurrency.

The mix is mostly /v1/execute (some with hostile programs: fork bombs, infinite loops, killing the
parent, huge allocations) plus a share of /v1/solve with a tiny token budget. It reports latency
percentiles and counts per status; the server is healthy under load when `server_errors == 0`.
Used by `benchmarks/bench_serve.py` and by tests/serve (a measuring tool, not part of the package).
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import httpx

BENIGN = (
    "def solution():\n    return sum(range(1, 101))\n",
    "x = 3 * 14\nprint(x)\n",
    "from fractions import Fraction\ndef solution():\n    return Fraction(3, 4) * 48\n",
    "import math\nprint(math.comb(10, 3))\n",
)

# Each must come back as a non-OK Execution while the server keeps answering everyone else.
HOSTILE = {
    "fork_bomb": "import os\nwhile True:\n    os.fork()\n",
    "infinite_loop": "while True:\n    pass\n",
    "kill_parent": "import os\nos.kill(os.getppid(), 9)\nprint('still here')\n",
    "huge_allocation": "x = bytearray(64 * 1024 ** 3)\nprint(len(x))\n",
    "output_flood": "while True:\n    print('y' * 10000)\n",
    "raise": "def solution():\n    return 1 / 0\n",
}

QUESTIONS = (
    "What is 12 times 7?",
    "Tom has 5 apples and buys 3 more. How many apples does he have?",
    "What is $\\frac{3}{4}$ of 48?",
)


@dataclass
class LoadReport:
    requests: int
    concurrency: int
    seconds: float
    latencies: dict[str, list[float]] = field(default_factory=dict)  # endpoint -> seconds, in order done
    statuses: Counter[int] = field(default_factory=Counter)
    hostile_statuses: Counter[str] = field(default_factory=Counter)  # Execution.status of hostile runs
    failures: list[str] = field(default_factory=list)  # transport errors and 5xx bodies

    @property
    def server_errors(self) -> int:
        return sum(n for code, n in self.statuses.items() if code >= 500) + sum(
            1 for f in self.failures if f.startswith("transport")
        )

    def percentile(self, q: float, endpoint: str | None = None) -> float:
        values = sorted(v for name, vs in self.latencies.items() if endpoint in (None, name) for v in vs)
        if not values:
            return float("nan")
        # nearest-rank: the smallest value with at least q of the samples at or below it
        rank = max(1, min(len(values), int(-(-q * len(values) // 1))))
        return values[rank - 1]

    def summary(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "requests": self.requests,
            "concurrency": self.concurrency,
            "seconds": round(self.seconds, 2),
            "throughput_rps": round(self.requests / self.seconds, 2) if self.seconds else None,
            "p50_s": round(self.percentile(0.50), 3),
            "p99_s": round(self.percentile(0.99), 3),
            "status_counts": dict(sorted(self.statuses.items())),
            "server_errors": self.server_errors,
            "hostile_exec_status": dict(self.hostile_statuses),
        }
        for endpoint in sorted(self.latencies):
            out[f"{endpoint}_p50_s"] = round(self.percentile(0.50, endpoint), 3)
            out[f"{endpoint}_p99_s"] = round(self.percentile(0.99, endpoint), 3)
        if self.failures:
            out["failures"] = self.failures[:10]
        return out


def plan(requests: int, solve_every: int, hostile_every: int) -> list[tuple[str, str, dict[str, Any]]]:
    """The request mix, deterministic: (endpoint, label, JSON body)."""
    hostile = list(HOSTILE.items())
    jobs: list[tuple[str, str, dict[str, Any]]] = []
    for i in range(requests):
        if solve_every and i % solve_every == solve_every - 1:
            body = {"question": QUESTIONS[i % len(QUESTIONS)], "mode": ("cot", "pot", "hybrid")[i % 3]}
            jobs.append(("solve", "solve", body))
        elif hostile_every and i % hostile_every == 0:
            name, code = hostile[(i // hostile_every) % len(hostile)]
            jobs.append(("execute", f"hostile:{name}", {"code": code}))
        else:
            jobs.append(("execute", "benign", {"code": BENIGN[i % len(BENIGN)]}))
    return jobs


async def run_load(
    base_url: str,
    requests: int = 200,
    concurrency: int = 16,
    *,
    solve_every: int = 10,
    hostile_every: int = 4,
    max_tokens: int = 16,
    timeout_s: float = 300.0,
) -> LoadReport:
    """Send `requests` requests, `concurrency` at a time, and collect latencies and statuses."""
    jobs = plan(requests, solve_every, hostile_every)
    report = LoadReport(requests=requests, concurrency=concurrency, seconds=0.0)
    queue: asyncio.Queue[tuple[str, str, dict[str, Any]]] = asyncio.Queue()
    for job in jobs:
        queue.put_nowait(job)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)

    async with httpx.AsyncClient(base_url=base_url, timeout=timeout_s, limits=limits) as client:

        async def worker() -> None:
            while not queue.empty():
                endpoint, label, body = queue.get_nowait()
                if endpoint == "solve":
                    body = {**body, "max_tokens": max_tokens}
                started = time.perf_counter()
                try:
                    response = await client.post(f"/v1/{endpoint}", json=body)
                except httpx.HTTPError as e:
                    report.failures.append(f"transport {label}: {type(e).__name__}: {e}")
                    continue
                report.latencies.setdefault(endpoint, []).append(time.perf_counter() - started)
                report.statuses[response.status_code] += 1
                if response.status_code >= 500:
                    report.failures.append(f"{response.status_code} {label}: {response.text[:200]}")
                elif label.startswith("hostile:") and response.status_code == 200:
                    report.hostile_statuses[f"{label[8:]}={response.json().get('status')}"] += 1

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        report.seconds = time.perf_counter() - started
    return report
