"""The small interfaces stages program against (torchtune-style Protocols, no base classes)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Protocol, runtime_checkable

from mammoth_math.api.records import ExecStatus, Execution, Generation, Message, SamplingParams

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
class StreamingBackend(Backend, Protocol):
    """A backend that can also stream one completion's text as it is generated (optional: the
    Solver streams when the backend has it and a caller asked for tokens, else it generates)."""

    def stream(self, prompt: Prompt, params: SamplingParams) -> Iterator[str]: ...


@runtime_checkable
class Executor(Protocol):
    """Runs model-written programs; the sandbox implements it."""

    def run(self, programs: Sequence[str]) -> list[Execution]:
        """One Execution per program, in order. Never raises for a bad program."""
        ...

    def close(self) -> None:
        """Stop whatever runs programs (the sandbox's server); a later run may start it again."""
        ...


class SandboxUnavailable(RuntimeError):
    """The executor cannot run programs at all (no namespaces, a server that cannot start).

    A strategy that runs programs stops with this rather than answer by another path: a `hybrid` run
    whose programs were all refused would otherwise report a CoT score under the hybrid name.
    """


# how an Executor says, per program, that it could not run it for reasons of its own (the sandbox's
# refusal and lost-server errors), as opposed to an empty program or a program that failed
UNAVAILABLE_ERRORS = ("IsolationUnavailable", "SandboxUnavailable", "SandboxDied")


def executor_unavailable(execution: Execution) -> bool:
    return execution.status in (ExecStatus.REFUSED, ExecStatus.KILLED) and (execution.error or "").startswith(
        UNAVAILABLE_ERRORS
    )
