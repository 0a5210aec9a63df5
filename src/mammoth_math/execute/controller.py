"""The server's bookkeeping: the queue, one clone request per program, timeouts, output caps, results.

It lives apart from server.py so that the templates, forked before this is imported, carry none of it.
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

from mammoth_math.execute import isolation, process, protocol, template, warm
from mammoth_math.execute import worker as reuse

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
        self.worker: Worker | None = None  # reuse mode: the worker process running it
        self.slot_released = False  # reuse mode: its worker took the next job before we finished it


class Worker:
    """Reuse mode: a sandboxed process that runs the jobs of one slot, one at a time (worker.py)."""

    def __init__(self, slot: int, sock: socket.socket) -> None:
        self.slot = slot
        self.sock = sock  # our end of its control socket
        self.pid = 0
        self.exit_fd = -1
        self.job: Job | None = None
        self.runs = 0
        self.retired = False


class Supervisor:
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
        self.templates = templates  # our ends of the templates' sockets, by name (warm.WARM_UP)
        self.sel = selectors.DefaultSelector()
        # requests sent and not answered yet, per template (replies come in request order)
        self.spawning: dict[str, deque[Job | Worker | str]] = {name: deque() for name in warm.WARM_UP}
        # templates that have not said READY yet, with the time by which they must
        self.warming = {name: time.monotonic() + float(cfg["startup_timeout"]) for name in templates}
        self.template_pids: list[int] = []  # templates we started (the light one is main()'s)
        for name, sock in templates.items():
            self.sel.register(sock, selectors.EVENT_READ, ("template", name))
        self.queue: deque[Job] = deque()
        self.running: dict[int, Job] = {}
        self.cap = int(cfg["max_output_bytes"])
        self.timeout = float(cfg["timeout"])
        self.cpu_limit = int(self.timeout) + 1
        self.tmp_root = "/tmp" if iso else tempfile.mkdtemp(prefix="mammoth-sandbox-")
        self.free_slots = list(range(min(int(cfg["workers"]), isolation.UID_BLOCK)))
        # reuse mode needs a PID namespace per worker (to kill what a program leaves behind)
        self.reuse = int(cfg.get("reuse_workers") or 0) if iso else 0
        self.workers: dict[int, Worker] = {}  # by slot

    # -- launching ------------------------------------------------------------------------------

    def launch(self, job: Job) -> None:
        job.workdir = tempfile.mkdtemp(prefix=f"job-{job.id}-", dir=self.tmp_root)
        job.slot = self.free_slots.pop()
        uid = None
        if self.iso and self.iso.drop_uid is not None:
            uid = self.iso.drop_uid + job.slot
            os.chown(job.workdir, uid, uid)
        # the process that runs it reads and removes it
        code_path = os.path.join(job.workdir, process.CODE_FILE)
        with open(code_path, "w", encoding="utf-8", errors="surrogatepass") as f:
            f.write(job.code)
        if uid is not None:
            os.chown(code_path, uid, uid)  # a reusing worker reads it after dropping privileges
        pipes = {name: os.pipe() for name in ("out", "err", "res")}
        fds = [w for _, w in pipes.values()]
        try:
            if self.reuse:
                self._send_to_worker(job, uid, fds)
            else:
                # asynchronous: the pid comes back later (spawned()), so the clone in the template
                # overlaps with our bookkeeping, and programs for a template still warming up wait
                template.send_request(self._template(job.template), template.PROGRAM, job.workdir, uid, fds)
                self.spawning[job.template].append(job)
        finally:
            for fd in fds:
                os.close(fd)
        for name, (r, _) in pipes.items():
            os.set_blocking(r, False)
            job.fds[name] = r
            self.sel.register(r, selectors.EVENT_READ, (name, job))
        self.running[job.id] = job

    def _template(self, name: str) -> socket.socket:
        """The socket of template `name`; all but the light one start on first use, so a batch of
        plain arithmetic never pays for importing sympy. The light template clones them (CLONE_PARENT:
        they are our children too), so they start from the light heap, not from ours."""
        if name not in self.templates:
            ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
            try:
                template.send_request(
                    self.templates[warm.LIGHT], template.TEMPLATE, name, None, [theirs.fileno()]
                )
            finally:
                theirs.close()
            self.spawning[warm.LIGHT].append(name)
            self.templates[name] = ours
            self.warming[name] = time.monotonic() + float(self.cfg["startup_timeout"])
            self.sel.register(ours, selectors.EVENT_READ, ("template", name))
        return self.templates[name]

    def _send_to_worker(self, job: Job, uid: int | None, fds: list[int]) -> None:
        for _ in range(2):
            worker = self.workers.get(job.slot) or self._start_worker(job.slot, uid)
            try:
                template.send_request(worker.sock, template.PROGRAM, job.workdir, uid, fds)
            except template.TemplateGone:  # it died since its last program: its exit is noticed later
                self._retire(worker)
                continue
            job.worker, worker.job = worker, job
            if worker.pid:
                self._started(job, worker.pid)
            return
        raise template.TemplateGone("cannot start a worker")

    def _start_worker(self, slot: int, uid: int | None) -> Worker:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        try:
            template.send_request(self._template(warm.FULL), template.WORKER, "/", uid, [theirs.fileno()])
        finally:
            theirs.close()
        worker = Worker(slot, ours)
        self.workers[slot] = worker
        self.spawning[warm.FULL].append(worker)
        self.sel.register(ours, selectors.EVENT_READ, ("worker", worker))
        return worker

    def _started(self, job: Job, pid: int) -> None:
        job.pid = pid
        job.start = time.monotonic()
        job.deadline = job.start + self.timeout
        if job.killed:  # shut down while its process was being cloned
            self.kill(job, job.killed)

    def _retire(self, worker: Worker) -> None:
        """No more programs for this worker: it reads EOF and exits (its exit event reaps it)."""
        if worker.retired:
            return
        worker.retired = True
        if self.workers.get(worker.slot) is worker:
            del self.workers[worker.slot]
        self.sel.unregister(worker.sock)
        worker.sock.close()

    def on_worker(self, worker: Worker) -> None:
        """The worker says it is done with its job (or its socket closed: it is exiting)."""
        try:
            reply = worker.sock.recv(64)
        except OSError:
            reply = b""
        if not reply:
            self._retire(worker)
            return
        job, worker.job = worker.job, None
        worker.runs += 1
        if job is not None and job.exited_at is None:
            job.wait_status, job.exited_at = 0, time.monotonic()
        if reply != reuse.DONE or worker.runs >= self.reuse:
            self._retire(worker)
        elif job is not None and self.queue:
            # the worker is clean and idle: give it the next program now, not after we have read the
            # last one's output (the two jobs have their own pipes and working directories)
            job.slot_released = True
            self.free_slots.append(job.slot)
            self.launch(self.queue.popleft())

    def on_worker_exit(self, worker: Worker) -> None:
        pid, status, _ = os.wait4(worker.pid, os.WNOHANG)
        if pid == 0:
            return
        self.sel.unregister(worker.exit_fd)
        os.close(worker.exit_fd)
        self._retire(worker)
        job, worker.job = worker.job, None
        if job is not None and job.exited_at is None:
            # what killed the worker ended its job: timeout, output cap, a crash, os._exit ...
            job.wait_status, job.exited_at = status, time.monotonic()

    def spawned(self, name: str) -> None:
        """Read one reply from template `name`: READY, or the pid of the next process in its line."""
        try:
            reply = template.read_reply(self.templates[name])
        except OSError as exc:  # the clone failed (TemplateGone is not an OSError: it ends the server)
            item = self.spawning[name].popleft()
            if isinstance(item, str):
                raise template.TemplateGone(f"cannot start the {item} template: {exc}") from exc
            job = item.job if isinstance(item, Worker) else item
            if isinstance(item, Worker):
                self._retire(item)
            if job is not None:
                job.spawn_error = str(exc)
                job.start = job.exited_at = time.monotonic()
            return
        if isinstance(reply, str):
            self.warming.pop(name, None)
            return
        item = self.spawning[name].popleft()
        if isinstance(item, str):
            self.template_pids.append(reply)
            return
        if isinstance(item, Worker):
            item.pid = reply
            item.exit_fd = os.pidfd_open(reply)
            self.sel.register(item.exit_fd, selectors.EVENT_READ, ("worker_exit", item))
            if item.job is not None:
                self._started(item.job, reply)
            return
        item.fds["exit"] = os.pidfd_open(reply)
        self.sel.register(item.fds["exit"], selectors.EVENT_READ, ("exit", item))
        self._started(item, reply)

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
        result = protocol.assemble(
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
        if job.worker is not None and result["status"] != "ok" and job.worker.job in (None, job):
            self._retire(job.worker)  # whatever went wrong may have left state behind
        if not job.slot_released:
            self.free_slots.append(job.slot)
        return result

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
            for name, deadline in self.warming.items():
                if now > deadline:
                    raise template.TemplateGone(f"the {name} template did not warm up in time")
                wake.append(deadline)
            wait = max(0.0, min(wake) - now) if wake else None
            for key, _ in self.sel.select(wait):
                name, job = key.data
                if name == "template":
                    self.spawned(job)
                elif name == "worker":
                    self.on_worker(job)
                elif name == "worker_exit":
                    self.on_worker_exit(job)
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
        for name, sock in self.templates.items():
            # programs being cloned right now: wait for their pids, so that they can be killed too
            self.sel.unregister(sock)
            sock.settimeout(10)
            line = self.spawning[name]
            while line:
                try:
                    self.spawned(name)
                except (template.TemplateGone, TimeoutError):
                    break
        for job in list(self.running.values()):
            self.kill(job, "killed")
            self.finish(job)
        for worker in list(self.workers.values()):
            self._retire(worker)
        if not self.iso:
            shutil.rmtree(self.tmp_root, ignore_errors=True)  # on the host's /tmp in unsafe mode
