"""The two small interfaces stages program against (torchtune-style Protocols, no base classes)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

from mammoth_math.api.records import Execution, Generation, Message, SamplingParams

# plain text, or chat messages rendered by the model's template
Prompt = str | Sequence[Message]


@runtime_checkable
class Backend(Protocol):
    """A text generator. One per model spec (`gguf:PATH`, `hf:NAME`, `vllm:NAME`, `openai:URL#MODEL`)."""

    spec: str

    def generate(self, prompts: Sequence[Prompt], params: SamplingParams) -> list[Generation]:
        """One Generation per prompt, in order, each with `params.n` completions."""
        ...

    def close(self) -> None: ...


@runtime_checkable
class Executor(Protocol):
    """Runs model-written programs; the sandbox implements it."""

    def run(self, programs: Sequence[str]) -> list[Execution]:
        """One Execution per program, in order. Never raises for a bad program."""
        ...
