"""Resume, nothing lost: a sweep killed with a real SIGKILL mid-way and resumed equals an uninterrupted one."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from experiment_scenarios import CAPABILITY, RATE, ROOT, tiny, write_tiny

from sim.experiments.chunks_store import ChunkStore, ResumeError
from sim.experiments.sweep import sweep

PARAMS = [f"{CAPABILITY}=0.4:0.9", f"{RATE}=2,8"]


def _cli(scenario: Path, out: Path, *extra: str) -> list[str]:
    args = [sys.executable, "-m", "sim", "sweep", str(scenario)]
    for p in PARAMS:
        args += ["--param", p]
    args += ["--points", "4", "--runs", "60", "--chunk-size", "10", "--seed", "5", "--json"]
    args += ["--engine", "reference"]  # the slower engine, so that the kill lands mid-way
    return [*args, "--out", str(out.parent), "--per-run", *extra]  # DIR/points.parquet and DIR/runs.parquet


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONWARNINGS": "ignore", "NUMBA_CACHE_DIR": str(ROOT / ".numba_cache")}


def test_sigkill_mid_sweep_then_resume_equals_uninterrupted(tmp_path):
    scenario = write_tiny(tmp_path)
    killed = tmp_path / "killed" / "points.parquet"
    store = ChunkStore(f"{killed}.chunks")
    total = 8 * 6  # 8 design points × 6 chunks of 10 runs

    proc = subprocess.Popen(
        _cli(scenario, killed), cwd=ROOT, env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + 240
    while len(store.finished()) < 6:
        assert proc.poll() is None, f"sweep finished before it could be killed: {proc.communicate()[1][-2000:]}"
        assert time.monotonic() < deadline, "no chunk was written in time"
        time.sleep(0.005)
    os.kill(proc.pid, signal.SIGKILL)
    proc.communicate()
    assert proc.returncode == -signal.SIGKILL
    done_at_kill = len(store.finished())
    assert 0 < done_at_kill < total, done_at_kill
    assert not killed.exists(), "no final file may exist after a kill"

    resumed = subprocess.run(_cli(scenario, killed, "--resume"), cwd=ROOT, env=_env(), capture_output=True, text=True)
    assert resumed.returncode == 0, resumed.stderr
    report = json.loads(resumed.stdout)
    assert report["chunks_reused"] == done_at_kill
    assert report["chunks_computed"] == total - done_at_kill
    assert not store.directory.exists(), "the chunk store is removed once the final files are written"

    clean = tmp_path / "clean" / "points.parquet"  # the same sweep, uninterrupted, through the Python API
    whole = sweep(
        scenario,
        PARAMS,
        engine="reference",
        points=4,
        runs=60,
        chunk_size=10,
        seed=5,
        out=clean,
        per_run_out=clean.with_name("runs.parquet"),
    )
    assert whole.chunks_computed == total

    for name in ("points.parquet", "runs.parquet"):
        a, b = pq.read_table(killed.with_name(name)), pq.read_table(clean.with_name(name))
        assert a.equals(b) and a.schema.metadata == b.schema.metadata, name
        assert killed.with_name(name).read_bytes() == clean.with_name(name).read_bytes(), name
    runs = pq.read_table(killed.with_name("runs.parquet"), columns=["point", "run"]).to_pandas()
    assert len(runs) == 8 * 60 and not runs.duplicated().any()
    assert sorted(set(runs["run"])) == list(range(60)) and (runs.groupby("point").size() == 60).all()
    assert pq.ParquetFile(killed.with_name("runs.parquet")).metadata.num_row_groups == total


def test_resume_computes_only_missing_chunks(tmp_path):
    out = tmp_path / "points.parquet"
    args = dict(design="grid", points=2, runs=12, chunk_size=4, seed=2, out=out)
    first = sweep(tiny(), [f"{CAPABILITY}=0.5:0.9"], keep_chunks=True, **args)
    store = ChunkStore(f"{out}.chunks")
    assert first.chunks_computed == 6 and len(store.finished()) == 6
    for point, chunk in [(0, 1), (1, 2)]:  # as if the process died before these were written
        store.chunk_path(point, chunk).unlink()
    (store.directory / ".p0000000-c000001.parquet.999.tmp").write_bytes(b"half a file")
    with pytest.raises(ResumeError, match="--resume"):
        sweep(tiny(), [f"{CAPABILITY}=0.5:0.9"], **args)
    again = sweep(tiny(), [f"{CAPABILITY}=0.5:0.9"], resume=True, **args)
    assert (again.chunks_reused, again.chunks_computed) == (4, 2)
    assert again.points.equals(first.points)


def test_resume_refuses_another_experiment(tmp_path):
    out = tmp_path / "points.parquet"
    ChunkStore(f"{out}.chunks").open({"kind": "sweep", "runs": 99})
    with pytest.raises(ResumeError, match="different experiment"):
        sweep(tiny(), [f"{CAPABILITY}=0.5:0.9"], points=2, runs=4, out=out, resume=True)
    result = sweep(tiny(), [f"{CAPABILITY}=0.5:0.9"], points=2, runs=4, out=out, restart=True)
    assert result.chunks_computed == 2 and out.exists()
