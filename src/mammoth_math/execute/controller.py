"""The zygote's bookkeeping: the queue, one clone request per program, timeouts, output caps, results.

It lives apart from zygote.py so that the templates, forked before this is imported, carry none of it.
"""

from __future__ import annotations

import os
import selectors
import shutil
import signal
import socket
import tempfile
import time
from collections import deque
from typing import Any

from mammoth_math.execute import isolation, protocol, template, warm

_STDERR_TAIL = 4096
_DRAIN_GRACE = 0.5  # seconds to wait for pipe EOF after the program is gone (matters in unsafe mode)


class Job:
    def __init__(self, job_id: int, code: str) -> None:
        self.id = job_id
        self.code = code
        self.start = 0.0
        self.deadline = float("inf")  # set when the program process exists
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
        self.template = warm.template_for(code)


class Zygote:
    def __init__(
        self,
        cfg: dict[str, Any],
        iso: isolation.Isolation | None,
        out_fd: int,
        templates: dict[str, socket.socket],
    ) -> None:
        self.cfg = cfg
        self.iso = iso
        self.out_fd = out_fd
        self.templates = templates  # our ends of the templates' sockets, by warm.LIGHT / warm.FULL
        self.sel = selectors.DefaultSelector()
        # requests sent and not answered yet, per template (replies come in request order)
        self.spawning: dict[str, deque[Job]] = {name: deque() for name in templates}
        self.warming = set(templates)  # templates that have not said READY yet
        self.warm_deadline = time.monotonic() + float(cfg["startup_timeout"])
        for name, sock in templates.items():
            self.sel.register(sock, selectors.EVENT_READ, ("template", name))
        self.queue: deque[Job] = deque()
        self.running: dict[int, Job] = {}
        self.cap = int(cfg["max_output_bytes"])
        self.timeout = float(cfg["timeout"])
        self.cpu_limit = int(self.timeout) + 1
        self.tmp_root = "/tmp" if iso else tempfile.mkdtemp(prefix="mammoth-sandbox-")
        self.free_slots = list(range(min(int(cfg["workers"]), isolation.UID_BLOCK)))

    # -- launching ------------------------------------------------------------------------------

    def launch(self, job: Job) -> None:
        job.workdir = tempfile.mkdtemp(prefix=f"job-{job.id}-", dir=self.tmp_root)
        job.slot = self.free_slots.pop()
        uid = None
        if self.iso and self.iso.drop_uid is not None:
            uid = self.iso.drop_uid + job.slot
            os.chown(job.workdir, uid, uid)
        # the child reads it (as root, before dropping privileges) and removes it
        with open(
            os.path.join(job.workdir, template.CODE_FILE), "w", encoding="utf-8", errors="surrogatepass"
        ) as f:
            f.write(job.code)
        pipes = {name: os.pipe() for name in ("out", "err", "res")}
        try:
            # asynchronous: the pid comes back later (spawned()), so the clone in the template overlaps
            # with our bookkeeping, and programs for a template still warming up simply wait in line
            template.send_request(
                self.templates[job.template], job.workdir, uid, [w for _, w in pipes.values()]
            )
        finally:
            for _, w in pipes.values():
                os.close(w)
        self.spawning[job.template].append(job)
        for name, (r, _) in pipes.items():
            os.set_blocking(r, False)
            job.fds[name] = r
            self.sel.register(r, selectors.EVENT_READ, (name, job))
        self.running[job.id] = job

    def spawned(self, name: str) -> None:
        """Read one reply from template `name`: READY, or the pid of the next program in its line."""
        try:
            reply = template.read_reply(self.templates[name])
        except OSError as exc:  # the clone failed (TemplateGone is not an OSError: it ends the zygote)
            job = self.spawning[name].popleft()
            job.spawn_error = str(exc)
            job.start = job.exited_at = time.monotonic()
            return
        if isinstance(reply, str):
            self.warming.discard(name)
            return
        job = self.spawning[name].popleft()
        job.pid = reply
        job.start = time.monotonic()
        job.deadline = job.start + self.timeout
        job.fds["exit"] = os.pidfd_open(job.pid)
        self.sel.register(job.fds["exit"], selectors.EVENT_READ, ("exit", job))
        if job.killed:  # shut down while it was being cloned
            self.kill(job, job.killed)

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
            cpu_limit=self.cpu_limit,
        )

    # -- the loop -------------------------------------------------------------------------------

    def serve(self, in_fd: int) -> None:
        self.sel.register(in_fd, selectors.EVENT_READ, ("parent", None))
        reader = protocol.FrameReader()
        while True:
            while self.queue and self.free_slots:
                self.launch(self.queue.popleft())
            now = time.monotonic()
            wake = [j.deadline for j in self.running.values() if j.pid and not j.killed]
            wake += [j.exited_at + _DRAIN_GRACE for j in self.running.values() if j.exited_at]
            if self.warming:
                if now > self.warm_deadline:
                    raise template.TemplateGone(f"template(s) {sorted(self.warming)} did not warm up in time")
                wake.append(self.warm_deadline)
            wait = max(0.0, min(wake) - now) if wake else None
            for key, _ in self.sel.select(wait):
                name, job = key.data
                if name == "template":
                    self.spawned(job)
                elif name == "parent":
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
        for name, line in self.spawning.items():
            # programs being cloned right now: wait for their pids, so that they can be killed too
            self.sel.unregister(self.templates[name])
            self.templates[name].settimeout(10)
            while line:
                try:
                    self.spawned(name)
                except (template.TemplateGone, TimeoutError):
                    break
        for job in list(self.running.values()):
            self.kill(job, "killed")
            self.finish(job)
        if not self.iso:
            shutil.rmtree(self.tmp_root, ignore_errors=True)  # on the host's /tmp in unsafe mode
