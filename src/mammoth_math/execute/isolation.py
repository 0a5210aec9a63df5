"""Linux isolation primitives for the zygote: namespaces, mounts, limits, privilege drop.

Everything here runs inside the zygote (or its children), never in the caller's process: `unshare`
changes the calling process for good.
"""

from __future__ import annotations

import ctypes
import os
import resource
import sys
from collections import defaultdict

CLONE_NEWNS = 0x00020000
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

# programs run as uid/gid UID_BASE + k, a block of uids with no account, picked at random per zygote
# and one uid per worker slot: RLIMIT_NPROC counts processes per uid, so a fork bomb in one program
# cannot starve the programs running beside it (or other sandboxes), as it would if all ran as nobody
UID_FIRST = 1_000_000
UID_BLOCK = 256

# mount options that are "locked" in a user namespace: a remount must keep them or it fails with EPERM
_KEEP_FLAGS = {
    "nosuid": MS_NOSUID,
    "nodev": MS_NODEV,
    "noexec": MS_NOEXEC,
    "noatime": MS_NOATIME,
    "nodiratime": MS_NODIRATIME,
    "relatime": MS_RELATIME,
    "strictatime": MS_STRICTATIME,
}

_libc = ctypes.CDLL(None, use_errno=True)
_libc.mount.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_ulong, ctypes.c_char_p]
_libc.umount2.argtypes = [ctypes.c_char_p, ctypes.c_int]
_libc.unshare.argtypes = [ctypes.c_int]
_libc.prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]


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


class Isolation:
    """What the zygote managed to set up (reported back to the caller).

    A plain class, not a dataclass: the templates fork from the zygote's heap, and every module it
    imports (dataclasses pulls in inspect) makes each fork slower.
    """

    __slots__ = ("description", "drop_uid", "namespaces")

    def __init__(self, namespaces: bool, drop_uid: int | None, description: str) -> None:
        self.namespaces = namespaces
        self.drop_uid = drop_uid  # first uid of this zygote's block; None: we stay who we are (userns)
        self.description = description


def _mounts() -> list[tuple[str, set[str]]]:
    """(mount point, per-mount options) for every mount in this namespace, parents first."""
    out = []
    with open("/proc/self/mountinfo") as f:
        for line in f:
            parts = line.split()
            # mountinfo escapes blanks as octal (\040)
            point = parts[4].encode().decode("unicode_escape")
            out.append((point, set(parts[5].split(","))))
    return out


def _hidden_ancestor(path: str) -> str | None:
    """The first directory on the way to `path` that others may not traverse (e.g. /root, mode 700)."""
    current = "/"
    for part in [p for p in path.split("/") if p]:
        try:
            mode = os.stat(current).st_mode
        except OSError:
            return None
        if not mode & 0o001:
            return current
        current = os.path.join(current, part)
    return None


def needed_paths() -> list[str]:
    """Directories the interpreter imports from; programs must still reach them after the uid drop."""
    paths = {sys.prefix, sys.base_prefix, sys.exec_prefix, os.path.dirname(sys.executable)}
    paths.update(p for p in sys.path if p and os.path.isdir(p))
    return sorted({os.path.realpath(p) for p in paths})


def _expose(paths: list[str], stage_root: str) -> None:
    """Make `paths` reachable by an unprivileged uid inside this mount namespace only.

    A 0700 directory on the way (the interpreter under /root here) is covered by a 0755 tmpfs, and the
    needed child directories are bind-mounted back into it; everything else in it stays hidden.
    """
    wanted: dict[str, set[str]] = defaultdict(set)
    for path in paths:
        blocked = _hidden_ancestor(path)
        if blocked is None:
            continue
        child = path[len(blocked) :].lstrip("/").split("/")[0]
        wanted[blocked].add(child)
    for i, (blocked, children) in enumerate(sorted(wanted.items())):
        staged = []
        for j, child in enumerate(sorted(children)):
            stage = os.path.join(stage_root, f"stage-{i}-{j}")
            os.mkdir(stage)
            mount(os.path.join(blocked, child), stage, None, MS_BIND | MS_REC)
            staged.append((child, stage))
        mount("tmpfs", blocked, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755,size=64k")
        for child, stage in staged:
            os.mkdir(os.path.join(blocked, child), 0o755)
            mount(stage, os.path.join(blocked, child), None, MS_BIND | MS_REC)
            umount(stage)
            os.rmdir(stage)


def _remount_readonly(private_tmp: str) -> list[str]:
    """Every mount read-only except our private /tmp and the kernel's /proc and /sys.

    Returns the mount points that could not be remounted (reported in the description); for those the
    uid drop still keeps programs out unless they are world-writable. Failing on / is fatal.
    """
    left_writable = []
    for point, opts in _mounts():
        if point == private_tmp or point.startswith(("/proc", "/sys")) or "ro" in opts:
            continue
        flags = MS_REMOUNT | MS_BIND | MS_RDONLY
        for name, flag in _KEEP_FLAGS.items():
            if name in opts:
                flags |= flag
        try:
            mount(None, point, None, flags)
        except IsolationError:
            if point == "/":
                raise
            left_writable.append(point)
    return left_writable


def setup(tmp_size_mb: int) -> Isolation:
    """Enter private network + mount namespaces and shape the filesystem programs will see.

    Raises IsolationError when namespaces are unavailable; the caller then refuses to run programs.
    """
    uid, gid = os.getuid(), os.getgid()
    if uid == 0:
        unshare(CLONE_NEWNS | CLONE_NEWNET)
        drop: int | None = UID_FIRST + int.from_bytes(os.urandom(4), "little") % 1_000_000 * UID_BLOCK
    else:
        # an unprivileged user gets the same namespaces through a user namespace of its own
        unshare(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWNET)
        with open("/proc/self/setgroups", "w") as f:
            f.write("deny")
        with open("/proc/self/uid_map", "w") as f:
            f.write(f"0 {uid} 1")
        with open("/proc/self/gid_map", "w") as f:
            f.write(f"0 {gid} 1")
        drop = None
    # our mounts must not propagate back to the host
    mount(None, "/", None, MS_REC | MS_PRIVATE)
    mount("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, f"mode=0755,size={tmp_size_mb}m")
    if drop is not None:
        _expose(needed_paths(), "/tmp")
    writable = _remount_readonly("/tmp")
    return Isolation(
        namespaces=True,
        drop_uid=drop,
        description=(
            "netns(no interfaces up) + mountns(read-only /, private /tmp) + pidns per program"
            + (f" + unprivileged uid {drop}+slot" if drop is not None else " + userns")
            + (f"; could not make read-only: {', '.join(writable)}" if writable else "")
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
