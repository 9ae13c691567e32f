"""``flashpoint hindcast`` end to end, as a user runs it: a real subprocess, real files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[2]


def flashpoint(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    return subprocess.run(
        [sys.executable, "-m", "sim", *args], capture_output=True, text=True, cwd=cwd, env=env, timeout=600
    )


def test_json_has_every_question_its_interval_and_the_aggregate():
    done = flashpoint("hindcast", "stark_1987", "ep3_2001", "patriot_2003", "--runs", "40", "--json")
    assert done.returncode == 0, done.stderr
    payload = json.loads(done.stdout)
    keys = [f"{q['case']}/{q['question']}" for q in payload["questions"]]
    assert keys == ["patriot_2003/fratricide_share", "ep3_2001/violence", "ep3_2001/ended", "stark_1987/kinetic_answer"]
    for q in payload["questions"]:
        assert 0.0 <= q["p_model_lo"] <= q["p_model"] <= q["p_model_hi"] <= 1.0
        assert q["log_score_model"] <= 0.0 and q["log_score_baseline"] <= 0.0
    stark = payload["questions"][-1]  # did not happen: the interval of 1 - P(event)
    assert stark["p_happened_model_lo"] == 1.0 - stark["p_model_hi"]
    assert stark["p_happened_model_hi"] == 1.0 - stark["p_model_lo"]
    patriot = payload["questions"][0]
    assert patriot["sample"] == "in" and patriot["observed"] == 2 / 11 and patriot["predictive_lo"] is not None
    assert patriot["p_happened_model_lo"] is None  # a share: its predictive interval instead
    out = payload["aggregate"]["out_of_sample"]
    assert out["questions"] == 3 and out["model_brier"] is not None and out["baseline_log_score"] is not None
    for score in ("model_log_score", "baseline_log_score", "model_brier", "baseline_brier", "brier_skill"):
        lo, hi = out[f"{score}_range"]
        assert lo <= out[score] <= hi, score  # the envelope of the Monte Carlo uncertainty holds the mean
    assert out["model_log_score_range"][0] < out["model_log_score_range"][1]  # 40 runs: not a point
    assert payload["settings"]["runs"] == 40 and payload["held"][0]["case"] == "przewodow_2022"


def test_table_and_outputs(tmp_path):
    out = tmp_path / "hindcast"
    done = flashpoint("hindcast", "rq4a_2019", "norwegian_1995", "--runs", "30", "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert "rq4a_2019/kinetic_answer" in done.stdout and "out of sample (the score)" in done.stdout
    assert "Held" in done.stdout
    table = pd.read_parquet(out / "hindcast.parquet")
    assert list(table["case"]) == ["norwegian_1995", "rq4a_2019"]  # index order, whatever the command line's
    assert pd.read_csv(out / "hindcast.csv").shape[0] == len(table)
    assert json.loads((out / "hindcast.json").read_text())["settings"]["cases"]
    assert (out / "reliability.png").read_bytes().startswith(b"\x89PNG")


def test_bad_input_exits_2_with_a_located_error(tmp_path):
    bad = tmp_path / "cases.yaml"
    bad.write_text("icb_crises: x.csv\ncalibration_targets: y.yaml\ncases: {}\n", encoding="utf-8")
    for args, where in (
        (("hindcast", "stark_198"), "CASE:1:1:"),
        (("hindcast", "--runs", "0"), "--runs:1:1:"),
        (("hindcast", "--cases", str(tmp_path / "none.yaml")), "--cases:1:1:"),
        (("hindcast", "--cases", str(bad)), f"{bad}:"),
    ):
        done = flashpoint(*args)
        assert done.returncode == 2, (args, done.stderr)
        assert "Traceback" not in done.stderr
        assert done.stderr.startswith(where), (args, done.stderr)
    assert "did you mean 'stark_1987'" in flashpoint("hindcast", "stark_198").stderr


def test_the_calibrated_posterior_carries_over_to_the_cases():
    """The posterior is fitted on the default crisis, every case is another scenario: the hindcast scores that
    transfer, so it uses the posterior without the scenario binding `run` insists on (no error, no traceback)."""
    posterior = "scenarios/taiwan_strait.posterior.json"
    done = flashpoint("hindcast", "ep3_2001", "--runs", "40", "--json", "--posterior", posterior)
    assert done.returncode == 0, done.stderr
    payload = json.loads(done.stdout)
    assert payload["settings"]["posterior"]["draws"] > 1 and len(payload["questions"]) == 2
