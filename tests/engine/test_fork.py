"""Forking a paused reference model: the original's future reproduces it; other futures equal the
reference continued with the same draws; the reproduced future's log equals the original's."""

from __future__ import annotations

import pytest
from engine_scenarios import variant

from sim.engines import outcome_of
from sim.engines.compiled.fork import continue_from, run_future, snapshot
from sim.engines.compiled.logtext import render_log
from sim.engines.reference import EscalationModel
from sim.experiments.run import run_once

SEED = 7


def _paused(scenario, run, ticks):
    model = EscalationModel(scenario, seed=SEED, run=run)
    for _ in range(ticks):
        model.step()
    return model


def _reference_future(scenario, run, ticks, future_run):
    model = _paused(scenario, run, ticks)
    model.draws.run = future_run
    model.run_index = future_run
    return outcome_of(model.run())


CASES = [("taiwan_strait", 5, 100), ("south_china_sea", 3, 30), ("orbital_standoff", 2, 250), ("queues", 4, 20)]


@pytest.mark.parametrize(("name", "run", "ticks"), CASES)
def test_fork_reproduces_the_original_and_equals_reference_futures(shipped, name, run, ticks):
    scenario = shipped[name] if name in shipped else variant(name)
    state = snapshot(_paused(scenario, run, ticks))
    futures = continue_from(state, 8, first_run=run - 2)
    assert futures.outcome(2) == run_once(scenario, SEED, run)
    for i in (0, 1, 3, 7):
        future_run = int(futures.runs[i])
        assert futures.outcome(i) == _reference_future(scenario, run, ticks, future_run), f"future {future_run}"
    w = run_future(state, run, log=True)
    original = EscalationModel(scenario, seed=SEED, run=run).run()
    assert render_log(state.compiled, w, state.log_length) == original.log[state.log_length :]


@pytest.mark.parametrize("name", ["queues", "raids"])
def test_fork_in_the_middle_of_operator_queues(name):
    scenario = variant(name)
    raids_under_review = 0
    for run, ticks_list in ((2, (3, 9, 17)), (24, (26, 37, 86)), (39, (37, 38, 42))):
        for ticks in ticks_list:
            model = _paused(scenario, run, ticks)
            raids_under_review += sum(r.tracks > 1 for r in model.pending.reviews.values())
            state = snapshot(model)
            assert continue_from(state, 3, first_run=run - 1).outcome(1) == run_once(scenario, SEED, run)
    assert name != "raids" or raids_under_review > 0, "some fork should catch a raid under review"


def test_futures_differ_and_do_not_depend_on_threads(shipped):
    state = snapshot(_paused(shipped["taiwan_strait"], 0, 48))
    one = continue_from(state, 300, seed=99, threads=1)
    two = continue_from(state, 300, seed=99, threads=2)
    assert one.outcomes() == two.outcomes()
    assert len({o.max_rung for o in one.outcomes()}) > 1


def _answers_in_flight(model) -> int:
    """Machine-speed answers suspended in simpy's queue (waiting out machine latency or a veto window)."""
    count = 0
    for _, _, _, event in model.env._queue:
        for callback in event.callbacks or ():
            generator = getattr(getattr(callback, "__self__", None), "_generator", None)
            count += generator is not None and generator.gi_code.co_name == "_answer"
    return count


def test_fork_in_the_middle_of_a_machine_speed_chain():
    """Answers waiting out a ten-minute machine latency or a half-hour veto window at a tick's end: the fork
    carries the chain (who has answered, its cause, its level) and its pending answers, and the original's
    future reproduces the run."""
    scenario = variant("chains")
    forks = 0
    for run in range(60):
        model = EscalationModel(scenario, seed=SEED, run=run)
        for tick in range(1, 72):
            model.step()
            if _answers_in_flight(model):
                state = snapshot(model)
                future = continue_from(state, 3, first_run=run - 1).outcome(1)
                assert future == run_once(scenario, SEED, run), (run, tick)
                forks += 1
                break
        if forks >= 4:
            break
    assert forks >= 2, "some fork should catch a chain in flight"
