"""The template: the warm process every program is forked from, and the set-up each program gets.

Why a separate process: fork() write-protects every page of the forking process, so each page the
forking process writes afterwards faults again, and a write to a shared 2 MiB huge page splits it into
512 small ones for good. The zygote's event loop (pipes, JSON, timeouts, clean-up) writes all over its
heap, which made every fork and every exit slower as the warm heap fell apart into 4 KiB pages. The
template does nothing between forks but read one small message, so its heap stays on huge pages and
stays clean; the zygote keeps all the bookkeeping. Each program is cloned with CLONE_PARENT, so it is
the zygote's child: the zygote reaps it, watches it through a pidfd and kills it, exactly as before.
"""

from __future__ import annotations

import gc
import os
import signal
import socket
import sys
from collections.abc import Callable
from typing import Any

from mammoth_math.execute import fastfork, isolation
from mammoth_math.execute.child import RESULT_FD, run_program

# written by the zygote into the job's working directory, read and removed by the child
CODE_FILE = ".program.py"
CLONE_PARENT = 0x00008000
_FDS = 3  # stdout, stderr, result pipe: write ends, passed with each request
READY = b"ready"


class ProgramLimits:
    """What each program may use (a plain class: see isolation.Isolation for why not a dataclass)."""

    __slots__ = ("cpu_seconds", "file_bytes", "max_answer_chars", "memory_bytes", "nofile", "nproc")

    def __init__(
        self,
        *,
        memory_bytes: int,
        cpu_seconds: int,
        file_bytes: int,
        nproc: int,
        nofile: int,
        max_answer_chars: int,
    ) -> None:
        self.memory_bytes = memory_bytes
        self.cpu_seconds = cpu_seconds
        self.file_bytes = file_bytes
        self.nproc = nproc
        self.nofile = nofile
        self.max_answer_chars = max_answer_chars


class TemplateGone(RuntimeError):
    """The template process died: the zygote cannot start programs any more and must restart."""


def send_request(sock: socket.socket, workdir: str, uid: int | None, fds: list[int]) -> None:
    """Ask the template for one program process (its pid comes back later: read_reply)."""
    try:
        socket.send_fds(sock, [f"{-1 if uid is None else uid}\0{workdir}".encode()], fds)
    except OSError as exc:
        raise TemplateGone(str(exc)) from exc


def read_reply(sock: socket.socket) -> int | str:
    """The next reply: a program's pid (our child), or READY once the template has warmed up.

    Replies come in request order. Raises OSError when that clone failed (out of processes or
    memory), TemplateGone when the template itself is gone.
    """
    try:
        reply = sock.recv(64)
    except OSError as exc:
        raise TemplateGone(str(exc)) from exc
    if not reply:
        raise TemplateGone("the template process exited")
    if reply == READY:
        return READY.decode()
    pid = int(reply)
    if pid < 0:
        raise OSError(-pid, f"clone() failed in the template: {os.strerror(-pid)}")
    return pid


def serve(sock: socket.socket, cfg: dict[str, Any], isolated: bool, warm_up: Callable[[], None]) -> None:
    """Warm up, then the template's loop: one clone() per request, nothing else. Never returns."""
    isolation.prctl(isolation.PR_SET_PDEATHSIG, signal.SIGKILL)
    try:
        warm_up()
    except Exception:
        pass  # a module that fails to import here fails in the program that imports it, with its error
    gc.collect()
    gc.freeze()  # the warm heap stays shared with every child instead of being touched by gc
    if cfg.get("huge_pages", True):
        fastfork.collapse_heap()
    limits = ProgramLimits(
        memory_bytes=_vm_bytes() + int(cfg["memory_mb"]) * 2**20,
        cpu_seconds=int(float(cfg["timeout"])) + 1,
        file_bytes=int(cfg["max_file_mb"]) * 2**20,
        nproc=int(cfg["max_processes"]),
        nofile=int(cfg["max_open_files"]),
        max_answer_chars=int(cfg["max_output_bytes"]),
    )
    # the loop makes no cycles; collections would only walk (and write) young objects for nothing
    gc.disable()
    forker = fastfork.NamespaceForker()
    # a PID namespace per program: when the program ends or is killed, everything it started dies
    flags = CLONE_PARENT | (isolation.CLONE_NEWPID if isolated else 0)
    sock.send(READY)
    while True:
        try:
            msg, fds, _, _ = socket.recv_fds(sock, 8192, _FDS)
        except OSError:
            os._exit(0)
        if not msg:
            os._exit(0)  # the zygote closed its end
        uid_text, workdir = msg.decode().split("\0", 1)
        uid = int(uid_text)
        try:
            pid = forker.fork(flags)
        except OSError as exc:
            pid = -(exc.errno or 1)
        if pid == 0:
            try:
                _program(fds, workdir, None if uid < 0 else uid, limits)
            finally:
                os._exit(126)
        for fd in fds:
            os.close(fd)
        sock.send(str(pid).encode())


def _program(fds: list[int], workdir: str, uid: int | None, limits: ProgramLimits) -> None:
    try:
        gc.enable()
        os.setsid()
        null = os.open("/dev/null", os.O_RDONLY)
        os.dup2(null, 0)
        for target, fd in zip((1, 2, RESULT_FD), fds, strict=True):
            os.dup2(fd, target)
        os.closerange(RESULT_FD + 1, 1 << 16)
        os.chdir(workdir)
        with open(CODE_FILE, encoding="utf-8", errors="surrogatepass") as f:
            code = f.read()
        os.unlink(CODE_FILE)
        os.umask(0o077)
        isolation.apply_limits(
            memory_bytes=limits.memory_bytes,
            cpu_seconds=limits.cpu_seconds,
            file_bytes=limits.file_bytes,
            nproc=limits.nproc,
            nofile=limits.nofile,
        )
        if uid is not None:
            isolation.drop_privileges(uid)
        # after the uid change (which clears it): never outlive the zygote (our parent, by CLONE_PARENT)
        isolation.prctl(isolation.PR_SET_PDEATHSIG, signal.SIGKILL)
        isolation.prctl(isolation.PR_SET_NO_NEW_PRIVS, 1)
        os.environ.clear()
        os.environ.update(program_env(workdir))
        if "tempfile" in sys.modules:  # else the program's own import reads TMPDIR
            sys.modules["tempfile"].tempdir = workdir
        sys.argv = ["<program>"]
    except BaseException as exc:
        os.write(2, f"sandbox setup failed: {exc}\n".encode())
        os._exit(126)
    run_program(code, limits.max_answer_chars)


def _vm_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


def program_env(workdir: str) -> dict[str, str]:
    return {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": workdir,
        "TMPDIR": workdir,
        "LANG": "C.UTF-8",
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
    }
