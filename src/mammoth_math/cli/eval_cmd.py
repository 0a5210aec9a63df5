"""`mammoth-math eval`: evaluate a model on benchmarks; `eval merge DIR...`: join shards;
`eval compare [LABEL=]DIR...`: the ablation table (accuracy with 95% CIs, paired differences)."""

from __future__ import annotations

import argparse
import sys

from mammoth_math.cli.common import add_data_dir, add_model, add_output, add_sandbox_options


def add_arguments(parser: argparse.ArgumentParser) -> None:
    # `eval [run] OPTIONS` evaluates; `eval merge` and `eval compare` are subcommands of their own
    _add_run_options(parser)
    sub = parser.add_subparsers(dest="action", metavar="[run | merge | compare]")
    parser.set_defaults(action="run")
    _add_run_options(sub.add_parser("run", help="evaluate a model (the default)"))
    m = sub.add_parser("merge", help="join the shard folders of one run")
    m.add_argument("dirs", nargs="+", help="the shard output folders")
    add_output(m, "folder the merged run is written to", required=True)
    c = sub.add_parser("compare", help="the ablation table over finished runs (95%% CIs, paired differences)")
    c.add_argument("dirs", nargs="+", help="run folders, each DIR or LABEL=DIR")
    c.add_argument("--baseline", default=None, help="the run differences are shown against")
    add_output(c, "folder compare.json and report.html are written to", required=True)


def _add_run_options(parser: argparse.ArgumentParser) -> None:
    add_model(parser)
    parser.add_argument("--benchmarks", default="gsm8k", help="comma-separated benchmark names")
    parser.add_argument("--mode", default="hybrid", help="a registered strategy (cot, pot, hybrid) or vote")
    parser.add_argument("--vote-modes", default="cot,pot", help="vote: modes the samples alternate between")
    parser.add_argument("--prompt-style", default="chat", choices=("chat", "alpaca"))
    parser.add_argument("--shots", type=int, default=0)
    parser.add_argument("--samples", type=int, default=1, help="samples per problem (maj@N, pass@k when > 1)")
    parser.add_argument("--limit", type=int, default=None, help="first N problems of each benchmark")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--temperature", type=float, default=None, help="default 0, or 0.7 with --samples > 1"
    )
    parser.add_argument("--top-p", type=float, default=1.0)
    parser.add_argument(
        "--max-tokens",
        type=int,
        default=None,
        help="generation budget for every benchmark and path (default: each benchmark's: 1024 for "
        "MATH chain of thought, else 512)",
    )
    add_output(parser, "run folder (default runs/<model>-<mode>)")
    parser.add_argument("--resume", action="store_true", help="continue the run in --output")
    parser.add_argument("--num-shards", type=int, default=1)
    parser.add_argument("--shard-index", type=int, default=0)
    parser.add_argument("--batch-size", type=int, default=4, help="problems per backend call")
    parser.add_argument(
        "--workers",
        type=int,
        default=2,
        help="batches in flight (overlaps generation with sandbox and grading)",
    )
    add_sandbox_options(parser)
    parser.add_argument(
        "--cache-dir",
        default=None,
        help="generation cache (default $MAMMOTH_CACHE_DIR or ~/.cache/mammoth-math)",
    )
    parser.add_argument("--no-progress", action="store_true")
    add_data_dir(parser)


def run(args: argparse.Namespace) -> int:
    from mammoth_math.api import RegistryError
    from mammoth_math.benchmarks import DataError
    from mammoth_math.cli.common import fail
    from mammoth_math.evaluate import EvalConfig, EvalError, format_table, merge_runs, parse_options, run_eval
    from mammoth_math.generate import GenerateError

    try:
        if args.action == "compare":
            return _compare(args)
        if args.action == "merge":
            summary = merge_runs(args.dirs, args.output)
            output = args.output
        else:
            config = EvalConfig(
                model=args.model,
                benchmarks=tuple(b.strip() for b in args.benchmarks.split(",") if b.strip()),
                mode=args.mode,
                vote_modes=tuple(m.strip() for m in args.vote_modes.split(",") if m.strip()),
                prompt_style=args.prompt_style,
                shots=args.shots,
                samples=args.samples,
                limit=args.limit,
                seed=args.seed,
                temperature=args.temperature,
                top_p=args.top_p,
                max_tokens=args.max_tokens,
                num_shards=args.num_shards,
                shard_index=args.shard_index,
                batch_size=args.batch_size,
                workers=args.workers,
                exec_timeout=args.exec_timeout,
                exec_workers=args.exec_workers,
                memory_mb=args.memory_mb,
                exec_reuse=args.exec_reuse,
                unsafe_no_isolation=args.unsafe_no_isolation,
                backend_options=parse_options(args.model_option),
            )
            safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in args.model)[-60:]
            output = args.output or f"runs/{safe}-{args.mode}"
            summary = run_eval(
                config,
                output,
                resume=args.resume,
                data_dir=args.data_dir,
                cache_dir=args.cache_dir,
                progress=not args.no_progress,
            )
    except (EvalError, DataError, RegistryError, GenerateError) as e:
        return fail(str(e))
    print(format_table(summary))
    from mammoth_math.evaluate.summary import truncation_warnings

    for line in truncation_warnings(summary):
        print(f"mammoth-math eval: warning: {line}", file=sys.stderr)
    print(
        f"samples: {output}/samples.jsonl  summary: {output}/summary.json  report: {output}/report.html",
        file=sys.stderr,
    )
    return 0


def _compare(args: argparse.Namespace) -> int:
    from mammoth_math.evaluate.compare import compare_runs, format_compare

    result = compare_runs(args.dirs, args.output, baseline=args.baseline)
    print(format_compare(result, args.baseline))
    print(f"compare: {args.output}/compare.json  report: {args.output}/report.html", file=sys.stderr)
    return 0
