"""Problem-level judging: extract (when needed) then compare; plus the gold self-check for reports."""

from __future__ import annotations

from mammoth_math.api import AnswerType, Judgement, Problem
from mammoth_math.grade.equivalence import judge_equal
from mammoth_math.grade.extract import extract_answer


def grade_answer(problem: Problem, answer: str | None, method: str = "given") -> Judgement:
    """Judge an already-extracted answer against `problem.gold`."""
    if answer is None or not str(answer).strip():
        return Judgement(False, None, "no_answer", method)
    correct, reason = judge_equal(problem.gold, str(answer), problem.answer_type, problem.choices)
    return Judgement(correct, str(answer), reason, method)


def grade(problem: Problem, response: str) -> Judgement:
    """Extract an answer from a full model response, then judge it."""
    ex = extract_answer(response, problem.answer_type, problem.choices)
    if ex.answer is None:
        reason = ex.method if ex.method in ("hedged", "contradiction") else "no_answer"
        return Judgement(False, None, reason, ex.method)
    return grade_answer(problem, ex.answer, ex.method)


def gold_acceptable(problem: Problem) -> bool:
    """True when the grader accepts the gold against itself and against a reformatted answer
    (boxed in a sentence; choice text instead of letter; thousands separators for numbers)."""
    if not judge_equal(problem.gold, problem.gold, problem.answer_type, problem.choices)[0]:
        return False
    variant = reformatted(problem)
    return grade(problem, variant).correct


def reformatted(problem: Problem) -> str:
    """A response that states the gold in a different but equivalent form."""
    gold = problem.gold
    if problem.answer_type is AnswerType.CHOICE and problem.choices:
        index = "ABCDE".index(gold.strip().upper())
        text = problem.choices[index]
        if len(text) > 40 or ". " in text or " or " in text:  # prose options are cited with their letter
            return f"The answer is ({gold.strip().upper()}) {text}"
        return f"The answer is {text}"
    if problem.answer_type is AnswerType.NUMBER:
        return f"The answer is {_with_separators(gold)}."
    if problem.answer_type is AnswerType.TEXT:
        return f"The answer is {gold.upper()}."
    return f"So the final answer is $\\boxed{{{gold}}}$."


def _with_separators(number: str) -> str:
    sign = "-" if number.startswith("-") else ""
    whole, dot, frac = number.lstrip("-").partition(".")
    if whole.isdigit() and len(whole) > 3:
        whole = f"{int(whole):,}"
    return f"{sign}{whole}{dot}{frac}"
