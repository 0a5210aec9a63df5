"""The bounded job queue admits workers + queue jobs and refuses the rest."""

from __future__ import annotations

import asyncio
import threading

import pytest

from mammoth_math.serve.jobs import JobQueue, Overloaded


def test_queue_refuses_beyond_capacity_and_recovers() -> None:
    gate = threading.Event()

    async def scenario() -> list[int]:
        jobs = JobQueue("t", workers=1, queue=1)
        first = jobs.submit(lambda: gate.wait(10) and 1)
        second = jobs.submit(lambda: 2)  # waits behind the first
        with pytest.raises(Overloaded, match="queue is full"):
            jobs.submit(lambda: 3)
        assert jobs.stats()["rejected"] == 1
        gate.set()
        results = [await first, await second]
        results.append(await jobs.run(lambda: 4))  # capacity is free again
        assert jobs.stats()["completed"] == 3 and jobs.stats()["running"] == 0
        jobs.close()
        return results

    assert asyncio.run(scenario()) == [1, 2, 4]


def test_failing_job_frees_its_slot() -> None:
    async def scenario() -> None:
        jobs = JobQueue("t", workers=1, queue=0)
        with pytest.raises(ZeroDivisionError):
            await jobs.run(lambda: 1 / 0)
        assert await jobs.run(lambda: "ok") == "ok"
        jobs.close()

    asyncio.run(scenario())
