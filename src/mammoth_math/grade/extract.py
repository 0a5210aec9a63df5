"""Answer extraction from a full model response or a program's output.

The answer region first (statement.cut_leak: a run-on past the end of turn; a new few-shot question).
Order: \\boxed{} (last; distinct boxed values are a self-contradiction -> no answer) -> "The answer is"
-> "Final Answer:" -> GSM8K "#### n" -> a short "A: n" line -> for choices, the letter or option text ->
for LaTeX, the closing math segment or display taken whole ("last_math") -> the last number of the last
line ("last_number"), only when that line looks finished (ends in a full stop or a number, not a word
or an operator). Statements run across a display's line breaks and give their value when sentence-shaped
(statement.py). Hedged answers ("either 5 or 6", "maybe 5") in the final statement, and responses that
stop mid-sentence with no marked answer, give no answer; with finish_reason="length" neither does a
number that ends the text."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from mammoth_math.api import AnswerType
from mammoth_math.common.latex import boxed_contents, matching_brace
from mammoth_math.grade.choice import letter_of, match_option
from mammoth_math.grade.normalize import clean, squash, unwrap_commands
from mammoth_math.grade.statement import (
    computed_value,
    cut_leak,
    final_sentence,
    last_math,
    last_plain_relation,
    phrase_answer,
    statement_at,
)


@dataclass(frozen=True)
class Extraction:
    answer: str | None
    method: str  # "boxed", "answer_is", "final_answer", "gsm8k_hashes", "choice_letter", "choice_text",
    # "last_number", "program", "none", "hedged", "contradiction"


# markers only: the statement after each is read by statement.statement_at (across a display's lines)
_ANSWER_IS = re.compile(
    r"(?:the|my)\s+(?:(?:final|correct|right)\s+)?answer\s+(?:is|would be|=)[ \t]*:?"
    r"|(?<![a-z])(?<!final )answer[ \t]*\**[ \t]*[:：][ \t]*\**",  # "Answer: 5", "**Answer:** 5"
    re.I,
)
_A_LINE = re.compile(r"^[ \t]*A[ \t]*[:：](?=[ \t]*\S)", re.M)  # "A: 20", OpenAI's GSM8K format
_RETRACTION = re.compile(
    r"\b(?:wrong|mistake|error|incorrect|actually|correction|recalculat\w*|recomput\w*|re-?check\w*|redo\w*|oops)\b",
    re.I,
)
_CONCLUDES = re.compile(r"final answer|the answer is|therefore|thus|hence|\bso\b", re.I)
_FINAL = re.compile(r"final\s+answer\s*(?:is)?[ \t]*[:：]", re.I)
_HASHES = re.compile(r"####")
_NUMBER = re.compile(r"[-−]?\$?\d[\d,]*(?:\.\d+)?(?:\s*/\s*\d+)?%?|[-−]?\.\d+")
_HEDGE = re.compile(
    r"\b(?:either|maybe|perhaps|possibly|probably|might be|could be|not sure|unsure|i guess|"
    r"can'?t be determined|cannot determine|unclear)\b",
    re.I,
)
_OR = re.compile(r"\s(?:or|\\text\{\s*or\s*\})\s|\\text\{\s*or\s*\}", re.I)
_DOUBT = re.compile(r"\b(?:not sure|unsure|i guess|maybe|perhaps|probably)\b", re.I)
_ALTERNATIVES = re.compile(r"(\S+)\s+[(\[]?or\s+(\S+)", re.I)
_CHOICE_MARK = re.compile(
    r"(?:answer|option|choice|choose|pick|select|go with)\s*(?:is|would be|:)?\s*:?\s*(?:option\s+|choice\s+)?\(?\s*([A-E])\s*\)?(?![\w'])"
)
_PAREN_LETTER = re.compile(r"\(([A-E])\)")
_LETTER_CORRECT = re.compile(r"(?:^|[\s(])\(?([A-E])\)?\s+is\s+(?:the\s+)?(?:correct|right|answer)\b")
_BOX_START = re.compile(r"\\(?:boxed|fbox)\s*\{")
_JOIN_GAP = re.compile(r"\$?\s*,?\s*(?:(and|or)\s+)?\$?\s*(?:[a-zA-Z]\s*=\s*)?", re.I)
_NEXT_QUESTION = re.compile(r"\n\s*(?:Question|Problem|Q)\s*\d*\s*[:.]", re.I)


def _trim_statement(text: str) -> str:
    """Cut an "answer is ..." capture at the end of its sentence (not at a decimal point)."""
    text = re.sub(r"\s*\n\s*", " ", text.strip())
    boxes = boxed_contents(text)
    if boxes:
        return boxes[-1]
    m = re.search(r"(?<!\.)\.(?!\.)(?=\s+[A-Z(]|\s*$)", text)  # a sentence end; not "Rs. 750" or "3.5"
    return (text[: m.start()] if m else text).strip()


def _answerish(token: str) -> bool:
    return bool(re.search(r"\d|\$|\\", token) or re.fullmatch(r"\(?[A-E]\)?[.,]?", token))


def _or_between_answers(text: str) -> bool:
    """ "5 or 6", "(B) or (C)": "or" between two answer-like tokens, not "English or German"."""
    text = _OR.sub(" or ", f" {text} ")
    return any(_answerish(a) and _answerish(b) for a, b in _ALTERNATIVES.findall(text))


def _hedge_words(text: str) -> bool:
    for m in _HEDGE.finditer(text):
        if m.group(0).lower() != "either" or _or_between_answers(text[m.end() :]):
            return True
    return False


def _hedged(answer: str, answer_type: AnswerType) -> bool:
    if _hedge_words(answer):
        return True
    # "5 or 6" for a single number/choice is a hedge; in LaTeX answers "or" lists solutions
    return answer_type in (AnswerType.NUMBER, AnswerType.CHOICE) and _or_between_answers(answer)


def _joined_boxes(response: str) -> str | None:
    """`$x = \\boxed{2}$ or $x = \\boxed{5}$`: the last boxes of one sentence, joined by and/or/commas,
    are one answer listing several values ("2 or 5"; "or" stays, so it hedges a single number/choice)."""
    spans: list[tuple[int, int, str]] = []
    for m in _BOX_START.finditer(response):
        end = matching_brace(response, m.end() - 1)
        if end is not None:
            spans.append((m.start(), end + 1, response[m.end() : end].strip()))
    if len(spans) < 2:
        return None
    values, joiners = [spans[-1][2]], []
    for (_, prev_end, prev), (start, _, _) in zip(spans[-2::-1], spans[:0:-1], strict=False):
        gap = _JOIN_GAP.fullmatch(response[prev_end:start])
        if not gap:
            break
        values.insert(0, prev)
        joiners.insert(0, " or " if gap.group(1) and gap.group(1).lower() == "or" else ", ")
    if len(values) < 2:
        return None
    return values[0] + "".join(j + v for j, v in zip(joiners, values[1:], strict=True))


def _short(statement: str) -> bool:
    """An `A:` line is an answer only when it reads like one ("A: 20", "A: $18"), not a reasoning step."""
    return len(statement) <= 40 and len(re.findall(r"[a-zA-Z]{3,}", statement)) <= 1


def _marked(response: str, at: AnswerType) -> Extraction | None:
    boxes = [b.strip() for b in boxed_contents(response) if b.strip()]
    joined = _joined_boxes(response) if len(boxes) >= 2 else None
    if joined:
        return Extraction(joined, "boxed")
    if boxes:
        if len({squash(clean(b)) for b in boxes[-3:]}) > 1 and _contradicts(response):
            return Extraction(None, "contradiction")
        return Extraction(boxes[-1], "boxed")
    found: list[tuple[int, str, str]] = []
    markers = [("answer_is", _ANSWER_IS), ("final_answer", _FINAL), ("gsm8k_hashes", _HASHES)]
    if at is not AnswerType.CHOICE:  # "A: ..." would read as option A
        markers.append(("a_line", _A_LINE))
    for method, pattern in markers:
        # the last few markers decide (the contradiction check reads the last two): bounded work on
        # a response that repeats "Answer:" thousands of times
        for m in list(pattern.finditer(response))[-8:]:
            statement = _trim_statement(statement_at(response, m.end()))
            if method != "a_line" or _short(statement):
                found.append((m.start(), method, statement))
    found = [f for f in found if f[2]]
    if not found:
        return None
    found.sort()
    answers = {squash(clean(a)) for _, _, a in found}
    # "the answer is 5 ... the answer is 6" contradicts itself, unless the second retracts the first
    if (
        len(answers) > 1
        and len(found) >= 2
        and found[-1][1] == found[-2][1]
        and not _RETRACTION.search(response[found[-2][0] : found[-1][0]])
    ):
        return Extraction(None, "contradiction")
    _, method, answer = found[-1]
    return Extraction(answer, method)


def _contradicts(response: str) -> bool:
    """Several different boxed values with nothing between the last two marking the last as final
    ("so the answer is", "therefore") or retracting the earlier one ("that was wrong")."""
    starts = [m.start() for m in re.finditer(r"\\(?:boxed|fbox)\b", response)]
    between = response[starts[-2] : starts[-1]] if len(starts) >= 2 else response[-400:]
    return not (_CONCLUDES.search(between) or _RETRACTION.search(between))


def _last_number(response: str, at: AnswerType, cut: bool) -> Extraction:
    lines = [ln for ln in response.strip().splitlines() if ln.strip()]
    if not lines:
        return Extraction(None, "none")
    last = lines[-1].strip()
    # a last line that ends on a word, not a full stop or a number, was cut off ("... so for n = 100 we get")
    if not re.search(r"[.!)\]}$%\d]\s*$", last) or _looks_truncated(response):
        return Extraction(None, "none")
    if at is AnswerType.LATEX:  # a matrix, interval or relation in prose is the answer, not its last entry
        whole = last_math(response) or last_plain_relation(last)
        if whole:
            return Extraction(whole, "last_math")
    # a unit's exponent ("2,74 g/cm^3", "12 m^2") is not the answer
    numbers = [n for n in _NUMBER.finditer(last) if not re.search(r"[a-zA-Z]\^\{?$", last[: n.start()])]
    if not numbers:
        return Extraction(None, "none")
    if re.search(r"[+*/×÷^]\s*\$?$", last[: numbers[-1].start()]):
        return Extraction(None, "none")  # "Then 4*3": an expression not yet evaluated, not a result
    if cut and numbers[-1].end() == len(last):
        return Extraction(None, "truncated")  # stopped by length right after "After 11": maybe 110
    return Extraction(numbers[-1].group(0).replace("−", "-").strip(), "last_number")


def _looks_truncated(response: str) -> bool:
    tail = response.rstrip()
    return bool(re.search(r"[=+\-*/(,]$|\\$|\b(?:is|are|the|of|and|to|be)$", tail))


def _hedged_final(text: str) -> bool:
    """A hedge in the final statement ("maybe 13", "either 5 or 6"; "either way" is not one), or self-doubt
    after it ("It is 12. I'm not sure."); a note after it that "could be read either way" is not one."""
    stating = final_sentence(text)
    after = text.strip().splitlines()[-1].rpartition(stating)[2] if stating else ""
    return _hedge_words(stating) or bool(_DOUBT.search(after))


def answer_region(response: str) -> str:
    """The part of a response that holds its answer: cut at a leaked end of turn or a new question."""
    text = cut_leak(response or "")
    nxt = _NEXT_QUESTION.search(text)
    if nxt and text[: nxt.start()].strip():  # the model went on to write a new few-shot question
        text = text[: nxt.start()]
    return text


def boxed_answers(response: str) -> list[str]:
    """The distinct boxed values of a response's answer region, in order."""
    out: list[str] = []
    for b in boxed_contents(answer_region(response)):
        if b.strip() and squash(clean(b)) not in {squash(clean(o)) for o in out}:
            out.append(b.strip())
    return out


def extract_answer(
    response: str,
    answer_type: AnswerType | str,
    choices: Sequence[str] | None = None,
    finish_reason: str | None = None,
) -> Extraction:
    """The answer a full response gives. `finish_reason="length"` (the generation was cut by its token
    limit) makes a number that ends the text no answer: it may have been cut mid-way."""
    from mammoth_math.grade.equivalence import judge_equal, to_answer_type

    at = to_answer_type(answer_type)
    cut = finish_reason == "length"
    text = answer_region(response)
    if not text.strip():
        return Extraction(None, "none")
    marked = _marked(text, at)
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
    if marked is not None and marked.answer is not None:
        if (
            cut
            and marked.method != "boxed"
            and re.search(r"\d$", text.rstrip())
            and (text.rstrip().endswith(marked.answer.rstrip()))
        ):
            return Extraction(None, "truncated")
        if marked.method == "boxed":  # \boxed{\text{The volume is } 120}: the phrase rule on its words
            phrase = phrase_answer(unwrap_commands(marked.answer), math_answer=False)
            return marked if phrase == unwrap_commands(marked.answer) else Extraction(phrase, "boxed")
        answer = phrase_answer(marked.answer, at is not AnswerType.TEXT)
        return Extraction(computed_value(answer) if at is not AnswerType.TEXT else answer, marked.method)
    if _hedged_final(text):
        return Extraction(None, "hedged")
    return _last_number(text, at, cut)


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
        # "the answer is b": a lower-case letter, once it is not an option's own text (an option "$a$")
        bare = re.fullmatch(r"\(?\s*([a-e])\s*\)?\.?", clean(marked.answer))
        if bare and bare.group(1).upper() in "ABCDE"[:n]:
            return Extraction(bare.group(1).upper(), "choice_letter")
    found = sorted([*_CHOICE_MARK.finditer(text), *_LETTER_CORRECT.finditer(text)], key=lambda m: m.start())
    marks = [m.group(1) for m in found if m.group(1) in "ABCDE"[:n]]
    if marks:
        if len(set(marks[-2:])) > 1 and _HEDGE.search(text[found[-2].start() :] if len(found) > 1 else text):
            return Extraction(None, "hedged")
        return Extraction(marks[-1], "choice_letter")
    lines = [ln.strip() for ln in text.strip().splitlines() if ln.strip()]
    if lines and _HEDGE.search(lines[-1]):
        return Extraction(None, "hedged")  # "I'm not sure, maybe (B)?"
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
