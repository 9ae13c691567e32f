"""Engagement kernels: stochastic Hughes salvo, aimed-fire drone attrition, encounter rate."""

from __future__ import annotations

import math

from numba import njit

from sim.kernels.rng import binomial

__all__ = ["drone_attrition", "encounter_rate", "salvo_exchange"]


@njit(cache=True)
def salvo_exchange(shots, p_hit, ships, interceptors_per_ship, p_intercept, staying_power, u_intercept, u_hit):
    """One stochastic Hughes salvo of ``shots`` missiles/drones against a naval group.

    ``engaged = min(shots, ships * interceptors_per_ship)``;
    ``intercepted ~ Binomial(engaged, p_intercept)`` (inverted at ``u_intercept``);
    ``leakers = shots - intercepted``; ``hits ~ Binomial(leakers, p_hit)`` (inverted at ``u_hit``);
    ``ships_lost = min(ships, floor(hits / staying_power))``.

    Args:
        shots: Incoming missiles/drones (>= 0).
        p_hit: Probability a leaker hits.
        ships: Ships in the defending group (>= 0).
        interceptors_per_ship: Interceptor shots each ship can fire in this salvo (>= 0).
        p_intercept: Probability an engaged shot is intercepted.
        staying_power: Hits needed to put a ship out of action (> 0, hits per ship).
        u_intercept: Uniform in [0, 1) for the interception draw.
        u_hit: Uniform in [0, 1) for the hit draw.

    Returns:
        ``(intercepted, hits, ships_lost)`` as ints.
    """
    engaged = min(shots, ships * interceptors_per_ship)
    intercepted = binomial(u_intercept, engaged, p_intercept)
    leakers = shots - intercepted
    hits = binomial(u_hit, leakers, p_hit)
    ships_lost = min(ships, math.floor(hits / staying_power))
    return intercepted, hits, ships_lost


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
