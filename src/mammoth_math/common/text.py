"""Plain-text output shared by the CLI and the reports."""

from __future__ import annotations

from typing import Any


def text_table(rows: list[dict[str, Any]], columns: list[str]) -> str:
    """A fixed-width table: a header, a rule, one line per row (missing cells blank)."""
    cells = [[str(r.get(c, "")) for c in columns] for r in rows]
    widths = [max([len(c)] + [len(row[i]) for row in cells]) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)) for row in cells]
    return "\n".join(lines)
