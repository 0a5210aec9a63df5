"""A generation cache rebuilt from finished runs' samples holds exactly the entries those runs wrote
(same keys, same generations), so a hybrid run after them generates nothing: what lets an experiment
taken over from a results folder, where caches do not travel, skip work its samples already did."""

from __future__ import annotations

from pathlib import Path

import pytest

from mammoth_math.common.store import read_jsonl
from mammoth_math.evaluate import EvalConfig, GenerationCache, run_eval
from mammoth_math.evaluate.cache import seed_from_samples
from mammoth_math.execute import Sandbox, SandboxConfig
from mammoth_math.generate.scripted import ScriptedBackend

RULES = [
    {"match": "Janet", "texts": ["```python\nprint(1/0)\n```"], "completion_tokens": 9},  # PoT fails
    {"match": "program", "texts": ["```python\nprint(18)\n```"], "completion_tokens": 7},
    {"match": None, "texts": ["So the answer is 18."], "completion_tokens": 5},
]
BENCHMARKS = ("gsm8k", "math")  # different CoT budgets (512, 1024): the key must carry the right one


@pytest.fixture(scope="module")
def sandbox():  # type: ignore[no-untyped-def]
    with Sandbox(SandboxConfig(timeout=3, workers=1)) as box:
        yield box


def _run(config: EvalConfig, out: Path, cache: Path, sandbox: Sandbox, data_dir: Path, **kw: object) -> dict:
    return run_eval(config, out, data_dir=str(data_dir), backend=ScriptedBackend(rules=RULES),
                    executor=sandbox, cache_dir=cache, progress=False, **kw)  # type: ignore[arg-type]  # fmt: skip


def _entries(cache_dir: Path) -> dict[str, list]:
    """key -> completions, as the cache file holds them."""
    (path,) = cache_dir.glob("*.jsonl")
    return {row["key"]: row["generation"]["completions"] for row in read_jsonl(path)}


@pytest.mark.parametrize("style", ["alpaca", "chat"])
def test_seeded_cache_equals_the_cache_the_runs_wrote(
    style: str, tmp_path: Path, data_dir: Path, sandbox: Sandbox
) -> None:
    base = EvalConfig(model="scripted", benchmarks=BENCHMARKS, limit=3, prompt_style=style, seed=3)
    made = tmp_path / "made-cache"
    runs = [tmp_path / "pot", tmp_path / "cot"]
    for mode, out in zip(("pot", "cot"), runs, strict=True):
        _run(EvalConfig(**{**base.to_dict(), "mode": mode}), out, made, sandbox, data_dir)  # type: ignore[arg-type]

    seeded = tmp_path / "seeded-cache"
    cache = GenerationCache(seeded / next(made.glob("*.jsonl")).name)
    assert [seed_from_samples(cache, r, "scripted", "scripted") for r in runs] == [6, 6]
    assert seed_from_samples(cache, runs[0], "scripted", "scripted") == 0  # already there
    assert _entries(seeded) == _entries(made)

    hybrid = EvalConfig(**{**base.to_dict(), "mode": "hybrid"})  # type: ignore[arg-type]
    fresh = _run(hybrid, tmp_path / "hybrid-fresh", tmp_path / "empty-cache", sandbox, data_dir)
    summary = _run(hybrid, tmp_path / "hybrid", tmp_path / "cache", sandbox, data_dir, seed_runs=runs)
    assert summary["cache"] == {"hits": 6 + 1, "misses": 0}  # 6 programs, the CoT fallback of Janet (gsm8k-0)
    assert summary["benchmarks"] == fresh["benchmarks"]


def test_vote_samples_seed_with_their_own_seed_and_path(
    tmp_path: Path, data_dir: Path, sandbox: Sandbox
) -> None:
    config = EvalConfig(model="scripted", benchmarks=("gsm8k",), limit=2, mode="vote", samples=2)
    _run(config, tmp_path / "vote", tmp_path / "made", sandbox, data_dir)
    cache = GenerationCache(tmp_path / "seeded" / next((tmp_path / "made").glob("*.jsonl")).name)
    assert seed_from_samples(cache, tmp_path / "vote", "scripted", "scripted") == 4
    assert _entries(tmp_path / "seeded") == _entries(tmp_path / "made")


def test_nothing_is_seeded_from_another_model_a_hybrid_run_or_no_run(
    tmp_path: Path, data_dir: Path, sandbox: Sandbox
) -> None:
    cache = GenerationCache(tmp_path / "seeded.jsonl")
    _run(EvalConfig(model="scripted", benchmarks=("gsm8k",), limit=2, mode="pot"), tmp_path / "pot",
         tmp_path / "made", sandbox, data_dir)  # fmt: skip
    _run(EvalConfig(model="scripted", benchmarks=("gsm8k",), limit=2, mode="hybrid"), tmp_path / "hybrid",
         tmp_path / "made", sandbox, data_dir)  # fmt: skip
    assert seed_from_samples(cache, tmp_path / "pot", "scripted", "gguf:/other.gguf") == 0
    assert seed_from_samples(cache, tmp_path / "hybrid", "scripted", "scripted") == 0  # 2 prompts a sample
    assert seed_from_samples(cache, tmp_path / "missing", "scripted", "scripted") == 0
    assert len(cache) == 0
