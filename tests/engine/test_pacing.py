"""Batches of runs sized by time (Ctrl-C and the app's Cancel within about half a second): the sizes follow
the measured time per run, every run is made once and in order, and the batching never changes an outcome."""

from __future__ import annotations

import pytest

from sim import engines
from sim.engines.pacing import FIRST_RUNS, GROWTH, Pacer


def test_the_first_batch_is_small_then_sizes_aim_at_the_pace():
    pacer = Pacer(seconds=0.5, first=64)
    assert pacer.size(1_000_000) == 64
    pacer.record(64, 0.064)  # 1 ms per run: 500 runs make half a second
    assert pacer.size(1_000_000) == 500
    pacer.record(500, 0.05)  # faster now: 0.1 ms per run, but at most GROWTH times the last batch
    assert pacer.size(1_000_000) == min(5000, GROWTH * 500)
    assert pacer.size(7) == 7  # never more than is left


def test_a_slow_first_batch_gives_small_batches_that_grow_back():
    pacer = Pacer(seconds=0.5, first=64)
    pacer.record(64, 60.0)  # the first batch compiled the engine
    assert pacer.size(10**6) == 1
    sizes = []
    for _ in range(5):
        n = pacer.size(10**6)
        sizes.append(n)
        pacer.record(n, n * 1e-4)  # 0.1 ms per run from now on
    assert sizes == [1, GROWTH, GROWTH**2, GROWTH**3, 5000]


def test_batches_cover_every_run_once_in_order():
    runs = range(10, 10_010)
    batches = list(Pacer(seconds=0.5, first=FIRST_RUNS).batches(runs))
    assert [r for batch in batches for r in batch] == list(runs)
    assert len(batches[0]) == FIRST_RUNS


def test_a_pacer_needs_a_positive_pace():
    with pytest.raises(ValueError):
        Pacer(seconds=0)


def test_paced_compiled_batches_equal_one_batch(shipped):
    from sim.engines.compiled.api import run_many as one_batch

    scenario = shipped["south_china_sea"]
    runs = list(range(300))
    paced = engines.run_many(scenario, 5, runs, engine="compiled")
    whole = one_batch(scenario, 5, runs).outcomes()
    assert [o.run for o in paced] == runs
    assert paced == whole
