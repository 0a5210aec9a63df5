"""Rendering one question into a prompt for a mode (cot/pot) and a style (chat/alpaca)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import asdict

from mammoth_math.api import AnswerType, Message, Prompt
from mammoth_math.prompts import templates as T
from mammoth_math.prompts.exemplars import STYLES, Exemplar, exemplars_for

PROMPT_STYLES = ("chat", "alpaca")
MODES = ("cot", "pot")
# Alpaca-format models keep writing new "### Instruction:" turns; cut there.
ALPACA_STOP = ("\n\n### Instruction", "\n### Instruction", "</s>")


def _check(mode: str, style: str) -> None:
    if mode not in MODES:
        raise ValueError(f"prompt mode must be one of {MODES}, got {mode!r}")
    if style not in PROMPT_STYLES:
        raise ValueError(f"prompt style must be one of {PROMPT_STYLES}, got {style!r}")


def _alpaca_instruction(question: str, choices: Sequence[str], mode: str) -> str:
    return T.question_text(question, choices) + (T.POT_TRIGGER if mode == "pot" else "")


def _alpaca_response(ex: Exemplar, mode: str) -> str:
    return ex.program if mode == "pot" else ex.cot


def _chat_user(question: str, choices: Sequence[str], mode: str) -> str:
    return f"{T.chat_instruction(mode, bool(choices))}\n\n{T.question_text(question, choices)}"


def _chat_assistant(ex: Exemplar, mode: str) -> str:
    if mode == "pot":
        return f"```python\n{ex.program}\n```"
    return ex.cot


def render(
    question: str,
    mode: str,
    style: str = "chat",
    *,
    answer_type: AnswerType = AnswerType.NUMBER,
    choices: Sequence[str] = (),
    shots: int = 0,
) -> Prompt:
    """A prompt: a string (alpaca) or chat messages (chat, rendered by the model's own template)."""
    _check(mode, style)
    demos = exemplars_for(answer_type, bool(choices), shots)
    if style == "alpaca":
        # Zero-shot this is MAmmoTH's template exactly; demonstrations go before as earlier turns.
        prefix = "".join(
            T.alpaca(_alpaca_instruction(ex.question, ex.choices, mode))
            + "\n"
            + _alpaca_response(ex, mode)
            + "\n\n"
            for ex in demos
        )
        return prefix + T.alpaca(_alpaca_instruction(question, choices, mode))
    messages: list[Message] = [{"role": "system", "content": T.SYSTEM_PROMPT}]
    for ex in demos:
        messages.append({"role": "user", "content": _chat_user(ex.question, ex.choices, mode)})
        messages.append({"role": "assistant", "content": _chat_assistant(ex, mode)})
    messages.append({"role": "user", "content": _chat_user(question, choices, mode)})
    return messages


def stop_strings(style: str) -> tuple[str, ...]:
    return ALPACA_STOP if style == "alpaca" else ()


def prompt_text(prompt: Prompt) -> str:
    """A readable single-string form of a prompt (for samples.jsonl and the report)."""
    if isinstance(prompt, str):
        return prompt
    return "\n".join(f"<|{m['role']}|>\n{m['content']}" for m in prompt)


def prompt_hash() -> str:
    """sha256 of every template and exemplar: changes whenever a prompt could change."""
    payload = {
        "templates": {k: v for k, v in vars(T).items() if k.isupper() and isinstance(v, str)},
        "alpaca_stop": ALPACA_STOP,
        "exemplars": {k: [asdict(e) for e in v] for k, v in STYLES.items()},
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()
