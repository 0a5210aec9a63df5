"""Finding the program in a model's response: a fenced ```python block, else code-looking lines."""

from __future__ import annotations

import ast
import re

# An opening fence (```python, ```py, ```Python3 or a bare ```), its body, and a closing fence if any.
_FENCE = re.compile(r"```[ \t]*(python3?|py)?[ \t]*\n(.*?)(?:```|\Z)", re.S | re.I)
_CODE_START = re.compile(
    r"^(import \w|from [\w.]+ import |def \w+\(|class \w+|print\(|for \w+ in |while |if |"
    r"[A-Za-z_][\w, ]*\s*[+\-*/]?=\s*\S)"
)


def extract_program(response: str) -> str | None:
    """The program in `response`, or None when there is none.

    Preference: the last complete ```python block (models often write a draft, then the final one);
    else the last complete unlabelled ``` block that parses as Python; else an unclosed block at the end
    (a truncated response); else unfenced code (MAmmoTH-tuned models answer PoT prompts with bare code).
    """
    if not response or not response.strip():
        return None
    labelled: list[str] = []
    bare: list[str] = []
    unclosed: str | None = None
    for m in _FENCE.finditer(response):
        body = m.group(2)
        closed = response[m.end() - 3 : m.end()] == "```"
        if not body.strip():
            continue
        if not closed:
            unclosed = body
        elif m.group(1):
            labelled.append(body)
        elif _parses(body):
            bare.append(body)
    for candidates in (labelled, bare):
        if candidates:
            return candidates[-1].strip("\n")
    if unclosed is not None:
        return _longest_parsing_prefix(unclosed.splitlines())
    if "```" in response:
        return None
    return _unfenced(response)


def _parses(code: str) -> bool:
    try:
        ast.parse(code)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True


def _longest_parsing_prefix(lines: list[str], attempts: int = 32) -> str | None:
    """The longest leading run of lines that parses. Each failure cuts just before the line the
    SyntaxError names, so a 20k-line garbage response costs a handful of parses, not thousands."""
    end = len(lines)
    for _ in range(attempts):
        code = "\n".join(lines[:end]).strip("\n")
        if not code.strip():
            return None
        try:
            ast.parse(code)
            return code
        except SyntaxError as e:
            bad = e.lineno if e.lineno is not None else end
            end = min(end - 1, bad - 1) if bad <= end else end - 1
        except (ValueError, RecursionError, MemoryError):
            end -= 1
        if end <= 0:
            return None
    return None


def _unfenced(response: str) -> str | None:
    lines = response.strip("\n").splitlines()
    start = next((i for i, line in enumerate(lines) if _CODE_START.match(line)), None)
    if start is None:
        return None
    code = _longest_parsing_prefix(lines[start:])
    if code is None:
        return None
    # Prose that happens to parse ("x = 5") is not a program: require an output or a solution function.
    tree = ast.parse(code)
    names = {n.func.id for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
    defs = {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}
    if "print" not in names and "solution" not in defs:
        return None
    return code
