"""AQuA-RAT test: five options "A)text"; the gold is the correct letter.

Options are split on the first "X)" prefix only, so texts with parentheses such as "5(√3 + 1)" stay whole
(a naive split on ")" mangles them)."""

from __future__ import annotations

import re

from mammoth_math.api import AnswerType, Problem
from mammoth_math.benchmarks.errors import RowError, require
from mammoth_math.benchmarks.golds import LETTERS, letter_gold
from mammoth_math.benchmarks.registry import BENCHMARKS
from mammoth_math.benchmarks.spec import BenchmarkSpec, HubDataset

_OPTION = re.compile(r"^\s*\(?([A-E])\s*\)\s*(.*)$", re.S)


def parse_options(options: list) -> tuple[str, ...]:
    texts = []
    for i, option in enumerate(options):
        m = _OPTION.match(str(option))
        if not m or m.group(1) != LETTERS[i]:
            raise RowError("options", f"option {i + 1} is not labelled {LETTERS[i]}): {option!r:.60}")
        texts.append(m.group(2).strip())
    return tuple(texts)


def parse(row: dict, index: int) -> Problem:
    question = require(row, "question")
    choices = parse_options(require(row, "options", list))
    gold = letter_gold(require(row, "correct"), len(choices), "correct")
    return Problem(
        id=f"aqua-{index}",
        benchmark="aqua",
        question=question.strip(),
        gold=gold,
        answer_type=AnswerType.CHOICE,
        choices=choices,
        metadata={"rationale": row.get("rationale", "")},
    )


BENCHMARKS.add(
    "aqua",
    BenchmarkSpec(
        name="aqua",
        parse=parse,
        answer_type=AnswerType.CHOICE,
        data_path="aqua/test.jsonl",
        domain="in",
        hub=HubDataset("deepmind/aqua_rat", "test", ("raw",)),
        expected_size=254,
        description="Algebra word problems with five options (Ling et al., 2017).",
    ),
)
