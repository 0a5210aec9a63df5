"""Extraction from full responses and program outputs, hedging, and problem-level grading."""

from __future__ import annotations

import pytest

from mammoth_math.api import AnswerType, Problem
from mammoth_math.grade import Extraction, extract_answer, extract_program_answer, grade, grade_answer

CH = ("12", "15", "18", "21", "24")


@pytest.mark.parametrize(
    ("response", "answer_type", "expected"),
    [
        ("So we get $\\boxed{\\frac{1}{2}}$.", "latex", Extraction("\\frac{1}{2}", "boxed")),
        (
            "\\boxed{\\frac{\\sqrt{3}}{\\left(2\\right)}}",
            "latex",
            Extraction("\\frac{\\sqrt{3}}{\\left(2\\right)}", "boxed"),
        ),
        ("\\fbox{7}", "number", Extraction("7", "boxed")),
        ("We find 3 apples. The answer is 18.", "number", Extraction("18", "answer_is")),
        ("The answer is 3.5.", "number", Extraction("3.5", "answer_is")),
        ("The answer is Rs. 750.", "number", Extraction("Rs. 750", "answer_is")),
        ("Final Answer: 42", "number", Extraction("42", "final_answer")),
        ("Natalia sold 48 clips.\n#### 72", "number", Extraction("72", "gsm8k_hashes")),
        ("She has 5 + 3 = 8 apples left.", "number", Extraction("8", "last_number")),
        ("It is either 5 or 6.", "number", Extraction(None, "hedged")),
        ("The answer is either 5 or 6.", "number", Extraction(None, "hedged")),
        ("The answer is maybe 5.", "number", Extraction(None, "hedged")),
        ("The answer is 5. Wait. The answer is 6.", "number", Extraction(None, "contradiction")),
        ("First we compute 3 + 4 =", "number", Extraction(None, "none")),  # truncated
        ("I do not know.", "number", Extraction(None, "none")),
        ("", "number", Extraction(None, "none")),
        ("The answer is (C).", "choice", Extraction("C", "choice_letter")),
        ("The answer is C", "choice", Extraction("C", "choice_letter")),
        ("Answer: B", "choice", Extraction("B", "choice_letter")),
        ("\\boxed{D}", "choice", Extraction("D", "choice_letter")),
        ("The answer is 18.", "choice", Extraction("C", "choice_text")),
        ("A train leaves at noon, so it is a long trip.", "choice", Extraction(None, "none")),  # article "a"
        ("The answer is a number we cannot find.", "choice", Extraction(None, "none")),
    ],
)
def test_extract_answer(response: str, answer_type: str, expected: Extraction) -> None:
    assert extract_answer(response, answer_type, CH if answer_type == "choice" else None) == expected


@pytest.mark.parametrize(
    ("output", "answer_type", "answer"),
    [
        ("18\n", "number", "18"),
        ("0.30000000000000004", "number", "0.30000000000000004"),
        ("3e-05", "number", "3e-05"),
        ("debug\n42", "number", "42"),
        ("None", "number", None),
        ("hello", "number", None),
        ("", "number", None),
        ("nan", "number", None),
        ("C", "choice", "C"),
        ("21", "choice", "D"),
        ("banana", "choice", None),
        ("sqrt(2)/2", "latex", "sqrt(2)/2"),
    ],
)
def test_extract_program_answer(output: str, answer_type: str, answer: str | None) -> None:
    assert (
        extract_program_answer(output, answer_type, CH if answer_type == "choice" else None).answer == answer
    )


def _problem(gold: str, at: AnswerType, choices: tuple[str, ...] = ()) -> Problem:
    return Problem("p", "test", "q?", gold, at, choices)


def test_grade_full_response() -> None:
    p = _problem("\\frac{1}{2}", AnswerType.LATEX)
    j = grade(p, "Thus the probability is $\\boxed{0.5}$.")
    assert (j.correct, j.extracted, j.reason, j.method) == (True, "0.5", "equal", "boxed")
    j = grade(p, "Thus $\\boxed{0.25}$.")
    assert (j.correct, j.reason) == (False, "mismatch")
    j = grade(_problem("5", AnswerType.NUMBER), "It is either 5 or 6.")
    assert (j.correct, j.extracted, j.reason) == (False, None, "hedged")
    j = grade(_problem("C", AnswerType.CHOICE, CH), "so the answer is (C) 18")
    assert j.correct and j.extracted == "C"


def test_grade_answer() -> None:
    p = _problem("7425000", AnswerType.NUMBER)
    assert grade_answer(p, "7,425,000").correct
    j = grade_answer(p, None)
    assert (j.correct, j.reason, j.method) == (False, "no_answer", "given")
    assert grade_answer(p, "7425000", method="program").method == "program"
