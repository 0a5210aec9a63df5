"""A small pool of reusable sympy worker processes with a per-call wall-clock bound.

Why processes: sympy can run for hours on `10^{10^{10^{10}}}`, and the only bound that works from any
thread (servers, evaluation thread pools) without `signal.alarm` is to kill the process doing it. A
worker is started once (sympy import ~1 s, not counted against the call's bound) and reused; one that
overruns is killed and replaced, and the call answers `TIMEOUT`.

Protocol: one JSON line per request `[op, arg, ...]` on stdin; one JSON line `{"ok": result}` back.
"""

from __future__ import annotations

import atexit
import json
import os
import select
import subprocess
import sys
import threading
import time
from typing import Any

TIMEOUT = object()  # sentinel: the call ran past its bound
READY_TIMEOUT = 120.0  # seconds a fresh worker may take to import sympy on a loaded machine
MEMORY_LIMIT = 2 << 30  # bytes of address space a worker may use


class _Worker:
    def __init__(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "mammoth_math.grade.worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            bufsize=1,
        )
        self.ready = False

    def _readline(self, deadline: float) -> str | None:
        assert self.proc.stdout is not None
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            readable, _, _ = select.select([self.proc.stdout], [], [], left)
            if readable:
                return self.proc.stdout.readline()

    def call(self, request: list[Any], timeout: float) -> Any:
        if not self.ready:
            line = self._readline(time.monotonic() + READY_TIMEOUT)
            if line is None or line.strip() != "ready":
                raise RuntimeError("grade worker failed to start")
            self.ready = True
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps(request) + "\n")
        self.proc.stdin.flush()
        line = self._readline(time.monotonic() + timeout)
        if not line:  # timed out, or died (memory limit): the caller kills and replaces it
            return TIMEOUT
        return json.loads(line)["ok"]

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()


class WorkerPool:
    """Thread-safe: each call takes an idle worker (or starts one, up to `size`)."""

    def __init__(self, size: int = 2) -> None:
        self.size = size
        self._idle: list[_Worker] = []
        self._count = 0
        self._cond = threading.Condition()
        atexit.register(self.close)

    def call(self, request: list[Any], timeout: float) -> Any:
        worker = self._acquire()
        try:
            result = worker.call(request, timeout)
        except (OSError, ValueError, RuntimeError):
            result = TIMEOUT
        if result is TIMEOUT or worker.proc.poll() is not None:
            worker.kill()
            with self._cond:
                self._count -= 1
                self._cond.notify()
        else:
            with self._cond:
                self._idle.append(worker)
                self._cond.notify()
        return result

    def _acquire(self) -> _Worker:
        with self._cond:
            while True:
                if self._idle:
                    return self._idle.pop()
                if self._count < self.size:
                    self._count += 1
                    break
                self._cond.wait()
        try:
            return _Worker()
        except OSError:
            with self._cond:
                self._count -= 1
                self._cond.notify()
            raise

    def close(self) -> None:
        with self._cond:
            idle, self._idle = self._idle, []
            self._count -= len(idle)
        for w in idle:
            w.kill()


_POOL: WorkerPool | None = None
_POOL_LOCK = threading.Lock()


def pool() -> WorkerPool:
    global _POOL
    with _POOL_LOCK:
        if _POOL is None:
            _POOL = WorkerPool(size=max(1, min(4, int(os.environ.get("MAMMOTH_GRADE_WORKERS", "2")))))
        return _POOL


def symbolic_call(op: str, *args: str, timeout: float = 2.0) -> Any:
    """Run `symbolic.OPS[op](*args)` in a worker; `TIMEOUT` when it overruns `timeout` seconds."""
    return pool().call([op, *args], timeout)


def _serve() -> None:
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    except (ImportError, ValueError, OSError):
        pass
    from mammoth_math.grade.symbolic import OPS

    sys.stdout.write("ready\n")
    sys.stdout.flush()
    for line in sys.stdin:
        op, *args = json.loads(line)
        try:
            result = OPS[op](*args)
        except Exception:  # a crash in sympy is "undecided", never a dead worker
            result = None
        sys.stdout.write(json.dumps({"ok": result}) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    _serve()
