"""A results folder carries an experiment across machines: finished stages' small files go there, a fresh
run folder takes them over, and a stage still to run gets the weights it needs made again."""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

import pytest
from experiment_helpers import generations_of, table_of, tiny_spec, write_spec

from mammoth_math.experiment import load_spec, run_experiment, status


@pytest.fixture(scope="module")
def published(finished: Path, tmp_path_factory: pytest.TempPathFactory, data_dir: Path) -> Path:
    """The finished tiny experiment's results folder, written by a re-run given --results."""
    tmp = tmp_path_factory.mktemp("published")
    out, results = tmp / "out", tmp / "results"
    shutil.copytree(finished, out)
    spec = load_spec(write_spec(tmp / "spec.yaml", tiny_spec()))
    assert set(run_experiment(spec, out, data_dir=str(data_dir), results=results).values()) == {"skipped"}
    return results


def test_results_hold_records_and_small_files_never_weights_or_data(published: Path, finished: Path) -> None:
    records = {p.name for p in (published / "stages").glob("*.json")}
    assert records == {p.name for p in (finished / "stages").glob("*.json")}
    assert all("pid" not in json.loads((published / "stages" / r).read_text()) for r in records)
    for arm in ("cot", "pot", "hybrid"):
        assert (published / arm / "curate" / "card.json").is_file()
        assert (published / arm / "train" / "mammoth_training.json").is_file()
        for mode in ("cot", "pot", "hybrid"):
            run = published / arm / f"eval-{mode}"
            assert (run / "summary.json").is_file() and (run / "report.html").is_file()
            with gzip.open(run / "samples.jsonl.gz", "rt") as f:
                assert f.read() == (finished / arm / f"eval-{mode}" / "samples.jsonl").read_text()
    assert (published / "compare.json").is_file() and (published / "compare.txt").is_file()
    names = {p.name for p in published.rglob("*") if p.is_file()}
    assert not {n for n in names if n.endswith((".gguf", ".safetensors", ".bin", ".pt"))}
    assert "train.jsonl" not in names and not any(published.glob("*/cache"))


def test_a_fresh_folder_takes_over_everything_and_trains_nothing(
    published: Path, finished: Path, tmp_path: Path, data_dir: Path
) -> None:
    spec = load_spec(write_spec(tmp_path / "spec.yaml", tiny_spec()))
    out = tmp_path / "fresh"
    before = {p: p.read_bytes() for p in published.rglob("*") if p.is_file()}
    assert set(run_experiment(spec, out, data_dir=str(data_dir), results=published).values()) == {"skipped"}
    # taking over publishes nothing back: a committed results folder stays byte for byte as it was
    assert {p: p.read_bytes() for p in published.rglob("*") if p.is_file()} == before
    assert table_of(out) == table_of(finished)
    assert not any(out.glob("*/train/config.json")) and not any(out.glob("*/export/model.gguf"))
    rows = status(out)
    assert all(r["state"] == "done" and r["restored"] for r in rows)


@pytest.mark.slow  # trains and exports one arm again (~1 min)
def test_a_stage_still_to_run_gets_its_model_made_again(
    published: Path, finished: Path, tmp_path: Path, data_dir: Path
) -> None:
    # a results folder from a machine that stopped before the pot arm's evaluations (and the compare)
    partial = tmp_path / "partial"
    shutil.copytree(published, partial)
    for stage in ("eval-pot-cot", "eval-pot-pot", "eval-pot-hybrid", "compare"):
        (partial / "stages" / f"{stage}.json").unlink()
    spec = load_spec(write_spec(tmp_path / "spec.yaml", tiny_spec()))
    out = tmp_path / "continued"
    kept = {p: p.read_bytes() for p in (partial / "stages").glob("*-pot.json")}
    done = run_experiment(spec, out, data_dir=str(data_dir), results=partial)
    assert {k for k, v in done.items() if v != "skipped"} == {
        "eval:pot:cot", "eval:pot:pot", "eval:pot:hybrid", "compare",
    }  # fmt: skip
    # curate, train and export of the pot arm ran again for them (their records said done) ...
    for stage in ("curate-pot", "train-pot", "export-pot"):
        record = json.loads((out / "stages" / f"{stage}.json").read_text())
        assert record["made_again"] is True and "first_outputs" not in record  # ... to the same outputs
    # so the results folder keeps their first records, byte for byte ...
    assert {p: p.read_bytes() for p in kept} == kept
    # ... also after the next invocation, which first publishes what the run folder finished
    assert set(run_experiment(spec, out, data_dir=str(data_dir), results=partial).values()) == {"skipped"}
    assert {p: p.read_bytes() for p in kept} == kept
    assert not (out / "cot" / "train" / "config.json").exists()  # the other arms' weights were not needed
    assert table_of(out) == table_of(finished)
    assert json.loads((partial / "stages" / "compare.json").read_text())["status"] == "done"


def test_a_results_path_that_is_a_file_is_refused(tmp_path: Path, data_dir: Path) -> None:
    from mammoth_math.experiment import SpecError

    spec = load_spec(write_spec(tmp_path / "spec.yaml", tiny_spec()))
    (tmp_path / "results").write_text("not a folder")
    with pytest.raises(SpecError, match="not a folder"):
        run_experiment(spec, tmp_path / "out", data_dir=str(data_dir), results=tmp_path / "results")


def test_an_untrained_arms_hybrid_after_taken_over_pot_and_cot_generates_nothing(
    finished: Path, tmp_path: Path, data_dir: Path
) -> None:
    # generation caches never travel; an untrained arm's samples stand in for its cache on a new machine
    data = tiny_spec()
    data["arms"] = {"base": {"train": False, "model": f"gguf:{finished / 'cot' / 'export' / 'model.gguf'}"}}
    spec = load_spec(write_spec(tmp_path / "spec.yaml", data))
    first, results = tmp_path / "first", tmp_path / "results"
    for mode in ("pot", "cot", "hybrid"):
        run_experiment(spec, first, only=f"eval:base:{mode}", data_dir=str(data_dir), results=results)
    (results / "stages" / "eval-base-hybrid.json").unlink()  # that machine stopped before hybrid
    second = tmp_path / "second"
    done = run_experiment(spec, second, only="eval:base:hybrid", data_dir=str(data_dir), results=results)
    assert done == {"eval:base:hybrid": "ran"}
    summary = json.loads((second / "base" / "eval-hybrid" / "summary.json").read_text())
    assert summary["cache"]["misses"] == 0 and summary["cache"]["hits"] >= 4
    by_run = generations_of(second)
    assert by_run["base/eval-hybrid"] == generations_of(first)["base/eval-hybrid"]
