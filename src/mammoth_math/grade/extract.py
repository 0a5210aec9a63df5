"""Answer extraction from a full model response or a program's output.

Order: \\boxed{} (last; distinct boxed values are a self-contradiction -> no answer) -> "The answer is"
-> "Final Answer:" -> GSM8K "#### n" -> for choices, the letter or option text -> the last number of the
last line, reported as "last_number". Hedged answers ("either 5 or 6", "maybe 5") and responses that stop
mid-sentence with no marked answer give no answer."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from mammoth_math.api import AnswerType
from mammoth_math.common.latex import boxed_contents
from mammoth_math.grade.choice import letter_of, match_option
from mammoth_math.grade.normalize import clean, squash


@dataclass(frozen=True)
class Extraction:
    answer: str | None
    method: str  # "boxed", "answer_is", "final_answer", "gsm8k_hashes", "choice_letter", "choice_text",
    # "last_number", "program", "none", "hedged", "contradiction"


# lookaheads, so that "the answer is 5. ... the answer is 6" yields both statements
_ANSWER_IS = re.compile(r"(?=(?:the|my)\s+(?:final\s+)?answer\s+(?:is|would be|=)\s*:?\s*([^\n]+))", re.I)
_FINAL = re.compile(r"(?=final\s+answer\s*(?:is)?\s*[:：]\s*([^\n]+))", re.I)
_HASHES = re.compile(r"####\s*(.+)")
_NUMBER = re.compile(r"[-−]?\$?\d[\d,]*(?:\.\d+)?(?:\s*/\s*\d+)?%?|[-−]?\.\d+")
_HEDGE = re.compile(
    r"\b(?:either|maybe|perhaps|possibly|probably|might be|could be|not sure|unsure|i think|i guess|"
    r"can'?t be determined|cannot determine|unclear)\b",
    re.I,
)
_OR = re.compile(r"\s(?:or|\\text\{\s*or\s*\})\s|\\text\{\s*or\s*\}", re.I)
_CHOICE_MARK = re.compile(
    r"(?:answer|option|choice)\s*(?:is|would be|:)?\s*:?\s*(?:option\s+|choice\s+)?\(?\s*([A-E])\s*\)?(?![\w'])"
)
_PAREN_LETTER = re.compile(r"\(([A-E])\)")


def _trim_statement(text: str) -> str:
    """Cut an "answer is ..." capture at the end of its sentence (not at a decimal point)."""
    text = text.strip().split("\n")[0]
    boxes = boxed_contents(text)
    if boxes:
        return boxes[-1]
    m = re.search(r"(?<!\.)\.(?!\.)(?=\s+[A-Z(]|\s*$)", text)  # a sentence end; not "Rs. 750" or "3.5"
    return (text[: m.start()] if m else text).strip()


def _hedged(answer: str, answer_type: AnswerType) -> bool:
    if _HEDGE.search(answer):
        return True
    # "5 or 6" for a single number/choice is a hedge; in LaTeX answers "or" lists solutions
    return answer_type in (AnswerType.NUMBER, AnswerType.CHOICE) and bool(_OR.search(f" {answer} "))


def _marked(response: str) -> Extraction | None:
    boxes = [b.strip() for b in boxed_contents(response) if b.strip()]
    if boxes:
        if len({squash(clean(b)) for b in boxes[-3:]}) > 1 and _contradicts(response, boxes):
            return Extraction(None, "contradiction")
        return Extraction(boxes[-1], "boxed")
    found: list[tuple[int, str, str]] = []
    for method, pattern in (("answer_is", _ANSWER_IS), ("final_answer", _FINAL), ("gsm8k_hashes", _HASHES)):
        for m in pattern.finditer(response):
            found.append((m.start(), method, _trim_statement(m.group(1))))
    found = [f for f in found if f[2]]
    if not found:
        return None
    found.sort()
    answers = {squash(clean(a)) for _, _, a in found}
    if len(answers) > 1 and len(found) >= 2 and found[-1][1] == found[-2][1]:
        return Extraction(None, "contradiction")  # "the answer is 5 ... the answer is 6"
    _, method, answer = found[-1]
    return Extraction(answer, method)


def _contradicts(response: str, boxes: list[str]) -> bool:
    """Several different boxed values with nothing marking the last one as final."""
    tail = response[-400:].lower()
    return not re.search(r"final answer|the answer is|therefore|thus|so the", tail)


def _last_number(response: str) -> Extraction:
    lines = [ln for ln in response.strip().splitlines() if ln.strip()]
    if not lines:
        return Extraction(None, "none")
    last = lines[-1].strip()
    if not re.search(r"[.!)\]}$%\d]\s*$|[a-z]\s*$", last) or _looks_truncated(response):
        return Extraction(None, "none")
    numbers = _NUMBER.findall(last)
    if not numbers:
        return Extraction(None, "none")
    return Extraction(numbers[-1].replace("−", "-").strip(), "last_number")


def _looks_truncated(response: str) -> bool:
    tail = response.rstrip()
    return bool(re.search(r"[=+\-*/(,]$|\\$|\b(?:is|are|the|of|and|to|be)$", tail))


def extract_answer(
    response: str, answer_type: AnswerType | str, choices: Sequence[str] | None = None
) -> Extraction:
    from mammoth_math.grade.equivalence import judge_equal, to_answer_type

    at = to_answer_type(answer_type)
    text = response or ""
    if not text.strip():
        return Extraction(None, "none")
    marked = _marked(text)
    if marked is not None and marked.answer is None:
        return marked
    if at is AnswerType.CHOICE and marked is not None and marked.answer is not None:
        letter = letter_of(marked.answer, len(choices or ()) or 5)
        if letter:  # "(D) 1, 2, or 3": an explicit letter, the option text may hold any words
            return Extraction(letter, "choice_letter")
    if marked is not None and marked.answer is not None and _hedged(marked.answer, at):
        return Extraction(None, "hedged")
    if at is AnswerType.CHOICE:
        return _choice(text, marked, tuple(choices or ()), lambda a, b: judge_equal(a, b, "latex")[0])
    if marked is not None:
        return marked
    if _HEDGE.search(text[-300:]) and re.search(r"\bor\b", text[-300:]):
        return Extraction(None, "hedged")
    return _last_number(text)


def _choice(text: str, marked: Extraction | None, choices: tuple[str, ...], same) -> Extraction:
    n = len(choices) or 5
    if marked is not None and marked.answer is not None:
        letter = letter_of(marked.answer, n)
        if letter:
            return Extraction(letter, "choice_letter")
        hits = match_option(marked.answer, choices, same) if choices else []
        if len(hits) == 1:
            return Extraction(hits[0], "choice_text")
        if len(hits) > 1:  # duplicate options: keep the text; the judge accepts it if the gold is among them
            return Extraction(marked.answer, "choice_text")
    marks = [m.group(1) for m in _CHOICE_MARK.finditer(text) if m.group(1) in "ABCDE"[:n]]
    if marks:
        if len(set(marks[-2:])) > 1 and _HEDGE.search(text[-300:]):
            return Extraction(None, "hedged")
        return Extraction(marks[-1], "choice_letter")
    lines = [ln.strip() for ln in text.strip().splitlines() if ln.strip()]
    if lines:
        letter = letter_of(lines[-1], n)
        if letter:
            return Extraction(letter, "choice_letter")
        parens = _PAREN_LETTER.findall(lines[-1])
        if len(set(parens)) == 1 and parens[0] in "ABCDE"[:n]:
            return Extraction(parens[0], "choice_letter")
        if choices:
            statement = marked.answer if marked is not None and marked.answer else lines[-1]
            hits = match_option(statement, choices, same)
            if len(hits) == 1:
                return Extraction(hits[0], "choice_text")
    return Extraction(None, "none")


def extract_program_answer(
    output: str, answer_type: AnswerType | str, choices: Sequence[str] | None = None
) -> Extraction:
    """A PoT program's printed result or solution() value; None when it holds no answer of the type."""
    from mammoth_math.grade.equivalence import judge_equal, to_answer_type

    at = to_answer_type(answer_type)
    lines = [ln.strip() for ln in (output or "").strip().splitlines() if ln.strip()]
    if not lines:
        return Extraction(None, "none")
    last = lines[-1]
    if at is AnswerType.CHOICE:
        letter = letter_of(last, len(choices or ()) or 5)
        if letter:
            return Extraction(letter, "program")
        m = _CHOICE_MARK.search(last)
        if m:
            return Extraction(m.group(1), "program")
        hits = match_option(last, tuple(choices or ()), lambda a, b: judge_equal(a, b, "latex")[0])
        return Extraction(hits[0], "program") if len(hits) == 1 else Extraction(None, "none")
    if at is AnswerType.NUMBER:
        nums = _NUMBER.findall(last)
        if re.fullmatch(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)", last):
            return Extraction(last, "program")  # 3e-05: Python's own float repr
        if not nums or last.lower() in ("nan", "inf", "-inf", "none"):
            return Extraction(None, "none")
        return Extraction(last if len(nums) == 1 and len(last) <= 40 else nums[-1], "program")
    return Extraction(last, "program")
