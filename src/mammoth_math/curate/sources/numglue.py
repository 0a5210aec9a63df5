"""NumGLUE (partial copy, `numglue/apricot_type{1..8}.json`). The files hold answers but no rationales,
so the rows are problems for teacher synthesis; types whose answer is not a number or an option
(type 6 spans, type 7 entailment labels) are skipped because nothing could check a rationale."""

from __future__ import annotations

from mammoth_math.api import AnswerType, Problem
from mammoth_math.benchmarks import DataError, number_text, read_json_list
from mammoth_math.curate.sources.base import LoadOptions, SourceSpec, find_file
from mammoth_math.curate.sources.registry import SOURCES


def _problem(row: dict, pid: str) -> Problem | None:
    question = str(row.get("question") or "").strip()
    if row.get("passage"):
        question = f"{str(row['passage']).strip()}\n{question}"
    answer = row.get("answer")
    if isinstance(answer, dict):  # DROP-style: {"number": "10", "spans": [...]}
        answer = answer.get("number") or None
    if "Option1" in row and isinstance(answer, str) and answer.startswith("Option"):
        choices = (str(row["Option1"]), str(row["Option2"]))
        letter = "AB"[int(answer.split()[-1]) - 1]
        return Problem(pid, "numglue_train", question, letter, AnswerType.CHOICE, choices)
    try:
        gold = number_text(answer)
    except Exception:  # spans, labels, malformed numbers: not checkable
        return None
    return Problem(pid, "numglue_train", question, gold, AnswerType.NUMBER)


def load(opts: LoadOptions) -> list[Problem]:
    problems: list[Problem] = []
    for t in range(1, 9):
        path = find_file(opts, f"numglue/apricot_type{t}.json")
        for where, row in read_json_list(path):
            if opts.limit is not None and len(problems) >= opts.limit:
                return problems
            if not isinstance(row, dict):
                raise DataError(str(path), where, "expected an object")
            p = _problem(row, f"numglue-t{t}-{where.split()[-1]}")
            if p is not None and p.question:
                problems.append(p)
    return problems


def render(problem: Problem, rationale: str) -> str | None:
    return None  # no rationales in the files: use `curate synthesize`


SOURCES.add(
    "numglue",
    SourceSpec("numglue", load, render, (), "NumGLUE partial copy: problems with answers (synthesize)"),
)
