"""Figures of a parameter sweep: probabilities against one parameter (lines or categories) and heatmaps.

They take a point table (:func:`sim.experiments.sweep.sweep`): ``point``, then one column per swept
parameter, then the summary columns from ``n_runs`` on. When a figure shows fewer parameters than were
swept, each of its points is the mean over the design points that share its value, and the figure
says over which parameters (and how many values of each) it averaged. The band is a 95% interval of
what is drawn (:func:`averaged_interval`): the Wilson interval of the averaged probability p̄ with the
runs per point as its sample size. The averaged points run the same run indices (common random
numbers), so the k·n runs are not k·n independent runs; the average of run i over the k points is one
independent value in [0, 1] with mean p̄, whose variance is at most p̄(1 − p̄). So the band covers the
drawn curve's sampling error whatever the correlation between points (exact when nothing is averaged),
and it never treats correlated runs as independent (which pooling all k·n runs would).

The heatmap's colour scale spans the values it shows (0.37 and 0.40 look different); a heatmap of
differences from a baseline cell (``baseline=``), or of any value of both signs, uses a diverging scale
centred at 0.

A parameter whose values are not numbers (autonomy levels, on/off switches) is drawn as categories:
a marker with an error bar per value, no line between them (the order of categories means nothing).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.colors import Normalize, TwoSlopeNorm
from matplotlib.figure import Figure

from sim.experiments.metrics import metric_label
from sim.experiments.stats import wilson_interval
from sim.report.style import COLORS, DPI, new_figure, set_title

__all__ = [
    "averaged_interval",
    "averaged_over",
    "parameter_columns",
    "save_sweep_figures",
    "sweep_heatmap",
    "sweep_lines",
]


def parameter_columns(points: pd.DataFrame) -> list[str]:
    """The swept parameters of a point table: the columns between ``point`` and ``n_runs``."""
    cols = list(points.columns)
    start = cols.index("point") + 1 if "point" in cols else 0
    end = cols.index("n_runs") if "n_runs" in cols else len(cols)
    return cols[start:end]


def averaged_over(points: pd.DataFrame, shown: Sequence[str]) -> str:
    """``"averaged over a (3 values), b (5 values)"``: the swept parameters a figure does not show."""
    hidden = [p for p in parameter_columns(points) if p not in shown]
    if not hidden:
        return ""
    parts = [f"{_short(p, 40)} ({points[p].nunique()} values)" for p in hidden]
    return "averaged over " + ", ".join(parts)


def _is_categorical(values: pd.Series) -> bool:
    return not (pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values))


def _short(name: str, size: int = 36) -> str:
    """A long parameter path shortened from the left (the end says most)."""
    return name if len(name) <= size else "…" + name[-(size - 1) :]


def _tick(v: object) -> str:
    return f"{v:.3g}" if isinstance(v, float) else str(v)


def _runs_per_point(points: pd.DataFrame) -> int:
    return int(points["n_runs"].iloc[0]) if "n_runs" in points and len(points) else 0


def averaged_interval(p: np.ndarray | pd.Series, runs: int) -> tuple[np.ndarray, np.ndarray]:
    """95% interval of an average of probabilities estimated on the same ``runs`` run indices.

    The Wilson interval of ``p̄ · runs`` successes in ``runs`` trials: valid for the average of any
    number of points sharing their runs (see the module docstring), the points' own interval when
    one point is averaged.

    Args:
        p: The averaged probabilities (one per drawn point).
        runs: Runs per design point.

    Returns:
        ``(lo, hi)`` arrays.
    """
    p = np.clip(np.asarray(p, dtype=float), 0.0, 1.0)
    lo, hi = wilson_interval(p * runs, np.full(p.shape, float(runs)))
    return np.atleast_1d(lo), np.atleast_1d(hi)


def _averaged(frame: pd.DataFrame, param: str, metric: str, runs: int, sort: bool = True) -> pd.DataFrame:
    """The drawn values (mean over the points sharing a value of ``param``) and their interval."""
    agg = frame.groupby(param, sort=sort)[[metric]].mean()
    count = frame.groupby(param, sort=sort)[metric].size()
    lo, hi = averaged_interval(agg[metric].to_numpy(), runs)
    single = (count == 1).to_numpy()  # one point: its own interval (the same Wilson interval, or another kind)
    own = frame.groupby(param, sort=sort)[[f"{metric}_lo", f"{metric}_hi"]].mean()
    agg["lo"] = np.where(single, own[f"{metric}_lo"].to_numpy(), lo)
    agg["hi"] = np.where(single, own[f"{metric}_hi"].to_numpy(), hi)
    return agg


def sweep_lines(
    points: pd.DataFrame,
    param: str,
    metrics: Sequence[str] = ("p_ge_3", "p_inadvertent"),
    by: str | None = None,
    scenario: str = "",
) -> Figure:
    """Probabilities against one swept parameter, with their 95% intervals.

    Args:
        points: A point table (:func:`sim.experiments.sweep.sweep`).
        param: The parameter on the x axis (a column of ``points``).
        metrics: Probability columns to draw (each with ``_lo``/``_hi`` columns).
        by: Another parameter; one line (or set of markers) per value of it.
        scenario: Scenario name for the title.

    Returns:
        The figure. A numeric parameter is a line with a band; a categorical one is markers with error
        bars at evenly spaced categories; a sampled design (LHS, Sobol') is a dot per point. The title
        says what the figure averages over.
    """
    fig = new_figure(8.0, 5.0)
    ax = fig.add_subplot()
    groups = [(None, points)] if by is None else list(points.groupby(by, sort=True))
    categorical = _is_categorical(points[param])
    sampled = not categorical and points[param].nunique() > 0.5 * len(points) and len(points) > 8
    categories = sorted(points[param].unique(), key=str) if categorical else []
    width = 0.6 / max(1, len(groups) * len(metrics))
    runs = _runs_per_point(points)
    for g, (key, frame) in enumerate(groups):
        for m, metric in enumerate(metrics):
            color = COLORS[(g * len(metrics) + m) % len(COLORS)]
            label = metric_label(metric) + ("" if key is None else f", {_short(str(by), 30)} = {_tick(key)}")
            if sampled:
                _dots(ax, frame, param, metric, color, label)
            elif categorical:
                offset = (g * len(metrics) + m + 0.5) * width - 0.3
                _categories(ax, frame, param, metric, categories, offset, color, label, runs)
            else:
                _line(ax, frame, param, metric, color, label, runs)
    if categorical:
        ax.set_xticks(range(len(categories)), [_tick(c) for c in categories])
        ax.set_xlim(-0.6, len(categories) - 0.4)
    ax.set_xlabel(_short(param, 70))
    averaged = bool(averaged_over(points, [param] if by is None else [param, by]))
    ax.set_ylabel("probability (95% interval)" if sampled or not averaged else "mean probability (95% interval)")
    ax.set_ylim(0.0, 1.0)
    ax.grid(True, alpha=0.3)
    shown = [param] if by is None else [param, by]
    note = averaged_over(points, shown) if not sampled else "each dot one design point"
    text = f"Sweep over {_short(param)}: {_runs_per_point(points)} runs per point, common random numbers"
    set_title(fig, text + (f"; {note}" if note else ""), scenario)
    ax.legend(fontsize="small")
    return fig


def _dots(ax: Axes, frame: pd.DataFrame, param: str, metric: str, color: str, label: str) -> None:
    f = frame.sort_values(param)
    err = np.vstack([f[metric] - f[f"{metric}_lo"], f[f"{metric}_hi"] - f[metric]])
    ax.errorbar(f[param], f[metric], yerr=err, fmt="o", ms=3, color=color, alpha=0.7, label=label)


def _line(ax: Axes, frame: pd.DataFrame, param: str, metric: str, color: str, label: str, runs: int) -> None:
    agg = _averaged(frame, param, metric, runs)
    x = agg.index.to_numpy()
    ax.plot(x, agg[metric], marker="o", color=color, label=label)
    ax.fill_between(x, agg["lo"], agg["hi"], color=color, alpha=0.2, linewidth=0)


def _categories(
    ax: Axes,
    frame: pd.DataFrame,
    param: str,
    metric: str,
    categories: list,
    offset: float,
    color: str,
    label: str,
    runs: int,
) -> None:
    agg = _averaged(frame, param, metric, runs, sort=False)
    agg = agg.reindex([c for c in categories if c in agg.index])
    x = np.array([categories.index(c) for c in agg.index], dtype=float) + offset
    err = np.vstack([agg[metric] - agg["lo"], agg["hi"] - agg[metric]])
    ax.errorbar(x, agg[metric], yerr=np.clip(err, 0, None), fmt="o", ms=6, capsize=4, color=color, label=label)


def sweep_heatmap(
    points: pd.DataFrame,
    x: str,
    y: str,
    metric: str = "p_ge_3",
    scenario: str = "",
    baseline: tuple[Any, Any] | None = None,
) -> Figure:
    """A probability over two swept parameters (grid sweeps); each cell shows the estimate and interval.

    The colour scale spans the values shown (sequential), so nearby probabilities look different; the
    colour bar says where the scale ends. With ``baseline=(x value, y value)`` each cell shows its
    difference from that cell, on a diverging scale centred at 0 (and so does a table whose values
    take both signs). Points that share (x, y) but differ in other parameters are averaged (the title
    says over what).
    """
    table = points.groupby([y, x], sort=True)[[metric, f"{metric}_lo", f"{metric}_hi"]].mean()
    grid = table[metric].unstack(x)
    lo, hi = table[f"{metric}_lo"].unstack(x), table[f"{metric}_hi"].unstack(x)
    values = grid.to_numpy(dtype=float)
    if baseline is not None:
        values = values - float(grid.loc[baseline[1], baseline[0]])
    fig = new_figure(max(6.0, 1.6 + 1.1 * grid.shape[1]), 2.0 + 0.8 * max(3, grid.shape[0]))
    ax = fig.add_subplot()
    norm, cmap = _heat_scale(values, diverging=baseline is not None)
    image = ax.imshow(values, origin="lower", cmap=cmap, norm=norm, aspect="auto")
    for i in range(grid.shape[0]):
        for j in range(grid.shape[1]):
            v = values[i, j]
            if np.isfinite(v):
                if baseline is None:
                    text = f"{v:.2f}\n[{lo.iat[i, j]:.2f}, {hi.iat[i, j]:.2f}]"
                else:
                    text = f"{v:+.3f}" if (grid.columns[j], grid.index[i]) != tuple(baseline) else "baseline"
                shade = abs(norm(v) - 0.5) > 0.3 if isinstance(norm, TwoSlopeNorm) else norm(v) > 0.6
                ax.text(j, i, text, ha="center", va="center", fontsize=7, color="white" if shade else "black")
    ax.set_xticks(range(grid.shape[1]), [_tick(v) for v in grid.columns], rotation=30)
    ax.set_yticks(range(grid.shape[0]), [_tick(v) for v in grid.index])
    ax.set_xlabel(_short(x))
    ax.set_ylabel(_short(y))
    note = averaged_over(points, [x, y])
    runs = _runs_per_point(points)
    if baseline is None:
        text = f"{metric_label(metric)} (95% interval), {runs} runs per cell"
        bar_label = metric_label(metric)
    else:
        where = f"{_short(x, 24)} = {_tick(baseline[0])}, {_short(y, 24)} = {_tick(baseline[1])}"
        text = f"{metric_label(metric)}: difference from the cell {where}, {runs} runs per cell, common random numbers"
        bar_label = f"difference in {metric_label(metric)}"
    set_title(fig, text + (f"; {note}" if note else ""), scenario)
    fig.colorbar(image, ax=ax, label=bar_label)
    return fig


def _heat_scale(values: np.ndarray, diverging: bool = False) -> tuple[Normalize, str]:
    """A diverging scale centred at 0 (differences, or values below 0), else a sequential one over the values' range."""
    finite = values[np.isfinite(values)]
    low, high = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
    if diverging or low < 0.0:
        reach = max(abs(low), abs(high)) or 1.0
        return TwoSlopeNorm(vcenter=0.0, vmin=-reach, vmax=reach), "RdBu_r"
    if high - low < 1e-9:  # one value everywhere: a scale around it
        low, high = low - 0.05, high + 0.05
    return Normalize(vmin=low, vmax=high), "YlOrRd"


def save_sweep_figures(
    points: pd.DataFrame,
    parameters: Sequence[str],
    out_dir: str | os.PathLike[str],
    grid: bool = True,
    scenario: str = "",
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
        sweep_lines(points, name, scenario=scenario).savefig(path, dpi=DPI)
        paths.append(path)
    if grid and len(parameters) >= 2:
        x, y = parameters[0], parameters[1]
        if points[x].nunique() * points[y].nunique() <= 400:
            for metric in ("p_ge_3", "p_inadvertent"):
                path = out / f"heatmap_{metric}.png"
                sweep_heatmap(points, x, y, metric, scenario=scenario).savefig(path, dpi=DPI)
                paths.append(path)
    return paths


def _slug(name: str) -> str:
    return "".join(c if c.isalnum() else "_" for c in name).strip("_")
