"""`vllm:NAME_OR_PATH` — vLLM's offline engine for GPUs (tensor parallelism, paged attention).

vLLM is an optional extra (`pip install mammoth-math[vllm]`); it is imported only here, so
everything else works without it. Chat prompts use the tokenizer's chat template via `LLM.chat`.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from typing import Any

from mammoth_math.api.protocols import Prompt
from mammoth_math.api.records import Completion, Generation, SamplingParams
from mammoth_math.generate.base import (
    BackendBase,
    GenerateError,
    check_params,
    check_prompt,
    generation,
    is_chat,
    messages,
)


def import_vllm() -> Any:
    try:
        import vllm
    except ImportError as exc:
        raise GenerateError(
            "the vllm backend needs the vllm package (GPU only): pip install 'mammoth-math[vllm]'"
        ) from exc
    return vllm


class VLLMBackend(BackendBase):
    def __init__(
        self,
        name_or_path: str,
        spec: str | None = None,
        *,
        tensor_parallel_size: int = 1,
        dtype: str = "auto",
        gpu_memory_utilization: float = 0.9,
        max_model_len: int | None = None,
        seed: int = 0,
    ) -> None:
        vllm = import_vllm()
        self._vllm = vllm
        self.spec = spec or f"vllm:{name_or_path}"
        self.llm = vllm.LLM(
            model=name_or_path,
            tensor_parallel_size=tensor_parallel_size,
            dtype=dtype,
            gpu_memory_utilization=gpu_memory_utilization,
            max_model_len=max_model_len,
            seed=seed,
            enable_prefix_caching=True,  # few-shot prefixes are shared across a whole benchmark
        )
        self._lock = threading.Lock()  # the offline engine is not re-entrant

    def _sampling(self, params: SamplingParams) -> Any:
        return self._vllm.SamplingParams(
            n=params.n,
            temperature=params.temperature,
            top_p=params.top_p,
            max_tokens=params.max_tokens,
            stop=list(params.stop) or None,
            seed=params.seed,
        )

    def generate(self, prompts: Sequence[Prompt], params: SamplingParams) -> list[Generation]:
        check_params(params)
        prompts = [check_prompt(p, i) for i, p in enumerate(prompts)]
        started = time.perf_counter()
        sampling = self._sampling(params)
        results: list[Any] = [None] * len(prompts)
        text_idx = [i for i, p in enumerate(prompts) if not is_chat(p)]
        chat_idx = [i for i, p in enumerate(prompts) if is_chat(p)]
        with self._lock:
            if text_idx:
                outs = self.llm.generate([prompts[i] for i in text_idx], sampling, use_tqdm=False)
                for i, o in zip(text_idx, outs, strict=True):
                    results[i] = o
            if chat_idx:
                outs = self.llm.chat([messages(prompts[i]) for i in chat_idx], sampling, use_tqdm=False)
                for i, o in zip(chat_idx, outs, strict=True):
                    results[i] = o
        out: list[Generation] = []
        for o in results:
            n_prompt = len(o.prompt_token_ids or [])
            completions = [
                Completion(
                    text=c.text,
                    prompt_tokens=n_prompt,
                    completion_tokens=len(c.token_ids),
                    finish_reason="length" if c.finish_reason == "length" else "stop",
                )
                for c in o.outputs
            ]
            out.append(generation(completions, self.spec, started))
        return out

    def close(self) -> None:
        self.llm = None
