"""What runs inside the forked child: the program itself, and how its outcome is reported.

The child writes one JSON object to fd 3 when the program finishes by itself; a program killed by a
signal or a limit writes nothing and the server tells what happened from the exit status.
"""

from __future__ import annotations

import builtins
import io
import json
import os
import sys
import traceback

RESULT_FD = 3
_TRACEBACK_FRAMES = 8


def fresh_stdio() -> None:
    # new text layers over fds 0-2 so nothing buffered in the server leaks in, and unicode always works
    sys.stdin = io.TextIOWrapper(io.FileIO(0, "r", closefd=False), encoding="utf-8")
    sys.stdout = io.TextIOWrapper(
        io.FileIO(1, "w", closefd=False), encoding="utf-8", errors="backslashreplace", line_buffering=True
    )
    sys.stderr = io.TextIOWrapper(
        io.FileIO(2, "w", closefd=False), encoding="utf-8", errors="backslashreplace", line_buffering=True
    )


def _describe(exc: BaseException) -> str:
    message = str(exc)
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__


def _print_traceback(exc: BaseException) -> None:
    # skip our own frame: the user sees tracebacks of their program only
    tb = exc.__traceback__.tb_next if exc.__traceback__ else None
    try:
        text = "".join(traceback.format_exception(type(exc), exc, tb, limit=-_TRACEBACK_FRAMES))
        sys.stderr.write(text)
    except BaseException:
        pass


def _flush() -> None:
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BaseException:
            # the program closed or broke its own stdout; what it printed before is already in the pipe
            pass


def execute(code: str, max_answer_chars: int) -> dict[str, object]:
    """Run `code` as __main__ in fresh globals and call solution() when it defines one. Never raises."""
    result: dict[str, object] = {"answer": None, "error": None, "memory": False}
    namespace: dict[str, object] = {"__name__": "__main__", "__builtins__": builtins}
    try:
        compiled = compile(code, "<program>", "exec")
        exec(compiled, namespace)
        solution = namespace.get("solution")
        if callable(solution):
            value = solution()
            if value is not None:
                text = str(value)
                result["answer"] = text[:max_answer_chars]
    except SystemExit as exc:
        if exc.code not in (None, 0):
            result["error"] = f"SystemExit: {exc.code}"
    except MemoryError as exc:
        result["error"] = _describe(exc)
        result["memory"] = True
    except BaseException as exc:
        result["error"] = _describe(exc)[:max_answer_chars]
        _print_traceback(exc)
    return result


def report(result: dict[str, object]) -> None:
    """Flush what the program printed, then write its result record to fd 3."""
    _flush()
    try:
        os.write(RESULT_FD, json.dumps(result).encode())
    except BaseException:
        pass


def run_program(code: str, max_answer_chars: int) -> None:
    """Run `code` as a fresh process does: report on fd 3 and _exit (stdio: set up by the template)."""
    me = os.getpid()
    result = execute(code, max_answer_chars)
    if os.getpid() != me:
        # a process the program forked got here (fork bomb, child left running): only the program
        # itself reports, or the server would read two reports
        os._exit(0 if result["error"] is None else 1)
    report(result)
    os._exit(0)
