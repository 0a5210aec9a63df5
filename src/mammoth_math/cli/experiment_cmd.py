"""`mammoth-math experiment run SPEC.yaml --output DIR [--only STAGE[:ARM]]`, `experiment plan SPEC.yaml`,
`experiment status DIR` (see docs/experiment.md)."""

from __future__ import annotations

import argparse
import sys

from mammoth_math.cli.common import add_data_dir, add_output, fail, table


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    r = sub.add_parser("run", help="run (or continue) every stage not yet done with the same inputs")
    r.add_argument("spec", help="experiment spec YAML (recipes/experiments/)")
    add_output(r, "experiment folder", required=True)
    r.add_argument(
        "--only", default=None, metavar="STAGE[:ARM]", help="one piece: curate, train, export, eval, compare"
    )
    r.add_argument(
        "--results",
        default=None,
        metavar="DIR",
        help="keep every finished stage's small files here (records, cards, summaries, samples, the "
        "table) and take over the stages finished there: how a run of hours continues on another "
        "machine or a fresh checkout (e.g. docs/results/NAME, committed as stages finish)",
    )
    add_data_dir(r)
    p = sub.add_parser("plan", help="the stages and their estimated cost, without running anything")
    p.add_argument("spec")
    add_output(p, "folder the stages would write to", default="runs/experiment")
    s = sub.add_parser("status", help="what is done, what remains, with times")
    s.add_argument("dir")


def run(args: argparse.Namespace) -> int:
    from mammoth_math.api import RegistryError
    from mammoth_math.benchmarks import DataError
    from mammoth_math.evaluate import EvalError
    from mammoth_math.experiment import SpecError
    from mammoth_math.export import ExportError
    from mammoth_math.generate import GenerateError
    from mammoth_math.train import ConfigError, TrainDataError

    errors = (
        SpecError,
        DataError,
        RegistryError,
        EvalError,
        ExportError,
        ConfigError,
        TrainDataError,
        GenerateError,
    )
    try:
        return {"run": _run, "plan": _plan, "status": _status}[args.action](args)
    except errors as e:
        return fail(str(e))


def _run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from mammoth_math.experiment import format_plan, load_spec, run_experiment
    from mammoth_math.experiment.plan import build_plan

    spec = load_spec(args.spec)  # every key checked before anything runs
    print(format_plan(build_plan(spec, Path(args.output)), spec.cost["piece_hours"]), file=sys.stderr)
    done = run_experiment(spec, args.output, only=args.only, data_dir=args.data_dir, results=args.results)
    for stage, what in done.items():
        print(f"{stage}: {what}", file=sys.stderr)
    compare = Path(args.output) / "compare.txt"
    if compare.is_file() and (args.only is None or args.only.startswith("compare")):
        print(compare.read_text(encoding="utf-8"), end="")
        print(f"table: {compare}  report: {Path(args.output) / 'report.html'}", file=sys.stderr)
    return 0


def _plan(args: argparse.Namespace) -> int:
    from pathlib import Path

    from mammoth_math.experiment import build_plan, format_plan, load_spec

    spec = load_spec(args.spec)
    print(format_plan(build_plan(spec, Path(args.output)), spec.cost["piece_hours"]))
    return 0


def _status(args: argparse.Namespace) -> int:
    from mammoth_math.experiment import status

    rows = status(args.dir)
    for r in rows:
        r["seconds"] = "" if r["seconds"] is None else f"{r['seconds']:.0f}"
        r["estimate"] = f"{r.pop('estimate_s') / 60:.1f} min"
        r["from"] = "results" if r.pop("restored") else ""
    print(table(rows, ["stage", "state", "seconds", "estimate", "started", "finished", "from"]))
    left = sum(1 for r in rows if r["state"] != "done")
    print(f"{len(rows) - left} of {len(rows)} stages done; {left} to go", file=sys.stderr)
    return 0
