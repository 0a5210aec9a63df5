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


def test_words_units_and_implicit_products_in_the_text() -> None:
    sol = (
        "They sold 29+17 = <<29+17=46>>46 bags\nEach bag weighs 7kg so 46 bags weigh 46*7kg = 322kg\n#### 322"
    )
    program = derive_program(sol, "322")
    assert "bags*7" in program.replace(" ", "") and _run(program) == "322"
    sol = "He scored 10 times 25 equals <<10*25=250>>250.\nHe needs 750 minus 250 equals 500.\n#### 500"
    assert _run(derive_program(sol, "500")) == "500"
    sol = "Red:14 crayons\nBlue:5+14=<<5+14=19>>19 crayons\nYellow:19(2)-6=32 crayons\n#### 32"
    assert _run(derive_program(sol, "32")) == "32"


def test_one_unknown_equation_is_solved_not_copied() -> None:
    sol = (
        "Let x represent the number of Chevys\nFords:3+2x\nTotal:x+3+2x+12+8x=301\n11x=286\n"
        "x=<<26=26>>26\nBuicks:12+8(26)=220\n#### 220"
    )
    program = derive_program(sol, "220")
    assert "x = solve(lambda x: x+3+2*x+12+8*x - (301))" in program
    assert "12+8*x" in program and _run(program) == "220"
    # "x = 15" states a value: it never defines the unknown
    with pytest.raises(DeriveError):
        derive_program("Let x be the time.\nSo x = 15.\n#### 15", "15")


def test_a_bare_annotation_never_becomes_the_answer() -> None:
    with pytest.raises(DeriveError) as e:
        derive_program("So the answer is <<24=24>>24 yards.\n#### 24", "24")
    assert e.value.category == "answer_not_computed"
    # the computation written before a bare annotation is used instead
    program = derive_program("He bought 1.5 / .25 = <<6=6>>6 ounces\n#### 6", "6")
    assert "1.5/.25" in program.replace(" ", "") and _run(program) == "6"


def test_answer_in_cents_percent_rounded_or_converted() -> None:
    assert _run(derive_program("Each costs 40/160 = $<<40/160=0.25>>0.25\n#### 25", "25")) == "25"
    sol = "It takes 768/50 = <<768/50=15.36>>15.36 minutes, which rounds down to 15\n#### 15"
    assert "math.floor" in derive_program(sol, "15") or "round(" in derive_program(sol, "15")
    assert _run(derive_program(sol, "15")) == "15"
    sol = "It needs 8 * 3.5 = <<8*3.5=28>>28 cups\n28 cups = 14 pints\n#### 14"
    assert _run(derive_program(sol, "14")) == "14"
    sol = "He can park 16,0000/10=16000 cars and 45 * 0,2 = 9 vans\n#### 16000"
    assert _run(derive_program(sol, "16000")) == "16000"


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
    # measured 0.9905 (7402/7473, every derived program passes); see docs/curate.md for what is left
    assert rate >= 0.99, (rate, [d.reason for d in dropped][:10])
