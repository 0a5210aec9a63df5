"""A seccomp-bpf filter that every program process installs before its code runs.

It refuses, with EPERM (so Python raises OSError and the harness never sees a crash), the system
calls a math program has no use for and that widen the kernel surface a sandbox escape would go
through: namespaces, mounts, tracing other processes, kernel keys, eBPF, perf, userfaultfd,
io_uring, kexec and modules, reboot, swap, clocks, and the classic container-breakout calls
(open_by_handle_at, ...). `clone` is refused only when its flags ask for a new namespace; `clone3`
passes its flags in memory a filter cannot read, so it answers ENOSYS, which makes glibc fall back
to `clone` (EPERM would break thread creation), as Docker's default profile does.

The syscall numbers are the x86-64 ones. The filter checks the architecture field first and kills
the process on any other (a 32-bit `int 0x80` call from an x86-64 process included), and x32 calls
are refused: a filter built for one table never filters another's numbers. On a machine that is
not x86-64 `build()` raises, and the sandbox refuses to start rather than run programs unfiltered.

The program is built once per template (plain bytes) and installed per process with one
`prctl(PR_SET_SECCOMP)` call, after `PR_SET_NO_NEW_PRIVS`.
"""

from __future__ import annotations

import ctypes
import errno as errno_codes
import os
import struct

AUDIT_ARCH_X86_64 = 0xC000003E
X32_SYSCALL_BIT = 0x40000000

# every CLONE_NEW* flag: NEWTIME, NEWNS, NEWCGROUP, NEWUTS, NEWIPC, NEWUSER, NEWPID, NEWNET
CLONE_NEW_MASK = 0x00000080 | 0x00020000 | 0x02000000 | 0x04000000 | 0x08000000 | 0x10000000
CLONE_NEW_MASK |= 0x20000000 | 0x40000000

# name -> x86-64 number (arch/x86/entry/syscalls/syscall_64.tbl); refused with EPERM
REFUSED_X86_64: dict[str, int] = {
    # namespaces
    "unshare": 272,
    "setns": 308,
    # mounts and the root
    "mount": 165,
    "umount2": 166,
    "pivot_root": 155,
    "chroot": 161,
    "open_tree": 428,
    "move_mount": 429,
    "fsopen": 430,
    "fsconfig": 431,
    "fsmount": 432,
    "fspick": 433,
    "mount_setattr": 442,
    "open_tree_attr": 467,
    # other processes' memory and files
    "ptrace": 101,
    "process_vm_readv": 310,
    "process_vm_writev": 311,
    "kcmp": 312,
    "pidfd_getfd": 438,
    "process_madvise": 440,
    # kernel keyrings
    "add_key": 248,
    "request_key": 249,
    "keyctl": 250,
    # kernel programs, profiling, page-fault handling, async I/O rings
    "bpf": 321,
    "perf_event_open": 298,
    "userfaultfd": 323,
    "io_uring_setup": 425,
    "io_uring_enter": 426,
    "io_uring_register": 427,
    # the kernel itself: kexec, modules, reboot, swap, accounting, quotas
    "kexec_load": 246,
    "kexec_file_load": 320,
    "create_module": 174,
    "init_module": 175,
    "delete_module": 176,
    "finit_module": 313,
    "get_kernel_syms": 177,
    "query_module": 178,
    "reboot": 169,
    "swapon": 167,
    "swapoff": 168,
    "acct": 163,
    "quotactl": 179,
    "quotactl_fd": 443,
    "nfsservctl": 180,
    "_sysctl": 156,
    "sysfs": 139,
    "syslog": 103,
    "lookup_dcookie": 212,
    "uselib": 134,
    "vhangup": 153,
    "personality": 135,
    "iopl": 172,
    "ioperm": 173,
    "modify_ldt": 154,
    # file handles bypass the mount namespace (the "shocker" container escape)
    "open_by_handle_at": 304,
    "name_to_handle_at": 303,
    # clocks and host names
    "settimeofday": 164,
    "clock_settime": 227,
    "clock_adjtime": 305,
    "adjtimex": 159,
    "sethostname": 170,
    "setdomainname": 171,
}
CLONE_NR = 56
CLONE3_NR = 435

# classic BPF opcodes and seccomp return values (linux/filter.h, linux/seccomp.h)
_LD_W_ABS = 0x20
_JEQ_K = 0x15
_JGE_K = 0x35
_JSET_K = 0x45
_RET_K = 0x06
RET_KILL_PROCESS = 0x80000000
RET_ERRNO = 0x00050000
RET_ALLOW = 0x7FFF0000
# offsets in struct seccomp_data: nr, arch, instruction pointer, args[6] (64-bit, little-endian)
_OFF_NR, _OFF_ARCH, _OFF_ARG0_LOW = 0, 4, 16

PR_SET_NO_NEW_PRIVS = 38
PR_SET_SECCOMP = 22
SECCOMP_MODE_FILTER = 2


class FilterError(RuntimeError):
    """The filter cannot be built for this machine, or the kernel refused to install it."""


def _insn(code: int, jt: int, jf: int, k: int) -> tuple[int, int, int, int]:
    return (code, jt, jf, k)


def instructions(errno: int = errno_codes.EPERM) -> list[tuple[int, int, int, int]]:
    """The filter as (code, jt, jf, k) tuples; `errno` is what refused calls return (tests vary it)."""
    refused = sorted(set(REFUSED_X86_64.values()))
    head = [
        _insn(_LD_W_ABS, 0, 0, _OFF_ARCH),
        _insn(_JEQ_K, 1, 0, AUDIT_ARCH_X86_64),
        _insn(_RET_K, 0, 0, RET_KILL_PROCESS),
        _insn(_LD_W_ABS, 0, 0, _OFF_NR),
    ]
    # after the comparisons: [allow] [clone flags check: ld, jset, allow] [enosys] [eperm]
    n_tests = 1 + len(refused) + 2  # x32 check, refused numbers, clone, clone3
    body_end = len(head) + n_tests  # index of the first instruction after the tests
    allow = body_end
    clone_check = allow + 1
    enosys = clone_check + 3
    eperm = enosys + 1

    def jump(at: int, target: int) -> int:
        offset = target - at - 1
        if not 0 <= offset <= 255:
            raise FilterError(f"BPF jump out of range ({offset})")
        return offset

    tests = []
    at = len(head)
    tests.append(_insn(_JGE_K, jump(at, eperm), 0, X32_SYSCALL_BIT))
    for nr in refused:
        at += 1
        tests.append(_insn(_JEQ_K, jump(at, eperm), 0, nr))
    at += 1
    tests.append(_insn(_JEQ_K, jump(at, clone_check), 0, CLONE_NR))
    at += 1
    tests.append(_insn(_JEQ_K, jump(at, enosys), 0, CLONE3_NR))
    tail = [
        _insn(_RET_K, 0, 0, RET_ALLOW),
        _insn(_LD_W_ABS, 0, 0, _OFF_ARG0_LOW),
        _insn(_JSET_K, jump(clone_check + 1, eperm), 0, CLONE_NEW_MASK),  # any CLONE_NEW* flag
        _insn(_RET_K, 0, 0, RET_ALLOW),
        _insn(_RET_K, 0, 0, RET_ERRNO | errno_codes.ENOSYS),
        _insn(_RET_K, 0, 0, RET_ERRNO | (errno & 0xFFFF)),
    ]
    program = head + tests + tail
    assert program[eperm][3] == RET_ERRNO | (errno & 0xFFFF)
    return program


def build(errno: int = errno_codes.EPERM, machine: str | None = None) -> bytes:
    """The filter as the bytes of a `struct sock_filter[]`; raises FilterError off x86-64."""
    machine = machine or os.uname().machine
    if machine != "x86_64":
        raise FilterError(
            f"the seccomp filter knows the x86-64 system call numbers only, this machine is {machine}"
        )
    return b"".join(struct.pack("<HBBI", *insn) for insn in instructions(errno))


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


class Installer:
    """Holds a built filter in memory and installs it into the calling process (one prctl)."""

    def __init__(self, program: bytes) -> None:
        self._buffer = ctypes.create_string_buffer(program, len(program))
        self._fprog = _SockFprog(len(program) // 8, ctypes.cast(self._buffer, ctypes.c_void_p))
        self._libc = ctypes.CDLL(None, use_errno=True)
        self._libc.prctl.argtypes = [
            ctypes.c_int,
            ctypes.c_ulong,
            ctypes.c_void_p,
            ctypes.c_ulong,
            ctypes.c_ulong,
        ]

    def install(self) -> None:
        """no_new_privs, then the filter: from here on this process and its children are filtered."""
        if self._libc.prctl(PR_SET_NO_NEW_PRIVS, 1, None, 0, 0) != 0:
            raise FilterError(f"prctl(PR_SET_NO_NEW_PRIVS): {os.strerror(ctypes.get_errno())}")
        if self._libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.addressof(self._fprog), 0, 0) != 0:
            raise FilterError(f"prctl(PR_SET_SECCOMP): {os.strerror(ctypes.get_errno())}")
