"""A user's own benchmark from a small spec file, no code:

```yaml
name: my_exam                # required
path: exam.jsonl             # .jsonl, .json list, or folder of .json; relative to the spec file
question_field: question     # default "question"
answer_field: answer         # default "answer"
answer_type: number          # number | choice | latex | text | auto (default: auto, guessed per row)
choices_field: options       # optional: a list of option texts (letters A.. in order)
id_field: id                 # optional: default "<name>-<row index>"
gold: raw                    # raw | boxed (last \\boxed{}) | gsm8k (after "####")
```
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from mammoth_math.api import AnswerType, Problem
from mammoth_math.benchmarks.errors import DataError, RowError, require
from mammoth_math.benchmarks.golds import LETTERS, is_number_text, letter_gold, number_text
from mammoth_math.benchmarks.spec import BenchmarkSpec
from mammoth_math.common.latex import last_boxed

_KEYS = {"name", "path", "question_field", "answer_field", "answer_type", "choices_field", "id_field", "gold"}


def load_user_spec(path: str | Path) -> BenchmarkSpec:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
        conf = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    except (OSError, UnicodeDecodeError, ValueError, yaml.YAMLError) as e:
        raise DataError(str(path), "", f"cannot read benchmark spec: {e}") from None
    if not isinstance(conf, dict):
        raise DataError(str(path), "", "a benchmark spec must be a mapping")
    unknown = set(conf) - _KEYS
    if unknown:
        raise DataError(str(path), "", f"unknown key(s) {sorted(unknown)}; allowed: {sorted(_KEYS)}")
    for key in ("name", "path"):
        if not isinstance(conf.get(key), str) or not conf[key]:
            raise DataError(str(path), "", "missing or not a string", field=key)
    answer_type = str(conf.get("answer_type", "auto"))
    if answer_type != "auto" and answer_type not in {t.value for t in AnswerType}:
        raise DataError(str(path), "", f"unknown answer type {answer_type!r}", field="answer_type")
    gold_mode = str(conf.get("gold", "raw"))
    if gold_mode not in {"raw", "boxed", "gsm8k"}:
        raise DataError(str(path), "", f"unknown gold mode {gold_mode!r}", field="gold")
    data = Path(conf["path"])
    if not data.is_absolute():
        data = (path.parent / data).resolve()
    parser = _RowParser(
        name=conf["name"],
        question_field=conf.get("question_field", "question"),
        answer_field=conf.get("answer_field", "answer"),
        answer_type=answer_type,
        choices_field=conf.get("choices_field"),
        id_field=conf.get("id_field"),
        gold_mode=gold_mode,
    )
    return BenchmarkSpec(
        name=conf["name"],
        parse=parser,
        answer_type=AnswerType(answer_type) if answer_type != "auto" else AnswerType.LATEX,
        data_path=str(data),
        domain="user",
        description=f"user benchmark from {path}",
    )


class _RowParser:
    def __init__(self, **conf: Any) -> None:
        self.__dict__.update(conf)

    def __call__(self, row: dict, index: int) -> Problem:
        question = require(row, self.question_field)
        raw = require(row, self.answer_field, (str, int, float))
        choices: tuple[str, ...] = ()
        if self.choices_field:
            options = require(row, self.choices_field, list)
            choices = tuple(str(o).strip() for o in options)
        gold = self._gold(raw)
        answer_type = self._type(gold, choices)
        if answer_type == AnswerType.CHOICE:
            gold = letter_gold(gold, len(choices) or len(LETTERS), self.answer_field)
        elif answer_type == AnswerType.NUMBER:
            gold = number_text(gold, self.answer_field)
        pid = str(row[self.id_field]) if self.id_field and self.id_field in row else f"{self.name}-{index}"
        return Problem(pid, self.name, question.strip(), gold, answer_type, choices)

    def _gold(self, raw: object) -> str:
        text = str(raw)
        if self.gold_mode == "boxed":
            boxed = last_boxed(text)
            if boxed is None:
                raise RowError(self.answer_field, "no \\boxed{...} answer")
            return boxed
        if self.gold_mode == "gsm8k":
            if "####" not in text:
                raise RowError(self.answer_field, "no '#### N' answer")
            return text.rsplit("####", 1)[1].strip()
        return text.strip()

    def _type(self, gold: str, choices: tuple[str, ...]) -> AnswerType:
        if self.answer_type != "auto":
            return AnswerType(self.answer_type)
        if choices and gold.strip().upper() in LETTERS[: len(choices)]:
            return AnswerType.CHOICE
        if is_number_text(gold):
            return AnswerType.NUMBER
        return AnswerType.LATEX
