"""The strategy registry is the one list of decoding modes: a plugin strategy registered at run time is
accepted by eval and by the HTTP schema, as it is by solve; domains and breakdowns come from specs."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from mammoth_math.api import SamplingParams
from mammoth_math.benchmarks import get_spec
from mammoth_math.evaluate import EvalConfig, EvalError, eval_modes, run_eval
from mammoth_math.generate.scripted import ScriptedBackend
from mammoth_math.solve import STRATEGIES, run_cot

TOY = "toy_words"


def sentence_backend() -> ScriptedBackend:
    return ScriptedBackend(rules=[{"match": None, "texts": ["The answer is 18."], "completion_tokens": 5}])


class NoExecutor:
    def run(self, programs: Sequence[str]) -> list[object]:
        raise AssertionError("a strategy that runs no programs must not touch the executor")


@pytest.fixture()
def toy_strategy() -> Iterator[str]:
    def toy(solver: object, tasks: Sequence[object], params: SamplingParams) -> list[object]:
        return run_cot(solver, tasks, params)  # type: ignore[arg-type]

    toy.runs_programs = False  # type: ignore[attr-defined]
    STRATEGIES.add(TOY, toy)
    try:
        yield TOY
    finally:
        STRATEGIES._entries.pop(TOY, None)  # type: ignore[attr-defined]


def test_eval_accepts_a_registered_strategy(toy_strategy: str, tmp_path: Path, data_dir: Path) -> None:
    assert toy_strategy in eval_modes()
    config = EvalConfig(model="scripted", benchmarks=("gsm8k",), mode=toy_strategy, limit=2)
    summary = run_eval(
        config, tmp_path / "run", data_dir=str(data_dir), backend=sentence_backend(),
        executor=NoExecutor(), cache_dir=tmp_path / "cache", progress=False,
    )  # fmt: skip
    assert summary["mode"] == toy_strategy
    assert summary["benchmarks"]["gsm8k"]["accuracy"] == 0.5  # the first gold is 18, the second 3
    EvalConfig(mode="vote", vote_modes=(toy_strategy, "pot"), samples=2)


def test_unknown_modes_are_refused_naming_the_known_ones() -> None:
    with pytest.raises(EvalError, match=r"cot, .*hybrid.*vote"):
        EvalConfig(mode="nope")
    with pytest.raises(EvalError, match="--vote-modes"):
        EvalConfig(mode="vote", vote_modes=("vote",), samples=2)


def test_http_schema_takes_the_registry(toy_strategy: str) -> None:
    pytest.importorskip("pydantic")
    from pydantic import ValidationError

    from mammoth_math.serve.schemas import SolveRequest

    assert SolveRequest(question="1+1?", mode=toy_strategy).mode == toy_strategy
    with pytest.raises(ValidationError, match="unknown mode 'nope'"):
        SolveRequest(question="1+1?", mode="nope")


@pytest.mark.parametrize(
    ("name", "domain", "breakdowns"),
    [("gsm8k", "in", ()), ("math", "in", ("subject", "level")), ("math500", "extra", ("subject", "level")),
     ("svamp", "out", ()), ("mmlu_math", "out", ())],
)  # fmt: skip
def test_specs_carry_domain_and_breakdowns(name: str, domain: str, breakdowns: tuple[str, ...]) -> None:
    spec = get_spec(name)
    assert (spec.domain, spec.breakdowns) == (domain, breakdowns)
