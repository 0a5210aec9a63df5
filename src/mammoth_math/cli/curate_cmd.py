"""`mammoth-math curate sources|build|synthesize|audit`."""

from __future__ import annotations

import argparse
import json

from mammoth_math.cli.common import (
    add_data_dir,
    add_deprecated,
    add_model,
    add_output,
    add_sandbox_options,
    fail,
    table,
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    sub.add_parser("sources", help="list registered training sources")
    b = sub.add_parser("build", help="build DIR/train.jsonl + card from a recipe")
    b.add_argument("--recipe", required=True, help="recipe YAML (see recipes/)")
    add_output(b, "folder train.jsonl and the card are written to", required=True)
    add_data_dir(b)
    s = sub.add_parser("synthesize", help="teacher rejection sampling into a JSONL (resumable)")
    add_model(s, default=None, what="teacher model")
    add_deprecated(s, "--teacher", "--model", "model")
    s.add_argument("--source", required=True, help="a registered source providing problems")
    s.add_argument("--mode", choices=["pot", "cot"], default="pot")
    s.add_argument("--samples", type=int, default=4, help="K rationales sampled per problem")
    s.add_argument("--limit", type=int, default=None, help="at most this many problems")
    s.add_argument("--path", default=None, help="input file for file sources")
    s.add_argument("--temperature", type=float, default=0.7)
    s.add_argument("--max-tokens", type=int, default=512)
    add_output(s, "JSONL the accepted rows are appended to", required=True)
    add_sandbox_options(s, reuse=False)
    s.add_argument("--resume", action="store_true", help="skip problem ids already in --output")
    add_data_dir(s)
    a = sub.add_parser("audit", help="re-execute, re-grade, dedup and leak-check a MathInstruct-format file")
    a.add_argument("file")
    add_output(a, "folder for the card (default audit_out)", default="audit_out")
    a.add_argument("--limit", type=int, default=None)
    add_data_dir(a)


def run(args: argparse.Namespace) -> int:
    from mammoth_math.api import RegistryError
    from mammoth_math.benchmarks import DataError
    from mammoth_math.curate.recipe import RecipeError

    try:
        return {"sources": _sources, "build": _build, "synthesize": _synth, "audit": _audit}[args.action](
            args
        )
    except (DataError, RegistryError, RecipeError, FileExistsError) as e:
        return fail(str(e))


def _sources(args: argparse.Namespace) -> int:
    from mammoth_math.curate.sources import get_source, source_names

    rows = []
    for name in source_names():
        spec = get_source(name)
        rows.append(
            {"name": name, "rationales": ",".join(spec.rationales) or "-", "description": spec.description}
        )
    print(table(rows, ["name", "rationales", "description"]))
    return 0


def _summary(card: dict) -> None:
    print(
        json.dumps(
            {k: card[k] for k in ("rows", "rows_per_source", "dropped", "sha256", "seconds") if k in card},
            indent=2,
        )
    )


def _build(args: argparse.Namespace) -> int:
    from mammoth_math.curate.build import build
    from mammoth_math.curate.recipe import load_recipe

    _summary(build(load_recipe(args.recipe), args.output, data_dir=args.data_dir))
    return 0


def _audit(args: argparse.Namespace) -> int:
    from mammoth_math.curate.build import audit

    _summary(audit(args.file, args.output, limit=args.limit))
    return 0


def _synth(args: argparse.Namespace) -> int:
    from pathlib import Path

    from mammoth_math.curate.sources import LoadOptions, get_source
    from mammoth_math.curate.synthesize import synthesize
    from mammoth_math.execute import Sandbox, SandboxConfig
    from mammoth_math.generate import load_backend

    opts = LoadOptions(Path(args.data_dir) if args.data_dir else None, args.limit, args.path)
    problems = get_source(args.source).load(opts)
    from mammoth_math.evaluate import parse_options

    backend = load_backend(args.model, **parse_options(args.model_option))
    sandbox = SandboxConfig(
        timeout=args.exec_timeout,
        memory_mb=args.memory_mb,
        workers=args.exec_workers,
        unsafe_no_isolation=args.unsafe_no_isolation,
    )
    try:
        with Sandbox(sandbox) as sb:
            stats = synthesize(
                problems, backend, sb, args.output, source=args.source, mode=args.mode, samples=args.samples,
                temperature=args.temperature, max_tokens=args.max_tokens, resume=args.resume,
            )  # fmt: skip
    finally:
        backend.close()
    print(json.dumps(stats))
    return 0
