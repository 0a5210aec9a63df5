"""Which template a program is forked from, and that the choice never changes what a program can do."""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from pathlib import Path

import pytest

from mammoth_math.api.records import ExecStatus
from mammoth_math.execute import Sandbox, SandboxConfig
from mammoth_math.execute.warm import FULL, LIGHT, SYMPY, imported_modules, template_for

ROUTES = [
    ("print(1 + 1)", LIGHT),
    ("import math\nprint(math.sqrt(2))", LIGHT),
    ("from fractions import Fraction\nprint(Fraction(1, 3))", LIGHT),
    ("import itertools, collections as c\nprint(1)", LIGHT),
    ("from math import (\n    comb,\n    gcd,\n)\nprint(comb(5, 2))", LIGHT),
    ("def solution():\n    import statistics\n    return statistics.mean([1, 2])", LIGHT),
    ("x = 'import sympy'  # only a string\nprint(x)", LIGHT),
    ("import sympy as sp\nprint(sp.sqrt(8))", SYMPY),
    ("from sympy import symbols, solve\nprint(1)", SYMPY),
    ("from sympy.solvers import solve\nimport mpmath\nprint(1)", SYMPY),
    ("import numpy\nprint(1)", FULL),
    ("import math; import sympy\nprint(1)", SYMPY),
    ("import sympy\nimport numpy\nprint(1)", FULL),
    ("import math, numpy as np\nprint(1)", FULL),
    ("import os.path\nprint(1)", LIGHT),
    ("import scipy.optimize\nprint(1)", FULL),
    ("import json\nprint(json.dumps(1))", FULL),  # not warmed on the light template
    ("from . import x", FULL),
    ("m = __import__('sympy')\nprint(m.sqrt(8))", FULL),
    ("import importlib\nprint(importlib.import_module('sympy').sqrt(8))", FULL),
    ("    import sympy\n", SYMPY),
]


@pytest.mark.parametrize(("code", "template"), ROUTES)
def test_route(code: str, template: str) -> None:
    assert template_for(code) == template


def test_imported_modules() -> None:
    code = "import a.b as c, d\nfrom e.f import g\nx = 1; import h\nfrom .rel import y\n# import commented"
    assert imported_modules(code) == {"a", "d", "e", "h", "."}


pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="the sandbox isolates on Linux")


def test_any_program_runs_on_either_template() -> None:
    programs = {
        # routed LIGHT, then imports sympy behind the router's back: slower, still right
        "exec_import": ('exec("import sympy")\nprint(sympy.sqrt(8))', "2*sqrt(2)"),
        "hidden_import": (
            'm = getattr(__builtins__, "__imp" + "ort__")("numpy")\nprint(m.arange(4).sum())',
            "6",
        ),
        "sympy": ("import sympy as sp\nprint(sp.factor(sp.Symbol('x')**2 - 1))", "(x - 1)*(x + 1)"),
        "full": ("import numpy as np, sympy as sp\nprint(sp.Integer(int(np.arange(4).sum())))", "6"),
        "light": ("from fractions import Fraction\nprint(Fraction(1, 2) + Fraction(1, 3))", "5/6"),
    }
    assert template_for(programs["exec_import"][0]) == LIGHT
    with Sandbox(SandboxConfig(timeout=20)) as sb:
        results = sb.run([code for code, _ in programs.values()])
    for (name, (_, answer)), result in zip(programs.items(), results, strict=True):
        assert result.status == ExecStatus.OK, (name, result)
        assert result.answer == answer, name


def _children(pid: int) -> list[int]:
    return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


@pytest.mark.slow
def test_template_death_restarts_the_sandbox() -> None:
    with Sandbox(SandboxConfig(timeout=20, workers=1)) as sb:
        assert sb.run(["import sympy\nprint(sympy.Integer(1))"])[0].answer == "1"
        server = sb._server
        assert server is not None
        templates = _children(server.proc.pid)
        assert len(templates) == 2
        # a template killed while a program it started runs: that program and the server go with it
        killer = threading.Timer(1.0, os.kill, (templates[0], signal.SIGKILL))
        killer.start()
        t0 = time.monotonic()
        (result,) = sb.run(["import time\ntime.sleep(15)"])
        killer.join()
        assert result.status == ExecStatus.KILLED and "SandboxDied" in (result.error or ""), result
        assert time.monotonic() - t0 < 10
        assert server.proc.wait(timeout=10) is not None
        # the next call starts a fresh server with fresh templates
        assert sb.run(["print(2)", "import sympy\nprint(sympy.Integer(3))"])[1].answer == "3"


@pytest.mark.parametrize(
    "programs",
    [
        ["print(1)"],
        ["print(1)", "import sympy\nprint(sympy.Integer(2))"],
        ["print(1)", "import sympy\nprint(sympy.Integer(2))", "import numpy\nprint(numpy.int64(3))"],
    ],
)
def test_server_exits_cleanly_with_one_or_both_templates(programs: list[str]) -> None:
    sb = Sandbox(SandboxConfig(timeout=20))
    assert all(r.ok for r in sb.run(programs))
    server = sb._server
    assert server is not None
    templates = _children(server.proc.pid)
    assert len(templates) == len(programs), "a template starts only when a program needs it"
    sb.close()
    assert server.proc.returncode == 0
    for pid in templates:
        assert not Path(f"/proc/{pid}").exists()
