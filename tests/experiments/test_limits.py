"""The documented bounds on an experiment's size are checked before any work starts."""

from __future__ import annotations

import pytest
from experiment_scenarios import CAPABILITY, tiny, tiny_data

from sim.experiments.compare import compare
from sim.experiments.designs import parse_parameters, typed_parameters
from sim.experiments.executors import make_executor
from sim.experiments.limits import (
    MAX_ARMS,
    MAX_COMPARE_RUNS,
    MAX_SWEEP_RUNS,
    LimitError,
    available_cores,
)
from sim.experiments.monte_carlo import run_monte_carlo
from sim.experiments.sensitivity import saltelli_design
from sim.experiments.sweep import sweep


def _never(done: int, total: int) -> None:
    raise AssertionError("work started although a limit was exceeded")


def test_arms_and_runs_over_all_arms_are_bounded_before_any_run():
    with pytest.raises(LimitError) as caught:
        compare(tiny(), [f"arm{i}" for i in range(MAX_ARMS + 1)], runs=2, progress=_never)
    assert caught.value.option == "--arm"
    with pytest.raises(LimitError) as caught:
        compare(tiny(), ["a", "b"], runs=MAX_COMPARE_RUNS // 2 + 1, progress=_never)
    assert (
        caught.value.option == "--runs" and "10,000,002 runs, more than the limit of 10,000,000" in caught.value.message
    )
    with pytest.raises(LimitError) as caught:
        compare(tiny(), ["a", "b"], precision=0.01, max_runs=MAX_COMPARE_RUNS, progress=_never)
    assert caught.value.option == "--max-runs"


def test_runs_over_all_points_of_a_sweep_are_bounded_before_any_run(tmp_path):
    with pytest.raises(LimitError) as caught:
        sweep(tiny(), [f"{CAPABILITY}=0.5,0.6"], runs=MAX_SWEEP_RUNS // 2 + 1, out=tmp_path / "p.parquet")
    assert caught.value.option == "--runs"
    assert not list(tmp_path.iterdir())  # no chunk store, no lock left behind


def test_workers_are_bounded_by_the_cores_available(tmp_path):
    cores = available_cores()
    for bad in (0, cores + 1):
        with pytest.raises(LimitError) as caught:
            make_executor(bad)
        assert caught.value.option == "--workers" and f"between 1 and {cores}" in caught.value.message
        with pytest.raises(LimitError):
            run_monte_carlo(tiny(), runs=4, workers=bad, progress=_never)
        with pytest.raises(LimitError):
            sweep(tiny(), [f"{CAPABILITY}=0.5,0.6"], runs=4, workers=bad, out=tmp_path / "p.parquet")
    assert not list(tmp_path.iterdir())


def test_a_saltelli_design_is_bounded_by_the_design_limit():
    params = parse_parameters([f"{CAPABILITY}=0.4:0.9", "policy.hotline.reliability=0.1:0.9"])
    with pytest.raises(LimitError) as caught:
        saltelli_design(params, 65_536, seed=1)  # 65,536 × 4 points
    assert caught.value.option == "--n"


def test_whole_number_ends_on_a_real_valued_field_make_a_continuous_range():
    params = parse_parameters([f"{CAPABILITY}=0:1", "assets.red_swarm.size=1:3", "monte_carlo.runs=1:9"])
    assert [p.integer for p in params] == [True, True, True]  # as written
    typed = typed_parameters(tiny_data(), params)
    assert [p.integer for p in typed] == [False, True, True]  # as the schema types the fields
    assert typed[0].grid_values(3) == (0.0, 0.5, 1.0)
