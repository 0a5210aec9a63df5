"""Contracts shared by every stage: records, the backend and executor Protocols, registries.

Nothing in here imports a stage. Stages import from here, never from each other's private modules.

Names load on first use (PEP 562): a process that needs one contract (the sandbox's fork server
imports `api.records` only) does not pay for the registry's entry-point machinery.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mammoth_math.api.formats import (
        ALPACA_TEMPLATE,
        MATHINSTRUCT_FIELDS,
        POT_TRIGGER,
        example_from_row,
        mathinstruct_row,
    )
    from mammoth_math.api.protocols import (
        Backend,
        Executor,
        Prompt,
        SandboxUnavailable,
        StreamingBackend,
        executor_unavailable,
    )
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
    "ALPACA_TEMPLATE",
    "MATHINSTRUCT_FIELDS",
    "POT_TRIGGER",
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
    "SandboxUnavailable",
    "SolveResult",
    "StreamingBackend",
    "TrainingExample",
    "example_from_row",
    "executor_unavailable",
    "from_dict",
    "mathinstruct_row",
    "to_dict",
]


def __getattr__(name: str) -> Any:
    if name not in __all__:
        raise AttributeError(f"module 'mammoth_math.api' has no attribute {name!r}")
    # records first: most names live there, and it is the one module the sandbox's fork server needs
    for module in ("records", "protocols", "registry", "formats"):
        namespace = vars(importlib.import_module(f"mammoth_math.api.{module}"))
        if name in namespace:
            globals()[name] = namespace[name]
            return namespace[name]
    raise AttributeError(f"mammoth_math.api.__all__ names {name!r}, which no api module defines")
