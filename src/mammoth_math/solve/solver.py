"""`Solver`: answers questions with a strategy, a backend and a sandbox, one at a time or in batches."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from mammoth_math.api import (
    AnswerType,
    Backend,
    Completion,
    Executor,
    Generation,
    Problem,
    Prompt,
    SamplingParams,
    SolveResult,
    StreamingBackend,
)
from mammoth_math.prompts import PROMPT_STYLES, render, stop_strings
from mammoth_math.solve.core import Task
from mammoth_math.solve.registry import STRATEGIES


class Solver:
    """`Solver(backend, executor, mode="hybrid", prompt_style="chat", shots=0, params=None)`.

    `prompt_style="alpaca"` is MAmmoTH's template (for MAmmoTH-tuned models); "chat" sends system +
    user messages that the backend renders with the model's own chat template.
    """

    def __init__(
        self,
        backend: Backend,
        executor: Executor,
        mode: str = "hybrid",
        prompt_style: str = "chat",
        shots: int = 0,
        params: SamplingParams | None = None,
    ) -> None:
        self.strategy = STRATEGIES.get(mode)  # fails early on an unknown mode, naming the known ones
        if prompt_style not in PROMPT_STYLES:
            raise ValueError(f"prompt_style must be one of {PROMPT_STYLES}, got {prompt_style!r}")
        if shots < 0:
            raise ValueError(f"shots must be >= 0, got {shots}")
        self.backend = backend
        self.executor = executor
        self.mode = mode
        self.prompt_style = prompt_style
        self.shots = shots
        self.params = params or SamplingParams()

    # --- used by strategies ---------------------------------------------------------------------

    def prompt(self, task: Task, mode: str) -> Prompt:
        return render(
            task.question,
            mode,
            self.prompt_style,
            answer_type=task.answer_type,
            choices=task.choices,
            shots=self.shots,
        )

    def generate(self, prompts: Sequence[Prompt], params: SamplingParams) -> list[Generation]:
        return generate(self, prompts, params, None)

    # --- public API -----------------------------------------------------------------------------

    def solve(
        self,
        question: str,
        answer_type: AnswerType = AnswerType.NUMBER,
        choices: Sequence[str] = (),
        on_token: Callable[[str], None] | None = None,
    ) -> SolveResult:
        """Answer one question; `on_token` receives generated text as it streams (this call only: the
        strategy gets a view of the solver that streams, the solver itself keeps no per-call state)."""
        start = time.perf_counter()
        view = self if on_token is None else _Streaming(self, on_token)
        task = Task(question, AnswerType(answer_type), tuple(choices))
        result = self.strategy(view, [task], self.params)[0]
        return replace(result, seconds=time.perf_counter() - start)

    def solve_problems(
        self,
        problems: Sequence[Problem],
        samples: int = 1,
        params: SamplingParams | None = None,
        mode: str | None = None,
        max_tokens: Mapping[str, int] | None = None,
    ) -> list[list[SolveResult]]:
        """`result[i][s]` answers problems[i], sample s. Each sample index is one batched pass: all PoT
        prompts go to the backend together, all programs run in one sandbox batch, fallbacks batch too.
        Sample s uses seed + s so samples differ under temperature > 0 and are reproducible.
        `max_tokens` ({"cot": 1024, "pot": 512}: a benchmark's budgets) overrides params.max_tokens
        per path, hybrid's CoT fallback included."""
        if samples < 1:
            raise ValueError(f"samples must be >= 1, got {samples}")
        params = params or self.params
        strategy = STRATEGIES.get(mode) if mode else self.strategy
        budgets = tuple(sorted((max_tokens or {}).items()))  # per path ("cot", "pot"): Task.max_tokens
        tasks = [Task(p.question, p.answer_type, p.choices, budgets) for p in problems]
        out: list[list[SolveResult]] = [[] for _ in problems]
        for s in range(samples):
            p_s = for_sample(params, s)
            for i, result in enumerate(strategy(self, tasks, p_s) if tasks else []):
                out[i].append(result)
        return out


def for_sample(params: SamplingParams, sample: int) -> SamplingParams:
    """The params of sample `sample` of a run: seed + sample, so samples differ under temperature > 0
    and every one is reproducible."""
    return replace(params, seed=None if params.seed is None else params.seed + sample)


def with_stop_strings(params: SamplingParams, prompt_style: str) -> SamplingParams:
    """`params` as the backend gets them: with the prompt style's stop strings added."""
    return replace(params, stop=tuple(dict.fromkeys(params.stop + stop_strings(prompt_style))))


class _Streaming:
    """A Solver as one streaming call sees it: `generate` streams to `on_token`, the rest is the
    solver's (strategies call `prompt`, `generate` and `executor`)."""

    def __init__(self, solver: Solver, on_token: Callable[[str], None]) -> None:
        self._solver = solver
        self._on_token = on_token

    def generate(self, prompts: Sequence[Prompt], params: SamplingParams) -> list[Generation]:
        return generate(self._solver, prompts, params, self._on_token)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._solver, name)


def generate(
    solver: Solver,
    prompts: Sequence[Prompt],
    params: SamplingParams,
    on_token: Callable[[str], None] | None,
) -> list[Generation]:
    """The solver's backend call, with its prompt style's stop strings; one prompt streams to
    `on_token` when the backend can stream."""
    params = with_stop_strings(params, solver.prompt_style)
    backend = solver.backend
    if on_token is not None and len(prompts) == 1 and isinstance(backend, StreamingBackend):
        return [_streamed(backend, prompts[0], params, on_token)]
    gens = backend.generate(list(prompts), params)
    if len(gens) != len(prompts):
        raise RuntimeError(f"backend {backend.spec!r} returned {len(gens)} for {len(prompts)} prompts")
    return gens


def _streamed(
    backend: StreamingBackend, prompt: Prompt, params: SamplingParams, on_token: Callable[[str], None]
) -> Generation:
    start = time.perf_counter()
    pieces: list[str] = []
    for piece in backend.stream(prompt, params):
        pieces.append(piece)
        on_token(piece)
    on_token("\n")
    # Streaming yields text only; token counts are not known here.
    return Generation((Completion("".join(pieces)),), backend.spec, time.perf_counter() - start)
