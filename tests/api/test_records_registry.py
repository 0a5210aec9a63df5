"""Contracts: every record survives a JSON round trip; the registry's errors and plugin entry points."""

from __future__ import annotations

import json
import sys
import textwrap
from pathlib import Path

import pytest

from mammoth_math.api import (
    AnswerType,
    Completion,
    ExecStatus,
    Execution,
    Generation,
    Judgement,
    Problem,
    Registry,
    RegistryError,
    SampleResult,
    SamplingParams,
    SolveResult,
    TrainingExample,
    from_dict,
    to_dict,
)

EXECUTION = Execution(ExecStatus.OK, answer="4", stdout="4\n", seconds=0.01)
SOLVE = SolveResult(
    "q", "pot", "4", program="print(4)", execution=EXECUTION, raw=("```python...",), prompts=("p",)
)
RECORDS = [
    Problem("gsm8k-0", "gsm8k", "What is 2+2?", "4", AnswerType.NUMBER, metadata={"index": 0}),
    Problem("aqua-1", "aqua", "Pick", "B", AnswerType.CHOICE, choices=("1", "2")),
    SamplingParams(temperature=0.7, stop=("\n\n",), n=3, seed=None),
    Generation(
        (Completion("a", 1, 2, "length"), Completion("", finish_reason="error", error="boom")), "m", 1.5
    ),
    EXECUTION,
    Execution(ExecStatus.REFUSED, error="IsolationUnavailable: x"),
    Judgement(True, "4", "equal", "program"),
    SOLVE,
    SampleResult(
        "gsm8k", "gsm8k-0", 0, "hybrid", "4", AnswerType.NUMBER, SOLVE, Judgement(True, "4", "equal"), True
    ),
    SampleResult(
        "gsm8k", "gsm8k-1", 1, "cot", "5", AnswerType.NUMBER, None, None, False, error="solve failed: x"
    ),
    TrainingExample("Solve. Let's write a program.", "print(1)", "gsm8k_pot", rationale="pot", gold="1"),
]


@pytest.mark.parametrize("record", RECORDS, ids=lambda r: type(r).__name__)
def test_json_round_trip(record: object) -> None:
    data = json.loads(json.dumps(to_dict(record)))
    assert from_dict(type(record), data) == record


def test_unknown_key_is_named() -> None:
    with pytest.raises((TypeError, ValueError), match="colour"):
        from_dict(Judgement, {"correct": True, "extracted": None, "reason": "equal", "colour": 1})


def test_registry_errors_name_the_known_entries() -> None:
    reg: Registry[int] = Registry("widget")
    reg.add("a", 1)
    reg.add("b", 2)
    with pytest.raises(RegistryError, match="unknown widget 'c'; known: a, b"):
        reg.get("c")
    with pytest.raises(ValueError, match="registered twice"):
        reg.add("a", 3)
    assert reg.names() == ["a", "b"] and "a" in reg and list(reg) == ["a", "b"]


def test_plugins_register_through_entry_points(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An installed package (here a dist-info folder on sys.path) adds an entry without our code."""
    group = "mammoth_math.test_widgets"
    (tmp_path / "widget_plugin.py").write_text(
        textwrap.dedent("""
        from mammoth_math.api.registry import Registry
        import builtins
        builtins._mm_test_registry.add("from_plugin", 42)
        """)
    )
    info = tmp_path / "widget_plugin-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: widget-plugin\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text(f"[{group}]\nwidget = widget_plugin\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    reg: Registry[int] = Registry("widget", entry_point_group=group)
    import builtins

    monkeypatch.setattr(builtins, "_mm_test_registry", reg, raising=False)
    assert reg.get("from_plugin") == 42
    sys.modules.pop("widget_plugin", None)
