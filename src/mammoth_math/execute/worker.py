"""Opt-in reuse (`SandboxConfig.reuse_workers = N`, CLI `--reuse N`): one sandboxed process, N programs.

A worker is cloned from the full template exactly like a program process (its own PID namespace,
unprivileged uid, rlimits, network and mount namespaces, scrubbed environment), and then runs
programs one after another: no fork and no cold caches per program, so sympy-heavy batches run
nearly as fast as an un-isolated exec() pool (0.97x here, warm). Between two programs it:
- hands back the program's stdout/stderr/result pipes, so output is read, capped and attributed per
  program exactly as in fresh-process mode;
- kills every process the program left behind (the worker is init of its PID namespace: kill(-1));
- restores builtins, the environment, sys.path/argv/hooks/recursion limit, the sys.modules entries
  it started with, gc settings, signal handlers, warning filters, the working directory, the module
  namespaces of what the templates pre-import (math, fractions, numpy, sympy, ...) and the global
  settings programs commonly change (decimal context, numpy print options and error handling, mpmath
  precision, sympy's evaluate/distribute flags), and reseeds `random`.

What reuse does NOT give back, and why it is opt-in: state hidden elsewhere (attributes set on classes
or on submodules, caches, objects mutated in place) can reach the next program of the same worker,
and the control socket (CONTROL_FD) is open in the program, which could forge "done" replies: a
hostile program can tamper with the programs after it in its worker, never with the host.
The server bounds that: a worker is retired after any program that does not end `ok` (error,
timeout, memory, output cap), after a program that leaves a thread running or lowers the worker's
rlimits, and after N programs.
The wall-clock timeout kills the whole worker (and its PID namespace), as it kills a program.
"""

from __future__ import annotations

import builtins
import ctypes
import gc
import os
import random
import resource
import signal
import socket
import sys
import threading
from typing import Any

from mammoth_math.execute.child import RESULT_FD, execute, fresh_stdio, report
from mammoth_math.execute.process import take_program
from mammoth_math.execute.warm import LIGHT_MODULES

CONTROL_FD = RESULT_FD + 1
DONE = b"done"
DIRTY = b"dirty"  # the program left a thread running: retire this worker

# module namespaces put back after every program (attributes a program may rebind: math.pi = 3,
# json.dumps = ...): what programs import, and what this worker's own code calls between programs
_RESTORED_MODULES = sorted(
    (LIGHT_MODULES - {"builtins", "sys", "__future__"})
    | {"numpy", "sympy", "mpmath", "json", "io", "signal", "resource", "socket", "threading", "ctypes"}
    | {"posixpath", "warnings", "mammoth_math.execute.child", "mammoth_math.execute.worker"}
)
_SYS_ATTRS = ("path", "argv", "displayhook", "excepthook", "meta_path", "path_hooks", "modules", "ps1", "ps2")
# a program may lower its own limits for good (RLIMIT_NOFILE=3 ...): its worker is then retired
_RLIMITS = ("RLIMIT_AS", "RLIMIT_FSIZE", "RLIMIT_NPROC", "RLIMIT_NOFILE", "RLIMIT_CORE", "RLIMIT_STACK")
_UNCATCHABLE = {signal.SIGKILL, signal.SIGSTOP}
_PR_SET_NAME = 15
_libc = ctypes.CDLL(None)


class _Snapshot:
    """The process state a program may change, taken once when the worker starts."""

    def __init__(self) -> None:
        self.builtins_dict = builtins.__dict__
        self.builtins = dict(builtins.__dict__)
        self.environ = dict(os.environ)
        self.cwd = os.getcwd()
        with open("/proc/self/comm", "rb") as f:
            self.name = f.read().strip()
        self.sys = {name: _copy(getattr(sys, name)) for name in _SYS_ATTRS if hasattr(sys, name)}
        self.recursion_limit = sys.getrecursionlimit()
        self.int_digits = sys.get_int_max_str_digits() if hasattr(sys, "get_int_max_str_digits") else None
        self.handlers = {}
        for sig in signal.valid_signals():
            if sig not in _UNCATCHABLE:
                try:
                    self.handlers[sig] = signal.getsignal(sig)
                except (OSError, ValueError):
                    pass
        # the namespace dicts themselves, not module names: a program may replace sys.modules
        self.modules = [
            (vars(sys.modules[name]), dict(vars(sys.modules[name])))
            for name in _RESTORED_MODULES
            if name in sys.modules
        ]
        # sys.modules entries are put back (a fake `sympy` must not reach the next program); modules
        # a program imported stay, as its lazy imports are shared by the real modules
        self.sys_modules, self.sys_modules_saved = sys.modules, dict(sys.modules)
        self.gc_threshold = gc.get_threshold()
        self.limits = limits()
        self.settings = _settings()

    def restore_namespaces(self) -> None:
        """Builtins and module namespaces: first, since the worker's own code runs on them next."""
        for current, saved in [(self.builtins_dict, self.builtins), *self.modules]:
            # rebind first (what the program's values release may run __del__: the names are back),
            # then drop what the program added. No comparison first: a program's object may claim to
            # equal anything (__eq__), and identity checks in Python cost more than this.
            current.update(saved)
            if len(current) != len(saved):
                for key in [k for k in current if k not in saved]:
                    del current[key]
        self.sys_modules.update(self.sys_modules_saved)

    def restore(self) -> None:
        """Everything else the program may have changed."""
        if dict(os.environ) != self.environ:  # str keys and values: == cannot be overridden
            os.environ.clear()
            os.environ.update(self.environ)
        os.chdir(self.cwd)
        os.umask(0o077)
        _libc.prctl(_PR_SET_NAME, self.name, 0, 0, 0)  # a program may rename its process
        for name, value in self.sys.items():
            setattr(sys, name, _copy(value))
        sys.setrecursionlimit(self.recursion_limit)
        if self.int_digits is not None:
            sys.set_int_max_str_digits(self.int_digits)
        sys.settrace(None)
        sys.setprofile(None)
        gc.enable()
        gc.set_threshold(*self.gc_threshold)
        signal.alarm(0)
        signal.setitimer(signal.ITIMER_REAL, 0)
        for sig, handler in self.handlers.items():
            try:
                if signal.getsignal(sig) is not handler:
                    signal.signal(sig, handler)
            except (OSError, ValueError, TypeError):
                pass
        _restore_settings(self.settings)


def _copy(value: Any) -> Any:
    return list(value) if isinstance(value, list) else value


def _settings() -> dict[str, Any]:
    """Global settings outside module namespaces that programs commonly change."""
    out: dict[str, Any] = {}
    if "decimal" in sys.modules:
        out["decimal"] = sys.modules["decimal"].getcontext().copy()
    if "numpy" in sys.modules:
        np = sys.modules["numpy"]
        out["np_print"], out["np_err"] = np.get_printoptions(), np.geterr()
    if "mpmath" in sys.modules:
        mp = sys.modules["mpmath"].mp
        out["mp"] = (mp.prec, mp.pretty)
    if "sympy.core.parameters" in sys.modules:
        params = sys.modules["sympy.core.parameters"].global_parameters
        out["sympy"] = (params.evaluate, params.distribute, params.exp_is_pow)
    if "warnings" in sys.modules:
        out["warnings"] = list(sys.modules["warnings"].filters)
    return out


def _restore_settings(saved: dict[str, Any]) -> None:
    if "decimal" in saved:
        sys.modules["decimal"].setcontext(saved["decimal"].copy())
    if "np_print" in saved:
        np = sys.modules["numpy"]
        np.set_printoptions(**saved["np_print"])
        np.seterr(**saved["np_err"])
    if "mp" in saved:
        mp = sys.modules["mpmath"].mp
        mp.prec, mp.pretty = saved["mp"]
    if "sympy" in saved:
        params = sys.modules["sympy.core.parameters"].global_parameters
        params.evaluate, params.distribute, params.exp_is_pow = saved["sympy"]
    if "warnings" in saved:
        sys.modules["warnings"].filters[:] = saved["warnings"]
    random.seed()  # as a fresh process would be: new entropy


def _attach(fds: list[int], workdir: str, cpu_seconds: int) -> str:
    """Take this program's pipes and working directory; returns its code."""
    code = take_program(fds, workdir, RESULT_FD)
    # the CPU limit counts from now: soft limit at what this worker used so far + one program's worth
    usage = resource.getrusage(resource.RUSAGE_SELF)
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    soft = int(usage.ru_utime + usage.ru_stime) + cpu_seconds
    resource.setrlimit(resource.RLIMIT_CPU, (min(soft, hard), hard))
    fresh_stdio()
    return code


def limits() -> list[tuple[int, int]]:
    """The limits a program could lower for good (CPU is set per program: only its hard limit)."""
    return [resource.getrlimit(getattr(resource, name)) for name in _RLIMITS] + [
        (0, resource.getrlimit(resource.RLIMIT_CPU)[1])
    ]


def _detach() -> bool:
    """Let go of the program: its pipes, its processes. False when it left a thread running."""
    null = os.open("/dev/null", os.O_WRONLY)
    for fd in (1, 2, RESULT_FD):
        os.dup2(null, fd)
    os.close(null)
    if os.getpid() == 1:  # init of our PID namespace: this signals every other process in it
        try:
            os.kill(-1, signal.SIGKILL)
        except ProcessLookupError:
            pass
    while True:
        try:
            os.waitpid(-1, 0)
        except ChildProcessError:
            break
    return threading.active_count() == 1


def serve(cpu_seconds: int, max_answer_chars: int) -> None:
    """The worker's loop: one program per message on CONTROL_FD until EOF. Never returns."""
    control = socket.socket(fileno=CONTROL_FD)
    snapshot = _Snapshot()
    me = os.getpid()
    while True:
        try:
            msg, fds, _, _ = socket.recv_fds(control, 8192, 3)
        except OSError:
            os._exit(0)
        if not msg:
            os._exit(0)  # retired: the server closed its end
        workdir = msg.decode().split("\0", 2)[2]
        try:
            code = _attach(fds, workdir, cpu_seconds)
        except BaseException as exc:
            os.write(2, f"sandbox setup failed: {exc}\n".encode())
            os._exit(126)
        result = execute(code, max_answer_chars)
        if os.getpid() != me:
            os._exit(0 if result["error"] is None else 1)  # a process the program forked got here
        snapshot.restore_namespaces()
        report(result)
        try:
            # a failed program may have left anything behind: its worker is retired
            clean = (
                _detach() and result["error"] is None and not result["memory"] and limits() == snapshot.limits
            )
            snapshot.restore()
        except BaseException:
            clean = False  # the program broke something we restore: this worker is retired
        control.send(DONE if clean else DIRTY)
