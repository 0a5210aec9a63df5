"""The public JSON shape of one answer (`solve --json` and the HTTP API return the same object)."""

from __future__ import annotations

from typing import Any

from mammoth_math.api import SolveResult, to_dict

PUBLIC_FIELDS = (
    "question",
    "mode_used",
    "program",
    "execution",
    "rationale",
    "answer",
    "fallback_reason",
    "seconds",
)


def public_dict(result: SolveResult) -> dict[str, Any]:
    full = to_dict(result)
    return {k: full[k] for k in PUBLIC_FIELDS}


def describe(result: SolveResult) -> str:
    """A human rendering: program, its output or error, the CoT text when used, the final answer."""
    lines: list[str] = []
    if result.program:
        lines += ["--- program ---", result.program.rstrip()]
    elif result.execution is None and result.fallback_reason == "no_code":
        lines.append("--- program --- (none found in the response)")
    e = result.execution
    if e is not None:
        lines.append(f"--- output ({e.status.value}, {e.seconds:.2f} s) ---")
        if e.stdout.strip():
            lines.append(e.stdout.rstrip())
        if not e.ok:
            lines.append(e.error or e.stderr.rstrip() or e.status.value)
    if result.fallback_reason and result.mode_used == "cot":
        lines.append(f"--- fell back to chain of thought: {result.fallback_reason} ---")
    if result.mode_used == "cot" and result.rationale:
        lines += ["--- reasoning ---", result.rationale.strip()]
    lines.append(
        f"answer: {result.answer if result.answer is not None else '(none)'}   [{result.mode_used}, {result.seconds:.1f} s]"
    )
    return "\n".join(lines)
