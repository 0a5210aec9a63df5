"""A template: a warm process programs are cloned from, and the set-up each program gets.

Why a separate process: fork() write-protects every page of the forking process, so each page the
forking process writes afterwards faults (and is copied) again. The server's event loop (pipes, JSON,
timeouts, clean-up) writes all over its heap, so forking from it made every program dearer; a
template does nothing between clones but read one small message, so its heap stays clean, and it
holds only what its programs import (warm.py). Each program is cloned with CLONE_PARENT, so it is the
server's child: the server reaps it, watches it through a pidfd and kills it. The light template also
clones the other templates on request, so they start from its small heap rather than the server's.
"""

from __future__ import annotations

import errno
import gc
import os
import signal
import socket
from collections.abc import Callable
from typing import Any

from mammoth_math.execute import fastfork, isolation, seccomp
from mammoth_math.execute.child import RESULT_FD, fresh_stdio, run_program
from mammoth_math.execute.process import Confinement, enter, program_env, take_program

CLONE_PARENT = 0x00008000
_FDS = 3  # stdout, stderr, result pipe: write ends, passed with each request
READY = b"ready"
PROGRAM = "P"
WORKER = "W"
TEMPLATE = "T"  # asked of the light template: clone another template (its name in place of workdir)


class TemplateGone(RuntimeError):
    """The template process died: the server cannot start programs any more and must restart."""


def send_request(sock: socket.socket, kind: str, workdir: str, uid: int | None, fds: list[int]) -> None:
    """Ask the template for one process (its pid comes back later: read_reply).

    kind PROGRAM: a process that runs the program in `workdir` with its output on `fds`; kind WORKER:
    a process that runs program after program sent over the socket in `fds` (worker.py).
    """
    try:
        socket.send_fds(sock, [f"{kind}\0{-1 if uid is None else uid}\0{workdir}".encode()], fds)
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


def serve(
    sock: socket.socket,
    cfg: dict[str, Any],
    iso: isolation.Isolation | None,
    install_filter: bool,
    warm_up: Callable[[], None],
) -> None:
    """Warm up, then the template's loop: one clone() per request, nothing else. Never returns.

    With `install_filter` (the first template) the seccomp filter goes in before the loop: every
    process cloned from here on (the other templates, programs, workers) inherits it, so no program
    pays for building and attaching one (the kernel compiles each attached filter: ~0.25 ms).
    """
    isolation.prctl(isolation.PR_SET_PDEATHSIG, signal.SIGKILL)
    try:
        warm_up()
    except Exception:
        pass  # a module that fails to import here fails in the program that imports it, with its error
    gc.collect()
    gc.freeze()  # the warm heap stays shared with every child instead of being touched by gc
    conf = Confinement(
        memory_bytes=_vm_bytes() + int(cfg["memory_mb"]) * 2**20,
        cpu_seconds=int(float(cfg["timeout"])) + 1,
        file_bytes=int(cfg["max_file_mb"]) * 2**20,
        nproc=int(cfg["max_processes"]),
        nofile=int(cfg["max_open_files"]),
        max_answer_chars=int(cfg["max_output_bytes"]),
        isolated=iso is not None,
        program_proc=iso is not None and iso.program_proc,
    )
    # done once here rather than in every program: the scrubbed environment (all but HOME and
    # TMPDIR), and fresh, empty stdio text layers (children's fds 0-2 are dup2'ed under them)
    os.environ.clear()
    os.environ.update(program_env("/"))
    fresh_stdio()
    # the loop makes no cycles; collections would only walk (and write) young objects for nothing
    gc.disable()
    forker = fastfork.NamespaceForker()
    # a PID namespace per program: when the program ends or is killed, everything it started dies;
    # a mount namespace per program, to cover /proc with a procfs of that PID namespace
    flags = CLONE_PARENT
    if iso is not None:
        flags |= isolation.CLONE_NEWPID | (isolation.CLONE_NEWNS if iso.program_proc else 0)
    if iso is not None:
        isolation.drop_bounding_set()  # inherited by every clone; our own capabilities stay
    if install_filter:
        seccomp.Installer(
            seccomp.build(
                clone_exact=forker.full_flags(flags),
                mount_exact=[isolation.PROC_MOUNT_FLAGS] if conf.program_proc else [],
            )
        ).install()
    sock.send(READY)
    while True:
        try:
            msg, fds, _, _ = socket.recv_fds(sock, 8192, _FDS)
        except OSError:
            os._exit(0)
        if not msg:
            os._exit(0)  # the server closed its end
        kind, uid_text, workdir = msg.decode().split("\0", 2)
        uid = int(uid_text)
        try:
            # a template is not a program: no PID namespace of its own (its programs get theirs)
            pid = forker.fork(CLONE_PARENT if kind == TEMPLATE else flags)
        except OSError as exc:
            pid = -(exc.errno or errno.EAGAIN)  # clone() through ctypes gives no errno: most likely this
        if pid == 0:
            try:
                if kind == TEMPLATE:
                    _template(sock, fds[0], cfg, iso, workdir)
                elif kind == WORKER:
                    _worker(
                        fds[0], workdir, None if uid < 0 else uid, conf, int(cfg.get("reuse_workers") or 0)
                    )
                else:
                    _program(fds, workdir, None if uid < 0 else uid, conf)
            finally:
                os._exit(126)
        for fd in fds:
            os.close(fd)
        sock.send(str(pid).encode())


def _template(
    parent_sock: socket.socket,
    fd: int,
    cfg: dict[str, Any],
    iso: isolation.Isolation | None,
    name: str,
) -> None:
    from mammoth_math.execute.warm import WARM_UP

    parent_sock.detach()  # the light template's socket: closed with the rest below, not shut down
    os.closerange(3, fd)
    os.closerange(fd + 1, 1 << 16)
    serve(socket.socket(fileno=fd), cfg, iso, False, WARM_UP[name])  # the filter came with the clone


def _program(fds: list[int], workdir: str, uid: int | None, conf: Confinement) -> None:
    try:
        code = take_program(fds, workdir, RESULT_FD)
        enter(uid, conf, conf.cpu_seconds, keep=RESULT_FD)
    except BaseException as exc:
        os.write(2, f"sandbox setup failed: {exc}\n".encode())
        os._exit(126)
    run_program(code, conf.max_answer_chars)


def _worker(control: int, workdir: str, uid: int | None, conf: Confinement, reuse: int) -> None:
    from mammoth_math.execute import worker

    try:
        os.dup2(control, worker.CONTROL_FD)
        null = os.open("/dev/null", os.O_WRONLY)
        for fd in (1, 2, RESULT_FD):
            os.dup2(null, fd)
        os.chdir(workdir)
        # the CPU limit is per program (worker.py lowers the soft limit before each one)
        enter(uid, conf, conf.cpu_seconds * (reuse + 1), keep=worker.CONTROL_FD)
    except BaseException as exc:
        os.write(2, f"sandbox setup failed: {exc}\n".encode())
        os._exit(126)
    worker.serve(conf.cpu_seconds, conf.max_answer_chars)


def _vm_bytes() -> int:
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:  # no /proc in the root (root.py): a warm interpreter's usual size, generously
        return 4 << 30
