"""A user's own JSONL, and MathInstruct-format files (`TIGER-Lab/MathInstruct` from the hub when online).

Rows are `instruction`/`output`/`source` (MathInstruct) or `question` plus optional `output`, `answer`
(gold), `answer_type` and `rationale`. Rows without a gold can still be verified for PoT (the program
must run and print); CoT rows without a gold are kept and counted as unverified."""

from __future__ import annotations

from typing import Any

from mammoth_math.api import AnswerType, Problem
from mammoth_math.benchmarks import DataError, read_jsonl
from mammoth_math.curate.sources.base import LoadOptions, SourceSpec, user_path
from mammoth_math.curate.sources.registry import SOURCES

HUB_ID = "TIGER-Lab/MathInstruct"


def rationale_of(source: str, output: str) -> str:
    """MathInstruct tags PoT rows by folder ("data/PoT/mathqa.json"); ours end in `_pot`."""
    tag = source.lower()
    if "pot" in tag.replace("\\", "/").split("/") or tag.endswith("_pot") or "/pot/" in tag:
        return "pot"
    if tag.endswith("_cot") or "/cot/" in tag:
        return "cot"
    return "pot" if ("print(" in output or "def solution" in output) else "cot"


def problem_from_row(row: Any, pid: str, file: str, where: str) -> Problem:
    if not isinstance(row, dict):
        raise DataError(file, where, f"expected a JSON object, got {type(row).__name__}")
    question = row.get("instruction", row.get("question"))
    if not isinstance(question, str) or not question.strip():
        raise DataError(file, where, "missing or empty", field="instruction")
    output = row.get("output", "")
    if not isinstance(output, str):
        raise DataError(file, where, f"expected a string, got {type(output).__name__}", field="output")
    source = str(row.get("source", "user"))
    gold = row.get("gold", row.get("answer"))
    try:
        answer_type = AnswerType(row.get("answer_type", "latex" if gold is not None else "number"))
    except ValueError:
        raise DataError(
            file, where, f"unknown answer type {row.get('answer_type')!r}", field="answer_type"
        ) from None
    return Problem(
        id=pid,
        benchmark="user",
        question=question.strip(),
        gold="" if gold is None else str(gold),
        answer_type=answer_type,
        metadata={
            "output": output,
            "source": source,
            "rationale": row.get("rationale") or rationale_of(source, output),
            "location": f"{file}:{where}",
        },
    )


def _load_file(opts: LoadOptions, name: str) -> list[Problem]:
    path = user_path(opts, name)
    problems: list[Problem] = []
    for where, row in read_jsonl(path):
        if opts.limit is not None and len(problems) >= opts.limit:
            break
        if isinstance(row, DataError):
            raise row
        problems.append(problem_from_row(row, f"{name}-{where.split()[-1]}", str(path), where))
    return problems


def load_user(opts: LoadOptions) -> list[Problem]:
    return _load_file(opts, "jsonl")


def load_mathinstruct(opts: LoadOptions) -> list[Problem]:
    if opts.path:
        return _load_file(opts, "mathinstruct")
    import datasets  # online users: the `hf` extra

    try:
        ds = datasets.load_dataset(HUB_ID, split="train")
    except Exception as e:  # offline, renamed ...: say what we tried
        raise DataError(f"hf://{HUB_ID}", "", f"could not load from the Hugging Face hub: {e}") from e
    problems: list[Problem] = []
    for i, row in enumerate(ds):
        if opts.limit is not None and len(problems) >= opts.limit:
            break
        problems.append(problem_from_row(dict(row), f"mathinstruct-{i}", f"hf://{HUB_ID}", f"row {i}"))
    return problems


def render(problem: Problem, rationale: str) -> str | None:
    output = problem.metadata.get("output") or ""
    return output if output and problem.metadata.get("rationale") == rationale else None


SOURCES.add("jsonl", SourceSpec("jsonl", load_user, render, ("cot", "pot"), "your own JSONL (path: FILE)"))
SOURCES.add(
    "mathinstruct",
    SourceSpec(
        "mathinstruct",
        load_mathinstruct,
        render,
        ("cot", "pot"),
        f"a MathInstruct-format JSONL (path: FILE), else {HUB_ID} from the hub",
    ),
)
