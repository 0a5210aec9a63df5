"""Teacher synthesis with a real teacher (SmolLM2 through llama.cpp) and the real sandbox."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mammoth_math.curate.sources import LoadOptions, get_source
from mammoth_math.curate.synthesize import synthesize
from mammoth_math.execute import Sandbox, SandboxConfig
from mammoth_math.generate import load_backend
from mammoth_math.grade import equivalent


@pytest.mark.slow
def test_synthesize_keeps_only_verified_programs_and_resumes(data_dir: Path, tmp_path: Path) -> None:
    problems = get_source("gsm8k").load(LoadOptions(data_dir, 3, None))
    out = tmp_path / "synth.jsonl"
    with load_backend("smollm2", n_parallel=1) as teacher, Sandbox(SandboxConfig(timeout=5.0)) as sb:
        stats = synthesize(problems, teacher, sb, out, source="gsm8k", mode="pot", samples=2, max_tokens=96)
        assert stats["problems"] == 3 and stats["skipped"] == 0 and stats["sampled"] == 6
        rows = [json.loads(line) for line in out.read_text().splitlines()]
        accepted = [r for r in rows if r["metadata"]["accepted"]]
        assert len(accepted) == stats["accepted"]
        # every problem is recorded (accepted rows, or one rejected marker) so a resume can skip it
        assert {r["metadata"]["problem_id"] for r in rows} == {p.id for p in problems}
        # an accepted program really prints the gold when run again
        runs = sb.run([r["output"] for r in accepted])
        for row, run in zip(accepted, runs, strict=True):
            assert run.ok and equivalent(row["gold"], run.answer, "number")
        assert all(r["output"] == "" for r in rows if not r["metadata"]["accepted"])

        again = synthesize(problems, teacher, sb, out, source="gsm8k", mode="pot", samples=2, resume=True)
        assert again["skipped"] == 3 and again["sampled"] == 0
        assert len(out.read_text().splitlines()) == len(rows)
