"""``flashpoint run`` end to end, as a user runs it: a real subprocess, real files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parents[2]
SCS = str(ROOT / "scenarios" / "south_china_sea.yaml")


def flashpoint(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    return subprocess.run(
        [sys.executable, "-m", "sim", *args], capture_output=True, text=True, cwd=ROOT, env=env, timeout=300
    )


def test_run_json_summary():
    done = flashpoint("run", SCS, "--runs", "12", "--seed", "3", "--json")
    assert done.returncode == 0, done.stderr
    payload = json.loads(done.stdout)
    assert payload["provenance"]["runs"] == 12 and payload["provenance"]["seed"] == 3
    assert len(payload["provenance"]["scenario_sha256"]) == 64
    at_least = payload["summary"]["max_rung"]["at_least"]
    assert [row["p"] for row in at_least] == sorted((row["p"] for row in at_least), reverse=True)
    assert all(0.0 <= row["lo"] <= row["p"] <= row["hi"] <= 1.0 for row in at_least)


def test_run_table_and_outputs(tmp_path):
    out = tmp_path / "results"
    done = flashpoint(
        "run", SCS, "--runs", "8", "--workers", "2", "--out", str(out), "--set", "policy.hotline.enabled=false"
    )
    assert done.returncode == 0, done.stderr
    assert "P(max rung ≥ 3)" in done.stdout and "P(inadvertent escalation to ≥ 3)" in done.stdout
    table = pq.read_table(out / "runs.parquet")
    assert table.num_rows == 8
    meta = json.loads(table.schema.metadata[b"flashpoint"])
    assert meta["overrides"] == ["policy.hotline.enabled=false"]
    for name in ("summary.json", "fan_chart.png", "max_rung.png", "root_causes.png", "time_to_rung.png"):
        assert (out / name).stat().st_size > 0
    resolved = json.loads((out / "scenario.resolved.json").read_text())
    assert resolved["policy"]["hotline"]["enabled"] is False


def test_run_log_prints_the_event_log_of_one_run():
    done = flashpoint("run", SCS, "--log", "2", "--seed", "5")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].endswith("run 2, seed 5")
    assert any(" — " in line and line.startswith("#") for line in lines)
    assert lines[-1].startswith("max rung ")


def test_run_bad_input_exits_2_without_traceback(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("metadata: {name: x}\ntime: {horizon_hours: -1}\n")
    for args in (("run", str(bad)), ("run", SCS, "--runs", "0"), ("run", SCS, "--set", "policy.hotline.enabled=maybe")):
        done = flashpoint(*args)
        assert done.returncode == 2, args
        assert "Traceback" not in done.stderr
        assert done.stderr.strip(), args


def test_first_use_prints_the_compile_notice_first_and_timings_leave_compilation_out(tmp_path):
    """A machine whose cache lacks the engine's stamp is told, before anything else, that the engine compiles.

    The cache is a copy of the test session's with the stamp removed, so the engine loads instead of compiling
    for minutes; the notice, the order of the lines and the stamp written afterwards are what a fresh clone sees.
    """
    import shutil

    import pytest

    from sim.engines import warmup

    if not os.environ.get("NUMBA_CACHE_DIR"):
        pytest.skip("needs NUMBA_CACHE_DIR (make test sets it) to copy the session's compiled engine")
    cache = tmp_path / "numba"
    shutil.copytree(warmup.cache_directory(), cache, ignore=shutil.ignore_patterns(warmup.STAMP_NAME))
    env = {**os.environ, "PYTHONWARNINGS": "ignore", "NUMBA_CACHE_DIR": str(cache)}
    args = [sys.executable, "-m", "sim", "run", SCS, "--runs", "20"]
    first = subprocess.run(args, capture_output=True, text=True, cwd=ROOT, env=env, timeout=600)
    assert first.returncode == 0, first.stderr
    lines = first.stderr.splitlines()
    assert lines[0].startswith("compiling the engine for this machine (first use only, about "), lines
    assert lines[-1].startswith("20 runs in ") and "not counting" in lines[-1] and "the engine" in lines[-1]
    assert (cache / warmup.STAMP_NAME).is_file()
    again = subprocess.run(args, capture_output=True, text=True, cwd=ROOT, env=env, timeout=600)
    assert again.returncode == 0 and "compiling the engine" not in again.stderr  # compiled here now
