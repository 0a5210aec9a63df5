"""The sandbox: run model-written Python programs, isolated and fast.

    from mammoth_math.execute import Sandbox, SandboxConfig
    with Sandbox(SandboxConfig(timeout=5.0, workers=2)) as sb:
        results = sb.run(["print(1 + 1)", "def solution():\\n    return 3"])

Design: one server process per Sandbox enters private network and mount namespaces once; template
processes import and exercise what programs use (the standard library's math modules; + sympy;
+ numpy) and freeze their heaps; each program is cloned from the smallest template that holds what
it imports, as a fresh process (docs/execute.md).

What IS protected (Linux, root or unprivileged user namespaces; each item is tested):
- the caller: every program runs in its own process; crashes, segfaults, os._exit, signals and
  killing "its parent" never reach the caller or other programs;
- network: programs live in a network namespace with no interface up, so every connect() fails
  at once (127.0.0.1 and public addresses alike);
- files: the whole filesystem is mounted read-only in the sandbox's mount namespace; /tmp is a
  private size-capped tmpfs; each program gets its own working directory (removed afterwards) and
  can write nowhere else; 0700 directories on the interpreter's path (e.g. /root) are covered so
  only the interpreter's own directories show through;
- privileges: when started as root, programs drop to an unprivileged uid/gid with no account (one
  per worker slot, from a random block per sandbox, so RLIMIT_NPROC is per program), no supplementary
  groups and no_new_privs, so /etc/shadow and other root-only files are unreadable and RLIMIT_NPROC
  stops fork bombs;
- resources: address space (memory_mb on top of the warm interpreter), CPU seconds, file size,
  processes, open files; a wall-clock timeout;
- process tree: each program is the init of its own PID namespace, so killing it (timeout, output
  cap, normal end) kills every process it started, setsid'ed daemons included; nothing survives;
- environment: programs see a scrubbed environment (PATH, HOME, TMPDIR, LANG only), stdin is
  /dev/null, and stdout/stderr are read incrementally and capped: a program printing forever is
  stopped at the cap (status output_limit), never buffered into memory.

What is NOT protected:
- the kernel: this is namespaces + rlimits, not a VM or seccomp filter; a kernel exploit escapes;
- reading: world-readable files (the repo, /usr, /work/shared, /proc of the host) stay readable;
- side channels and CPU contention between programs running at the same time;
- a program may write its own result record (it runs in the process that reports it) - it can
  only lie about itself;
- with `reuse_workers=N` (CLI `--reuse N`, opt-in), a worker process runs up to N programs with the
  same isolation from the host; builtins, module namespaces and common global settings are restored
  between programs, but state hidden elsewhere (class attributes, objects mutated in place) and the
  worker's control socket let a program affect the programs after it in the same worker;
- with `unsafe_no_isolation=True` (CLI `--unsafe-no-isolation`) and no namespaces available,
  programs run as the calling user with rlimits and process-group kill only: no network, file
  or privilege isolation, and a setsid'ed grandchild may survive. Without that flag, the sandbox
  refuses (status `refused`) when namespaces are unavailable.
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
