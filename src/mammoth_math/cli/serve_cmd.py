"""`mammoth-math serve`: the HTTP API and web page."""

from __future__ import annotations

import argparse
import logging

from mammoth_math.cli.common import add_unsafe_no_isolation
from mammoth_math.serve.config import ServeConfig


def add_arguments(parser: argparse.ArgumentParser) -> None:
    d = ServeConfig()
    parser.add_argument(
        "--model", default="default", help="model spec: smollm2, default, gguf:PATH, hf:NAME ..."
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: loopback only)")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--workers", type=int, default=d.solve_workers, help="concurrent solve calls")
    parser.add_argument("--queue", type=int, default=d.solve_queue, help="solve requests allowed to wait")
    parser.add_argument("--exec-workers", type=int, default=d.execute_workers, help="concurrent sandbox runs")
    parser.add_argument(
        "--exec-queue", type=int, default=d.execute_queue, help="sandbox runs allowed to wait"
    )
    parser.add_argument("--exec-timeout", type=float, default=5.0, help="seconds per sandboxed program")
    parser.add_argument("--max-tokens", type=int, default=d.default_max_tokens, help="default budget")
    parser.add_argument("--max-tokens-limit", type=int, default=d.max_tokens_limit)
    parser.add_argument("--max-question-chars", type=int, default=d.max_question_chars)
    parser.add_argument("--max-body-bytes", type=int, default=d.max_body_bytes)
    parser.add_argument(
        "--log-level", default="info", choices=["critical", "error", "warning", "info", "debug"]
    )
    add_unsafe_no_isolation(parser)


def run(args: argparse.Namespace) -> int:
    from mammoth_math.cli.common import fail
    from mammoth_math.serve.server import serve

    try:
        config = ServeConfig(
            solve_workers=args.workers,
            solve_queue=args.queue,
            execute_workers=args.exec_workers,
            execute_queue=args.exec_queue,
            default_max_tokens=args.max_tokens,
            max_tokens_limit=args.max_tokens_limit,
            max_question_chars=args.max_question_chars,
            max_body_bytes=args.max_body_bytes,
        )
    except ValueError as e:
        return fail(str(e))
    if args.exec_timeout <= 0:
        return fail(f"--exec-timeout {args.exec_timeout}: must be > 0")
    if not 0 <= args.port <= 65535:
        return fail(f"--port {args.port}: not a TCP port")
    logging.basicConfig(level=args.log_level.upper(), format="%(levelname)s %(name)s: %(message)s")
    from mammoth_math.api import SandboxUnavailable

    try:
        serve(
            args.model,
            args.host,
            args.port,
            config,
            log_level=args.log_level,
            exec_timeout=args.exec_timeout,
            unsafe_no_isolation=args.unsafe_no_isolation,
        )
    except SandboxUnavailable as e:
        return fail(str(e))
    return 0
