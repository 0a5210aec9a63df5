"""Correctness of results, ordering, thread safety and lifecycle."""

from __future__ import annotations

import json
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from mammoth_math.api.protocols import Executor
from mammoth_math.api.records import ExecStatus
from mammoth_math.cli import main
from mammoth_math.execute import ExecResult, Sandbox, SandboxConfig

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="the sandbox isolates on Linux")


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(SandboxConfig(timeout=5.0, workers=2)) as sb:
        yield sb


@pytest.mark.parametrize(
    ("code", "answer"),
    [
        ("print(1 + 1)", "2"),
        ("def solution():\n    return 3", "3"),
        ("print('ignored')\ndef solution():\n    return 7 / 2", "3.5"),
        ("def solution():\n    print('only printed')", "only printed"),
        ("print('a')\nprint('last line')\nprint('   ')", "last line"),
        ("from fractions import Fraction\nprint(Fraction(1, 3) + Fraction(1, 6))", "1/2"),
        ("import sympy as sp\nx = sp.Symbol('x')\nprint(sp.solve(x**2 - 5*x + 6, x))", "[2, 3]"),
        ("import sympy as sp\nprint(sp.simplify(sp.sin(1)**2 + sp.cos(1)**2))", "1"),
        (
            "import numpy as np\nprint(np.linalg.solve([[2, 1], [1, 3]], [3, 5]).round(6).tolist())",
            "[0.8, 1.4]",
        ),
        ("print('π ≈ 3.14 — ✓ 数学')", "π ≈ 3.14 — ✓ 数学"),
        ("import math\nprint(math.comb(10, 3))", "120"),
        # raise() needs glibc's thread id right in the clone()d child
        (
            "import signal\nsignal.signal(signal.SIGUSR1, lambda *a: print('got'))\nsignal.raise_signal(signal.SIGUSR1)",
            "got",
        ),
        (
            "import threading\nout = []\nt = threading.Thread(target=lambda: out.append(6))\nt.start()\nt.join()\nprint(out[0])",
            "6",
        ),
    ],
)
def test_answers(sandbox: Sandbox, code: str, answer: str) -> None:
    (result,) = sandbox.run([code])
    assert result.status == ExecStatus.OK, result
    assert result.answer == answer
    assert result.seconds > 0


def test_errors_and_order(sandbox: Sandbox) -> None:
    programs = ["print(1)", "raise ValueError('bad value')", "", "print(3)", "x = ", "print(5)"]
    results = sandbox.run(programs)
    assert [r.status for r in results] == [
        ExecStatus.OK,
        ExecStatus.ERROR,
        ExecStatus.REFUSED,
        ExecStatus.OK,
        ExecStatus.ERROR,
        ExecStatus.OK,
    ]
    assert [r.answer for r in results] == ["1", None, None, "3", None, "5"]
    assert results[1].error == "ValueError: bad value"
    assert "ValueError" in results[1].stderr
    assert results[4].error is not None and results[4].error.startswith("SyntaxError")
    assert sandbox.run([]) == []


def test_implements_executor(sandbox: Sandbox) -> None:
    assert isinstance(sandbox, Executor)
    assert ExecResult.__name__ == "Execution"


def test_programs_do_not_share_state(sandbox: Sandbox) -> None:
    first, second = sandbox.run(
        [
            "import math\nmath.pi = 3\nopen('f.txt', 'w').write('x')\nprint(1)",
            "import math, os\nprint(math.pi, os.listdir('.'))",
        ]
    )
    assert first.answer == "1"
    assert second.answer == "3.141592653589793 []"


def test_run_from_many_threads(sandbox: Sandbox) -> None:
    out: dict[int, list[str | None]] = {}

    def work(k: int) -> None:
        out[k] = [r.answer for r in sandbox.run([f"print({k} * {i})" for i in range(8)])]

    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert out == {k: [str(k * i) for i in range(8)] for k in range(4)}


@pytest.mark.slow
def test_construct_and_close_repeatedly() -> None:
    for _ in range(3):
        with Sandbox(SandboxConfig(workers=1)) as sb:
            assert sb.run(["print('x')"])[0].answer == "x"
            server = sb._server
        assert server is not None and server.proc.poll() is not None, "close() must stop the server"
    never_used = Sandbox()
    never_used.close()
    with pytest.raises(RuntimeError):
        never_used.run(["print(1)"])


def test_bad_config() -> None:
    with pytest.raises(ValueError, match="timeout"):
        SandboxConfig(timeout=0)


def test_cli_exec(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "in.jsonl"
    lines = [
        json.dumps({"id": "a", "code": "print(6 * 7)"}),
        "not json",
        json.dumps({"id": "b"}),
        "",
        json.dumps({"id": 4, "code": "def solution():\n    return 1 / 0"}),
    ]
    src.write_text("\n".join(lines) + "\n")
    dst = tmp_path / "out.jsonl"
    assert main(["exec", str(src), "-o", str(dst), "--exec-timeout", "3", "--exec-workers", "2"]) == 0
    rows = [json.loads(line) for line in dst.read_text().splitlines()]
    assert [r["id"] for r in rows] == ["a", None, "b", 4]
    assert set(rows[0]) == {"id", "status", "answer", "stdout", "stderr", "error", "seconds"}
    assert rows[0]["answer"] == "42"
    assert rows[1]["status"] == "refused" and f"{src}:2" in rows[1]["error"]
    assert rows[2]["status"] == "refused" and "'code'" in rows[2]["error"]
    assert rows[3]["status"] == "error" and rows[3]["error"].startswith("ZeroDivisionError")
    assert "2 of 4" in capsys.readouterr().err


def test_cli_missing_file(tmp_path: Path) -> None:
    assert main(["exec", str(tmp_path / "nope.jsonl")]) == 2


@pytest.mark.slow
def test_server_death_is_survived() -> None:
    import os
    import signal
    import time

    with Sandbox(SandboxConfig(timeout=20, workers=1)) as sb:
        assert sb.run(["print(1)"])[0].answer == "1"
        server = sb._server
        assert server is not None
        killer = threading.Timer(1.0, os.kill, (server.proc.pid, signal.SIGKILL))
        killer.start()
        t0 = time.monotonic()
        (result,) = sb.run(["import time\ntime.sleep(15)"])
        killer.join()
        assert result.status == ExecStatus.KILLED and "SandboxDied" in (result.error or "")
        assert time.monotonic() - t0 < 10
        # a fresh server is started on the next call
        assert sb.run(["print(2)"])[0].answer == "2"


def test_frame_reader_handles_any_split() -> None:
    from mammoth_math.execute.protocol import FrameReader, encode_frame

    messages = [{"id": i, "code": f"print('é' * {i})"} for i in range(300)]
    data = b"".join(encode_frame(m) for m in messages)
    for step in (1, 7, 4096, len(data)):
        reader = FrameReader()
        got = [m for k in range(0, len(data), step) for m in reader.feed(data[k : k + step])]
        assert got == messages
        assert not reader.buf


def test_run_rejects_a_bare_string(sandbox: Sandbox) -> None:
    with pytest.raises(TypeError):
        sandbox.run("print(1)")  # type: ignore[arg-type]
