"""resume=true picks the newest *complete* checkpoint: a kill -9 while Trainer saves leaves a
checkpoint-N without its trainer_state.json (written last), which must not be resumed from."""

from __future__ import annotations

from pathlib import Path

from mammoth_math.train.recipe import last_complete_checkpoint


def test_incomplete_checkpoints_are_skipped_and_removed(tmp_path: Path) -> None:
    for step, state in ((2, '{"global_step": 2}'), (3, None), (10, '{"global_step": 1'), (1, "{}")):
        d = tmp_path / f"checkpoint-{step}"
        d.mkdir()
        (d / "adapter_model.safetensors").write_bytes(b"x")
        if state is not None:
            (d / "trainer_state.json").write_text(state)
    (tmp_path / "checkpoint-x").mkdir()  # not a checkpoint name: ignored
    assert last_complete_checkpoint(tmp_path) == str(tmp_path / "checkpoint-2")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["checkpoint-1", "checkpoint-2", "checkpoint-x"]
    assert last_complete_checkpoint(tmp_path / "missing") is None
