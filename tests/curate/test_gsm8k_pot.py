"""The derived GSM8K programs: unit cases and the reproduction rate on the real train split."""

from __future__ import annotations

import pytest

from mammoth_math.curate import DeriveError, LoadOptions, derive_program, get_source, verify
from mammoth_math.curate.rows import make_example


def _run(program: str) -> str:
    import contextlib
    import io

    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        exec(program, {})
    return buf.getvalue().strip()


def test_annotations_become_named_statements() -> None:
    sol = "Natalia sold 48/2 = <<48/2=24>>24 clips in May.\nShe sold 48+24 = <<48+24=72>>72 clips.\n#### 72"
    program = derive_program(sol, "72")
    assert "clips = 48/2" in program
    assert "48+clips" in program.replace(" ", "")  # the earlier result is referenced by name
    assert _run(program) == "72"


def test_percent_times_and_thousands() -> None:
    sol = "He pays 20% of 1,000 = <<20%*1,000=200>>200 dollars.\nThen 200 x 3 = <<200x3=600>>600 total.\n#### 600"
    assert _run(derive_program(sol, "600")) == "600"


def test_plain_text_equation_without_annotation() -> None:
    sol = "Carlos memorized 24/6=<<24/6=4>>4 digits.\nSam memorized 4+6=10 digits of pi.\n#### 10"
    assert _run(derive_program(sol, "10")) == "10"


def test_unreproducible_solution_is_refused_with_a_category() -> None:
    with pytest.raises(DeriveError) as e:
        derive_program("She has 5 apples.\n#### 5", "5")
    assert e.value.category == "no_annotations"


@pytest.mark.slow
def test_derived_programs_reproduce_gsm8k_train_in_the_sandbox(data_dir) -> None:
    from mammoth_math.execute import Sandbox, SandboxConfig

    spec = get_source("gsm8k")
    problems = spec.load(LoadOptions(data_dir=data_dir))
    assert len(problems) == 7473
    rows = []
    for p in problems:
        program = spec.render(p, "pot")
        if program is not None:
            rows.append(make_example(p, program, "gsm8k", "pot"))
    with Sandbox(SandboxConfig(timeout=5.0, workers=2)) as sb:
        kept, dropped = verify(rows, sb)
    rate = len(kept) / len(problems)
    # measured 0.9720 (7264/7473); see docs/curate.md for the failure categories
    assert rate >= 0.97, (rate, [d.reason for d in dropped][:10])
