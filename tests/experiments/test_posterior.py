"""Parameter uncertainty (``--posterior``): each run draws a parameter set by its index, shared by arms and points."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
from experiment_scenarios import CAPABILITY, RATE, tiny, tiny_data, write_tiny

from sim.cli import main
from sim.experiments.batches import table_outcomes
from sim.experiments.compare import compare, comparison_table
from sim.experiments.executors import ProcessExecutor
from sim.experiments.limits import MAX_POSTERIOR_DRAWS, MAX_POSTERIOR_PARAMETERS
from sim.experiments.monte_carlo import run_monte_carlo
from sim.experiments.posterior import (
    FORMAT,
    POSTERIOR_DRAW,
    RUNS_PER_DRAW,
    Posterior,
    draw_index,
    load_posterior,
    run_posterior,
)
from sim.experiments.storage import outcomes_to_frame
from sim.experiments.summary import summary_table, trajectory_grid
from sim.experiments.sweep import read_sweep, sweep
from sim.kernels.rng import uniform_py
from sim.scenario.errors import ScenarioError
from sim.scenario.fingerprint import model_fingerprint
from sim.scenario.loader import load_scenario, load_scenario_data

ESCALATION = "parameters.response.deliberate_escalation_per_day"
DRAWS = [[1.0, 0.0], [8.0, 2.0], [4.0, 0.5]]
"""Three parameter sets that give the tiny duel quite different crises."""
NOTE = "parameter uncertainty: runs draw their parameters from the 3 posterior parameter sets in"
RUNS = 200
"""Runs that use all three parameter sets (ten groups of RUNS_PER_DRAW)."""


def posterior(draws=DRAWS, parameters=(RATE, ESCALATION)) -> Posterior:
    return Posterior(tuple(parameters), np.array(draws, dtype=float), "tiny duel", {"by": "test"})


def write_posterior(path, **changes):
    """A posterior file bound to the tiny duel, with wide uniform priors (``changes`` replace keys)."""
    parameters = changes.get("parameters", [RATE, ESCALATION])
    binding = {"name": "tiny duel", "sha256": model_fingerprint(tiny(), parameters)}
    priors = [{"kind": "uniform", "low": -100.0, "high": 100.0} for _ in parameters]
    data = {"format": FORMAT, "scenario": binding, "parameters": parameters, "priors": priors, "draws": DRAWS}
    data["source"] = {"by": "test"}
    data.update(changes)
    path.write_text(json.dumps(data, indent=1), encoding="utf-8")
    return path


def plain(overrides, runs, seed):
    """Plain runs (no posterior) of the tiny duel with these overrides."""
    return run_monte_carlo(load_scenario_data(tiny_data(), overrides), runs=runs, seed=seed).outcomes


def assert_same_runs(got, expected):
    pd.testing.assert_frame_equal(outcomes_to_frame(got, False), outcomes_to_frame(expected, False))
    np.testing.assert_array_equal(trajectory_grid(got), trajectory_grid(expected))


def by_draw(post, seed, runs, extra=()):
    """Run r of a plain Monte Carlo of the scenario with run r's parameter set (and ``extra`` on top)."""
    each = [plain([*post.overrides(k), *extra], runs, seed) for k in range(post.size)]
    return [each[post.index(seed, r)][r] for r in range(runs)]


# --------------------------------------------------------------------------- which parameter set a run uses


def test_the_draw_depends_only_on_seed_run_and_the_number_of_sets():
    for seed, run, k in [(11, 0, 3), (11, 5, 3), (2**63 - 1, 9_999_999, 100_000), (0, 0, 1), (7, 123, 64)]:
        u = uniform_py(seed, run // RUNS_PER_DRAW, 0, POSTERIOR_DRAW, 0)  # by the run's group of 20
        assert draw_index(seed, run, k) == min(math.floor(u * k), k - 1)
        assert draw_index(seed, run, k, runs_per_draw=1) == min(math.floor(uniform_py(seed, run, 0, 41, 0) * k), k - 1)
    assert {draw_index(5, r, 1) for r in range(20)} == {0}
    assert len({draw_index(5, r, 1000) for r in range(40, 60)}) == 1  # one group, one set
    other = posterior([[2.0, 0.1], [3.0, 0.2], [5.0, 0.3]])  # other values, same K: the same choices
    assert [posterior().index(7, r) for r in range(600)] == [other.index(7, r) for r in range(600)]
    assert posterior().draws_of_runs(7, range(600)).tolist() == [posterior().index(7, r) for r in range(600)]
    whole = posterior().draws_for(7, range(300))
    part = posterior().draws_for(7, range(110, 230))  # a chunk picks what the whole run set picks
    assert part.particles == whole.particles[110:230] and set(part.values) <= set(whole.values)
    assert [draw_index(1, r, 10) for r in range(400)] != [draw_index(2, r, 10) for r in range(400)]
    counts = np.bincount([draw_index(5, r, 4) for r in range(0, 80_000, RUNS_PER_DRAW)], minlength=4)
    assert counts.min() > 900 and counts.max() < 1100  # about uniform over groups
    with pytest.raises(ValueError):
        draw_index(1, 1, 0)


def test_the_purpose_code_is_no_engine_purpose():
    from sim.engines.shared.purposes import Purpose

    assert POSTERIOR_DRAW == 41 and POSTERIOR_DRAW not in {p.value for p in Purpose}


# --------------------------------------------------------------------------- runs


def test_one_parameter_set_gives_exactly_the_scenario_with_its_values():
    one = posterior([[8.0, 2.0]])
    result = run_monte_carlo(tiny(), runs=30, seed=3, posterior=one)
    assert_same_runs(result.outcomes, plain([(RATE, 8.0), (ESCALATION, 2.0)], 30, 3))
    assert result.summary.posterior["draws"] == 1 and result.posterior is one
    expected = run_monte_carlo(load_scenario_data(tiny_data(), one.overrides(0)), runs=30, seed=3).summary
    described = result.summary.to_dict()
    assert described.pop("parameter_uncertainty")["parameters"] == [RATE, ESCALATION]
    assert described == expected.to_dict()


def test_each_run_is_a_plain_run_of_its_parameter_set_on_any_engine_and_worker_count():
    post = posterior()
    result = run_monte_carlo(tiny(), runs=RUNS, seed=3, posterior=post, chunk_size=7)
    assert {post.index(3, r) for r in range(RUNS)} == {0, 1, 2}
    assert_same_runs(result.outcomes, by_draw(post, 3, RUNS))
    assert len({o.max_rung for o in result.outcomes}) > 2  # the sets give different crises
    pooled = run_monte_carlo(tiny(), runs=RUNS, seed=3, posterior=post, workers=2)
    assert_same_runs(pooled.outcomes, result.outcomes)
    runs = [49, 2, 125, 0, 181]
    reference = run_posterior(tiny(), post, 3, runs, engine="reference")
    assert [o.run for o in reference] == runs
    assert_same_runs(reference, [result.outcomes[r] for r in runs])


def test_the_summary_says_its_intervals_include_parameter_uncertainty():
    result = run_monte_carlo(tiny(), runs=RUNS, seed=1, posterior=posterior())
    text = summary_table(result.summary)
    assert text.splitlines()[1].startswith(f"{NOTE} <posterior>, 20 runs per set")
    assert "95% interval (dice and parameters)" in text
    assert "posterior" in repr(result) and "parameter uncertainty" in result._repr_html_()
    plain = run_monte_carlo(tiny(), runs=RUNS, seed=1).summary
    assert "parameter uncertainty" not in summary_table(plain)
    for k in (2, 3, 4):  # the three sets give very different crises: the intervals carry that spread
        widened, dice = result.summary.max_rung_at_least[k], plain.max_rung_at_least[k]
        assert widened.spread.draws == 3 and widened.spread.between_sd > 0.1
        assert widened.hi - widened.lo > 2 * (dice.hi - dice.lo)
        assert widened.lo <= widened.spread.dice_lo and widened.hi >= widened.spread.dice_hi
    described = result.summary.to_dict()["max_rung"]["at_least"][3]["parameter_uncertainty"]
    assert described["draws"] == 3 and described["average_lo"] <= described["average_hi"]


def test_runs_of_a_single_parameter_set_say_their_spread_is_unknown():
    result = run_monte_carlo(tiny(), runs=15, seed=1, posterior=posterior())  # one group: one set
    p = result.summary.max_rung_at_least[3]
    assert p.spread.draws == 1 and math.isnan(p.lo) and math.isnan(p.hi)
    assert "every run drew the same parameter set" in summary_table(result.summary)
    assert result.summary.to_dict()["max_rung"]["at_least"][3]["lo"] is None


def test_every_parameter_set_a_run_uses_is_checked_before_any_run():
    # (low, mode) of a triangular: set 2 has low > mode, and holds neither column's extreme
    triangle = ["parameters.command.review_minutes.low", "parameters.command.review_minutes.mode"]
    post = posterior([[0.1, 1.0], [5.0, 6.9], [3.0, 2.0]], triangle)
    post.check(tiny())  # the first set and the extremes are fine
    with pytest.raises(ScenarioError) as caught:
        run_monte_carlo(tiny(), runs=RUNS, seed=3, posterior=post)
    (error,) = caught.value.errors
    assert error.path.startswith("draws[2]") and "needs low <= mode <= high" in error.message


# --------------------------------------------------------------------------- comparisons


def test_compare_arms_share_each_runs_parameter_set_and_dice():
    post = posterior()
    arms = ["base", "same:policy.hotline.enabled=false", f"calm:{ESCALATION}=0"]  # 'same' sets the scenario's value
    result = compare(tiny(), arms, runs=RUNS, seed=4, posterior=post)
    base, same, calm = (table_outcomes(t) for t in result.rows)
    assert_same_runs(base, by_draw(post, 4, RUNS))
    assert_same_runs(same, base)
    assert_same_runs(calm, by_draw(post, 4, RUNS, [(ESCALATION, 0.0)]))  # the arm's value wins over the draw's
    for d in result.differences:
        if d.arm == "same":
            assert d.paired.diff == 0.0 and (d.paired.a_only in (None, 0)) and (d.paired.b_only in (None, 0))
    assert result.difference("calm", "severity").paired.diff < 0
    calm_3 = result.difference("calm", "p_ge_3").paired  # the effect differs from set to set: carried
    assert calm_3.spread.draws == 3 and calm_3.spread.between_sd > 0.1
    assert calm_3.lo <= calm_3.spread.dice_lo and calm_3.hi >= calm_3.spread.dice_hi and calm_3.hi - calm_3.lo > 0.4
    assert result.estimates["calm"]["p_ge_3"].spread.draws == 3
    assert result.to_dict()["differences"][0]["parameter_uncertainty"]["draws"] == 3
    about = result.metadata["posterior"]
    assert (about["draws"], about["parameters"], about["file"]) == (3, [RATE, ESCALATION], "<posterior>")
    assert NOTE in comparison_table(result) and "parameter uncertainty" in result._repr_html_()
    assert result.to_dict()["provenance"]["posterior"]["sha256"] == post.sha256


def test_a_parameter_set_that_does_not_fit_an_arm_is_a_located_error(tmp_path):
    mode = ["parameters.command.review_minutes.mode"]
    path = write_posterior(tmp_path / "mode.json", parameters=mode, draws=[[2.0], [6.0]])
    post = load_posterior(path, tiny())  # both fit the scenario (low 0.5, high 7)
    with pytest.raises(ScenarioError) as caught:
        compare(tiny(), ["base", "short:parameters.command.review_minutes.high=5"], runs=RUNS, seed=1, posterior=post)
    (error,) = caught.value.errors
    assert (error.file, error.path) == (str(path), "draws[1]")
    assert "with arm 'short'" in error.message and "needs low <= mode <= high" in error.message


# --------------------------------------------------------------------------- sweeps


@pytest.fixture(scope="module")
def cluster():
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
    ) as c:
        yield c


def test_sweep_serial_local_workers_and_dask_give_identical_files(tmp_path, cluster):
    post = posterior()

    def run(name, **kwargs):
        out = tmp_path / name / "points.parquet"
        params = [f"{ESCALATION}=0,1", f"{CAPABILITY}=0.5,0.9"]  # a swept path keeps the design's value
        per_run = out.with_name("runs.parquet")
        result = sweep(
            tiny(), params, runs=64, chunk_size=15, seed=9, out=out, per_run_out=per_run, posterior=post, **kwargs
        )
        return result, out.read_bytes(), per_run.read_bytes()

    serial = run("serial")
    with ProcessExecutor(2) as pool:
        local = run("local", executor=pool)
    dask = run("dask", scheduler=cluster.scheduler_address)
    assert serial[1:] == local[1:] == dask[1:]
    result = serial[0]
    assert result.metadata["posterior"]["draws"] == 3 and read_sweep(result.out)[1]["posterior"]["draws"] == 3
    rows = pq.read_table(result.per_run_out).to_pandas()
    point = result.points.query(f"`{ESCALATION}` == 1 and `{CAPABILITY}` == 0.9")["point"].item()
    got = rows[rows.point == point].drop(columns="point").reset_index(drop=True)
    expected = outcomes_to_frame(by_draw(post, 9, 64, [(ESCALATION, 1), (CAPABILITY, 0.9)]), False)
    pd.testing.assert_frame_equal(got, expected, check_dtype=False)
    assert "p_ge_3_between_sd" in result.points.columns


def test_sweep_resume_needs_the_same_posterior(tmp_path):
    out = tmp_path / "points.parquet"
    sweep(tiny(), [f"{CAPABILITY}=0.5,0.9"], runs=6, seed=2, out=out, keep_chunks=True, posterior=posterior())
    other = posterior([[2.0, 0.1], [3.0, 0.2], [5.0, 0.3]])
    with pytest.raises(Exception, match="posterior"):
        sweep(tiny(), [f"{CAPABILITY}=0.5,0.9"], runs=6, seed=2, out=out, resume=True, posterior=other)


# --------------------------------------------------------------------------- bad files


def _errors(path, scenario=None):
    with pytest.raises(ScenarioError) as caught:
        load_posterior(path, scenario)
    return [e.format() for e in caught.value.errors]


def test_bad_files_are_located_errors(tmp_path):
    def case(name, **changes):
        return write_posterior(tmp_path / f"{name}.json", **changes)

    wrong = case("format", format="flashpoint-posterior/3")
    assert _errors(wrong) == [
        f'{wrong}:2:12: format: unsupported format "flashpoint-posterior/3": expected "flashpoint-posterior/2"'
    ]
    ragged = case("ragged", draws=[[1.0, 0.0], [8.0], [4.0, 0.5]])
    assert _errors(ragged) == [f"{ragged}:28:3: draws[1]: has 1 numbers, expected 2 (one per parameter)"]
    nan = tmp_path / "nan.json"
    nan.write_text(case("x").read_text().replace("0.5", "NaN"))
    assert _errors(nan) == [f"{nan}:34:4: draws[2][1]: must be a finite number (got nan)"]
    text = case("text", draws=[[1.0, "0.5"]])
    assert _errors(text) == [f"{text}:26:4: draws[0][1]: expected a number, got '0.5'"]
    typo = case("typo", parameters=[RATE, "actors.RED.ai.capabilty"], draws=[[1.0, 0.5]])
    assert _errors(typo, tiny()) == [
        f"{typo}:9:3: parameters[1]: actors.RED.ai.capabilty: unknown key 'capabilty' (did you mean 'capability'?)"
    ]
    many = case("many", parameters=[RATE], draws=[[1.0]] * (MAX_POSTERIOR_DRAWS + 1))
    assert _errors(many) == [f"{many}:17:11: draws: needs 1 to 100,000 parameter sets (got 100,001)"]
    wide = case("wide", parameters=[f"a{i}.b" for i in range(MAX_POSTERIOR_PARAMETERS + 1)], draws=[[0.0] * 65])
    assert _errors(wide)[0].startswith(f"{wide}:7:16: parameters: needs 1 to 64 paths (got 65)")
    empty = case("empty", draws=[])
    assert _errors(empty)[0].endswith("draws: needs 1 to 100,000 parameter sets (got 0)")
    other = case("keys", draw=[[1.0, 0.5]])
    assert any("unknown key 'draw' (did you mean 'draws'?)" in e for e in _errors(other))
    broken = tmp_path / "broken.json"
    broken.write_text('{\n "format": "flashpoint-posterior/2",\n "draws": [1, 2,]\n}\n')
    assert _errors(broken) == [f"{broken}:3:17: : invalid JSON: Expecting value"]
    twice = tmp_path / "twice.json"
    twice.write_text(case("y").read_text().replace('"scenario":', '"format": "flashpoint-posterior/2",\n "scenario":'))
    assert any(":3:2: format: the key 'format' appears more than once" in e for e in _errors(twice))
    assert _errors(tmp_path) == [f"{tmp_path}:1:1: : cannot read: not a regular file"]


def test_values_out_of_the_schemas_range_are_located_at_the_draw(tmp_path):
    path = write_posterior(tmp_path / "range.json", draws=[[1.0, 0.0], [8.0, -2.0], [4.0, 0.5]])
    (error,) = _errors(path, tiny())
    assert error.startswith(f"{path}:30:4: draws[1][1]: {ESCALATION}: must be >= 0 (got -2)")
    whole = write_posterior(tmp_path / "whole.json", parameters=["assets.red_swarm.size"], draws=[[10], [12.5]])
    message = "assets.red_swarm.size: expected a whole number, got 12.5"
    assert _errors(whole, tiny()) == [f"{whole}:22:4: draws[1][0]: {message}"]
    word = write_posterior(tmp_path / "word.json", parameters=["actors.RED.autonomy"], draws=[[1.0]])
    assert "not a number in the scenario" in _errors(word, tiny())[0]


# --------------------------------------------------------------------------- the command line


def test_cli_run_compare_and_sweep_with_a_posterior(tmp_path, capsys):
    scenario = str(write_tiny(tmp_path))
    post = str(write_posterior(tmp_path / "post.json"))
    assert main(["run", scenario, "--runs", "20", "--posterior", post, "--out", str(tmp_path / "run")]) == 0
    assert f"{NOTE} {post}" in capsys.readouterr().out
    provenance = json.loads((tmp_path / "run" / "provenance.json").read_text())
    assert provenance["posterior"]["draws"] == 3 and provenance["posterior"]["file"] == post
    assert main(["run", scenario, "--runs", "20", "--posterior", post, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["summary"]["parameter_uncertainty"]["parameters"] == [RATE, ESCALATION]
    assert main(["run", scenario, "--log", "3", "--posterior", post]) == 0
    draw = posterior().index(11, 3)
    assert f"run 3 uses posterior parameter set {draw} of 3 from {post}" in capsys.readouterr().out

    arms = ["--arm", "base", "--arm", f"calm:{ESCALATION}=0"]
    assert main(["compare", scenario, *arms, "--runs", "20", "--posterior", post]) == 0
    assert f"{NOTE} {post}" in capsys.readouterr().out

    out = tmp_path / "sweep"
    args = ["sweep", scenario, "--param", f"{CAPABILITY}=0.5,0.9", "--runs", "10", "--posterior", post]
    assert main([*args, "--out", str(out)]) == 0
    assert f"{NOTE} {post}" in capsys.readouterr().out
    assert read_sweep(out / "points.parquet")[1]["posterior"]["parameters"] == [RATE, ESCALATION]


def test_cli_refuses_a_bad_posterior_with_located_errors(tmp_path, capsys):
    scenario = str(write_tiny(tmp_path))
    bad = write_posterior(tmp_path / "bad.json", draws=[[1.0, 0.0], [8.0]])
    for command in (["run"], ["compare", "--arm", "a", "--arm", "b"], ["sweep", "--param", f"{CAPABILITY}=0.5,0.9"]):
        assert main([command[0], scenario, *command[1:], "--runs", "5", "--posterior", str(bad)]) == 2
        assert capsys.readouterr().err.splitlines() == [
            f"{bad}:28:3: draws[1]: has 1 numbers, expected 2 (one per parameter)"
        ]
    post = str(write_posterior(tmp_path / "post.json"))
    assert main(["run", scenario, "--runs", "5", "--posterior", post, "--set", f"{ESCALATION}=0.1"]) == 2
    assert capsys.readouterr().err.startswith(f"--set:1:1: {ESCALATION}: drawn from the posterior {post}")


# --------------------------------------------------------------------------- bound to a scenario, inside its priors

SHIPPED_POSTERIOR = "scenarios/taiwan_strait.posterior.json"


def test_a_posterior_is_refused_on_a_scenario_other_than_its_own(tmp_path):
    path = write_posterior(tmp_path / "post.json")
    load_posterior(path, tiny())  # its own scenario
    other = load_scenario_data(tiny_data(), [("assets.red_swarm.size", 11)])  # another force: another model
    (error,) = _errors(path, other)
    assert error.startswith(f"{path}:3:14: scenario: fitted on tiny duel, not on 'tiny duel'")
    assert "--posterior-any-scenario" in error
    load_posterior(path, other, any_scenario=True)  # asked for
    with pytest.raises(ScenarioError):
        run_monte_carlo(other, runs=20, seed=1, posterior=load_posterior(path))
    run_monte_carlo(other, runs=20, seed=1, posterior=load_posterior(path).for_any_scenario())
    # what does not change the model does not matter: names, runs and seed, how long the crisis is watched,
    # and the values the posterior draws itself
    same = [("metadata.name", "renamed"), ("monte_carlo.runs", 7), ("time.horizon_hours", 48), (RATE, 3.0)]
    load_posterior(path, load_scenario_data(tiny_data(), same))


def test_the_earlier_format_without_a_binding_is_read_only_for_any_scenario(tmp_path):
    path = tmp_path / "old.json"
    data = {"format": "flashpoint-posterior/1", "scenario": "tiny duel", "parameters": [RATE], "draws": [[1.0], [2.0]]}
    path.write_text(json.dumps(data, indent=1))
    (error,) = _errors(path)
    assert error.startswith(f"{path}:2:12: format: flashpoint-posterior/1 does not say which scenario")
    assert load_posterior(path, tiny(), any_scenario=True).size == 2


def test_draws_outside_their_priors_and_a_collapsed_posterior_are_refused(tmp_path):
    priors = [{"kind": "uniform", "low": 0.0, "high": 10.0}, {"kind": "uniform", "low": 0.0, "high": 2.0}]
    outside = write_posterior(tmp_path / "outside.json", priors=priors, draws=[[1.0, 0.5], [8.0, 9.9], [4.0, 0.5]])
    assert _errors(outside) == [f"{outside}:30:4: draws[1][1]: 9.9 lies outside its prior, uniform [0, 2] (priors[1])"]
    logs = [{"kind": "log_uniform", "low": 0.0, "high": 10.0}, {"kind": "uniform", "low": 3.0, "high": 2.0}]
    bad_priors = write_posterior(tmp_path / "priors.json", priors=logs)
    assert _errors(bad_priors) == [
        f"{bad_priors}:14:11: priors[0].low: a log-uniform prior needs low > 0 (got 0.0)",
        f"{bad_priors}:17:3: priors[1]: low and high must be finite numbers with low < high, got 3, 2",
    ]
    one = write_posterior(tmp_path / "one.json", draws=[[8.0, 2.0]] * 1000 + [[1.0, 0.0]])
    (error,) = _errors(one)
    assert error.startswith(f"{one}:23:11: draws: one parameter set makes up 1,000 of the 1,001 draws (2 distinct)")
    assert load_posterior(write_posterior(tmp_path / "single.json", draws=[[8.0, 2.0]])).size == 1  # one set is fine


def test_the_shipped_posterior_loads_for_its_scenario_only():
    post = load_posterior(SHIPPED_POSTERIOR, load_scenario("scenarios/taiwan_strait.yaml"))
    assert post.scenario == "taiwan_strait" and post.priors is not None
    assert post.distinct >= post.source["population"] / 2  # not collapsed: at least half the fit's particles
    assert post.source["effective sample size"] >= post.source["population"] / 2
    for other in ("south_china_sea", "orbital_standoff", "peacetime_contact"):
        (error,) = _errors(SHIPPED_POSTERIOR, load_scenario(f"scenarios/{other}.yaml"))
        assert error.startswith(f"{SHIPPED_POSTERIOR}:3:14: scenario: fitted on taiwan_strait, not on")


def test_cli_refuses_a_posterior_on_another_scenario_unless_asked(capsys):
    args = ["--runs", "40", "--posterior", SHIPPED_POSTERIOR]
    assert main(["run", "scenarios/south_china_sea.yaml", *args]) == 2
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith(f"{SHIPPED_POSTERIOR}:3:14: scenario: fitted on taiwan_strait, not on")
    for command in (["compare", "--arm", "a", "--arm", "b"], ["sweep", "--param", "policy.hotline.enabled=true,false"]):
        assert main([command[0], "scenarios/south_china_sea.yaml", *command[1:], *args]) == 2
        assert "fitted on taiwan_strait" in capsys.readouterr().err
    assert main(["run", "scenarios/south_china_sea.yaml", *args, "--posterior-any-scenario", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["summary"]["parameter_uncertainty"]["any_scenario"] is True
    own = ["run", "scenarios/taiwan_strait.yaml", *args, "--set", "time.horizon_hours=48", "--json"]
    assert main(own) == 0  # --set on top of its own file
