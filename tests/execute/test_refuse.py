"""Without namespaces the sandbox refuses, unless unsafe mode is asked for explicitly.

Namespaces are taken away for real: inside a user namespace of our own we set its namespace quotas to
0, so every unshare() the server tries fails as it would on a host without namespace support.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

SCRIPT = textwrap.dedent("""
    import json
    from mammoth_math.execute import Sandbox, SandboxConfig
    out = {}
    # reuse asked for without namespaces: ignored (a worker needs its own PID namespace to clean up)
    for name, unsafe, reuse in (("False", False, 0), ("True", True, 0), ("True-reuse", True, 3)):
        cfg = SandboxConfig(timeout=3, workers=1, unsafe_no_isolation=unsafe, reuse_workers=reuse)
        with Sandbox(cfg) as sb:
            r = sb.run(["print(6 * 7)", "import os, time\\nos.fork()\\ntime.sleep(60)", "print(1)"])
            out[name] = [[x.status.value, x.answer, x.error] for x in r]
    print(json.dumps(out))
""")


@pytest.mark.slow
def test_refuses_without_namespaces_unless_unsafe(without_namespaces: list[str]) -> None:
    proc = subprocess.run(
        [*without_namespaces, sys.executable, "-c", SCRIPT],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    refused = out["False"]
    assert [r[0] for r in refused] == ["refused", "refused", "refused"]
    assert refused[0][2].startswith("IsolationUnavailable")
    for unsafe in (out["True"], out["True-reuse"]):
        assert unsafe[0][:2] == ["ok", "42"]
        assert unsafe[1][0] == "timeout"
        assert unsafe[2][:2] == ["ok", "1"]
