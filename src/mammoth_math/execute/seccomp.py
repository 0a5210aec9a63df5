"""A seccomp-bpf filter in force in every program process before its code runs.

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

It is installed once, in the first template (template.serve), with `PR_SET_NO_NEW_PRIVS` and one
`prctl(PR_SET_SECCOMP)`; every template, program and worker cloned from there inherits it, since the
kernel compiles each filter it attaches (~0.25 ms a process, measured, when each program attached
its own). The template's own clones (new PID, and in a user namespace mount, namespaces) and a
program's procfs mount therefore pass as exact argument values (`clone_exact`, `mount_exact`); both
need CAP_SYS_ADMIN, which a program has dropped before its code runs.
"""

from __future__ import annotations

import ctypes
import errno as errno_codes
import os
import struct
from collections.abc import Sequence

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
MOUNT_NR = REFUSED_X86_64["mount"]

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
_OFF_ARG3_LOW, _OFF_ARG3_HIGH = 16 + 3 * 8, 16 + 3 * 8 + 4

PR_SET_NO_NEW_PRIVS = 38
PR_SET_SECCOMP = 22
SECCOMP_MODE_FILTER = 2


class FilterError(RuntimeError):
    """The filter cannot be built for this machine, or the kernel refused to install it."""


def instructions(
    errno: int = errno_codes.EPERM, clone_exact: Sequence[int] = (), mount_exact: Sequence[int] = ()
) -> list[tuple[int, int, int, int]]:
    """The filter as (code, jt, jf, k) tuples; `errno` is what refused calls return (tests vary it).

    `clone_exact` / `mount_exact`: the exact clone flags and mount flags the sandbox's own set-up uses
    after the filter is in place (the template clones programs into new PID and mount namespaces;
    a program mounts its procfs before dropping its capabilities). Those precise values pass the
    filter; they need CAP_SYS_ADMIN, which a program no longer has when its own code runs.
    """
    # (code, jump-if-true label, k) or a label string; jumps are resolved once every label is placed
    asm: list[tuple[int, str | None, int] | str] = [
        (_LD_W_ABS, None, _OFF_ARCH),
        (_JEQ_K, "x86_64", AUDIT_ARCH_X86_64),
        (_RET_K, None, RET_KILL_PROCESS),
        "x86_64",
        (_LD_W_ABS, None, _OFF_NR),
        (_JGE_K, "eperm", X32_SYSCALL_BIT),
        *[(_JEQ_K, "eperm", nr) for nr in sorted(set(REFUSED_X86_64.values()) - {MOUNT_NR})],
        (_JEQ_K, "clone", CLONE_NR),
        (_JEQ_K, "enosys", CLONE3_NR),
        (_JEQ_K, "mount", MOUNT_NR),
        "allow",
        (_RET_K, None, RET_ALLOW),
        # clone: the kernel reads only the low word of its flags; our set-up's exact values pass,
        # any other value with a CLONE_NEW* flag is refused (classic BPF jumps forward only)
        "clone",
        (_LD_W_ABS, None, _OFF_ARG0_LOW),
        *[(_JEQ_K, "clone_allow", flags & 0xFFFFFFFF) for flags in clone_exact],
        (_JSET_K, "eperm", CLONE_NEW_MASK),
        "clone_allow",
        (_RET_K, None, RET_ALLOW),
        # mount: only a program's own procfs mount (its exact flags, both words) passes
        "mount",
        (_LD_W_ABS, None, _OFF_ARG3_HIGH),
        (_JEQ_K, "mount_low", 0),
        (_RET_K, None, RET_ERRNO | (errno & 0xFFFF)),
        "mount_low",
        (_LD_W_ABS, None, _OFF_ARG3_LOW),
        *[(_JEQ_K, "mount_allow", flags) for flags in mount_exact],
        "eperm",
        (_RET_K, None, RET_ERRNO | (errno & 0xFFFF)),
        "mount_allow",
        (_RET_K, None, RET_ALLOW),
        "enosys",
        (_RET_K, None, RET_ERRNO | errno_codes.ENOSYS),
    ]
    labels: dict[str, int] = {}  # label -> index of the instruction that follows it
    position = 0
    for item in asm:
        if isinstance(item, str):
            labels[item] = position
        else:
            position += 1
    program = []
    for item in asm:
        if isinstance(item, str):
            continue
        code, target, k = item
        jt = 0
        if target is not None:
            jt = labels[target] - len(program) - 1
            if not 0 <= jt <= 255:
                raise FilterError(f"BPF jump out of range ({jt})")
        program.append((code, jt, 0, k))
    return program


def check_machine(machine: str | None = None) -> None:
    """Raise FilterError where the filter's numbers are not this machine's (anything but x86-64)."""
    machine = machine or os.uname().machine
    if machine != "x86_64":
        raise FilterError(
            f"the seccomp filter knows the x86-64 system call numbers only, this machine is {machine}"
        )


def build(
    errno: int = errno_codes.EPERM,
    machine: str | None = None,
    clone_exact: Sequence[int] = (),
    mount_exact: Sequence[int] = (),
) -> bytes:
    """The filter as the bytes of a `struct sock_filter[]`; raises FilterError off x86-64."""
    check_machine(machine)
    return b"".join(struct.pack("<HBBI", *insn) for insn in instructions(errno, clone_exact, mount_exact))


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
