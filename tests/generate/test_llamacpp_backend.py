"""The gguf backend on the real SmolLM2-135M GGUF through llama.cpp (xllamacpp)."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from mammoth_math.api.protocols import Backend
from mammoth_math.api.records import SamplingParams
from mammoth_math.generate import load_backend, smollm2_path
from mammoth_math.generate.llamacpp import LlamaCppBackend

pytestmark = pytest.mark.slow

CHAT = [{"role": "user", "content": "What is 2 + 3? Answer with a number."}]
GREEDY = SamplingParams(max_tokens=16, temperature=0.0)


@pytest.fixture(scope="module")
def backend() -> Iterator[LlamaCppBackend]:
    with load_backend("smollm2", n_parallel=2, n_ctx=1024) as b:
        yield b  # type: ignore[misc]


def test_is_a_backend(backend: LlamaCppBackend) -> None:
    assert isinstance(backend, Backend)
    assert backend.spec == "smollm2"


def test_greedy_is_deterministic_across_calls_and_threads(backend: LlamaCppBackend) -> None:
    prompt = "The three primary colors are"
    first = backend.generate([prompt], GREEDY)[0].completions[0]
    assert first.text.strip() and first.completion_tokens > 0 and first.prompt_tokens > 0
    results: list[str] = []

    def worker() -> None:
        results.append(backend.generate([prompt], GREEDY)[0].text)

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [first.text] * 3


def test_stop_string_ends_and_is_excluded(backend: LlamaCppBackend) -> None:
    full = backend.generate(["1, 2, 3, 4,"], GREEDY)[0].text
    assert " 6," in full  # the model continues the count
    cut = backend.generate(["1, 2, 3, 4,"], SamplingParams(max_tokens=16, stop=(" 6",)))[0]
    comp = cut.completions[0]
    assert comp.text == full[: full.index(" 6")]
    assert comp.finish_reason == "stop"


def test_max_tokens_gives_length(backend: LlamaCppBackend) -> None:
    comp = backend.generate(["Count: 1, 2,"], SamplingParams(max_tokens=5))[0].completions[0]
    assert comp.finish_reason == "length" and comp.completion_tokens == 5


def test_n_samples_differ_and_reproduce_with_seed(backend: LlamaCppBackend) -> None:
    params = SamplingParams(max_tokens=6, temperature=1.0, n=3, seed=11)
    a = backend.generate(["Once upon a time"], params)
    assert [len(g.completions) for g in a] == [3]
    texts = [c.text for c in a[0].completions]
    assert len(set(texts)) > 1  # sampled, not three copies
    b = backend.generate(["Once upon a time"], params)
    assert [[c.text for c in g.completions] for g in b] == [[c.text for c in g.completions] for g in a]


def test_chat_uses_the_gguf_chat_template(backend: LlamaCppBackend) -> None:
    gguf = pytest.importorskip("gguf")
    import jinja2

    rendered = backend.render(CHAT)
    assert rendered.startswith("<|im_start|>") and rendered.endswith("<|im_start|>assistant\n")
    # independently: the template stored in the GGUF metadata, rendered with jinja2
    reader = gguf.GGUFReader(str(smollm2_path()))
    field = reader.fields["tokenizer.chat_template"]
    template = bytes(field.parts[field.data[0]]).decode()
    expected = jinja2.Environment().from_string(template).render(messages=CHAT, add_generation_prompt=True)
    assert rendered == expected
    # and the chat path feeds exactly that text to the model
    chat = backend.generate([CHAT], GREEDY)[0].completions[0]
    text = backend.generate([rendered], GREEDY)[0].completions[0]
    assert chat.text == text.text and chat.prompt_tokens == text.prompt_tokens


def test_stream_matches_generate_and_can_stop_early(backend: LlamaCppBackend) -> None:
    params = SamplingParams(max_tokens=16, stop=(" 7",))
    pieces = list(backend.stream("1, 2, 3,", params))
    assert len(pieces) > 1
    assert "".join(pieces) == backend.generate(["1, 2, 3,"], params)[0].text
    chat = "".join(backend.stream(CHAT, GREEDY))
    assert chat == backend.generate([CHAT], GREEDY)[0].text
    it = backend.stream("Count: 1,", SamplingParams(max_tokens=400))
    assert next(it)
    it.close()  # cancels the request; the backend stays usable
    assert backend.generate(["1, 2,"], SamplingParams(max_tokens=3))[0].text


def test_bad_prompt_in_batch_does_not_lose_the_others(backend: LlamaCppBackend) -> None:
    too_long = "word " * 2000  # over the 1024-token slot
    gens = backend.generate(["1, 2, 3,", too_long], SamplingParams(max_tokens=4))
    assert gens[0].completions[0].finish_reason == "length"
    bad = gens[1].completions[0]
    assert bad.finish_reason == "error" and "context" in (bad.error or "")
