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
    "automation_bias",
    "effective_d_prime",
    "hostile_share",
    "human_criterion",
    "human_d_prime",
    "hurried_error",
    "misattribution_probability",
    "norm_cdf",
    "norm_ppf",
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


_PPF_A = (
    -3.969683028665376e01,
    2.209460984245205e02,
    -2.759285104469687e02,
    1.383577518672690e02,
    -3.066479806614716e01,
    2.506628277459239e00,
)
_PPF_B = (
    -5.447609879822406e01,
    1.615858368580409e02,
    -1.556989798598866e02,
    6.680131188771972e01,
    -1.328068155288572e01,
)
_PPF_C = (
    -7.784894002430293e-03,
    -3.223964580411365e-01,
    -2.400758277161838e00,
    -2.549732539343734e00,
    4.374664141464968e00,
    2.938163982698783e00,
)
_PPF_D = (7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e00, 3.754408661907416e00)
_SQRT_2PI = math.sqrt(2.0 * math.pi)


@njit(cache=True)
def norm_ppf(p):
    """Inverse of the standard normal CDF, Phi^-1(p), to double precision.

    Acklam's rational approximation (relative error 1.15e-9) refined by one Halley step on
    :func:`norm_cdf`, which brings it to machine precision; -inf at 0 and +inf at 1. For a subnormal p
    (below ~1e-308, where the step overflows) the approximation stands alone.

    Args:
        p: Probability in [0, 1].

    Returns:
        The standard normal quantile.
    """
    if p <= 0.0:
        return -math.inf
    if p >= 1.0:
        return math.inf
    a, b, c, d = _PPF_A, _PPF_B, _PPF_C, _PPF_D
    low = 0.02425
    if p < low:
        q = math.sqrt(-2.0 * math.log(p))
        x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / (
            (((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1.0
        )
    elif p <= 1.0 - low:
        q = p - 0.5
        r = q * q
        x = (
            (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5])
            * q
            / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1.0)
        )
    else:
        q = math.sqrt(-2.0 * math.log(1.0 - p))
        x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / (
            (((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1.0
        )
    # Halley's step on the tail that p's complement keeps exact (1 - p is exact for p >= 1/2)
    e = norm_cdf(x) - p if p <= 0.5 else (1.0 - p) - norm_cdf(-x)
    u = e * _SQRT_2PI * math.exp(0.5 * x * x)
    if not math.isfinite(u):  # p below ~1e-308 (subnormal): exp overflows, the approximation stands alone
        return x
    return x - u / (1.0 + 0.5 * x * u)


@njit(cache=True)
def hurried_error(unhurried, d_prime_full, hours, time_constant):
    """The error rate of a judgement made in ``hours`` by a judge whose unhurried error rate is ``unhurried``.

    The judge is an equal-variance observer whose sensitivity grows with time as the operator's does (§8):
    d'(t) = d'_full t / (t + tau). Its criterion is fixed (set by training, as an operator's); an error is
    evidence falling on the wrong side of it, so with z = Phi^-1(unhurried)

    ``error(t) = Phi(z + (d'_full / 2) tau / (t + tau))``

    which is ``unhurried`` with unlimited time and ``Phi(z + d'_full / 2)`` with none.

    Args:
        unhurried: Error rate with unlimited time, in [0, 1].
        d_prime_full: The judge's d' with unlimited time (noise SD).
        hours: Time the judge has, hours (0 or less: no time at all).
        time_constant: tau, hours (at t = tau the judge has half its full d').

    Returns:
        The error rate in [unhurried, 1].
    """
    if unhurried <= 0.0:
        return 0.0
    if unhurried >= 1.0:
        return 1.0
    t = hours
    if t < 0.0:
        t = 0.0
    lost = 0.5 * d_prime_full * time_constant / (t + time_constant)
    return norm_cdf(norm_ppf(unhurried) + lost)


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
def automation_bias(per_alert, most, load):
    """How far load lowers an operator's criterion: ``A(L) = A_max (1 - exp(-beta L / A_max))``.

    Linear at light load (slope beta per alert per operator) and saturating at A_max: complacency grows
    with workload (Parasuraman & Manzey 2010) but no load makes an operator approve without looking.

    Args:
        per_alert: beta, drop per alert in hand or waiting per operator at light load (noise SD).
        most: A_max, the most it can drop (noise SD).
        load: Alerts in hand or waiting per operator.

    Returns:
        The drop, in [0, A_max].
    """
    if load <= 0.0 or per_alert <= 0.0 or most <= 0.0:
        return 0.0
    return most * -math.expm1(-per_alert * load / most)


@njit(cache=True)
def human_criterion(d_prime, d_prime_full, posterior, bias, per_alert, most, load):
    """An operator's criterion: Bayes with the machine's call, a doctrine bias, and automation bias.

    ``lambda_h = d'/2 + bias + clamp(ln((1 - q) / q) / max(d'_full, HUMAN_MIN_D_PRIME), +-HUMAN_PRIOR_CAP)
    - A(load)``, where q = P(hostile | the machine flagged it) and A the saturating automation bias of
    :func:`automation_bias`. The third term is the
    Bayes-optimal shift of an equal-variance observer whose prior is q, set for the operator's full
    sensitivity (training sets the criterion; time pressure blunts the evidence, not the criterion).
    With no time at all the operator's evidence is noise and it approves at random, Phi(-lambda_h).

    Args:
        d_prime: The operator's d' under time pressure.
        d_prime_full: The operator's d' with unlimited time.
        posterior: q, P(hostile | flag) of the machine's call, in [0, 1].
        bias: Doctrine offset (noise SD); positive holds fire more.
        per_alert: Automation bias at light load: criterion drop per alert in hand or waiting per operator.
        most: The most automation bias can lower the criterion (noise SD).
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
    return 0.5 * d_prime + bias + shift - automation_bias(per_alert, most, load)


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


@njit(cache=True)
def effective_d_prime(d_prime, isr_dependence, isr_lost, isr_total, blind_spot_severity):
    """A classifier's d' in the crisis: blinded by lost ISR satellites and by the teacher's blind spots.

    ``d' x (1 - dependence x lost / total) x (1 - severity)``, the ISR factor 1 when the owner has no ISR
    satellites, the blind-spot factor applied only during an episode to a distilled student (pass 0
    otherwise).

    Args:
        d_prime: The asset's d' at crisis start.
        isr_dependence: Share of d' lost when every ISR satellite is lost.
        isr_lost: The owner's ISR satellites lost so far.
        isr_total: The owner's ISR satellites at crisis start.
        blind_spot_severity: Share of d' lost to a blind-spot episode (0 when none applies).

    Returns:
        The effective d'.
    """
    sight = 1.0
    if isr_total > 0:
        sight = 1.0 - isr_dependence * isr_lost / isr_total
    return d_prime * sight * (1.0 - blind_spot_severity)
