"""The records that flow between stages (see DESIGN.md): frozen dataclasses, JSON-lines friendly.

Every record converts with `to_dict` / `from_dict`; nested records, tuples and enums round-trip.
"""

from __future__ import annotations

import dataclasses
import enum
import types
import typing
from dataclasses import dataclass, field
from typing import Any, TypeVar, Union


class AnswerType(str, enum.Enum):
    """How a gold answer is compared. The grader dispatches on this."""

    NUMBER = "number"  # a real number (integers, decimals, fractions, percents)
    CHOICE = "choice"  # a multiple-choice letter A..E; `Problem.choices` holds the option texts
    LATEX = "latex"  # a mathematical expression, tuple, interval, set, equation, matrix ...
    TEXT = "text"  # a word or phrase (NumGLUE's "August")


class ExecStatus(str, enum.Enum):
    OK = "ok"
    ERROR = "error"  # the program raised, or exited non-zero
    TIMEOUT = "timeout"  # wall clock or CPU limit
    MEMORY = "memory"  # address-space limit hit (MemoryError or killed while allocating)
    OUTPUT_LIMIT = "output_limit"  # stdout/stderr cap reached; the program was stopped
    KILLED = "killed"  # died by a signal we did not send for a limit (segfault, SIGKILL by itself ...)
    REFUSED = "refused"  # not run: isolation unavailable and unsafe mode not allowed, or empty code


@dataclass(frozen=True)
class Problem:
    id: str
    benchmark: str
    question: str
    gold: str
    answer_type: AnswerType
    choices: tuple[str, ...] = ()  # option texts, letters A.. in order, when answer_type is CHOICE
    metadata: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)


@dataclass(frozen=True)
class SamplingParams:
    temperature: float = 0.0
    top_p: float = 1.0
    max_tokens: int = 512
    stop: tuple[str, ...] = ()
    n: int = 1
    seed: int | None = 0


Message = dict[str, str]  # {"role": "system"|"user"|"assistant", "content": ...}


@dataclass(frozen=True)
class Completion:
    text: str
    prompt_tokens: int = 0
    completion_tokens: int = 0
    finish_reason: str = "stop"  # "stop" | "length" | "error"
    error: str | None = None  # why, when finish_reason is "error" (the backend's message)


@dataclass(frozen=True)
class Generation:
    """All completions (n samples) a backend produced for one prompt."""

    completions: tuple[Completion, ...]
    model: str = ""
    seconds: float = 0.0

    @property
    def text(self) -> str:
        return self.completions[0].text if self.completions else ""


@dataclass(frozen=True)
class Execution:
    """What running one program in the sandbox gave."""

    status: ExecStatus
    answer: str | None = None  # solution()'s return value, else the last printed line
    stdout: str = ""
    stderr: str = ""  # tail only
    error: str | None = None  # "ExceptionType: message"
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.status == ExecStatus.OK


@dataclass(frozen=True)
class Judgement:
    correct: bool
    extracted: str | None
    reason: str  # why: "equal", "no_answer", "numeric_mismatch", "undecided_timeout", ...
    method: str = ""  # how the answer was extracted: "boxed", "answer_is", "last_number", "program" ...


@dataclass(frozen=True)
class SolveResult:
    """One answer to one question by one strategy (the shape `solve --json` and the HTTP API return)."""

    question: str
    mode_used: str  # "cot" | "pot"
    answer: str | None
    program: str | None = None
    execution: Execution | None = None
    rationale: str | None = None
    fallback_reason: str | None = None
    seconds: float = 0.0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    raw: tuple[str, ...] = ()  # raw generations in the order they were made (PoT first in hybrid)
    prompts: tuple[str, ...] = ()  # rendered prompts, same order
    answer_method: str = ""  # how `answer` was extracted: "program", "boxed", "answer_is", ... ("" = none)
    # each raw generation's finish: "stop", "length" (cut by its budget), "error"
    finish_reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class SampleResult:
    """One line of samples.jsonl: one problem, one sample."""

    benchmark: str
    id: str
    sample: int
    mode: str
    gold: str
    answer_type: AnswerType
    solve: SolveResult | None
    judgement: Judgement | None
    correct: bool
    error: str | None = None  # a failure of generation / execution / grading, recorded and skipped
    metadata: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)


@dataclass(frozen=True)
class TrainingExample:
    """One MathInstruct-format row."""

    instruction: str
    output: str
    source: str  # e.g. "gsm8k_pot", "math_cot"
    rationale: str = "cot"  # "cot" | "pot"
    gold: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)


# --- (de)serialisation -------------------------------------------------------------------------


def to_dict(record: Any) -> Any:
    """A JSON-ready view of a record (nested records, enums and tuples included)."""
    if dataclasses.is_dataclass(record) and not isinstance(record, type):
        return {f.name: to_dict(getattr(record, f.name)) for f in dataclasses.fields(record)}
    if isinstance(record, enum.Enum):
        return record.value
    if isinstance(record, (list, tuple)):
        return [to_dict(x) for x in record]
    if isinstance(record, dict):
        return {str(k): to_dict(v) for k, v in record.items()}
    return record


T = TypeVar("T")


def from_dict(cls: type[T], data: dict[str, Any]) -> T:
    """Rebuild a record from `to_dict` output; unknown keys are an error naming the key."""
    if not isinstance(data, dict):
        raise TypeError(f"{cls.__name__}: expected an object, got {type(data).__name__}")
    hints = typing.get_type_hints(cls)
    names = {f.name for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    unknown = set(data) - names
    if unknown:
        raise TypeError(f"{cls.__name__}: unknown field(s) {sorted(unknown)}")
    kwargs = {k: _coerce(hints[k], v) for k, v in data.items()}
    return cls(**kwargs)


def _coerce(tp: Any, value: Any) -> Any:
    if value is None:
        return None
    origin = typing.get_origin(tp)
    if origin in (Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        for arg in args:
            try:
                return _coerce(arg, value)
            except (TypeError, ValueError):
                continue
        return value
    if origin is tuple:
        args = typing.get_args(tp)
        inner = args[0] if args else Any
        return tuple(_coerce(inner, v) for v in value)
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return tp(value)
    if dataclasses.is_dataclass(tp):
        return from_dict(tp, value)
    if tp is str and not isinstance(value, str):
        raise TypeError(f"expected str, got {type(value).__name__}")
    return value
