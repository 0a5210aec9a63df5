"""The seccomp filter: its BPF program, run by a small interpreter here, and installed in a real process.

The in-sandbox tests (test_root.py) see EPERM, which a missing privilege could also explain; here the
filter is built with an errno no privilege check returns (EXDEV), so every listed call is shown to be
caught by the filter itself.
"""

from __future__ import annotations

import errno
import json
import os
import signal
import struct
import subprocess
import sys
import textwrap

import pytest

from mammoth_math.execute import seccomp

AUDIT_ARCH_AARCH64 = 0xC00000B7
AUDIT_ARCH_I386 = 0x40000003
FORK_FLAGS = 0x01000000 | 0x00200000 | 17  # CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID | SIGCHLD (glibc fork)
THREAD_FLAGS = 0x003D0F00  # CLONE_VM|FS|FILES|SIGHAND|THREAD|SYSVSEM|SETTLS|PARENT_SETTID|CHILD_CLEARTID


def run_bpf(
    program: list[tuple[int, int, int, int]], nr: int, arch: int, arg0: int = 0, arg3: int = 0
) -> int:
    """Evaluate a classic BPF program over one struct seccomp_data (only what our filter uses)."""
    data = struct.pack("<iIQ6Q", nr, arch, 0, arg0, 0, 0, arg3, 0, 0)
    acc, pc = 0, 0
    while True:
        code, jt, jf, k = program[pc]
        if code == 0x20:  # ld [k]
            acc = struct.unpack_from("<I", data, k)[0]
            pc += 1
        elif code in (0x15, 0x35, 0x45):  # jeq, jge, jset
            taken = {0x15: acc == k, 0x35: acc >= k, 0x45: bool(acc & k)}[code]
            pc += 1 + (jt if taken else jf)
        elif code == 0x06:
            return k
        else:
            raise AssertionError(f"unexpected opcode {code:#x}")


PROGRAM = seccomp.instructions(errno.EXDEV)
EXDEV = seccomp.RET_ERRNO | errno.EXDEV
X86 = seccomp.AUDIT_ARCH_X86_64


@pytest.mark.parametrize("name", sorted(seccomp.REFUSED_X86_64))
def test_refused_call(name: str) -> None:
    assert run_bpf(PROGRAM, seccomp.REFUSED_X86_64[name], X86) == EXDEV


@pytest.mark.parametrize(
    ("nr", "arg0", "expected"),
    [
        (0, 0, seccomp.RET_ALLOW),  # read
        (1, 0, seccomp.RET_ALLOW),  # write
        (257, 0, seccomp.RET_ALLOW),  # openat
        (57, 0, seccomp.RET_ALLOW),  # fork
        (seccomp.CLONE_NR, FORK_FLAGS, seccomp.RET_ALLOW),
        (seccomp.CLONE_NR, THREAD_FLAGS, seccomp.RET_ALLOW),
        (seccomp.CLONE_NR, FORK_FLAGS | 0x10000000, EXDEV),  # CLONE_NEWUSER
        (seccomp.CLONE_NR, 0x00020000, EXDEV),  # CLONE_NEWNS
        (seccomp.CLONE_NR, 0x40000000 | 17, EXDEV),  # CLONE_NEWNET
        (seccomp.CLONE_NR, 0x20000000 | 17, EXDEV),  # CLONE_NEWPID
        (seccomp.CLONE_NR, 0x08000000 | 17, EXDEV),  # CLONE_NEWIPC
        (seccomp.CLONE_NR, 0x04000000 | 17, EXDEV),  # CLONE_NEWUTS
        (seccomp.CLONE_NR, 0x02000000 | 17, EXDEV),  # CLONE_NEWCGROUP
        (seccomp.CLONE3_NR, 0, seccomp.RET_ERRNO | errno.ENOSYS),
        (seccomp.X32_SYSCALL_BIT | 0, 0, EXDEV),  # x32 read
        (seccomp.X32_SYSCALL_BIT | 165, 0, EXDEV),  # x32 mount
    ],
)
def test_decisions(nr: int, arg0: int, expected: int) -> None:
    assert run_bpf(PROGRAM, nr, X86, arg0) == expected


# what the sandbox's own set-up does after the filter is in: the template clones programs into new
# PID (and mount) namespaces, a program mounts its procfs; exactly those values pass, nothing near them
PROGRAM_CLONE = 0x00008000 | 0x20000000 | 0x00020000 | 17  # CLONE_PARENT | NEWPID | NEWNS | SIGCHLD
PROC_FLAGS = 2 | 4 | 8  # MS_NOSUID | MS_NODEV | MS_NOEXEC
EXCEPTIONS = seccomp.instructions(errno.EXDEV, clone_exact=[PROGRAM_CLONE], mount_exact=[PROC_FLAGS])


@pytest.mark.parametrize(
    ("nr", "arg0", "arg3", "expected"),
    [
        (seccomp.CLONE_NR, PROGRAM_CLONE, 0, seccomp.RET_ALLOW),
        (seccomp.CLONE_NR, PROGRAM_CLONE | 0x10000000, 0, EXDEV),  # + CLONE_NEWUSER
        (seccomp.CLONE_NR, PROGRAM_CLONE & ~0x00008000, 0, EXDEV),  # without CLONE_PARENT
        (seccomp.CLONE_NR, 0x20000000 | 17, 0, EXDEV),
        (seccomp.CLONE_NR, FORK_FLAGS, 0, seccomp.RET_ALLOW),
        (seccomp.MOUNT_NR, 0, PROC_FLAGS, seccomp.RET_ALLOW),
        (seccomp.MOUNT_NR, 0, PROC_FLAGS | 1, EXDEV),  # + MS_RDONLY
        (seccomp.MOUNT_NR, 0, 4096, EXDEV),  # MS_BIND
        (seccomp.MOUNT_NR, 0, PROC_FLAGS | (1 << 32), EXDEV),  # the high word counts too
        (seccomp.MOUNT_NR, 0, 0, EXDEV),
        (seccomp.REFUSED_X86_64["umount2"], 0, 0, EXDEV),
    ],
)
def test_exact_exceptions(nr: int, arg0: int, arg3: int, expected: int) -> None:
    assert run_bpf(EXCEPTIONS, nr, X86, arg0, arg3) == expected


def test_without_exceptions_mount_is_refused_whatever_its_flags() -> None:
    for flags in (0, PROC_FLAGS, 4096, 32):
        assert run_bpf(PROGRAM, seccomp.MOUNT_NR, X86, 0, flags) == EXDEV


def test_everything_else_is_allowed() -> None:
    listed = set(seccomp.REFUSED_X86_64.values()) | {seccomp.CLONE_NR, seccomp.CLONE3_NR}
    for nr in range(0, 470):
        if nr not in listed:
            assert run_bpf(PROGRAM, nr, X86) == seccomp.RET_ALLOW, nr


@pytest.mark.parametrize("arch", [AUDIT_ARCH_AARCH64, AUDIT_ARCH_I386, 0])
def test_other_architectures_are_killed(arch: int) -> None:
    for nr in (0, 1, 165, 272):  # a filter for x86-64 numbers must not judge another table's
        assert run_bpf(PROGRAM, nr, arch) == seccomp.RET_KILL_PROCESS


def test_build_refuses_other_machines() -> None:
    with pytest.raises(seccomp.FilterError, match="x86-64"):
        seccomp.build(machine="aarch64")
    assert len(seccomp.build(machine="x86_64")) == 8 * len(seccomp.instructions())


KERNEL_CHECK = textwrap.dedent("""
    import ctypes, errno, json, os, sys
    from mammoth_math.execute import seccomp
    libc = ctypes.CDLL(None, use_errno=True)
    libc.syscall.restype = ctypes.c_long
    seccomp.Installer(seccomp.build(errno.EXDEV)).install()
    out = {}
    for name, nr in seccomp.REFUSED_X86_64.items():
        ctypes.set_errno(0)
        rc = libc.syscall(nr, 0, 0, 0, 0, 0, 0)
        out[name] = [rc, ctypes.get_errno()]
    ctypes.set_errno(0)
    out["clone3"] = [libc.syscall(seccomp.CLONE3_NR, 0, 0), ctypes.get_errno()]
    ctypes.set_errno(0)
    out["clone_newuser"] = [libc.syscall(seccomp.CLONE_NR, 0x10000011, 0, 0, 0, 0), ctypes.get_errno()]
    pid = os.fork()  # glibc's fork and a thread still work under the filter
    if pid == 0:
        os._exit(3)
    out["fork"] = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
    import threading
    box = []
    t = threading.Thread(target=box.append, args=(1,))
    t.start(); t.join()
    out["thread"] = box
    print(json.dumps(out))
""")


@pytest.mark.skipif(os.uname().machine != "x86_64", reason="x86-64 numbers")
def test_installed_filter_catches_every_listed_call() -> None:
    proc = subprocess.run([sys.executable, "-c", KERNEL_CHECK], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    for name in seccomp.REFUSED_X86_64:
        assert out[name] == [-1, errno.EXDEV], name
    assert out["clone3"] == [-1, errno.ENOSYS]
    assert out["clone_newuser"] == [-1, errno.EXDEV]
    assert out["fork"] == 3
    assert out["thread"] == [1]


# i386 getpid through int 0x80 from an x86-64 process: the architecture field says i386
INT80 = textwrap.dedent("""
    import ctypes, mmap, sys
    from mammoth_math.execute import seccomp
    code = bytes([0xB8, 20, 0, 0, 0, 0xCD, 0x80, 0xC3])  # mov eax, 20; int 0x80; ret
    buf = mmap.mmap(-1, 4096, prot=mmap.PROT_READ | mmap.PROT_WRITE | mmap.PROT_EXEC)
    buf.write(code)
    address = ctypes.addressof(ctypes.c_char.from_buffer(buf))
    if sys.argv[1] == "filtered":
        seccomp.Installer(seccomp.build()).install()
    print(ctypes.CFUNCTYPE(ctypes.c_int)(address)())
""")


@pytest.mark.skipif(os.uname().machine != "x86_64", reason="x86-64 only")
def test_32bit_system_call_kills_the_process() -> None:
    plain = subprocess.run([sys.executable, "-c", INT80, "plain"], capture_output=True, timeout=60)
    if plain.returncode != 0:
        pytest.skip("this kernel runs no 32-bit system calls (no IA32 emulation)")
    filtered = subprocess.run([sys.executable, "-c", INT80, "filtered"], capture_output=True, timeout=60)
    assert filtered.returncode == -signal.SIGSYS
