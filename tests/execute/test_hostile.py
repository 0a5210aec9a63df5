"""Hostile programs, all in one batch: each gets the right status, the host is unchanged and no process
the sandbox started survives."""

from __future__ import annotations

import os
import site
import sys
import textwrap
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from mammoth_math.api.records import ExecStatus, Execution
from mammoth_math.execute import Sandbox, SandboxConfig
from mammoth_math.execute.warm import WARM_UP

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="the sandbox isolates on Linux")

TOKEN = "mx" + uuid.uuid4().hex[:10]  # process name the spawning programs give their descendants
SECRET = "s3cret-" + uuid.uuid4().hex
REPO = Path(__file__).resolve().parents[2]
MARK = f"pwned-{uuid.uuid4().hex[:8]}"
OUTSIDE = [
    str(REPO / MARK),
    f"/tmp/{MARK}",
    f"/dev/shm/{MARK}",
    f"/var/tmp/{MARK}",
    f"/root/{MARK}",
    os.path.join(site.getsitepackages()[0], MARK),
]
NAME_SELF = f"import ctypes\nctypes.CDLL(None).prctl(15, b'{TOKEN}', 0, 0, 0)\n"

# name -> (program, statuses accepted, extra check on the Execution or None)
CASES: dict[str, tuple[str, set[ExecStatus]]] = {
    "infinite_loop": ("while True:\n    pass", {ExecStatus.TIMEOUT}),
    "sleep_forever": ("import time\ntime.sleep(3600)", {ExecStatus.TIMEOUT}),
    "fork_bomb": (
        NAME_SELF + "import os\nwhile True:\n    os.fork()",
        {ExecStatus.ERROR, ExecStatus.TIMEOUT, ExecStatus.OUTPUT_LIMIT},
    ),
    "alloc_50gb": ("x = bytearray(50 * 2**30)\nprint(len(x))", {ExecStatus.MEMORY}),
    "numpy_50gb": ("import numpy as np\nx = np.ones(50 * 2**30 // 8)\nprint(x.sum())", {ExecStatus.MEMORY}),
    "write_10gb": (
        "block = b'0' * 2**20\nwith open('big.bin', 'wb') as f:\n"
        "    for _ in range(10 * 1024):\n        f.write(block)",
        {ExecStatus.ERROR},
    ),
    "write_outside": (
        textwrap.dedent(f"""
        ok = []
        for path in {OUTSIDE!r}:
            try:
                with open(path, 'w') as f:
                    f.write('x')
                ok.append(path)
            except OSError:
                pass
        print(ok)
        """),
        {ExecStatus.OK},
    ),
    "read_shadow": ("print(open('/etc/shadow').read())", {ExecStatus.ERROR}),
    "env_leak": (
        textwrap.dedent(f"""
        import os, glob
        found = [k for k, v in os.environ.items() if {SECRET!r} in v]
        for path in glob.glob('/proc/*/environ'):
            try:
                if {SECRET!r}.encode() in open(path, 'rb').read():
                    found.append(path)
            except OSError:
                pass
        print(found)
        """),
        {ExecStatus.OK},
    ),
    "socket_loopback": (
        "import socket\ns = socket.create_connection(('127.0.0.1', 22), timeout=30)",
        {ExecStatus.ERROR},
    ),
    "socket_public": (
        "import socket\ns = socket.create_connection(('1.1.1.1', 80), timeout=30)",
        {ExecStatus.ERROR},
    ),
    "dns": ("import socket\nprint(socket.gethostbyname('pypi.org'))", {ExecStatus.ERROR}),
    "kill_parent": (
        "import os\nos.kill(os.getppid(), 9)\nprint('still here')",
        {ExecStatus.OK, ExecStatus.KILLED},
    ),
    "kill_all": ("import os\nos.kill(-1, 9)\nprint('still here')", {ExecStatus.OK, ExecStatus.ERROR}),
    # every pid /proc shows (the host's): in its own PID namespace they name nothing, or itself
    "kill_every_pid": (
        "import os\nfor p in os.listdir('/proc'):\n    if p.isdigit() and int(p) != os.getpid():\n"
        "        try:\n            os.kill(int(p), 9)\n        except OSError:\n            pass\nprint('done')",
        {ExecStatus.OK, ExecStatus.KILLED},
    ),
    "setsid_grandchild": (
        NAME_SELF
        + textwrap.dedent("""
        import os, time
        pid = os.fork()
        if pid == 0:
            os.setsid()
            if os.fork() == 0:
                time.sleep(600)
            os._exit(0)
        os.waitpid(pid, 0)
        print('spawned')
        """),
        {ExecStatus.OK},
    ),
    "child_outlives_timeout": (
        NAME_SELF + "import os, time\nos.fork()\ntime.sleep(600)",
        {ExecStatus.TIMEOUT},
    ),
    "deep_recursion": ("def f(n):\n    return f(n + 1)\nf(0)", {ExecStatus.ERROR}),
    "deeper_recursion": (
        "import sys\nsys.setrecursionlimit(10**8)\ndef f(n):\n    return f(n + 1) + 1\nf(0)",
        {ExecStatus.KILLED, ExecStatus.ERROR, ExecStatus.MEMORY, ExecStatus.TIMEOUT},
    ),
    "print_1gb": (
        "import sys\nchunk = 'x' * 2**20\nfor _ in range(1024):\n    sys.stdout.write(chunk)",
        {ExecStatus.OUTPUT_LIMIT},
    ),
    "stderr_flood": ("import sys\nwhile True:\n    sys.stderr.write('e' * 4096)", {ExecStatus.OUTPUT_LIMIT}),
    "input": ("x = input()\nprint(x)", {ExecStatus.ERROR}),
    "close_stdout": ("import sys\nsys.stdout.close()\nprint('x')", {ExecStatus.ERROR}),
    "close_fd1": ("import os\nos.close(1)\nprint('x')", {ExecStatus.OK, ExecStatus.ERROR}),
    "segfault": ("import ctypes\nctypes.string_at(0)", {ExecStatus.KILLED}),
    "abort": ("import os\nos.abort()", {ExecStatus.KILLED}),
    "os_exit": ("import os\nprint(5)\nos._exit(0)", {ExecStatus.OK}),
    "sys_exit_3": ("import sys\nsys.exit(3)", {ExecStatus.ERROR}),
    "sigkill_self": (
        "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)\nprint('x')",
        {ExecStatus.OK, ExecStatus.KILLED},
    ),
    "syntax_error": ("def f(:\n", {ExecStatus.ERROR}),
    "after_all": ("print('fine')", {ExecStatus.OK}),
}


def _survivors() -> list[int]:
    found = []
    for comm in Path("/proc").glob("[0-9]*/comm"):
        try:
            if comm.read_text().strip() == TOKEN:
                found.append(int(comm.parent.name))
        except OSError:
            continue
    return found


def _children(pid: int) -> list[str]:
    return Path(f"/proc/{pid}/task/{pid}/children").read_text().split()


# every case runs in both modes: a fresh process per program, and reusing workers (opt-in)
@pytest.fixture(scope="module", params=[0, 3], ids=["fresh", "reuse"])
def batch(request: pytest.FixtureRequest) -> Iterator[tuple[dict[str, Execution], Sandbox]]:
    os.environ["MAMMOTH_TEST_SECRET"] = SECRET
    cfg = SandboxConfig(
        timeout=3.0,
        memory_mb=512,
        workers=2,
        max_output_bytes=4096,
        max_processes=32,
        reuse_workers=request.param,
    )
    sandbox = Sandbox(cfg)
    try:
        assert sandbox.isolation  # started: the server and its two templates (programs fork from them)
        results = sandbox.run([code for code, _ in CASES.values()])
        yield dict(zip(CASES, results, strict=True)), sandbox
    finally:
        sandbox.close()
        os.environ.pop("MAMMOTH_TEST_SECRET", None)


@pytest.mark.slow
@pytest.mark.parametrize("name", list(CASES))
def test_status(batch: tuple[dict[str, Execution], Sandbox], name: str) -> None:
    result = batch[0][name]
    assert result.status in CASES[name][1], result


@pytest.mark.slow
def test_details(batch: tuple[dict[str, Execution], Sandbox]) -> None:
    r = batch[0]
    assert r["write_outside"].answer == "[]"
    assert r["env_leak"].answer == "[]"
    assert "No such file" in (r["read_shadow"].error or ""), "the minimal root has no /etc/shadow"
    for name in ("socket_loopback", "socket_public"):
        assert "unreachable" in (r[name].error or "").lower(), r[name]
        assert r[name].seconds < 1.5, "a connect() must fail at once, not time out"
    assert "File too large" in (r["write_10gb"].error or "")
    assert r["print_1gb"].stdout == "x" * 4096
    assert r["input"].error and r["input"].error.startswith("EOFError")
    assert r["deep_recursion"].error and r["deep_recursion"].error.startswith("RecursionError")
    assert r["segfault"].error == "Killed: SIGSEGV"
    assert r["os_exit"].answer == "5"
    assert r["after_all"].answer == "fine"
    assert r["infinite_loop"].seconds < 5.0


@pytest.mark.slow
def test_host_unchanged_and_nothing_survives(batch: tuple[dict[str, Execution], Sandbox]) -> None:
    results, sandbox = batch
    assert results["setsid_grandchild"].answer == "spawned"
    assert _survivors() == [], "a process started by a sandboxed program is still alive"
    for path in OUTSIDE:
        assert not os.path.exists(path), path
    server = sandbox._server
    assert server is not None and server.proc.poll() is None, "the server must survive hostile programs"
    # its children: the templates, and in reuse mode the idle workers; every program is gone
    children = _children(server.proc.pid)
    workers = sandbox.config.workers if sandbox.config.reuse_workers else 0
    assert 2 <= len(children) <= len(WARM_UP) + workers
    for pid in children:
        assert _children(int(pid)) == [], "a template or idle worker keeps no child"
    status = Path(f"/proc/{children[0]}/status").read_text()
    assert "\nPPid:\t" + str(server.proc.pid) in status
    # and it still works
    assert sandbox.run(["print(2 * 21)"])[0].answer == "42"
