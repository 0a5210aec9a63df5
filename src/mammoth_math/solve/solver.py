"""`Solver`: answers questions with a strategy, a backend and a sandbox, one at a time or in batches."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import replace

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
        self._on_token: Callable[[str], None] | None = None

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
        params = replace(params, stop=tuple(dict.fromkeys(params.stop + stop_strings(self.prompt_style))))
        stream = getattr(self.backend, "stream", None)
        if self._on_token is not None and len(prompts) == 1 and callable(stream):
            return [self._streamed(stream, prompts[0], params)]
        gens = self.backend.generate(list(prompts), params)
        if len(gens) != len(prompts):
            raise RuntimeError(
                f"backend {self.backend.spec!r} returned {len(gens)} for {len(prompts)} prompts"
            )
        return gens

    def _streamed(self, stream: Callable, prompt: Prompt, params: SamplingParams) -> Generation:
        assert self._on_token is not None
        start = time.perf_counter()
        pieces: list[str] = []
        for piece in stream(prompt, params):
            pieces.append(piece)
            self._on_token(piece)
        self._on_token("\n")
        # Streaming yields text only; token counts are not known here.
        return Generation((Completion("".join(pieces)),), self.backend.spec, time.perf_counter() - start)

    # --- public API -----------------------------------------------------------------------------

    def solve(
        self,
        question: str,
        answer_type: AnswerType = AnswerType.NUMBER,
        choices: Sequence[str] = (),
        on_token: Callable[[str], None] | None = None,
    ) -> SolveResult:
        """Answer one question; `on_token` receives generated text as it streams."""
        start = time.perf_counter()
        self._on_token = on_token
        try:
            result = self.strategy(
                self, [Task(question, AnswerType(answer_type), tuple(choices))], self.params
            )[0]
        finally:
            self._on_token = None
        return replace(result, seconds=time.perf_counter() - start)

    def solve_problems(
        self,
        problems: Sequence[Problem],
        samples: int = 1,
        params: SamplingParams | None = None,
        mode: str | None = None,
    ) -> list[list[SolveResult]]:
        """`result[i][s]` answers problems[i], sample s. Each sample index is one batched pass: all PoT
        prompts go to the backend together, all programs run in one sandbox batch, fallbacks batch too.
        Sample s uses seed + s so samples differ under temperature > 0 and are reproducible."""
        if samples < 1:
            raise ValueError(f"samples must be >= 1, got {samples}")
        params = params or self.params
        strategy = STRATEGIES.get(mode) if mode else self.strategy
        tasks = [Task(p.question, p.answer_type, p.choices) for p in problems]
        out: list[list[SolveResult]] = [[] for _ in problems]
        for s in range(samples):
            p_s = replace(params, seed=None if params.seed is None else params.seed + s)
            for i, result in enumerate(strategy(self, tasks, p_s) if tasks else []):
                out[i].append(result)
        return out
