"""Short text and HTML forms of results, for notebooks (``repr`` and Jupyter's ``_repr_html_``).

Jupyter shows an object's ``_repr_html_()`` when it has one; these functions build small, escaped
HTML tables of the headline numbers so that a result shown in a cell reads like the CLI table, not
like a dump of every run. It imports no other experiment module (the results import it), so the
types below are for reading only.
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from sim.vocabulary import N_RUNGS, RUNG_NAMES

if TYPE_CHECKING:
    from sim.experiments.summary import MeanEstimate, MonteCarloSummary, Proportion

__all__ = ["estimate_text", "html_table", "interval_text", "parameter_note", "summary_html", "summary_line"]


def parameter_note(posterior: Mapping[str, Any]) -> str:
    """The line a result prints when its runs drew their parameters from a posterior.

    Args:
        posterior: What the result records of it (:meth:`sim.experiments.posterior.Posterior.describe`):
            at least ``file`` and ``draws``.
    """
    k = int(posterior["draws"])
    sets = "parameter set" if k == 1 else "parameter sets"
    group = posterior.get("runs_per_draw")
    per = f", {int(group)} runs per set" if group else ""
    return (
        f"parameter uncertainty: runs draw their parameters from the {k:,} posterior {sets} in {posterior['file']}"
        f"{per}; estimates average over the posterior, and each 95% interval covers the value under one parameter "
        "set drawn from it (the dice and the spread between parameter sets)"
    )


def interval_text(value: float, lo: float, hi: float, digits: int = 3, signed: bool = False) -> str:
    """``0.731 [0.721, 0.740]`` (``n/a`` for a missing value, no brackets for a missing interval)."""
    if not math.isfinite(value):
        return "n/a"
    fmt = f"{{:{'+' if signed else ''}.{digits}f}}"
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return fmt.format(value)
    return f"{fmt.format(value)} [{fmt.format(lo)}, {fmt.format(hi)}]"


def estimate_text(estimate: Proportion | MeanEstimate) -> str:
    """A proportion or a mean with its 95% interval."""
    value = estimate.p if hasattr(estimate, "p") else estimate.mean
    return interval_text(value, estimate.lo, estimate.hi)


def html_table(caption: str, header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A small HTML table; every cell is escaped.

    Args:
        caption: Text above the table.
        header: Column titles.
        rows: Cell texts, one sequence per row.

    Returns:
        The HTML fragment.
    """
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in rows)
    return (
        f"<table><caption style='text-align:left'>{html.escape(caption)}</caption>"
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    )


def summary_line(summary: MonteCarloSummary) -> str:
    """``runs=…, P(max rung ≥ 3)=… […], P(inadvertent)=… […]``: the headline of a Monte Carlo."""
    p3 = summary.max_rung_at_least[3]
    return (
        f"runs={summary.n_runs}, horizon_hours={summary.horizon_hours:g}, "
        f"P(max rung ≥ 3)={estimate_text(p3)}, P(inadvertent)={estimate_text(summary.inadvertent)}"
    )


def summary_html(summary: MonteCarloSummary, caption: str = "") -> str:
    """P(max rung ≥ k) for k = 1..7 and P(inadvertent), each with its 95% Wilson interval, as HTML."""
    rows = [
        [f"P(max rung ≥ {k})", RUNG_NAMES[k], estimate_text(summary.max_rung_at_least[k])] for k in range(1, N_RUNGS)
    ]
    rows.append(["P(inadvertent)", "inadvertent step to rung ≥ 3", estimate_text(summary.inadvertent)])
    rows.append(["mean severity", "Rivera et al. 2024 weights", estimate_text(summary.severity.mean)])
    rows.append(["chains per run", "automated answers at machine speed", estimate_text(summary.machine_speed.chains)])
    days = summary.horizon_hours / 24.0
    title = caption or f"Monte Carlo summary: {summary.n_runs} runs, horizon {days:g} days"
    posterior = getattr(summary, "posterior", None)
    if posterior:
        title = f"{title} ({parameter_note(posterior)})"
    return html_table(title, ["quantity", "meaning", "estimate [95% interval]"], rows)
