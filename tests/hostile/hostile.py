"""Helpers for the hostile-input and failing-machine tests: the flashpoint command as a user runs it.

A module of its own (not a conftest), as tests/scenario_builders.py explains.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCS = ROOT / "scenarios" / "south_china_sea.yaml"

TRACEBACK = "Traceback (most recent call last)"
LOCATED = re.compile(r"^[^:\n]+:\d+:\d+: [^:\n]*: \S")
"""A ``FILE:LINE:COL: path: message`` line (a file name without a colon)."""
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
"""What no terminal may receive from flashpoint (tabs and newlines aside)."""


def env() -> dict[str, str]:
    """The environment of a flashpoint subprocess (the test session's Numba cache)."""
    return {**os.environ, "PYTHONWARNINGS": "ignore"}


def command(*args: object) -> list[str]:
    """``flashpoint ARGS`` as an argument list (``python -m sim``, the same program)."""
    return [sys.executable, "-m", "sim", *map(str, args)]


def flashpoint(*args: object, timeout: float = 300, **kwargs) -> subprocess.CompletedProcess:
    """Run ``flashpoint ARGS`` to the end; text output captured (``env=`` replaces the default environment)."""
    environment = kwargs.pop("env", None) or env()
    return subprocess.run(
        command(*args), capture_output=True, text=True, cwd=ROOT, env=environment, timeout=timeout, **kwargs
    )


PEAK_MB = 600
"""Peak resident memory a refused hostile input may cost the process (issues 20 and 24)."""

# A small launcher runs `flashpoint ARGS` in a child capped at 3 GB of address space (so a regression
# fails the test instead of the machine) and prints the child's peak resident set size and CPU time.
# Measured from the launcher (RUSAGE_CHILDREN), not by the command itself: Linux starts a process's
# ru_maxrss at the resident size of the process that forked it, and the test session is far larger
# than 600 MB. CPU time, not wall-clock time, so that a loaded machine does not fail the bound.
RUSAGE_PROBE = """
import resource, subprocess, sys

def cap():
    resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))

done = subprocess.run(sys.argv[1:], preexec_fn=cap)
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(f"PEAK_RSS_KB={usage.ru_maxrss} CPU_S={usage.ru_utime + usage.ru_stime}", flush=True)
sys.exit(done.returncode)
"""


def measured(*args: object, timeout: float = 300) -> tuple[subprocess.CompletedProcess, float, float]:
    """Run ``flashpoint ARGS``; the finished process (stdout without the probe's line), peak RSS (MB), CPU seconds."""
    return measured_command([sys.executable, "-m", "sim", *map(str, args)], timeout)


def measured_command(command: list[str], timeout: float = 300) -> tuple[subprocess.CompletedProcess, float, float]:
    """Run ``command`` under the probe: the finished process (stdout without the probe line), peak RSS (MB), CPU s."""
    done = subprocess.run(
        [sys.executable, "-c", RUSAGE_PROBE, *command],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env(),
        timeout=timeout,
    )
    *lines, probe = done.stdout.splitlines()
    fields = dict(item.split("=") for item in probe.split())
    done.stdout = "".join(f"{line}\n" for line in lines)
    return done, int(fields["PEAK_RSS_KB"]) / 1024, float(fields["CPU_S"])


def write_duel(directory: Path) -> Path:
    """The shared two-actor duel (a one-day horizon) as a scenario file; runs take milliseconds."""
    from scenario_builders import DUEL, merge

    data = merge(DUEL, {"metadata": {"name": "hostile duel"}, "time": {"horizon_hours": 24}})
    path = directory / "duel.yaml"
    path.write_text(json.dumps(data, indent=1), encoding="utf-8")
    return path


def tiny_sweep_args(scenario: Path, out: Path, *extra: object, engine: str = "reference") -> list[str]:
    """A sweep of 4 points × 40 runs in chunks of 5 (32 chunks), slow enough to be interrupted."""
    return [
        "sweep",
        str(scenario),
        "--param",
        "actors.RED.ai.capability=0.4:0.9",
        "--points",
        "4",
        "--runs",
        "40",
        "--chunk-size",
        "5",
        "--seed",
        "5",
        "--engine",
        engine,
        "--out",
        str(out),
        *map(str, extra),
    ]


def resume_command(stderr: str) -> list[str]:
    """The command the one-line resume hint gives, as an argument list for :func:`flashpoint`."""
    hint = next(line for line in stderr.splitlines() if "resume with: flashpoint " in line)
    words = shlex.split(hint.split("resume with: flashpoint ", 1)[1])
    assert words[-1] == "--resume", hint
    return words


def sweep_outputs(out: Path) -> dict[str, bytes]:
    """The point and run tables of a sweep's ``--out`` directory, by name."""
    return {name: (out / name).read_bytes() for name in ("points.parquet", "runs.parquet") if (out / name).exists()}


def json_output(done: subprocess.CompletedProcess) -> dict:
    """The JSON a command printed."""
    return json.loads(done.stdout)
