"""Morris screening: the design and SALib's measures checked by hand, then on the model and the CLI."""

from __future__ import annotations

import json

import numpy as np
import pytest
from experiment_scenarios import CAPABILITY, RATE, tiny, write_tiny

from sim.cli import main
from sim.experiments.designs import Parameter
from sim.experiments.morris import (
    DELTA,
    LEVELS,
    analyse_morris_sweep,
    morris_analysis,
    morris_design,
    morris_screening,
    morris_unit,
)
from sim.experiments.sweep import read_sweep


def _by_hand(unit: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Elementary effects walked trajectory by trajectory: (μ*, μ, σ) per parameter."""
    d = unit.shape[1]
    effects: list[list[float]] = [[] for _ in range(d)]
    for start in range(0, unit.shape[0], d + 1):
        for i in range(start, start + d):
            step = unit[i + 1] - unit[i]
            (j,) = np.nonzero(step)[0]  # one parameter moves at a time
            assert abs(step[j]) == pytest.approx(DELTA)
            effects[j].append((y[i + 1] - y[i]) / step[j])
    ee = np.array(effects)
    return np.abs(ee).mean(axis=1), ee.mean(axis=1), ee.std(axis=1, ddof=1)


def test_morris_measures_equal_elementary_effects_computed_by_hand():
    unit = morris_unit(4, 12, seed=9)
    assert unit.shape == (12 * 5, 4) and set(np.unique(unit)) == {0.0, 1 / 3, 2 / 3, 1.0}
    y = 3.0 * unit[:, 0] - 2.0 * unit[:, 1] + unit[:, 2] * unit[:, 3]  # x4 only through an interaction
    result = morris_analysis(unit, {"y": y}, ["a", "b", "c", "d"], seed=1)
    mu_star, mu, sigma = _by_hand(unit, y)
    np.testing.assert_allclose(result.mu_star[0], mu_star, atol=1e-12)
    np.testing.assert_allclose(result.mu[0], mu, atol=1e-12)
    np.testing.assert_allclose(result.sigma[0], sigma, atol=1e-12)
    assert result.mu_star[0, 0] == pytest.approx(3.0) and result.mu[0, 1] == pytest.approx(-2.0)
    assert result.sigma[0, 0] == pytest.approx(0.0, abs=1e-12) and result.sigma[0, 3] > 0  # interaction
    assert np.array_equal(morris_unit(4, 12, seed=9), unit)  # seeded: the same design again


def test_levels_map_to_values_of_every_kind_of_parameter():
    params = [
        Parameter(("a",), low=0.2, high=0.8),
        Parameter(("n",), low=0, high=9, integer=True),
        Parameter(("k",), values=("in_the_loop", "on_the_loop", "out_of_the_loop")),
    ]
    design = morris_design(params, 6, seed=4)
    assert design.kind == "morris" and len(design) == 6 * 4
    assert {p[0] for p in design.points} <= {0.2, 0.4, 0.6, 0.8}
    assert {p[1] for p in design.points} <= {0, 3, 6, 9}
    assert {p[2] for p in design.points} <= {"in_the_loop", "on_the_loop", "out_of_the_loop"}
    assert LEVELS == 4


def test_model_screening_ranks_the_encounter_rate_first_and_reports_the_noise_floor(tmp_path):
    out = tmp_path / "morris.parquet"
    params = [f"{RATE}=0.5:9", f"{CAPABILITY}=0.6:0.9", "policy.hotline.enabled=true,false"]
    result = morris_screening(tiny(), params, trajectories=6, runs=30, seed=3, out=out)
    assert result.sweep is not None and len(result.sweep.points) == 6 * 4
    m = result.metrics.index("p_ge_3")
    assert int(np.argmax(result.mu_star[m])) == result.parameters.index(RATE)
    assert 0 < result.noise_floor[m] < result.mu_star[m].max()  # the rate stands out of the noise
    points, meta = read_sweep(out)  # saved, then analysed again from the file: same numbers
    again = analyse_morris_sweep(points, meta, seed=3)
    np.testing.assert_array_equal(again.mu_star, result.mu_star)
    assert result.frame().shape == (2 * 3, 7)
    with pytest.raises(ValueError, match="morris"):
        analyse_morris_sweep(points, {"design": {"kind": "saltelli"}})


def test_cli_sensitivity_method_morris(tmp_path, capsys):
    scenario = write_tiny(tmp_path)
    args = ["sensitivity", str(scenario), "--method", "morris", "--param", f"{RATE}=0.5:9"]
    args += ["--param", f"{CAPABILITY}=0.6:0.9", "--n", "4", "--runs", "20", "--seed", "2"]
    assert main(args) == 0
    text = capsys.readouterr().out
    assert "Morris screening (4 trajectories" in text and "noise floor of μ*" in text and RATE in text
    assert main([*args, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["method"] == "morris" and data["trajectories"] == 4
    assert data["provenance"]["design"]["kind"] == "morris"
