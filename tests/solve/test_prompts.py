"""Prompt rendering: MAmmoTH's Alpaca template exactly, chat messages, choices, few-shot, hash."""

from __future__ import annotations

import pytest

from mammoth_math.api import AnswerType
from mammoth_math.prompts import ALPACA_STOP, prompt_hash, prompt_text, render, stop_strings
from mammoth_math.prompts import templates as T

HEADER = "Below is an instruction that describes a task. Write a response that appropriately completes the request."


def test_alpaca_cot_is_mammoths_template_exactly() -> None:
    got = render("What is 2 + 3?", "cot", "alpaca")
    assert got == f"{HEADER}\n\n### Instruction:\nWhat is 2 + 3?\n\n### Response:"


def test_alpaca_pot_appends_the_trigger() -> None:
    got = render("  What is 2 + 3?\n", "pot", "alpaca")
    assert got == f"{HEADER}\n\n### Instruction:\nWhat is 2 + 3? Let's write a program.\n\n### Response:"


def test_alpaca_choices_then_trigger() -> None:
    got = render("Pick one.", "pot", "alpaca", answer_type=AnswerType.CHOICE, choices=("1", "2 (two)", "3"))
    assert (
        "### Instruction:\nPick one.\nAnswer Choices: (A) 1 (B) 2 (two) (C) 3 Let's write a program.\n\n"
        in got
    )


def test_alpaca_few_shot_demos_precede_the_question() -> None:
    got = render("Q?", "pot", "alpaca", shots=2)
    assert isinstance(got, str)
    assert got.count("### Instruction:") == 3
    assert got.endswith(f"{HEADER}\n\n### Instruction:\nQ? Let's write a program.\n\n### Response:")
    assert "print(" in got  # PoT demonstrations answer with code
    assert stop_strings("alpaca") == ALPACA_STOP and stop_strings("chat") == ()


def test_chat_messages_for_pot_and_cot() -> None:
    pot = render("How many?", "pot", "chat")
    assert [m["role"] for m in pot] == ["system", "user"]
    assert "```python" in pot[1]["content"] and "print" in pot[1]["content"]
    assert pot[1]["content"].endswith("How many?")
    cot = render("How many?", "cot", "chat")
    assert "The answer is" in cot[1]["content"] and "\\boxed{X}" in cot[1]["content"]


def test_chat_few_shot_alternates_and_uses_style() -> None:
    msgs = render("Simplify $x$.", "pot", "chat", answer_type=AnswerType.LATEX, shots=3)
    assert [m["role"] for m in msgs] == ["system"] + ["user", "assistant"] * 3 + ["user"]
    assert msgs[2]["content"].startswith("```python\n") and msgs[2]["content"].endswith("\n```")
    assert "$" in msgs[1]["content"]  # MATH-style exemplars for LaTeX answers
    choice = render("Which?", "cot", "chat", answer_type=AnswerType.CHOICE, choices=("a", "b"), shots=1)
    assert "Answer Choices: (A)" in choice[1]["content"] and "The answer is (" in choice[2]["content"]
    assert "letter" in choice[-1]["content"]


def test_shots_are_capped_per_style_and_negative_is_an_error() -> None:
    msgs = render("Q", "cot", "chat", answer_type=AnswerType.CHOICE, choices=("a", "b"), shots=50)
    assert len(msgs) == 1 + 2 * 3 + 1
    with pytest.raises(ValueError, match="shots"):
        render("Q", "cot", "chat", shots=-1)
    with pytest.raises(ValueError, match="mode"):
        render("Q", "vote", "chat")
    with pytest.raises(ValueError, match="style"):
        render("Q", "cot", "llama")


def test_prompt_text_is_readable() -> None:
    text = prompt_text(render("Q?", "cot", "chat"))
    assert text.startswith("<|system|>\n") and "<|user|>\n" in text and text.endswith("Q?")


def test_prompt_hash_tracks_templates(monkeypatch: pytest.MonkeyPatch) -> None:
    h = prompt_hash()
    assert len(h) == 64 and h == prompt_hash()
    monkeypatch.setattr(T, "SYSTEM_PROMPT", T.SYSTEM_PROMPT + " ")
    assert prompt_hash() != h
