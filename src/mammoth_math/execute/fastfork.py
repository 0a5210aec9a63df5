"""fork() into a new PID namespace with one process instead of two.

`unshare(CLONE_NEWPID)` works once per process, so the portable way to give every program its own PID
namespace is fork, unshare, fork again: two copies of a heap holding sympy and numpy per program.
`clone(CLONE_NEWPID | SIGCHLD)` does it in one step at the cost of one fork. We wrap it exactly as
CPython wraps fork() (PyOS_BeforeFork / AfterFork_*), through `ctypes.pythonapi` so the GIL is held, and
let the kernel write the child's thread id into glibc's thread descriptor (CLONE_CHILD_SETTID), which
glibc's fork() would otherwise do and raise()/abort() rely on. The caller must be single-threaded.
"""

from __future__ import annotations

import ctypes
import os
import signal
import threading

CLONE_CHILD_SETTID = 0x01000000
# x86-64 only: other architectures number clone() differently and some (arm64 among them) swap its
# last two arguments; the seccomp filter's numbers are x86-64's too, so the sandbox refuses elsewhere
_SYS_CLONE = {"x86_64": 56}

_api = ctypes.pythonapi  # a PyDLL: calls keep the GIL, as os.fork does
_syscall = _api.syscall
_syscall.restype = ctypes.c_long
_syscall.argtypes = [
    ctypes.c_long,
    ctypes.c_ulong,
    ctypes.c_void_p,
    ctypes.c_void_p,
    ctypes.c_void_p,
    ctypes.c_ulong,
]
_libc = ctypes.CDLL(None, use_errno=True)
_libc.pthread_self.restype = ctypes.c_void_p


def _tid_slot() -> int | None:
    """Address of glibc's cached tid in this thread's descriptor: the one int there equal to gettid()."""
    base = _libc.pthread_self()
    tid = threading.get_native_id()
    words = (ctypes.c_int32 * 1024).from_address(base)
    hits = [i for i in range(1024) if words[i] == tid]
    return base + 4 * hits[0] if len(hits) == 1 else None


class NamespaceForker:
    """`fork(flags)` -> pid, like os.fork(), with extra clone flags (e.g. CLONE_NEWPID)."""

    def __init__(self) -> None:
        self.nr = _SYS_CLONE.get(os.uname().machine)
        if self.nr is None:
            raise OSError(f"clone() number unknown on {os.uname().machine}")
        self.tid_slot = _tid_slot()

    def full_flags(self, flags: int) -> list[int]:
        """What `fork(flags)` passes to clone(): with SIGCHLD, and CLONE_CHILD_SETTID where the thread
        id slot was found (both, since a template cloned from this one finds its own)."""
        return [flags | signal.SIGCHLD, flags | signal.SIGCHLD | CLONE_CHILD_SETTID]

    def fork(self, flags: int) -> int:
        flags |= signal.SIGCHLD
        ctid = None
        if self.tid_slot is not None:
            flags |= CLONE_CHILD_SETTID
            ctid = ctypes.c_void_p(self.tid_slot)
        # x86-64 takes (flags, stack, parent_tid, child_tid, tls)
        _api.PyOS_BeforeFork()
        pid = _syscall(self.nr, flags, None, None, ctid, 0)
        if pid == 0:
            _api.PyOS_AfterFork_Child()
            return 0
        _api.PyOS_AfterFork_Parent()
        if pid < 0:
            raise OSError(f"clone({flags:#x}) failed (out of processes or memory?)")
        return pid
