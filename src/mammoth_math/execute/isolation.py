"""Linux isolation primitives for the sandbox server: namespaces, mounts, limits, privilege drop.

Everything here runs inside the sandbox server (or its children), never in the caller's process:
`unshare` and `pivot_root` change the calling process for good.
"""

from __future__ import annotations

import ctypes
import os
import resource
import sys

CLONE_NEWNS = 0x00020000
CLONE_NEWCGROUP = 0x02000000
CLONE_NEWUTS = 0x04000000
CLONE_NEWIPC = 0x08000000
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000

MS_RDONLY = 1
MS_NOSUID = 2
MS_NODEV = 4
MS_NOEXEC = 8
MS_REMOUNT = 32
MS_NOATIME = 1024
MS_NODIRATIME = 2048
MS_BIND = 4096
MS_REC = 16384
MS_PRIVATE = 1 << 18
MS_RELATIME = 1 << 21
MS_STRICTATIME = 1 << 24
MNT_DETACH = 2

PR_SET_PDEATHSIG = 1
PR_SET_DUMPABLE = 4
PR_SET_NO_NEW_PRIVS = 38
PR_CAPBSET_DROP = 24
PR_CAP_AMBIENT = 47
PR_CAP_AMBIENT_CLEAR_ALL = 4
_SYS_PIVOT_ROOT = 155  # x86-64; the seccomp filter refuses to start elsewhere anyway
_SYS_CAPSET = 126
_CAPABILITY_V3 = 0x20080522

# programs run as uid/gid UID_BASE + k, a block of uids with no account, picked at random per server
# and one uid per worker slot: RLIMIT_NPROC counts processes per uid, so a fork bomb in one program
# cannot starve the programs running beside it (or other sandboxes), as it would if all ran as nobody
UID_FIRST = 1_000_000
UID_BLOCK = 256

_libc = ctypes.CDLL(None, use_errno=True)
_libc.mount.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_ulong, ctypes.c_char_p]
_libc.umount2.argtypes = [ctypes.c_char_p, ctypes.c_int]
_libc.unshare.argtypes = [ctypes.c_int]
_libc.prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]
_libc.sethostname.argtypes = [ctypes.c_char_p, ctypes.c_size_t]
_libc.syscall.restype = ctypes.c_long


class IsolationError(RuntimeError):
    """Isolation could not be set up (namespaces unavailable, a mount failed ...)."""


def _check(rc: int, what: str) -> None:
    if rc != 0:
        err = ctypes.get_errno()
        raise IsolationError(f"{what}: {os.strerror(err)} (errno {err})")


def unshare(flags: int) -> None:
    _check(_libc.unshare(flags), f"unshare({flags:#x})")


def mount(source: str | None, target: str, fstype: str | None, flags: int, data: str | None = None) -> None:
    def enc(s: str | None) -> bytes | None:
        return None if s is None else s.encode()

    _check(_libc.mount(enc(source), enc(target), enc(fstype), flags, enc(data)), f"mount {target}")


def umount(target: str) -> None:
    _check(_libc.umount2(target.encode(), MNT_DETACH), f"umount {target}")


def prctl(option: int, arg: int) -> None:
    _check(_libc.prctl(option, arg, 0, 0, 0), f"prctl({option})")


def pivot_root(new_root: str, put_old: str) -> None:
    _check(_libc.syscall(_SYS_PIVOT_ROOT, new_root.encode(), put_old.encode()), "pivot_root")


PROC_MOUNT_FLAGS = MS_NOSUID | MS_NODEV | MS_NOEXEC  # the seccomp filter lets exactly these pass


def mount_program_proc() -> None:
    """Cover /proc with a procfs of the calling process's PID namespace (it must be alone in a fresh
    mount namespace: template.py clones programs with CLONE_NEWNS)."""
    mount("proc", "/proc", "proc", PROC_MOUNT_FLAGS)


def drop_bounding_set() -> None:
    """Empty the bounding and ambient sets: no capability can come back, by exec or capset. Done once
    in each template (its children inherit the sets); the template keeps the capabilities it has."""
    for cap in range(64):
        if _libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
            break  # past the last capability this kernel knows (EINVAL)
    _libc.prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0)


def drop_capabilities(uid: int | None) -> None:
    """No capabilities left: the uid drops to `uid` (as real root), or every capability goes (uid 0 of
    our user namespace, which holds them all there: mount, umount, ...)."""
    if uid is not None:
        drop_privileges(uid)
        # the uid change made us non-dumpable, which hidepid treats as another user's process: a
        # program would not see its own children in /proc (nothing else changes: no ptrace, no core)
        prctl(PR_SET_DUMPABLE, 1)
        return
    header = (ctypes.c_uint32 * 2)(_CAPABILITY_V3, 0)
    data = (ctypes.c_uint32 * 6)()
    _check(_libc.syscall(_SYS_CAPSET, header, data), "capset")


class Isolation:
    """What the sandbox server managed to set up (reported back to the caller).

    A plain class, not a dataclass: the templates fork from the server's heap, and every module it
    imports (dataclasses pulls in inspect) makes each fork slower.
    """

    __slots__ = ("description", "drop_uid", "program_proc")

    def __init__(self, drop_uid: int | None, program_proc: bool, description: str) -> None:
        self.drop_uid = drop_uid  # first uid of this server's block; None: we stay who we are (userns)
        # each program mounts a procfs of its own PID namespace (userns); else the server's is hidepid
        self.program_proc = program_proc
        self.description = description


def mount_points() -> list[str]:
    """Every mount point in this namespace, parents first; empty when /proc is not mounted."""
    out = []
    try:
        with open("/proc/self/mountinfo") as f:
            for line in f:
                # mountinfo escapes blanks as octal (\040)
                out.append(line.split()[4].encode().decode("unicode_escape"))
    except OSError:
        pass
    return out


# statvfs flag -> mount flag, for the per-mount options the kernel locks in a user namespace (a
# remount must keep them or it fails with EPERM); no atime flag at all means strictatime
_ST_TO_MS = ((os.ST_NOSUID, MS_NOSUID), (os.ST_NODEV, MS_NODEV), (os.ST_NOEXEC, MS_NOEXEC))
_ST_ATIME = ((os.ST_NOATIME, MS_NOATIME), (os.ST_RELATIME, MS_RELATIME))


def kept_flags(path: str) -> int:
    st = os.statvfs(path).f_flag
    flags = 0
    for st_flag, ms_flag in _ST_TO_MS:
        if st & st_flag:
            flags |= ms_flag
    atime = [ms for st_flag, ms in _ST_ATIME if st & st_flag]
    flags |= atime[0] if atime else MS_STRICTATIME
    if st & os.ST_NODIRATIME:
        flags |= MS_NODIRATIME
    return flags


def needed_paths() -> list[str]:
    """Directories the interpreter imports from: what the minimal root must hold (root.py)."""
    paths = {sys.prefix, sys.base_prefix, sys.exec_prefix, os.path.dirname(sys.executable)}
    paths.add(os.path.dirname(os.path.realpath(sys.executable)))
    paths.update(p for p in sys.path if p and os.path.isdir(p))
    return sorted(paths)


def setup(tmp_size_mb: int) -> Isolation:
    """Enter private namespaces (network, mount, IPC, UTS, cgroup) and pivot into the minimal root.

    Raises IsolationError when namespaces are unavailable; the caller then refuses to run programs.
    """
    from mammoth_math.execute import root

    uid, gid = os.getuid(), os.getgid()
    private = CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWCGROUP
    if uid == 0:
        unshare(private)
        drop: int | None = UID_FIRST + int.from_bytes(os.urandom(4), "little") % 1_000_000 * UID_BLOCK
    else:
        # an unprivileged user gets the same namespaces through a user namespace of its own
        unshare(CLONE_NEWUSER | private)
        with open("/proc/self/setgroups", "w") as f:
            f.write("deny")
        with open("/proc/self/uid_map", "w") as f:
            f.write(f"0 {uid} 1")
        with open("/proc/self/gid_map", "w") as f:
            f.write(f"0 {gid} 1")
        drop = None
    # our mounts must not propagate back to the host
    mount(None, "/", None, MS_REC | MS_PRIVATE)
    proc = root.build(tmp_size_mb, needed_paths(), uid_per_program=drop is not None)
    hostname = b"sandbox"  # the host's name stays outside too (UTS namespace)
    _check(_libc.sethostname(hostname, len(hostname)), "sethostname")
    return Isolation(
        drop_uid=drop,
        program_proc=proc == root.PROC_OWN,
        description=(
            f"minimal root (pivot_root: interpreter read-only, private /tmp, minimal /dev, {proc})"
            + " + netns(no interfaces up) + ipc/uts/cgroup ns + pidns per program + seccomp filter"
            + (f" + unprivileged uid {drop}+slot" if drop is not None else " + userns, no capabilities")
        ),
    )


def apply_limits(
    *, memory_bytes: int, cpu_seconds: int, cpu_hard: int, file_bytes: int, nproc: int, nofile: int
) -> None:
    """setrlimit in the child, before the uid drop (the hard limits then cannot be raised again)."""
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    # soft limit -> SIGXCPU, hard limit -> SIGKILL
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_hard))
    resource.setrlimit(resource.RLIMIT_FSIZE, (file_bytes, file_bytes))
    resource.setrlimit(resource.RLIMIT_NPROC, (nproc, nproc))
    resource.setrlimit(resource.RLIMIT_NOFILE, (nofile, nofile))


def drop_privileges(uid: int) -> None:
    os.setgroups([])
    os.setresgid(uid, uid, uid)
    os.setresuid(uid, uid, uid)
    if os.getuid() != uid or os.geteuid() != uid:
        raise IsolationError("privilege drop did not take effect")
