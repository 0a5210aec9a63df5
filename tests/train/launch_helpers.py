"""Running `mammoth-math train` as real processes for the multi-process tests: one plain process, or
`accelerate launch` starting several that talk over gloo. Nothing here stands in for accelerate or torch."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from mammoth_math.train import read_manifest

REPO = Path(__file__).resolve().parents[2]


@dataclass
class Run:
    returncode: int
    output: str  # stdout + stderr, for assertion messages
    seconds: float

    def check(self) -> Run:
        assert self.returncode == 0, self.output[-6000:]
        return self


def free_port() -> int:
    """A port for torch.distributed's rendezvous: several launches in one session must not collide."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _env(threads: int) -> dict[str, str]:
    env = dict(os.environ)
    # One thread per process: two ranks on 2 shared cores oversubscribe otherwise, and even a lone
    # process ran 3 SmolLM2 LoRA steps in 119 s with 2 threads vs 14 s with 1 on this busy box.
    env["OMP_NUM_THREADS"] = str(threads)
    # An interpreter other than the main venv's (a DeepSpeed venv) sees our sources too.
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO / "src"), env.get("PYTHONPATH", "")) if p)
    for name in ("WORLD_SIZE", "RANK", "LOCAL_RANK", "MASTER_ADDR", "MASTER_PORT"):
        env.pop(name, None)  # a launcher above pytest must not leak into ours
    return env


def _run(cmd: list[str], threads: int, timeout: float) -> Run:
    started = time.perf_counter()
    proc = subprocess.run(
        cmd, env=_env(threads), cwd=REPO, capture_output=True, text=True, timeout=timeout, check=False
    )
    return Run(proc.returncode, proc.stdout + proc.stderr, time.perf_counter() - started)


def train_one_process(overrides: list[str], timeout: float = 600) -> Run:
    return _run([sys.executable, "-m", "mammoth_math", "train", *overrides], 1, timeout)


def train_launched(
    launch_args: list[str], overrides: list[str], *, python: str = sys.executable, timeout: float = 600
) -> Run:
    """`accelerate launch LAUNCH_ARGS -m mammoth_math train OVERRIDES` in fp32 on this machine."""
    cmd = [
        python,
        "-m",
        "accelerate.commands.launch",
        "--num_machines",
        "1",
        "--mixed_precision",
        "no",
        "--dynamo_backend",
        "no",
        "--main_process_port",
        str(free_port()),
        *launch_args,
        "-m",
        "mammoth_math",
        "train",
        *overrides,
    ]
    return _run(cmd, 1, timeout)


def logged_losses(output_dir: str | Path) -> dict[int, float]:
    """step -> loss as the Trainer logged it (mean over ranks), from the manifest beside the weights."""
    return {int(step): float(loss) for step, loss in read_manifest(output_dir)["result"]["losses"]}
