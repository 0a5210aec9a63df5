"""Crash-safe files and the generation cache (torn last line, keys, atomic replace)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mammoth_math.api import Completion, Generation, SamplingParams
from mammoth_math.common.store import JsonlLog, atomic_write_text, read_jsonl
from mammoth_math.evaluate import EvalConfig, EvalError, GenerationCache, cache_key, parse_options


def test_torn_last_line_is_skipped_and_repaired(tmp_path: Path) -> None:
    path = tmp_path / "log.jsonl"
    log = JsonlLog(path)
    log.append([{"a": 1}, {"a": 2}])
    with open(path, "a") as f:
        f.write('{"a": 3, "b"')  # kill -9 mid-write
    log2 = JsonlLog(path)  # reopening ends the torn line
    log2.append([{"a": 4}])
    assert [r["a"] for r in log2.read()] == [1, 2, 4]
    with pytest.raises(ValueError, match=r"log\.jsonl:3"):
        list(read_jsonl(path))


def test_atomic_write_survives_surrogates_and_leaves_no_temp(tmp_path: Path) -> None:
    target = tmp_path / "out" / "report.html"
    atomic_write_text(target, "ok \udcff end")
    assert target.read_text(encoding="utf-8") == "ok ? end"
    assert [p.name for p in target.parent.iterdir()] == ["report.html"]


def test_cache_key_depends_on_everything() -> None:
    p = SamplingParams(max_tokens=10, seed=0)
    base = cache_key("gguf:a", "hi", p)
    assert base == cache_key("gguf:a", "hi", SamplingParams(max_tokens=10, seed=0))
    assert base != cache_key("gguf:b", "hi", p)
    assert base != cache_key("gguf:a", "hi!", p)
    assert base != cache_key("gguf:a", "hi", SamplingParams(max_tokens=10, seed=1))
    assert base != cache_key("gguf:a", [{"role": "user", "content": "hi"}], p)


def test_cache_roundtrip_skips_errors(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    cache = GenerationCache(path)
    good = Generation((Completion("x = 1", 5, 3, "stop"),), "m", 0.5)
    bad = Generation((Completion("", 0, 0, "error"),), "m", 0.1)
    cache.put_many([("k1", good), ("k2", bad)])
    with open(path, "a") as f:
        f.write('{"key": "k3", "generation": {"compl')
    again = GenerationCache(path)
    assert len(again) == 1 and again.get("k1") == good and again.get("k2") is None
    assert json.loads(path.read_text().splitlines()[0])["key"] == "k1"


def test_config_validation_and_options() -> None:
    with pytest.raises(EvalError, match="--mode"):
        EvalConfig(mode="best")
    with pytest.raises(EvalError, match="N >= 2"):
        EvalConfig(mode="vote")
    with pytest.raises(EvalError, match="shard-index"):
        EvalConfig(num_shards=2, shard_index=2)
    with pytest.raises(EvalError, match="--exec-reuse"):
        EvalConfig(exec_reuse=-1)
    # reusing sandbox workers is a speed knob: a run may resume with or without it
    assert EvalConfig(exec_reuse=100).identity() == EvalConfig().identity()
    c = EvalConfig(mode="vote", samples=4)
    assert c.params().temperature == 0.7 and [c.mode_for_sample(s) for s in range(3)] == ["cot", "pot", "cot"]
    assert EvalConfig.from_dict(c.to_dict()) == c
    assert parse_options(["n_parallel=1", "x=0.5", "v=true", "name=a=b"]) == {
        "n_parallel": 1,
        "x": 0.5,
        "v": True,
        "name": "a=b",
    }
    with pytest.raises(EvalError, match="KEY=VALUE"):
        parse_options(["oops"])
