"""Limits and sizes of the HTTP server, in one place so the CLI, the app and the docs agree."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ServeConfig:
    """Everything the app needs besides the model and the sandbox.

    The queue sizes are chosen so that 16 concurrent clients never see an overload answer (the load test
    demands zero 5xx at 16 concurrent); beyond `*_workers + *_queue` waiting requests we answer 429.
    """

    max_body_bytes: int = 64 * 1024  # checked before the body is parsed (413)
    max_question_chars: int = 4000
    max_choices: int = 10
    max_choice_chars: int = 1000
    max_code_chars: int = 20_000  # /v1/execute program size
    default_max_tokens: int = 512
    max_tokens_limit: int = 2048  # a request may ask for fewer tokens, never more than this
    solve_workers: int = 4  # threads calling Solver.solve; the backend batches them in its slots
    solve_queue: int = 64  # requests allowed to wait for a solve worker
    execute_workers: int = 4  # threads calling Sandbox.run
    execute_queue: int = 64
    retry_after_s: int = 2  # the Retry-After header of a 429

    def __post_init__(self) -> None:
        for name in ("max_body_bytes", "max_question_chars", "solve_workers", "execute_workers"):
            if getattr(self, name) < 1:
                raise ValueError(f"ServeConfig.{name} must be at least 1, got {getattr(self, name)}")
        for name in ("solve_queue", "execute_queue"):
            if getattr(self, name) < 0:
                raise ValueError(f"ServeConfig.{name} must be >= 0, got {getattr(self, name)}")
