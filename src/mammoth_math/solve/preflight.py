"""No silent degradation: a run whose strategy runs programs needs a sandbox that runs them.

Without this, `hybrid` with a sandbox that refuses every program answers everything by CoT and
reports the score under the hybrid name; `pot` reports zero. Callers (solve, eval, serve) check the
executor before they generate anything, and a strategy that meets a lost sandbox mid-run stops.
"""

from __future__ import annotations

from collections.abc import Iterable

from mammoth_math.api import Executor, SandboxUnavailable, executor_unavailable
from mammoth_math.solve.registry import STRATEGIES

OVERRIDE_FLAG = "--unsafe-no-isolation"


def runs_programs(mode: str) -> bool:
    """Whether strategy `mode` runs programs. A strategy that never does says `runs_programs = False`
    on its function (cot); a plugin that says nothing is assumed to (the safe side)."""
    return bool(getattr(STRATEGIES.get(mode), "runs_programs", True))


def unavailable_message(cause: str, modes: Iterable[str]) -> str:
    which = ", ".join(sorted({m for m in modes if runs_programs(m)}))
    return (
        f"the sandbox cannot run programs ({cause}); mode {which} runs model-written programs, so "
        f"nothing was generated. Fix the cause, use --mode cot, or pass {OVERRIDE_FLAG} to run programs "
        "without isolation (rlimits only; not for untrusted models)"
    )


def require_executor(executor: Executor, modes: Iterable[str]) -> None:
    """Raise SandboxUnavailable unless `executor` runs a trivial program, when any mode runs programs."""
    modes = list(modes)
    if not any(runs_programs(m) for m in modes):
        return
    (probe,) = executor.run(["print(6 * 7)"])
    if executor_unavailable(probe) or probe.status.value != "ok" or "42" not in probe.stdout:
        raise SandboxUnavailable(unavailable_message(probe.error or probe.status.value, modes))
