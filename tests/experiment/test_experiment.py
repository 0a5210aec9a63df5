"""The experiment driver end to end on the tiny spec: the table is produced, every stage leaves a record,
a re-run skips everything, a changed arm re-runs only its own stages, a malformed spec fails first."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from experiment_helpers import table_of, tiny_spec, write_spec

from mammoth_math.experiment import SpecError, build_plan, load_spec, parse_spec, run_experiment, status

STAGES = (
    {"curate:cot", "curate:pot", "curate:hybrid", "compare"}
    | {f"{k}:{a}" for k in ("train", "export") for a in ("cot", "pot", "hybrid")}
    | {f"eval:{a}:{m}" for a in ("cot", "pot", "hybrid") for m in ("cot", "pot", "hybrid")}
)


def test_tiny_experiment_produces_the_table_and_records(finished: Path) -> None:
    result = json.loads((finished / "compare.json").read_text())
    labels = [r["label"] for r in result["runs"]]
    assert labels == [f"{a} / {m}" for a in ("cot", "pot", "hybrid") for m in ("cot", "pot", "hybrid")]
    assert result["columns"] == ["gsm8k", "svamp", "in_domain", "out_of_domain"]
    assert all(r["benchmarks"]["gsm8k"]["n"] == 2 for r in result["runs"])
    assert len(result["pairs"]) == 36  # every two of the 9 runs share their problems
    row = result["runs"][0]
    assert row["arm"] == "cot" and row["decoding"] == "cot" and len(row["training_data"]) == 64
    assert (finished / "report.html").read_text().count("<svg") >= 1
    assert "cot / cot" in (finished / "compare.txt").read_text()
    rows = status(finished)
    assert {r["stage"] for r in rows} == STAGES and all(r["state"] == "done" for r in rows)
    train = json.loads((finished / "stages" / "train-pot.json").read_text())
    assert train["outputs"]["global_step"] == 4 and train["settings"]["config"]["lora_r"] == 4
    pot_curated = json.loads((finished / "stages" / "curate-pot.json").read_text())["outputs"]
    assert train["outputs"]["data_sha256"] == pot_curated["data_sha256"]
    assert {"mammoth_math", "torch", "transformers", "gguf"} <= set(train["versions"])
    curated = json.loads((finished / "stages" / "curate-hybrid.json").read_text())
    cot_rows = json.loads((finished / "stages" / "curate-cot.json").read_text())["outputs"]["rows"]
    pot_rows = json.loads((finished / "stages" / "curate-pot.json").read_text())["outputs"]["rows"]
    assert curated["outputs"]["rows"] == cot_rows + pot_rows == 8  # hybrid is the union
    pot_lines = (finished / "pot" / "curate" / "train.jsonl").read_text().splitlines()
    assert all(json.loads(x)["instruction"].endswith("Let's write a program.") for x in pot_lines)
    assert (finished / "hybrid" / "export" / "model.gguf").stat().st_size > 1_000_000


def test_rerun_skips_and_a_changed_arm_reruns_only_its_stages(
    finished: Path, tmp_path: Path, data_dir: Path
) -> None:
    out = tmp_path / "out"
    shutil.copytree(finished, out)
    data = tiny_spec()
    spec = load_spec(write_spec(tmp_path / "spec.yaml", data))
    # the copied records hold the same hashes: nothing runs again
    assert set(run_experiment(spec, out, data_dir=str(data_dir)).values()) == {"skipped"}
    data["arms"]["pot"]["train"] = {"max_steps": 2}
    changed = load_spec(write_spec(tmp_path / "spec.yaml", data))
    ran = {k for k, v in run_experiment(changed, out, data_dir=str(data_dir)).items() if v != "skipped"}
    assert ran == {"train:pot", "export:pot", "eval:pot:cot", "eval:pot:pot", "eval:pot:hybrid", "compare"}
    assert json.loads((out / "stages" / "train-pot.json").read_text())["outputs"]["global_step"] == 2
    before, after = table_of(finished), table_of(out)
    keep = [i for i, r in enumerate(before["runs"]) if not r["label"].startswith("pot ")]
    assert [before["runs"][i] for i in keep] == [after["runs"][i] for i in keep]


def test_cli_status_and_plan(finished: Path, tmp_path: Path, capsys) -> None:
    from mammoth_math.cli import main

    assert main(["experiment", "status", str(finished)]) == 0
    captured = capsys.readouterr()
    lines = {line.split()[0]: line.split() for line in captured.out.splitlines()[2:]}
    assert set(lines) == STAGES and all(parts[1] == "done" for parts in lines.values())
    assert "19 of 19 stages done; 0 to go" in captured.err
    spec = write_spec(tmp_path / "spec.yaml", tiny_spec())
    assert main(["experiment", "plan", str(spec)]) == 0
    out = capsys.readouterr().out
    assert "train:hybrid" in out and "4 steps" in out and out.splitlines()[-1].startswith("total")
    assert main(["experiment", "status", str(tmp_path)]) == 2
    assert "not an experiment folder" in capsys.readouterr().err


def test_only_runs_one_piece_and_needs_its_inputs(tmp_path: Path, data_dir: Path) -> None:
    spec = load_spec(write_spec(tmp_path / "spec.yaml", tiny_spec()))
    assert run_experiment(spec, tmp_path / "out", only="curate:cot", data_dir=str(data_dir)) == {
        "curate:cot": "ran"
    }
    with pytest.raises(SpecError, match=r"export:cot: needs train:cot first"):
        run_experiment(spec, tmp_path / "out", only="export:cot", data_dir=str(data_dir))
    with pytest.raises(SpecError, match="no such stage"):
        run_experiment(spec, tmp_path / "out", only="train:nope")
    states = {r["stage"]: r["state"] for r in status(tmp_path / "out")}
    assert states["curate:cot"] == "done" and states["train:cot"] == "pending"


def test_plan_orders_stages_and_estimates(tmp_path: Path) -> None:
    spec = load_spec(write_spec(tmp_path / "spec.yaml", tiny_spec()))
    plan = build_plan(spec, tmp_path / "out")
    ids = [s.id for s in plan]
    assert ids.index("curate:hybrid") > ids.index("curate:pot") and ids[-1] == "compare"
    assert ids.index("eval:cot:pot") < ids.index("eval:cot:cot") < ids.index("eval:cot:hybrid")
    train = next(s for s in plan if s.id == "train:cot")
    assert train.info["steps"] == 4 and train.estimate_s == pytest.approx(4 * 4 * 0.1)
    # 4 problems x (16 tokens / 200 tok/s + 0.5 s prompt) for cot (max_tokens caps the 200 tokens)
    cot = next(s for s in plan if s.id == "eval:cot:cot")
    assert cot.estimate_s == pytest.approx(4 * (16 / 200 + 0.5))


def _mutate(path: str, value):
    def apply(root):
        keys = path.split(".")
        d = root
        for k in keys[:-1]:
            d = d[k]
        if value is KeyError:
            del d[keys[-1]]
        else:
            d[keys[-1]] = value
        return root

    return apply


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        ("base_model", KeyError, "base_model: required"),
        ("trian", {}, r"unknown key\(s\) \['trian'\]"),
        ("train.lora_rank", 4, r"spec\.yaml: train: unknown key 'lora_rank'"),
        ("train.learning_rate", "fast", r"spec\.yaml: train: learning_rate: expected float"),
        ("arms.pot.train", {"lora_rank": 2}, r"arms\.pot\.train: unknown key 'lora_rank'"),
        ("arms.pot.train", {"qlora": True, "lora": False}, r"arms\.pot\.train: qlora: needs lora=true"),
        ("arms.pot.train", {"output_dir": "x"}, r"arms\.pot\.train: \['output_dir'\] are set by the experiment"),
        ("arms.pot.mix.sources", [{"source": "gsm8k", "rationale": "both"}], r"arms\.pot\.mix: sources\[0\].*rationale"),
        ("arms.pot.mix.pot_trigger", [], r"arms\.pot\.mix.*pot_trigger"),
        ("arms.hybrid.union", ["cot", "nope"], r"arms\.hybrid\.union: no arm named 'nope'"),
        ("arms.base", {"train": False}, r"arms\.base\.model: the base model 'tiny-qwen2' cannot be evaluated"),
        ("arms.cot.recipe", "missing.yaml", r"arms\.cot: give either 'mix' or 'recipe'"),
        ("arms.Bad Arm", {"train": False}, r"arms\.Bad Arm: arm names"),
        ("eval.benchmarks", ["gsm8k", "gsm9k"], r"eval\.benchmarks: unknown benchmark\(s\) \['gsm9k'\]"),
        ("eval.modes", ["vote"], r"eval\.modes: unknown mode\(s\) \['vote'\]"),
        ("eval.limit", 0, r"eval\.limit: expected a positive integer"),
        ("eval.temperature", 0.7, r"eval: unknown key\(s\) \['temperature'\]"),
        ("export.type", "q4", r"export\.type: expected one of"),
        ("arms.cot.eval", {"prompt_style": "plain"}, r"arms\.cot\.eval\.prompt_style: expected alpaca or chat"),
    ],
)  # fmt: skip
def test_malformed_spec_fails_before_anything_runs_naming_the_key(
    tmp_path: Path, path: str, value, message: str
) -> None:
    data = _mutate(path, value)(tiny_spec())
    spec_file = write_spec(tmp_path / "spec.yaml", data)
    with pytest.raises(SpecError, match=message):
        load_spec(spec_file)
    from mammoth_math.cli import main

    assert main(["experiment", "run", str(spec_file), "--output", str(tmp_path / "out")]) == 2
    assert not (tmp_path / "out").exists()  # nothing ran, nothing was written


def test_base_arm_and_vllm_scale_spec_parse() -> None:
    data = tiny_spec()
    data["arms"]["base"] = {"train": False, "model": "smollm2"}
    spec = parse_spec(data, "spec.yaml")
    base = spec.arm("base")
    assert not base.trains and base.model == "smollm2"
    plan = build_plan(spec, Path("/tmp/x"))
    evals = [s for s in plan if s.arm == "base"]
    assert [s.kind for s in evals] == ["eval"] * 3 and all(not s.deps for s in evals)


REPO = Path(__file__).resolve().parents[2]


def test_shipped_recipes_parse_and_the_cpu_one_fits_its_budget() -> None:
    cpu = load_spec(REPO / "recipes" / "experiments" / "hybrid_ablation_cpu.yaml")
    assert [a.name for a in cpu.arms] == ["base", "cot", "pot", "hybrid", "hybrid-equal"]
    assert cpu.base_model == "qwen0.5b" and cpu.arm("hybrid").union == ("cot", "pot")
    assert cpu.train["lora"] is True and cpu.eval.limit >= 100 and len(cpu.eval.benchmarks) >= 4
    plan = build_plan(cpu, Path("/tmp/x"))
    assert max(s.estimate_s for s in plan) <= 2 * 3600  # no piece over ~2 h
    # the plan's figures are the ones measured: within a factor 2 of every finished stage's record (a
    # results commit that breaks this means `cost:` needs the new measurements)
    results = REPO / "docs" / "results" / "hybrid_ablation_cpu"
    checked = 0
    for stage in plan:
        if stage.kind == "eval" and stage.mode != "hybrid":
            summary_path = results / str(stage.arm) / f"eval-{stage.mode}" / "summary.json"
            if summary_path.is_file():
                summary = json.loads(summary_path.read_text())
                ratio = summary["seconds_per_sample"] / (stage.estimate_s / summary["overall"]["n"])
                assert 0.5 <= ratio <= 2, (stage.id, ratio)
                checked += 1
        elif stage.kind == "train" and (results / "stages" / f"train-{stage.arm}.json").is_file():
            record = json.loads((results / "stages" / f"train-{stage.arm}.json").read_text())
            assert 0.5 <= record["seconds"] / stage.estimate_s <= 2, stage.id
            checked += 1
    assert checked >= 4
    gpu = load_spec(REPO / "recipes" / "experiments" / "hybrid_ablation_7b.yaml")
    # MAmmoTH's hyperparameters come from recipes/train/, not a copy
    assert gpu.train["learning_rate"] == 2e-5 and gpu.train["effective_batch_size"] == 128
    assert gpu.export is None and gpu.eval.backend == "vllm" and gpu.eval.limit is None
    assert "model" not in gpu.train and "output_dir" not in gpu.train


def test_several_processes_may_only_train(tmp_path: Path, monkeypatch) -> None:
    spec = load_spec(write_spec(tmp_path / "spec.yaml", tiny_spec()))
    monkeypatch.setenv("WORLD_SIZE", "2")
    with pytest.raises(SpecError, match="--only train:ARM"):
        run_experiment(spec, tmp_path / "out")
    data = tiny_spec()
    data["train"]["output_dir"] = "x"
    with pytest.raises(SpecError, match=r"spec\.yaml: train: \['output_dir'\] are set by the experiment"):
        parse_spec(data, "spec.yaml")
