"""Shared formats that more than one stage must agree on byte for byte: the training prompt, the PoT
trigger, and the MathInstruct row. Curate writes rows, train reads them, prompts asks with the same
text at evaluation; each imports it from here instead of keeping a copy equal by a test."""

from __future__ import annotations

from typing import Any

from mammoth_math.api.records import TrainingExample, to_dict

# Exactly the template MAmmoTH trained and evaluated with (TIGER-AI-Lab/MAmmoTH, utils.py). Their
# train.py can draw one of 12 headers at random; we never do.
ALPACA_TEMPLATE = (
    "Below is an instruction that describes a task. "
    "Write a response that appropriately completes the request.\n\n"
    "### Instruction:\n{instruction}\n\n### Response:"
)
# MAmmoTH appends this to the instruction to ask for a program of thought; curate puts it into the
# instruction of every PoT row so that training sees the request evaluation makes.
POT_TRIGGER = " Let's write a program."

# MathInstruct's own three fields, in its order; ours follow them in a row.
MATHINSTRUCT_FIELDS = ("instruction", "output", "source")


def mathinstruct_row(example: TrainingExample) -> dict[str, Any]:
    """A curated row: MathInstruct's fields first, then the rest (it round-trips a TrainingExample)."""
    rec = to_dict(example)
    rec["metadata"] = {k: v for k, v in rec["metadata"].items() if k != "entry"}
    return {**{name: rec.pop(name) for name in MATHINSTRUCT_FIELDS}, **rec}


def example_from_row(row: Any) -> TrainingExample:
    """A training row read back. Raises ValueError naming the field; the caller adds file and line.

    Rows from elsewhere (MathInstruct itself) carry no `rationale`: its PoT sources end in `_pot`."""
    if not isinstance(row, dict):
        raise ValueError(f"expected a JSON object, got {type(row).__name__}")
    for name in ("instruction", "output"):
        if not isinstance(row.get(name), str) or not row[name].strip():
            raise ValueError(f"field {name!r}: missing or not a non-empty string")
    source = str(row.get("source", ""))
    rationale = row.get("rationale") or ("pot" if "_pot" in source else "cot")
    return TrainingExample(
        instruction=row["instruction"], output=row["output"], source=source, rationale=str(rationale)
    )
