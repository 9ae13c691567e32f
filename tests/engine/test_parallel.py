"""Results do not depend on numba threads, worker processes or the engine (BRIEF §6)."""

from __future__ import annotations

from sim.engines.compiled import run_many
from sim.experiments.monte_carlo import run_monte_carlo


def test_one_and_two_threads_identical(shipped):
    scenario = shipped["taiwan_strait"]
    one = run_many(scenario, 3, range(500), threads=1)
    two = run_many(scenario, 3, range(500), threads=2)
    assert one.outcomes() == two.outcomes()


def test_one_and_two_workers_identical_and_equal_to_the_reference(shipped):
    scenario = shipped["south_china_sea"]
    serial = run_monte_carlo(scenario, runs=40, seed=9, workers=1)
    parallel = run_monte_carlo(scenario, runs=40, seed=9, workers=2, chunk_size=7)
    reference = run_monte_carlo(scenario, runs=40, seed=9, workers=1, engine="reference")
    assert serial.outcomes == parallel.outcomes == reference.outcomes
    assert serial.summary.to_dict() == parallel.summary.to_dict() == reference.summary.to_dict()


def test_summary_only_batches_keep_the_outcomes(shipped):
    scenario = shipped["proliferation"]
    full = run_many(scenario, 5, range(50))
    summary = run_many(scenario, 5, range(50), trajectories=False)
    assert summary.trajectories.shape == (50, 0)
    assert (full.ints == summary.ints).all()
    assert (full.floats.view("u8") == summary.floats.view("u8")).all()
