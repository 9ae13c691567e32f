"""Leaving after Ctrl-C: exit code 130 at once, with the atexit handlers run and the output flushed."""

from __future__ import annotations

import subprocess
import sys

PROGRAM = """
import atexit, sys
from pathlib import Path
from sim.cli.exits import leave
atexit.register(lambda: Path(sys.argv[1]).write_text("cleaned up"))
sys.stdout.write("kept on stdout")  # buffered: a pipe
sys.stderr.write("flashpoint: interrupted (Ctrl-C)")
leave(int(sys.argv[2]))
"""


def _program(tmp_path, code: int) -> tuple[subprocess.CompletedProcess, str]:
    marker = tmp_path / "atexit"
    proc = subprocess.run(
        [sys.executable, "-c", PROGRAM, str(marker), str(code)], capture_output=True, text=True, timeout=120
    )
    return proc, marker.read_text() if marker.exists() else ""


def test_an_interrupted_command_leaves_with_130_after_its_atexit_handlers_and_flushed_output(tmp_path):
    proc, marker = _program(tmp_path, 130)
    assert proc.returncode == 130
    assert proc.stdout == "kept on stdout" and proc.stderr == "flashpoint: interrupted (Ctrl-C)"
    assert marker == "cleaned up"


def test_other_codes_exit_normally(tmp_path):
    proc, marker = _program(tmp_path, 2)
    assert (proc.returncode, proc.stdout, marker) == (2, "kept on stdout", "cleaned up")
