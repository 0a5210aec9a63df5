"""The server's wire format (length-prefixed JSON frames) and how a finished job becomes an Execution."""

from __future__ import annotations

import json
import os
import signal
import struct
from collections.abc import Iterator
from typing import Any

from mammoth_math.api.records import ExecStatus

_HEADER = struct.Struct(">I")


def encode_frame(obj: Any) -> bytes:
    body = json.dumps(obj, ensure_ascii=False).encode()
    return _HEADER.pack(len(body)) + body


def write_frame(fd: int, obj: Any) -> None:
    data = memoryview(encode_frame(obj))
    while data:
        n = os.write(fd, data)
        data = data[n:]


class FrameReader:
    """Incremental decoder: feed bytes, get whole messages."""

    def __init__(self) -> None:
        self.buf = bytearray()

    def feed(self, data: bytes) -> Iterator[Any]:
        self.buf += data
        pos = 0  # consume by offset and compact once: deleting per frame is quadratic on big reads
        try:
            while len(self.buf) - pos >= _HEADER.size:
                (size,) = _HEADER.unpack_from(self.buf, pos)
                end = pos + _HEADER.size + size
                if len(self.buf) < end:
                    return
                body = bytes(self.buf[pos + _HEADER.size : end])
                pos = end
                yield json.loads(body)
        finally:
            del self.buf[:pos]


def _last_line(text: str) -> str | None:
    for line in reversed(text.splitlines()):
        if line.strip():
            return line.strip()
    return None


def _signal_name(sig: int) -> str:
    try:
        return signal.Signals(sig).name
    except ValueError:
        return f"signal {sig}"


def assemble(
    *,
    job_id: int,
    wait_status: int | None,
    cpu: float,
    spawn_error: str | None,
    result: bytes,
    stdout: bytes,
    stderr: bytes,
    killed: str | None,
    seconds: float,
    cpu_limit: int,
) -> dict[str, Any]:
    """The Execution (as a dict) for one finished job, from what the server saw of it."""
    out = stdout.decode("utf-8", "replace")
    err = stderr.decode("utf-8", "replace")
    try:
        report = json.loads(result) if result else None
    except ValueError:
        report = None
    answer: str | None = None
    error: str | None = None
    if spawn_error is not None:
        status, error = ExecStatus.KILLED, f"SpawnFailed: {spawn_error}"
    elif killed == "output_limit":
        status, error = ExecStatus.OUTPUT_LIMIT, "OutputLimit: output cap reached, program stopped"
    elif killed == "timeout":
        status, error = ExecStatus.TIMEOUT, "Timeout: wall-clock limit reached, program stopped"
    elif killed is not None:
        status, error = ExecStatus.KILLED, "Killed: sandbox shut down while the program ran"
    elif wait_status is None:
        status, error = ExecStatus.KILLED, "Killed: no exit status from the program"
    elif os.WIFSIGNALED(wait_status):
        sig = os.WTERMSIG(wait_status)
        if sig == signal.SIGXCPU or (sig == signal.SIGKILL and cpu >= cpu_limit):
            status, error = ExecStatus.TIMEOUT, f"Timeout: CPU limit reached ({cpu:.1f}s CPU)"
        else:
            status, error = ExecStatus.KILLED, f"Killed: {_signal_name(sig)}"
    elif os.WEXITSTATUS(wait_status) != 0:
        code = os.WEXITSTATUS(wait_status)
        status, error = ExecStatus.ERROR, f"ExitStatus: program exited with status {code}"
        if code == 126:
            error = f"SandboxSetup: {err.strip()[-300:]}"
    elif isinstance(report, dict) and report.get("memory"):
        status, error = ExecStatus.MEMORY, str(report.get("error"))
    elif isinstance(report, dict) and report.get("error"):
        status, error = ExecStatus.ERROR, str(report["error"])
    else:
        status = ExecStatus.OK
        if isinstance(report, dict) and report.get("answer") is not None:
            answer = str(report["answer"])
        else:
            answer = _last_line(out)
    return {
        "id": job_id,
        "status": status.value,
        "answer": answer,
        "stdout": out,
        "stderr": err,
        "error": error,
        "seconds": round(seconds, 4),
    }
