"""`mammoth-math`: one subcommand per stage. Each subcommand is one module here exposing
`add_arguments(parser)` and `run(args) -> int`; it is imported only when invoked, so `grade` and `exec`
start without loading torch or llama.cpp."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from mammoth_math import __version__

# name -> (module under mammoth_math.cli, one-line help). Adding a subcommand = one file + one line.
COMMANDS: dict[str, tuple[str, str]] = {
    "benchmarks": ("benchmarks_cmd", "list and show registered benchmarks"),
    "exec": ("exec_cmd", "run programs from a JSONL file in the sandbox"),
    "grade": ("grade_cmd", "extract answers and judge them against golds"),
    "solve": ("solve_cmd", "answer one question (cot, pot or hybrid)"),
    "eval": ("eval_cmd", "evaluate a model on benchmarks"),
    "curate": ("curate_cmd", "build and audit MathInstruct-style training data"),
    "train": ("train_cmd", "supervised fine-tuning"),
    "export": ("export_cmd", "export a model: trained weights -> GGUF, or a GGUF -> an HF directory"),
    "experiment": ("experiment_cmd", "run an ablation: curate -> train -> export -> eval -> compare"),
    "serve": ("serve_cmd", "HTTP API and web page"),
}


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mammoth-math", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"mammoth-math {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (module_name, help_text) in COMMANDS.items():
        sp = sub.add_parser(name, help=help_text, description=help_text)
        if name == only:
            module = importlib.import_module(f"mammoth_math.cli.{module_name}")
            module.add_arguments(sp)
            sp.set_defaults(_module=module)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    command = next((a for a in argv if not a.startswith("-")), None)
    parser = build_parser(command if command in COMMANDS else None)
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return 2
    try:
        return int(args._module.run(args) or 0)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
