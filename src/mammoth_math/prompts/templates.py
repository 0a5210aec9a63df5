"""Prompt templates: MAmmoTH's Alpaca format (for MAmmoTH-tuned models) and chat messages (for instruct
models, rendered later by the model's own chat template)."""

from __future__ import annotations

from collections.abc import Sequence

from mammoth_math.api.formats import ALPACA_TEMPLATE, POT_TRIGGER

# The training prompt and the PoT trigger live with the curated-row format (api.formats): train and
# curate must use the very same text.
__all__ = ["ALPACA_TEMPLATE", "POT_TRIGGER"]  # re-exported: prompts.ALPACA_TEMPLATE is public

SYSTEM_PROMPT = "You are a careful mathematician and an expert Python programmer."

COT_INSTRUCTION = (
    "Solve the following math problem step by step. "
    'End your response with "The answer is X." where X is the final answer, '
    "and also write the final answer as \\boxed{{X}}."
)
POT_INSTRUCTION = (
    "Solve the following math problem by writing a Python program. "
    "The program must compute the answer and print only the final answer. "
    "Put the whole program in one ```python code block."
)
COT_CHOICE_SUFFIX = (
    ' Choose one of the answer choices and end with "The answer is (X)." where X is its letter.'
)
POT_CHOICE_SUFFIX = " The program should print the letter of the correct answer choice (or its value)."

LETTERS = "ABCDEFGHIJ"


def format_choices(choices: Sequence[str]) -> str:
    """MAmmoTH's multiple-choice rendering: `Answer Choices: (A) ... (B) ...`."""
    return "Answer Choices: " + " ".join(f"({LETTERS[i]}) {c}" for i, c in enumerate(choices))


def question_text(question: str, choices: Sequence[str] = ()) -> str:
    question = question.strip()
    return f"{question}\n{format_choices(choices)}" if choices else question


def alpaca(instruction: str) -> str:
    return ALPACA_TEMPLATE.format(instruction=instruction)


def chat_instruction(mode: str, has_choices: bool) -> str:
    if mode == "pot":
        return POT_INSTRUCTION + (POT_CHOICE_SUFFIX if has_choices else "")
    return COT_INSTRUCTION.replace("{{X}}", "{X}") + (COT_CHOICE_SUFFIX if has_choices else "")
