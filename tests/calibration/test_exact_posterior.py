"""The ABC-SMC sampler (sim/calibration/abc.py) against posteriors known exactly.

The sampler's steps are run with a statistic whose ABC posterior can be written down, instead of the model's
simulations: what is tested is the algorithm (tolerances, resampling, MCMC moves), which must end with the
prior restricted to the statistics within the final tolerance of the observed values.

* Deterministic statistics s = θ (two parameters, uniform priors on [0, 1]): the posterior at tolerance ε is
  the uniform distribution on the disc of radius ε·SD around the observed values, so the squared radius over
  (ε·SD)² and the angle of the particles are uniform.
* A noisy statistic s = θ + N(0, σ²) (one parameter, log-uniform prior): the posterior's density is
  π(θ) · P(|θ + e − o| ≤ ε·SD), its cumulative distribution computed by quadrature.
"""

from __future__ import annotations

import hashlib
import json
import math
from pathlib import Path

import numpy as np
import pytest
from calibration_problem import duel_document
from scipy import integrate, stats

from sim.calibration.abc import Settings, _Sampler, to_values
from sim.calibration.targets import load_targets

DISC = """\
scenario: duel.yaml
seed: 11
simulations:
  crisis: {scenario: duel.yaml, runs: 10}
parameters:
  - {path: parameters.response.spiral_gain, prior: {kind: uniform, low: 0.0, high: 1.0}}
  - {path: parameters.ending.level_decay, prior: {kind: uniform, low: 0.0, high: 1.0}}
targets:
  - {name: a, simulation: crisis, statistic: crisis_rung_at_most_2, observed: 0.5, sd: 0.1, source: exact}
  - {name: b, simulation: crisis, statistic: crisis_rung_at_least_4, observed: 0.4, sd: 0.1, source: exact}
"""

NOISY = """\
scenario: duel.yaml
seed: 12
simulations:
  crisis: {scenario: duel.yaml, runs: 10}
parameters:
  - {path: parameters.ending.end_per_day, prior: {kind: log_uniform, low: 0.01, high: 1.0}}
targets:
  - {name: a, simulation: crisis, statistic: crisis_rung_at_most_2, observed: 0.3, sd: 0.05, source: exact}
"""

NOISE_SD = 0.05
"""σ of the noisy statistic."""


def _targets(tmp_path: Path, text: str):
    (tmp_path / "duel.yaml").write_text(json.dumps(duel_document()), encoding="utf-8")
    path = tmp_path / "targets.yaml"
    path.write_text(text, encoding="utf-8")
    return load_targets(path)


def _run_to(targets, run, population: int, min_epsilon: float, generations: int = 30) -> tuple[np.ndarray, float]:
    """Run the sampler's generations until the tolerance reaches ``min_epsilon``; the last particles (values)."""
    sampler = _Sampler(targets, {}, run, population, Settings(population=population))
    z, d, generation = sampler.first()
    for t in range(1, generations):
        z, d, generation = sampler.next(t, z, d, min_epsilon)
        assert generation.ess >= population / 2  # half the particles alive at every generation
        if generation.epsilon <= min_epsilon:
            break
    assert generation.epsilon == min_epsilon, "the tolerance should reach min_epsilon"
    assert generation.distinct >= 0.8 * population, "the moves should spread the resampled particles"
    assert np.all(d <= min_epsilon)
    return to_values(targets, z), generation.epsilon


def test_deterministic_statistics_end_uniform_on_the_disc_of_the_tolerance(tmp_path):
    targets = _targets(tmp_path, DISC)

    def run(values: np.ndarray) -> list[dict[str, float]]:
        return [{"a": float(v[0]), "b": float(v[1])} for v in values]

    theta, epsilon = _run_to(targets, run, population=600, min_epsilon=1.5)
    radius = epsilon * 0.1
    dx, dy = theta[:, 0] - 0.5, theta[:, 1] - 0.4
    squared = (dx**2 + dy**2) / radius**2
    angle = (np.arctan2(dy, dx) + math.pi) / (2 * math.pi)
    assert stats.kstest(squared, "uniform").pvalue > 0.01
    assert stats.kstest(angle, "uniform").pvalue > 0.01
    # a marginal of the uniform disc: variance R²/4
    assert np.var(dx) == pytest.approx(radius**2 / 4, rel=0.15)


def _noisy_run(values: np.ndarray) -> list[dict[str, float]]:
    """s = θ + N(0, σ²), the noise seeded by the value (as the model's evaluations are)."""
    out = []
    for v in values:
        seed = int.from_bytes(hashlib.sha256(np.float64(v[0]).tobytes()).digest()[:8], "little")
        out.append({"a": float(v[0] + np.random.default_rng(seed).normal(0.0, NOISE_SD))})
    return out


def _exact_cdf(low: float, high: float, observed: float, half_width: float):
    """CDF of the ABC posterior π(θ) P(|θ + e − o| ≤ h), π log-uniform on [low, high], e ~ N(0, σ²)."""

    def density(theta: float) -> float:
        accept = stats.norm.cdf((observed + half_width - theta) / NOISE_SD) - stats.norm.cdf(
            (observed - half_width - theta) / NOISE_SD
        )
        return accept / theta  # log-uniform prior density ∝ 1/θ

    total = integrate.quad(density, low, high, limit=200, points=[observed])[0]

    def cdf(x):
        return np.array([integrate.quad(density, low, v, limit=200, points=[observed])[0] / total for v in x])

    return cdf


def test_a_noisy_statistic_ends_at_its_exact_abc_posterior(tmp_path):
    targets = _targets(tmp_path, NOISY)
    theta, epsilon = _run_to(targets, _noisy_run, population=600, min_epsilon=1.0)
    cdf = _exact_cdf(0.01, 1.0, 0.3, epsilon * 0.05)
    assert stats.kstest(theta[:, 0], cdf).pvalue > 0.01
    # the noise widens the posterior beyond the tolerance's window: it is not the noise-free answer
    assert np.std(theta[:, 0]) > 0.05 / math.sqrt(3) * 1.2
