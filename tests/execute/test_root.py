"""The minimal root and the syscall filter, seen from inside programs, in both modes (fresh, reuse).

Each case is a hostile program aimed at something of the host that the test itself sets up: a unix
socket listening outside /tmp, a world-readable file outside the repository, a process with a marker
in its command line; plus what the root holds (/, /dev, /proc) and every refused system call.
"""

from __future__ import annotations

import errno
import json
import os
import socket
import subprocess
import sys
import textwrap
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from mammoth_math.api.records import ExecStatus, Execution
from mammoth_math.execute import Sandbox, SandboxConfig
from mammoth_math.execute.seccomp import CLONE3_NR, CLONE_NR, REFUSED_X86_64

pytestmark = [
    pytest.mark.skipif(sys.platform != "linux", reason="the sandbox isolates on Linux"),
    pytest.mark.skipif(os.uname().machine != "x86_64", reason="the seccomp filter is x86-64's"),
]

REPO = Path(__file__).resolve().parents[2]
MARKER = "hostmark-" + uuid.uuid4().hex[:12]
SECRET = "secret-" + uuid.uuid4().hex
ALLOWED_TOP = {"dev", "etc", "proc", "tmp", "usr", "lib", "lib32", "lib64", "libx32", "bin"}
DEV = {"null", "zero", "full", "random", "urandom"}
CLONE_NEW_FLAGS = {
    "NEWNS": 0x00020000,
    "NEWCGROUP": 0x02000000,
    "NEWUTS": 0x04000000,
    "NEWIPC": 0x08000000,
    "NEWUSER": 0x10000000,
    "NEWPID": 0x20000000,
    "NEWNET": 0x40000000,
}


# outside /tmp and outside the repository, where host services leave their sockets and files
HOST_DIR = f"/var/tmp/mammoth-host-{uuid.uuid4().hex[:8]}"
SOCKET_PATH = f"{HOST_DIR}/agent.sock"
ABSTRACT_NAME = f"\0mammoth-host-{uuid.uuid4().hex[:8]}"  # abstract: no file, scoped by network namespace
FILE_PATH = f"{HOST_DIR}/notes.txt"


class HostFixtures:
    """What a host process leaves around: a listening unix socket, a readable file, a process."""

    def __init__(self) -> None:
        self.dir = HOST_DIR
        os.makedirs(self.dir, mode=0o755)
        os.chmod(self.dir, 0o755)
        self.socket_path = SOCKET_PATH
        self.listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.listener.bind(self.socket_path)
        os.chmod(self.socket_path, 0o777)
        self.listener.listen(8)
        self.listener.settimeout(0.2)
        self.abstract = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.abstract.bind(ABSTRACT_NAME)
        self.abstract.listen(8)
        self.accepted = 0
        self._stop = False
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()
        self.file_path = FILE_PATH
        Path(self.file_path).write_text(SECRET)
        os.chmod(self.file_path, 0o644)
        self.process = subprocess.Popen(
            [sys.executable, "-c", "import time; time.sleep(600)", MARKER, "--token=" + SECRET]
        )

    def _accept(self) -> None:
        while not self._stop:
            try:
                conn, _ = self.listener.accept()
            except (TimeoutError, OSError):
                continue
            self.accepted += 1
            conn.sendall(SECRET.encode())
            conn.close()

    def close(self) -> None:
        self._stop = True
        self._thread.join(timeout=5)
        self.listener.close()
        self.abstract.close()
        self.process.kill()
        self.process.wait()
        for name in os.listdir(self.dir):
            os.unlink(os.path.join(self.dir, name))
        os.rmdir(self.dir)


def _syscall_program(nr: int, arg0: int = 0) -> str:
    return (
        "import ctypes\nlibc = ctypes.CDLL(None, use_errno=True)\nlibc.syscall.restype = ctypes.c_long\n"
        f"rc = libc.syscall({nr}, ctypes.c_ulong({arg0}), 0, 0, 0, 0, 0)\n"
        "print(rc, ctypes.get_errno())"
    )


def _cases() -> dict[str, tuple[str, str | None]]:
    """name -> (program, expected answer; None: checked in test_case)."""
    data_dir = os.environ.get("MAMMOTH_DATA_DIR", str(REPO.parent / "shared"))
    cases: dict[str, tuple[str, str | None]] = {
        "unix_socket": (
            textwrap.dedent(f"""
            import socket
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                s.connect({SOCKET_PATH!r})
                print('connected', s.recv(100))
            except OSError as e:
                print(type(e).__name__)
            """),
            "FileNotFoundError",
        ),
        "abstract_unix_socket": (
            textwrap.dedent(f"""
            import socket
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                s.connect({ABSTRACT_NAME!r})
                print('connected')
            except OSError as e:
                print(type(e).__name__)
            """),
            "ConnectionRefusedError",
        ),
        "read_host_file": (
            f"try:\n    print(open({FILE_PATH!r}).read())\nexcept OSError as e:\n    print(type(e).__name__)",
            "FileNotFoundError",
        ),
        "find_host_process": (
            textwrap.dedent(f"""
            import os
            hits = []
            for p in os.listdir('/proc'):
                if p.isdigit():
                    try:
                        if {MARKER!r}.encode() in open(f'/proc/{{p}}/cmdline', 'rb').read():
                            hits.append(p)
                    except OSError:
                        pass
            print(hits)
            """),
            "[]",
        ),
        # itself and its children only: hidepid as root (host pids), its own procfs in a user namespace
        "count_processes": (
            "import os\nprint(len([p for p in os.listdir('/proc') if p.isdigit()]))",
            "1",
        ),
        "sees_own_children": (
            "import os, time\npid = os.fork()\nif pid == 0:\n    time.sleep(5)\n    os._exit(0)\n"
            "seen = [p for p in os.listdir('/proc') if p.isdigit()]\nos.kill(pid, 9)\nos.waitpid(pid, 0)\n"
            "print(len(seen))",
            "2",
        ),
        "self_is_visible": ("import os\nprint(os.path.exists('/proc/self/status'))", "True"),
        "list_dev": ("import os\nprint(sorted(os.listdir('/dev')))", str(sorted(DEV))),
        "list_root": ("import os\nprint(sorted(os.listdir('/')))", None),
        "repo_hidden": (f"import os\nprint(os.path.exists({str(REPO / 'README.md')!r}))", "False"),
        "data_dir_hidden": (f"import os\nprint(os.path.exists({data_dir!r}))", "False"),
        "no_var_run_sys_home": (
            "import os\nprint([p for p in ('/var', '/run', '/sys', '/home', '/var/tmp') if os.path.exists(p)])",
            "[]",
        ),
        "seccomp_mode": (
            "print([l.split()[1] for l in open('/proc/self/status') if l.startswith('Seccomp:')][0])",
            "2",
        ),
        "no_capabilities": (
            "print([l.split()[1] for l in open('/proc/self/status') if l.startswith('CapEff:')][0])",
            "0000000000000000",
        ),
        "write_interpreter_dir": (
            f"import os\ntry:\n    open(os.path.join({os.path.dirname(os.__file__)!r}, 'x.py'), 'w')\n"
            "except OSError as e:\n    print(e.errno in (13, 30))",
            "True",
        ),
        "dev_null_works": (
            "open('/dev/null', 'w').write('x')\nprint(len(open('/dev/urandom', 'rb').read(8)))",
            "8",
        ),
        "hostname": ("import socket\nprint(socket.gethostname())", "sandbox"),
        "interpreter_works": (
            "import numpy, sympy, fractions, decimal\nprint(int(numpy.arange(5).sum()) + int(sympy.Integer(2)))",
            "12",
        ),
        "thread_still_works": (
            "import threading\nout = []\nt = threading.Thread(target=out.append, args=(5,))\nt.start()\n"
            "t.join()\nprint(out[0])",
            "5",
        ),
        "fork_still_works": (
            "import os\npid = os.fork()\nif pid == 0:\n    os._exit(7)\nprint(os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]))",
            "7",
        ),
    }
    for name, nr in REFUSED_X86_64.items():
        cases[f"syscall_{name}"] = (_syscall_program(nr), f"-1 {errno.EPERM}")
    for flag, value in CLONE_NEW_FLAGS.items():
        cases[f"clone_{flag}"] = (_syscall_program(CLONE_NR, value | 17), f"-1 {errno.EPERM}")
    # clone3's flags sit in memory a filter cannot read: ENOSYS, so that glibc falls back to clone()
    cases["syscall_clone3"] = (_syscall_program(CLONE3_NR), f"-1 {errno.ENOSYS}")
    return cases


CASES = _cases()


@pytest.fixture(scope="module")
def host() -> Iterator[HostFixtures]:
    fixtures = HostFixtures()
    try:
        yield fixtures
    finally:
        fixtures.close()


@pytest.fixture(scope="module", params=[0, 4], ids=["fresh", "reuse"])
def batch(request: pytest.FixtureRequest, host: HostFixtures) -> Iterator[dict[str, Execution]]:
    cfg = SandboxConfig(timeout=10.0, workers=2, reuse_workers=request.param)
    with Sandbox(cfg) as sandbox:
        results = sandbox.run([code for code, _ in CASES.values()])
    yield dict(zip(CASES, results, strict=True))


@pytest.mark.parametrize("name", list(CASES))
def test_case(batch: dict[str, Execution], name: str) -> None:
    result = batch[name]
    assert result.status == ExecStatus.OK, result
    expected = CASES[name][1]
    if name == "list_root":
        top = set(json.loads(result.answer.replace("'", '"')))
        # only what the interpreter needs: the system directories and the paths leading to its own
        needed = {Path(p).parts[1] for p in (sys.prefix, sys.base_prefix, str(REPO / "src")) if p != "/"}
        assert top <= ALLOWED_TOP | needed, top
        assert {"dev", "proc", "tmp"} <= top
    else:
        assert result.answer == expected, result


def test_host_saw_nothing(batch: dict[str, Execution], host: HostFixtures) -> None:
    assert host.accepted == 0, "a program reached the host's unix socket"
    assert all(SECRET not in (r.stdout or "") for r in batch.values())


def test_filter_errno_reaches_python() -> None:
    """A refused call is an OSError in the program, never a crash of the harness."""
    code = "import os\ntry:\n    os.unshare(os.CLONE_NEWUSER)\nexcept OSError as e:\n    print(e.errno)"
    if not hasattr(os, "unshare"):  # Python < 3.12: through ctypes
        code = _syscall_program(REFUSED_X86_64["unshare"], 0x10000000).replace("print(rc, ", "print(")
    with Sandbox(SandboxConfig(timeout=5.0, workers=1)) as sandbox:
        (result,) = sandbox.run([code])
    assert result.status == ExecStatus.OK, result
    assert result.answer == str(errno.EPERM)


# --- the unprivileged path: a user namespace of the sandbox's own ------------------------------------

NOBODY = [
    "setpriv",
    "--reuid=65534",
    "--regid=65534",
    "--clear-groups",
    "--inh-caps=-all",
    "--bounding-set=-all",
]
UNPRIVILEGED = textwrap.dedent("""
    import json, sys
    from mammoth_math.execute import Sandbox, SandboxConfig
    programs = json.loads(sys.stdin.read())
    out = {}
    for reuse in (0, 4):
        with Sandbox(SandboxConfig(timeout=10.0, workers=2, reuse_workers=reuse)) as sb:
            results = sb.run(programs)
            out[str(reuse)] = {"isolation": sb.isolation, "results": [[r.status.value, r.answer] for r in results]}
    print(json.dumps(out))
""")
# what does not depend on the interpreter the unprivileged user can run (maybe one without numpy)
INTERPRETER_SPECIFIC = {"interpreter_works", "list_root", "write_interpreter_dir"}


def _nobody_env() -> dict[str, str]:
    return {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO / "src"), "LANG": "C.UTF-8"}


def _nobody_python() -> str | None:
    """An interpreter user nobody can run and import our sources with (the repo may sit under /root)."""
    if os.getuid() != 0 or not os.path.exists("/usr/bin/setpriv"):
        return None
    for exe in dict.fromkeys([sys.executable, "/usr/bin/python3"]):
        probe = subprocess.run(
            # the sandbox starts its server with sys.executable, so that must be runnable too
            [
                *NOBODY,
                exe,
                "-c",
                "import os, sys, mammoth_math.execute.sandbox; sys.exit(not os.access(sys.executable, os.X_OK))",
            ],
            env=_nobody_env(),
            capture_output=True,
            timeout=60,
        )
        if probe.returncode == 0:
            return exe
    return None


@pytest.mark.slow
def test_unprivileged_user_namespace_path(host: HostFixtures) -> None:
    exe = _nobody_python()
    if exe is None:
        pytest.skip("no interpreter that user nobody can run with this checkout (not root, or under /root)")
    names = [n for n in CASES if n not in INTERPRETER_SPECIFIC]
    proc = subprocess.run(
        [*NOBODY, exe, "-c", UNPRIVILEGED],
        input=json.dumps([CASES[n][0] for n in names]),
        env=_nobody_env(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    for mode, run in out.items():
        assert "userns" in run["isolation"] and "own PID namespace" in run["isolation"], run["isolation"]
        for name, (status, answer) in zip(names, run["results"], strict=True):
            assert (status, answer) == ("ok", CASES[name][1]), (mode, name)
    assert host.accepted == 0


# --- an interpreter and modules under /tmp (which the sandbox covers with its own) -------------------

UNDER_TMP = textwrap.dedent("""
    import json
    from mammoth_math.execute import Sandbox, SandboxConfig
    programs = ["import undertmp_site\\nprint(undertmp_site.VALUE)", "import undertmp_extra\\nprint(undertmp_extra.VALUE)",
                "import sys\\nprint(sys.prefix)"]
    out = {}
    for reuse in (0, 3):
        with Sandbox(SandboxConfig(timeout=10.0, workers=1, reuse_workers=reuse)) as sb:
            out[reuse] = [[r.status.value, r.answer, r.error] for r in sb.run(programs)]
    print(json.dumps(out))
""")


@pytest.mark.slow
def test_interpreter_and_modules_under_tmp(tmp_path: Path) -> None:
    assert str(tmp_path).startswith("/tmp/")  # 0700 directories on the way, as mktemp -d makes them
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = str(venv / "bin" / "python")
    site_dir = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    Path(site_dir, "undertmp_site.py").write_text("VALUE = 'from the venv under /tmp'\n")
    extra = tmp_path / "extra"
    extra.mkdir(mode=0o755)
    (extra / "undertmp_extra.py").write_text("VALUE = 'from a sys.path entry under /tmp'\n")
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": f"{REPO / 'src'}:{extra}", "LANG": "C.UTF-8"}
    proc = subprocess.run([python, "-c", UNDER_TMP], env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    for mode in ("0", "3"):
        assert out[mode] == [
            ["ok", "from the venv under /tmp", None],
            ["ok", "from a sys.path entry under /tmp", None],
            ["ok", str(venv), None],
        ], mode
