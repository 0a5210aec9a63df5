"""Time the full curation of GSM8K train (CoT + derived PoT) + MATH train + MathQA and print the figures.

MAMMOTH_DATA_DIR=../shared .venv/bin/python benchmarks/bench_curate.py [OUTPUT_DIR]
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from mammoth_math.curate import build, load_recipe

REPO = Path(__file__).resolve().parents[1]


def main() -> None:
    out = sys.argv[1] if len(sys.argv) > 1 else "/tmp/curate_bench"
    t = time.perf_counter()
    card = build(load_recipe(REPO / "recipes" / "mathinstruct.yaml"), out)
    total = time.perf_counter() - t
    figures = {k: card[k] for k in ("rows", "rows_per_source", "dropped", "dropped_per_source", "seconds")}
    print(json.dumps({**figures, "total_seconds": round(total, 1)}, indent=2))


if __name__ == "__main__":
    main()
