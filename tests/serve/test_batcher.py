"""Concurrent solve requests are coalesced into batches; errors reach every request of a batch."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from mammoth_math.api import AnswerType, Problem, SamplingParams, SolveResult
from mammoth_math.serve.batcher import SolveBatcher, SolveJob


def job(q: str, mode: str = "cot", max_tokens: int = 8) -> SolveJob:
    return SolveJob(question=q, mode=mode, answer_type=AnswerType.NUMBER, choices=(), max_tokens=max_tokens)


def test_requests_arriving_during_a_batch_form_the_next_one() -> None:
    gate = threading.Event()
    calls: list[tuple[list[str], str, int]] = []

    def solve_many(problems: list[Problem], mode: str, params: SamplingParams) -> list[SolveResult]:
        calls.append(([p.question for p in problems], mode, params.max_tokens))
        gate.wait(10)
        return [SolveResult(question=p.question, mode_used=mode, answer=p.question.upper()) for p in problems]

    batcher = SolveBatcher(solve_many, max_batch=4)
    with ThreadPoolExecutor(6) as pool:
        first = pool.submit(batcher.solve, job("a"))
        while not calls:  # the first batch is running (and blocked on the gate)
            threading.Event().wait(0.01)
        rest = [pool.submit(batcher.solve, j) for j in (job("b"), job("c"), job("d", max_tokens=16))]
        while batcher._queue.qsize() < 3:
            threading.Event().wait(0.01)
        gate.set()
        answers = [f.result(10).answer for f in (first, *rest)]
    batcher.close()
    assert answers == ["A", "B", "C", "D"]  # each request gets its own result back
    assert calls[0] == (["a"], "cot", 8)  # a lone request does not wait for company
    assert (["b", "c"], "cot", 8) in calls and (["d"], "cot", 16) in calls  # grouped by token budget
    assert batcher.largest_batch == 2 and batcher.batches == 3


def test_a_failing_batch_fails_each_of_its_requests() -> None:
    def solve_many(problems: list[Problem], mode: str, params: SamplingParams) -> list[SolveResult]:
        raise RuntimeError("backend down")

    batcher = SolveBatcher(solve_many, max_batch=2)
    with pytest.raises(RuntimeError, match="backend down"):
        batcher.solve(job("x"))
    batcher.close()
