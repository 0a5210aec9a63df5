"""A bounded job queue: worker threads run blocking calls (Solver.solve, Sandbox.run) for the event loop.

Why threads and not processes: the backend is thread-safe and batches concurrent generate() calls in its
parallel slots, so N threads calling solve() at once is how concurrent users share one model. The
sandbox isolates each program in its own process, so a thread per run only waits.

Admission is counted, not queued blindly: at most `workers + queue` jobs are accepted at once and the
rest get `Overloaded` (the HTTP layer turns that into 429 + Retry-After) instead of piling up memory.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")


class Overloaded(RuntimeError):
    """More jobs are waiting than the queue admits."""


class JobQueue:
    def __init__(self, name: str, workers: int, queue: int) -> None:
        self.name = name
        self.workers = workers
        self.capacity = workers + queue
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix=f"serve-{name}")
        self._lock = threading.Lock()
        self._admitted = 0
        self._running = 0
        self.completed = 0
        self.rejected = 0

    def stats(self) -> dict[str, int]:
        with self._lock:
            return {
                "workers": self.workers,
                "capacity": self.capacity,
                "running": self._running,
                "waiting": self._admitted - self._running,
                "completed": self.completed,
                "rejected": self.rejected,
            }

    def _admit(self) -> None:
        with self._lock:
            if self._admitted >= self.capacity:
                self.rejected += 1
                raise Overloaded(f"the {self.name} queue is full ({self.capacity} requests); retry later")
            self._admitted += 1

    def _release(self) -> None:
        with self._lock:
            self._admitted -= 1
            self.completed += 1

    def submit(self, fn: Callable[[], T]) -> asyncio.Future[T]:
        """Admit `fn` now (raises Overloaded when full) and run it on a worker thread.

        Admission happens synchronously so a streaming endpoint can still answer 429 before it starts
        its response. If the awaiting request goes away (client disconnected), the job still finishes on
        its thread (a llama.cpp call cannot be interrupted safely) and frees its slot when it does.
        """
        self._admit()

        def job() -> T:
            with self._lock:
                self._running += 1
            try:
                return fn()
            finally:
                with self._lock:
                    self._running -= 1
                self._release()

        try:
            future = self._pool.submit(job)
        except RuntimeError:  # the pool was shut down while the request arrived
            self._release()
            raise
        return asyncio.wrap_future(future)

    async def run(self, fn: Callable[[], T]) -> T:
        return await self.submit(fn)

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
