"""What defines an evaluation run. Resume and merge refuse runs whose defining fields differ."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from mammoth_math.api import SamplingParams

# evaluate's own mode: samples drawn with the strategies in vote_modes, majority answer. Every other
# mode is a strategy name, checked against the registry (plugins included): `eval_modes()`.
VOTE = "vote"
DEFAULT_MAX_TOKENS = 512  # a path's budget where neither --max-tokens nor the benchmark names one


def eval_modes() -> list[str]:
    from mammoth_math.solve import STRATEGIES

    return [*STRATEGIES.names(), VOTE]


class EvalError(Exception):
    """A run that cannot start or continue; the message says what to change."""


@dataclass(frozen=True)
class EvalConfig:
    model: str = "default"
    benchmarks: tuple[str, ...] = ("gsm8k",)
    mode: str = "hybrid"
    vote_modes: tuple[str, ...] = ("cot", "pot")  # vote: sample s is drawn with vote_modes[s % len]
    prompt_style: str = "chat"
    shots: int = 0
    samples: int = 1
    limit: int | None = None
    seed: int = 0
    temperature: float | None = None  # None: 0 for one sample, 0.7 when sampling several
    top_p: float = 1.0
    max_tokens: int | None = None  # None: each benchmark's budget per path (spec), else DEFAULT_MAX_TOKENS
    num_shards: int = 1
    shard_index: int = 0
    # Throughput knobs: they do not change results, so resume/merge may differ in them.
    batch_size: int = field(default=4, compare=False)
    workers: int = field(default=2, compare=False)
    exec_timeout: float = field(default=5.0, compare=False)
    exec_reuse: int = field(default=0, compare=False)  # SandboxConfig.reuse_workers (opt-in)
    exec_workers: int = field(default=2, compare=False)  # SandboxConfig.workers
    memory_mb: int = field(default=1024, compare=False)  # SandboxConfig.memory_mb
    unsafe_no_isolation: bool = field(default=False, compare=False)  # SandboxConfig's (opt-in)
    backend_options: dict[str, Any] = field(default_factory=dict, compare=False)  # load_backend(**options)

    def __post_init__(self) -> None:
        modes = eval_modes()
        if self.mode not in modes:
            raise EvalError(f"--mode must be one of {', '.join(modes)}, got {self.mode!r}")
        bad = [m for m in self.vote_modes if m not in modes or m == VOTE]
        if bad or not self.vote_modes:
            strategies = ", ".join(m for m in modes if m != VOTE)
            raise EvalError(f"--vote-modes takes {strategies}; got {','.join(self.vote_modes)!r}")
        if self.samples < 1:
            raise EvalError(f"--samples must be >= 1, got {self.samples}")
        if self.mode == VOTE and self.samples < 2:
            raise EvalError("--mode vote needs --samples N with N >= 2")
        if not self.benchmarks:
            raise EvalError("--benchmarks: name at least one benchmark")
        if self.num_shards < 1 or not 0 <= self.shard_index < self.num_shards:
            raise EvalError(f"--shard-index must be in [0, {self.num_shards}), got {self.shard_index}")
        if self.max_tokens is not None and self.max_tokens < 1:
            raise EvalError(f"--max-tokens must be >= 1, got {self.max_tokens}")
        if self.limit is not None and self.limit < 1:
            raise EvalError(f"--limit must be >= 1, got {self.limit}")
        if self.batch_size < 1 or self.workers < 1:
            raise EvalError("--batch-size and --workers must be >= 1")
        if self.exec_reuse < 0:
            raise EvalError(
                f"--exec-reuse must be >= 0 (0: a fresh process per program), got {self.exec_reuse}"
            )

    def params(self) -> SamplingParams:
        temperature = self.temperature
        if temperature is None:
            temperature = 0.7 if self.samples > 1 else 0.0
        return SamplingParams(
            temperature=temperature,
            top_p=self.top_p,
            max_tokens=self.max_tokens or DEFAULT_MAX_TOKENS,
            seed=self.seed,
        )

    def budgets(self, benchmark: str) -> dict[str, int]:
        """Tokens per path ("cot", "pot") for one benchmark: --max-tokens for all, else the spec's."""
        from mammoth_math.benchmarks import get_spec

        if self.max_tokens is not None:
            return {"cot": self.max_tokens, "pot": self.max_tokens}
        return {"cot": DEFAULT_MAX_TOKENS, "pot": DEFAULT_MAX_TOKENS, **get_spec(benchmark).max_tokens}

    def mode_for_sample(self, sample: int) -> str:
        return self.vote_modes[sample % len(self.vote_modes)] if self.mode == VOTE else self.mode

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> EvalConfig:
        data = dict(data)
        for key in ("benchmarks", "vote_modes"):
            if key in data:
                data[key] = tuple(data[key])
        return cls(**data)

    def identity(self) -> dict[str, Any]:
        """The fields that define results (shard fields excluded: merge joins different shards)."""
        skip = {"batch_size", "workers", "exec_timeout", "exec_reuse", "exec_workers", "memory_mb"}
        skip |= {"unsafe_no_isolation"}
        skip |= {"shard_index", "backend_options"}
        return {k: v for k, v in self.to_dict().items() if k not in skip}


def parse_options(items: list[str]) -> dict[str, Any]:
    """`KEY=VALUE` pairs (from --model-option) with ints, floats and booleans recognised."""
    out: dict[str, Any] = {}
    for item in items:
        key, sep, raw = item.partition("=")
        if not sep or not key.strip():
            raise EvalError(f"--model-option expects KEY=VALUE, got {item!r}")
        value: Any = raw
        if raw.lower() in ("true", "false"):
            value = raw.lower() == "true"
        else:
            for cast in (int, float):
                try:
                    value = cast(raw)
                    break
                except ValueError:
                    continue
        out[key.strip()] = value
    return out
