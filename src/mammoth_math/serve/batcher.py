"""Coalesce concurrent solve requests into one batched `Solver.solve_problems` call.

Why: one backend call with k prompts is much faster than k threads each calling generate() with one
prompt (measured on SmolLM2/llama.cpp: 4 prompts in one call 11 s, 4 concurrent single calls 37 s on a
loaded 2-core box). One dispatcher thread runs batch after batch; requests that arrive while a batch is
generating wait and form the next one, so a lone request never waits for company. Requests with
different modes or token budgets form separate groups that run side by side.
Streaming requests cannot share a batch (tokens are per prompt) and bypass this.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, replace

from mammoth_math.api import AnswerType, Problem, SamplingParams, SolveResult


@dataclass(frozen=True)
class SolveJob:
    question: str
    mode: str
    answer_type: AnswerType
    choices: tuple[str, ...]
    max_tokens: int

    @property
    def key(self) -> tuple[str, int]:
        """Requests batch together when they share strategy and token budget."""
        return self.mode, self.max_tokens


# (problems, mode, params) -> one SolveResult per problem; Solver.solve_problems in production
SolveMany = Callable[[list[Problem], str, SamplingParams], list[SolveResult]]


class SolveBatcher:
    def __init__(self, solve_many: SolveMany, max_batch: int) -> None:
        self._solve_many = solve_many
        self.max_batch = max(1, max_batch)
        self._queue: queue.Queue[tuple[SolveJob, Future[SolveResult]] | None] = queue.Queue()
        self.batches = 0
        self._closed = False
        self.largest_batch = 0
        self._pool = ThreadPoolExecutor(max_workers=self.max_batch, thread_name_prefix="serve-batch")
        self._thread = threading.Thread(target=self._loop, name="serve-batcher", daemon=True)
        self._thread.start()

    def solve(self, job: SolveJob) -> SolveResult:
        """Blocking: queue `job`, wait for the batch it lands in, return its result (or raise its error)."""
        if self._closed:
            raise RuntimeError("the server is shutting down")
        future: Future[SolveResult] = Future()
        self._queue.put((job, future))
        return future.result()

    def close(self) -> None:
        """Stop after the batch in progress; the dispatcher shuts its pool down itself."""
        self._closed = True
        self._queue.put(None)

    def _loop(self) -> None:
        while True:
            first = self._queue.get()
            if first is None:
                self._pool.shutdown(wait=False)
                return
            items = [first]
            while len(items) < self.max_batch:
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
                if item is None:  # closing: finish what we hold, then stop
                    self._queue.put(None)
                    break
                items.append(item)
            groups: dict[tuple[str, int], list[tuple[SolveJob, Future[SolveResult]]]] = {}
            for job, future in items:
                groups.setdefault(job.key, []).append((job, future))
            # groups with different (mode, max_tokens) cannot share a call, but they can overlap
            running = [self._pool.submit(self._run, mode, mt, group) for (mode, mt), group in groups.items()]
            wait(running)

    def _run(self, mode: str, max_tokens: int, group: list[tuple[SolveJob, Future[SolveResult]]]) -> None:
        problems = [
            Problem(
                id=str(i),
                benchmark="serve",
                question=j.question,
                gold="",
                answer_type=j.answer_type,
                choices=j.choices,
            )
            for i, (j, _) in enumerate(group)
        ]
        self.batches += 1
        self.largest_batch = max(self.largest_batch, len(group))
        started = time.perf_counter()
        try:
            results = self._solve_many(problems, mode, SamplingParams(temperature=0.0, max_tokens=max_tokens))
            if len(results) != len(group):
                raise RuntimeError(f"solver returned {len(results)} results for {len(group)} questions")
        except Exception as e:  # every request of the batch learns why
            for _, future in group:
                future.set_exception(e)
            return
        seconds = time.perf_counter() - started
        for (_, future), result in zip(group, results, strict=True):
            future.set_result(replace(result, seconds=seconds))
