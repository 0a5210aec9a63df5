"""`mammoth-math exec INPUT.jsonl [--output OUT.jsonl]`: run programs from a JSONL file in the sandbox.

Each input line is {"id": ..., "code": "..."}; each output line is {"id", "status", "answer", "stdout",
"stderr", "error", "seconds"}, in input order. A bad line gets an error record of its own (status
"refused", the error naming the line) and the rest of the batch still runs.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from typing import Any

from mammoth_math.api.records import ExecStatus, to_dict
from mammoth_math.cli.common import add_deprecated, add_output, add_sandbox_options, fail
from mammoth_math.common.store import BadLine, parse_jsonl

_CHUNK = 1024


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("input", help='JSONL file of {"id": ..., "code": "..."} lines ("-" for stdin)')
    add_output(parser, "JSONL file the results are written to (default: stdout)")
    add_sandbox_options(parser)
    parser.add_argument("--max-output-bytes", type=int, default=65536, help="stdout/stderr cap")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
    # the spellings before the shared vocabulary (one release)
    add_deprecated(parser, "--timeout", "--exec-timeout", "exec_timeout", type=float)
    add_deprecated(parser, "--workers", "--exec-workers", "exec_workers", type=int)
    add_deprecated(parser, "--reuse", "--exec-reuse", "exec_reuse", type=int)


def _parse(lines: list[str], source: str) -> list[tuple[Any, str | None, str | None]]:
    """(id, code, error) per non-blank line; error names the file and line."""
    items: list[tuple[Any, str | None, str | None]] = []
    for number, obj in parse_jsonl(lines):
        where = f"{source}:{number}"
        if isinstance(obj, BadLine):
            items.append((None, None, f"BadInput: {where}: {obj}"))
            continue
        if not isinstance(obj, dict):
            items.append((None, None, f"BadInput: {where}: expected an object"))
            continue
        code = obj.get("code")
        item_id = obj.get("id", number)
        if not isinstance(code, str):
            items.append((item_id, None, f"BadInput: {where}: missing or non-string field 'code'"))
            continue
        items.append((item_id, code, None))
    return items


def run(args: argparse.Namespace) -> int:
    from mammoth_math.execute import Sandbox, SandboxConfig

    try:
        if args.input == "-":
            lines, source = sys.stdin.read().splitlines(), "<stdin>"
        else:
            with open(args.input, encoding="utf-8") as f:
                lines, source = f.read().splitlines(), args.input
    except (OSError, UnicodeDecodeError) as e:
        return fail(f"cannot read {args.input}: {e}")
    try:
        config = SandboxConfig(
            timeout=args.exec_timeout,
            memory_mb=args.memory_mb,
            workers=args.exec_workers,
            max_output_bytes=args.max_output_bytes,
            unsafe_no_isolation=args.unsafe_no_isolation,
            reuse_workers=args.exec_reuse,
        )
    except ValueError as e:
        return fail(str(e))
    from tqdm import tqdm

    items = _parse(lines, source)
    refused = 0
    # disable=None: a bar only when stderr is a terminal
    bar = tqdm(total=len(items), desc="exec", unit="program", disable=True if args.no_progress else None)
    with bar, contextlib.ExitStack() as stack:
        out = stack.enter_context(open(args.output, "w", encoding="utf-8")) if args.output else sys.stdout
        sandbox = stack.enter_context(Sandbox(config))
        # chunks: results already run are on disk even if a later chunk is interrupted
        for start in range(0, len(items), _CHUNK):
            chunk = items[start : start + _CHUNK]
            results = iter(sandbox.run([code for _, code, _ in chunk if code is not None]))
            for item_id, code, error in chunk:
                if code is None:
                    row: dict[str, Any] = {"id": item_id, "status": ExecStatus.REFUSED.value}
                    row.update({"answer": None, "stdout": "", "stderr": "", "error": error})
                    row["seconds"] = 0.0
                else:
                    row = {"id": item_id, **to_dict(next(results))}
                refused += row["status"] == ExecStatus.REFUSED.value
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
            out.flush()
            bar.update(len(chunk))
    if refused:
        print(f"mammoth-math exec: {refused} of {len(items)} program(s) refused", file=sys.stderr)
    return 0
