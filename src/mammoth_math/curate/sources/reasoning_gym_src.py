"""Synthetic problems with checkable answers from reasoning-gym (`gsm_symbolic` and arithmetic
generators). They carry no program, so rationales come from a teacher (`curate synthesize`); the
generator's own gsm_symbolic step list is offered as CoT."""

from __future__ import annotations

from mammoth_math.api import AnswerType, Problem
from mammoth_math.curate.sources.base import LoadOptions, SourceSpec
from mammoth_math.curate.sources.registry import SOURCES

GENERATORS = ("gsm_symbolic", "basic_arithmetic", "chain_sum", "decimal_arithmetic")


def load(opts: LoadOptions) -> list[Problem]:
    import reasoning_gym  # optional: the `curate` extra

    total = opts.limit if opts.limit is not None else opts.size
    per = max(1, -(-total // len(GENERATORS)))
    problems: list[Problem] = []
    for name in GENERATORS:
        dataset = reasoning_gym.create_dataset(name, size=per, seed=opts.seed)
        for i, item in enumerate(dataset):
            if len(problems) >= total:
                break
            meta = item.get("metadata") or {}
            cot = meta.get("answer_cot")
            problems.append(
                Problem(
                    id=f"rg-{name}-{opts.seed}-{i}",
                    benchmark="reasoning_gym",
                    question=str(item["question"]).strip(),
                    gold=str(item["answer"]).strip(),
                    answer_type=AnswerType.NUMBER,
                    metadata={"generator": name, "cot": cot} if cot else {"generator": name},
                )
            )
    return problems


def render(problem: Problem, rationale: str) -> str | None:
    cot = problem.metadata.get("cot")
    if rationale != "cot" or not cot:
        return None
    body, _, final = str(cot).rpartition("####")
    return f"{body.strip()}\nThe answer is {final.strip()}." if body else str(cot)


SOURCES.add(
    "reasoning_gym",
    SourceSpec(
        "reasoning_gym",
        load,
        render,
        ("cot",),
        "reasoning-gym gsm_symbolic + arithmetic generators (seeded); PoT via a teacher",
    ),
)
