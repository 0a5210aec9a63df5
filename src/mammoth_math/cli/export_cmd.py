"""`mammoth-math export gguf --model DIR --output FILE.gguf [--type f16|q8_0|f32]`;
`mammoth-math export hf --model gguf:FILE --output DIR [--dtype float32|bfloat16|float16]`."""

from __future__ import annotations

import argparse
import json

from mammoth_math.cli.common import add_output


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="format", metavar="FORMAT", required=True)
    g = sub.add_parser("gguf", help="merged weights + the base model's tokenizer -> one GGUF file")
    g.add_argument("--model", required=True, help="a model directory written by `mammoth-math train`")
    add_output(g, "the .gguf file to write", required=True)
    g.add_argument("--type", default="f16", choices=("f16", "q8_0", "f32"), help="weight type (default f16)")
    g.add_argument(
        "--tokenizer-gguf",
        default=None,
        help="GGUF of the base model to copy the tokenizer from (default: the one training read)",
    )
    h = sub.add_parser("hf", help="a GGUF -> an HF model directory (dequantized), e.g. for vLLM")
    h.add_argument("--model", required=True, help="gguf:FILE.gguf (or smollm2)")
    add_output(h, "the model directory to write (new or empty)", required=True)
    h.add_argument(
        "--dtype",
        default="float32",
        help="weight dtype: float32 (default: the dequantized values exactly), bfloat16 or float16",
    )


def run(args: argparse.Namespace) -> int:
    from mammoth_math.cli.common import fail
    from mammoth_math.export import ExportError, export_gguf, export_hf

    try:
        if args.format == "hf":
            info = export_hf(args.model, args.output, dtype=args.dtype)
        else:
            info = export_gguf(args.model, args.output, type=args.type, tokenizer_gguf=args.tokenizer_gguf)
    except (ExportError, FileNotFoundError) as e:
        return fail(str(e))
    print(json.dumps(info))
    return 0
