"""Output paths are checked before any run (exit 2, located), and outputs are written all at once."""

from __future__ import annotations

import os
import resource
import signal
from pathlib import Path

import pytest
from hostile import SCS, TRACEBACK, flashpoint

# Enough work that a command which ran before checking its output would hit the subprocess timeout.
LONG = ("--runs", "2000000", "--engine", "reference")
UNWRITABLE = Path("/sys/flashpoint-out")  # sysfs: nobody may create files there, root included


def _unwritable() -> Path:
    if not Path("/sys").is_dir() or (os.access("/sys", os.W_OK) and _can_create(Path("/sys"))):
        pytest.skip("no directory here refuses new files")
    return UNWRITABLE


def _can_create(directory: Path) -> bool:
    try:
        (directory / ".flashpoint-test").touch()
    except OSError:
        return False
    (directory / ".flashpoint-test").unlink()
    return True


def _cases(tmp: Path) -> list[tuple[str, tuple, str]]:
    a_file = tmp / "a_file"
    a_file.write_text("keep me\n")
    (tmp / "holder").mkdir()
    (tmp / "holder" / "points.parquet").mkdir()
    sweep = ("sweep", SCS, "--param", "policy.hotline.reliability=0.1:0.9", *LONG)
    sens = ("sensitivity", SCS, "--param", "policy.hotline.reliability=0.1:0.9", "--param", "actors.PRC.resolve=0:1")
    compare = ("compare", SCS, "--arm", "a", "--arm", "b:policy.hotline.enabled=false", *LONG[2:], "--runs", "900000")
    return [
        ("run onto an existing file", ("run", SCS, *LONG, "--out", a_file), f"'{a_file}' is a file"),
        ("run below a file", ("run", SCS, *LONG, "--out", a_file / "sub"), f"'{a_file}' is a file, not a directory"),
        ("run --precision", ("run", SCS, "--precision", "0.0001", "--out", a_file), f"'{a_file}' is a file"),
        ("run --log", ("run", SCS, "--log", "3", "--out", a_file), f"'{a_file}' is a file"),
        ("compare onto a file", (*compare, "--out", a_file), f"'{a_file}' is a file"),
        ("sweep onto a file", (*sweep, "--out", a_file), f"'{a_file}' is a file"),
        ("sweep table is a directory", (*sweep, "--out", tmp / "holder"), "is a directory, where --out writes"),
        ("sensitivity onto a file", (*sens, *LONG, "--out", a_file), f"'{a_file}' is a file"),
        ("sweep figures onto a file", (*sweep, "--figures", a_file), f"'{a_file}' is a file"),
    ]


def test_every_bad_output_path_exits_2_before_any_run(tmp_path):
    for label, args, message in _cases(tmp_path):
        before = sorted(p.name for p in tmp_path.rglob("*"))
        done = flashpoint(*args, timeout=300)
        assert done.returncode == 2, (label, done.stderr)
        assert TRACEBACK not in done.stderr, label
        [line] = done.stderr.splitlines()
        option = "--figures" if "--figures" in args else "--out"
        assert line.startswith(f"{option}:1:1: {option[2:]}: ") and message in line, (label, line)
        assert sorted(p.name for p in tmp_path.rglob("*")) == before, label  # nothing created
    assert (tmp_path / "a_file").read_text() == "keep me\n"


@pytest.mark.parametrize("command", ["run", "compare", "sweep", "sensitivity", "sweep --figures"])
def test_an_unwritable_output_exits_2_before_any_run(command):
    target = _unwritable()
    args = {
        "run": ("run", SCS, *LONG),
        "compare": ("compare", SCS, "--arm", "a", "--arm", "b", *LONG),
        "sweep": ("sweep", SCS, "--param", "policy.hotline.reliability=0.1:0.9", *LONG),
        "sensitivity": ("sensitivity", SCS, "--param", "policy.hotline.reliability=0.1:0.9", *LONG),
        "sweep --figures": ("sweep", SCS, "--param", "policy.hotline.reliability=0.1:0.9", *LONG),
    }[command]
    option = "--figures" if command.endswith("--figures") else "--out"
    done = flashpoint(*args, option, target, timeout=300)
    assert done.returncode == 2, done.stderr
    assert done.stderr.splitlines() == [f"{option}:1:1: {option[2:]}: cannot write in '/sys': Permission denied"]


def _full_disk(limit: int):
    """A process whose files cannot grow past ``limit`` bytes: writes fail as on a full disk."""

    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


def test_a_full_disk_leaves_the_old_outputs_and_no_part_of_the_new(tmp_path):
    out = tmp_path / "results"
    first = flashpoint("run", SCS, "--runs", "30", "--seed", "1", "--out", out)
    assert first.returncode == 0, first.stderr
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    assert {"runs.parquet", "summary.json", "fan_chart.png"} <= set(before)

    done = flashpoint("run", SCS, "--runs", "300", "--seed", "2", "--out", out, preexec_fn=_full_disk(20_000))
    assert done.returncode == 3, done.stderr
    assert TRACEBACK not in done.stderr
    failure, hint = done.stderr.splitlines()
    assert failure.startswith(f"flashpoint: could not write the outputs to {out}: ") and "File too large" in failure
    assert hint.startswith("flashpoint: nothing was kept; run it again with: flashpoint run ")
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before  # the old files, whole; nothing else


def test_a_full_disk_during_a_sweep_keeps_its_chunks_then_resumes(tmp_path):
    out = tmp_path / "sweep"
    args = ("sweep", SCS, "--param", "policy.hotline.reliability=0.1:0.9", "--points", "3", "--runs", "100")
    args += ("--chunk-size", "50", "--per-run", "--trajectories", "--seed", "4", "--out", out)
    done = flashpoint(*args, preexec_fn=_full_disk(30_000))
    assert done.returncode == 3, done.stderr
    assert TRACEBACK not in done.stderr
    assert "finished chunks are kept in" in done.stderr and done.stderr.rstrip().endswith("--resume")
    assert sorted(p.name for p in out.iterdir()) == ["points.parquet.chunks"]
    assert not [p for p in out.rglob("*.tmp")]
    resumed = flashpoint(*args, "--resume")
    assert resumed.returncode == 0, resumed.stderr
    clean = flashpoint(*args[:-1], tmp_path / "clean")
    assert clean.returncode == 0, clean.stderr
    for name in ("points.parquet", "runs.parquet"):
        assert (out / name).read_bytes() == (tmp_path / "clean" / name).read_bytes(), name
