"""Shared fixtures. Tests read the real data in ../shared (never copied into the repo)."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("MAMMOTH_DATA_DIR", REPO.parent / "shared")).resolve()
os.environ.setdefault("MAMMOTH_DATA_DIR", str(SHARED))


@pytest.fixture(scope="session")
def data_dir() -> Path:
    if not (SHARED / "benchmarks").is_dir():
        pytest.fail(f"shared data not found at {SHARED}; set MAMMOTH_DATA_DIR")
    return SHARED


@pytest.fixture(scope="session")
def tiny_llama_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny randomly initialised Llama (2 layers, hidden 64) saved in HF format, with SmolLM2's real
    tokenizer (read from its GGUF). Built once per session for the hf-backend and resume tests."""
    torch = pytest.importorskip("torch")
    transformers = pytest.importorskip("transformers")
    from mammoth_math.generate import smollm2_path

    gguf = smollm2_path()
    tok = transformers.AutoTokenizer.from_pretrained(str(gguf.parent), gguf_file=gguf.name)
    config = transformers.LlamaConfig(
        vocab_size=len(tok),
        hidden_size=64,
        intermediate_size=128,
        num_hidden_layers=2,
        num_attention_heads=4,
        num_key_value_heads=2,
        max_position_embeddings=1024,
        bos_token_id=tok.bos_token_id,
        eos_token_id=tok.eos_token_id,
    )
    torch.manual_seed(0)
    out = tmp_path_factory.mktemp("tiny-llama")
    transformers.LlamaForCausalLM(config).save_pretrained(out)
    tok.save_pretrained(out)
    return out


# every namespace quota set to 0 inside a user namespace of our own: each unshare() the sandbox tries
# then fails as it would on a host without namespace support
_NO_NAMESPACES = (
    "for f in user mnt net pid ipc uts cgroup; do echo 0 > /proc/sys/user/max_${f}_namespaces; done; "
    'exec "$@"'
)


@pytest.fixture(scope="session")
def without_namespaces() -> list[str]:
    """A command prefix that runs argv where namespaces cannot be created (skips where it cannot)."""
    import shutil
    import subprocess

    if shutil.which("unshare") is None:
        pytest.skip("util-linux unshare not installed")
    probe = subprocess.run(["unshare", "--user", "--map-root-user", "true"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip("cannot create a user namespace to take namespaces away in")
    return ["unshare", "--user", "--map-root-user", "sh", "-c", _NO_NAMESPACES, "sh"]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked `vllm` run only where vLLM is installed (`make test` runs them in .venv-vllm);
    find_spec looks for the package without importing it, so the main environment never loads vllm."""
    if importlib.util.find_spec("vllm") is not None:
        return
    skip = pytest.mark.skip(reason="vllm not installed here; make test runs these in .venv-vllm")
    for item in items:
        if item.get_closest_marker("vllm") is not None:
            item.add_marker(skip)
