"""Figures of experiments: sweep lines and heatmaps, tornado of Sobol' indices, convergence, comparisons.

Like :mod:`sim.report.figures`, every function returns a fresh :class:`~matplotlib.figure.Figure` on an
Agg canvas (never pyplot), so they work in workers, threads and Streamlit. They take saved results
(point tables, :class:`~sim.experiments.sensitivity.SensitivityResult`, convergence frames,
:class:`~sim.experiments.compare.ComparisonResult`): experimentation and analysis stay separate.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from sim.experiments.metrics import metric_label

if TYPE_CHECKING:
    from sim.experiments.compare import ComparisonResult
    from sim.experiments.sensitivity import SensitivityResult

__all__ = [
    "comparison_forest",
    "convergence_figure",
    "save_sweep_figures",
    "sweep_heatmap",
    "sweep_lines",
    "tornado",
]

DPI = 120
_COLORS = ("#c0392b", "#2471a3", "#7d3c98", "#1e8449", "#b9770e", "#566573")


def _figure(width: float = 8.0, height: float = 4.8) -> Figure:
    fig = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def _numeric(values: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)


def sweep_lines(
    points: pd.DataFrame, param: str, metrics: Sequence[str] = ("p_ge_3", "p_inadvertent"), by: str | None = None
) -> Figure:
    """Probabilities against one swept parameter, with their 95% intervals as bands.

    Args:
        points: A point table (:func:`sim.experiments.sweep.sweep`).
        param: The parameter on the x axis (a column of ``points``).
        metrics: Probability columns to draw (each with ``_lo``/``_hi`` columns).
        by: Another parameter; one line per value of it (grid sweeps).

    Returns:
        The figure. Points that differ in other parameters are averaged unless ``by`` separates them;
        for sampled (LHS/Sobol') designs each point is drawn as a dot with its interval.
    """
    fig = _figure()
    ax = fig.add_subplot()
    groups = [(None, points)] if by is None else list(points.groupby(by, sort=True))
    numeric = _numeric(points[param])
    sampled = points[param].nunique() > 0.5 * len(points) and len(points) > 8
    for g, (key, frame) in enumerate(groups):
        for m, metric in enumerate(metrics):
            color = _COLORS[(g * len(metrics) + m) % len(_COLORS)]
            label = metric_label(metric) + ("" if key is None else f", {by}={key}")
            cols = [metric, f"{metric}_lo", f"{metric}_hi"]
            if sampled:
                f = frame.sort_values(param)
                err = np.vstack([f[metric] - f[f"{metric}_lo"], f[f"{metric}_hi"] - f[metric]])
                ax.errorbar(f[param], f[metric], yerr=err, fmt="o", ms=3, color=color, alpha=0.7, label=label)
                continue
            agg = frame.groupby(param, sort=True)[cols].mean()
            x = agg.index.to_numpy() if numeric else np.arange(len(agg))
            ax.plot(x, agg[metric], marker="o", color=color, label=label)
            ax.fill_between(x, agg[f"{metric}_lo"], agg[f"{metric}_hi"], color=color, alpha=0.2, linewidth=0)
            if not numeric:
                ax.set_xticks(x, [str(v) for v in agg.index])
    ax.set_xlabel(_short(param, 60))
    ax.set_ylabel("probability (95% Wilson interval)")
    ax.set_ylim(0.0, 1.0)
    ax.grid(True, alpha=0.3)
    n = int(points["n_runs"].iloc[0]) if "n_runs" in points and len(points) else 0
    ax.set_title(f"Sweep over {_short(param)} ({n} runs per point, common random numbers)")
    ax.legend(fontsize="small")
    return fig


def sweep_heatmap(points: pd.DataFrame, x: str, y: str, metric: str = "p_ge_3") -> Figure:
    """A probability over two swept parameters (grid sweeps); each cell shows the estimate and interval.

    Points that share (x, y) but differ in other parameters are averaged.
    """
    table = points.groupby([y, x], sort=True)[[metric, f"{metric}_lo", f"{metric}_hi"]].mean()
    grid = table[metric].unstack(x)
    lo, hi = table[f"{metric}_lo"].unstack(x), table[f"{metric}_hi"].unstack(x)
    fig = _figure(1.2 + 1.1 * max(3, grid.shape[1]), 1.2 + 0.8 * max(3, grid.shape[0]))
    ax = fig.add_subplot()
    image = ax.imshow(grid.to_numpy(dtype=float), origin="lower", cmap="YlOrRd", vmin=0.0, vmax=1.0, aspect="auto")
    for i in range(grid.shape[0]):
        for j in range(grid.shape[1]):
            v = grid.iat[i, j]
            if np.isfinite(v):
                text = f"{v:.2f}\n[{lo.iat[i, j]:.2f}, {hi.iat[i, j]:.2f}]"
                ax.text(j, i, text, ha="center", va="center", fontsize=7, color="black" if v < 0.6 else "white")
    ax.set_xticks(range(grid.shape[1]), [_tick(v) for v in grid.columns], rotation=30)
    ax.set_yticks(range(grid.shape[0]), [_tick(v) for v in grid.index])
    ax.set_xlabel(_short(x))
    ax.set_ylabel(_short(y))
    ax.set_title(f"{metric_label(metric)} (95% interval)")
    fig.colorbar(image, ax=ax, label=metric_label(metric))
    return fig


def _short(name: str, size: int = 36) -> str:
    """A long parameter path shortened from the left (the end says most)."""
    return name if len(name) <= size else "…" + name[-(size - 1) :]


def _tick(v: object) -> str:
    return f"{v:.3g}" if isinstance(v, float) else str(v)


def tornado(result: SensitivityResult, metric: str | None = None) -> Figure:
    """Sobol' indices as a tornado: parameters sorted by total-order index, bars with 95% intervals.

    Args:
        result: The sensitivity analysis.
        metric: The output (default: the first analysed).
    """
    m = result.metrics.index(metric) if metric else 0
    order = np.argsort(np.nan_to_num(result.total[m], nan=-1.0))
    names = [result.parameters[j] for j in order]
    fig = _figure(8.0, 1.4 + 0.5 * len(names))
    ax = fig.add_subplot()
    y = np.arange(len(names))

    def bars(values: np.ndarray, lo: np.ndarray, hi: np.ndarray, offset: float, color: str, label: str) -> None:
        v, lo_, hi_ = values[m][order], lo[m][order], hi[m][order]
        err = np.vstack([np.clip(v - lo_, 0, None), np.clip(hi_ - v, 0, None)])
        ax.barh(y + offset, v, height=0.38, color=color, label=label, xerr=err, capsize=3)

    bars(result.total, result.total_lo, result.total_hi, 0.2, "#c0392b", "total order S_T")
    bars(result.first, result.first_lo, result.first_hi, -0.2, "#2471a3", "first order S_1")
    ax.set_yticks(y, names)
    ax.axvline(0.0, color="black", linewidth=0.8)
    ax.set_xlabel("Sobol' index (share of variance), 95% bootstrap interval")
    ax.set_title(f"Sensitivity of {metric_label(result.metrics[m])} (n = {result.n})")
    ax.grid(True, axis="x", alpha=0.3)
    ax.legend(loc="lower right", fontsize="small")
    return fig


def convergence_figure(frame: pd.DataFrame, label: str, target: float | None = None) -> Figure:
    """A probability and its 95% interval as runs accumulate, and the half-width against the target.

    Args:
        frame: :func:`sim.experiments.precision.convergence` output (``n, p, lo, hi, half_width``).
        label: What the probability is (e.g. ``P(max rung ≥ 3)``).
        target: Asked half-width, drawn as a line.
    """
    fig = _figure(8.0, 6.0)
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
    top.set_title(f"Convergence of {label}")
    bottom.plot(frame["n"], frame["half_width"], color="#2471a3", label="half-width")
    if target is not None:
        bottom.axhline(target, color="black", linestyle="--", linewidth=1, label=f"target ±{target:g}")
    bottom.set_yscale("log")
    bottom.set_xlabel("runs")
    bottom.set_ylabel("95% half-width")
    bottom.grid(True, which="both", alpha=0.3)
    bottom.legend(fontsize="small")
    return fig


def comparison_forest(result: ComparisonResult, metrics: Sequence[str] | None = None) -> Figure:
    """Differences against the baseline with their paired (thick) and unpaired (thin) 95% intervals."""
    diffs = [d for d in result.differences if metrics is None or d.metric in metrics]
    fig = _figure(8.0, 1.4 + 0.35 * len(diffs))
    ax = fig.add_subplot()
    for i, d in enumerate(reversed(diffs)):
        p = d.paired
        ax.plot([p.unpaired_lo, p.unpaired_hi], [i, i], color="#aab7b8", linewidth=1.5)
        ax.plot([p.lo, p.hi], [i, i], color="#c0392b", linewidth=4, solid_capstyle="butt")
        ax.plot([p.diff], [i], "o", color="black", ms=4)
    ax.set_yticks(range(len(diffs)), [f"{d.arm} − {d.baseline}: {metric_label(d.metric)}" for d in reversed(diffs)])
    ax.axvline(0.0, color="black", linewidth=0.8)
    ax.set_xlabel("difference (red: paired 95% interval; grey: unpaired)")
    ax.set_title(f"Paired comparison, {result.runs} runs per arm on common random numbers")
    ax.grid(True, axis="x", alpha=0.3)
    return fig


def save_sweep_figures(
    points: pd.DataFrame, parameters: Sequence[str], out_dir: str | os.PathLike[str], grid: bool = True
) -> list[Path]:
    """Write the standard sweep figures: lines per parameter and, for a grid, heatmaps of the first two.

    Returns:
        The PNG files written.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for name in parameters:
        path = out / f"sweep_{_slug(name)}.png"
        sweep_lines(points, name).savefig(path, dpi=DPI)
        paths.append(path)
    if grid and len(parameters) >= 2:
        x, y = parameters[0], parameters[1]
        if points[x].nunique() * points[y].nunique() <= 400:
            for metric in ("p_ge_3", "p_inadvertent"):
                path = out / f"heatmap_{metric}.png"
                sweep_heatmap(points, x, y, metric).savefig(path, dpi=DPI)
                paths.append(path)
    return paths


def _slug(name: str) -> str:
    return "".join(c if c.isalnum() else "_" for c in name).strip("_")
