"""The public JSON shape of one answer: `solve --json` and the HTTP API return this one object."""

from __future__ import annotations

import re
from typing import Any

from mammoth_math.api import AnswerType, SolveResult, to_dict

PUBLIC_FIELDS = (  # serve/schemas.py's SolveResponse documents them, in this order (tested)
    "question",
    "answer",
    "mode_used",
    "program",
    "execution",
    "rationale",
    "fallback_reason",
    "seconds",
    "prompt_tokens",
    "completion_tokens",
)
# a number as programs print them: sign, thousands separators, decimals, a fraction, a percent sign
_NUMBER = re.compile(r"[-−]?\d[\d,]*(?:\.\d+)?(?:[eE][-+]?\d+|\s*/\s*\d+)?%?|[-−]?\.\d+%?")
_PLAIN_DECIMAL = re.compile(r"-?(\d+)(?:\.(\d+))?")


def shown_answer(answer: str | None, answer_type: AnswerType | str = AnswerType.NUMBER) -> str | None:
    """The answer as a user is shown it: for a number, the last number of what the program printed
    ("The remainder is: 95" -> "95"), without thousands separators and with an integral float
    written as an integer (72.0 -> 72). Grading never sees this: it judges the raw answer."""
    if answer is None or AnswerType(answer_type) is not AnswerType.NUMBER:
        return answer
    found = _NUMBER.findall(answer)
    if not found:
        return answer
    text = found[-1].replace("−", "-").replace(",", "")
    m = _PLAIN_DECIMAL.fullmatch(text)
    if m and m.group(2) is not None:  # 72.0 -> 72, 3.50 -> 3.5
        fraction = m.group(2).rstrip("0")
        text = text.split(".")[0] + (f".{fraction}" if fraction else "")
    return "0" if text in ("-0", "") else text


def public_dict(result: SolveResult, answer_type: AnswerType | str = AnswerType.NUMBER) -> dict[str, Any]:
    """The public fields; `answer` in the form shown to users (the raw output stays in `execution`)."""
    full = to_dict(result)
    out = {k: full[k] for k in PUBLIC_FIELDS}
    out["answer"] = shown_answer(result.answer, answer_type)
    return out


def describe(result: SolveResult, answer_type: AnswerType | str = AnswerType.NUMBER) -> str:
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
    answer = shown_answer(result.answer, answer_type)
    lines.append(
        f"answer: {answer if answer is not None else '(none)'}   [{result.mode_used}, {result.seconds:.1f} s]"
    )
    return "\n".join(lines)
