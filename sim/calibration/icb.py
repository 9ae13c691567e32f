"""The International Crisis Behavior targets: which crises, how their violence maps onto the ladder, and the shares.

**Which crises.** Those with the United States or the USSR/Russia as a *crisis actor* (ICB1 ``usactor`` or
``suactor`` = 2): crises in which a great power with global forces was itself threatened, the closest the record
has to a US–PRC crisis. Of 486 coded crises (1918–2017), 88 qualify, all triggered 1945–2017.
:data:`SELECTIONS` gives the other choices whose effect on the targets docs/calibration.md shows (both
superpowers as crisis actors: 16 crises; every coded crisis: 486).

**The mapping** (:data:`RUNG_OF_VIOLENCE`). ICB's ``viol`` codes a crisis's highest violence: 1 none, 2 minor
clashes, 3 serious clashes, 4 full-scale war. The model's rungs describe the conflict between the crisis's
great powers; a war that *threatened* a great power (the Six-Day War, the Gulf War, Afghanistan 2001, Iraq
2003, Crimea) was a theater war, not a war between great powers: full-scale war → rung 4 (theater
conventional strikes); minor and serious clashes (shots, raids, interventions short of theater war: Grenada,
Panama, Kosovo) → rung 3 (limited kinetic incidents); no violence → rungs 0–2. No crisis of the 88 saw
strategic strikes between the superpowers (rung 5) or nuclear use (rung 7).

**Nuclear alerts** (rung 6, signalling) are not an ICB variable. :data:`NUCLEAR_ALERTS` lists the kept
crises in which a superpower raised the alert of its nuclear forces, each with its source in the shared
HINDCAST-SOURCES.md ("Nuclear alerts during crises"): they are asserted from that record, not computed
from ICB. ``calibration/icb_us_ussr_crises.csv`` holds the 88 rows with a ``nuclear_alert`` column,
extracted by :func:`icb_subset` (``benchmarks/icb_targets.py``), so the targets can be recomputed from the
repository alone.

Durations are ``brexit`` (days from breakpoint to exit).
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable

import pandas as pd

__all__ = [
    "COLUMNS",
    "NUCLEAR_ALERTS",
    "RUNG_OF_VIOLENCE",
    "SELECTIONS",
    "icb_crises",
    "icb_subset",
    "icb_targets",
    "jeffreys_sd",
]

COLUMNS = ("crisno", "crisname", "yrtrig", "viol", "brexit", "usactor", "suactor")
"""Columns kept from the crisis-level file."""

RUNG_OF_VIOLENCE = {1: "0–2", 2: "3", 3: "3", 4: "4"}
"""ICB ``viol`` → the highest rung of the model's crisis (see the module docstring)."""

NUCLEAR_ALERTS = {
    196: "Cuban Missile Crisis 1962: US forces DEFCON 3, SAC DEFCON 2 (HINDCAST-SOURCES.md [C1]–[C6])",
    255: "October–Yom Kippur War 1973: US DEFCON 3 worldwide (HINDCAST-SOURCES.md [C10]–[C13])",
    344: "Able Archer 83: Soviet nuclear-capable aircraft alerted (HINDCAST-SOURCES.md §9 [A1])",
}
"""Kept crises with a superpower nuclear alert (rung 6), by ICB ``crisno``. The 1969 "madman" alert (Giant
Lance) is left out: it is tied to no one ICB crisis and its purpose is debated; the 2022 Russian alert is after
ICB v14's last crisis (2017)."""

SELECTIONS: dict[str, Callable[[pd.DataFrame], pd.Series]] = {
    "US or USSR/Russia a crisis actor (kept)": lambda f: (f["usactor"] == 2) | (f["suactor"] == 2),
    "both superpowers crisis actors": lambda f: (f["usactor"] == 2) & (f["suactor"] == 2),
    "the US a crisis actor": lambda f: f["usactor"] == 2,
    "the USSR/Russia a crisis actor": lambda f: f["suactor"] == 2,
    "every coded crisis": lambda f: pd.Series(True, index=f.index),
}
"""Which crises to keep: the calibration's choice first, then the alternatives docs/calibration.md compares."""

VIOLENCE = {"icb_no_violence": (1,), "icb_clashes": (2, 3), "icb_war": (4,)}
DURATIONS = {30: "icb_ended_30_days", 90: "icb_ended_90_days", 365: "icb_ended_365_days"}


def icb_crises(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Every coded crisis of the ICB1 crisis-level file, with a ``nuclear_alert`` column."""
    frame = pd.read_csv(path, encoding="utf-8-sig")
    frame = frame[frame["crisno"].notna() & frame["viol"].notna()]
    out = frame[list(COLUMNS)].copy()
    for column in ("crisno", "yrtrig", "viol", "brexit", "usactor", "suactor"):
        out[column] = out[column].fillna(0).astype(int)
    out["nuclear_alert"] = out["crisno"].isin(NUCLEAR_ALERTS).astype(int)
    return out.reset_index(drop=True)


def icb_subset(path: str | os.PathLike[str], selection: str = next(iter(SELECTIONS))) -> pd.DataFrame:
    """The crises a selection keeps (by default the calibration's: the US or the USSR/Russia a crisis actor)."""
    crises = icb_crises(path)
    return crises[SELECTIONS[selection](crises)].reset_index(drop=True)


def jeffreys_sd(count: int, n: int) -> float:
    """SD of a share under a Jeffreys prior, Beta(count + ½, n − count + ½): never 0, even for 0 of n."""
    a, b = count + 0.5, n - count + 0.5
    return math.sqrt(a * b / ((a + b) ** 2 * (a + b + 1)))


def icb_targets(crises: pd.DataFrame) -> dict[str, tuple[float, float, int, int]]:
    """Each ICB target: (observed share, SD, crises counted, crises in all).

    The SD is binomial, √(p(1 − p)/n), where the count is neither 0 nor n, and the Jeffreys SD otherwise.
    """
    n = len(crises)

    def share(count: int) -> tuple[float, float, int, int]:
        p = count / n
        sd = math.sqrt(p * (1.0 - p) / n) if 0 < count < n else jeffreys_sd(count, n)
        return p, sd, count, n

    out = {name: share(int(crises["viol"].isin(codes).sum())) for name, codes in VIOLENCE.items()}
    out["icb_strategic_strikes"] = share(0)  # rung 5: no strategic strikes between the superpowers in any
    out["icb_nuclear_alert"] = share(int(crises["nuclear_alert"].sum()))
    out["icb_nuclear_use"] = share(0)  # rung 7
    out |= {name: share(int((crises["brexit"] <= days).sum())) for days, name in DURATIONS.items()}
    return out
