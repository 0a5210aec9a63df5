"""Running an evaluation: load and shard problems, solve them in overlapping batches (generation of one
batch runs while the sandbox and grader work on another), log finished samples as they come, and write
samples.jsonl / summary.json / report.html atomically at the end."""

from __future__ import annotations

import hashlib
import json
import sys
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import replace
from pathlib import Path
from typing import Any

from mammoth_math.api import (
    Backend,
    Executor,
    Judgement,
    Problem,
    SampleResult,
    SandboxUnavailable,
    SolveResult,
    from_dict,
    to_dict,
)
from mammoth_math.common.store import JsonlLog, atomic_write_jsonl, atomic_write_text, read_jsonl
from mammoth_math.evaluate.cache import CachingBackend, GenerationCache, default_cache_dir, seed_from_samples
from mammoth_math.evaluate.config import EvalConfig, EvalError
from mammoth_math.evaluate.metrics import majority

PROGRESS = "progress.jsonl"  # finished samples, appended as they come (the resume log)
RUN = "run.json"


def load_problems(config: EvalConfig, data_dir: str | None) -> list[Problem]:
    """Problems in dataset order, limited per benchmark, then this shard's share (round robin)."""
    from mammoth_math.benchmarks import get_spec, load

    problems: list[Problem] = []
    for name in config.benchmarks:
        domain = get_spec(name).domain
        for index, p in enumerate(load(name, data_dir, limit=config.limit)):
            if index % config.num_shards == config.shard_index:
                problems.append(replace(p, metadata={**p.metadata, "index": index, "domain": domain}))
    return problems


def sample_key(row: dict[str, Any]) -> tuple[str, str, int]:
    return (row["benchmark"], row["id"], int(row["sample"]))


def grade_result(problem: Problem, result: SolveResult) -> Judgement:
    from mammoth_math.grade import grade_answer

    if result.answer is None:
        return Judgement(False, None, "no_answer", result.answer_method)
    return grade_answer(problem, result.answer, method=result.answer_method or "given")


def _equal(problem: Problem) -> Callable[[str, str], bool]:
    from mammoth_math.grade import equivalent

    return lambda a, b: equivalent(a, b, problem.answer_type.value, problem.choices or None)


def _meta(problem: Problem, mode: str) -> dict[str, Any]:
    keep = {
        k: problem.metadata.get(k) for k in ("index", "domain", "subject", "level") if k in problem.metadata
    }
    return {**keep, "question": problem.question, "choices": list(problem.choices), "sample_mode": mode}


class BatchWorker:
    """Solves and grades one batch of problems for every sample index; never raises for a bad sample."""

    def __init__(self, solver: Any, config: EvalConfig) -> None:
        self.solver = solver
        self.config = config
        self.fatal: SandboxUnavailable | None = None  # once set, no batch generates anything more

    def _solve(self, batch: Sequence[Problem], sample: int) -> list[SolveResult | str]:
        from mammoth_math.solve import for_sample  # solve loads lazily, as in run_eval

        mode = self.config.mode_for_sample(sample)
        params = for_sample(self.config.params(), sample)
        try:
            budgets = self.config.budgets(batch[0].benchmark)  # a batch is one benchmark (_run_batches)
            return [r[0] for r in self.solver.solve_problems(batch, 1, params, mode=mode, max_tokens=budgets)]
        except SandboxUnavailable as e:
            self.fatal = e  # not the problem's fault: the whole run stops (solve/preflight.py)
            raise
        except Exception as e:  # one bad prompt must not sink its batch: retry one by one
            if len(batch) == 1:
                return [f"solve failed: {type(e).__name__}: {e}"]
            return [x for p in batch for x in self._solve([p], sample)]

    def __call__(self, batch: Sequence[Problem]) -> list[SampleResult]:
        if self.fatal is not None:  # a batch already in the pool when another met a lost sandbox
            raise self.fatal
        per_problem: list[list[SampleResult]] = [[] for _ in batch]
        for s in range(self.config.samples):
            mode = self.config.mode_for_sample(s)
            for i, (problem, result) in enumerate(zip(batch, self._solve(batch, s), strict=True)):
                per_problem[i].append(self._record(problem, s, mode, result))
        out: list[SampleResult] = []
        for problem, records in zip(batch, per_problem, strict=True):
            if self.config.samples > 1:
                records[0] = self._with_vote(problem, records)
            out.extend(records)
        return out

    def _record(self, problem: Problem, s: int, mode: str, result: SolveResult | str) -> SampleResult:
        base = dict(
            benchmark=problem.benchmark,
            id=problem.id,
            sample=s,
            mode=mode,
            gold=problem.gold,
            answer_type=problem.answer_type,
            metadata=_meta(problem, mode),
        )
        if isinstance(result, str):
            return SampleResult(**base, solve=None, judgement=None, correct=False, error=result)
        try:
            judgement = grade_result(problem, result)
        except Exception as e:
            return SampleResult(
                **base,
                solve=result,
                judgement=None,
                correct=False,
                error=f"grading failed: {type(e).__name__}: {e}",
            )
        return SampleResult(**base, solve=result, judgement=judgement, correct=judgement.correct)

    def _with_vote(self, problem: Problem, records: list[SampleResult]) -> SampleResult:
        answers = [r.solve.answer if r.solve else None for r in records]
        try:
            answer, votes = majority(answers, _equal(problem))
            correct = bool(answer is not None and grade_result(problem, _answer_only(answer)).correct)
            vote: dict[str, Any] = {"answer": answer, "votes": votes, "correct": correct}
        except Exception as e:
            vote = {"answer": None, "votes": 0, "correct": False, "error": f"{type(e).__name__}: {e}"}
        return replace(records[0], metadata={**records[0].metadata, "vote": vote})


def _answer_only(answer: str) -> SolveResult:
    return SolveResult(question="", mode_used="vote", answer=answer, answer_method="vote")


def _check_output(output: Path, config: EvalConfig, resume: bool) -> None:
    run_file = output / RUN
    if run_file.exists():
        if not resume:
            raise EvalError(
                f"{output} already holds a run; pass --resume to continue it, or pick a new --output"
            )
        try:
            old = EvalConfig.from_dict(json.loads(run_file.read_text())["config"])
        except (ValueError, KeyError, TypeError) as e:
            raise EvalError(f"{run_file}: unreadable run description ({e})") from None
        a, b = old.identity(), config.identity()
        diff = [k for k in a if a[k] != b.get(k)]
        if diff or old.shard_index != config.shard_index:
            fields = ", ".join(f"{k}: {a.get(k)!r} -> {b.get(k)!r}" for k in diff) or "shard_index"
            raise EvalError(f"--resume: {output} was started with different settings ({fields})")


def run_eval(
    config: EvalConfig,
    output: str | Path,
    *,
    resume: bool = False,
    data_dir: str | None = None,
    backend: Backend | None = None,
    executor: Executor | None = None,
    cache_dir: str | Path | None = None,
    progress: bool = True,
    seed_runs: Sequence[str | Path] = (),
) -> dict[str, Any]:
    """Run (or resume) an evaluation into `output`; returns the summary. `backend`/`executor` default to
    `load_backend(config.model)` and a Sandbox, both closed at the end when created here. `seed_runs`:
    finished runs of the same model whose samples fill the generation cache first (`seed_from_samples`);
    only for a model whose spec names fixed weights, since the samples cannot say which weights made them."""
    from mammoth_math.evaluate.report import write_report
    from mammoth_math.evaluate.summary import build_summary
    from mammoth_math.solve import Solver, require_executor

    output = Path(output)
    _check_output(output, config, resume)
    problems = load_problems(config, data_dir)
    if not problems:
        raise EvalError("no problems selected (check --benchmarks, --limit and the shard settings)")
    output.mkdir(parents=True, exist_ok=True)
    atomic_write_text(output / RUN, json.dumps({"config": config.to_dict()}, indent=2) + "\n")

    log = JsonlLog(output / PROGRESS)
    done: dict[tuple[str, str, int], dict[str, Any]] = {}
    for row in log.read():
        if isinstance(row, dict) and "benchmark" in row and not row.get("error"):
            done[sample_key(row)] = row
    pending = [p for p in problems if any((p.benchmark, p.id, s) not in done for s in range(config.samples))]

    own_backend = backend is None
    own_executor = executor is None
    start = time.perf_counter()
    caching: CachingBackend | None = None
    if pending:
        if executor is None:
            from mammoth_math.execute import Sandbox, SandboxConfig

            executor = Sandbox(
                SandboxConfig(
                    timeout=config.exec_timeout,
                    workers=config.exec_workers,
                    memory_mb=config.memory_mb,
                    reuse_workers=config.exec_reuse,
                    unsafe_no_isolation=config.unsafe_no_isolation,
                )
            )
        try:
            # before the model loads and anything is generated: a run whose programs would all be
            # refused must stop, not report a CoT score under a program mode's name
            require_executor(executor, {config.mode_for_sample(s) for s in range(config.samples)})
        except SandboxUnavailable as e:
            if own_executor:
                _close(executor)
            raise EvalError(str(e)) from None
        if backend is None:
            from mammoth_math.generate import load_backend

            try:
                backend = load_backend(config.model, **config.backend_options)
            except BaseException:  # a bad spec or engine option: leave no sandbox workers behind
                if own_executor:
                    _close(executor)
                raise
        cache_path = Path(cache_dir or default_cache_dir())
        cache = GenerationCache(
            cache_path / f"{hashlib.sha256(backend.spec.encode()).hexdigest()[:16]}.jsonl"
        )
        for run in seed_runs:
            seed_from_samples(cache, run, backend.spec, config.model)
        caching = CachingBackend(backend, cache)
        try:
            solver = Solver(
                caching,
                executor,
                mode=config.mode_for_sample(0),
                prompt_style=config.prompt_style,
                shots=config.shots,
                params=config.params(),
            )
            _run_batches(BatchWorker(solver, config), pending, config, log, progress)
        except SandboxUnavailable as e:  # lost mid-run: finished samples stay in the log (--resume)
            raise EvalError(str(e)) from None
        finally:
            if own_backend:
                backend.close()
            if own_executor:
                _close(executor)
    wall = time.perf_counter() - start

    rows = finalize(output, problems, config, log)
    ran = sum((p.benchmark, p.id, s) not in done for p in pending for s in range(config.samples))
    extra = {
        "wall_seconds": round(wall, 3),  # this invocation's (a resumed run's earlier time is not in it)
        "samples_run": ran,
        "seconds_per_sample": round(wall / ran, 4) if ran else None,
        "resumed": resume and bool(done),
        "cache": {"hits": caching.cache.hits, "misses": caching.cache.misses} if caching else None,
        "generation_seconds": round(caching.generation_seconds, 3) if caching else 0.0,
    }
    summary = build_summary(rows, config, extra)
    atomic_write_text(output / "summary.json", json.dumps(summary, indent=2, ensure_ascii=False) + "\n")
    write_report(output / "report.html", summary, rows)
    return summary


def _close(executor: Executor) -> None:
    close = getattr(executor, "close", None)
    if callable(close):
        close()


def _run_batches(
    worker: BatchWorker, pending: list[Problem], config: EvalConfig, log: JsonlLog, progress: bool
) -> None:
    from tqdm import tqdm

    # one benchmark per batch: its generation budgets apply to the whole batch
    batches = []
    for name in dict.fromkeys(p.benchmark for p in pending):
        group = [p for p in pending if p.benchmark == name]
        batches += [group[i : i + config.batch_size] for i in range(0, len(group), config.batch_size)]
    bar = tqdm(total=len(pending), desc="eval", unit="problem", disable=not progress, file=sys.stderr)
    correct = 0
    seen = 0
    lock = threading.Lock()
    # `workers` batches in flight: while one waits on the model, another is in the sandbox or grader.
    with ThreadPoolExecutor(max_workers=config.workers, thread_name_prefix="eval") as pool:
        futures = [pool.submit(worker, b) for b in batches]
        for fut in as_completed(futures):
            try:
                records = fut.result()
            except BaseException:
                pool.shutdown(wait=True, cancel_futures=True)  # no batch starts after a fatal error
                raise
            log.append(to_dict(r) for r in records)
            with lock:
                seen += sum(1 for r in records if r.sample == 0)
                correct += sum(1 for r in records if r.sample == 0 and r.correct)
                bar.update(sum(1 for r in records if r.sample == 0))
                bar.set_postfix(acc=f"{correct / max(seen, 1):.1%}")
    bar.close()


def finalize(output: Path, problems: list[Problem], config: EvalConfig, log: JsonlLog) -> list[SampleResult]:
    """samples.jsonl in dataset order: one line per (problem, sample), the last logged success winning
    over failures and earlier duplicates."""
    best: dict[tuple[str, str, int], dict[str, Any]] = {}
    for row in log.read():
        if not isinstance(row, dict) or "benchmark" not in row:
            continue
        key = sample_key(row)
        if key not in best or not row.get("error") or best[key].get("error"):
            best[key] = row
    rows: list[SampleResult] = []
    for p in problems:
        for s in range(config.samples):
            row = best.get((p.benchmark, p.id, s))
            if row is not None:
                rows.append(from_dict(SampleResult, row))
    atomic_write_jsonl(output / "samples.jsonl", (to_dict(r) for r in rows))
    return rows


def read_samples(path: str | Path) -> list[SampleResult]:
    return [from_dict(SampleResult, row) for row in read_jsonl(path)]
