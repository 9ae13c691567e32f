"""Options refused before any work, each with one located line (issue 24): argparse's usage errors,
a scheduler address Dask cannot use, more workers than cores; and the sweep table's full headers.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from sim.cli.sweep_command import _table
from sim.experiments.executors import DaskExecutor, scheduler_address_problem
from sim.experiments.limits import LimitError, available_cores

ROOT = Path(__file__).resolve().parents[2]
TAIWAN = ROOT / "scenarios" / "taiwan_strait.yaml"
TRACEBACK = "Traceback (most recent call last)"


def flashpoint(*args: object) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "sim", *map(str, args)], capture_output=True, text=True, cwd=ROOT, timeout=300
    )


USAGE_ERRORS = {
    ("run", TAIWAN, "--runs", "abc"): "--runs:1:1: runs: invalid int value: 'abc' (see flashpoint run --help)",
    ("run", TAIWAN, "--runs"): "--runs:1:1: runs: expected one argument (see flashpoint run --help)",
    ("run", TAIWAN, "--engine", "fast"): "--engine:1:1: engine: invalid choice: 'fast' (choose from 'compiled', ",
    ("run",): "flashpoint:1:1: run: the following arguments are required: SCENARIO (see flashpoint run --help)",
    ("sweep", TAIWAN): "--param:1:1: param: the following arguments are required: --param (see flashpoint sweep ",
    ("frobnicate",): "flashpoint:1:1: COMMAND: invalid choice: 'frobnicate' (choose from 'validate', ",
    ("run", TAIWAN, "--bogus"): "--bogus:1:1: bogus: unrecognized arguments: --bogus (see flashpoint --help)",
}


@pytest.mark.parametrize("args", USAGE_ERRORS, ids=lambda a: " ".join(map(str, a[:1] + a[2:])))
def test_usage_errors_are_one_located_line(args):
    done = flashpoint(*args)
    assert done.returncode == 2 and TRACEBACK not in done.stderr
    [line] = done.stderr.splitlines()
    assert line.startswith(USAGE_ERRORS[args]), line


BAD_ADDRESSES = ["http://evil:80/x", "tcp://host", "tcp://host:99999", "inproc://a", "tcp://h:80/path", "localhost"]


@pytest.mark.parametrize("address", BAD_ADDRESSES)
def test_a_bad_scheduler_address_exits_2_before_any_work(address):
    started = time.monotonic()
    done = flashpoint("run", TAIWAN, "--runs", "10", "--precision", "0.2", "--scheduler", address)
    assert done.returncode == 2, done.stderr
    assert TRACEBACK not in done.stderr and "Exception ignored" not in done.stderr
    [line] = done.stderr.splitlines()
    assert line.startswith("--scheduler:1:1: scheduler: ")
    assert "expected tcp://HOST:PORT" in line or "the port must be between 1 and 65535" in line
    assert time.monotonic() - started < 120  # refused while the options are read, not after a connection timeout


def test_every_command_with_a_scheduler_checks_it_and_the_library_too():
    for args in (
        ("sweep", TAIWAN, "--param", "policy.hotline.reliability=0:1", "--scheduler", "ftp://h:1"),
        ("compare", TAIWAN, "--arm", "a", "--arm", "b", "--scheduler", "ftp://h:1"),
        ("calibrate", ROOT / "calibration" / "targets.yaml", "--scheduler", "ftp://h:1"),
    ):
        done = flashpoint(*args)
        assert done.returncode == 2 and done.stderr.startswith("--scheduler:1:1: scheduler: ftp:// is not"), args
    with pytest.raises(LimitError) as caught:
        DaskExecutor("http://evil:80/x")  # refused before a Client exists: nothing to close at exit
    assert caught.value.option == "--scheduler"
    for good in ("tcp://10.0.0.5:8786", "tls://scheduler.example.org:8786", "tcp://[::1]:8786", "node-7:8786"):
        assert scheduler_address_problem(good) is None


def test_workers_are_bounded_by_the_cores_with_one_message():
    cores = available_cores()
    for workers in (0, cores + 1, 256, 10_000):
        done = flashpoint("run", TAIWAN, "--runs", "10", "--workers", workers)
        assert done.returncode == 2
        assert done.stderr.splitlines() == [
            f"--workers:1:1: workers: must be between 1 and {cores} (the CPU cores available here), got {workers}"
        ]


def test_the_sweep_table_shows_whole_parameter_names():
    names = ["policy.hotline.reliability", "actors.PRC.ai.capability", "policy.human_control_norm.baseline_compliance"]
    row = {"point": 0, **dict.fromkeys(names, 0.5)}
    for metric in ("p_ge_3", "p_ge_4", "p_inadvertent"):
        row |= {metric: 0.1, f"{metric}_lo": 0.05, f"{metric}_hi": 0.2}
    meta = {"scenario": "s", "design": {"kind": "grid", "n_points": 1}, "runs": 10, "seed": 1}
    header = _table(pd.DataFrame([row]), names, meta).splitlines()[1]
    assert all(f" {name} " in f"{header} " or header.endswith(name) for name in names)
    assert "licy.hotline" not in header.replace("policy.hotline", "")
