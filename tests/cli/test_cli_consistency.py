"""A CLI that behaves the same everywhere (issue 14): --out, --precision --out, --log with --json and --out,
--version, --param ranges on real-valued fields, and a --help that imports no numerical library.

Ctrl-C (exit 130) and unwritable outputs (exit 2 before any run) are tested with the other failures in
tests/hostile (test_lost_machines.py, test_output_paths.py).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from sim import __version__

ROOT = Path(__file__).resolve().parents[2]
SCS = ROOT / "scenarios" / "south_china_sea.yaml"
RUN_FILES = {
    "runs.parquet",
    "summary.json",
    "provenance.json",
    "scenario.resolved.json",
    "fan_chart.png",
    "max_rung.png",
    "root_causes.png",
    "time_to_rung.png",
}
HEAVY = ("numpy", "pandas", "pyarrow", "numba", "scipy", "matplotlib", "mesa", "simpy", "dask", "distributed")
HEAVY += ("pydantic", "ruamel", "tqdm", "networkx", "llvmlite", "xarray", "SALib", "statsmodels")


def flashpoint(*args: object, **kwargs) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    return subprocess.run(
        [sys.executable, *kwargs.pop("python", ()), "-m", "sim", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=300,
    )


def ok(*args: object) -> subprocess.CompletedProcess:
    done = flashpoint(*args)
    assert done.returncode == 0, done.stderr
    return done


def test_out_is_a_directory_of_files_for_run_compare_sweep_and_sensitivity(tmp_path):
    param = ("--param", "policy.hotline.reliability=0.1:0.9", "--param", "actors.PRC.resolve=0.2:0.8")
    ok("run", SCS, "--runs", "10", "--out", tmp_path / "run")
    ok(
        "compare",
        SCS,
        "--arm",
        "a",
        "--arm",
        "b:policy.hotline.enabled=false",
        "--runs",
        "10",
        "--out",
        tmp_path / "cmp",
    )
    ok("sweep", SCS, *param, "--points", "2", "--runs", "10", "--per-run", "--out", tmp_path / "sweep")
    ok("sensitivity", SCS, *param, "--n", "2", "--runs", "10", "--out", tmp_path / "sens")
    names = {d: {p.name for p in (tmp_path / d).iterdir()} for d in ("run", "cmp", "sweep", "sens")}
    assert names["run"] == RUN_FILES
    assert names["cmp"] == {"runs.parquet", "comparison.json", "comparison.png"}
    assert names["sweep"] == {
        "points.parquet",
        "runs.parquet",
        "sweep_policy_hotline_reliability.png",
        "sweep_actors_PRC_resolve.png",
        "heatmap_p_ge_3.png",
        "heatmap_p_inadvertent.png",
    }
    assert names["sens"] == {"points.parquet", "sensitivity.json", "tornado_p_ge_3.png", "tornado_p_inadvertent.png"}
    assert pq.read_table(tmp_path / "sweep" / "runs.parquet").num_rows == 4 * 10
    sens = json.loads((tmp_path / "sens" / "sensitivity.json").read_text())
    assert (
        sens["parameters"] == ["policy.hotline.reliability", "actors.PRC.resolve"] and sens["provenance"]["runs"] == 10
    )


def test_precision_out_writes_what_out_writes(tmp_path):
    done = ok("run", SCS, "--precision", "0.1", "--batch", "40", "--json", "--out", tmp_path / "prec")
    files = {p.name for p in (tmp_path / "prec").iterdir()}
    assert files == RUN_FILES | {"precision.json", "convergence.png"}
    record = json.loads(done.stdout)
    assert json.loads((tmp_path / "prec" / "precision.json").read_text()) == record
    runs = record["runs"]
    assert pq.read_table(tmp_path / "prec" / "runs.parquet").column("run").to_pylist() == list(range(runs))
    assert json.loads((tmp_path / "prec" / "summary.json").read_text())["n_runs"] == runs
    assert json.loads((tmp_path / "prec" / "provenance.json").read_text())["runs"] == runs


def test_log_honours_json_and_out(tmp_path):
    text = ok("run", SCS, "--log", "3", "--seed", "7").stdout
    record = json.loads(ok("run", SCS, "--log", "3", "--seed", "7", "--json").stdout)
    ok("run", SCS, "--log", "3", "--seed", "7", "--out", tmp_path / "log")
    assert record["provenance"]["run"] == 3 and record["provenance"]["seed"] == 7
    assert record["outcome"]["run"] == 3 and len(record["outcome"]["first_hours"]) == 8
    events = record["events"]
    assert events and [e["id"] for e in events] == list(range(len(events)))
    assert all(cause < e["id"] for e in events for cause in e["causes"])
    assert all(e["text"] in text and e["clock"] in text for e in events)  # the same log as the text
    assert {p.name for p in (tmp_path / "log").iterdir()} == {
        "event_log.json",
        "event_log.txt",
        "provenance.json",
        "scenario.resolved.json",
    }
    assert json.loads((tmp_path / "log" / "event_log.json").read_text()) == record
    assert (tmp_path / "log" / "event_log.txt").read_text() == text


def test_version():
    done = ok("--version")
    assert done.stdout == f"flashpoint {__version__}\n"


def test_a_zero_one_range_on_a_real_valued_field_is_continuous(tmp_path):
    real = json.loads(
        ok("sweep", SCS, "--param", "policy.hotline.reliability=0:1", "--points", "3", "--runs", "4", "--json").stdout
    )
    assert [p["policy.hotline.reliability"] for p in real["points"]] == [0.0, 0.5, 1.0]
    assert real["provenance"]["design"]["parameters"][0]["integer"] is False
    swarm = _first_swarm()
    whole = json.loads(
        ok("sweep", SCS, "--param", f"assets.{swarm}.size=1:4", "--points", "3", "--runs", "4", "--json").stdout
    )
    assert [p[f"assets.{swarm}.size"] for p in whole["points"]] == [1, 2, 4]  # an integer field: whole numbers
    assert whole["provenance"]["design"]["parameters"][0]["integer"] is True


def _first_swarm() -> str:
    from sim.scenario import load_scenario

    scenario = load_scenario(SCS)
    return next(asset_id for asset_id, asset in scenario.assets.items() if asset.kind == "drone_swarm")


@pytest.mark.parametrize("args", [("--help",), ("run", "--help"), ("sweep", "--help"), ("--version",)])
def test_help_imports_no_numerical_library(args):
    done = flashpoint(*args, python=("-X", "importtime"))
    assert done.returncode == 0, done.stderr
    imported = {m.group(1).split(".")[0] for m in re.finditer(r"^import time:.*\|\s+(\S+)$", done.stderr, re.M)}
    assert "sim" in imported and "argparse" in imported  # the measurement saw the imports
    assert not imported & set(HEAVY), sorted(imported & set(HEAVY))


def test_the_parsers_names_are_the_librarys():
    from sim.cli import experiment_options as cli
    from sim.engines import ENGINES
    from sim.experiments.batches import DEFAULT_ENGINE
    from sim.experiments.designs import DESIGN_KINDS
    from sim.experiments.metrics import PROBABILITY_METRICS

    assert cli.PROBABILITY_METRICS == PROBABILITY_METRICS
    assert cli.DESIGN_KINDS == DESIGN_KINDS
    assert set(cli.ENGINES) == set(ENGINES) and cli.DEFAULT_ENGINE == DEFAULT_ENGINE


def test_morris_out_writes_the_same_kind_of_directory(tmp_path):
    param = ("--param", "policy.hotline.reliability=0.1:0.9", "--param", "actors.PRC.resolve=0.2:0.8")
    ok("sensitivity", SCS, "--method", "morris", *param, "--n", "2", "--runs", "10", "--out", tmp_path / "morris")
    names = {p.name for p in (tmp_path / "morris").iterdir()}
    assert names == {"points.parquet", "sensitivity.json", "morris_p_ge_3.png", "morris_p_inadvertent.png"}
    assert json.loads((tmp_path / "morris" / "sensitivity.json").read_text())["method"] == "morris"
