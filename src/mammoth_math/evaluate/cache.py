"""The generation cache: every completed Generation is appended (fsync'd) to a JSONL file keyed by
sha256(model spec, prompt, sampling parameters incl. seed). Evaluation runs resume from it, and runs in
other modes reuse it where prompts coincide (hybrid's PoT prompts are pot's; its fallbacks are cot's).
`seed_from_samples` rebuilds entries from a finished pot or cot run's samples.jsonl, for a machine that
has the samples (a results folder, docs/experiment.md) but not the cache they were made with."""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections.abc import Sequence
from dataclasses import asdict, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mammoth_math.api import Backend, Generation, Prompt, SamplingParams, from_dict, to_dict
from mammoth_math.common.store import JsonlLog, read_jsonl

if TYPE_CHECKING:
    from mammoth_math.evaluate.config import EvalConfig


def default_cache_dir() -> Path:
    env = os.environ.get("MAMMOTH_CACHE_DIR")
    base = (
        Path(env) if env else Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "mammoth-math"
    )
    return base / "generations"


def cache_key(spec: str, prompt: Prompt, params: SamplingParams) -> str:
    payload = [spec, prompt if isinstance(prompt, str) else list(prompt), asdict(params)]
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=list).encode()).hexdigest()


class GenerationCache:
    """key -> Generation, loaded from and appended to one JSONL file."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.log = JsonlLog(path)
        self._lock = threading.Lock()
        self._items: dict[str, Generation] = {}
        for row in self.log.read():
            try:
                self._items[row["key"]] = from_dict(Generation, row["generation"])
            except (KeyError, TypeError, ValueError):
                continue  # a line from an older format or a torn write: regenerate that one
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        return len(self._items)

    def get(self, key: str) -> Generation | None:
        with self._lock:
            return self._items.get(key)

    def put_many(self, items: Sequence[tuple[str, Generation]]) -> None:
        keep = [(k, g) for k, g in items if not any(c.finish_reason == "error" for c in g.completions)]
        self.log.append({"key": k, "generation": to_dict(g)} for k, g in keep)
        with self._lock:
            self._items.update(keep)


class CachingBackend:
    """A Backend that answers from the cache and sends only the misses to the wrapped backend."""

    def __init__(self, inner: Backend, cache: GenerationCache) -> None:
        self.inner = inner
        self.cache = cache
        self.spec = inner.spec
        self.generation_seconds = 0.0  # time spent inside the wrapped backend (for overhead figures)
        self._lock = threading.Lock()

    def generate(self, prompts: Sequence[Prompt], params: SamplingParams) -> list[Generation]:
        import time

        keys = [cache_key(self.spec, p, params) for p in prompts]
        out: list[Generation | None] = [self.cache.get(k) for k in keys]
        missing = [i for i, g in enumerate(out) if g is None]
        with self._lock:
            self.cache.hits += len(prompts) - len(missing)
            self.cache.misses += len(missing)
        if missing:
            start = time.perf_counter()
            fresh = self.inner.generate([prompts[i] for i in missing], params)
            with self._lock:
                self.generation_seconds += time.perf_counter() - start
            self.cache.put_many([(keys[i], g) for i, g in zip(missing, fresh, strict=True)])
            for i, g in zip(missing, fresh, strict=True):
                out[i] = g
        return [g for g in out if g is not None]

    def close(self) -> None:
        self.inner.close()


def seed_from_samples(cache: GenerationCache, run_dir: str | os.PathLike[str], spec: str, model: str) -> int:
    """Put into `cache` (for backend `spec`) the generations recorded in `run_dir`'s samples.jsonl, when
    that run evaluated `model` (its config's model spec) in a single-path mode ("pot" or "cot", one
    prompt per sample); returns how many were added. Anything else is skipped: a missing or foreign
    run, a sample with an error, a mode with several prompts per sample (their token counts are summed
    in the sample, so one generation's cannot be recovered). The key is the one `Solver` computes for
    that sample: the run's sampling parameters with the sample's seed, the path's token budget for that
    benchmark and the prompt style's stop strings (tests/evaluate/test_seed_cache.py holds it to that)."""
    from mammoth_math.evaluate.config import EvalConfig
    from mammoth_math.prompts import MODES

    run_dir = Path(run_dir)
    try:
        config = EvalConfig.from_dict(
            json.loads((run_dir / "run.json").read_text(encoding="utf-8"))["config"]
        )
    except (OSError, ValueError, KeyError, TypeError):
        return 0
    if config.model != model or not (run_dir / "samples.jsonl").is_file():
        return 0
    items = []
    for row in read_jsonl(run_dir / "samples.jsonl"):
        generation = _recorded(row)
        path = config.mode_for_sample(int(row["sample"]))  # a single-path mode's name is its path
        if generation is None or path not in MODES:
            continue
        prompt = _rendered(row, path, config)
        if prompt is None:
            continue
        key = cache_key(spec, prompt, solver_params(config, str(row["benchmark"]), path, int(row["sample"])))
        if cache.get(key) is None:
            items.append((key, replace(generation, model=spec)))
    cache.put_many(items)
    return len(items)


def solver_params(config: EvalConfig, benchmark: str, path: str, sample: int) -> SamplingParams:
    """The SamplingParams a run with `config` sends the backend for `path` of `sample` on `benchmark`."""
    from mammoth_math.solve import for_sample, with_stop_strings

    params = replace(for_sample(config.params(), sample), max_tokens=config.budgets(benchmark)[path])
    return with_stop_strings(params, config.prompt_style)


def _rendered(row: dict[str, Any], path: str, config: EvalConfig) -> Prompt | None:
    """The prompt the run sent (samples keep a chat prompt as flat text): rendered again from the
    question, and None unless it reads as the recorded one (a template changed since, say)."""
    from mammoth_math.api import AnswerType
    from mammoth_math.prompts import prompt_text, render

    solve, meta = row["solve"], row.get("metadata") or {}
    prompt = render(solve["question"], path, config.prompt_style, answer_type=AnswerType(row["answer_type"]),
                    choices=tuple(meta.get("choices") or ()), shots=config.shots)  # fmt: skip
    return prompt if prompt_text(prompt) == solve["prompts"][0] else None


def _recorded(row: dict[str, Any]) -> Generation | None:
    """The one generation a single-prompt sample holds, or None."""
    from mammoth_math.api import Completion

    solve = row.get("solve") or {}
    prompts, raw, reasons = (
        solve.get("prompts") or [],
        solve.get("raw") or [],
        solve.get("finish_reasons") or [],
    )
    if row.get("error") or len(prompts) != 1 or len(raw) != 1 or len(reasons) != 1 or reasons[0] == "error":
        return None
    completion = Completion(
        text=raw[0],
        prompt_tokens=int(solve.get("prompt_tokens") or 0),
        completion_tokens=int(solve.get("completion_tokens") or 0),
        finish_reason=reasons[0],
    )
    return Generation((completion,), seconds=float(solve.get("seconds") or 0.0))
