"""`mammoth-math grade INPUT.jsonl [--output OUT.jsonl]`: judge predictions or full responses against golds."""

from __future__ import annotations

import argparse
import json
import re
import sys
from typing import Any

from mammoth_math.api import AnswerType, Problem
from mammoth_math.cli.common import add_deprecated, add_output, fail
from mammoth_math.common.store import BadLine, parse_jsonl
from mammoth_math.grade import grade, judge_equal


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "input",
        help='JSONL: {"id", "gold", "prediction"|"response", ["answer_type"], ["choices"], ["finish_reason"]}',
    )
    add_output(parser, "JSONL file the judgements are written to (default: stdout)")
    parser.add_argument(
        "--grade-timeout", type=float, default=2.0, help="seconds per symbolic check (default 2)"
    )
    add_deprecated(parser, "--timeout", "--grade-timeout", "grade_timeout", type=float)


def guess_type(gold: str, choices: list[str] | None) -> AnswerType:
    if choices:
        return AnswerType.CHOICE
    if re.fullmatch(r"\s*[-+]?[\d,]*\.?\d+\s*%?\s*", gold):
        return AnswerType.NUMBER
    return AnswerType.LATEX


def judge_row(row: dict[str, Any], where: str, timeout: float) -> dict[str, Any]:
    for key in ("id", "gold"):
        if key not in row:
            raise ValueError(f"{where}: missing field {key!r}")
    if ("prediction" in row) == ("response" in row):
        raise ValueError(f"{where}: give exactly one of 'prediction' or 'response'")
    gold = str(row["gold"])
    choices = row.get("choices")
    if choices is not None and not (isinstance(choices, list) and all(isinstance(c, str) for c in choices)):
        raise ValueError(f"{where}: field 'choices' must be a list of strings")
    try:
        at = AnswerType(row["answer_type"]) if row.get("answer_type") else guess_type(gold, choices)
    except ValueError:
        raise ValueError(f"{where}: field 'answer_type' must be one of number, choice, latex, text") from None
    if "response" in row:
        # the whole of grade(): extraction (a response cut at its budget gives no cut number), the
        # judgement, and boxes that together state a set gold
        finish = row.get("finish_reason")
        if finish is not None and not isinstance(finish, str):
            raise ValueError(f"{where}: field 'finish_reason' must be a string (stop, length)")
        problem = Problem(str(row["id"]), "cli", "", gold, at, tuple(choices or ()))
        j = grade(problem, str(row["response"] or ""), finish, timeout)
        return {
            "id": row["id"],
            "correct": j.correct,
            "extracted": j.extracted,
            "reason": j.reason,
            "method": j.method,
        }
    pred = row["prediction"]
    answer, method = (None if pred is None else str(pred)), "given"
    if answer is None:
        reason = method if method in ("hedged", "contradiction") else "no_answer"
        return {"id": row["id"], "correct": False, "extracted": None, "reason": reason, "method": method}
    correct, reason = judge_equal(gold, answer, at, choices, timeout)
    return {"id": row["id"], "correct": correct, "extracted": answer, "reason": reason, "method": method}


def run(args: argparse.Namespace) -> int:
    try:
        with open(args.input, encoding="utf-8") as f:
            lines = f.readlines()
    except OSError as e:
        return fail(f"{args.input}: {e.strerror}")
    results: list[dict[str, Any]] = []
    for number, row in parse_jsonl(lines):
        where = f"{args.input}:{number}"
        try:
            if isinstance(row, BadLine):
                raise ValueError(f"{where}: {row}")
            if not isinstance(row, dict):
                raise ValueError(f"{where}: expected a JSON object")
            results.append(judge_row(row, where, args.grade_timeout))
        except ValueError as e:
            return fail(str(e))
    out = open(args.output, "w", encoding="utf-8") if args.output else sys.stdout  # noqa: SIM115
    try:
        for r in results:
            out.write(json.dumps(r, ensure_ascii=False) + "\n")
    finally:
        if out is not sys.stdout:
            out.close()
    n = len(results)
    correct = sum(r["correct"] for r in results)
    print(f"graded {n}: {correct} correct ({100 * correct / max(n, 1):.1f}%)", file=sys.stderr)
    return 0
