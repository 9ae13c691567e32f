"""The hindcast's figure: reliability of the model's forecasts, and each question's probability of what happened.

Left: a reliability diagram. Each question is a point at the model's forecast probability of its event (x) and
what happened (y: 1 or 0, or the observed share), filled when out of sample, hollow when in sample; the out-of-
sample binary questions are also pooled in bins of forecast probability, each bin's observed frequency drawn with its
Wilson interval and the number of questions in it. A calibrated forecaster lies on the diagonal. Right: for
every question, the probability the model (dot, with its 95% interval) and the baseline (cross) gave to what
actually happened, on a log axis down to the scoring floor. Like the other figures, it returns a fresh
:class:`~matplotlib.figure.Figure` on an Agg canvas (never pyplot).
"""

from __future__ import annotations

import itertools
import math
from typing import TYPE_CHECKING

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from sim.experiments.stats import wilson_interval
from sim.report.style import COLORS, new_figure, set_title

if TYPE_CHECKING:
    from sim.experiments.hindcast import HindcastResult, QuestionResult

__all__ = ["BINS", "binned", "reliability_figure"]

BINS = (0.0, 0.1, 0.3, 0.7, 0.9, 1.0)
"""Edges of the forecast-probability bins of the reliability diagram."""

MODEL, BASELINE = COLORS[1], COLORS[5]


def reliability_figure(result: HindcastResult) -> Figure:
    """Reliability diagram and the probability of what happened, model against baseline."""
    questions = list(result.questions)
    fig = new_figure(11.0, max(4.8, 0.42 * len(questions) + 1.8))
    left, right = fig.subplots(1, 2, width_ratios=(1.0, 1.25))
    _reliability(left, questions)
    _happened(right, questions, result.settings.get("probability_floor", 0.001))
    runs = result.settings.get("runs", "?")
    posterior = " with the calibrated posterior" if result.settings.get("posterior") else ""
    set_title(fig, f"Hindcast: the model against real incidents ({runs} runs per scenario{posterior})")
    return fig


def _reliability(ax: Axes, questions: list[QuestionResult]) -> None:
    ax.plot([0, 1], [0, 1], color="#999999", lw=1, ls="--", label="calibrated")
    rng = np.random.default_rng(0)  # jitter for display only: the figure is the same every time
    for q in questions:
        if math.isnan(q.model.scored):
            continue
        y = q.observed + (rng.uniform(-0.025, 0.025) if q.kind == "binary" else 0.0)
        face = "none" if q.in_sample else MODEL
        ax.scatter([q.model.scored], [y], s=36, facecolors=face, edgecolors=MODEL, zorder=3)
    for x, frequency, lo, hi, n in binned(questions):
        ax.errorbar(
            [x], [frequency], yerr=[[frequency - lo], [hi - frequency]], fmt="s", color=COLORS[0], ms=7, capsize=3
        )
        ax.annotate(f"n={n}", (x, frequency), textcoords="offset points", xytext=(6, 6), fontsize=8, color=COLORS[0])
    ax.scatter([], [], s=36, color=MODEL, label="question, out of sample")
    ax.scatter([], [], s=36, facecolors="none", edgecolors=MODEL, label="question, in sample")
    ax.errorbar([], [], fmt="s", color=COLORS[0], label="out of sample, binned (Wilson 95%)")
    ax.set_xlim(-0.03, 1.03)
    ax.set_ylim(-0.08, 1.08)
    ax.set_xlabel("model's forecast probability of the event")
    ax.set_ylabel("what happened (1 yes, 0 no; or the observed share)")
    ax.set_title("Reliability", fontsize=10)
    ax.legend(fontsize=7, loc="center right")
    ax.grid(alpha=0.3)


def binned(questions: list[QuestionResult]) -> list[tuple[float, float, float, float, int]]:
    """Out-of-sample binary questions pooled by forecast probability (:data:`BINS`).

    Returns:
        Per non-empty bin: the mean forecast, the observed frequency, its Wilson 95% interval and the count.
    """
    out = [q for q in questions if not q.in_sample and q.kind == "binary" and not math.isnan(q.model.scored)]
    rows = []
    for lo_edge, hi_edge in itertools.pairwise(BINS):
        inside = [q for q in out if lo_edge <= q.model.scored < hi_edge or q.model.scored == hi_edge == BINS[-1]]
        if inside:
            hits = sum(1 for q in inside if q.happened)
            lo, hi = wilson_interval(hits, len(inside))
            mean = float(np.mean([q.model.scored for q in inside]))
            rows.append((mean, hits / len(inside), float(lo), float(hi), len(inside)))
    return rows


def _happened(ax: Axes, questions: list[QuestionResult], floor: float) -> None:
    labels = []
    for row, q in enumerate(reversed(questions)):
        labels.append(f"{q.key}{' (in sample)' if q.in_sample else ''}")
        model, base = q.model, q.baseline
        if not math.isnan(model.p_happened):
            lo, hi = _interval_of_happened(q, floor)
            ax.plot([lo, hi], [row, row], color=MODEL, lw=2, alpha=0.6)
            ax.scatter(
                [model.p_happened], [row], color=MODEL if not q.in_sample else "white", edgecolors=MODEL, s=40, zorder=3
            )
        if not math.isnan(base.p_happened):
            ax.scatter([base.p_happened], [row], marker="x", color=BASELINE, s=40, zorder=3)
    ax.scatter([], [], color=MODEL, s=40, label="model (95% interval)")
    ax.scatter([], [], marker="x", color=BASELINE, s=40, label="baseline")
    ax.set_xscale("log")
    ax.set_xlim(floor * 0.7, 1.3)
    ax.axvline(floor, color="#999999", lw=1, ls=":")
    ax.set_yticks(range(len(labels)), labels, fontsize=8)
    ax.set_xlabel("probability given to what actually happened (floor dotted)")
    ax.set_title("What happened: model against baseline", fontsize=10)
    ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.09), ncol=2)
    ax.grid(alpha=0.3, axis="x")


def _interval_of_happened(q: QuestionResult, floor: float) -> tuple[float, float]:
    """The model's 95% interval as an interval of the probability of what happened (held at the floor)."""
    e = q.model.estimate
    if q.kind == "share":
        return q.model.p_happened, q.model.p_happened
    lo, hi = (e.lo, e.hi) if q.happened else (1.0 - e.hi, 1.0 - e.lo)
    return max(lo, floor), max(hi, floor)
