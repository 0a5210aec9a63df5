"""Per-process set-up: what turns a fresh clone of a template into a sandboxed program process.

Used by a program process (template.py) and, once per worker and per program, by a reusing worker
(worker.py): both import it, neither imports the other.
"""

from __future__ import annotations

import gc
import os
import signal
import sys

from mammoth_math.execute import isolation

# written by the sandbox server into the job's working directory, read and removed by the child
CODE_FILE = ".program.py"


class Confinement:
    """What every program may use and how it is shut in, fixed per template when it starts.

    A plain class (see isolation.Isolation for why not a dataclass).
    """

    __slots__ = (
        "cpu_seconds",
        "file_bytes",
        "isolated",
        "max_answer_chars",
        "memory_bytes",
        "nofile",
        "nproc",
        "program_proc",
    )

    def __init__(
        self,
        *,
        memory_bytes: int,
        cpu_seconds: int,
        file_bytes: int,
        nproc: int,
        nofile: int,
        max_answer_chars: int,
        isolated: bool,
        program_proc: bool,
    ) -> None:
        self.memory_bytes = memory_bytes
        self.cpu_seconds = cpu_seconds
        self.file_bytes = file_bytes
        self.nproc = nproc
        self.nofile = nofile
        self.max_answer_chars = max_answer_chars
        self.isolated = isolated  # namespaces: capabilities to drop, a PID namespace of its own
        self.program_proc = program_proc  # mount a procfs of its own PID namespace (fresh mount ns)


def enter(uid: int | None, conf: Confinement, cpu_hard: int, keep: int) -> None:
    """Become a sandboxed process: own session, stdin closed, no fd above `keep`, its own /proc, limits,
    no capabilities (unprivileged uid as root), no new privileges. The environment and the seccomp
    filter are the template's, inherited with the clone (template.serve)."""
    gc.enable()
    os.setsid()
    null = os.open("/dev/null", os.O_RDONLY)
    os.dup2(null, 0)
    os.closerange(keep + 1, 1 << 16)
    os.umask(0o077)
    if conf.program_proc:
        isolation.mount_program_proc()  # before the capabilities go
    isolation.apply_limits(
        memory_bytes=conf.memory_bytes,
        cpu_seconds=conf.cpu_seconds,
        cpu_hard=cpu_hard + 1,
        file_bytes=conf.file_bytes,
        nproc=conf.nproc,
        nofile=conf.nofile,
    )
    if conf.isolated:
        isolation.drop_capabilities(uid)
    # after the uid change (which clears it): never outlive the server (our parent, by CLONE_PARENT)
    isolation.prctl(isolation.PR_SET_PDEATHSIG, signal.SIGKILL)
    sys.argv = ["<program>"]
    isolation.prctl(isolation.PR_SET_NO_NEW_PRIVS, 1)  # already set with a filter; kept without one


def take_program(fds: list[int], workdir: str, result_fd: int) -> str:
    """Take one program's stdout/stderr/result pipes and working directory; returns its code.

    Used by a fresh program process and, per program, by a reusing worker.
    """
    for target, fd in zip((1, 2, result_fd), fds, strict=True):
        os.dup2(fd, target)
        if fd != target:
            os.close(fd)
    os.chdir(workdir)
    code = read_code(CODE_FILE)
    # the template's environment is already the programs' (serve()): only these two differ per program
    os.environ["HOME"] = os.environ["TMPDIR"] = workdir
    if "tempfile" in sys.modules:  # else the program's own import reads TMPDIR
        sys.modules["tempfile"].tempdir = workdir
    return code


def read_code(path: str) -> str:
    """Read and remove the program file (plain os calls: cheaper than open() in a fresh process)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        chunks = []
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
    finally:
        os.close(fd)
    os.unlink(path)
    return b"".join(chunks).decode("utf-8", "surrogatepass")


def program_env(workdir: str) -> dict[str, str]:
    return {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": workdir,
        "TMPDIR": workdir,
        "LANG": "C.UTF-8",
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
    }
