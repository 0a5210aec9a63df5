"""Spec parsing, option checking and clear errors — no model is loaded here."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from mammoth_math.generate import BACKENDS, GenerateError, load_backend, resolve_model_spec, smollm2_path
from mammoth_math.generate.openai_compat import parse_target


def test_backends_registered() -> None:
    assert set(BACKENDS.names()) >= {"gguf", "hf", "vllm", "openai"}


@pytest.mark.parametrize(
    ("spec", "kind", "target"),
    [
        ("gguf:/models/x.gguf", "gguf", "/models/x.gguf"),
        ("hf:Qwen/Qwen2.5-0.5B", "hf", "Qwen/Qwen2.5-0.5B"),
        ("vllm:meta-llama/Llama-3-8B", "vllm", "meta-llama/Llama-3-8B"),
        ("openai:http://127.0.0.1:8000/v1#qwen", "openai", "http://127.0.0.1:8000/v1#qwen"),
        ("/some/where/model.gguf", "gguf", "/some/where/model.gguf"),
    ],
)
def test_resolve_explicit_specs(spec: str, kind: str, target: str) -> None:
    resolved = resolve_model_spec(spec)
    assert (resolved.kind, resolved.target, resolved.name) == (kind, target, spec)
    assert str(resolved) == f"{kind}:{target}"


def test_resolve_smollm2_alias() -> None:
    resolved = resolve_model_spec("smollm2")
    assert resolved.kind == "gguf" and Path(resolved.target) == smollm2_path()


def test_unknown_spec_lists_the_forms() -> None:
    with pytest.raises(GenerateError, match=r"unknown model spec 'llama'.*default.*smollm2.*gguf:"):
        resolve_model_spec("llama")
    with pytest.raises(GenerateError, match="nothing after 'hf:'"):
        resolve_model_spec("hf:")


def test_bad_option_names_the_option() -> None:
    with pytest.raises(GenerateError, match="adapterr"):
        load_backend("smollm2", adapterr="x")


def test_missing_or_non_gguf_file_is_a_clear_error(tmp_path: Path) -> None:
    # llama.cpp would exit the whole process on these; we must refuse before loading
    with pytest.raises(GenerateError, match="gguf model not found"):
        load_backend(f"gguf:{tmp_path / 'nope.gguf'}")
    fake = tmp_path / "fake.gguf"
    fake.write_bytes(b"PK\x03\x04 not a model")
    with pytest.raises(GenerateError, match="not a GGUF file"):
        load_backend(f"gguf:{fake}")


@pytest.mark.skipif(importlib.util.find_spec("vllm") is not None, reason="vllm installed")
def test_vllm_missing_is_a_clear_error() -> None:
    with pytest.raises(GenerateError, match=r"pip install 'mammoth-math\[vllm\]'"):
        load_backend("vllm:Qwen/Qwen2.5-0.5B")


def test_vllm_given_a_gguf_points_at_the_conversion(tmp_path: Path) -> None:
    # checked before vllm is imported, so this holds with or without vLLM installed
    disguised = tmp_path / "model.bin"
    disguised.write_bytes(b"GGUF" + bytes(16))
    for spec in (
        f"vllm:{smollm2_path()}",
        f"vllm:gguf:{smollm2_path()}",
        f"vllm:{disguised}",
        "vllm:smollm2",
    ):
        with pytest.raises(GenerateError, match=r"does not load GGUF.*mammoth-math export hf --model gguf:"):
            load_backend(spec)


def test_openai_target_parsing() -> None:
    assert parse_target("http://h:1#m") == ("http://h:1/v1", "m")
    assert parse_target("https://h/v1/#a/b") == ("https://h/v1", "a/b")
    with pytest.raises(GenerateError, match="BASE_URL#MODEL"):
        parse_target("http://h:1")
    with pytest.raises(GenerateError, match="http://"):
        parse_target("h:1#m")
