"""Debrief figures of a Monte Carlo summary (matplotlib, object-oriented API only).

Every function builds a fresh :class:`matplotlib.figure.Figure` bound to an Agg canvas; pyplot and
``matplotlib.use`` are never touched, so the functions are safe in worker processes, threads and
Streamlit (``st.pyplot(fig)`` accepts the returned figure).
"""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import numpy as np
from matplotlib import colormaps
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from sim.experiments.summary import MonteCarloSummary
from sim.report.style import DPI, new_figure, set_title
from sim.vocabulary import INADVERTENT_CAUSES, N_RUNGS, ROOT_CAUSES, RUNG_NAMES

__all__ = [
    "FIGURE_FILES",
    "TTR_RUNGS",
    "fan_chart",
    "max_rung_distribution",
    "root_cause_shares",
    "save_all",
    "time_to_rung",
]

TTR_RUNGS = (3, 4, 5)
"""Rungs drawn by :func:`time_to_rung`."""

FIGURE_FILES = {
    "fan_chart": "fan_chart.png",
    "max_rung": "max_rung.png",
    "root_causes": "root_causes.png",
    "time_to_rung": "time_to_rung.png",
}
"""Stable PNG file names written by :func:`save_all`."""

_BAND_ALPHA = 0.55


def _figure(width: float = 9.0, height: float = 5.2) -> Figure:
    return new_figure(width, height)


def _rung_colors() -> list[tuple[float, float, float, float]]:
    """One colour per rung 0..7, from pale (competition) to dark red (nuclear use)."""
    cmap = colormaps["YlOrRd"]
    return [cmap(v) for v in np.linspace(0.08, 1.0, N_RUNGS)]


def _subtitle(summary: MonteCarloSummary) -> str:
    return f"{summary.n_runs} runs, horizon {summary.horizon_hours / 24.0:g} days"


def fan_chart(summary: MonteCarloSummary) -> Figure:
    """Ladder fan chart: ``P(crisis level ≥ k)`` over time for k = 1..7.

    Each line is the share of runs at rung k or above at the end of each tick; the band between the
    lines for k and k + 1 is the share of runs exactly at rung k, so the stacked bands show how the
    crisis is distributed over the ladder as the days pass.

    Args:
        summary: The Monte Carlo summary.

    Returns:
        The figure (one axes, 7 lines).
    """
    fig = _figure(11.0, 5.2)
    ax = fig.add_subplot()
    # values are the level at each tick end, drawn from that time on (like the Kaplan–Meier steps)
    days = summary.fan_time_hours / 24.0
    colors = _rung_colors()
    p = summary.fan_p
    for k in range(1, N_RUNGS):
        upper = p[k]
        lower = p[k + 1] if k + 1 < N_RUNGS else np.zeros_like(upper)
        ax.fill_between(days, lower, upper, step="post", color=colors[k], alpha=_BAND_ALPHA, linewidth=0)
        ax.step(days, upper, where="post", color=colors[k], linewidth=1.6, label=f"≥ {k}: {RUNG_NAMES[k]}")
    ax.set_xlim(0.0, summary.horizon_hours / 24.0)
    ax.set_ylim(0.0, 1.0)
    ax.set_xlabel("Time since start (days)")
    ax.set_ylabel("Share of runs at crisis level ≥ k")
    set_title(fig, f"Escalation ladder over time ({_subtitle(summary)})", summary.scenario)
    ax.grid(True, alpha=0.3)
    ax.legend(
        title="Crisis level ≥ k\n(band: exactly k)", loc="center left", bbox_to_anchor=(1.01, 0.5), fontsize="small"
    )
    return fig


def max_rung_distribution(summary: MonteCarloSummary) -> Figure:
    """Bar chart of ``P(max rung = k)`` for k = 0..7 with 95% Wilson error bars.

    A step line marks ``P(max rung ≥ k)`` (the exceedance curve) on the same axes.

    Args:
        summary: The Monte Carlo summary.

    Returns:
        The figure (8 bars, one exceedance line).
    """
    fig = _figure()
    ax = fig.add_subplot()
    k = np.arange(N_RUNGS)
    exact = summary.max_rung_exactly
    p = np.array([e.p for e in exact])
    err = np.array([[e.p - e.lo for e in exact], [e.hi - e.p for e in exact]])
    ax.bar(k, p, color=_rung_colors(), edgecolor="0.3", label="P(max rung = k)")
    ax.errorbar(k, p, yerr=np.clip(err, 0.0, None), fmt="none", ecolor="0.15", capsize=4, label="95% Wilson interval")
    at_least = np.array([e.p for e in summary.max_rung_at_least])
    ax.plot(k, at_least, marker="o", color="tab:blue", linewidth=1.4, label="P(max rung ≥ k)")
    ax.set_xticks(k, [f"{i}\n{textwrap.fill(name, 14)}" for i, name in enumerate(RUNG_NAMES)], fontsize="small")
    ax.set_ylim(0.0, 1.22)
    ax.set_yticks(np.linspace(0.0, 1.0, 6))
    ax.set_xlabel("Highest rung reached in the run (k)")
    ax.set_ylabel("Probability (share of runs)")
    set_title(fig, f"Highest rung reached ({_subtitle(summary)})", summary.scenario)
    ax.grid(True, axis="y", alpha=0.3)
    ax.legend(loc="upper center", ncols=3, fontsize="small")
    return fig


def root_cause_shares(summary: MonteCarloSummary) -> Figure:
    """Horizontal bars: share of runs by root cause of the step to their highest rung, with 95% intervals.

    Inadvertent roots (misidentification, false alarm, misattribution, entanglement, accident) are
    coloured apart from "deliberate" and "none" (never rose above the starting level).

    Args:
        summary: The Monte Carlo summary.

    Returns:
        The figure (one bar per root cause).
    """
    fig = _figure(8.0, 4.6)
    ax = fig.add_subplot()
    causes = list(ROOT_CAUSES)
    props = [summary.root_causes[c] for c in causes]
    p = np.array([x.p for x in props])
    err = np.clip(np.array([[x.p - x.lo for x in props], [x.hi - x.p for x in props]]), 0.0, None)
    colors = [_cause_color(c) for c in causes]
    y = np.arange(len(causes))
    ax.barh(y, p, color=colors, edgecolor="0.3")
    ax.errorbar(p, y, xerr=err, fmt="none", ecolor="0.15", capsize=4)
    ax.set_yticks(y, [c.replace("_", " ") for c in causes])
    ax.invert_yaxis()
    ax.set_xlim(0.0, 1.0)
    ax.set_xlabel("Share of runs (95% Wilson interval)")
    ax.set_ylabel("Root cause")
    set_title(fig, f"Root cause of the step to the highest rung ({_subtitle(summary)})", summary.scenario)
    ax.grid(True, axis="x", alpha=0.3)
    ax.legend(
        handles=[
            Patch(color=_cause_color("misidentification"), label="inadvertent"),
            Patch(color=_cause_color("deliberate"), label="deliberate"),
            Patch(color=_cause_color("none"), label="no escalation"),
        ],
        loc="lower right",
        fontsize="small",
    )
    return fig


def _cause_color(cause: str) -> str:
    if cause in INADVERTENT_CAUSES:
        return "tab:orange"
    return "tab:blue" if cause == "deliberate" else "0.7"


def time_to_rung(summary: MonteCarloSummary, rungs: tuple[int, ...] = TTR_RUNGS) -> Figure:
    """Cumulative probability of having reached rung k by time t: ``1 − Ŝ_k(t)`` (Kaplan–Meier).

    Runs that never reached the rung are censored at the horizon; the bands are the pointwise 95%
    log-log intervals.

    Args:
        summary: The Monte Carlo summary.
        rungs: Rungs to draw (default 3, 4, 5).

    Returns:
        The figure (one line and band per rung).
    """
    fig = _figure(11.0, 5.2)
    ax = fig.add_subplot()
    colors = _rung_colors()
    end = summary.horizon_hours
    for k in rungs:
        curve = summary.time_to_rung[k]
        days = np.append(curve.time, end) / 24.0
        cum = 1.0 - np.append(curve.survival, curve.survival[-1])
        lo = 1.0 - np.append(curve.hi, curve.hi[-1])
        hi = 1.0 - np.append(curve.lo, curve.lo[-1])
        ax.fill_between(days, lo, hi, step="post", color=colors[k], alpha=0.25, linewidth=0)
        ax.step(days, cum, where="post", color=colors[k], linewidth=2.0, label=f"rung {k}: {RUNG_NAMES[k]}")
    ax.set_xlim(0.0, end / 24.0)
    ax.set_ylim(0.0, 1.0)
    ax.set_xlabel("Time since start (days)")
    ax.set_ylabel("P(crisis level has reached rung k)")
    set_title(fig, f"Time to rung, Kaplan–Meier with 95% bands ({_subtitle(summary)})", summary.scenario)
    ax.grid(True, alpha=0.3)
    ax.legend(title="Rung reached", loc="center left", bbox_to_anchor=(1.01, 0.5), fontsize="small")
    return fig


def save_all(summary: MonteCarloSummary, out_dir: str | os.PathLike[str]) -> list[Path]:
    """Write every figure as a PNG (dpi 120) under ``out_dir`` with the names of ``FIGURE_FILES``.

    Args:
        summary: The Monte Carlo summary.
        out_dir: Output directory (created if needed).

    Returns:
        The paths written, in the order fan chart, max rung, root causes, time to rung.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    builders = {
        "fan_chart": fan_chart,
        "max_rung": max_rung_distribution,
        "root_causes": root_cause_shares,
        "time_to_rung": time_to_rung,
    }
    paths = []
    for key, build in builders.items():
        path = out / FIGURE_FILES[key]
        build(summary).savefig(path, dpi=DPI)
        paths.append(path)
    return paths
