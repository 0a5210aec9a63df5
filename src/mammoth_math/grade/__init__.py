"""Grading: answer extraction and equivalence (see docs/grade.md).

Fast in-process paths handle strings and numbers; sympy runs only in a bounded worker process pool, so
grading is thread-safe and never hangs (no signal.alarm)."""

from collections.abc import Sequence

from mammoth_math.api import AnswerType
from mammoth_math.grade.equivalence import judge_equal, undecided_count
from mammoth_math.grade.extract import Extraction, extract_answer, extract_program_answer
from mammoth_math.grade.judge import gold_acceptable, grade, grade_answer


def equivalent(
    gold: str,
    pred: str | None,
    answer_type: AnswerType | str = "latex",
    choices: Sequence[str] | None = None,
    timeout: float = 2.0,
) -> bool:
    """True when `pred` is a correct answer for `gold` (undecided counts as False)."""
    return judge_equal(gold, pred, answer_type, choices, timeout)[0]


__all__ = [
    "Extraction",
    "equivalent",
    "extract_answer",
    "extract_program_answer",
    "gold_acceptable",
    "grade",
    "grade_answer",
    "judge_equal",
    "undecided_count",
]
