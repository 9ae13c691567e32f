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
from sim.scenario.loader import load_scenario_data

ESCALATION = "parameters.response.deliberate_escalation_per_day"
DRAWS = [[1.0, 0.0], [8.0, 2.0], [4.0, 0.5]]
"""Three parameter sets that give the tiny duel quite different crises."""
NOTE = "parameter uncertainty: each run draws one of 3 posterior parameter sets from"


def posterior(draws=DRAWS, parameters=(RATE, ESCALATION)) -> Posterior:
    return Posterior(tuple(parameters), np.array(draws, dtype=float), "tiny duel", {"by": "test"})


def write_posterior(path, **changes):
    data = {"format": FORMAT, "scenario": "tiny duel", "parameters": [RATE, ESCALATION], "draws": DRAWS}
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
        u = uniform_py(seed, run, 0, POSTERIOR_DRAW, 0)
        assert draw_index(seed, run, k) == min(math.floor(u * k), k - 1)
    assert {draw_index(5, r, 1) for r in range(20)} == {0}
    other = posterior([[2.0, 0.1], [3.0, 0.2], [5.0, 0.3]])  # other values, same K: the same choices
    assert [posterior().index(7, r) for r in range(60)] == [other.index(7, r) for r in range(60)]
    whole = posterior().draws_for(7, range(30))
    part = posterior().draws_for(7, range(10, 20))  # a chunk picks what the whole run set picks
    assert part.particles == whole.particles[10:20] and set(part.values) <= set(whole.values)
    assert [draw_index(1, r, 10) for r in range(40)] != [draw_index(2, r, 10) for r in range(40)]
    counts = np.bincount([draw_index(5, r, 4) for r in range(4000)], minlength=4)
    assert counts.min() > 900 and counts.max() < 1100  # about uniform
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
    result = run_monte_carlo(tiny(), runs=40, seed=3, posterior=post, chunk_size=7)
    assert {post.index(3, r) for r in range(40)} == {0, 1, 2}
    assert_same_runs(result.outcomes, by_draw(post, 3, 40))
    assert len({o.max_rung for o in result.outcomes}) > 2  # the sets give different crises
    pooled = run_monte_carlo(tiny(), runs=40, seed=3, posterior=post, workers=2)
    assert_same_runs(pooled.outcomes, result.outcomes)
    reference = run_posterior(tiny(), post, 3, [9, 2, 5, 0], engine="reference")
    assert [o.run for o in reference] == [9, 2, 5, 0]
    assert_same_runs(reference, [result.outcomes[r] for r in (9, 2, 5, 0)])


def test_the_summary_says_its_intervals_include_parameter_uncertainty():
    result = run_monte_carlo(tiny(), runs=10, seed=1, posterior=posterior())
    text = summary_table(result.summary)
    assert text.splitlines()[1].startswith(f"{NOTE} <posterior>")
    assert "95% intervals include parameter uncertainty" in text
    assert "posterior" in repr(result) and "parameter uncertainty" in result._repr_html_()
    plain_table = summary_table(run_monte_carlo(tiny(), runs=10, seed=1).summary)
    assert "parameter uncertainty" not in plain_table


def test_every_parameter_set_a_run_uses_is_checked_before_any_run():
    # (low, mode) of a triangular: set 2 has low > mode, and holds neither column's extreme
    triangle = ["parameters.command.review_minutes.low", "parameters.command.review_minutes.mode"]
    post = posterior([[0.1, 1.0], [5.0, 6.9], [3.0, 2.0]], triangle)
    post.check(tiny())  # the first set and the extremes are fine
    with pytest.raises(ScenarioError) as caught:
        run_monte_carlo(tiny(), runs=20, seed=3, posterior=post)
    (error,) = caught.value.errors
    assert error.path.startswith("draws[2]") and "needs low <= mode <= high" in error.message


# --------------------------------------------------------------------------- comparisons


def test_compare_arms_share_each_runs_parameter_set_and_dice():
    post = posterior()
    arms = ["base", "same:policy.hotline.enabled=false", f"calm:{ESCALATION}=0"]  # 'same' sets the scenario's value
    result = compare(tiny(), arms, runs=30, seed=4, posterior=post)
    base, same, calm = (table_outcomes(t) for t in result.rows)
    assert_same_runs(base, by_draw(post, 4, 30))
    assert_same_runs(same, base)
    assert_same_runs(calm, by_draw(post, 4, 30, [(ESCALATION, 0.0)]))  # the arm's value wins over the draw's
    for d in result.differences:
        if d.arm == "same":
            assert d.paired.diff == 0.0 and (d.paired.a_only in (None, 0)) and (d.paired.b_only in (None, 0))
    assert result.difference("calm", "severity").paired.diff < 0
    about = result.metadata["posterior"]
    assert (about["draws"], about["parameters"], about["file"]) == (3, [RATE, ESCALATION], "<posterior>")
    assert NOTE in comparison_table(result) and "parameter uncertainty" in result._repr_html_()
    assert result.to_dict()["provenance"]["posterior"]["sha256"] == post.sha256


def test_a_parameter_set_that_does_not_fit_an_arm_is_a_located_error(tmp_path):
    mode = ["parameters.command.review_minutes.mode"]
    path = write_posterior(tmp_path / "mode.json", parameters=mode, draws=[[2.0], [6.0]])
    post = load_posterior(path, tiny())  # both fit the scenario (low 0.5, high 7)
    with pytest.raises(ScenarioError) as caught:
        compare(tiny(), ["base", "short:parameters.command.review_minutes.high=5"], runs=20, seed=1, posterior=post)
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
            tiny(), params, runs=24, chunk_size=5, seed=9, out=out, per_run_out=per_run, posterior=post, **kwargs
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
    expected = outcomes_to_frame(by_draw(post, 9, 24, [(ESCALATION, 1), (CAPABILITY, 0.9)]), False)
    pd.testing.assert_frame_equal(got, expected, check_dtype=False)


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

    wrong = case("format", format="flashpoint-posterior/2")
    assert _errors(wrong) == [
        f'{wrong}:2:12: format: unsupported format "flashpoint-posterior/2": expected "flashpoint-posterior/1"'
    ]
    ragged = case("ragged", draws=[[1.0, 0.0], [8.0], [4.0, 0.5]])
    assert _errors(ragged) == [f"{ragged}:13:3: draws[1]: has 1 numbers, expected 2 (one per parameter)"]
    nan = tmp_path / "nan.json"
    nan.write_text(case("x").read_text().replace("0.5", "NaN"))
    assert _errors(nan) == [f"{nan}:19:4: draws[2][1]: must be a finite number (got nan)"]
    text = case("text", draws=[[1.0, "0.5"]])
    assert _errors(text) == [f"{text}:11:4: draws[0][1]: expected a number, got '0.5'"]
    typo = case("typo", parameters=[RATE, "actors.RED.ai.capabilty"], draws=[[1.0, 0.5]])
    assert _errors(typo, tiny()) == [
        f"{typo}:6:3: parameters[1]: actors.RED.ai.capabilty: unknown key 'capabilty' (did you mean 'capability'?)"
    ]
    many = case("many", parameters=[RATE], draws=[[1.0]] * (MAX_POSTERIOR_DRAWS + 1))
    assert _errors(many) == [f"{many}:7:11: draws: needs 1 to 100,000 parameter sets (got 100,001)"]
    wide = case("wide", parameters=[f"a{i}.b" for i in range(MAX_POSTERIOR_PARAMETERS + 1)], draws=[[0.0] * 65])
    assert _errors(wide)[0].startswith(f"{wide}:4:16: parameters: needs 1 to 64 paths (got 65)")
    empty = case("empty", draws=[])
    assert _errors(empty)[0].endswith("draws: needs 1 to 100,000 parameter sets (got 0)")
    other = case("keys", draw=[[1.0, 0.5]])
    assert any("unknown key 'draw' (did you mean 'draws'?)" in e for e in _errors(other))
    broken = tmp_path / "broken.json"
    broken.write_text('{\n "format": "flashpoint-posterior/1",\n "draws": [1, 2,]\n}\n')
    assert _errors(broken) == [f"{broken}:3:17: : invalid JSON: Expecting value"]
    twice = tmp_path / "twice.json"
    twice.write_text(case("y").read_text().replace('"scenario":', '"format": "flashpoint-posterior/1",\n "scenario":'))
    assert any(":3:2: format: the key 'format' appears more than once" in e for e in _errors(twice))
    assert _errors(tmp_path) == [f"{tmp_path}:1:1: : cannot read: not a regular file"]


def test_values_out_of_the_schemas_range_are_located_at_the_draw(tmp_path):
    path = write_posterior(tmp_path / "range.json", draws=[[1.0, 0.0], [8.0, -2.0], [4.0, 0.5]])
    (error,) = _errors(path, tiny())
    assert error.startswith(f"{path}:15:4: draws[1][1]: {ESCALATION}: must be >= 0 (got -2)")
    whole = write_posterior(tmp_path / "whole.json", parameters=["assets.red_swarm.size"], draws=[[10], [12.5]])
    message = "assets.red_swarm.size: expected a whole number, got 12.5"
    assert _errors(whole, tiny()) == [f"{whole}:12:4: draws[1][0]: {message}"]
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
            f"{bad}:13:3: draws[1]: has 1 numbers, expected 2 (one per parameter)"
        ]
    post = str(write_posterior(tmp_path / "post.json"))
    assert main(["run", scenario, "--runs", "5", "--posterior", post, "--set", f"{ESCALATION}=0.1"]) == 2
    assert capsys.readouterr().err.startswith(f"--set:1:1: {ESCALATION}: drawn from the posterior {post}")
