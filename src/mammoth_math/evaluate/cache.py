"""The generation cache: every completed Generation is appended (fsync'd) to a JSONL file keyed by
sha256(model spec, prompt, sampling parameters incl. seed). Evaluation runs resume from it, and runs in
other modes reuse it where prompts coincide (hybrid's PoT prompts are pot's; its fallbacks are cot's)."""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path

from mammoth_math.api import Backend, Generation, Prompt, SamplingParams, from_dict, to_dict
from mammoth_math.common.store import JsonlLog


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
