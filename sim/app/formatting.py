"""Numbers as a facilitator reads them: probabilities as percentages, intervals that keep small bounds visible."""

from __future__ import annotations

import math

__all__ = ["pct", "pct_interval", "points"]


def pct(p: float) -> str:
    """A probability as a percentage: '12%', '3.4%', '0.02%' (a small value keeps two significant digits)."""
    if not math.isfinite(p):
        return "—"
    x = 100.0 * p
    if x == 0.0:
        return "0%"
    if abs(x) < 0.1:
        return f"{x:.2g}%"
    if abs(x) < 10.0 or abs(100.0 - x) < 1.0:
        return f"{x:.1f}%" if abs(100.0 - x) >= 0.05 else "100%"
    return f"{x:.0f}%"


def pct_interval(lo: float, hi: float, label: str = "95% CI") -> str:
    """An interval of probabilities: '95% CI 0.02%–1.2%'."""
    return f"{label} {pct(lo)}–{pct(hi)}"


def points(d: float, lo: float | None = None, hi: float | None = None) -> str:
    """A difference of probabilities in percentage points: '+1.4 points [+0.7, +2.1]'."""

    def one(x: float) -> str:
        x *= 100.0
        if x == 0.0:
            return "0"
        return f"{x:+.2g}" if abs(x) < 0.1 else f"{x:+.1f}"

    text = f"{one(d)} points"
    if lo is not None and hi is not None:
        text += f" [{one(lo)}, {one(hi)}]"
    return text
