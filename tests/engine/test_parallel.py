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


def test_time_sized_chunks_on_workers_give_the_same_runs_and_report_progress(shipped):
    scenario = shipped["south_china_sea"]
    reports: list[tuple[int, int]] = []
    paced = run_monte_carlo(scenario, runs=600, seed=4, workers=2, progress=lambda done, n: reports.append((done, n)))
    serial = run_monte_carlo(scenario, runs=600, seed=4, workers=1, chunk_size=600)
    assert paced.outcomes == serial.outcomes
    assert len(reports) > 2 and reports[-1] == (600, 600)  # chunks of about half a second, not 4 per worker
    assert [d for d, _ in reports] == sorted(d for d, _ in reports)
