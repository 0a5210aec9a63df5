"""Every subcommand's --help, the shared flags, and exit codes for bad input (in-process, fast)."""

from __future__ import annotations

from pathlib import Path

import pytest

from mammoth_math.cli import main

SUBCOMMANDS = [
    "benchmarks",
    "exec",
    "grade",
    "solve",
    "eval",
    "curate",
    "train",
    "export",
    "experiment",
    "serve",
]
# one name per option, whichever subcommand has it
SHARED = {
    "--model": ["solve", "eval", "serve"],
    "--model-option": ["solve", "eval"],
    "--unsafe-no-isolation": ["exec", "solve", "eval", "serve"],
    "--exec-timeout": ["eval", "serve"],
    "--exec-reuse": ["eval"],
}


@pytest.mark.parametrize("command", SUBCOMMANDS)
def test_help(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main([command, "--help"])
    assert info.value.code == 0
    assert f"usage: mammoth-math {command}" in capsys.readouterr().out


@pytest.mark.parametrize(("flag", "commands"), SHARED.items())
def test_shared_flags(flag: str, commands: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    for command in commands:
        with pytest.raises(SystemExit):
            main([command, "--help"])
        assert flag in capsys.readouterr().out, f"{command} lacks {flag}"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["exec", "/nonexistent/programs.jsonl"], "/nonexistent/programs.jsonl"),
        (["grade", "/nonexistent/judged.jsonl"], "/nonexistent/judged.jsonl"),
        (["benchmarks", "show", "no_such_benchmark"], "no_such_benchmark"),
        (["eval", "--mode", "nope", "--output", "{tmp}/run"], "--mode must be one of"),
        (["solve", "   "], "the question is empty"),
        (["solve", "q", "--mode", "nope"], "unknown strategy 'nope'"),
    ],
)
def test_bad_input_exits_2_naming_it(
    argv: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main([a.replace("{tmp}", str(tmp_path)) for a in argv])
    assert code == 2
    assert message in capsys.readouterr().err


def test_bad_jsonl_line_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "judged.jsonl"
    path.write_text('{"id": 1, "gold": "4", "prediction": "4"}\nnot json\n')
    assert main(["grade", str(path), "-o", str(tmp_path / "out.jsonl")]) == 2
    assert f"{path}:2" in capsys.readouterr().err
    assert not (tmp_path / "out.jsonl").exists()


def test_grade_reads_responses_with_the_whole_grader(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    rows = [
        {"id": "cut", "gold": "11", "response": "First 5 apples, then 6 more. After 11", "finish_reason": "length"},
        {"id": "done", "gold": "11", "response": "First 5 apples, then 6 more: 11"},
        {"id": "boxes", "gold": "1, -2", "answer_type": "latex",
         "response": "One root is $\\boxed{-2}$. The other root is $\\boxed{1}$."},
    ]  # fmt: skip
    src, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in rows))
    assert main(["grade", str(src), "-o", str(out)]) == 0
    got = {r["id"]: r for r in map(json.loads, out.read_text().splitlines())}
    assert (got["cut"]["correct"], got["cut"]["reason"]) == (False, "truncated")
    assert got["done"]["correct"] is True
    assert got["boxes"]["correct"] is True


def test_grade_finish_reason_must_be_a_string(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text('{"id": 1, "gold": "1", "response": "1", "finish_reason": 3}\n')
    assert main(["grade", str(src)]) == 2
    assert f"{src}:1: field 'finish_reason'" in capsys.readouterr().err


def test_old_spellings_still_work_with_a_deprecation(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    src, dst = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    src.write_text(json.dumps({"id": 1, "code": "print(6 * 7)"}) + "\n")
    assert (
        main(["exec", str(src), "--output", str(dst), "--timeout", "4", "--workers", "1", "--no-progress"])
        == 0
    )
    err = capsys.readouterr().err
    assert "--timeout is deprecated; use --exec-timeout" in err and "--workers is deprecated" in err
    assert json.loads(dst.read_text())["answer"] == "42"
    judged = tmp_path / "judged.jsonl"
    judged.write_text(json.dumps({"id": 1, "gold": "4", "prediction": "4.0"}) + "\n")
    assert main(["grade", str(judged), "--timeout", "1"]) == 0
    assert "--timeout is deprecated; use --grade-timeout" in capsys.readouterr().err


@pytest.mark.parametrize("command", ["exec", "grade", "eval", "curate build", "curate synthesize", "export gguf", "export hf",
                                     "experiment run", "eval merge", "eval compare"])  # fmt: skip
def test_output_is_o_everywhere(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main([*command.split(), "--help"])
    assert "-o OUTPUT, --output OUTPUT" in capsys.readouterr().out
