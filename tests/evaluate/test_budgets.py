"""Generation budgets come from the benchmark (per path), --max-tokens overrides them, and the summary
counts generations cut by their budget, warning when they are more than a few percent."""

from __future__ import annotations

from pathlib import Path

from mammoth_math.evaluate import EvalConfig, run_eval
from mammoth_math.evaluate.summary import truncation_warnings
from mammoth_math.execute import Sandbox, SandboxConfig
from mammoth_math.generate.scripted import ScriptedBackend

# 600 "tokens" of chain of thought: over the usual 512, under MATH's 1024
LONG_COT = " ".join(["step"] * 599) + " 7"
RULES = [
    {"match": "step by step", "texts": [LONG_COT], "completion_tokens": 600},
    {"match": None, "texts": ["```python\nprint(7)\n```"], "completion_tokens": 10},
]


def test_budgets_per_benchmark_and_path() -> None:
    assert EvalConfig().budgets("math") == {"cot": 1024, "pot": 512}
    assert EvalConfig().budgets("math500") == {"cot": 1024, "pot": 512}
    assert EvalConfig().budgets("gsm8k") == {"cot": 512, "pot": 512}
    assert EvalConfig(max_tokens=300).budgets("math") == {"cot": 300, "pot": 300}


def test_truncation_is_counted_per_benchmark_and_path(tmp_path: Path, data_dir: Path) -> None:
    backend = ScriptedBackend(rules=RULES)
    config = EvalConfig(model="scripted", benchmarks=("gsm8k", "math"), mode="cot", limit=3)
    with Sandbox(SandboxConfig(timeout=3, workers=1)) as sandbox:
        summary = run_eval(config, tmp_path / "run", data_dir=str(data_dir), backend=backend,
                           executor=sandbox, cache_dir=tmp_path / "cache", progress=False)  # fmt: skip
    gsm8k, math = summary["benchmarks"]["gsm8k"], summary["benchmarks"]["math"]
    assert (gsm8k["truncated"], gsm8k["truncated_by_path"], gsm8k["max_tokens"]["cot"]) == (
        3,
        {"cot": 3},
        512,
    )
    assert (math["truncated"], math["max_tokens"]["cot"]) == (0, 1024)
    assert summary["overall"]["truncated"] == 3
    assert gsm8k["no_answer_rate"] == 1.0  # a cut response's last number is not taken as its answer
    warnings = truncation_warnings(summary)
    assert len(warnings) == 1 and warnings[0].startswith("gsm8k: 3 of 3 samples ended at the token budget")


def test_override_applies_to_every_path(tmp_path: Path, data_dir: Path) -> None:
    backend = ScriptedBackend(rules=RULES)
    config = EvalConfig(model="scripted", benchmarks=("math",), mode="hybrid", limit=2, max_tokens=5)
    with Sandbox(SandboxConfig(timeout=3, workers=1)) as sandbox:
        summary = run_eval(config, tmp_path / "run", data_dir=str(data_dir), backend=backend,
                           executor=sandbox, cache_dir=tmp_path / "cache", progress=False)  # fmt: skip
    assert summary["max_tokens"] == 5
    assert summary["benchmarks"]["math"]["truncated_by_path"] == {"pot": 2, "cot": 2}
