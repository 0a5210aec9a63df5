"""What the eval kill/resume/merge tests share: the CLI as a subprocess, a kill -9 after the first
finished sample, and samples/summaries with the timings (which differ run to run) taken out."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from mammoth_math.evaluate import TIMING_FIELDS


def eval_cli(args: list[str], out: Path, cache: Path, *extra: str) -> subprocess.Popen[str]:
    """`mammoth-math eval ARGS --output OUT --cache-dir CACHE EXTRA...`, running."""
    cmd = [sys.executable, "-m", "mammoth_math", "eval", *args, "--output", str(out)]
    cmd += ["--cache-dir", str(cache), *extra]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def finish(proc: subprocess.Popen[str], timeout: float = 400) -> str:
    out, err = proc.communicate(timeout=timeout)
    assert proc.returncode == 0, err[-3000:]
    return out


def merge_cli(shards: list[Path], out: Path) -> None:
    cmd = [sys.executable, "-m", "mammoth_math", "eval", "merge", *map(str, shards), "--output", str(out)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr


def kill_after_first_sample(proc: subprocess.Popen[str], out: Path, limit: int, wait: float = 300) -> int:
    """kill -9 the run once a sample is in its progress log; returns how many were done by then."""
    progress = out / "progress.jsonl"
    deadline = time.time() + wait
    while time.time() < deadline and proc.poll() is None:
        if progress.exists() and progress.read_text().count("\n") >= 1:
            break
        time.sleep(0.02)
    assert proc.poll() is None, "the run finished before it could be killed"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert not (out / "summary.json").exists()
    done = progress.read_text().count("\n")
    assert 1 <= done < limit
    return done


def samples(path: Path) -> list[dict[str, Any]]:
    rows = [json.loads(line) for line in path.read_text().splitlines()]
    for r in rows:
        r["solve"]["seconds"] = 0
        if r["solve"]["execution"]:
            r["solve"]["execution"]["seconds"] = 0
    return rows


def summary(path: Path) -> dict[str, Any]:
    s = json.loads(path.read_text())
    for key in (*TIMING_FIELDS, "merged_from", "missing_shards", "shards"):
        s.pop(key, None)
    return s
