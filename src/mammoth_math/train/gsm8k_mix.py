"""A small MathInstruct-style mix straight from GSM8K train, for smoke runs, tests and benchmarks.

This is deliberately simple (the curate stage builds the real mix): CoT rows are the human solution
with the `<<expr=value>>` calculator annotations removed and "The answer is N"; PoT rows turn each
annotation into one assignment and print the last, which is executable by construction.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from mammoth_math.api import TrainingExample

POT_TRIGGER = " Let's write a program."  # MAmmoTH's PoT trigger, appended to the instruction
_ANNOTATION = re.compile(r"<<([^<>=]*)=([^<>]*)>>")


def gsm8k_rows(path: str | Path, start: int = 0, count: int | None = None) -> list[dict[str, str]]:
    """`question`, `answer` rows [start, start+count) of a GSM8K JSONL file."""
    rows: list[dict[str, str]] = []
    with Path(path).open(encoding="utf-8") as f:
        for lineno, line in enumerate(f):
            if lineno < start:
                continue
            if count is not None and len(rows) >= count:
                break
            row = json.loads(line)
            rows.append({"question": row["question"], "answer": row["answer"]})
    return rows


def gold_of(answer: str) -> str:
    return answer.rsplit("####", 1)[-1].strip().replace(",", "")


def cot_example(row: dict[str, str]) -> TrainingExample:
    body = _ANNOTATION.sub("", row["answer"].rsplit("####", 1)[0]).strip()
    gold = gold_of(row["answer"])
    return TrainingExample(row["question"], f"{body}\nThe answer is {gold}.", "gsm8k_cot", "cot", gold)


def pot_program(answer: str) -> str | None:
    """One assignment per annotation, printing the last; None when there are no usable annotations."""
    steps = [expr.strip() for expr, _ in _ANNOTATION.findall(answer)]
    lines: list[str] = []
    for i, expr in enumerate(steps, 1):
        expr = expr.replace("x", "*").replace("×", "*").replace("÷", "/").replace("^", "**").replace(",", "")
        if not expr or not re.fullmatch(r"[\d\s.+\-*/()]+", expr):
            return None
        lines.append(f"step{i} = {expr}")
    if not lines:
        return None
    return "\n".join([*lines, f"print(step{len(lines)})"])


def pot_example(row: dict[str, str]) -> TrainingExample | None:
    program = pot_program(row["answer"])
    if program is None:
        return None
    gold = gold_of(row["answer"])
    return TrainingExample(row["question"] + POT_TRIGGER, program, "gsm8k_pot", "pot", gold)


def build_mix(
    path: str | Path, start: int, count: int, kinds: tuple[str, ...] = ("cot", "pot")
) -> list[TrainingExample]:
    """Up to `count` rows per kind from GSM8K rows [start, start+count)."""
    out: list[TrainingExample] = []
    for row in gsm8k_rows(path, start, count):
        if "cot" in kinds:
            out.append(cot_example(row))
        if "pot" in kinds and (pot := pot_example(row)) is not None:
            out.append(pot)
    return out


def write_jsonl(examples: list[TrainingExample], path: str | Path) -> Path:
    """MathInstruct JSONL: instruction, output, source, rationale."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as f:
        for ex in examples:
            row = {
                "instruction": ex.instruction,
                "output": ex.output,
                "source": ex.source,
                "rationale": ex.rationale,
            }
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    return path
