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
