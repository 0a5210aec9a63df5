"""Finding the program in a response."""

from __future__ import annotations

import time

from mammoth_math.prompts import extract_program


def test_last_complete_python_block_wins() -> None:
    text = "Draft:\n```python\nx = 1\n```\nBetter:\n```python\nx = 2\nprint(x)\n```\nThe answer is 2."
    assert extract_program(text) == "x = 2\nprint(x)"


def test_py_label_and_bare_fence() -> None:
    assert extract_program("```py\nprint(3)\n```") == "print(3)"
    assert extract_program("Here:\n```\nprint(4)\n```") == "print(4)"
    # a bare fence holding prose is not a program
    assert extract_program("```\nThe answer is four.\n```") is None


def test_labelled_block_beats_bare_block() -> None:
    text = "```python\nprint(1)\n```\n```\nprint(2)\n```"
    assert extract_program(text) == "print(1)"


def test_truncated_block_keeps_what_parses() -> None:
    text = "```python\na = 3\nb = 4\nprint(a * b)\nc = (1 +"
    assert extract_program(text) == "a = 3\nb = 4\nprint(a * b)"


def test_unfenced_code_as_mammoth_models_write_it() -> None:
    text = "def solution():\n    total = 24 + 18\n    return total - 35\n\nprint(solution())"
    assert extract_program(text) == text
    text2 = "Let me compute.\nmuffins = 24 + 18\nprint(muffins - 35)\nSo 7 are left."
    assert extract_program(text2) == "muffins = 24 + 18\nprint(muffins - 35)"


def test_no_program() -> None:
    assert extract_program("") is None
    assert extract_program("   \n") is None
    assert extract_program("The answer is 7.") is None
    assert extract_program("x = 5 is the value we need.") is None
    assert extract_program("```python\n```") is None


def test_garbage_is_fast_and_safe() -> None:
    start = time.perf_counter()
    assert extract_program("\udcff\x00" * 50_000) is None
    big = "x = 1\n" + "(" * 5000 + "\n" + "y = 2\n" * 20_000
    extract_program(big)
    extract_program("```python\n" + "print(1)\n" * 20_000)
    assert time.perf_counter() - start < 10
