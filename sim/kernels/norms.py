"""Norm kernels: the chance that an actor committed to the human-control norm complies."""

from __future__ import annotations

import math

from numba import njit

__all__ = ["deterrence", "norm_compliance"]

DETERRENCE_DAYS = 7.0
"""Horizon of deterrence: a violation is deterred by the chance it would be detected within a week."""


@njit(cache=True)
def deterrence(detection_per_day):
    """Chance that a violation would be detected within a week: ``1 - exp(-7 h)``.

    Args:
        detection_per_day: Detection hazard of the verification method, per day.

    Returns:
        Probability in [0, 1).
    """
    return -math.expm1(-DETERRENCE_DAYS * detection_per_day)


@njit(cache=True)
def norm_compliance(baseline, detection_per_day, pressure, rung, trust):
    """P(comply) = (p0 + (1 - p0) D) x (1 - pressure x rung / 7) x trust, in [0, 1].

    Args:
        baseline: p0, compliance with no verification.
        detection_per_day: Detection hazard of the verification method (D = :func:`deterrence`).
        pressure: Share of compliance lost at rung 7 (escalation pressure).
        rung: The actor's rung.
        trust: 1, or the distrust multiplier once an adversary's violation has been detected.

    Returns:
        The probability.
    """
    d = deterrence(detection_per_day)
    p = (baseline + (1.0 - baseline) * d) * (1.0 - pressure * rung / 7.0) * trust
    if p < 0.0:
        p = 0.0
    if p > 1.0:
        p = 1.0
    return p
