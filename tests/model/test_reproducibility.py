"""Same scenario + seed → identical outcomes and event log, in one process or several (BRIEF §6)."""

from __future__ import annotations

import mesa
from model_scenarios import duel

from sim.engines import outcome_of
from sim.engines.reference import EscalationModel
from sim.engines.reference.agents import ActorAgent, DroneSwarmAgent, NavalGroupAgent, SpaceAssetAgent
from sim.experiments.monte_carlo import run_monte_carlo
from sim.experiments.run import run_once


def test_same_seed_same_outcome_and_event_log(shipped):
    scenario = shipped["taiwan_strait"]
    first = EscalationModel(scenario, seed=5, run=3).run()
    second = EscalationModel(scenario, seed=5, run=3).run()
    assert outcome_of(first) == outcome_of(second)
    assert first.log == second.log
    assert first.log, "the run should have produced events"


def test_run_index_and_seed_change_the_draws(shipped):
    scenario = shipped["taiwan_strait"]
    base = [run_once(scenario, 5, r) for r in range(6)]
    assert len({o.key()[2:] for o in base}) > 1
    assert [run_once(scenario, 6, r) for r in range(6)] != base


def test_one_and_two_workers_give_identical_results(shipped):
    scenario = shipped["south_china_sea"]
    serial = run_monte_carlo(scenario, runs=16, seed=9, workers=1, engine="reference")
    parallel = run_monte_carlo(scenario, runs=16, seed=9, workers=2, chunk_size=3, engine="reference")
    assert serial.outcomes == parallel.outcomes
    assert serial.summary.to_dict() == parallel.summary.to_dict()


def test_extending_a_monte_carlo_reuses_the_same_runs(shipped):
    scenario = shipped["proliferation"]
    whole = run_monte_carlo(scenario, runs=10, seed=4, engine="reference").outcomes
    tail = run_monte_carlo(scenario, runs=4, seed=4, first_run=6, engine="reference").outcomes
    assert whole[6:] == tail


def test_mesa_api_agents_datacollector_and_batch_run(shipped):
    scenario = shipped["taiwan_strait"]
    model = EscalationModel(scenario, seed=1, run=0)
    for kind in (ActorAgent, DroneSwarmAgent, NavalGroupAgent, SpaceAssetAgent):
        assert len(model.agents_by_type[kind]) > 0
    for _ in range(5):
        model.step()
    frame = model.datacollector.get_model_vars_dataframe()
    assert list(frame["hours"]) == [1.0, 2.0, 3.0, 4.0, 5.0]
    rungs = model.datacollector.get_agenttype_vars_dataframe(ActorAgent)
    assert set(rungs["actor"]) == set(scenario.actors)

    results = mesa.batch_run(
        EscalationModel,
        parameters={"scenario": [duel()], "run": [0, 1]},
        rng=[3],
        max_steps=100,
        number_processes=1,
        display_progress=False,
    )
    by_run = {row["run"]: row for row in results}
    assert set(by_run) == {0, 1}
    for run, row in by_run.items():
        assert row["crisis_level"] == run_once(duel(), 3, run).crisis_level[-1]


def test_batch_run_iterations_without_a_seed_are_distinct_replications():
    # Mesa's own convention: no rng/seed means fresh entropy, so `iterations=n` gives n different runs; each
    # model keeps the seed it drew, so any of them can be repeated.
    scenario = duel(parameters={"encounters": {"rate_per_day": {"drone_swarm": 30.0}}})
    results = mesa.batch_run(
        EscalationModel,
        parameters={"scenario": [scenario]},
        iterations=6,
        max_steps=72,
        number_processes=1,
        display_progress=False,
    )
    assert {row["iteration"] for row in results} == set(range(6))
    models = [EscalationModel(scenario) for _ in range(6)]
    assert len({m.seed for m in models}) == 6
    kept = models[0].seed
    first, again = (EscalationModel(scenario, seed=kept).run() for _ in range(2))
    assert outcome_of(first) == outcome_of(again)


def test_batch_run_with_a_seed_list_reproduces_run_one_for_each_iteration(shipped):
    """The recipe of docs/experiments.md: the scenario by name, seeds through ``rng``, runs as a parameter; every
    row records its seed and run (model reporters), and run_one(scenario, seed, run) repeats it."""
    from sim.engines import run_one

    results = mesa.batch_run(
        EscalationModel,
        parameters={"scenario": "south_china_sea", "run": [0, 1]},
        rng=[11, 12],  # one iteration per seed: Mesa passes each as the model's seed
        max_steps=10_000,
        number_processes=1,
        display_progress=False,
    )
    rows = {(row["iteration"], row["run"]): row for row in results if row["Step"] == max(r["Step"] for r in results)}
    assert {(i, row["seed"]) for (i, _), row in rows.items()} == {(0, 11), (1, 12)}
    scenario = shipped["south_china_sea"]
    for row in rows.values():
        assert row["scenario"] == "south_china_sea"  # a name, not the scenario's 15 kB repr
        again = run_one(scenario, row["seed"], row["run"], engine="reference").outcome
        compiled = run_one(scenario, row["seed"], row["run"], engine="compiled").outcome
        assert row["crisis_level"] == again.crisis_level[-1] == compiled.crisis_level[-1]
        for name in ("engagements_true", "engagements_false", "drones_lost", "ships_lost", "debris"):
            assert row[name] == getattr(again, name) == getattr(compiled, name)


def test_a_batch_run_without_seeds_records_the_seed_each_replication_drew():
    scenario = duel(parameters={"encounters": {"rate_per_day": {"drone_swarm": 30.0}}})
    results = mesa.batch_run(
        EscalationModel, parameters={"scenario": [scenario]}, rng=[None] * 3, max_steps=72, display_progress=False
    )
    assert len({row["seed"] for row in results}) == 3
    for row in results:
        again = EscalationModel(scenario, seed=row["seed"], run=row["run"]).run()
        assert again.crisis_level == row["crisis_level"] and again.counts["debris"] == row["debris"]


def test_a_scenario_by_name_or_path(shipped):
    from sim.scenario.library import SCENARIO_LIBRARY

    by_name = EscalationModel("taiwan_strait", seed=1)
    by_path = EscalationModel(SCENARIO_LIBRARY / "taiwan_strait.yaml", seed=1)
    assert by_name.spec == by_path.spec == shipped["taiwan_strait"]
    assert by_name.spec is not by_path.spec  # each model its own copy of the cached file


def test_overrides_apply_to_a_scenario_object_as_to_a_path(shipped):
    scenario = shipped["taiwan_strait"]
    model = EscalationModel(scenario, seed=1, overrides=("policy.hotline.enabled=false",))
    assert not model.spec.policy.hotline.enabled and scenario.policy.hotline.enabled
