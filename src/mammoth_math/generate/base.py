"""Helpers every backend shares: prompt checks, stop-string handling, the context-manager mixin."""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import replace
from typing import Any

from mammoth_math.api.protocols import Prompt
from mammoth_math.api.records import Completion, Generation, Message, SamplingParams


class GenerateError(RuntimeError):
    """A backend could not be built or a request could not be served."""


def is_chat(prompt: Prompt) -> bool:
    return not isinstance(prompt, str)


def check_prompt(prompt: Prompt, index: int = 0) -> Prompt:
    """Validate one prompt; a bad one names its position and field rather than failing deep inside."""
    if isinstance(prompt, str):
        return prompt
    if not isinstance(prompt, Sequence) or not prompt:
        raise GenerateError(f"prompt {index}: expected a string or a non-empty list of messages")
    for i, message in enumerate(prompt):
        if not isinstance(message, Mapping):
            raise GenerateError(f"prompt {index}, message {i}: expected a {{'role', 'content'}} object")
        for key in ("role", "content"):
            if not isinstance(message.get(key), str):
                raise GenerateError(f"prompt {index}, message {i}: field {key!r} must be a string")
    return prompt


def check_params(params: SamplingParams) -> None:
    if params.n < 1:
        raise GenerateError(f"SamplingParams.n must be >= 1, got {params.n}")
    if params.max_tokens < 1:
        raise GenerateError(f"SamplingParams.max_tokens must be >= 1, got {params.max_tokens}")
    if params.temperature < 0:
        raise GenerateError(f"SamplingParams.temperature must be >= 0, got {params.temperature}")
    if not 0 < params.top_p <= 1:
        raise GenerateError(f"SamplingParams.top_p must be in (0, 1], got {params.top_p}")


def messages(prompt: Prompt) -> list[Message]:
    return [{"role": m["role"], "content": m["content"]} for m in prompt]  # type: ignore[index]


def sample_seed(params: SamplingParams, i: int) -> int | None:
    """Sample i of n uses seed + i, so n samples differ yet the whole set is reproducible."""
    return None if params.seed is None else params.seed + i


def cut_at_stop(text: str, stop: Sequence[str]) -> tuple[str, bool]:
    """Text up to the earliest stop string (excluded), and whether one was found."""
    cut = min((i for s in stop if s and (i := text.find(s)) >= 0), default=-1)
    return (text[:cut], True) if cut >= 0 else (text, False)


def error_completion(message: str) -> Completion:
    return Completion(text="", finish_reason="error", error=message)


def generation(completions: Sequence[Completion], model: str, started: float) -> Generation:
    return Generation(completions=tuple(completions), model=model, seconds=time.perf_counter() - started)


class BackendBase:
    """Context-manager support and a `stream` fallback for backends without native streaming."""

    spec: str = ""

    def generate(self, prompts: Sequence[Prompt], params: SamplingParams) -> list[Generation]:
        raise NotImplementedError

    def stream(self, prompt: Prompt, params: SamplingParams) -> Iterator[str]:
        yield self.generate([prompt], one_sample(params))[0].text

    def close(self) -> None:
        return None

    def __enter__(self) -> Any:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def one_sample(params: SamplingParams) -> SamplingParams:
    """`stream` serves one completion whatever `n` says."""
    return replace(params, n=1)
