"""Sweeps: point table with intervals, common random numbers, Parquet layout and metadata, CLI, figures."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pyarrow.parquet as pq
import pytest
from experiment_scenarios import CAPABILITY, RATE, ROOT, tiny, write_tiny

from sim.experiments.batches import run_points
from sim.experiments.monte_carlo import run_monte_carlo
from sim.experiments.sweep import read_sweep, sweep
from sim.report.experiment_figures import save_sweep_figures, sweep_heatmap, sweep_lines


@pytest.fixture(scope="module")
def swept(tmp_path_factory):
    out = tmp_path_factory.mktemp("sweep") / "points.parquet"
    result = sweep(
        tiny(),
        [f"{CAPABILITY}=0.5:0.9", f"{RATE}=2,8"],
        points=2,
        runs=20,
        chunk_size=8,
        seed=3,
        out=out,
        per_run_out=out.with_name("runs.parquet"),
        trajectories=True,
        keep_summaries=True,
    )
    return result, out


def test_point_table_matches_a_plain_monte_carlo_at_each_point(swept):
    result, _ = swept
    assert len(result.points) == 4 and list(result.points["n_runs"]) == [20] * 4
    document = tiny().model_dump(mode="json")
    for i in (0, 3):
        mc = run_monte_carlo(result.design.scenario(document, i), runs=20, seed=3)
        assert result.summaries[i] == mc.summary
        row = result.points.iloc[i]
        assert row["p_ge_3"] == mc.summary.max_rung_at_least[3].p
        assert (row["p_inadvertent_lo"], row["p_inadvertent_hi"]) == (
            mc.summary.inadvertent.lo,
            mc.summary.inadvertent.hi,
        )
    for k in range(1, 8):
        p, lo, hi = (result.points[c] for c in (f"p_ge_{k}", f"p_ge_{k}_lo", f"p_ge_{k}_hi"))
        assert ((lo <= p) & (p <= hi)).all()


def test_parquet_layout_and_provenance(swept):
    result, out = swept
    runs_file = out.with_name("runs.parquet")
    assert not out.with_name("points.parquet.chunks").exists()
    frame, meta = read_sweep(out)
    assert frame.equals(result.points)
    assert len(meta["scenario_sha256"]) == 64 and meta["package_version"] and meta["seed"] == 3
    assert meta["design"]["kind"] == "grid" and meta["design"]["n_points"] == 4 and meta["runs"] == 20
    runs, run_meta = read_sweep(runs_file)
    assert run_meta == meta
    parquet = pq.ParquetFile(runs_file)
    assert parquet.metadata.num_row_groups == 4 * 3  # one row group per chunk (20 runs in chunks of 8)
    assert parquet.metadata.row_group(0).column(0).compression == "ZSTD"
    assert [parquet.metadata.row_group(g).num_rows for g in range(3)] == [8, 8, 4]
    assert "crisis_level" in runs.columns and len(runs) == 80
    # common random numbers: every point ran the same run indices with the same seed
    assert all(sorted(g["run"]) == list(range(20)) for _, g in runs.groupby("point"))
    assert set(runs["seed"]) == {3}


def test_common_random_numbers_pair_runs_across_points():
    """Two points that differ only in an unused parameter give identical runs, run by run."""
    base = tiny()
    same = base.model_copy(update={"metadata": base.metadata.model_copy(update={"name": "renamed"})})
    a, b = run_points([base, same], seed=1, runs=range(10), chunk_size=3)
    assert a.drop_columns(["point"]).equals(b.drop_columns(["point"]))


def test_without_out_nothing_is_left_behind():
    result = sweep(tiny(), [f"{RATE}=1,6"], runs=6, seed=1)
    assert result.out is None and len(result.points) == 2 and result.chunks_computed == 2


def test_figures(swept, tmp_path):
    result, _ = swept
    fig = sweep_lines(result.points, CAPABILITY, by=RATE)
    assert len(fig.axes[0].lines) == 4
    assert sweep_heatmap(result.points, CAPABILITY, RATE).axes
    paths = save_sweep_figures(result.points, [CAPABILITY, RATE], tmp_path)
    assert [p.name for p in paths][-2:] == ["heatmap_p_ge_3.png", "heatmap_p_inadvertent.png"]
    assert all(p.stat().st_size > 1000 for p in paths)


def _flashpoint(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONWARNINGS": "ignore", "NUMBA_CACHE_DIR": str(ROOT / ".numba_cache")}
    return subprocess.run([sys.executable, "-m", "sim", *args], capture_output=True, text=True, cwd=ROOT, env=env)


def test_cli_sweep_json_and_bad_params(tmp_path):
    scenario = str(write_tiny(tmp_path))
    good = _flashpoint(
        "sweep", scenario, "--param", f"{RATE}=1:7", "--design", "lhs", "--points", "3", "--runs", "5", "--json"
    )
    assert good.returncode == 0, good.stderr
    payload = json.loads(good.stdout)
    assert len(payload["points"]) == 3 and payload["provenance"]["design"]["kind"] == "lhs"
    assert all(1 <= p[RATE] <= 7 for p in payload["points"])

    bad = _flashpoint(
        "sweep",
        scenario,
        "--param",
        f"{CAPABILITY}=0.2:1.4",
        "--param",
        "actors.RED.ai.capabilty=0.4,0.5",
        "--runs",
        "5",
    )
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    assert bad.stderr.splitlines() == [
        "--param:1:30: actors.RED.ai.capability: must be <= 1 (got 1.4)",
        "--param:2:1: actors.RED.ai.capabilty: unknown key 'capabilty' (did you mean 'capability'?)",
    ]


def test_design_values_are_numbers_in_the_table(swept):
    result, _ = swept
    assert np.issubdtype(result.points[CAPABILITY].dtype, np.floating)
    assert list(result.points[RATE]) == [2, 8, 2, 8]
