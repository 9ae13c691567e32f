"""Score intervals for differences of probabilities (sim.experiments.paired_proportions).

Checked three ways: against published worked examples, against an independent computation (the
constrained maximum likelihood found numerically and the bounds by a root finder, not the closed form
and the bisection of the product code), and by coverage: the paired 95% interval must cover the true
difference at least 93% of the time when discordant pairs are rare and (nearly) all one way — the
case where the t interval on per-pair differences failed (issue 14).
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import optimize, special
from statsmodels.stats.proportion import confint_proportions_2indep

from sim.experiments.paired_proportions import (
    CONTINUITY,
    newcombe_interval,
    paired_proportion_difference,
    tango_interval,
    tango_statistic,
)
from sim.experiments.stats import normal_quantile

Z95 = normal_quantile(0.95)

# --------------------------------------------------------------------------------------------------
# published worked examples
# --------------------------------------------------------------------------------------------------


def test_tango_matches_the_published_cavo_example():
    """Cavo et al. (2012): complete response before/after consolidation, 59/6/16/80 (N = 161).

    Fagerland, Lydersen & Laake, *Statistical Analysis of Contingency Tables* (2017), ch. 8: Tango
    asymptotic score interval −0.0621 (−0.1240 to −0.0054).
    """
    lo, hi = tango_interval(6, 16, 161, correction=0.0)
    assert (round(lo, 4), round(hi, 4)) == (-0.1240, -0.0054)
    before = [1] * 59 + [1] * 6 + [0] * 16 + [0] * 80
    after = [1] * 59 + [0] * 6 + [1] * 16 + [0] * 80
    result = paired_proportion_difference(before, after)
    assert round(result.diff, 4) == -0.0621 and (result.a_only, result.b_only) == (6, 16)


@pytest.mark.parametrize(
    ("counts", "published"),
    [((56, 70, 48, 80), (0.0524, 0.3339)), ((9, 10, 3, 10), (0.1705, 0.8090))],
)
def test_newcombe_matches_the_published_examples(counts, published):
    """Newcombe (1998), Statistics in Medicine 17:873, Table II, method 10."""
    lo, hi = newcombe_interval(*counts)
    assert (round(lo, 4), round(hi, 4)) == published


def test_newcombe_matches_statsmodels():
    rng = np.random.default_rng(98)
    n1, n2 = rng.integers(1, 400, 50), rng.integers(1, 400, 50)
    x1, x2 = rng.integers(0, n1 + 1), rng.integers(0, n2 + 1)
    lo, hi = newcombe_interval(x1, n1, x2, n2)
    for i in range(50):
        ref = confint_proportions_2indep(x1[i], n1[i], x2[i], n2[i], method="newcomb", compare="diff")
        assert (lo[i], hi[i]) == pytest.approx(ref, abs=1e-12)


# --------------------------------------------------------------------------------------------------
# an independent computation of Tango's interval
# --------------------------------------------------------------------------------------------------


def _tango_reference(b: int, c: int, n: int, correction: float) -> tuple[float, float]:
    """Invert the score test with the constrained MLE found by a bounded optimiser and brentq."""

    def p21_mle(delta: float) -> float:
        lo, hi = max(0.0, -delta), (1.0 - delta) / 2.0
        if hi - lo < 1e-15:
            return lo

        def nll(p21: float) -> float:
            cells = np.array([p21 + delta, p21, 1.0 - 2.0 * p21 - delta])
            counts = np.array([b, c, n - b - c], dtype=float)
            return -float(np.sum(special.xlogy(counts, np.clip(cells, 1e-300, None))))

        res = optimize.minimize_scalar(nll, bounds=(lo, hi), method="bounded", options={"xatol": 1e-14})
        return float(res.x)

    def score(delta: float) -> float:
        excess = b - c - n * delta
        excess = np.sign(excess) * max(abs(excess) - correction, 0.0)
        return excess / np.sqrt(n * (2.0 * p21_mle(delta) + delta * (1.0 - delta)))

    est = (b - c) / n
    lower = -1.0 if b - c == -n else optimize.brentq(lambda d: score(d) - Z95, -1 + 1e-12, est, xtol=1e-13)
    upper = 1.0 if b - c == n else optimize.brentq(lambda d: score(d) + Z95, est, 1 - 1e-12, xtol=1e-13)
    return lower, upper


@pytest.mark.parametrize("correction", [0.0, CONTINUITY])
@pytest.mark.parametrize(("b", "c", "n"), [(0, 0, 200), (6, 0, 1000), (1, 0, 50), (40, 20, 160), (3, 9, 30), (7, 2, 9)])
def test_tango_matches_an_independent_inversion_of_the_score_test(b, c, n, correction):
    lo, hi = tango_interval(b, c, n, correction=correction)
    ref = _tango_reference(b, c, n, correction)
    assert (lo, hi) == pytest.approx(ref, abs=2e-6)


def test_tango_edges_and_vectorisation():
    lo, hi = tango_interval(0, 0, 400, correction=0.0)
    assert hi == pytest.approx(Z95**2 / (400 + Z95**2), rel=1e-12) and lo == pytest.approx(-hi, rel=1e-12)
    assert tango_interval(0, 0, 400)[1] > hi > 0  # the correction widens it
    assert tango_interval(30, 0, 30)[1] == 1.0 and tango_interval(0, 30, 30)[0] == -1.0
    b, c = np.array([0, 6, 40, 3]), np.array([0, 0, 20, 9])
    lo_v, hi_v = tango_interval(b, c, 200)
    for i in range(b.size):
        assert (lo_v[i], hi_v[i]) == tango_interval(int(b[i]), int(c[i]), 200)
    assert np.all(tango_statistic(lo_v, b, c, 200, CONTINUITY) == pytest.approx(Z95, abs=1e-9))
    with pytest.raises(ValueError):
        tango_interval(5, 6, 10)
    with pytest.raises(ValueError):
        tango_interval(1, 0, 10, correction=-0.5)


def test_paired_proportion_difference_reports_discordance_and_rejects_non_binary():
    a = np.r_[np.ones(6), np.zeros(994)]
    d = paired_proportion_difference(a, np.zeros(1000))
    assert (d.a_only, d.b_only, d.method) == (6, 0, "tango")
    assert d.diff == pytest.approx(0.006) and 0 < d.lo < 0.006 < d.hi
    assert d.to_dict()["a_only"] == 6 and d.to_dict()["method"] == "tango"
    same = paired_proportion_difference(a, a)
    assert same.diff == 0.0 and same.lo < 0.0 < same.hi  # no discordant pair: still a real interval
    with pytest.raises(ValueError):
        paired_proportion_difference([0.5, 1.0], [0.0, 1.0])


# --------------------------------------------------------------------------------------------------
# coverage when discordance is rare and one-sided
# --------------------------------------------------------------------------------------------------

REPETITIONS = 4000
# (pairs, expected "A only" pairs, expected "B only" pairs): the cases (6 of 1,000 all one
# way; about 1.2 in 200) and a grid of small discordance counts, one-sided or nearly so.
CASES = [(1000, 6.0, 0.0), (200, 1.2, 0.0)] + [
    (n, lam_a, lam_b) for n in (200, 1000) for lam_a in (0.5, 1, 2, 3, 4, 5, 6, 8, 12, 20) for lam_b in (0.0, 0.5, 1.0)
]


def _discordant_counts(rng: np.random.Generator, n: int, lam_a: float, lam_b: float) -> tuple[np.ndarray, np.ndarray]:
    both = 0.3  # the concordant cells do not enter either interval's coverage of the difference
    counts = rng.multinomial(n, [both, lam_a / n, lam_b / n, 1.0 - both - (lam_a + lam_b) / n], size=REPETITIONS)
    return counts[:, 1], counts[:, 2]


def _t_interval(b: np.ndarray, c: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """The paired t interval on per-pair differences (+1 b times, −1 c times, 0 otherwise)."""
    diff = (b - c) / n
    ss = b * (1 - diff) ** 2 + c * (1 + diff) ** 2 + (n - b - c) * diff**2
    half = special.stdtrit(n - 1, 0.975) * np.sqrt(ss / (n - 1) / n)
    return diff - half, diff + half


def _coverage(lo: np.ndarray, hi: np.ndarray, truth: float) -> float:
    return float(np.mean((lo <= truth + 1e-12) & (truth - 1e-12 <= hi)))


def test_paired_intervals_cover_the_truth_when_discordance_is_rare_and_one_sided():
    rng = np.random.default_rng(14)
    tango, t_worst = {}, 1.0
    for n, lam_a, lam_b in CASES:
        b, c = _discordant_counts(rng, n, lam_a, lam_b)
        truth = (lam_a - lam_b) / n
        keys, back = np.unique(b * (n + 1) + c, return_inverse=True)  # one interval per distinct table
        lo, hi = tango_interval(keys // (n + 1), keys % (n + 1), n)
        tango[(n, lam_a, lam_b)] = _coverage(lo[back], hi[back], truth)
        t_worst = min(t_worst, _coverage(*_t_interval(b, c, n), truth))
    worst = min(tango, key=tango.get)
    assert tango[worst] >= 0.93, (worst, tango[worst])
    assert tango[(200, 1.2, 0.0)] >= 0.93 and tango[(1000, 6.0, 0.0)] >= 0.93
    assert t_worst < 0.70  # the t interval this replaces fails the same test


def test_the_correction_is_what_lifts_coverage_at_four_to_six_discordant_pairs():
    """Without the continuity correction Tango's interval falls below nominal at these counts."""
    rng = np.random.default_rng(1998)
    plain, corrected = [], []
    for lam in (4.0, 5.75, 11.5):
        b, c = _discordant_counts(rng, 200, lam, 0.0)
        plain.append(_coverage(*tango_interval(b, c, 200, correction=0.0), lam / 200))
        corrected.append(_coverage(*tango_interval(b, c, 200), lam / 200))
    assert min(corrected) >= 0.94 and min(plain) < min(corrected)
