"""The International Crisis Behavior targets: which crises, and the shares the calibration fits.

The crises kept are those with the United States or the USSR/Russia as a *crisis actor* (ICB1 ``usactor`` or
``suactor`` = 2): crises in which a great power with global forces was itself threatened, the closest the record
has to a US–PRC crisis. Of 486 coded crises, 88 qualify (1918–2017). From each the statistics are the highest
violence (``viol``: 1 none, 2 minor clashes, 3 serious clashes, 4 full-scale war) and the duration from
breakpoint to exit (``brexit``, days). ``calibration/icb_us_ussr_crises.csv`` holds those 88 rows, extracted from
``icb1v14.csv`` by :func:`icb_subset` (``benchmarks/icb_targets.py``), so the targets can be recomputed from the
repository alone.
"""

from __future__ import annotations

import math
import os

import pandas as pd

__all__ = ["COLUMNS", "icb_subset", "icb_targets"]

COLUMNS = ("crisno", "crisname", "yrtrig", "viol", "brexit")
"""Columns kept from the crisis-level file."""

VIOLENCE = {1: "icb_no_violence", 2: "icb_minor_clashes", 3: "icb_serious_clashes", 4: "icb_war"}
DURATIONS = {30: "icb_ended_30_days", 90: "icb_ended_90_days", 365: "icb_ended_365_days"}


def icb_subset(path: str | os.PathLike[str]) -> pd.DataFrame:
    """The crises with the US or the USSR/Russia as crisis actor, from the ICB1 crisis-level file."""
    frame = pd.read_csv(path, encoding="utf-8-sig")
    frame = frame[frame["crisno"].notna() & frame["viol"].notna()]
    kept = frame[(frame["usactor"] == 2) | (frame["suactor"] == 2)]
    out = kept[list(COLUMNS)].copy()
    for column in ("crisno", "yrtrig", "viol", "brexit"):
        out[column] = out[column].astype(int)
    return out.reset_index(drop=True)


def icb_targets(crises: pd.DataFrame) -> dict[str, tuple[float, float, int, int]]:
    """Each ICB target: (observed share, binomial SD, crises counted, crises in all)."""
    n = len(crises)

    def share(count: int) -> tuple[float, float, int, int]:
        p = count / n
        return p, math.sqrt(p * (1.0 - p) / n), count, n

    out = {name: share(int((crises["viol"] == code).sum())) for code, name in VIOLENCE.items()}
    out |= {name: share(int((crises["brexit"] <= days).sum())) for days, name in DURATIONS.items()}
    return out
