"""sim.evaluate, the call analysts' tools make: a dict of parameters in, a dict of outcomes out, on common
random numbers; the EMA Workbench model built on it (when ema_workbench is installed); the SALib problem of
a sweep's ranges."""

from __future__ import annotations

import numpy as np
import pytest
from experiment_scenarios import CAPABILITY, RATE, tiny

import sim
from sim.experiments.interop import ema_model, ema_name, salib_problem
from sim.experiments.monte_carlo import run_monte_carlo
from sim.scenario.errors import ScenarioError
from sim.scenario.loader import load_scenario_data


def test_the_same_call_twice_gives_identical_dicts():
    params = {CAPABILITY: 0.7, "policy.hotline.enabled": False}
    first = sim.evaluate(tiny(), params, runs=60, seed=8)
    assert first == sim.evaluate(tiny(), params, runs=60, seed=8)
    assert list(first) == ["p_ge_3", "p_ge_5", "p_inadvertent", "severity"]
    assert all(type(v) is float for v in first.values())


def test_it_is_a_monte_carlo_of_the_scenario_with_the_parameters_set():
    params = {RATE: 6.0, CAPABILITY: np.float64(0.55)}  # numpy values, as samplers hand them out
    got = sim.evaluate(tiny(), params, runs=80, seed=3, metrics=("p_ge_3", "p_inadvertent", "drones_lost"))
    scenario = load_scenario_data(tiny().model_dump(mode="json"), [(RATE, 6.0), (CAPABILITY, 0.55)])
    summary = run_monte_carlo(scenario, runs=80, seed=3).summary
    assert got["p_ge_3"] == summary.max_rung_at_least[3].p
    assert got["p_inadvertent"] == summary.inadvertent.p
    assert got["drones_lost"] == pytest.approx(summary.losses["drones_lost"].mean)


def test_calls_share_their_random_numbers():
    """Run i of every call uses the same dice: a parameter that changes nothing changes no number."""
    base = sim.evaluate(tiny(), {}, runs=60, seed=5)
    same = sim.evaluate(tiny(), {"metadata.description": "another name, same model"}, runs=60, seed=5)
    assert same == base
    other_seed = sim.evaluate(tiny(), {}, runs=60, seed=6)
    assert other_seed != base


def test_intervals_and_the_interval_kind():
    got = sim.evaluate(tiny(), {}, runs=40, seed=5, metrics=("p_ge_3", "severity"), intervals=True)
    assert list(got) == ["p_ge_3", "p_ge_3_lo", "p_ge_3_hi", "severity", "severity_lo", "severity_hi"]
    assert got["p_ge_3_lo"] <= got["p_ge_3"] <= got["p_ge_3_hi"]
    exact = sim.evaluate(tiny(), {}, runs=40, seed=5, metrics=("p_ge_3",), intervals=True, interval="clopper-pearson")
    assert exact["p_ge_3_hi"] - exact["p_ge_3_lo"] > got["p_ge_3_hi"] - got["p_ge_3_lo"]


def test_a_scenario_by_name():
    got = sim.evaluate("taiwan_strait", {"actors.PRC.ai.capability": 0.7}, runs=30)
    assert 0.0 <= got["p_ge_3"] <= 1.0
    with pytest.raises(FileNotFoundError, match="taiwan_strait"):
        sim.evaluate("taiwan_strat")


def test_a_bad_parameter_is_located_at_its_key():
    with pytest.raises(ScenarioError) as caught:
        sim.evaluate(tiny(), {RATE: 2.0, "actors.RED.ai.capabilty": 0.7}, runs=10)
    (error,) = caught.value.errors
    assert error.format().startswith("parameters:2:1: actors.RED.ai.capabilty: unknown key 'capabilty'")
    with pytest.raises(ValueError, match="unknown metric"):
        sim.evaluate(tiny(), {}, runs=10, metrics=("p_ge_9",))


def test_ema_names_are_identifiers():
    assert ema_name("actors.PRC.ai.capability") == "actors_PRC_ai_capability"
    assert ema_name("injects[0].at_hours") == "injects_0__at_hours"


def test_salib_problem_of_a_sweeps_ranges():
    problem = salib_problem([f"{CAPABILITY}=0.4:0.9", f"{RATE}=1:6"], tiny())
    assert problem == {"num_vars": 2, "names": [CAPABILITY, RATE], "bounds": [[0.4, 0.9], [1.0, 6.0]]}
    with pytest.raises(ScenarioError) as caught:
        salib_problem([f"{CAPABILITY}=0.4:0.9", "policy.hotline.enabled=true,false"])
    assert caught.value.errors[0].format().startswith("--param:2:1: policy.hotline.enabled: SALib needs a numeric")
    with pytest.raises(ScenarioError, match="--param:1"):
        salib_problem([f"{CAPABILITY}=0.4:1.9"], tiny())  # checked against the scenario: capability <= 1


def test_a_salib_sample_runs_through_evaluate():
    from SALib.sample import latin

    problem = salib_problem([f"{CAPABILITY}=0.4:0.9", f"{RATE}=1:6"], tiny())
    rows = latin.sample(problem, 3, seed=1)
    outputs = [sim.evaluate(tiny(), dict(zip(problem["names"], row, strict=True)), runs=20, seed=2) for row in rows]
    assert len(outputs) == 3 and all(0 <= o["p_ge_3"] <= 1 for o in outputs)


def test_the_ema_workbench_model_runs_eight_experiments_on_common_random_numbers():
    ema = pytest.importorskip("ema_workbench")
    model = ema_model(
        tiny(),
        [f"{CAPABILITY}=0.4:0.9", "policy.hotline.enabled=true,false"],
        levers=["actors.RED.autonomy=in_the_loop,out_of_the_loop"],
        outcomes=("p_ge_3", "severity"),
        runs=30,
        seed=4,
    )
    assert [u.name for u in model.uncertainties] == [ema_name(CAPABILITY), "policy_hotline_enabled"]
    assert [lever.name for lever in model.levers] == ["actors_RED_autonomy"]
    sampling = {"uncertainty_sampling_kwargs": {"rng": 42}, "lever_sampling_kwargs": {"rng": 43}}
    experiments, outcomes = ema.perform_experiments(model, scenarios=4, policies=2, **sampling)
    assert len(experiments) == 8 and outcomes["p_ge_3"].shape == (8,)
    again, repeated = ema.perform_experiments(model, scenarios=4, policies=2, **sampling)
    assert experiments.drop(columns=["scenario", "policy"]).equals(again.drop(columns=["scenario", "policy"]))
    for name in ("p_ge_3", "severity"):
        np.testing.assert_array_equal(outcomes[name], repeated[name])  # the same experiments, the same numbers
    first = experiments.iloc[0]
    params = {CAPABILITY: first[ema_name(CAPABILITY)], "policy.hotline.enabled": bool(first["policy_hotline_enabled"])}
    params["actors.RED.autonomy"] = first["actors_RED_autonomy"]
    direct = sim.evaluate(tiny(), params, runs=30, seed=4, metrics=("p_ge_3", "severity"))
    assert outcomes["p_ge_3"][0] == direct["p_ge_3"] and outcomes["severity"][0] == direct["severity"]
