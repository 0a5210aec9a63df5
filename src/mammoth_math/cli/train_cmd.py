"""`mammoth-math train --config CONFIG.yaml [key=value ...]`: supervised fine-tuning (see docs/train.md)."""

from __future__ import annotations

import argparse

from mammoth_math.cli.common import fail, print_json


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--config", default=None, help="YAML recipe (recipes/train/*.yaml); keys as in docs/train.md"
    )
    parser.add_argument(
        "overrides",
        nargs="*",
        metavar="KEY=VALUE",
        help="override config keys, e.g. data=runs/mix/train.jsonl max_steps=50",
    )
    parser.add_argument(
        "--resume", action="store_true", help="continue from the last checkpoint in output_dir"
    )
    parser.add_argument(
        "--print-config", action="store_true", help="print the resolved config as JSON and exit"
    )


def run(args: argparse.Namespace) -> int:
    # Only the config module here: torch/transformers load inside train(), after the config is valid.
    from mammoth_math.train.config import ConfigError, load_config
    from mammoth_math.train.data import TrainDataError

    overrides = list(args.overrides) + (["resume=true"] if args.resume else [])
    try:
        config = load_config(args.config, overrides)
        if args.print_config:
            print_json(config.to_dict())
            return 0
        from mammoth_math.train.recipe import train

        result = train(config)
    except (ConfigError, TrainDataError, FileNotFoundError) as e:
        return fail(str(e))
    if not result.main_process:
        return 0  # one line per run, not one per rank
    first = result.losses[0][1] if result.losses else float("nan")
    last = result.losses[-1][1] if result.losses else float("nan")
    print(
        f"trained {result.global_step} steps in {result.runtime_s:.1f}s "
        f"(loss {first:.3f} -> {last:.3f}); model in {result.output_dir}"
        + (f"; resumed from {result.resumed_from}" if result.resumed_from else "")
    )
    return 0
