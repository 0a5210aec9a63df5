"""The vllm backend on vLLM's CPU build with SmolLM2 (converted from its GGUF by `export hf`): stop
strings, token counts and finish reasons, chat and plain prompts, seeded samples, a prompt too long
for the engine failing alone, and bad engine options refused by name before an engine starts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from vllm_helpers import ENGINE

from mammoth_math.api.records import SamplingParams
from mammoth_math.generate import GenerateError, load_backend

pytestmark = [pytest.mark.vllm, pytest.mark.slow]

COUNT = "1, 2, 3, 4,"
CHAT = [{"role": "user", "content": "What is 2 + 3? Answer with the number only."}]


def test_converted_directory_is_what_vllm_needs(hf_dir: Path, engine: Any) -> None:
    assert {"config.json", "model.safetensors", "tokenizer.json"} <= {p.name for p in hf_dir.iterdir()}
    # the CPU build's defaults were applied where the test did not pin them, and ours win over them
    assert engine.platform == "cpu" and engine.options == {**ENGINE}


def test_stop_strings_counts_and_finish_reasons(engine: Any) -> None:
    full = engine.generate([COUNT], SamplingParams(max_tokens=16))[0].completions[0]
    assert " 6," in full.text and full.prompt_tokens > 0 and full.completion_tokens > 0
    cut = engine.generate([COUNT], SamplingParams(max_tokens=16, stop=(" 6",)))[0].completions[0]
    assert cut.text == full.text[: full.text.index(" 6")] and cut.finish_reason == "stop"
    assert cut.completion_tokens < full.completion_tokens
    short = engine.generate(["Count: 1, 2,"], SamplingParams(max_tokens=4))[0].completions[0]
    assert short.finish_reason == "length" and short.completion_tokens == 4


def test_chat_and_plain_prompts_in_one_batch(engine: Any) -> None:
    gens = engine.generate([COUNT, CHAT, COUNT], SamplingParams(max_tokens=12))
    plain, chat, again = (g.completions[0] for g in gens)
    assert "5" in chat.text and chat.finish_reason == "stop"  # the model ended its turn (EOS)
    assert plain.text == again.text  # greedy, order kept across the two kinds
    rendered = engine.render(CHAT)
    assert rendered.endswith("<|im_start|>assistant\n") and CHAT[0]["content"] in rendered
    assert chat.prompt_tokens == len(engine.llm.get_tokenizer()(rendered, add_special_tokens=False).input_ids)


def test_seeded_samples_differ_and_repeat(engine: Any) -> None:
    params = SamplingParams(max_tokens=8, temperature=1.0, n=3, seed=5)
    texts = [c.text for c in engine.generate(["Once upon a time"], params)[0].completions]
    assert len(texts) == 3 and len(set(texts)) == 3
    assert [c.text for c in engine.generate(["Once upon a time"], params)[0].completions] == texts


def test_a_too_long_prompt_fails_alone(engine: Any) -> None:
    long = "one two three " * 1000  # > max_model_len 2048 tokens
    bad, good = engine.generate([long, COUNT], SamplingParams(max_tokens=6))
    assert bad.completions[0].finish_reason == "error" and "vllm:" in (bad.completions[0].error or "")
    assert good.completions[0].finish_reason in ("stop", "length") and good.text


@pytest.mark.parametrize(
    ("option", "message"),
    [
        ({"enforce_eagr": True}, r"'enforce_eagr' is not an argument of the installed vLLM .*enforce_eager"),
        ({"max_model_len": "long"}, r"max_model_len='long': expected int"),
        ({"dtype": "float33"}, r"dtype='float33': expected one of 'auto'"),
    ],
)
def test_bad_engine_option_is_our_error(hf_dir: Path, option: dict[str, Any], message: str) -> None:
    with pytest.raises(GenerateError, match=message):
        load_backend(f"vllm:{hf_dir}", **option)


def test_bad_engine_option_through_the_cli(hf_dir: Path, tmp_path: Path, capsys: Any) -> None:
    from mammoth_math.cli import main

    argv = ["eval", "--model", f"vllm:{hf_dir}", "--model-option", "tensor_parallel_sise=1"]
    argv += ["--mode", "cot", "--limit", "1", "--output", str(tmp_path / "run"), "--no-progress"]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "engine option 'tensor_parallel_sise'" in err and "tensor_parallel_size" in err
    assert "Traceback" not in err


def test_platform_defaults_and_what_overrides_them(monkeypatch: pytest.MonkeyPatch) -> None:
    import vllm

    from mammoth_math.generate.vllm_options import engine_options

    cpu = engine_options(vllm, "vllm:x", {}, "cpu")
    assert cpu["kv_cache_memory_bytes"] == 1 << 30 and cpu["enforce_eager"] is True
    assert engine_options(vllm, "vllm:x", {}, "cuda") == {"enable_prefix_caching": True, "seed": 0}
    # a memory knob of the user's (or the CPU build's env var) replaces our KV-cache size, not adds to it
    mine = engine_options(vllm, "vllm:x", {"gpu_memory_utilization": 0.2}, "cpu")
    assert "kv_cache_memory_bytes" not in mine and mine["gpu_memory_utilization"] == 0.2
    monkeypatch.setenv("VLLM_CPU_KVCACHE_SPACE", "2")
    assert "kv_cache_memory_bytes" not in engine_options(vllm, "vllm:x", {}, "cpu")
    # the GPU options are arguments of this vLLM, data parallelism included
    options = {"tensor_parallel_size": 1, "data_parallel_size": 1, "gpu_memory_utilization": 0.5}
    assert engine_options(vllm, "vllm:x", options, "cuda")["data_parallel_size"] == 1
