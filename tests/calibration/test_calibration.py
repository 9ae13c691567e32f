"""Calibration (ABC-SMC with MCMC moves): recovery of known parameters, located errors in a targets file, resume after
``kill -9``, a real Dask LocalCluster, and the posterior file that ``--posterior`` reads."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from calibration_problem import TRUTH

from sim.calibration.abc import Settings, calibrate, posterior_draws, write_posterior
from sim.calibration.simulator import Simulator, evaluation_seed
from sim.calibration.targets import load_targets
from sim.scenario import ScenarioError

ROOT = Path(__file__).resolve().parents[2]


def test_calibration_recovers_the_parameters_the_targets_were_simulated_at(problem):
    history = calibrate(problem, problem.parent / "h.db", Settings(population=60, generations=6))
    assert all(g.ess >= 30 and g.distinct >= 30 for g in history.generations)
    targets = load_targets(problem)
    draws = posterior_draws(history, targets, 1000, seed=1)
    for j, parameter in enumerate(targets.parameters):
        lo, hi = np.quantile(draws[:, j], [0.05, 0.95])
        truth = TRUTH[parameter.path]
        assert lo <= truth <= hi, f"{parameter.path}: 90% interval [{lo:.3g}, {hi:.3g}] misses {truth}"
        prior = parameter.prior
        assert np.log(hi / lo) < 0.7 * np.log(prior.high / prior.low), "the targets should narrow the prior"


def test_an_evaluation_is_reproducible_and_its_seed_follows_the_values(problem):
    simulator = Simulator(load_targets(problem))
    values = [0.05, 0.03]
    assert simulator(values) == simulator(values)
    assert evaluation_seed(7, values) != evaluation_seed(7, [0.05, 0.031]) != evaluation_seed(8, values)


def test_the_posterior_file_is_what_posterior_reads(problem, tmp_path):
    history = calibrate(problem, tmp_path / "h.db", Settings(population=20, generations=1))
    targets = load_targets(problem)
    draws = posterior_draws(history, targets, 50, seed=3)
    path = write_posterior(tmp_path / "post.json", targets, draws, {"note": "test"})
    document = json.loads(path.read_text())
    assert document["format"] == "flashpoint-posterior/2" and document["scenario"]["name"] == "duel"
    assert document["parameters"] == list(TRUTH) and len(document["draws"]) == 50
    assert [p["high"] for p in document["priors"]] == [0.5, 0.3]
    from sim.experiments.posterior import load_posterior
    from sim.scenario import load_scenario, load_scenario_data

    duel = load_scenario(problem.parent / "duel.yaml")
    posterior = load_posterior(path, duel)  # bound to the scenario it was fitted on
    assert posterior.draws.shape == (50, 2)
    other = load_scenario_data(duel.model_dump(mode="json"), [("parameters.ending.level_decay", 0.5)])
    with pytest.raises(ScenarioError, match="fitted on duel"):
        load_posterior(path, other)


MISTAKES = {
    "unknown simulation": (
        (
            "simulation: crisis, statistic: crisis_rung_at_least_4",
            "simulation: crises, statistic: crisis_rung_at_least_4",
        ),
        "targets[1].simulation: unknown simulation 'crises'",
    ),
    "unknown statistic": (("statistic: crisis_rung_at_least_4", "statistic: share_of_war"), "targets[1].statistic:"),
    "prior upside down": (("low: 0.003, high: 0.3", "low: 0.3, high: 0.003"), "parameters[1].prior.high: must be"),
    "a horizon shorter than a duration target": (
        (
            "crisis: {scenario: duel.yaml, runs: 150}",
            "crisis: {scenario: duel.yaml, runs: 150, set: [time.horizon_hours=240]}",
        ),
        "targets[2].statistic: crisis_ended_within_30_days needs a horizon of at least 30 days, "
        "but simulation 'crisis' runs for 240 h (10 days)",
    ),
    "a prior whose high end the scenario refuses": (
        ("low: 0.003, high: 0.3", "low: 0.003, high: 15"),
        "parameters[1].prior.high: 15 is not a valid parameters.ending.end_per_day in duel.yaml: must be <= 10",
    ),
    "a negative observed share": (
        ("observed: ", "observed: -", 1),
        "is outside what crisis_rung_at_most_2 can be (share of first crises whose highest rung is 0–2: 0 to 1)",
    ),
    "an observed share above 1": (("observed: 0.", "observed: 1.9", 1), "targets[0].observed: 1.9"),
    "a whole-number field fitted": (
        ("path: parameters.ending.end_per_day", "path: assets.blu_ships.ships"),
        "parameters[1].path: duel.yaml: assets.blu_ships.ships holds a whole number",
    ),
    "only checks": (("source: truth}", "source: truth, role: check}"), "targets: every target is a check"),
    "a path the scenario does not have": (
        ("path: parameters.ending.end_per_day", "path: parameters.ending.end_per_week"),
        "parameters[1].path: duel.yaml: parameters.ending.end_per_week",
    ),
}


@pytest.mark.parametrize(("change", "expected"), MISTAKES.values(), ids=MISTAKES.keys())
def test_mistakes_in_a_targets_file_are_located(problem, change, expected):
    problem.write_text(problem.read_text().replace(*change))
    with pytest.raises(ScenarioError) as caught:
        load_targets(problem)
    lines = [e.format() for e in caught.value.errors]
    assert any(line.startswith(str(problem) + ":") and expected in line for line in lines), lines


def _generations(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(db) as connection:
            return connection.execute("select count(*) from generations").fetchone()[0]
    except sqlite3.Error:
        return 0


def _command(problem: Path, out: Path, generations: int) -> list[str]:
    return [
        sys.executable, "-m", "sim", "calibrate", str(problem), "--out", str(out),
        "--population", "20", "--generations", str(generations), "--check", "5", "--draws", "100",
    ]  # fmt: skip


def test_resume_after_kill_9_continues_the_same_history(problem, tmp_path):
    out = tmp_path / "out"
    db = out / "history.db"
    process = subprocess.Popen(_command(problem, out, 4), cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 600
    while _generations(db) < 1 and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.2)
    assert process.poll() is None, "the calibration should still be running after its first generation"
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    kept = _generations(db)
    assert 1 <= kept < 4
    with sqlite3.connect(db) as connection:
        first_eps = connection.execute("select epsilon from generations where t = 0").fetchone()[0]
    done = subprocess.run(_command(problem, out, 4), cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr
    assert _generations(db) == 4
    with sqlite3.connect(db) as connection:
        assert connection.execute("select epsilon from generations where t = 0").fetchone()[0] == first_eps
    fresh = subprocess.run(
        _command(problem, tmp_path / "fresh", 4), cwd=ROOT, capture_output=True, text=True, timeout=900
    )
    assert fresh.returncode == 0, fresh.stderr
    with sqlite3.connect(tmp_path / "fresh" / "history.db") as a, sqlite3.connect(db) as b:
        query = "select t, i, z, distance from particles order by t, i"
        assert a.execute(query).fetchall() == b.execute(query).fetchall()  # the killed run resumed exactly
    assert f"generation {kept}:" in done.stderr and "generation 0:" not in done.stderr
    posterior = json.loads((out / "posterior.json").read_text())
    assert len(posterior["draws"]) == 100
    assert (out / "ppc.png").stat().st_size > 0 and (out / "pairs.png").stat().st_size > 0
    assert (out / "sensitivity.png").stat().st_size > 0
    report = (out / "report.md").read_text()
    assert "| none | target |" in report and "## Which target each parameter moves" in report


def test_a_history_of_other_targets_is_not_resumed(problem, tmp_path):
    db = tmp_path / "out" / "history.db"
    db.parent.mkdir()
    calibrate(problem, db, Settings(population=10, generations=1))
    problem.write_text(problem.read_text().replace("seed: 7", "seed: 8"))
    result = subprocess.run(_command(problem, db.parent, 2), cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 2 and "holds a calibration of other targets" in result.stderr
    assert "Traceback" not in result.stderr


def test_calibration_on_a_dask_local_cluster(problem, tmp_path):
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as cluster:
        settings = Settings(population=20, generations=2, scheduler=cluster.scheduler_address)
        history = calibrate(problem, tmp_path / "h.db", settings)
    assert history.max_t == 1
    draws = posterior_draws(history, load_targets(problem), 100, seed=2)
    assert np.all(draws > 0)


def test_process_workers_run_after_openmp_threads_and_give_the_same_calibration(problem, tmp_path):
    """Workers are spawned, not forked: a process that already ran the compiled engine on OpenMP threads can
    calibrate on two workers, and gets the same history as on one (proposals do not depend on who evaluates)."""
    script = f"""
from sim.calibration.abc import Settings, calibrate
from sim.calibration.simulator import Simulator
from sim.calibration.targets import load_targets
Simulator(load_targets({str(problem)!r}))([0.05, 0.1])  # the compiled engine, on all threads
for workers, name in ((2, "two.db"), (1, "one.db")):
    settings = Settings(population=12, generations=2, workers=workers)
    history = calibrate({str(problem)!r}, {str(tmp_path)!r} + "/" + name, settings)
    print(workers, [round(g.epsilon, 9) for g in history.generations], history.particles()[0].sum().round(9))
"""
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    two, one = result.stdout.splitlines()
    assert two.split(" ", 1)[1] == one.split(" ", 1)[1]


def test_the_report_warns_of_a_tolerance_that_stopped_short_and_of_a_collapsed_posterior():
    from sim.calibration.report import fit_warnings, report_markdown

    assert fit_warnings(3.0, 3.16, 120.0, 200) == []
    short, collapsed = fit_warnings(4.22, 3.16, 1.0, 200)
    assert "stopped at 4.22, above --min-epsilon 3.16" in short
    assert "1 effective or distinct particles of 200" in collapsed
    assert fit_warnings(3.0, 3.16, 99.9, 200) and not fit_warnings(3.0, 3.16, 100.0, 200)  # half the population
    report = report_markdown([], [], {"generations": 2}, [short])
    assert report.splitlines()[2] == f"**Warning:** {short}."


def test_bad_targets_file_exits_2_with_located_errors(problem, tmp_path):
    problem.write_text(problem.read_text().replace("sd: 0.035", "sd: -1"))
    result = subprocess.run(
        [sys.executable, "-m", "sim", "calibrate", str(problem), "--out", str(tmp_path / "o")],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 2
    assert f"{problem}:" in result.stderr and "targets[0].sd" in result.stderr and "Traceback" not in result.stderr


def test_the_shipped_targets_file_loads():
    targets = load_targets(ROOT / "calibration" / "targets.yaml")
    assert {t.simulation for t in targets.targets} == {"peacetime", "crisis"}
    assert all(t.source for t in targets.targets)


def test_the_icb_targets_are_the_shares_of_the_crises_kept():
    import pandas as pd

    from sim.calibration.icb import NUCLEAR_ALERTS, icb_targets

    crises = pd.read_csv(ROOT / "calibration" / "icb_us_ussr_crises.csv")
    assert len(crises) == 88 and set(crises["viol"]) == {1, 2, 3, 4}
    assert (crises.yrtrig.min(), crises.yrtrig.max()) == (1945, 2017)
    assert set(crises.loc[crises.nuclear_alert == 1, "crisno"]) == set(NUCLEAR_ALERTS)
    expected = icb_targets(crises)
    shipped = {t.name: t for t in load_targets(ROOT / "calibration" / "targets.yaml").targets}
    icb = [name for name in shipped if name.startswith("icb_")]
    assert len(icb) >= 7 and set(icb) <= set(expected)
    for name in icb:
        share, sd, _, _ = expected[name]
        assert shipped[name].observed == pytest.approx(share, abs=5e-4), name
        assert shipped[name].sd == pytest.approx(sd, abs=5e-4), name


def test_the_targets_sensitivity_to_the_crises_kept_is_what_the_docs_say():
    import pandas as pd

    from sim.calibration.icb import SELECTIONS, icb_targets

    every = pd.read_csv(ROOT / "calibration" / "icb_crises.csv")
    assert len(every) == 486
    kept = every[SELECTIONS["US or USSR/Russia a crisis actor (kept)"](every)]
    assert (
        kept.drop(columns=[])
        .reset_index(drop=True)
        .equals(pd.read_csv(ROOT / "calibration" / "icb_us_ussr_crises.csv"))
    )
    both = every[SELECTIONS["both superpowers crisis actors"](every)]
    assert len(both) == 16 and icb_targets(both)["icb_war"][0] == pytest.approx(0.438, abs=1e-3)
    assert icb_targets(every)["icb_war"][0] == pytest.approx(0.212, abs=5e-4)
    doc = (ROOT / "docs" / "calibration.md").read_text(encoding="utf-8")
    for label, keep in SELECTIONS.items():
        part = every[keep(every)]
        assert f"| {label} | {len(part)} | {icb_targets(part)['icb_war'][0]:.3f} |" in doc, label
