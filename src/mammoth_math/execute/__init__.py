"""The sandbox: run model-written Python programs, isolated and fast.

    from mammoth_math.execute import Sandbox, SandboxConfig
    with Sandbox(SandboxConfig(timeout=5.0, workers=2)) as sb:
        results = sb.run(["print(1 + 1)", "def solution():\\n    return 3"])

Design: one sandbox server process per Sandbox enters private network, mount, IPC, UTS and cgroup
namespaces once and pivots into a minimal root built for programs; template processes import and
exercise what programs use (the standard library's math modules; + sympy; + numpy) and freeze their
heaps; each program is cloned from the smallest template that holds what it imports, as a fresh
process with its own PID namespace (and mount namespace, in a user namespace), the seccomp filter
inherited from the template (docs/execute.md).

What IS protected (Linux x86-64, as root or through an unprivileged user namespace; each item is
tested, in fresh and reuse mode):
- the host's files: programs see a minimal root (root.py), not the host's: read-only binds of the
  interpreter's prefixes, its sys.path directories (wherever they live, /tmp included) and the
  system library directories; /etc with the loader cache and a passwd of our own; /dev with null,
  zero, full, random, urandom; a private size-capped /tmp; nothing else (no /home, /root beyond the
  interpreter, /var, /run, /sys, project checkout, data directory or host socket);
- processes: /proc shows a program itself and its children only (hidepid with a uid per program as
  root; a procfs of its own PID namespace in a user namespace);
- network: a network namespace with no interface up: connect() fails at once (127.0.0.1, public
  addresses, abstract unix sockets); pathname unix sockets of the host are not in the root;
- the kernel surface: a seccomp-bpf filter (seccomp.py) refuses with EPERM namespaces (unshare,
  setns, clone with CLONE_NEW*), mounts and pivot_root, ptrace and process_vm_*, keyrings, bpf,
  perf_event_open, userfaultfd, io_uring, kexec, modules, reboot, swap, open_by_handle_at, clock
  setting and more; clone3 gets ENOSYS (glibc then uses clone); other architectures are killed;
- privileges: as root, programs drop to an unprivileged uid (one per worker slot, from a random block
  per server, so RLIMIT_NPROC is per program) with no groups; in a user namespace they keep uid 0 of
  that namespace but no capabilities; no_new_privs always;
- the caller: every program runs in its own process; crashes, segfaults, os._exit, signals and
  killing "its parent" never reach the caller or other programs;
- resources: address space (memory_mb on top of the warm interpreter), CPU seconds, file size,
  processes, open files; a wall-clock timeout;
- process tree: each program is the init of its own PID namespace, so killing it (timeout, output
  cap, normal end) kills every process it started, setsid'ed daemons included; nothing survives;
- environment: programs see a scrubbed environment (PATH, HOME, TMPDIR, LANG only), stdin is
  /dev/null, and stdout/stderr are read incrementally and capped: a program printing forever is
  stopped at the cap (status output_limit), never buffered into memory.

What is NOT protected:
- kernel bugs in the calls the filter allows (files, memory, signals, sockets, futex): this is
  namespaces + seccomp + rlimits, not a VM;
- side channels and CPU contention between programs running at the same time (no cgroup limits);
- in a user namespace all programs share one uid, so a program may read the working directory of
  another running at the same time; the bound directories' paths show in /proc/self/mountinfo;
- a program may write its own result record (it runs in the process that reports it) - it can
  only lie about itself;
- with `reuse_workers=N` (CLI `--reuse N`, opt-in), a worker process runs up to N programs with the
  same isolation from the host; builtins, module namespaces and common global settings are restored
  between programs, but state hidden elsewhere (class attributes, objects mutated in place) and the
  worker's control socket let a program affect the programs after it in the same worker;
- with `unsafe_no_isolation=True` (CLI `--unsafe-no-isolation`) and no namespaces available,
  programs run as the calling user with rlimits, the seccomp filter (x86-64) and process-group kill
  only: no network, file or privilege isolation, and a setsid'ed grandchild may survive. Without that
  flag, the sandbox refuses (status `refused`) when namespaces are unavailable, and solve, eval and
  serve in program modes stop before generating anything (solve/preflight.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mammoth_math.api.records import Execution as ExecResult
    from mammoth_math.execute.sandbox import Sandbox, SandboxConfig

__all__ = ["ExecResult", "Sandbox", "SandboxConfig"]


def __getattr__(name: str) -> Any:
    # loaded on first use: the server (python -m mammoth_math.execute.server) imports this package too,
    # and every module it holds makes each program's fork slower
    if name == "ExecResult":
        from mammoth_math.api.records import Execution

        return Execution
    if name in ("Sandbox", "SandboxConfig"):
        from mammoth_math.execute import sandbox

        return getattr(sandbox, name)
    raise AttributeError(f"module 'mammoth_math.execute' has no attribute {name!r}")
