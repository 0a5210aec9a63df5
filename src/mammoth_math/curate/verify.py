"""Verify rows: execute every PoT program in the sandbox and grade its answer against the gold; grade
every CoT row's final answer. Every dropped row is kept with its reason."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from mammoth_math.api import Executor, TrainingExample
from mammoth_math.curate.rows import Dropped, row_id, with_meta

Grader = Callable[[str, str | None, str, Sequence[str] | None], bool]


def default_grader(gold: str, pred: str | None, answer_type: str, choices: Sequence[str] | None) -> bool:
    from mammoth_math.grade import equivalent

    return equivalent(gold, pred, answer_type, choices)


def verify(
    rows: list[TrainingExample],
    executor: Executor,
    grader: Grader = default_grader,
    progress: Callable[[int], None] | None = None,
) -> tuple[list[TrainingExample], list[Dropped]]:
    """(kept, dropped). Kept rows gain metadata `verified` ("executed+graded", "graded", "executed",
    "unverified") and, for PoT, `exec_answer`."""
    from mammoth_math.grade import extract_answer, extract_program_answer

    kept: list[TrainingExample] = []
    dropped: list[Dropped] = []
    pot = [r for r in rows if r.rationale == "pot"]
    executions = {}
    chunk = 512  # progress and bounded memory on long runs
    for start in range(0, len(pot), chunk):
        batch = pot[start : start + chunk]
        for row, execution in zip(batch, executor.run([r.output for r in batch]), strict=True):
            executions[id(row)] = execution
        if progress is not None:
            progress(len(batch))

    for row in rows:
        answer_type = str(row.metadata.get("answer_type", "latex"))
        choices = row.metadata.get("choices")

        def drop(reason: str, detail: str = "", row: TrainingExample = row) -> None:
            dropped.append(
                Dropped(row_id(row), row.source, reason, detail[:300], None, row.instruction[:200])
            )

        if row.rationale == "pot":
            ex = executions[id(row)]
            if not ex.ok:
                drop(f"exec_{ex.status.value}", ex.error or ex.stderr[-200:])
                continue
            pred = extract_program_answer(ex.stdout or (ex.answer or ""), answer_type, choices).answer
            if pred is None:
                pred = ex.answer
            if pred is None:
                drop("no_output", "the program printed nothing")
                continue
            if row.gold is None:
                kept.append(with_meta(row, verified="executed", exec_answer=pred))
            elif grader(row.gold, pred, answer_type, choices):
                kept.append(with_meta(row, verified="executed+graded", exec_answer=pred))
            else:
                drop("wrong_answer", f"program printed {pred!r}, gold {row.gold!r}")
            continue
        if row.gold is None:
            kept.append(with_meta(row, verified="unverified"))
            continue
        extraction = extract_answer(row.output, answer_type, choices)
        if extraction.answer is None:
            drop("cot_no_answer", f"extraction: {extraction.method}")
        elif grader(row.gold, extraction.answer, answer_type, choices):
            kept.append(with_meta(row, verified="graded"))
        else:
            drop("cot_wrong_answer", f"extracted {extraction.answer!r}, gold {row.gold!r}")
    return kept, dropped
