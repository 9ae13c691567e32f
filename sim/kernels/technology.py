"""Technology-layer kernels: distillation, compute access under export controls, capability, fleet size."""

from __future__ import annotations

import math

from numba import njit

__all__ = [
    "compute_share",
    "d_prime",
    "distilled_capability",
    "effective_capability",
    "fleet_fraction",
    "fleet_size",
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
