"""`mammoth-math solve "QUESTION"`: answer one question with cot, pot or hybrid."""

from __future__ import annotations

import argparse
import sys

from mammoth_math.api import AnswerType, SamplingParams, SandboxUnavailable
from mammoth_math.cli.common import add_deprecated, add_model, add_sandbox_options


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("question", help="the question (use - to read it from stdin)")
    add_model(parser)
    parser.add_argument("--mode", default="hybrid", help="a registered strategy: cot, pot, hybrid (default)")
    parser.add_argument(
        "--prompt-style",
        default="chat",
        choices=("chat", "alpaca"),
        help="chat template (instruct models) or MAmmoTH's Alpaca template",
    )
    parser.add_argument("--shots", type=int, default=0, help="few-shot exemplars to include")
    parser.add_argument("--answer-type", default="number", choices=[t.value for t in AnswerType])
    parser.add_argument(
        "--choice", action="append", default=[], metavar="TEXT", help="an answer choice (repeat: A, B, ...)"
    )
    parser.add_argument("--max-tokens", type=int, default=512)
    parser.add_argument("--temperature", type=float, default=0.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", action="store_true", help="print one JSON object (the HTTP API's shape)")
    add_sandbox_options(parser, workers=None, reuse=False)
    add_deprecated(parser, "--timeout", "--exec-timeout", "exec_timeout", type=float)
    parser.add_argument("--no-stream", action="store_true", help="do not stream tokens to the terminal")


def run(args: argparse.Namespace) -> int:
    from mammoth_math.api import RegistryError
    from mammoth_math.cli.common import fail, print_json
    from mammoth_math.execute import Sandbox, SandboxConfig
    from mammoth_math.generate import GenerateError, load_backend
    from mammoth_math.solve import STRATEGIES, Solver, describe, public_dict, require_executor

    if args.mode not in STRATEGIES:
        return fail(f"unknown strategy {args.mode!r}; known: {', '.join(STRATEGIES.names())}")
    question = sys.stdin.read() if args.question == "-" else args.question
    if not question.strip():
        return fail("the question is empty")
    answer_type = AnswerType.CHOICE if args.choice else AnswerType(args.answer_type)
    params = SamplingParams(temperature=args.temperature, max_tokens=args.max_tokens, seed=args.seed)
    stream = sys.stdout.isatty() and not args.json and not args.no_stream
    from mammoth_math.evaluate import EvalError, parse_options

    sandbox = Sandbox(
        SandboxConfig(
            timeout=args.exec_timeout,
            workers=1,
            memory_mb=args.memory_mb,
            unsafe_no_isolation=args.unsafe_no_isolation,
        )
    )
    try:
        require_executor(sandbox, [args.mode])  # before the model loads: no silent CoT answer
    except SandboxUnavailable as e:
        sandbox.close()
        return fail(str(e))
    try:
        backend = load_backend(args.model, **parse_options(args.model_option))
    except EvalError as e:
        sandbox.close()
        return fail(str(e))
    except (GenerateError, RegistryError, ValueError, FileNotFoundError, TypeError) as e:
        sandbox.close()
        return fail(f"--model {args.model}: {e}")
    try:
        with sandbox:
            solver = Solver(
                backend,
                sandbox,
                mode=args.mode,
                prompt_style=args.prompt_style,
                shots=args.shots,
                params=params,
            )
            on_token = (lambda t: (sys.stdout.write(t), sys.stdout.flush())) if stream else None
            result = solver.solve(question, answer_type, tuple(args.choice), on_token=on_token)
    except (RegistryError, ValueError, SandboxUnavailable) as e:
        return fail(str(e))
    finally:
        backend.close()
    if args.json:
        print_json(public_dict(result, answer_type))
    else:
        print(describe(result, answer_type))
    return 0 if result.answer is not None else 1
