"""The compiled engine equals the reference engine: outcomes on 200 seeds, event logs on 20, per scenario."""

from __future__ import annotations

import pytest
from engine_scenarios import SHIPPED, VARIANTS, variant

from sim.engines import outcome_of
from sim.engines.compiled import compile_scenario, run_compiled, run_many
from sim.engines.reference import EscalationModel

SEED = 20260101
RUNS = 200
LOGGED = 20


def _reference(scenario, seed, runs, logged):
    outcomes, logs = [], []
    for run in runs:
        model = EscalationModel(scenario, seed=seed, run=run).run()
        outcomes.append(outcome_of(model))
        if len(logs) < logged:
            logs.append(model.log)
    return outcomes, logs


def _check(scenario, seed, runs, logged):
    compiled = compile_scenario(scenario)
    expected, logs = _reference(scenario, seed, runs, logged)
    got = run_many(compiled, seed, runs).outcomes()
    mismatched = [r for r, a, b in zip(runs, got, expected, strict=True) if a != b]
    assert not mismatched, f"outcomes differ on runs {mismatched[:10]}"
    for run, log in zip(runs, logs, strict=False):
        single = run_compiled(compiled, seed, run, log=True)
        assert single.outcome == expected[run - runs[0]]
        assert single.log == log, f"event log differs on run {run}"
    return expected


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_scenarios_equal_on_200_seeds_and_20_logs(shipped, name):
    expected = _check(shipped[name], SEED, list(range(RUNS)), LOGGED)
    assert len({o.max_rung for o in expected}) > 1, "the runs should differ"


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_stress_variants_equal_with_logs(name):
    expected = _check(variant(name), 11, list(range(1000, 1030)), 30)
    assert sum(o.engagements_true + o.engagements_false for o in expected) > 0
