"""Response kernels: doctrine-driven response rung, escalation/de-escalation hazards, severity score.

Rungs: 0 competition, 1 gray-zone pressure, 2 show of force, 3 limited kinetic incident, 4 theater
conventional strikes, 5 strategic non-nuclear, 6 nuclear signaling, 7 nuclear use.
"""

from __future__ import annotations

import math

from numba import njit

__all__ = [
    "DOCTRINE_ESCALATE_TO_DOMINATE",
    "DOCTRINE_PROPORTIONAL",
    "DOCTRINE_RESTRAINED",
    "MAX_RUNG",
    "de_escalation_hazard_per_day",
    "escalation_hazard_per_day",
    "hazard_probability",
    "response_rung",
    "severity_of_step",
    "severity_weight",
]

DOCTRINE_RESTRAINED = 0
DOCTRINE_PROPORTIONAL = 1
DOCTRINE_ESCALATE_TO_DOMINATE = 2

MAX_RUNG = 7


@njit(cache=True)
def response_rung(provocation_rung, current_rung, doctrine, resolve, risk_tolerance, u):
    """Rung an actor responds at after a perceived provocation (assumption-based doctrine table).

    With ``a = risk_tolerance * resolve``:

    ================  ===============================================
    doctrine          target rung
    ================  ===============================================
    restrained        ``provocation`` if ``u < a`` else ``provocation - 1``
    proportional      ``provocation + 1`` if ``u < a / 2`` else ``provocation``
    escalate (dom.)   ``provocation + 2`` if ``u < a / 2`` else ``provocation + 1``
    ================  ===============================================

    Result: ``clamp(max(current_rung, target), 0, 7)`` (responses never lower the actor's own rung).

    Args:
        provocation_rung: Rung of the perceived provocation.
        current_rung: Actor's current rung.
        doctrine: ``DOCTRINE_RESTRAINED`` (0), ``DOCTRINE_PROPORTIONAL`` (1) or
            ``DOCTRINE_ESCALATE_TO_DOMINATE`` (2).
        resolve: Actor resolve in [0, 1].
        risk_tolerance: Actor risk tolerance in [0, 1].
        u: Uniform in [0, 1).

    Returns:
        The response rung, an int in [0, 7].

    Raises:
        ValueError: For an unknown doctrine code.
    """
    a = risk_tolerance * resolve
    if doctrine == DOCTRINE_RESTRAINED:
        target = provocation_rung if u < a else provocation_rung - 1
    elif doctrine == DOCTRINE_PROPORTIONAL:
        target = provocation_rung + 1 if u < a * 0.5 else provocation_rung
    elif doctrine == DOCTRINE_ESCALATE_TO_DOMINATE:
        target = provocation_rung + 2 if u < a * 0.5 else provocation_rung + 1
    else:
        raise ValueError("unknown doctrine code")
    r = max(current_rung, target)
    if r < 0:
        r = 0
    if r > MAX_RUNG:
        r = MAX_RUNG
    return r


@njit(cache=True)
def escalation_hazard_per_day(base, resolve, own_rung, max_adversary_rung, spiral_gain):
    """Deliberate escalation hazard (per day), with a Jervis spiral term.

    ``base * (0.5 + resolve) * (1 + spiral_gain * max(0, max_adversary_rung - own_rung))``; 0 at rung 7.

    Args:
        base: Base hazard (per day).
        resolve: Actor resolve in [0, 1].
        own_rung: Actor's rung.
        max_adversary_rung: Highest rung among the actor's adversaries.
        spiral_gain: Relative increase per rung the actor is behind.

    Returns:
        Hazard rate per day.
    """
    if own_rung >= MAX_RUNG:
        return 0.0
    gap = max_adversary_rung - own_rung
    if gap < 0:
        gap = 0
    return base * (0.5 + resolve) * (1.0 + spiral_gain * gap)


@njit(cache=True)
def de_escalation_hazard_per_day(base, resolve, own_rung, max_adversary_rung, hotline_bonus):
    """Deliberate de-escalation hazard (per day).

    ``base * (1.5 - resolve) * (1 + hotline_bonus)`` when ``own_rung >= max_adversary_rung`` (the actor is
    not below any adversary) and ``own_rung > 0``; otherwise 0.

    Args:
        base: Base hazard (per day).
        resolve: Actor resolve in [0, 1] (values above 1.5 would give a negative rate).
        own_rung: Actor's rung.
        max_adversary_rung: Highest rung among the actor's adversaries.
        hotline_bonus: Relative increase when a hotline is available (0 if none).

    Returns:
        Hazard rate per day.
    """
    if own_rung >= max_adversary_rung and own_rung > 0:
        return base * (1.5 - resolve) * (1.0 + hotline_bonus)
    return 0.0


@njit(cache=True)
def hazard_probability(rate_per_day, dt_hours):
    """Probability a constant hazard fires within a step: ``1 - exp(-rate * dt / 24)`` (via ``-expm1``).

    Args:
        rate_per_day: Hazard rate (per day).
        dt_hours: Step length (hours).

    Returns:
        Probability in [0, 1) for non-negative inputs.
    """
    return -math.expm1(-rate_per_day * dt_hours / 24.0)


@njit(cache=True)
def severity_weight(rung):
    """Rivera et al. (2024) severity weight of entering ``rung``.

    1 (posturing): 4; 2 (non-violent escalation): 12; 3-5 (violent escalation): 28; 6-7 (nuclear): 60.
    Rungs <= 0 weigh 0; rungs above 7 are treated as nuclear (60).

    Args:
        rung: Rung entered.

    Returns:
        Weight as float.
    """
    if rung <= 0:
        return 0.0
    if rung == 1:
        return 4.0
    if rung == 2:
        return 12.0
    if rung <= 5:
        return 28.0
    return 60.0


@njit(cache=True)
def severity_of_step(old_rung, new_rung):
    """Severity score of a rung change (Rivera et al. 2024 weights).

    De-escalation: ``-2`` per rung down. Escalation: sum of ``severity_weight(r)`` over each rung entered,
    ``r`` in ``(old_rung, new_rung]``. No change: 0.

    Args:
        old_rung: Rung before the step.
        new_rung: Rung after the step.

    Returns:
        Severity as float.
    """
    if new_rung < old_rung:
        return -2.0 * (old_rung - new_rung)
    total = 0.0
    for r in range(old_rung + 1, new_rung + 1):
        total += severity_weight(r)
    return total
