"""Engagement kernels: stochastic Hughes salvo (shoot-shoot-look defence), drone attrition, encounter rate."""

from __future__ import annotations

import math

from numba import njit

from sim.kernels.rng import binomial

__all__ = ["defensive_round", "drone_attrition", "encounter_rate", "salvo_exchange"]


@njit(cache=True)
def defensive_round(threats, capacity, shots_per_threat, p_intercept, u_more, u_fewer):
    """One round of defensive fire: the capacity spread evenly over the threats, at most ``shots_per_threat`` each.

    ``shots = min(capacity, threats * shots_per_threat)``; with ``per = shots // threats`` and
    ``extra = shots - per * threats``, ``extra`` threats get ``per + 1`` shots and the others ``per``. A
    threat that draws k independent shots is killed with probability ``1 - (1 - p_intercept)**k``, so
    ``killed = Bin(extra, q(per + 1)) + Bin(threats - extra, q(per))``, inverted at ``u_more`` and
    ``u_fewer``.

    Args:
        threats: Threats in the air (>= 0).
        capacity: Interceptor shots the defence can still fire (>= 0).
        shots_per_threat: Doctrine: most shots at one threat in one round (>= 1).
        p_intercept: Kill probability of one shot.
        u_more: Uniform for the threats that draw ``per + 1`` shots.
        u_fewer: Uniform for the threats that draw ``per`` shots.

    Returns:
        ``(killed, shots fired)`` as ints.
    """
    if threats <= 0 or capacity <= 0:
        return 0, 0
    shots = min(capacity, threats * shots_per_threat)
    per = shots // threats
    extra = shots - per * threats
    q_more = 1.0 - (1.0 - p_intercept) ** (per + 1)
    q_fewer = 1.0 - (1.0 - p_intercept) ** per
    killed = binomial(u_more, extra, q_more) + binomial(u_fewer, threats - extra, q_fewer)
    return killed, shots


@njit(cache=True)
def salvo_exchange(
    shots, p_hit, ships, interceptors_per_ship, p_intercept, staying_power, shots_per_threat, u1, u2, u3, u4, u_hit
):
    """One stochastic Hughes salvo of ``shots`` missiles or drones against a naval group (shoot-shoot-look).

    The defence can fire ``capacity = ships * interceptors_per_ship`` interceptor shots. Round one
    (:func:`defensive_round`) spreads up to ``shots_per_threat`` shots over every threat; the defence
    then looks, and round two fires what capacity is left at the survivors the same way. Surplus
    interceptors are used, none is wasted while a threat survives. Then ``leakers = shots - killed``,
    ``hits ~ Bin(leakers, p_hit)`` (at ``u_hit``) and ``ships_lost = min(ships, floor(hits / y))``.

    Args:
        shots: Incoming missiles or drones (>= 0).
        p_hit: Probability a leaker hits.
        ships: Ships in the defending group (>= 0).
        interceptors_per_ship: Interceptor shots each ship can fire in this salvo (>= 0).
        p_intercept: Kill probability of one interceptor shot.
        staying_power: Hits needed to put a ship out of action (Hughes' y, > 0).
        shots_per_threat: Doctrine: most shots at one threat per round (2: shoot-shoot-look).
        u1, u2: Uniforms of round one; u3, u4: of round two.
        u_hit: Uniform for the hits among leakers.

    Returns:
        ``(intercepted, hits, ships_lost, interceptor shots fired)`` as ints.
    """
    capacity = ships * interceptors_per_ship
    killed1, fired1 = defensive_round(shots, capacity, shots_per_threat, p_intercept, u1, u2)
    killed2, fired2 = defensive_round(shots - killed1, capacity - fired1, shots_per_threat, p_intercept, u3, u4)
    intercepted = killed1 + killed2
    hits = binomial(u_hit, shots - intercepted, p_hit)
    ships_lost = min(ships, math.floor(hits / staying_power))
    return intercepted, hits, ships_lost, fired1 + fired2


@njit(cache=True)
def drone_attrition(attackers, defenders, p_kill, u):
    """Aimed-fire (Lanchester square-law style) losses for one exchange.

    ``defenders_lost = min(defenders, Binomial(attackers, p_kill))`` inverted at ``u``.

    Args:
        attackers: Number of shooters.
        defenders: Number of targets.
        p_kill: Kill probability per shot.
        u: Uniform in [0, 1).

    Returns:
        Defenders lost, an int in [0, defenders].
    """
    return min(defenders, binomial(u, attackers, p_kill))


@njit(cache=True)
def encounter_rate(base_per_day, rung, gain_per_rung, factor):
    """Rate of encounters between opposing forces: ``base * (1 + gain_per_rung * rung) * factor``.

    Args:
        base_per_day: Encounter rate at rung 0 (per day).
        rung: Current crisis rung.
        gain_per_rung: Relative increase per rung.
        factor: Multiplier (e.g. incidents-at-sea rules < 1).

    Returns:
        Encounters per day.
    """
    return base_per_day * (1.0 + gain_per_rung * rung) * factor
