"""Opt-in reuse mode: programs share a worker process, which gives back what they change and is
retired after a failure, a leftover thread, or N programs."""

from __future__ import annotations

import sys
import textwrap

import pytest

from mammoth_math.api.records import ExecStatus
from mammoth_math.execute import Sandbox, SandboxConfig

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="the sandbox isolates on Linux")

# a class attribute is state reuse does NOT restore: seeing it tells that two programs shared a worker
MARK = "import fractions\nfractions.Fraction._reuse_mark = True\n"
SAME_WORKER = "import fractions\nprint(getattr(fractions.Fraction, '_reuse_mark', False))"

CHANGE_EVERYTHING = textwrap.dedent("""
    import builtins, decimal, math, os, random, signal, sys, warnings
    import numpy as np
    import mpmath
    import sympy
    from sympy.core.parameters import global_parameters
    math.pi = 3
    math.tau_extra = 1
    decimal.getcontext().prec = 5
    np.set_printoptions(precision=2)
    np.seterr(all='raise')
    mpmath.mp.dps = 50
    global_parameters.evaluate = False
    builtins.len = lambda x: 42
    builtins.secret = 'leak'
    os.environ['LEAK'] = '1'
    sys.path.insert(0, '/nowhere')
    sys.setrecursionlimit(55)
    signal.signal(signal.SIGUSR1, signal.SIG_IGN)
    warnings.simplefilter('error')
    random.seed(1)
    os.chdir('/')
    sympy.Symbol = None
    print('changed')
""")

CHECK_EVERYTHING = textwrap.dedent("""
    import builtins, decimal, math, os, random, signal, sys, warnings
    import numpy as np
    import mpmath
    import sympy
    from sympy.core.parameters import global_parameters
    random.seed(1)
    seeded = random.random()
    print({
        'pi': math.pi == 3.141592653589793,
        'no_extra': not hasattr(math, 'tau_extra'),
        'decimal': decimal.getcontext().prec == 28,
        'np_print': np.get_printoptions()['precision'] == 8,
        'np_err': np.geterr()['divide'] == 'warn',
        'mpmath': mpmath.mp.dps == 15,
        'evaluate': global_parameters.evaluate is True,
        'len': len([1]) == 1,
        'no_secret': not hasattr(builtins, 'secret'),
        'env': 'LEAK' not in os.environ and os.environ['HOME'] == os.getcwd(),
        'path': '/nowhere' not in sys.path,
        'recursion': sys.getrecursionlimit() == 1000,
        'signal': signal.getsignal(signal.SIGUSR1) == signal.SIG_DFL,
        'warnings': not any(f[0] == 'error' for f in warnings.filters),
        'sympy': sympy.Symbol is not None and str(sympy.Symbol('x') + 1) == 'x + 1',
        'cwd': os.path.basename(os.getcwd()).startswith('job-'),
        'seeded': seeded == 0.13436424411240122,
    })
""")


def test_state_is_restored_between_programs() -> None:
    with Sandbox(SandboxConfig(timeout=20, workers=1, reuse_workers=10)) as sb:
        results = sb.run([MARK + CHANGE_EVERYTHING, CHECK_EVERYTHING, SAME_WORKER])
    assert [r.status for r in results] == [ExecStatus.OK] * 3, results
    assert results[0].answer == "changed"
    checks = eval(results[1].answer or "{}")  # a dict of bools printed by the program
    assert checks and all(checks.values()), {k: v for k, v in checks.items() if not v}
    assert results[2].answer == "True", "the three programs ran in one worker"


def test_a_value_claiming_equality_is_still_restored() -> None:
    sticky = textwrap.dedent("""
        import math
        class Sticky:  # equal to anything: restoring must not trust ==
            def __eq__(self, other):
                return True
            __hash__ = object.__hash__
        math.e = Sticky()
        print('set')
    """)
    check = "import math\nprint(type(math.e).__name__)"
    with Sandbox(SandboxConfig(timeout=20, workers=1, reuse_workers=10)) as sb:
        results = sb.run([MARK + sticky, check, SAME_WORKER])
    assert [r.answer for r in results] == ["set", "float", "True"]


def test_fake_modules_and_lowered_limits_do_not_reach_the_next_program() -> None:
    fake = "import sys, types\nsys.modules['sympy'] = types.ModuleType('sympy')\nimport gc\ngc.disable()\nprint('faked')"
    check = "import gc, sympy\nprint(hasattr(sympy, 'solve'), gc.isenabled())"
    lower = "import resource\nresource.setrlimit(resource.RLIMIT_NOFILE, (8, 8))\nprint('lowered')"
    with Sandbox(SandboxConfig(timeout=20, workers=1, reuse_workers=10)) as sb:
        results = sb.run(
            [
                MARK + fake,
                check,
                SAME_WORKER,
                MARK + lower,
                SAME_WORKER,
                "print(open('/dev/null').read() == '')",
            ]
        )
    assert [r.answer for r in results] == ["faked", "True True", "True", "lowered", "False", "True"]


def test_worker_retired_after_failure_thread_and_n_programs() -> None:
    thread = "import threading, time\nthreading.Thread(target=time.sleep, args=(30,), daemon=True).start()\n"
    programs = [
        MARK + "raise ValueError('bad')",  # 1: fails -> its worker is retired
        SAME_WORKER,  # 2: new worker
        MARK + "print('marked')",  # 3: same worker as 2
        SAME_WORKER,  # 4: same worker as 2 and 3, its last (N = 3)
        SAME_WORKER,  # 5: new worker
        MARK + thread + "print('thread left running')",  # 6: leaves a thread -> retired
        SAME_WORKER,  # 7: new worker
    ]
    with Sandbox(SandboxConfig(timeout=20, workers=1, reuse_workers=3)) as sb:
        results = sb.run(programs)
    assert results[0].status == ExecStatus.ERROR
    assert [r.answer for r in results[1:]] == [
        "False",
        "marked",
        "True",
        "False",
        "thread left running",
        "False",
    ]


def test_timeout_kills_the_worker_and_the_next_program_runs() -> None:
    with Sandbox(SandboxConfig(timeout=1.0, workers=1, reuse_workers=10)) as sb:
        results = sb.run([MARK + "while True:\n    pass", SAME_WORKER, "print(sum(range(10)))"])
    assert [r.status for r in results] == [ExecStatus.TIMEOUT, ExecStatus.OK, ExecStatus.OK]
    assert [r.answer for r in results[1:]] == ["False", "45"]


def test_reuse_gives_the_same_answers_as_fresh_processes() -> None:
    programs = [
        "print(1 + 1)",
        "def solution():\n    return 3",
        "import sympy as sp\nx = sp.Symbol('x')\nprint(sp.solve(x**2 - 5*x + 6, x))",
        "import numpy as np\nprint(np.arange(5).sum())",
        "print('π ≈ 3.14')",
        "import sys\nsys.exit(0)",
        "import os\nprint(5)\nos._exit(0)",
    ] * 3
    with Sandbox(SandboxConfig(timeout=20, workers=2)) as fresh:
        expected = [(r.status, r.answer, r.stdout) for r in fresh.run(programs)]
    with Sandbox(SandboxConfig(timeout=20, workers=2, reuse_workers=4)) as reused:
        got = [(r.status, r.answer, r.stdout) for r in reused.run(programs)]
    assert got == expected


def test_bad_reuse_config() -> None:
    with pytest.raises(ValueError, match="reuse_workers"):
        SandboxConfig(reuse_workers=-1)
