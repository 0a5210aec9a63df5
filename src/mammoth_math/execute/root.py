"""The minimal root programs see: built once per sandbox server, entered with pivot_root.

As bubblewrap and nsjail do, the server mounts a small tmpfs, bind-mounts into it (read-only, at their
usual paths) only what the interpreter needs, and makes it the root of its mount namespace; the host's
root is then detached, so nothing else of the host exists for the processes started afterwards:

- the interpreter's directories: its prefixes, the directory of its executable and every directory on
  `sys.path`, wherever they live (under /tmp, under a 0700 home, on another mount), with the symlinks
  on the way recreated, and the system library directories its extension modules link against;
- `/etc` holding only the loader cache and a two-line passwd/group of our own;
- `/dev` with null, zero, full, random and urandom and nothing else (bind-mounted: no mknod in a user
  namespace; no /dev/fd or /dev/stdin links, which Python programs do not need);
- a private, size-capped `/tmp` (the working directories live there);
- `/proc` showing a program its own processes only. As real root, where each program runs as a uid
  of its own: one procfs mounted with `hidepid=2` (a program sees itself and its children, under
  their host pids). In a user namespace, where programs and the user's own processes share one uid
  and hidepid hides nothing: the host's procfs bound for the server, which each program covers with
  a procfs of its own PID namespace (template.py clones it into a mount namespace of its own for
  that). The per-program mount costs ~10% of a trivial program's time, so it is not used where
  hidepid does the job.

There is no /home, /root, /var, /run, /sys, project checkout, data directory or host socket in it.
Sources are opened (O_PATH) before the tmpfs is mounted and bound through /proc/self/fd, so a source
under /tmp is still reachable after our tmpfs covers the host's /tmp.
"""

from __future__ import annotations

import os

from mammoth_math.execute import isolation

SYSTEM_LIBRARY_DIRS = ("/lib", "/lib32", "/lib64", "/libx32", "/usr/lib", "/usr/lib32", "/usr/lib64")
DEVICES = ("null", "zero", "full", "random", "urandom")
ETC_FILES = ("/etc/ld.so.cache",)
# mount points the root itself provides: a needed path may not be one of them or hold one
_RESERVED = ("/", "/tmp", "/dev", "/proc", "/etc")
_PASSWD = "root:x:0:0:root:/:/usr/sbin/nologin\nnobody:x:65534:65534:nobody:/:/usr/sbin/nologin\n"
_GROUP = "root:x:0:\nnogroup:x:65534:\n"
_BASE = "/tmp"  # where the new root is assembled before pivot_root (covers the host's /tmp)


class Plan:
    """What the root will hold, read from the host before anything is mounted."""

    def __init__(self) -> None:
        self.binds: dict[str, int] = {}  # real path -> O_PATH fd of the source
        self.links: dict[str, str] = {}  # path -> symlink target, recreated in the root
        self.devices: dict[str, int] = {}  # /dev/NAME -> O_PATH fd
        self.proc = os.open("/proc", os.O_PATH | os.O_CLOEXEC)

    def close(self) -> None:
        for fd in [*self.binds.values(), *self.devices.values(), self.proc]:
            os.close(fd)


def _resolve(path: str, links: dict[str, str], depth: int = 0) -> str | None:
    """The real path of `path`, recording every symlink met on the way; None when it does not exist."""
    if depth > 40:
        return None
    parts = [p for p in os.path.normpath(path).split("/") if p]
    current = "/"
    for i, part in enumerate(parts):
        step = os.path.join(current, part)
        if os.path.islink(step):
            target = os.readlink(step)
            links[step] = target
            base = target if target.startswith("/") else os.path.join(current, target)
            return _resolve(os.path.join(base, *parts[i + 1 :]), links, depth + 1)
        current = step
    return current if os.path.exists(current) else None


def _inside(path: str, parent: str) -> bool:
    return path == parent or path.startswith(parent.rstrip("/") + "/")


def plan(paths: list[str]) -> Plan:
    """Open every source the root binds (before a tmpfs covers /tmp) and note the symlinks to recreate."""
    out = Plan()
    links: dict[str, str] = {}
    real: set[str] = set()
    for path in [*paths, *SYSTEM_LIBRARY_DIRS, *ETC_FILES]:
        if not path or not path.startswith("/"):
            continue
        resolved = _resolve(path, links)
        if resolved is None or resolved == "/":  # `python -m` puts its working directory, /, on sys.path
            continue
        if any(_inside(r, resolved) for r in _RESERVED[1:]):
            raise isolation.IsolationError(
                f"cannot build the sandbox root: {path} is (or holds) one of {', '.join(_RESERVED)}"
            )
        real.add(resolved)
    # a directory inside another bound one comes along with it
    kept = sorted(p for p in real if not any(p != q and _inside(p, q) for q in real))
    for path in kept:
        out.binds[path] = os.open(path, os.O_PATH | os.O_CLOEXEC)
    for link, target in links.items():
        if not any(_inside(link, b) for b in kept):
            out.links[link] = target
    for name in DEVICES:
        out.devices[f"/dev/{name}"] = os.open(f"/dev/{name}", os.O_PATH | os.O_CLOEXEC)
    return out


def _makedirs(root: str, path: str) -> None:
    os.makedirs(root + path, mode=0o755, exist_ok=True)


def _mount_point(root: str, path: str, like_fd: int) -> None:
    """An empty directory or file at `path` in the root, as the source behind `like_fd` is."""
    target = root + path
    _makedirs(root, os.path.dirname(path))
    if os.path.isdir(f"/proc/self/fd/{like_fd}"):
        os.makedirs(target, mode=0o755, exist_ok=True)
    elif not os.path.exists(target):
        os.close(os.open(target, os.O_WRONLY | os.O_CREAT, 0o644))


def _bind(fd: int, root: str, path: str) -> None:
    _mount_point(root, path, fd)
    isolation.mount(f"/proc/self/fd/{fd}", root + path, None, isolation.MS_BIND | isolation.MS_REC)


# how programs see /proc (build() says which)
PROC_HIDEPID = "/proc with hidepid"  # the server's, shared
PROC_OWN = "/proc of its own PID namespace per program"  # each program mounts one
PROC_EMPTY = "empty /proc"  # the kernel refused both


def build(tmp_size_mb: int, paths: list[str], uid_per_program: bool) -> str:
    """Assemble the root and pivot into it; returns how programs see /proc (PROC_*).

    Must run in a fresh mount namespace whose mounts no longer propagate to the host.
    """
    layout = plan(paths)
    try:
        root = _BASE
        isolation.mount("tmpfs", root, "tmpfs", isolation.MS_NOSUID | isolation.MS_NODEV, "mode=0755,size=4m")
        for name in ("tmp", "dev", "proc", "etc"):
            os.mkdir(os.path.join(root, name), 0o755)
        flags = isolation.MS_NOSUID | isolation.MS_NODEV
        isolation.mount("tmpfs", root + "/tmp", "tmpfs", flags, f"mode=0755,size={tmp_size_mb}m")
        isolation.mount(
            "tmpfs", root + "/dev", "tmpfs", isolation.MS_NOSUID | isolation.MS_NOEXEC, "mode=0755,size=64k"
        )
        for path, fd in layout.devices.items():
            _bind(fd, root, path)
        for name, text in (("passwd", _PASSWD), ("group", _GROUP)):
            with open(f"{root}/etc/{name}", "w") as f:
                f.write(text)
        # parents first: a bind inside /tmp lands on our private /tmp, not under it
        for path in sorted(layout.binds, key=lambda p: p.count("/")):
            _bind(layout.binds[path], root, path)
        for link in sorted(layout.links, key=lambda p: p.count("/")):
            _makedirs(root, os.path.dirname(link))
            if not os.path.lexists(root + link):
                os.symlink(layout.links[link], root + link)
        proc = _server_proc(layout.proc, root + "/proc", uid_per_program)
    finally:
        layout.close()
    os.chdir(root)
    isolation.pivot_root(".", ".")
    # the old root now sits on top of the new one: detach it, and nothing of the host is left
    isolation.umount(".")
    os.chdir("/")
    _remount_readonly(list(layout.binds), list(layout.devices))
    return proc


def _server_proc(fd: int, target: str, uid_per_program: bool) -> str:
    """Mount the server's /proc; returns how programs see /proc.

    With a uid per program: a fresh procfs with hidepid=2. Otherwise the host's procfs, bound without
    its submounts, for the server and templates to read: bound rather than mounted anew because in a
    user namespace the kernel lets a program mount procfs only where one is already fully visible,
    and the server, in the host's PID namespace, may not mount one itself. Where even that is
    refused, an empty /proc (and programs mount nothing).
    """
    flags = isolation.MS_NOSUID | isolation.MS_NODEV | isolation.MS_NOEXEC
    try:
        if uid_per_program:
            isolation.mount("proc", target, "proc", flags, "hidepid=2")
            return PROC_HIDEPID
        isolation.mount(f"/proc/self/fd/{fd}", target, None, isolation.MS_BIND)
    except isolation.IsolationError:
        return PROC_EMPTY
    return PROC_OWN


def _remount_readonly(binds: list[str], devices: list[str]) -> None:
    """Everything read-only but /tmp and /proc: the root itself, /dev, /etc and every bind.

    A bind keeps the flags the kernel locks in a user namespace (nosuid, noexec, atime ...); code
    directories also get nosuid and nodev. Failing is fatal: a writable bind would let a program change
    the host.
    """
    ro = isolation.MS_REMOUNT | isolation.MS_RDONLY
    isolation.mount(None, "/", None, ro | isolation.MS_NOSUID | isolation.MS_NODEV)
    isolation.mount(None, "/dev", None, ro | isolation.MS_NOSUID | isolation.MS_NOEXEC)
    for path in [*devices, *binds]:
        flags = ro | isolation.MS_BIND | isolation.kept_flags(path)
        if path not in devices:
            flags |= isolation.MS_NOSUID | isolation.MS_NODEV
        isolation.mount(None, path, None, flags)
    # submounts a recursive bind brought along (a separate /usr/lib filesystem ...); /proc tells
    for point in isolation.mount_points():
        if (
            point in ("/tmp", "/proc")
            or point.startswith("/proc/")
            or os.statvfs(point).f_flag & os.ST_RDONLY
        ):
            continue
        isolation.mount(None, point, None, ro | isolation.MS_BIND | isolation.kept_flags(point))
