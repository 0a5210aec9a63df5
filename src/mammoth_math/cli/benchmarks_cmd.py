"""`mammoth-math benchmarks list|show`."""

from __future__ import annotations

import argparse
import textwrap

from mammoth_math.api import RegistryError, to_dict
from mammoth_math.benchmarks import DataError, data_dir, get_spec, load_spec, load_user_spec, locate, names
from mammoth_math.cli.common import add_data_dir, fail, print_json, table


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    ls = sub.add_parser("list", help="name, size, source found, answer type")
    add_data_dir(ls)
    ls.add_argument("--json", action="store_true", help="one JSON object per benchmark")
    ls.add_argument(
        "--check-golds",
        action="store_true",
        help="count the problems whose gold the grader accepts (against itself and reformatted)",
    )
    show = sub.add_parser("show", help="print problems of one benchmark")
    show.add_argument("name", help="a registered benchmark, or a spec file (.yaml/.json) for your own")
    add_data_dir(show)
    show.add_argument("--limit", type=int, default=5)
    show.add_argument("--json", action="store_true", help="one JSON line per problem")
    show.add_argument("--skip-invalid", action="store_true", help="skip malformed rows and count them")


def run(args: argparse.Namespace) -> int:
    try:
        return _list(args) if args.action == "list" else _show(args)
    except (DataError, RegistryError) as e:
        return fail(str(e))


def _list(args: argparse.Namespace) -> int:
    root = data_dir(args.data_dir)
    rows = []
    for name in names():
        spec = get_spec(name)
        located = locate(spec, root)
        size: int | str = "-"
        gold_ok: int | str = "-"
        if located is not None and located.kind != "hub":
            loaded = load_spec(spec, args.data_dir, skip_invalid=True)
            size = len(loaded.problems)
            if args.check_golds:
                from mammoth_math.grade import gold_acceptable  # only here: grading loads sympy

                gold_ok = sum(gold_acceptable(p) for p in loaded.problems)
        row = {
            "name": name,
            "size": size,
            "answer_type": spec.answer_type.value,
            "domain": spec.domain,
            "source": located.describe() if located else "not found",
        }
        if args.check_golds:
            row["gold_acceptable"] = gold_ok
        if args.json:
            print_json(row)
        rows.append(row)
    if not args.json:
        columns = ["name", "size", "answer_type", "domain", "source"]
        print(table(rows, [*columns[:2], "gold_acceptable", *columns[2:]] if args.check_golds else columns))
    return 0


def _show(args: argparse.Namespace) -> int:
    is_file = args.name.endswith((".yaml", ".yml", ".json"))
    spec = load_user_spec(args.name) if is_file else get_spec(args.name)
    loaded = load_spec(spec, args.data_dir, limit=args.limit, skip_invalid=args.skip_invalid)
    for p in loaded.problems:
        if args.json:
            print_json(to_dict(p))
            continue
        print(f"[{p.id}] ({p.answer_type.value}) gold: {p.gold}")
        print(textwrap.indent(textwrap.fill(p.question, 100), "    "))
        for letter, choice in zip("ABCDE", p.choices, strict=False):
            print(f"      ({letter}) {choice}")
        print()
    if loaded.skipped:
        print(f"skipped {len(loaded.skipped)} invalid row(s):")
        for message in loaded.skipped[:10]:
            print(f"  {message}")
    return 0
