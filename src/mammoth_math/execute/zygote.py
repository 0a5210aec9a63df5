"""The fork server: one per Sandbox, started as `python -m mammoth_math.execute.zygote CONFIG_JSON`.

It enters its isolation once (network + mount namespaces), imports and exercises what programs use,
freezes the heap for the garbage collector, then serves requests framed on its stdin/stdout. Per
program it forks (clone) the program as the init of a fresh PID namespace: killing it (timeout, output
cap) or its normal end kills every process the program started, setsid'ed or not.
"""

from __future__ import annotations

import gc
import json
import os
import resource
import selectors
import shutil
import signal
import sys
import tempfile
import time
from collections import deque
from typing import Any

from mammoth_math.execute import fastfork, isolation, protocol
from mammoth_math.execute.child import RESULT_FD, run_program

_STDERR_TAIL = 4096
_DRAIN_GRACE = 0.5  # seconds to wait for pipe EOF after the program is gone (matters in unsafe mode)


def warm() -> None:
    """Import and exercise common modules, so each program pays neither imports nor cold caches."""
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
        # a thread pool in the zygote would not survive fork()
        os.environ[var] = "1"
    import bisect  # noqa: F401
    import cmath  # noqa: F401
    import collections  # noqa: F401
    import copy  # noqa: F401
    import datetime  # noqa: F401
    import decimal
    import fractions
    import functools  # noqa: F401
    import heapq  # noqa: F401
    import itertools  # noqa: F401
    import math
    import operator  # noqa: F401
    import random  # noqa: F401
    import re  # noqa: F401
    import statistics
    import string  # noqa: F401

    import numpy as np
    import sympy as sp

    fractions.Fraction(3, 4) + fractions.Fraction(1, 6)
    decimal.Decimal("1.1") * 3
    statistics.median([1, 2, 3]), statistics.stdev([1.0, 2.0, 4.0])
    math.comb(10, 3)
    np.linalg.solve(np.array([[2.0, 1.0], [1.0, 3.0]]), np.array([1.0, 2.0]))
    np.arange(10).reshape(2, 5).sum(axis=0).mean()
    x, y = sp.symbols("x y")
    str(sp.solve(x**2 - 5 * x + 6, x))
    str(sp.solve([x + y - 3, x - y - 1], [x, y]))
    sp.simplify((x**2 - 1) / (x - 1))
    sp.factor(x**3 - x), sp.expand((x + 1) ** 3), sp.integrate(x**2, (x, 0, 1)), sp.diff(sp.sin(x), x)
    sp.limit(sp.sin(x) / x, x, 0), sp.Rational(1, 3) + sp.Rational(1, 6), sp.nsimplify(0.5), sp.sqrt(8)
    sp.Matrix([[1, 2], [3, 4]]).det(), sp.factorint(360), sp.isprime(97), sp.N(sp.pi, 10)
    sp.latex(x**2 / 3), sp.sympify("2*x + 1"), sp.Eq(x, 1), sp.solveset(x**2 - 4, x, sp.S.Reals)


class Job:
    def __init__(self, job_id: int, code: str) -> None:
        self.id = job_id
        self.code = code
        self.start = 0.0
        self.deadline = 0.0
        self.slot = 0
        self.pid = 0  # the program's pid in our namespace
        self.wait_status: int | None = None
        self.cpu = 0.0
        self.spawn_error: str | None = None
        self.workdir = ""
        self.fds: dict[str, int] = {}
        self.stdout = bytearray()
        self.stderr = bytearray()
        self.stderr_total = 0
        self.result = bytearray()
        self.killed: str | None = None  # "timeout" | "output_limit"
        self.exited_at: float | None = None


class Zygote:
    def __init__(self, cfg: dict[str, Any], iso: isolation.Isolation | None, out_fd: int) -> None:
        self.cfg = cfg
        self.iso = iso
        self.out_fd = out_fd
        self.sel = selectors.DefaultSelector()
        self.queue: deque[Job] = deque()
        self.running: dict[int, Job] = {}
        self.cap = int(cfg["max_output_bytes"])
        self.timeout = float(cfg["timeout"])
        base_vm = _vm_bytes()
        self.limits = {
            "memory_bytes": base_vm + int(cfg["memory_mb"]) * 2**20,
            "cpu_seconds": int(self.timeout) + 1,
            "file_bytes": int(cfg["max_file_mb"]) * 2**20,
            "nproc": int(cfg["max_processes"]),
            "nofile": int(cfg["max_open_files"]),
        }
        self.tmp_root = "/tmp" if iso else tempfile.mkdtemp(prefix="mammoth-sandbox-")
        self.forker = fastfork.NamespaceForker()
        self.free_slots = list(range(min(int(cfg["workers"]), isolation.UID_BLOCK)))

    # -- launching ------------------------------------------------------------------------------

    def launch(self, job: Job) -> None:
        job.workdir = tempfile.mkdtemp(prefix=f"job-{job.id}-", dir=self.tmp_root)
        job.slot = self.free_slots.pop()
        uid = None
        if self.iso and self.iso.drop_uid is not None:
            uid = self.iso.drop_uid + job.slot
            os.chown(job.workdir, uid, uid)
        pipes = {name: os.pipe() for name in ("out", "err", "res")}
        job.start = time.monotonic()
        job.deadline = job.start + self.timeout
        try:
            # the program is the init of a fresh PID namespace: when it dies, all it started dies
            pid = self.forker.fork(isolation.CLONE_NEWPID) if self.iso else os.fork()
        except OSError as exc:
            for r, w in pipes.values():
                os.close(r)
                os.close(w)
            job.spawn_error = str(exc)
            job.exited_at = time.monotonic()
            self.running[job.id] = job
            return
        if pid == 0:
            try:
                self._program(job, {k: w for k, (_, w) in pipes.items()}, uid)
            finally:
                os._exit(126)
        job.pid = pid
        for name, (r, w) in pipes.items():
            os.close(w)
            os.set_blocking(r, False)
            job.fds[name] = r
            self.sel.register(r, selectors.EVENT_READ, (name, job))
        job.fds["exit"] = os.pidfd_open(pid)
        self.sel.register(job.fds["exit"], selectors.EVENT_READ, ("exit", job))
        self.running[job.id] = job

    def _program(self, job: Job, w: dict[str, int], uid: int | None) -> None:
        try:
            os.setsid()
            null = os.open("/dev/null", os.O_RDONLY)
            os.dup2(null, 0)
            os.dup2(w["out"], 1)
            os.dup2(w["err"], 2)
            os.dup2(w["res"], RESULT_FD)
            os.closerange(RESULT_FD + 1, 1 << 16)
            os.chdir(job.workdir)
            os.umask(0o077)
            isolation.apply_limits(**self.limits)
            if uid is not None:
                isolation.drop_privileges(uid)
            # after the uid change (which clears it): never outlive the zygote
            isolation.prctl(isolation.PR_SET_PDEATHSIG, signal.SIGKILL)
            isolation.prctl(isolation.PR_SET_NO_NEW_PRIVS, 1)
            os.environ.clear()
            os.environ.update(_program_env(job.workdir))
            tempfile.tempdir = job.workdir
            sys.argv = ["<program>"]
        except BaseException as exc:
            os.write(2, f"sandbox setup failed: {exc}\n".encode())
            os._exit(126)
        run_program(job.code, self.cap)

    # -- watching -------------------------------------------------------------------------------

    def kill(self, job: Job, reason: str) -> None:
        if job.killed is None:
            job.killed = reason
        if job.pid and job.wait_status is None:  # not reaped yet, so the pid cannot have been reused
            try:
                if self.iso:
                    os.kill(job.pid, signal.SIGKILL)  # init of its PID namespace: takes all with it
                else:
                    os.killpg(job.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass

    def on_readable(self, name: str, job: Job) -> None:
        fd = job.fds[name]
        if name == "exit":
            pid, status, usage = os.wait4(job.pid, os.WNOHANG)
            if pid == 0:
                return
            job.wait_status, job.cpu = status, usage.ru_utime + usage.ru_stime
            job.exited_at = time.monotonic()
            self._close(job, name)
            if not self.iso:
                try:
                    os.killpg(job.pid, signal.SIGKILL)  # leftovers of its process group
                except (ProcessLookupError, PermissionError):
                    pass
            return
        try:
            data = os.read(fd, 1 << 16)
        except BlockingIOError:
            return
        if not data:
            self._close(job, name)
            return
        if name == "out":
            room = self.cap - len(job.stdout)
            job.stdout += data[: max(room, 0)]
            if len(data) > room:
                self.kill(job, "output_limit")
        elif name == "err":
            job.stderr_total += len(data)
            job.stderr = (job.stderr + data)[-_STDERR_TAIL:]
            if job.stderr_total > self.cap:
                self.kill(job, "output_limit")
        elif len(job.result) < 2 * self.cap + 4096:
            job.result += data

    def _close(self, job: Job, name: str) -> None:
        fd = job.fds.pop(name)
        self.sel.unregister(fd)
        os.close(fd)

    def finish(self, job: Job) -> dict[str, Any]:
        for name in list(job.fds):
            if name == "exit" and job.wait_status is None:
                _, job.wait_status = os.waitpid(job.pid, 0)  # killed just before: reap it now
            self._close(job, name)
        shutil.rmtree(job.workdir, ignore_errors=True)
        del self.running[job.id]
        self.free_slots.append(job.slot)
        return protocol.assemble(
            job_id=job.id,
            wait_status=job.wait_status,
            cpu=job.cpu,
            spawn_error=job.spawn_error,
            result=bytes(job.result),
            stdout=bytes(job.stdout),
            stderr=bytes(job.stderr),
            killed=job.killed,
            seconds=(job.exited_at or time.monotonic()) - job.start,
            cpu_limit=self.limits["cpu_seconds"],
        )

    # -- the loop -------------------------------------------------------------------------------

    def serve(self, in_fd: int) -> None:
        self.sel.register(in_fd, selectors.EVENT_READ, ("parent", None))
        reader = protocol.FrameReader()
        while True:
            while self.queue and self.free_slots:
                self.launch(self.queue.popleft())
            now = time.monotonic()
            wake = [j.deadline for j in self.running.values() if not j.killed]
            wake += [j.exited_at + _DRAIN_GRACE for j in self.running.values() if j.exited_at]
            wait = max(0.0, min(wake) - now) if wake else None
            for key, _ in self.sel.select(wait):
                name, job = key.data
                if name == "parent":
                    data = os.read(in_fd, 1 << 20)
                    if not data:
                        self.shutdown()
                        return
                    for msg in reader.feed(data):
                        self.queue.append(Job(int(msg["id"]), str(msg["code"])))
                elif job.id in self.running and name in job.fds:
                    self.on_readable(name, job)
            now = time.monotonic()
            for job in list(self.running.values()):
                if not job.killed and now >= job.deadline and job.exited_at is None:
                    self.kill(job, "timeout")
                drained = job.exited_at is not None and (not job.fds or now >= job.exited_at + _DRAIN_GRACE)
                if drained:
                    protocol.write_frame(self.out_fd, self.finish(job))

    def shutdown(self) -> None:
        for job in list(self.running.values()):
            self.kill(job, "killed")
            self.finish(job)
        if not self.iso:
            shutil.rmtree(self.tmp_root, ignore_errors=True)  # on the host's /tmp in unsafe mode


def _program_env(workdir: str) -> dict[str, str]:
    return {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": workdir,
        "TMPDIR": workdir,
        "LANG": "C.UTF-8",
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
    }


def _vm_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[0]) * resource.getpagesize()


def main() -> None:
    cfg = json.loads(sys.argv[1])
    # keep the protocol off fds 0/1 so nothing a library prints can corrupt it
    in_fd, out_fd = os.dup(0), os.dup(1)
    null = os.open("/dev/null", os.O_RDWR)
    os.dup2(null, 0)
    os.dup2(null, 1)
    isolation.prctl(isolation.PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != int(cfg["parent_pid"]):
        return
    iso = None
    try:
        iso = isolation.setup(int(cfg["tmp_mb"]))
    except (isolation.IsolationError, OSError) as exc:
        # only an explicit opt-in lets programs run without isolation
        if not cfg["unsafe_no_isolation"]:
            protocol.write_frame(out_fd, {"ready": False, "error": f"IsolationUnavailable: {exc}"})
            return
    warm()
    gc.collect()
    gc.freeze()  # the warm heap stays shared with every child instead of being touched by gc
    desc = iso.description if iso else "UNSAFE: no namespaces, no uid drop (process group kill only)"
    protocol.write_frame(out_fd, {"ready": True, "isolation": desc})
    Zygote(cfg, iso, out_fd).serve(in_fd)


if __name__ == "__main__":
    main()
