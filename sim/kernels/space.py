"""Space kernels: ASAT kill and Kessler-style collision risk in an orbital regime."""

from __future__ import annotations

import math

from numba import njit

__all__ = [
    "asat_kill",
    "collision_rate_per_day",
    "decayed_fragments",
    "fragment_hit_probability",
    "satellite_hit_index",
]


@njit(cache=True)
def collision_rate_per_day(k, n_objects):
    """Total collisions per day in a regime, kinetic-gas form: ``0.5 * k * n**2``.

    Args:
        k: Pairwise collision coefficient (per object pair per day).
        n_objects: Tracked objects in the regime (active satellites + debris).

    Returns:
        Collisions per day.
    """
    n = float(n_objects)
    return 0.5 * k * n * n


@njit(cache=True)
def asat_kill(u, p_kill):
    """Whether an ASAT engagement destroys its target: ``u < p_kill``.

    Args:
        u: Uniform in [0, 1).
        p_kill: Kill probability.

    Returns:
        True on a kill.
    """
    return u < p_kill


@njit(cache=True)
def satellite_hit_index(u, n_active, n_objects):
    """Which active satellite (if any) a collision destroys, from one uniform.

    The collision involves an active satellite with probability ``n_active / n_objects``. If
    ``u < n_active / n_objects`` the index is ``min(int(u * n_objects), n_active - 1)`` (uniform over the
    active satellites), otherwise -1 (debris-on-debris).

    Args:
        u: Uniform in [0, 1).
        n_active: Active satellites in the regime.
        n_objects: All objects in the regime (``>= n_active``).

    Returns:
        An index in [0, n_active) or -1.
    """
    if n_active <= 0 or n_objects <= 0:
        return -1
    if u < n_active / n_objects:
        i = int(u * n_objects)
        if i > n_active - 1:
            i = n_active - 1
        return i
    return -1


@njit(cache=True)
def decayed_fragments(fragments, hours, lifetime_days):
    """Fresh fragments left after ``hours`` of decay and dispersal: ``F exp(-hours / (24 lifetime))``.

    Args:
        fragments: Fresh fragments now.
        hours: Elapsed time, hours.
        lifetime_days: E-folding time, days.

    Returns:
        The fragments left (a float).
    """
    return fragments * math.exp(-hours / (24.0 * lifetime_days))


@njit(cache=True)
def fragment_hit_probability(hit_per_day, fragments, hours):
    """Chance a satellite is destroyed by fresh fragments within ``hours``: ``1 - exp(-k F hours / 24)``.

    Args:
        hit_per_day: k, hazard per fragment per satellite per day.
        fragments: F, fresh fragments in the satellite's orbit zone.
        hours: Length of the step, hours.

    Returns:
        Probability in [0, 1).
    """
    return -math.expm1(-hit_per_day * fragments * hours / 24.0)
