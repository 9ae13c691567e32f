"""Distributed: a real Dask LocalCluster (2 worker processes on loopback) gives the same results as local runs."""

from __future__ import annotations

import os

import pytest
from experiment_scenarios import CAPABILITY, RATE, tiny

from sim.experiments.compare import compare
from sim.experiments.executors import DaskExecutor, ProcessExecutor, SerialExecutor
from sim.experiments.sweep import sweep

distributed = pytest.importorskip("distributed")

PARAMS = [f"{CAPABILITY}=0.5:0.9", f"{RATE}=3,8"]


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
    ) as c:
        yield c


def _sweep(tmp_path, name, **kwargs):
    out = tmp_path / name / "points.parquet"
    runs = out.with_name("runs.parquet")
    result = sweep(tiny(), PARAMS, points=2, runs=24, chunk_size=6, seed=9, out=out, per_run_out=runs, **kwargs)
    return result, out.read_bytes(), runs.read_bytes()


def test_dask_local_and_any_worker_count_give_identical_files(cluster, tmp_path):
    serial = _sweep(tmp_path, "serial", executor=SerialExecutor())
    dask = _sweep(tmp_path, "dask", scheduler=cluster.scheduler_address)
    with ProcessExecutor(2) as pool:
        local2 = _sweep(tmp_path, "local2", executor=pool)
    assert serial[0].points.equals(dask[0].points)
    assert serial[1:] == dask[1:] == local2[1:]


def test_dask_workers_get_numba_environment(cluster):
    with DaskExecutor(cluster.scheduler_address) as ex:
        assert ex.workers == 2
        env = ex.client.run(lambda: (os.environ.get("NUMBA_NUM_THREADS"), os.environ.get("NUMBA_CACHE_DIR")))
    assert len(env) == 2
    assert {threads for threads, _ in env.values()} == {"1"}
    assert {cache for _, cache in env.values()} == {os.environ.get("NUMBA_CACHE_DIR")}


def test_dask_comparison_equals_local(cluster):
    arms = ["base", f"slow:{RATE}=1"]
    local = compare(tiny(), arms, runs=30, seed=4)
    with DaskExecutor(cluster.scheduler_address) as ex:
        remote = compare(tiny(), arms, runs=30, seed=4, executor=ex, chunk_size=7)
    assert local.to_dict() == remote.to_dict()


APPLY_ENVIRONMENT = r"""
import json, os, sys
os.environ.pop("NUMBA_NUM_THREADS", None)
if sys.argv[2] == "imported":
    import numba  # configuration loaded with the default thread count, no threads launched yet
from sim.experiments.executors import apply_environment
apply_environment({"NUMBA_NUM_THREADS": "1", "NUMBA_CACHE_DIR": sys.argv[1]})
import numba
add = numba.njit(lambda a, b: a + b)
print(json.dumps([os.environ["NUMBA_NUM_THREADS"], numba.config.NUMBA_NUM_THREADS, numba.get_num_threads(), add(2, 3)]))
"""


@pytest.mark.parametrize("numba_before", ["imported", "not imported"])
def test_a_worker_gets_one_numba_thread_whether_or_not_numba_was_imported_before(tmp_path, numba_before):
    """A worker's set-up when numba was imported before it (a flake of a loaded run) and when not (the usual)."""
    import json
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", APPLY_ENVIRONMENT, str(tmp_path), numba_before],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(done.stdout.splitlines()[-1]) == ["1", 1, 1, 5]  # and a compile after it does not raise
