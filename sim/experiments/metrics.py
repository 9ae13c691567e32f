"""Named per-run quantities that experiments estimate, compare and analyse.

``p_ge_K`` is the indicator "max rung >= K" (K = 1..7), ``p_inadvertent`` the indicator of an
inadvertent step to rung >= 3, ``p_drawn_in`` the indicator that some actor rose to rung >= 3 before
it had attacked; their means are the probabilities the brief asks for. ``severity``,
``engagements_false``, ``hostile_strikes`` and ``drawn_in`` (actors drawn in) are per-run means, and so
are the losses ``drones_lost``, ``ships_lost`` and ``satellites_lost`` and the machine-speed measures
``flash_chains`` (chains per run) and ``flash_max_rungs`` (the largest rise inside one chain), with
``p_flash_rise`` the indicator that a chain raised the crisis level (known metrics, not in a comparison's
default report).
Values come from per-run rows (an Arrow table or a frame with the columns of
:mod:`sim.experiments.storage`).
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from sim.vocabulary import N_RUNGS

__all__ = [
    "COMPARE_METRICS",
    "KNOWN_METRICS",
    "LOSS_METRICS",
    "PROBABILITY_METRICS",
    "check_metric",
    "is_probability",
    "metric_label",
    "metric_values",
]

PROBABILITY_METRICS = (*(f"p_ge_{k}" for k in range(1, N_RUNGS)), "p_inadvertent", "p_drawn_in")
"""Indicator metrics a comparison reports (their mean is a probability with a Wilson interval)."""

COMPARE_METRICS = (*PROBABILITY_METRICS, "severity", "engagements_false", "hostile_strikes", "drawn_in")
"""Metrics a comparison reports, in order."""

LOSS_METRICS = ("drones_lost", "ships_lost", "satellites_lost")
"""Losses per run, all actors: metrics a comparison or an analysis can be asked for."""

SPEED_METRICS = ("flash_chains", "flash_max_rungs", "p_flash_rise")
"""Machine-speed chains (docs/model.md §12.7): metrics a comparison or an analysis can be asked for."""

KNOWN_METRICS = (*COMPARE_METRICS, *LOSS_METRICS, *SPEED_METRICS)
"""Every metric name the experiments accept."""

_GE = re.compile(r"^p_ge_([0-9])$")


def check_metric(name: str) -> str:
    """Return ``name`` if it is a known metric.

    Raises:
        ValueError: With the known names.
    """
    if name not in KNOWN_METRICS:
        raise ValueError(f"unknown metric {name!r}: expected one of {', '.join(KNOWN_METRICS)}")
    return name


def is_probability(name: str) -> bool:
    """Whether the metric is an indicator whose mean is a probability."""
    return name in PROBABILITY_METRICS or name == "p_flash_rise"


def metric_label(name: str) -> str:
    """Human label: ``P(max rung ≥ 3)``, ``P(inadvertent)``, ``mean severity``."""
    match = _GE.match(name)
    if match:
        return f"P(max rung ≥ {match.group(1)})"
    return {
        "p_inadvertent": "P(inadvertent)",
        "p_drawn_in": "P(an actor drawn in)",
        "hostile_strikes": "hostile strikes per run",
        "drawn_in": "actors drawn in per run",
        "severity": "mean severity",
        "engagements_false": "false engagements per run",
        "drones_lost": "drones lost per run",
        "ships_lost": "ships lost per run",
        "satellites_lost": "satellites lost per run",
        "flash_chains": "machine-speed chains per run",
        "flash_max_rungs": "largest rise inside a chain, rungs",
        "p_flash_rise": "P(a chain raised the crisis level)",
    }.get(name, name)


def _column(rows: Any, column: str) -> np.ndarray:
    if isinstance(rows, pa.Table):
        return rows.column(column).to_numpy(zero_copy_only=False)
    if isinstance(rows, pd.DataFrame):
        return rows[column].to_numpy()
    raise TypeError(f"expected an Arrow table or a DataFrame, got {type(rows).__name__}")


def metric_values(rows: Any, name: str) -> np.ndarray:
    """One value per run (float; 0/1 for indicators), in row order."""
    check_metric(name)
    match = _GE.match(name)
    if match:
        return (_column(rows, "max_rung").astype(np.int64) >= int(match.group(1))).astype(float)
    if name == "p_inadvertent":
        return _column(rows, "inadvertent").astype(bool).astype(float)
    if name == "p_drawn_in":
        return (_column(rows, "drawn_in").astype(np.int64) > 0).astype(float)
    if name == "p_flash_rise":
        return (_column(rows, "flash_max_rungs").astype(np.int64) > 0).astype(float)
    return _column(rows, name).astype(float)
