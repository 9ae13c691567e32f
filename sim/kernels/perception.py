"""Perception kernels: signal detection theory, rules-of-engagement threshold, operators as classifiers, attribution.

A sensor/classifier with sensitivity ``d'`` and decision threshold ``lambda`` (in standard-deviation units
of the noise distribution) declares a contact hostile when its evidence exceeds ``lambda``. Hostile
contacts produce evidence ~ N(d', 1), benign ones ~ N(0, 1) (equal-variance Gaussian SDT).
"""

from __future__ import annotations

import math

from numba import njit

__all__ = [
    "HUMAN_MIN_D_PRIME",
    "HUMAN_PRIOR_CAP",
    "hostile_share",
    "human_criterion",
    "human_d_prime",
    "misattribution_probability",
    "norm_cdf",
    "p_detect",
    "p_false_alarm",
    "p_human_approves",
    "posterior_hostile",
    "roe_threshold",
]

_SQRT2 = math.sqrt(2.0)

HUMAN_MIN_D_PRIME = 0.05
"""Below this d' an operator's own evidence is taken as this small (the prior term stays finite)."""
HUMAN_PRIOR_CAP = 3.0
"""The prior's shift of an operator's criterion is capped at this many noise SDs either way."""


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


@njit(cache=True)
def hostile_share(base, per_rung, posture):
    """Share of contacts that are truly hostile: ``min(1, base + per_rung * posture)``.

    Args:
        base: Hostile share when the other side's posture toward the target is rung 0.
        per_rung: Added share per rung of that posture.
        posture: The other side's posture (rung) toward the contact's target.

    Returns:
        Probability in [0, 1].
    """
    p = base + per_rung * posture
    if p > 1.0:
        p = 1.0
    return p


@njit(cache=True)
def human_d_prime(d_prime_full, seconds, time_constant):
    """An operator's sensitivity under time pressure: ``d'_full * t / (t + tau)``.

    Args:
        d_prime_full: The operator's d' with unlimited time.
        seconds: Time the operator has to judge, seconds.
        time_constant: tau, seconds (at t = tau the operator has half its full d').

    Returns:
        The operator's d' (0 with no time).
    """
    if seconds <= 0.0:
        return 0.0
    return d_prime_full * seconds / (seconds + time_constant)


@njit(cache=True)
def human_criterion(d_prime, d_prime_full, posterior, bias, automation_bias, load):
    """An operator's criterion: Bayes with the machine's call, a doctrine bias, and automation bias.

    ``lambda_h = d'/2 + bias + clamp(ln((1 - q) / q) / max(d'_full, HUMAN_MIN_D_PRIME), +-HUMAN_PRIOR_CAP)
    - automation_bias * load``, where q = P(hostile | the machine flagged it). The third term is the
    Bayes-optimal shift of an equal-variance observer whose prior is q, set for the operator's full
    sensitivity (training sets the criterion; time pressure blunts the evidence, not the criterion).
    With no time at all the operator's evidence is noise and it approves at random, Phi(-lambda_h).

    Args:
        d_prime: The operator's d' under time pressure.
        d_prime_full: The operator's d' with unlimited time.
        posterior: q, P(hostile | flag) of the machine's call, in [0, 1].
        bias: Doctrine offset (noise SD); positive holds fire more.
        automation_bias: Criterion drop per alert in hand or waiting per operator (noise SD).
        load: Alerts in hand or waiting per operator.

    Returns:
        The criterion: the operator approves an engagement when its evidence exceeds it.
    """
    q = posterior
    if q < 1e-12:
        q = 1e-12
    if q > 1.0 - 1e-12:
        q = 1.0 - 1e-12
    d = d_prime_full
    if d < HUMAN_MIN_D_PRIME:
        d = HUMAN_MIN_D_PRIME
    shift = math.log((1.0 - q) / q) / d
    if shift > HUMAN_PRIOR_CAP:
        shift = HUMAN_PRIOR_CAP
    if shift < -HUMAN_PRIOR_CAP:
        shift = -HUMAN_PRIOR_CAP
    if load < 0.0:
        load = 0.0
    return 0.5 * d_prime + bias + shift - automation_bias * load


@njit(cache=True)
def p_human_approves(hostile, d_prime, criterion):
    """Probability an operator approves: its evidence N(d' [hostile], 1) exceeds its criterion.

    Args:
        hostile: Whether the contact is truly hostile.
        d_prime: The operator's d'.
        criterion: The operator's criterion (:func:`human_criterion`).

    Returns:
        ``Phi(d' - criterion)`` for a hostile contact, ``Phi(-criterion)`` for a benign one.
    """
    if hostile:
        return norm_cdf(d_prime - criterion)
    return norm_cdf(-criterion)
