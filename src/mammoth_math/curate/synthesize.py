"""Teacher synthesis by rejection sampling (RFT / ToRA / OpenMathInstruct): sample K rationales per
problem with any backend, keep those the executed (PoT) or extracted (CoT) answer makes correct.

Rows are appended to the output JSONL as each problem finishes; `resume=True` skips problem ids
already recorded there (accepted or not), so an interrupted run continues where it stopped."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from mammoth_math.api import Problem, SamplingParams
from mammoth_math.api.formats import mathinstruct_row
from mammoth_math.common.store import BadLine, jsonl_lines
from mammoth_math.curate.rows import make_example


def _done_ids(path: Path) -> set[str]:
    done: set[str] = set()
    if not path.exists():
        return done
    rows = list(jsonl_lines(path))
    for i, (lineno, row) in enumerate(rows):
        try:
            if isinstance(row, BadLine):
                raise TypeError(row)
            done.add(row["metadata"]["problem_id"])
        except (KeyError, TypeError):
            # a torn last line from a killed run is the only expected damage; it is redone
            if i != len(rows) - 1:
                raise ValueError(f"{path}:{lineno}: not a synthesis record") from None
    return done


def synthesize(
    problems: list[Problem],
    backend: Any,
    executor: Any,
    output: str | os.PathLike[str],
    *,
    source: str,
    mode: str = "pot",
    samples: int = 4,
    temperature: float = 0.7,
    max_tokens: int = 512,
    resume: bool = False,
    keep_per_problem: int | None = None,
) -> dict[str, int]:
    """Returns counts: problems, skipped (resume), sampled, accepted."""
    from mammoth_math.grade import equivalent
    from mammoth_math.solve import Solver

    out = Path(output)
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.exists() and not resume:
        raise FileExistsError(f"{out} exists: pass --resume to continue it, or choose another file")
    done = _done_ids(out) if resume else set()
    todo = [p for p in problems if p.id not in done]
    solver = Solver(backend, executor, mode=mode, prompt_style="chat")
    params = SamplingParams(temperature=temperature, max_tokens=max_tokens, seed=None)
    stats = {"problems": len(problems), "skipped": len(problems) - len(todo), "sampled": 0, "accepted": 0}
    with out.open("a", encoding="utf-8") as f:
        for problem in todo:
            results = solver.solve_problems([problem], samples=samples, params=params)[0]
            seen: set[str] = set()
            kept = 0
            for k, r in enumerate(results):
                stats["sampled"] += 1
                text = (r.program if mode == "pot" else r.rationale) or ""
                ok = bool(text) and equivalent(
                    problem.gold, r.answer, problem.answer_type, problem.choices or None
                )
                if ok and text not in seen and (keep_per_problem is None or kept < keep_per_problem):
                    seen.add(text)
                    kept += 1
                    ex = make_example(
                        problem, text, source, mode, problem_id=problem.id, sample=k, accepted=True
                    )
                    f.write(json.dumps(mathinstruct_row(ex), ensure_ascii=False) + "\n")
            if kept == 0:  # a marker so --resume does not redo a problem the teacher failed
                marker = make_example(problem, "", source, mode, problem_id=problem.id, accepted=False)
                f.write(json.dumps(mathinstruct_row(marker), ensure_ascii=False) + "\n")
            f.flush()
            stats["accepted"] += kept
    return stats
