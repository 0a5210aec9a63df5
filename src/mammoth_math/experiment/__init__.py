"""Experiment: a thin, resumable driver over the stages' public APIs — curate -> train -> export -> eval
-> compare, per arm (see docs/experiment.md). Each stage's record says what it ran with; re-running
skips unchanged stages and resumes the interrupted one."""

from mammoth_math.experiment.driver import load_run_spec, run_experiment, status
from mammoth_math.experiment.plan import Stage, build_plan, format_plan, select
from mammoth_math.experiment.spec import Arm, EvalSpec, Spec, SpecError, load_spec, parse_spec

__all__ = [
    "Arm",
    "EvalSpec",
    "Spec",
    "SpecError",
    "Stage",
    "build_plan",
    "format_plan",
    "load_run_spec",
    "load_spec",
    "parse_spec",
    "run_experiment",
    "select",
    "status",
]
