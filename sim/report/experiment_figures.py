"""Figures of experiments: tornado of Sobol' indices, Morris screening, convergence, comparisons.

The sweep figures live in :mod:`sim.report.sweep_figures` and are re-exported here. Like
:mod:`sim.report.figures`, every function returns a fresh :class:`~matplotlib.figure.Figure` on an Agg
canvas (never pyplot), so they work in workers, threads and Streamlit. They take saved results
(:class:`~sim.experiments.sensitivity.SensitivityResult`, convergence frames,
:class:`~sim.experiments.compare.ComparisonResult`): experimentation and analysis stay separate. Every
title names the scenario.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from sim.experiments.metrics import is_probability, metric_label
from sim.report.style import DPI, new_figure, set_title
from sim.report.sweep_figures import save_sweep_figures, sweep_heatmap, sweep_lines

if TYPE_CHECKING:
    from sim.experiments.compare import ComparisonResult, Difference
    from sim.experiments.morris import MorrisResult
    from sim.experiments.sensitivity import SensitivityResult

__all__ = [
    "DPI",
    "comparison_forest",
    "convergence_figure",
    "morris_chart",
    "outside_unit_note",
    "save_sweep_figures",
    "sweep_heatmap",
    "sweep_lines",
    "tornado",
]


def _sweep_scenario(result: object, scenario: str) -> str:
    sweep = getattr(result, "sweep", None)
    return scenario or (sweep.metadata.get("scenario", "") if sweep is not None else "")


def tornado(result: SensitivityResult, metric: str | None = None, scenario: str = "") -> Figure:
    """Sobol' indices as a tornado: parameters sorted by total-order index, bars with 95% intervals.

    The Monte Carlo noise is drawn as a shaded band from 0 to the noise share of the output variance
    (``noise variance / output variance``): the share of the variance the indices divide up that is
    the runs' own noise, not the parameters. Indices inside the band are not told apart from noise.

    Args:
        result: The sensitivity analysis.
        metric: The output (default: the first analysed).
        scenario: Scenario name for the title (default: from the sweep's provenance).
    """
    m = result.metrics.index(metric) if metric else 0
    order = np.argsort(np.nan_to_num(result.total[m], nan=-1.0))
    names = [result.parameters[j] for j in order]
    note = textwrap.wrap(outside_unit_note(result, m), 64)
    fig = new_figure(9.0, 2.2 + 0.5 * len(names) + 0.2 * len(note))
    ax = fig.add_subplot()
    y = np.arange(len(names))
    noise_share = result.noise_variance[m] / result.output_variance[m] if result.output_variance[m] > 0 else np.nan
    if np.isfinite(noise_share):
        ax.axvspan(
            0.0,
            min(noise_share, 1.0),
            color="0.85",
            zorder=0,
            label=f"Monte Carlo noise: up to {noise_share:.0%} of the variance",
        )

    def bars(values: np.ndarray, lo: np.ndarray, hi: np.ndarray, offset: float, color: str, label: str) -> None:
        v, lo_, hi_ = values[m][order], lo[m][order], hi[m][order]
        err = np.vstack([np.clip(v - lo_, 0, None), np.clip(hi_ - v, 0, None)])
        ax.barh(y + offset, v, height=0.38, color=color, label=label, xerr=np.nan_to_num(err), capsize=3)

    bars(result.total, result.total_lo, result.total_hi, 0.2, "#c0392b", "total order S_T")
    bars(result.first, result.first_lo, result.first_hi, -0.2, "#2471a3", "first order S_1")
    ax.set_yticks(y, [_short(n, 48) for n in names])
    ax.axvline(0.0, color="black", linewidth=0.8)
    label = "Sobol' index (share of variance), 95% bootstrap interval"
    if note:  # under the axis label, where the layout makes room for it
        ax.axvline(1.0, color="black", linewidth=0.8, linestyle=":")
        label += "\n" + "\n".join(note)
    ax.set_xlabel(label)
    set_title(
        fig, f"Sensitivity of {metric_label(result.metrics[m])} (n = {result.n})", _sweep_scenario(result, scenario)
    )
    ax.grid(True, axis="x", alpha=0.3)
    ax.legend(loc="lower right", fontsize="small")
    return fig


def outside_unit_note(result: SensitivityResult, m: int = 0) -> str:
    """A note for the indices of output ``m`` estimated below 0 or above 1 ('' if none is).

    A Sobol' index is a share of variance, in [0, 1]; its estimate from a finite design and finite runs
    per point can land outside, by Monte Carlo noise (a small negative first-order index of a parameter
    that does not matter, a first-order index above 1 when the noise variance is a large part of the
    output variance).
    """
    found = []
    for label, values in (("S_1", result.first[m]), ("S_T", result.total[m])):
        for name, v in zip(result.parameters, values, strict=True):
            if np.isfinite(v) and not 0.0 <= v <= 1.0:
                found.append(f"{label} = {v:.2f} ({_short(name, 24)})")
    if not found:
        return ""
    shown = ", ".join(found[:3]) + (f" and {len(found) - 3} more" if len(found) > 3 else "")
    return (
        f"{shown}: outside [0, 1], where a share of variance lies, by Monte Carlo noise (finite n and runs "
        "per point); read such an index as 0 or 1 within its interval, or add --n / --runs."
    )


def morris_chart(result: MorrisResult, metric: str | None = None, scenario: str = "") -> Figure:
    """Morris screening: μ* per parameter (bars, 95% bootstrap interval) against the noise floor.

    Args:
        result: The Morris screening.
        metric: The output (default: the first analysed).
        scenario: Scenario name for the title (default: from the sweep's provenance).
    """
    m = result.metrics.index(metric) if metric else 0
    order = np.argsort(np.nan_to_num(result.mu_star[m], nan=-1.0))
    names = [result.parameters[j] for j in order]
    fig = new_figure(9.0, 2.2 + 0.4 * len(names))
    ax = fig.add_subplot()
    y = np.arange(len(names))
    ax.barh(y, result.mu_star[m][order], xerr=result.mu_star_conf[m][order], color="#c0392b", capsize=3, label="μ*")
    ax.plot(result.sigma[m][order], y, "o", color="#2471a3", label="σ (interactions, non-linearity)")
    floor = result.noise_floor[m]
    if np.isfinite(floor):
        ax.axvspan(0.0, floor, color="0.85", zorder=0, label="Monte Carlo noise floor of μ*")
    ax.set_yticks(y, [_short(n, 48) for n in names])
    ax.set_xlabel(f"effect on {metric_label(result.metrics[m])} per unit of the parameter's range")
    text = f"Morris screening of {metric_label(result.metrics[m])} ({result.trajectories} trajectories)"
    set_title(fig, text, _sweep_scenario(result, scenario))
    ax.grid(True, axis="x", alpha=0.3)
    ax.legend(loc="lower right", fontsize="small")
    return fig


def convergence_figure(frame: pd.DataFrame, label: str, target: float | None = None, scenario: str = "") -> Figure:
    """A probability and its 95% interval as runs accumulate, and the half-width against the target.

    Args:
        frame: :func:`sim.experiments.precision.convergence` output (``n, p, lo, hi, half_width``).
        label: What the probability is (e.g. ``P(max rung ≥ 3)``).
        target: Asked half-width, drawn as a line.
        scenario: Scenario name for the title.
    """
    fig = new_figure(8.0, 6.0)
    top, bottom = fig.subplots(2, 1, sharex=True)
    top.plot(frame["n"], frame["p"], color="#c0392b", label="estimate")
    top.fill_between(
        frame["n"], frame["lo"], frame["hi"], color="#c0392b", alpha=0.2, linewidth=0, label="95% interval"
    )
    top.set_ylabel(label)
    top.set_ylim(0.0, 1.0)
    top.set_xscale("log")
    top.grid(True, alpha=0.3)
    top.legend(fontsize="small")
    set_title(fig, f"Convergence of {label}", scenario)
    bottom.plot(frame["n"], frame["half_width"], color="#2471a3", label="half-width")
    if target is not None:
        bottom.axhline(target, color="black", linestyle="--", linewidth=1, label=f"target ±{target:g}")
    bottom.set_yscale("log")
    bottom.set_xlabel("runs")
    bottom.set_ylabel("95% half-width")
    bottom.grid(True, which="both", alpha=0.3)
    bottom.legend(fontsize="small")
    return fig


_UNITS = {"severity": "severity points per run", "engagements_false": "false engagements per run"}


def comparison_forest(result: ComparisonResult, metrics: Sequence[str] | None = None) -> Figure:
    """Differences against the baseline: probabilities on one panel, each per-run mean on its own.

    Each row is one (arm, metric): the paired 95% interval (thick red), the unpaired interval the same
    runs would give without common random numbers (thin grey) and the estimate (dot). Probabilities
    share a panel and an axis in probability units; severity and counts are in other units, so each
    gets a panel of its own. A probability's row label gives the runs where only the arm, or only the
    baseline, reached it (the discordant pairs its interval rests on).
    """
    diffs = [d for d in result.differences if metrics is None or d.metric in metrics]
    panels = [[d for d in diffs if is_probability(d.metric)]]
    panels += [
        [d for d in diffs if d.metric == m]
        for m in dict.fromkeys(d.metric for d in diffs if not is_probability(d.metric))
    ]
    panels = [p for p in panels if p]
    rows = [len(p) for p in panels]
    fig = new_figure(9.0, 1.6 + 0.32 * sum(rows) + 0.6 * len(panels))
    axes = fig.subplots(len(panels), 1, squeeze=False, gridspec_kw={"height_ratios": [r + 1.2 for r in rows]})[:, 0]
    for ax, panel in zip(axes, panels, strict=True):
        _forest_panel(ax, panel)
    axes[-1].plot([], [], color="#c0392b", linewidth=4, label="paired 95% (common random numbers)")
    axes[-1].plot([], [], color="#aab7b8", linewidth=1.5, label="unpaired 95% (as if run independently)")
    axes[-1].legend(loc="upper center", bbox_to_anchor=(0.5, -0.45), ncols=2, fontsize="small", frameon=False)
    scenario = result.metadata.get("scenario", "")
    set_title(fig, f"Paired comparison against {result.arms[0].name}, {result.runs} runs per arm", scenario)
    return fig


def _forest_panel(ax: Axes, diffs: list[Difference]) -> None:
    for i, d in enumerate(reversed(diffs)):
        p = d.paired
        ax.plot([p.unpaired_lo, p.unpaired_hi], [i, i], color="#aab7b8", linewidth=1.5)
        ax.plot([p.lo, p.hi], [i, i], color="#c0392b", linewidth=4, solid_capstyle="butt")
        ax.plot([p.diff], [i], "o", color="black", ms=4)
    labels = []
    for d in reversed(diffs):
        label = f"{d.arm}: {metric_label(d.metric)}"
        if d.paired.a_only is not None:
            label += f"  ({d.paired.a_only} / {d.paired.b_only})"
        labels.append(label)
    ax.set_yticks(range(len(diffs)), labels)
    ax.set_ylim(-0.7, len(diffs) - 0.3)
    ax.axvline(0.0, color="black", linewidth=0.8)
    metric = diffs[0].metric
    if is_probability(metric):
        ax.set_xlabel("difference in probability, arm − baseline (runs: arm only / baseline only)")
    else:
        ax.set_xlabel(f"difference in {_UNITS.get(metric, metric_label(metric))}, arm − baseline")
    ax.grid(True, axis="x", alpha=0.3)


def _short(name: str, size: int = 36) -> str:
    """A long parameter path shortened from the left (the end says most)."""
    return name if len(name) <= size else "…" + name[-(size - 1) :]
