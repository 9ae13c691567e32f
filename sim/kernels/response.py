"""Response kernels: doctrine-driven response rung, escalation/de-escalation hazards, severity score.

Rungs: 0 competition, 1 gray-zone pressure, 2 show of force, 3 limited kinetic incident, 4 theater
conventional strikes, 5 strategic non-nuclear, 6 nuclear signaling, 7 nuclear use.
"""

from __future__ import annotations

import math

from numba import njit

__all__ = [
    "BELOW_FIREBREAK",
    "DOCTRINE_ESCALATE_TO_DOMINATE",
    "DOCTRINE_PROPORTIONAL",
    "DOCTRINE_RESTRAINED",
    "MAX_RUNG",
    "crossing_probability",
    "de_escalation_hazard_per_day",
    "ending_hazard_per_day",
    "escalation_hazard_per_day",
    "hazard_probability",
    "response_rung",
    "severity_of_step",
    "severity_weight",
    "signal_base",
    "stakes_multiplier",
    "step_base",
]

DOCTRINE_RESTRAINED = 0
DOCTRINE_PROPORTIONAL = 1
DOCTRINE_ESCALATE_TO_DOMINATE = 2

MAX_RUNG = 7

BELOW_FIREBREAK = 4
"""The highest rung below the firebreak: machines and the ordinary hazards reach it; each step above it (5
strategic non-nuclear, 6 nuclear signalling, 7 nuclear use) is a leadership decision of its own."""

SIGNAL_FROM = 3
"""Nuclear signalling (rung 6) is open from a limited kinetic incident on, without strategic strikes first
(the alerts of 1962 and 1973 came in crises that never reached rung 5)."""
SIGNALING = 6


@njit(cache=True)
def signal_base(own_posture, signaling):
    """Base hazard of a jump to nuclear signalling (rung 6) from ``own_posture`` (per day): open at rungs 3-4.

    Args:
        own_posture: The actor's posture.
        signaling: h_6, the signalling hazard.

    Returns:
        ``signaling`` at rungs ``SIGNAL_FROM``..``BELOW_FIREBREAK``, else 0 (at 5 the ordinary step is the one to 6).
    """
    if SIGNAL_FROM <= own_posture <= BELOW_FIREBREAK:
        return signaling
    return 0.0


@njit(cache=True)
def step_base(own_posture, base, strategic, signaling, use):
    """Base hazard of a deliberate one-rung step up from ``own_posture`` (per day).

    Below the firebreak (a step to rung 4 or less) the crisis hazard ``base``; the steps to 5, 6 and 7 have
    hazards of their own.

    Args:
        own_posture: The actor's posture before the step.
        base: h_e, base hazard of a step to rung 4 or less.
        strategic: h_5, base hazard of the step from 4 to 5.
        signaling: h_6, base hazard of the step from 5 to 6.
        use: h_7, base hazard of the step from 6 to 7.

    Returns:
        The base hazard per day (0 at rung 7: there is no step above it).
    """
    if own_posture < BELOW_FIREBREAK:
        return base
    if own_posture == BELOW_FIREBREAK:
        return strategic
    if own_posture == BELOW_FIREBREAK + 1:
        return signaling
    if own_posture == BELOW_FIREBREAK + 2:
        return use
    return 0.0


@njit(cache=True)
def stakes_multiplier(factor, stakes):
    """What an actor has at stake multiplies its threshold hazards and crossings: ``factor ** stakes``.

    Args:
        factor: sigma, the multiplier per stake (>= 1).
        stakes: S, the number of stakes the actor has lost (0-3).

    Returns:
        The multiplier, >= 1.
    """
    return factor**stakes


@njit(cache=True)
def crossing_probability(rung, strategic, signaling, use, factor, stakes):
    """Probability a leadership whose response calls for ``rung`` above the firebreak takes it.

    ``min(1, q_rung * factor ** stakes)`` with q_5, q_6, q_7 the crossings with nothing at stake; 1 at or
    below the firebreak (no threshold to cross).

    Args:
        rung: The rung considered.
        strategic, signaling, use: q_5, q_6, q_7.
        factor: sigma, the multiplier per stake.
        stakes: S, the stakes the actor has lost.

    Returns:
        Probability in [0, 1].
    """
    if rung <= BELOW_FIREBREAK:
        return 1.0
    if rung == BELOW_FIREBREAK + 1:
        q = strategic
    elif rung == BELOW_FIREBREAK + 2:
        q = signaling
    else:
        q = use
    q *= stakes_multiplier(factor, stakes)
    if q > 1.0:
        q = 1.0
    return q


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
def escalation_hazard_per_day(base, onset, resolve, own_posture, other_posture, spiral_gain):
    """Deliberate escalation hazard of one actor toward one adversary (per day), with a Jervis spiral term.

    ``onset`` when both postures are 0 (no crisis yet between the two); otherwise
    ``base * (0.5 + resolve) * (1 + spiral_gain * max(0, other_posture - own_posture))``; 0 at rung 7.

    Args:
        base: Base hazard (per day).
        onset: Hazard of opening a crisis from rung 0 against an adversary at rung 0 (per day).
        resolve: Actor resolve in [0, 1].
        own_posture: The actor's posture (rung) toward the adversary.
        other_posture: The adversary's posture toward the actor.
        spiral_gain: Relative increase per rung the actor stands below.

    Returns:
        Hazard rate per day.
    """
    if own_posture >= MAX_RUNG:
        return 0.0
    if own_posture <= 0 and other_posture <= 0:
        return onset
    gap = other_posture - own_posture
    if gap < 0:
        gap = 0
    return base * (0.5 + resolve) * (1.0 + spiral_gain * gap)


@njit(cache=True)
def de_escalation_hazard_per_day(base, resolve, own_posture, other_posture, hotline_bonus):
    """Deliberate de-escalation hazard of one actor toward one adversary (per day).

    ``base * (1.5 - resolve) * (1 + hotline_bonus)`` when ``own_posture >= other_posture`` (the actor
    does not stand below the adversary) and ``own_posture > 0``; otherwise 0.

    Args:
        base: Base hazard (per day).
        resolve: Actor resolve in [0, 1] (values above 1.5 would give a negative rate).
        own_posture: The actor's posture toward the adversary.
        other_posture: The adversary's posture toward the actor.
        hotline_bonus: Relative increase when a hotline links the two (0 if none).

    Returns:
        Hazard rate per day.
    """
    if own_posture >= other_posture and own_posture > 0:
        return base * (1.5 - resolve) * (1.0 + hotline_bonus)
    return 0.0


@njit(cache=True)
def ending_hazard_per_day(base, level_decay, incident_gain, crisis_level, incidents, hotline_bonus):
    """Hazard that the crisis ends (per day): ``base * exp(-decay * (L - 1)) * (1 + gain * K) * (1 + bonus)``.

    (``hotline_bonus`` is the hotline's assumed de-escalation bonus, ``policy.hotline.deescalation_bonus``.)

    Zero when the crisis level L is 0 (there is no crisis to end).

    Args:
        base: Ending hazard at crisis level 1 with no incidents and no hotline (per day).
        level_decay: Relative fall per rung of the crisis level above 1.
        incident_gain: Relative rise per kinetic incident so far.
        crisis_level: L, the highest posture any actor holds.
        incidents: K, kinetic incidents (engagements and strikes) so far.
        hotline_bonus: Relative rise when a hotline links the two sides at the top of the crisis.

    Returns:
        Hazard rate per day.
    """
    if crisis_level <= 0:
        return 0.0
    return (
        base * math.exp(-level_decay * (crisis_level - 1)) * (1.0 + incident_gain * incidents) * (1.0 + hotline_bonus)
    )


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
