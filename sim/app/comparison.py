"""Compare that answers: a verdict per option in plain words, a forest plot, and the table as files.

The table is exactly :meth:`sim.experiments.compare.ComparisonResult.frame` (one row per option and
metric: the paired difference against the baseline with its intervals), so what the app downloads
is what the Python API returns.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from typing import Any

import pandas as pd
from matplotlib.figure import Figure

from sim.experiments.compare import Arm, ComparisonResult, Difference
from sim.experiments.metrics import PROBABILITY_METRICS, is_probability, metric_label
from sim.report.figures import DPI

__all__ = [
    "COUNT_METRICS",
    "DEFAULT_VERDICT_METRIC",
    "arm_phrase",
    "comparison_csv",
    "comparison_frame",
    "comparison_parquet",
    "forest_figure",
    "metric_phrase",
    "verdict",
    "verdicts",
]

DEFAULT_VERDICT_METRIC = "p_ge_4"
"""The verdict speaks of reaching theater strikes unless asked otherwise."""

COUNT_METRICS = ("severity", "engagements_false")
"""Metrics that are means per run, not probabilities (drawn on their own axis)."""

REACHING = {
    1: "gray-zone pressure",
    2: "a show of force",
    3: "a limited kinetic incident",
    4: "strikes",
    5: "strategic strikes",
    6: "nuclear signalling",
    7: "nuclear use",
}
LEVER_NAMES = {
    "hotline": "the hotline",
    "incidents_at_sea": "incidents-at-sea rules",
    "human_control_norm": "the human-control norm",
    "asat_test_moratorium": "the ASAT test moratorium",
}
MINUS = "\u2212"


def metric_phrase(metric: str) -> str:
    """A metric as the verdict says it: ``P(reaching strikes)``, ``P(inadvertent escalation)``, ..."""
    if metric.startswith("p_ge_"):
        return f"P(reaching {REACHING[int(metric[5:])]})"
    return {
        "p_inadvertent": "P(inadvertent escalation)",
        "severity": "the mean severity score",
        "engagements_false": "false engagements per run",
    }.get(metric, metric_label(metric))


def _words(path: Sequence[Any]) -> str:
    return " ".join(str(p).replace("_", " ") for p in path)


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, float):
        return f"{value:g}"
    return str(getattr(value, "value", value)).replace("_", " ")


def arm_phrase(arm: Arm) -> str:
    """What an option does, as the start of a sentence: "Without the hotline", "With the human-control norm"."""
    switched, settings, sections = [], [], set()
    for path, value in arm.overrides:
        path = tuple(path)
        if len(path) == 3 and path[0] == "policy" and path[2] == "enabled" and isinstance(value, bool):
            name = LEVER_NAMES.get(str(path[1]), _words(path[1:2]))
            switched.append(("with " if value else "without ") + name)
            sections.add(path[1])
        else:
            settings.append((path, value))
    parts = []
    for path, value in settings:
        shown = path[2:] if len(path) >= 3 and path[0] == "policy" and path[1] in sections else path[-2:]
        parts.append(f"{_words(shown)} {_value(value)}")
    if switched:
        text = " and ".join(switched)
        text += f" ({', '.join(parts)})" if parts else ""
    elif parts:
        text = "with " + ", ".join(parts)
    else:
        return f"Under “{arm.name}”"
    return text[0].upper() + text[1:]


def _points(x: float) -> str:
    return f"{abs(x):.0f}" if abs(x) >= 10 else f"{abs(x):.1f}"


def _signed(x: float, digits: str) -> str:
    text = format(abs(x), digits)
    return (MINUS + text) if x < 0 and float(text) != 0 else text


def verdict(arm: Arm, difference: Difference, runs: int) -> str:
    """One sentence: what the option does to the metric against the baseline, with the paired 95% interval.

    For a probability the change is in percentage points ("rises by 4.0 points [1.2, 6.8]"); an interval
    that contains zero is said to be indistinguishable from no change at this number of runs.
    """
    p = difference.paired
    subject = f"{arm_phrase(arm)}, {metric_phrase(difference.metric)}"
    scale, unit = (100.0, " points") if is_probability(difference.metric) else (1.0, "")
    diff, lo, hi = p.diff * scale, p.lo * scale, p.hi * scale
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return f"{subject} cannot be compared with {runs:,} runs."
    digits = ".0f" if max(abs(lo), abs(hi)) >= 10 else ".1f"
    interval = f"[{_signed(lo, digits)}, {_signed(hi, digits)}]"
    if diff == 0 and lo == 0 and hi == 0:
        return f"{subject} does not change in any of the {runs:,} paired runs: this option moves nothing here."
    verb = "rises" if diff > 0 else "falls" if diff < 0 else "does not change"
    amount = f" by {_points(diff) if unit else format(abs(diff), '.3g')}{unit}" if diff else f" (0{unit})"
    text = f"{subject} {verb}{amount} {interval}"
    if lo <= 0 <= hi:
        text += f" — not distinguishable from no change with {runs:,} runs"
    return text + "."


def verdicts(result: ComparisonResult, metric: str = DEFAULT_VERDICT_METRIC) -> list[str]:
    """One sentence per option other than the baseline, about ``metric``."""
    return [verdict(arm, result.difference(arm.name, metric), result.runs) for arm in result.arms[1:]]


# --------------------------------------------------------------------------- the table


def comparison_frame(result: ComparisonResult) -> pd.DataFrame:
    """The comparison table: :meth:`ComparisonResult.frame` (one row per option and metric)."""
    return result.frame()


def comparison_csv(result: ComparisonResult) -> bytes:
    """The table as CSV bytes."""
    return comparison_frame(result).to_csv(index=False).encode("utf-8")


def comparison_parquet(result: ComparisonResult) -> bytes:
    """The table as Parquet bytes."""
    buffer = io.BytesIO()
    comparison_frame(result).to_parquet(buffer, index=False)
    return buffer.getvalue()


# --------------------------------------------------------------------------- the forest plot


def forest_figure(result: ComparisonResult, metrics: Sequence[str] | None = None) -> Figure:
    """Differences against the baseline: probabilities (points) and counts per run on separate axes.

    Thick: the paired 95% interval; thin grey: the interval the same runs would give unpaired.
    """
    shown = metrics or [m for m in (*PROBABILITY_METRICS, *COUNT_METRICS) if m != "p_ge_1"]
    probs = [m for m in shown if is_probability(m)]
    counts = [m for m in shown if not is_probability(m)]
    arms = result.arms[1:]
    rows = max(len(probs), len(counts)) * len(arms)
    fig = Figure(figsize=(10.0, 1.2 + 0.28 * rows), layout="constrained", dpi=DPI)
    widths = [3, 2] if counts else [1]
    axes = fig.subplots(1, len(widths), width_ratios=widths, squeeze=False)[0]
    _forest_axis(axes[0], result, arms, probs, 100.0, "difference, percentage points", rows)
    if counts:
        _forest_axis(axes[1], result, arms, counts, 1.0, "difference per run", rows)
    fig.suptitle(f"Against {result.arms[0].name}: {result.runs:,} paired runs per option (common random numbers)")
    return fig


def _forest_axis(
    ax, result: ComparisonResult, arms: Sequence[Arm], metrics: Sequence[str], scale: float, xlabel: str, rows: int
):
    colors = ("#c0392b", "#1f77b4", "#2ca02c", "#9467bd", "#8c564b", "#e377c2")
    labels = []
    first = rows - len(metrics) * len(arms)  # both axes share the rows, each filled from the top
    y = first
    for m in reversed(metrics):
        for j, arm in reversed(list(enumerate(arms))):
            p = result.difference(arm.name, m).paired
            color = colors[j % len(colors)]
            if math.isfinite(p.unpaired_lo):
                ax.plot([p.unpaired_lo * scale, p.unpaired_hi * scale], [y, y], color="#c8ced3", linewidth=1.5)
            if math.isfinite(p.lo):
                ax.plot([p.lo * scale, p.hi * scale], [y, y], color=color, linewidth=4, solid_capstyle="butt")
            ax.plot([p.diff * scale], [y], "o", color="black", ms=3.5)
            labels.append(f"{arm.name}: {metric_label(m)}")
            y += 1
    ax.set_yticks(range(first, first + len(labels)), labels, fontsize=8)
    ax.set_ylim(-0.6, rows - 0.4)
    ax.axvline(0.0, color="black", linewidth=0.8)
    ax.set_xlabel(xlabel)
    ax.grid(True, axis="x", alpha=0.3)
