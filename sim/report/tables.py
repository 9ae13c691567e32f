"""Tables of a Monte Carlo summary as pandas DataFrames (for Streamlit, CSV export and Markdown debriefs).

The plain-text CLI table is :func:`sim.experiments.summary.summary_table`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from sim.experiments.stats import wilson_interval
from sim.experiments.summary import KM_RUNGS, LOSS_FIELDS, MonteCarloSummary
from sim.vocabulary import INADVERTENT_CAUSES, N_RUNGS, ROOT_CAUSES, RUNG_NAMES

__all__ = ["escalation_table", "measures_table", "root_cause_table", "time_to_rung_table", "to_markdown"]


def escalation_table(summary: MonteCarloSummary) -> pd.DataFrame:
    """One row per rung k = 0..7: ``P(max rung ≥ k)`` and ``P(max rung = k)`` with 95% Wilson bounds.

    Args:
        summary: The Monte Carlo summary.

    Returns:
        Columns ``rung, name, runs_at_least, p_at_least, lo_at_least, hi_at_least, runs_exactly,
        p_exactly, lo_exactly, hi_exactly``.
    """
    rows = []
    for k in range(N_RUNGS):
        a, e = summary.max_rung_at_least[k], summary.max_rung_exactly[k]
        rows.append(
            {
                "rung": k,
                "name": RUNG_NAMES[k],
                "runs_at_least": a.count,
                "p_at_least": a.p,
                "lo_at_least": a.lo,
                "hi_at_least": a.hi,
                "runs_exactly": e.count,
                "p_exactly": e.p,
                "lo_exactly": e.lo,
                "hi_exactly": e.hi,
            }
        )
    return pd.DataFrame(rows)


def root_cause_table(summary: MonteCarloSummary) -> pd.DataFrame:
    """One row per root cause (``ROOT_CAUSES`` order): share of runs with 95% Wilson bounds.

    Args:
        summary: The Monte Carlo summary.

    Returns:
        Columns ``root_cause, inadvertent, runs, share, lo, hi``.
    """
    rows = [
        {
            "root_cause": cause,
            "inadvertent": cause in INADVERTENT_CAUSES,
            "runs": summary.root_causes[cause].count,
            "share": summary.root_causes[cause].p,
            "lo": summary.root_causes[cause].lo,
            "hi": summary.root_causes[cause].hi,
        }
        for cause in ROOT_CAUSES
    ]
    return pd.DataFrame(rows)


def time_to_rung_table(summary: MonteCarloSummary, at_days: Sequence[float] = ()) -> pd.DataFrame:
    """One row per rung k >= 1: probability of reaching rung k by the horizon (Kaplan–Meier).

    Args:
        summary: The Monte Carlo summary.
        at_days: Extra times, days; adds a column ``p_by_day_<d>`` of ``1 − Ŝ_k(d)`` for each.

    Returns:
        Columns ``rung, name, runs_reached, p_by_horizon, lo, hi, q10_hours, q25_hours, median_hours``
        (+ ``p_by_day_*``). ``q10_hours`` is the time by which 10% of runs reached the rung (NaN if
        fewer did). Every run is followed to the horizon, so ``p_by_horizon`` is a binomial share and
        its bounds are Wilson's (the Kaplan–Meier interval would collapse to a point with no events).
    """
    rows = []
    for k in KM_RUNGS:
        curve = summary.time_to_rung[k]
        reached = int(curve.n - curve.n_censored)
        lo, hi = wilson_interval(reached, curve.n, curve.confidence)
        row = {
            "rung": k,
            "name": RUNG_NAMES[k],
            "runs_reached": reached,
            "p_by_horizon": reached / curve.n,
            "lo": lo,
            "hi": hi,
            "q10_hours": curve.quantile(0.10),
            "q25_hours": curve.quantile(0.25),
            "median_hours": curve.median,
        }
        for d in at_days:
            row[f"p_by_day_{d:g}"] = float(curve.cumulative_at(24.0 * d))
        rows.append(row)
    return pd.DataFrame(rows)


def measures_table(summary: MonteCarloSummary) -> pd.DataFrame:
    """Per-run means with normal 95% bounds: engagements, losses, debris, severity.

    Args:
        summary: The Monte Carlo summary.

    Returns:
        Columns ``measure, mean, lo, hi, total``, one row per measure.
    """
    measures = {
        "engagements (true positives)": summary.engagements_true,
        "engagements (false positives)": summary.engagements_false,
        **{name.replace("_", " "): summary.losses[name] for name in LOSS_FIELDS},
        "severity score": summary.severity.mean,
    }
    rows = [{"measure": k, "mean": m.mean, "lo": m.lo, "hi": m.hi, "total": m.total} for k, m in measures.items()]
    return pd.DataFrame(rows)


def to_markdown(frame: pd.DataFrame, digits: int = 3) -> str:
    """Render a frame as a GitHub-flavoured Markdown table (no extra dependency).

    Args:
        frame: Any DataFrame (the index is dropped).
        digits: Decimal places for floats; NaN is shown as "n/a".

    Returns:
        The Markdown text, no trailing newline.
    """

    def cell(v: object) -> str:
        if isinstance(v, bool | np.bool_):
            return "yes" if v else "no"
        if isinstance(v, float | np.floating):
            return f"{v:.{digits}f}" if math.isfinite(v) else "n/a"
        return str(v).replace("|", "\\|")

    numeric = [pd.api.types.is_numeric_dtype(t) and not pd.api.types.is_bool_dtype(t) for t in frame.dtypes]
    header = "| " + " | ".join(str(c) for c in frame.columns) + " |"
    rule = "|" + "|".join("---:" if num else "---" for num in numeric) + "|"
    body = ["| " + " | ".join(cell(v) for v in row) + " |" for row in frame.itertuples(index=False)]
    return "\n".join([header, rule, *body])
