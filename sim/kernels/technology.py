"""Technology-layer kernels: distillation, compute access under export controls, capability, fleet size."""

from __future__ import annotations

import math

from numba import njit

__all__ = [
    "balance_factor",
    "capability_balance",
    "compute_share",
    "d_prime",
    "distilled_capability",
    "effective_capability",
    "fleet_fraction",
    "fleet_size",
    "proliferated_capability",
    "replenished",
]


@njit(cache=True)
def distilled_capability(frontier_capability, fidelity, lag_months, growth_per_month):
    """Capability of a distilled model: ``fidelity * frontier / (1 + growth)**lag``.

    Args:
        frontier_capability: Capability of the teacher/frontier model (index, frontier = 1).
        fidelity: Fraction of the teacher's capability retained by distillation.
        lag_months: Months the distilled model trails the frontier.
        growth_per_month: Monthly relative growth of frontier capability.

    Returns:
        Capability index of the distilled model.
    """
    return fidelity * frontier_capability / (1.0 + growth_per_month) ** lag_months


@njit(cache=True)
def compute_share(frontier_chip_access, export_controlled, export_control_strength, domestic_chip_capacity):
    """Share of frontier compute an actor can use.

    ``min(1, access * (1 - strength) + domestic)`` when export-controlled, else
    ``min(1, access + domestic)``.

    Args:
        frontier_chip_access: Access to frontier chips absent controls, in [0, 1].
        export_controlled: Whether export controls apply to the actor.
        export_control_strength: Fraction of access removed by controls, in [0, 1].
        domestic_chip_capacity: Domestic substitute capacity, as a share of frontier compute.

    Returns:
        Compute share, at most 1.
    """
    access = frontier_chip_access
    if export_controlled:
        access = frontier_chip_access * (1.0 - export_control_strength)
    s = access + domestic_chip_capacity
    if s > 1.0:
        s = 1.0
    return s


@njit(cache=True)
def effective_capability(model_capability, compute_share, capability_floor):
    """Capability realised given compute: ``model * (floor + (1 - floor) * compute_share)``.

    Args:
        model_capability: Capability index of the model the actor fields.
        compute_share: Compute share in [0, 1].
        capability_floor: Fraction of capability retained with no compute, in [0, 1].

    Returns:
        Effective capability index.
    """
    return model_capability * (capability_floor + (1.0 - capability_floor) * compute_share)


@njit(cache=True)
def d_prime(effective_capability, dprime_at_full):
    """Classifier sensitivity: ``dprime_at_full * effective_capability``.

    Args:
        effective_capability: Effective capability index (1 = frontier at full compute).
        dprime_at_full: d' of a frontier classifier at full compute (noise SDs).

    Returns:
        d'.
    """
    return dprime_at_full * effective_capability


@njit(cache=True)
def fleet_fraction(compute_share, fleet_floor):
    """Fraction of the full autonomous fleet fieldable: ``floor + (1 - floor) * compute_share``.

    Args:
        compute_share: Compute share in [0, 1].
        fleet_floor: Fraction fieldable with no frontier compute, in [0, 1].

    Returns:
        Fleet fraction.
    """
    return fleet_floor + (1.0 - fleet_floor) * compute_share


@njit(cache=True)
def fleet_size(full_size, fraction):
    """Fleet size fielded: ``max(1, floor(full_size * fraction + 0.5))`` (round half up).

    Args:
        full_size: Fleet size at full compute.
        fraction: Fleet fraction.

    Returns:
        Number of platforms, an int >= 1.
    """
    n = math.floor(full_size * fraction + 0.5)
    if n < 1:
        n = 1
    return n


@njit(cache=True)
def proliferated_capability(own_capability, distilled, level):
    """A third party's capability with proliferated models: ``own + level * max(0, distilled - own)``.

    Args:
        own_capability: Capability of the model it would field on its own.
        distilled: Capability of the distilled student that proliferates.
        level: Proliferation level in [0, 1] (1: the student is fully available).

    Returns:
        The capability it fields.
    """
    gain = distilled - own_capability
    if gain < 0.0:
        gain = 0.0
    return own_capability + level * gain


@njit(cache=True)
def capability_balance(strength, other_strength):
    """Capability balance of an actor against another: ``(K - K_other) / (K + K_other)`` in [-1, 1] (0 if both 0).

    Args:
        strength: The actor's military-AI strength K (effective capability x fleet fraction).
        other_strength: The other's.

    Returns:
        The balance.
    """
    total = strength + other_strength
    if total <= 0.0:
        return 0.0
    return (strength - other_strength) / total


@njit(cache=True)
def balance_factor(gain, balance):
    """Window of opportunity: ``max(0, 1 + gain * balance)`` multiplies the deliberate escalation hazard.

    Args:
        gain: Relative rise of the hazard per unit of balance.
        balance: Capability balance in [-1, 1] (:func:`capability_balance`).

    Returns:
        The multiplier (an actor ahead escalates more readily, one behind less).
    """
    f = 1.0 + gain * balance
    if f < 0.0:
        f = 0.0
    return f


@njit(cache=True)
def replenished(count, full, accrued, rate_per_day, compute_share, hours):
    """Replenishment over ``hours``: ``accrued + rate * share * full * hours / 24`` units accrue; whole ones arrive.

    Args:
        count: Units now (drones, interceptor rounds).
        full: Units fielded at start (the most there can be).
        accrued: Fraction of a unit accrued so far.
        rate_per_day: Share of ``full`` replaced per day at full compute.
        compute_share: The owner's compute share in [0, 1].
        hours: Length of the step.

    Returns:
        ``(new count, new accrued fraction)``; nothing accrues at full strength.
    """
    if count >= full:
        return count, 0.0
    total = accrued + rate_per_day * compute_share * full * hours / 24.0
    whole = math.floor(total)
    if count + whole >= full:
        return full, 0.0
    return count + whole, total - whole
