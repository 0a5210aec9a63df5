"""Contracts shared by every stage: records, the backend and executor Protocols, registries.

Nothing in here imports a stage. Stages import from here, never from each other's private modules.
"""

from mammoth_math.api.protocols import Backend, Executor, Prompt
from mammoth_math.api.records import (
    AnswerType,
    Completion,
    ExecStatus,
    Execution,
    Generation,
    Judgement,
    Message,
    Problem,
    SampleResult,
    SamplingParams,
    SolveResult,
    TrainingExample,
    from_dict,
    to_dict,
)
from mammoth_math.api.registry import Registry, RegistryError

__all__ = [
    "AnswerType",
    "Backend",
    "Completion",
    "ExecStatus",
    "Execution",
    "Executor",
    "Generation",
    "Judgement",
    "Message",
    "Problem",
    "Prompt",
    "Registry",
    "RegistryError",
    "SampleResult",
    "SamplingParams",
    "SolveResult",
    "TrainingExample",
    "from_dict",
    "to_dict",
]
