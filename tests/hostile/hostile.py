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
