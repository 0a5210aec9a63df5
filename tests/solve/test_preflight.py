"""No silent degradation: a run whose programs cannot run stops, before or during generation.

The executor and backend here are scripted (our own logic around them is under test); the real
sandbox without namespaces is exercised end to end through the CLI in tests/evaluate/.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from mammoth_math.api import (
    ExecStatus,
    Execution,
    SandboxUnavailable,
    executor_unavailable,
)
from mammoth_math.evaluate import EvalConfig, EvalError, run_eval
from mammoth_math.generate.scripted import ScriptedBackend
from mammoth_math.solve import STRATEGIES, Solver, require_executor, runs_programs

PROGRAM = "```python\nprint(2 + 2)\n```"


def program_backend() -> ScriptedBackend:
    return ScriptedBackend(rules=[{"match": None, "texts": [PROGRAM], "completion_tokens": 5}])


class ScriptedExecutor:
    """Answers `ok` for the first `healthy` calls, then as a sandbox whose server is gone for good."""

    def __init__(
        self, healthy: int, error: str = "IsolationUnavailable: unshare: Operation not permitted"
    ) -> None:
        self.healthy = healthy
        self.error = error
        self.calls = 0

    def run(self, programs: Sequence[str]) -> list[Execution]:
        self.calls += 1
        if self.calls <= self.healthy:
            return [
                Execution(status=ExecStatus.OK, stdout="42\n" if "6 * 7" in p else "4\n", answer=None)
                for p in programs
            ]
        return [Execution(status=ExecStatus.REFUSED, error=self.error) for _ in programs]


@pytest.mark.parametrize(
    ("execution", "expected"),
    [
        (Execution(status=ExecStatus.REFUSED, error="IsolationUnavailable: no namespaces"), True),
        (
            Execution(status=ExecStatus.REFUSED, error="SandboxUnavailable: server exited during start-up"),
            True,
        ),
        (Execution(status=ExecStatus.KILLED, error="SandboxDied: the sandbox server exited"), True),
        (Execution(status=ExecStatus.REFUSED, error="EmptyProgram: no code to run"), False),
        (Execution(status=ExecStatus.KILLED, error="Killed: SIGSEGV"), False),
        (Execution(status=ExecStatus.ERROR, error="IsolationUnavailable"), False),  # the program's own error
        (Execution(status=ExecStatus.OK, stdout="1"), False),
    ],
)
def test_executor_unavailable(execution: Execution, expected: bool) -> None:
    assert executor_unavailable(execution) is expected


def test_which_strategies_run_programs() -> None:
    assert runs_programs("pot") and runs_programs("hybrid")
    assert not runs_programs("cot")


def test_a_plugin_strategy_is_assumed_to_run_programs() -> None:
    STRATEGIES.add("test_plugin_mode", lambda solver, tasks, params: [])
    try:
        assert runs_programs("test_plugin_mode")
    finally:
        STRATEGIES._entries.pop("test_plugin_mode", None)  # type: ignore[attr-defined]


def test_preflight_names_cause_and_override() -> None:
    with pytest.raises(SandboxUnavailable) as info:
        require_executor(ScriptedExecutor(healthy=0), ["hybrid"])
    message = str(info.value)
    assert (
        "IsolationUnavailable" in message and "--unsafe-no-isolation" in message and "--mode cot" in message
    )
    require_executor(ScriptedExecutor(healthy=0), ["cot"])  # cot needs no sandbox: no probe at all


@pytest.mark.parametrize("mode", ["pot", "hybrid"])
def test_lost_sandbox_never_falls_back_to_cot(mode: str) -> None:
    backend = program_backend()
    solver = Solver(backend, ScriptedExecutor(healthy=0), mode=mode)
    with pytest.raises(SandboxUnavailable):
        solver.solve("What is 2 + 2?")
    assert backend.calls == 1  # the PoT prompt only: no CoT generation after the refusal


def test_eval_stops_before_generating(tmp_path: Path, data_dir: Path) -> None:
    backend = program_backend()
    config = EvalConfig(model="scripted", benchmarks=("gsm8k",), mode="hybrid", limit=2, batch_size=1)
    with pytest.raises(EvalError, match="sandbox cannot run programs"):
        run_eval(
            config,
            tmp_path / "run",
            data_dir=str(data_dir),
            backend=backend,
            executor=ScriptedExecutor(healthy=0),
            cache_dir=tmp_path / "cache",
            progress=False,
        )
    assert backend.calls == 0
    assert not (tmp_path / "run" / "summary.json").exists()


def test_eval_lost_mid_run_reports_no_accuracy(tmp_path: Path, data_dir: Path) -> None:
    config = EvalConfig(model="scripted", benchmarks=("gsm8k",), mode="pot", limit=4, batch_size=1, workers=1)
    executor = ScriptedExecutor(healthy=2)  # the preflight probe and one batch, then gone
    with pytest.raises(EvalError, match="sandbox cannot run programs"):
        run_eval(
            config,
            tmp_path / "run",
            data_dir=str(data_dir),
            backend=program_backend(),
            executor=executor,
            cache_dir=tmp_path / "cache",
            progress=False,
        )
    assert not (tmp_path / "run" / "summary.json").exists()
    assert not (tmp_path / "run" / "samples.jsonl").exists()
    assert executor.calls == 3  # the probe, the good batch, the one that met the lost sandbox: no more


def test_vote_runs_programs_when_a_vote_mode_does(tmp_path: Path, data_dir: Path) -> None:
    config = EvalConfig(
        model="scripted", benchmarks=("gsm8k",), mode="vote", vote_modes=("cot", "pot"), samples=2, limit=1
    )
    with pytest.raises(EvalError, match="pot"):
        run_eval(
            config,
            tmp_path / "run",
            data_dir=str(data_dir),
            backend=program_backend(),
            executor=ScriptedExecutor(healthy=0),
            cache_dir=tmp_path / "cache",
            progress=False,
        )
