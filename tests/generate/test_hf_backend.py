"""The hf backend with a tiny randomly initialised Llama built here from SmolLM2's real tokenizer."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from mammoth_math.api.records import SamplingParams
from mammoth_math.generate import load_backend
from mammoth_math.generate.hf import HFBackend

pytestmark = pytest.mark.slow
torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")

CHAT = [{"role": "user", "content": "What is 2 + 3?"}]


@pytest.fixture(scope="module")
def model_dir(tiny_llama_dir: Path) -> Path:
    return tiny_llama_dir


@pytest.fixture(scope="module")
def backend(model_dir: Path) -> Iterator[HFBackend]:
    with load_backend(f"hf:{model_dir}", device="cpu", dtype="float32") as b:
        yield b  # type: ignore[misc]


def test_chat_template_comes_from_the_tokenizer(backend: HFBackend) -> None:
    rendered = backend.render(CHAT)
    assert "<|im_start|>user\nWhat is 2 + 3?<|im_end|>" in rendered
    assert rendered.endswith("<|im_start|>assistant\n")


def test_greedy_deterministic_and_length(backend: HFBackend) -> None:
    params = SamplingParams(max_tokens=8)
    a = backend.generate(["Hello there", CHAT], params)
    b = backend.generate(["Hello there", CHAT], params)
    assert [g.text for g in a] == [g.text for g in b]
    comp = a[0].completions[0]
    assert comp.prompt_tokens > 0 and 0 < comp.completion_tokens <= 8
    # batching with left padding must not change a prompt's greedy output
    alone = backend.generate(["Hello there"], params)[0].text
    assert alone == a[0].text


def test_n_samples_and_seed(backend: HFBackend) -> None:
    params = SamplingParams(max_tokens=6, temperature=1.0, n=3, seed=3)
    gens = backend.generate(["Once upon a time"], params)
    texts = [c.text for c in gens[0].completions]
    assert len(texts) == 3 and len(set(texts)) > 1  # random weights: samples differ
    assert [c.text for c in backend.generate(["Once upon a time"], params)[0].completions] == texts


def test_stop_string_is_cut(backend: HFBackend) -> None:
    full = backend.generate(["Hello there"], SamplingParams(max_tokens=12))[0].text
    assert len(full) > 4
    stop = full[2:4]
    cut = backend.generate(["Hello there"], SamplingParams(max_tokens=12, stop=(stop,)))[0].completions[0]
    assert cut.text == full[: full.index(stop)] and cut.finish_reason == "stop"
    assert "".join(backend.stream("Hello there", SamplingParams(max_tokens=12, stop=(stop,)))) == cut.text


def test_peft_adapter_changes_the_model(backend: HFBackend, model_dir: Path, tmp_path: Path) -> None:
    peft = pytest.importorskip("peft")
    base = transformers.AutoModelForCausalLM.from_pretrained(model_dir)
    config = peft.LoraConfig(r=4, target_modules=["q_proj", "v_proj"], init_lora_weights=False)
    torch.manual_seed(1)
    peft.get_peft_model(base, config).save_pretrained(tmp_path / "adapter")
    params = SamplingParams(max_tokens=8)
    with load_backend(f"hf:{model_dir}", adapter=tmp_path / "adapter", device="cpu") as tuned:
        assert type(tuned.model).__name__.startswith("Peft")  # type: ignore[attr-defined]
        assert (
            tuned.generate(["Hello there"], params)[0].text
            != backend.generate(["Hello there"], params)[0].text
        )
