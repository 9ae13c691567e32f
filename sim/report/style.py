"""What every figure shares: a fresh Agg figure with constrained layout, and titles that name the scenario.

The title is the figure's (``suptitle``), centred on the figure rather than on an axes that long tick
labels may have pushed aside, and wrapped to the figure's width, so it is never cut off at an edge;
constrained layout makes room for however many lines it takes.
"""

from __future__ import annotations

import textwrap

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

__all__ = ["COLORS", "DPI", "new_figure", "set_title", "title_text"]

DPI = 120
"""Resolution of the PNG files the CLI and the app write."""

COLORS = ("#c0392b", "#2471a3", "#7d3c98", "#1e8449", "#b9770e", "#566573")

_CHARS_PER_INCH = 9.5
"""About how many characters of a 12 pt title fit in an inch (a safe side of DejaVu Sans's average)."""


def new_figure(width: float = 8.0, height: float = 4.8) -> Figure:
    """A fresh figure on an Agg canvas (never pyplot), laid out with constrained layout."""
    fig = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def title_text(text: str, scenario: str = "", width_inches: float = 8.0) -> str:
    """``"SCENARIO — text"`` wrapped to lines that fit a figure ``width_inches`` wide."""
    full = f"{scenario} — {text}" if scenario else text
    return textwrap.fill(full, width=max(20, int(width_inches * _CHARS_PER_INCH)), break_long_words=False)


def set_title(fig: Figure, text: str, scenario: str = "") -> None:
    """Give ``fig`` a title naming the scenario, wrapped to the figure's width less its margins."""
    fig.suptitle(title_text(text, scenario, max(fig.get_figwidth() - 0.6, 4.0)))
