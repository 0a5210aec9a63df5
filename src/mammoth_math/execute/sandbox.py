"""The caller's side: `Sandbox.run(programs)` sends programs to a server process and waits for results.

One server per Sandbox, started lazily on the first `run` (so constructing one is free) and restarted
if it dies. `run` is thread-safe: calls from several threads share the server's workers.
"""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
import threading
from collections.abc import Sequence
from concurrent.futures import Future
from dataclasses import asdict, dataclass
from typing import Any

from mammoth_math.api.records import ExecStatus, Execution
from mammoth_math.execute import protocol


@dataclass(frozen=True)
class SandboxConfig:
    timeout: float = 5.0  # wall-clock seconds per program (CPU limit: this + 1)
    memory_mb: int = 1024  # address space a program may add on top of the warm interpreter
    workers: int = 2  # programs run at the same time
    max_output_bytes: int = 65536  # stdout cap, and cap on all stderr written; beyond: output_limit
    unsafe_no_isolation: bool = False  # run without namespaces/uid drop when they are unavailable
    max_file_mb: int = 16  # largest file a program may write (RLIMIT_FSIZE)
    max_processes: int = 64  # RLIMIT_NPROC for the unprivileged uid
    max_open_files: int = 256  # RLIMIT_NOFILE
    tmp_mb: int = 256  # size of the private /tmp that holds the working directories
    startup_timeout: float = 180.0  # seconds for the server to start, and for each template to warm up
    # opt-in: a worker process runs up to this many programs (0: a fresh process per program); faster
    # for sympy-heavy batches, but a program can leave state behind for the next ones (execute/worker.py)
    reuse_workers: int = 0

    def __post_init__(self) -> None:
        for name in ("timeout", "memory_mb", "workers", "max_output_bytes", "max_file_mb"):
            if getattr(self, name) <= 0:
                raise ValueError(f"SandboxConfig.{name} must be > 0, got {getattr(self, name)!r}")
        if self.reuse_workers < 0:
            raise ValueError(f"SandboxConfig.reuse_workers must be >= 0, got {self.reuse_workers!r}")


def _server_path() -> str:
    """The server's PYTHONPATH: where mammoth_math lives and what the user put on PYTHONPATH.

    Not our sys.path: every directory on the server's path is bound into the root programs see, and
    ours may hold the working directory, a script's folder or a test tree.
    """
    import mammoth_math

    package_parent = os.path.dirname(os.path.dirname(os.path.abspath(mammoth_math.__file__)))
    user = [os.path.abspath(p) for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    return os.pathsep.join(dict.fromkeys([package_parent, *user]))


def _refused(error: str) -> Execution:
    return Execution(status=ExecStatus.REFUSED, error=error)


class _Server:
    """One server process and the thread that reads its results."""

    def __init__(self, cfg: SandboxConfig) -> None:
        payload = {**asdict(cfg), "parent_pid": os.getpid()}
        # a scrubbed environment: the server (and so every program) inherits nothing of ours
        env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8", "PYTHONDONTWRITEBYTECODE": "1"}
        env["PYTHONPATH"] = _server_path()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "mammoth_math.execute.server", json.dumps(payload)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
            cwd="/",
        )
        self.lock = threading.Lock()
        self.pending: dict[int, Future[Execution]] = {}
        self.ready: Future[str] = Future()  # isolation description, or an exception (refused)
        self.dead = False
        self.reader = threading.Thread(target=self._read, name="sandbox-reader", daemon=True)
        self.reader.start()

    def _read(self) -> None:
        frames = protocol.FrameReader()
        assert self.proc.stdout is not None
        fd = self.proc.stdout.fileno()
        try:
            while True:
                data = os.read(fd, 1 << 20)
                if not data:
                    break
                for msg in frames.feed(data):
                    if "ready" in msg:
                        if msg["ready"]:
                            self.ready.set_result(str(msg["isolation"]))
                        else:
                            self.ready.set_exception(RuntimeError(str(msg["error"])))
                        continue
                    job_id = int(msg.pop("id"))
                    msg["status"] = ExecStatus(msg["status"])
                    with self.lock:
                        future = self.pending.pop(job_id, None)
                    if future is not None:
                        future.set_result(Execution(**msg))
        except OSError:
            pass
        finally:
            with self.lock:
                self.dead = True
                orphans = list(self.pending.values())
                self.pending.clear()
            if not self.ready.done():
                self.ready.set_exception(RuntimeError("sandbox server exited during start-up"))
            for future in orphans:
                future.set_result(
                    Execution(status=ExecStatus.KILLED, error="SandboxDied: the sandbox server exited")
                )
            self.proc.wait()

    def submit(self, job_id: int, code: str) -> Future[Execution]:
        future: Future[Execution] = Future()
        with self.lock:
            if self.dead:
                future.set_result(
                    Execution(status=ExecStatus.KILLED, error="SandboxDied: the sandbox server exited")
                )
                return future
            self.pending[job_id] = future
            assert self.proc.stdin is not None
            try:
                self.proc.stdin.write(protocol.encode_frame({"id": job_id, "code": code}))
                self.proc.stdin.flush()
            except (BrokenPipeError, ValueError):
                self.pending.pop(job_id, None)
                future.set_result(
                    Execution(status=ExecStatus.KILLED, error="SandboxDied: the sandbox server exited")
                )
        return future

    def close(self) -> None:
        try:
            if self.proc.stdin is not None:
                self.proc.stdin.close()  # EOF: the server kills what runs and exits
        except OSError:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.reader.join(timeout=10)
        if self.proc.stdout is not None:
            self.proc.stdout.close()


class Sandbox:
    """Runs model-written Python programs in isolation; implements the `Executor` protocol."""

    def __init__(self, config: SandboxConfig | None = None) -> None:
        self.config = config or SandboxConfig()
        self._lock = threading.Lock()
        self._server: _Server | None = None
        self._ids = itertools.count()
        self._closed = False

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    @property
    def isolation(self) -> str:
        """What isolation the server set up (starts it if needed); raises RuntimeError when refused."""
        return self._ensure().ready.result(timeout=self.config.startup_timeout)

    def _ensure(self) -> _Server:
        with self._lock:
            if self._closed:
                raise RuntimeError("Sandbox is closed")
            if self._server is None or (self._server.dead and self._server.ready.done()):
                if self._server is not None:
                    self._server.close()
                self._server = _Server(self.config)
            return self._server

    def run(self, programs: Sequence[str]) -> list[Execution]:
        """One Execution per program, in order. Never raises for a bad program."""
        if isinstance(programs, str):
            raise TypeError("Sandbox.run takes a sequence of programs, not one string")
        if not programs:
            return []
        server = self._ensure()
        try:
            server.ready.result(timeout=self.config.startup_timeout)
        except Exception as exc:
            message = str(exc)
            if not message.startswith("IsolationUnavailable"):
                message = f"SandboxUnavailable: {message}"
            return [_refused(message) for _ in programs]
        futures: list[Future[Execution] | Execution] = []
        for code in programs:
            if not isinstance(code, str) or not code.strip():
                futures.append(_refused("EmptyProgram: no code to run"))
            else:
                futures.append(server.submit(next(self._ids), code))
        return [f if isinstance(f, Execution) else f.result() for f in futures]

    def close(self) -> None:
        with self._lock:
            self._closed = True
            server, self._server = self._server, None
        if server is not None:
            server.close()
