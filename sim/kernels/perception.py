"""Perception kernels: signal detection theory, rules-of-engagement threshold, operator catch, attribution.

A sensor/classifier with sensitivity ``d'`` and decision threshold ``lambda`` (in standard-deviation units
of the noise distribution) declares a contact hostile when its evidence exceeds ``lambda``. Hostile
contacts produce evidence ~ N(d', 1), benign ones ~ N(0, 1) (equal-variance Gaussian SDT).
"""

from __future__ import annotations

import math

from numba import njit

__all__ = [
    "catch_probability",
    "misattribution_probability",
    "norm_cdf",
    "p_detect",
    "p_false_alarm",
    "posterior_hostile",
    "roe_threshold",
]

_SQRT2 = math.sqrt(2.0)


@njit(cache=True)
def norm_cdf(x):
    """Standard normal CDF: ``0.5 * erfc(-x / sqrt(2))`` (accurate in both tails).

    Args:
        x: Point at which to evaluate.

    Returns:
        Phi(x) in [0, 1].
    """
    return 0.5 * math.erfc(-x / _SQRT2)


@njit(cache=True)
def p_detect(d_prime, lam):
    """Probability a hostile contact is classified hostile: ``Phi(d' - lambda)``.

    Args:
        d_prime: Sensitivity (separation of hostile and benign evidence means, in noise SDs).
        lam: Decision threshold (noise SDs).

    Returns:
        Hit probability in [0, 1].
    """
    return norm_cdf(d_prime - lam)


@njit(cache=True)
def p_false_alarm(lam):
    """Probability a benign contact is classified hostile: ``Phi(-lambda)``.

    Args:
        lam: Decision threshold (noise SDs).

    Returns:
        False-alarm probability in [0, 1].
    """
    return norm_cdf(-lam)


@njit(cache=True)
def posterior_hostile(prior, d_prime, lam):
    """Bayes: P(hostile | classified hostile) = prior Pd / (prior Pd + (1 - prior) Pfa).

    Args:
        prior: Base rate of hostile contacts, in [0, 1].
        d_prime: Sensitivity.
        lam: Decision threshold.

    Returns:
        Posterior probability in [0, 1]; 0 when the denominator is 0.
    """
    hit = prior * p_detect(d_prime, lam)
    denom = hit + (1.0 - prior) * p_false_alarm(lam)
    if denom <= 0.0:
        return 0.0
    return hit / denom


@njit(cache=True)
def roe_threshold(base_lambda, rung, shift_per_rung, extra_shift):
    """Decision threshold under rules of engagement: ``base_lambda - shift_per_rung * rung + extra_shift``.

    Args:
        base_lambda: Peacetime threshold (noise SDs).
        rung: Current crisis rung (0-7); higher rungs loosen the threshold.
        shift_per_rung: Threshold reduction per rung (noise SDs per rung).
        extra_shift: Additional shift (posture, policy), positive = more conservative.

    Returns:
        The threshold lambda.
    """
    return base_lambda - shift_per_rung * rung + extra_shift


@njit(cache=True)
def catch_probability(base, bias_per_alert, alerts_per_operator):
    """Chance a human operator catches a machine error, eroded by automation bias under load.

    ``base / (1 + bias_per_alert * max(0, alerts_per_operator))``.

    Args:
        base: Catch probability of an unloaded operator, in [0, 1].
        bias_per_alert: Automation-bias growth per pending alert per operator (>= 0).
        alerts_per_operator: Current alert load (alerts per operator).

    Returns:
        Catch probability in [0, base].
    """
    load = alerts_per_operator
    if load < 0.0:
        load = 0.0
    return base / (1.0 + bias_per_alert * load)


@njit(cache=True)
def misattribution_probability(base, per_proliferation, proliferation_level, attacker_is_recipient):
    """Chance an attack is attributed to the wrong actor.

    ``min(1, base + per_proliferation * proliferation_level)`` when the attacker received proliferated
    (look-alike) systems, else ``min(1, base)``.

    Args:
        base: Baseline misattribution probability.
        per_proliferation: Increase per unit proliferation level.
        proliferation_level: Proliferation level of the attacker's systems (>= 0).
        attacker_is_recipient: Whether the attacker fields proliferated systems.

    Returns:
        Probability, at most 1.
    """
    p = base
    if attacker_is_recipient:
        p = base + per_proliferation * proliferation_level
    if p > 1.0:
        p = 1.0
    return p
