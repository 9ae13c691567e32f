"""A worker killed, a Dask scheduler lost or unreachable, Ctrl-C: a documented exit code and one line
that says what was kept and which command resumes — no traceback — and the resumed sweep is
byte-identical to an uninterrupted one."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
from hostile import (
    ROOT,
    TRACEBACK,
    command,
    env,
    flashpoint,
    resume_command,
    sweep_outputs,
    tiny_sweep_args,
    write_duel,
)

from sim.cli.exits import EXIT_INTERRUPTED, EXIT_MACHINE

STORE = "points.parquet.chunks"
DEADLINE = 240.0


def _start_sweep(args: list[str], **kwargs) -> subprocess.Popen:
    return subprocess.Popen(
        command(*args), cwd=ROOT, env=env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kwargs
    )


def _wait_for_chunks(proc: subprocess.Popen, store: Path, count: int) -> None:
    deadline = time.monotonic() + DEADLINE
    while len(list(store.glob("p*-c*.parquet"))) < count:
        assert proc.poll() is None, f"the sweep ended before the failure: {proc.communicate()[1][-2000:]}"
        assert time.monotonic() < deadline, "no chunk was written in time"
        time.sleep(0.005)


def _clean_run(tmp_path: Path, scenario: Path) -> dict[str, bytes]:
    out = tmp_path / "clean"
    done = flashpoint(*tiny_sweep_args(scenario, out, "--per-run"))
    assert done.returncode == 0, done.stderr
    return sweep_outputs(out)


def _assert_one_line_failure(stderr: str, first: str, out: Path) -> list[str]:
    assert TRACEBACK not in stderr, stderr[-3000:]
    lines = stderr.splitlines()
    assert lines[-2].startswith(first), lines
    assert (
        lines[-1].startswith("flashpoint: ")
        and f"finished chunks are kept in {out / STORE}; resume with: " in (lines[-1])
    )
    return resume_command(stderr)


def _resume_and_compare(words: list[str], out: Path, clean: dict[str, bytes]) -> None:
    resumed = flashpoint(*words)
    assert resumed.returncode == 0, resumed.stderr
    assert sweep_outputs(out) == clean
    assert sorted(p.name for p in out.iterdir() if p.suffix == ".parquet") == ["points.parquet", "runs.parquet"]
    assert not (out / STORE).exists() and not list(out.glob("*.lock"))


def test_killed_worker_exits_3_then_resume_is_byte_identical(tmp_path):
    scenario = write_duel(tmp_path)
    out = tmp_path / "killed"
    proc = _start_sweep(tiny_sweep_args(scenario, out, "--per-run", "--workers", "2"))
    _wait_for_chunks(proc, out / STORE, 3)
    workers = [
        child
        for child in psutil.Process(proc.pid).children(recursive=True)
        if "spawn_main" in " ".join(child.cmdline())
    ]
    assert workers, "no worker process found"
    os.kill(workers[0].pid, signal.SIGKILL)
    _, stderr = proc.communicate(timeout=DEADLINE)
    assert proc.returncode == EXIT_MACHINE, stderr
    words = _assert_one_line_failure(stderr, "flashpoint: lost the workers (local processes (2 workers)): ", out)
    _resume_and_compare(words, out, _clean_run(tmp_path, scenario))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_lost_scheduler_exits_3_then_resume_is_byte_identical(tmp_path):
    dask = Path(sys.executable).with_name("dask")
    if not dask.exists():
        pytest.skip("the dask command is not installed")
    scenario = write_duel(tmp_path)
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "env": env(), "cwd": ROOT}
    scheduler = subprocess.Popen(
        [dask, "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"], **quiet
    )
    worker = subprocess.Popen([dask, "worker", address, "--nthreads", "1", "--no-dashboard"], **quiet)
    try:
        out = tmp_path / "lost"
        proc = _start_sweep(tiny_sweep_args(scenario, out, "--per-run", "--scheduler", address))
        _wait_for_chunks(proc, out / STORE, 3)
        scheduler.kill()
        _, stderr = proc.communicate(timeout=DEADLINE)
    finally:
        for process in (worker, scheduler):
            process.kill()
            process.wait()
    assert proc.returncode == EXIT_MACHINE, stderr
    words = _assert_one_line_failure(stderr, f"flashpoint: lost the workers (dask at {address} ", out)
    at = words.index("--scheduler")
    del words[at : at + 2]  # the cluster is gone: finish on this machine (same result, any executor)
    _resume_and_compare(words, out, _clean_run(tmp_path, scenario))


def test_unreachable_scheduler_exits_3_and_leaves_nothing(tmp_path):
    scenario = write_duel(tmp_path)
    out = tmp_path / "never"
    address = f"tcp://127.0.0.1:{_free_port()}"  # nobody listens there
    quick = {**env(), "DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT": "3s"}  # Dask's own setting (30 s by default)
    done = flashpoint(*tiny_sweep_args(scenario, out, "--scheduler", address), timeout=120, env=quick)
    assert done.returncode == EXIT_MACHINE, done.stderr
    assert TRACEBACK not in done.stderr
    failure, hint = done.stderr.splitlines()
    assert failure.startswith(f"flashpoint: lost the workers (dask at {address}): cannot reach the scheduler: ")
    assert hint.startswith("flashpoint: nothing was kept; run it again with: flashpoint sweep ")
    assert not out.exists()


def test_ctrl_c_exits_130_without_traceback_then_resume_is_byte_identical(tmp_path):
    scenario = write_duel(tmp_path)
    out = tmp_path / "interrupted"
    proc = _start_sweep(tiny_sweep_args(scenario, out, "--per-run", "--workers", "2"), start_new_session=True)
    _wait_for_chunks(proc, out / STORE, 3)
    os.killpg(proc.pid, signal.SIGINT)  # as a terminal does: the command and its workers
    _, stderr = proc.communicate(timeout=DEADLINE)
    assert proc.returncode == EXIT_INTERRUPTED, stderr
    words = _assert_one_line_failure(stderr, "flashpoint: interrupted (Ctrl-C)", out)
    _resume_and_compare(words, out, _clean_run(tmp_path, scenario))


def test_ctrl_c_during_a_monte_carlo_exits_130_and_writes_nothing(tmp_path):
    scenario = write_duel(tmp_path)
    out = tmp_path / "mc"
    args = ["run", str(scenario), "--runs", "2000000", "--engine", "reference", "--workers", "2", "--out", str(out)]
    proc = _start_sweep(args, start_new_session=True)
    deadline = time.monotonic() + DEADLINE
    while not _computing(proc.pid, workers=2):  # the workers are running the Monte Carlo, not starting up
        assert proc.poll() is None and time.monotonic() < deadline
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGINT)
    _, stderr = proc.communicate(timeout=DEADLINE)
    assert proc.returncode == EXIT_INTERRUPTED, stderr
    assert TRACEBACK not in stderr and "KeyboardInterrupt" not in stderr
    assert stderr.splitlines()[0] == "flashpoint: interrupted (Ctrl-C)"
    assert not out.exists()


def test_ctrl_c_stops_a_million_compiled_runs_within_two_seconds(tmp_path):
    """Compiled batches are sized by time (about half a second each), so Ctrl-C is honoured at once."""
    import fcntl
    import pty
    import re
    import struct
    import termios

    out = tmp_path / "never"
    main, terminal = pty.openpty()  # stderr on a terminal, as a user has it: the progress bar counts the runs
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))  # 100 columns for the bar
    args = ["run", "scenarios/taiwan_strait.yaml", "--runs", "1000000", "--out", str(out)]
    proc = subprocess.Popen(
        command(*args), cwd=ROOT, env=env(), stdout=subprocess.PIPE, stderr=terminal, start_new_session=True
    )
    os.close(terminal)
    seen, deadline = b"", time.monotonic() + DEADLINE
    while not any(int(n) > 0 for n in re.findall(rb"(\d+)/1000000", seen)):  # runs are being made
        assert proc.poll() is None and time.monotonic() < deadline, seen[-2000:]
        seen += os.read(main, 65536)
    sent = time.monotonic()
    os.killpg(proc.pid, signal.SIGINT)
    proc.wait(timeout=DEADLINE)
    took = time.monotonic() - sent
    with contextlib.suppress(OSError):
        while chunk := os.read(main, 65536):
            seen += chunk
    os.close(main)
    text = seen.decode(errors="replace")
    assert proc.returncode == EXIT_INTERRUPTED, text[-2000:]
    assert took < 2.0, f"Ctrl-C took {took:.2f} s"
    assert "flashpoint: interrupted (Ctrl-C)" in text and TRACEBACK not in text
    assert not out.exists()


def _computing(pid: int, workers: int) -> bool:
    """Whether ``workers`` processes under ``pid`` have each spent a second of CPU time (they compute)."""
    try:
        return sum(c.cpu_times().user >= 1.0 for c in psutil.Process(pid).children(recursive=True)) >= workers
    except psutil.NoSuchProcess:
        return False
