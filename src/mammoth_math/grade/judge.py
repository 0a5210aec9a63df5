"""Problem-level judging: extract (when needed) then compare; plus the gold self-check for reports."""

from __future__ import annotations

from mammoth_math.api import AnswerType, Judgement, Problem
from mammoth_math.grade.equivalence import judge_equal
from mammoth_math.grade.extract import boxed_answers, extract_answer
from mammoth_math.grade.normalize import clean
from mammoth_math.grade.rewrite import canonical
from mammoth_math.grade.structure import shape_of


def grade_answer(
    problem: Problem, answer: str | None, method: str = "given", timeout: float = 2.0
) -> Judgement:
    """Judge an already-extracted answer against `problem.gold` (`timeout`: the symbolic bound, seconds)."""
    if answer is None or not str(answer).strip():
        return Judgement(False, None, "no_answer", method)
    correct, reason = judge_equal(problem.gold, str(answer), problem.answer_type, problem.choices, timeout)
    return Judgement(correct, str(answer), reason, method)


def grade(
    problem: Problem, response: str, finish_reason: str | None = None, timeout: float = 2.0
) -> Judgement:
    """Extract an answer from a full model response, then judge it. `finish_reason` is the generation's
    ("stop" / "length"); "length" keeps a number cut by the token limit from being read as the answer."""
    ex = extract_answer(response, problem.answer_type, problem.choices, finish_reason)
    judgement = None
    if ex.answer is not None:
        judgement = grade_answer(problem, ex.answer, ex.method, timeout)
        if judgement.correct:
            return judgement
    boxes = _box_set(problem, response, timeout)
    if boxes is not None:
        return boxes
    if judgement is not None:
        return judgement
    reason = ex.method if ex.method in ("hedged", "contradiction", "truncated") else "no_answer"
    return Judgement(False, None, reason, ex.method)


def _box_set(problem: Problem, response: str, timeout: float = 2.0) -> Judgement | None:
    """Several boxes that together state the gold's set of answers (`\\boxed{-2}` ... `\\boxed{1}` for
    gold `1, -2`): as many distinct boxes as the gold has members, judged as one list. Reads the gold's
    shape only, so a single-valued gold never accepts two different boxes."""
    if problem.answer_type is not AnswerType.LATEX:
        return None
    gold = shape_of(canonical(clean(problem.gold)))
    if gold.kind not in ("list", "set", "tuple") or len(gold.items) < 2:  # a tuple: boxes in order
        return None
    boxes = boxed_answers(response)
    if len(boxes) != len(gold.items):
        return None
    joined = ", ".join(boxes)
    correct, reason = judge_equal(problem.gold, joined, problem.answer_type, problem.choices, timeout)
    return Judgement(True, joined, reason, "boxed_set") if correct else None


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
