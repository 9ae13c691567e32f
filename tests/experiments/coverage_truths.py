"""Known truths for the coverage of ``--posterior`` intervals (the test and benchmarks/posterior_coverage.py).

A synthetic posterior of K parameter sets, each with a known probability q_k of the event (drawn once from
a known Beta distribution). A replication is what ``--posterior`` does with N runs: run r uses the set
:meth:`~sim.experiments.posterior.Posterior.draws_of_runs` picks (the real assignment, 20 runs to a set) and
its dice are Bernoulli(q_set); the interval of the summaries (:func:`~sim.experiments.parameter_spread.widen`
with the Wilson interval, as :mod:`sim.experiments.summary_spread` builds it) should cover q of a set drawn
from the same posterior, q(θ*), 95% of the time.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.experiments.parameter_spread import widen
from sim.experiments.posterior import Posterior
from sim.experiments.stats import wilson_interval

K = 1000
"""Parameter sets in the synthetic posterior (as in the shipped one)."""


@dataclass(frozen=True)
class Truth:
    """A distribution of the event's probability over the parameter sets: Beta with this mean and SD (SD 0: none)."""

    name: str
    mean: float
    sd: float

    def probabilities(self, rng: np.random.Generator) -> np.ndarray:
        """q_k for the K sets."""
        if self.sd == 0:
            return np.full(K, self.mean)
        concentration = self.mean * (1 - self.mean) / self.sd**2 - 1
        return rng.beta(self.mean * concentration, (1 - self.mean) * concentration, K)


TRUTHS = (
    Truth("P(>=3)-like: 0.36, SD 0.06 between sets", 0.36, 0.06),
    Truth("P(>=5)-like: 0.05, SD 0.038 between sets", 0.05, 0.038),
    Truth("narrow spread: 0.36, SD 0.02", 0.36, 0.02),
    Truth("no spread: 0.3 for every set", 0.30, 0.0),
    Truth("rare: 0.005, SD 0.006", 0.005, 0.006),
)
"""The cases: the first two are the spreads the issue measured on the shipped posterior (P(≥3) 0.23–0.48 and
P(≥5) 0.007–0.141 across 30 draws)."""


def coverage(truth: Truth, runs: int, replications: int, seed: int) -> tuple[float, float, float]:
    """Share of replications whose interval covers q(θ*), the mean width, and the mean dice-only width.

    Every replication has its own posterior seed (so its own assignment of sets to groups), its own dice and
    its own θ*; everything is drawn from ``seed``.
    """
    rng = np.random.default_rng(seed)
    q = truth.probabilities(rng)
    posterior = Posterior(("x",), np.arange(K, dtype=float)[:, None])
    covered, width, dice_width = 0, 0.0, 0.0
    for _ in range(replications):
        draws = posterior.draws_of_runs(int(rng.integers(2**62)), range(runs))
        y = (rng.random(runs) < q[draws]).astype(float)
        dice = wilson_interval(int(y.sum()), runs)
        lo, hi, _ = widen(y, draws, dice, (0.0, 1.0))
        star = q[rng.integers(K)]
        covered += lo <= star <= hi
        width += hi - lo
        dice_width += dice[1] - dice[0]
    return covered / replications, width / replications, dice_width / replications


def paired_coverage(base: Truth, effect_sd: float, runs: int, replications: int, seed: int) -> tuple[float, float]:
    """Coverage and mean width for a paired difference under common random numbers.

    Set k has a baseline probability q_k (from ``base``) and an arm probability q_k + e_k, where the effect
    e_k ~ N(−0.05, effect_sd²) differs from set to set; run r of both arms uses the same set and the same
    uniform (common random numbers), as a comparison does. The interval of the difference
    (:func:`~sim.experiments.summary_spread.difference_with_spread` on Tango's interval) should cover the
    effect of a set drawn from the posterior, e(θ*).
    """
    from sim.experiments.paired_proportions import paired_proportion_difference
    from sim.experiments.summary_spread import difference_with_spread

    rng = np.random.default_rng(seed)
    q = base.probabilities(rng)
    arm = np.clip(q + rng.normal(-0.05, effect_sd, K), 0.0, 1.0)
    effect = arm - q
    posterior = Posterior(("x",), np.arange(K, dtype=float)[:, None])
    covered, width = 0, 0.0
    for _ in range(replications):
        draws = posterior.draws_of_runs(int(rng.integers(2**62)), range(runs))
        u = rng.random(runs)
        y_arm, y_base = (u < arm[draws]).astype(float), (u < q[draws]).astype(float)
        d = difference_with_spread(paired_proportion_difference(y_arm, y_base), y_arm, y_base, draws, True)
        covered += d.lo <= effect[rng.integers(K)] <= d.hi
        width += d.hi - d.lo
    return covered / replications, width / replications
