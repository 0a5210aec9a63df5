"""The sandbox server: one per Sandbox, started as `python -m mammoth_math.execute.server CONFIG_JSON`.

It enters its isolation once (network, mount, IPC, UTS and cgroup namespaces; pivot_root into the
minimal root of root.py), then starts the light template process
(template.py: the standard library's math modules imported and exercised, heap frozen for the
garbage collector); the sympy and full templates are cloned from it when a program first needs them
(warm.py). Every program is cloned from the smallest template that holds what it imports. The
server serves requests framed on its stdin/stdout and does all the bookkeeping: each program is the
server's child (CLONE_PARENT) and the init of a fresh PID namespace, so killing it (timeout, output
cap) or its normal end kills every process the program started, setsid'ed or not.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import sys
from collections.abc import Callable
from typing import Any

from mammoth_math.execute import isolation, seccomp, template, warm


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
    filtered = False
    try:
        # the filter's machine first: off x86-64 it cannot be built, and nothing is set up for nothing
        seccomp.check_machine()
        filtered = True
        iso = isolation.setup(int(cfg["tmp_mb"]))
    except (isolation.IsolationError, seccomp.FilterError, OSError) as exc:
        # only an explicit opt-in lets programs run without isolation
        if not cfg["unsafe_no_isolation"]:
            from mammoth_math.execute import protocol

            protocol.write_frame(out_fd, {"ready": False, "error": f"IsolationUnavailable: {exc}"})
            return
    # the light template now (its heap: the standard library only); the full one when first needed
    sock, light_pid = _start_template(cfg, iso, filtered, (in_fd, out_fd), warm.warm_light)
    supervisor = None
    try:
        # imported only now: the templates carry none of the bookkeeping
        from mammoth_math.execute import controller, protocol

        desc = iso.description if iso else "UNSAFE: no namespaces, no uid drop (process group kill only)"
        if iso is None:
            desc += ", seccomp filter" if filtered else ", no seccomp filter"
        protocol.write_frame(out_fd, {"ready": True, "isolation": desc})
        supervisor = controller.Supervisor(cfg, iso, out_fd, {warm.LIGHT: sock})
        supervisor.serve(in_fd)
    finally:
        # a template holds nothing worth a clean exit, and one may still be warming up
        for pid in [light_pid, *(supervisor.template_pids if supervisor else [])]:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)


def _start_template(
    cfg: dict[str, Any],
    iso: isolation.Isolation | None,
    filtered: bool,
    protocol_fds: tuple[int, int],
    warm_up: Callable[[], None],
) -> tuple[socket.socket, int]:
    """Fork a template that warms up with `warm_up` (and installs the seccomp filter every process it
    clones inherits, when `filtered`); returns our end of its socket and its pid."""
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    pid = os.fork()
    if pid == 0:
        try:
            # nothing of the server's: its protocol pipes, our end of the socket
            for fd in protocol_fds:
                os.close(fd)
            ours.close()
            template.serve(theirs, cfg, iso, filtered, warm_up)
        finally:
            os._exit(1)
    theirs.close()
    return ours, pid


if __name__ == "__main__":
    main()
