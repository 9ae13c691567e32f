"""Monte Carlo results for the app: the headline metrics, figures as PNG, and downloads."""

from __future__ import annotations

import io
import json
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from matplotlib.figure import Figure

from sim import __version__
from sim.experiments.monte_carlo import MonteCarloResult, run_monte_carlo
from sim.experiments.posterior import Posterior
from sim.experiments.storage import outcomes_to_frame, write_outcomes_parquet
from sim.experiments.summary import MonteCarloSummary, Proportion
from sim.report.figures import DPI, FIGURE_FILES, fan_chart, max_rung_distribution, root_cause_shares, time_to_rung
from sim.scenario.schema import Scenario

__all__ = [
    "FIGURE_BUILDERS",
    "FIGURE_TITLES",
    "McRequest",
    "figure_png",
    "headline",
    "outcomes_csv",
    "outcomes_parquet",
    "run_request",
    "summary_json",
]

FIGURE_BUILDERS: dict[str, Callable[[MonteCarloSummary], Figure]] = {
    "fan_chart": fan_chart,
    "max_rung": max_rung_distribution,
    "root_causes": root_cause_shares,
    "time_to_rung": time_to_rung,
}
"""The four debrief figures, keyed as :data:`sim.report.figures.FIGURE_FILES`."""

FIGURE_TITLES = {
    "fan_chart": "Escalation ladder over time",
    "max_rung": "Highest rung reached",
    "root_causes": "Root causes",
    "time_to_rung": "Time to rung",
}


@dataclass(frozen=True)
class McRequest:
    """A Monte Carlo the page asked for (kept with the result, for downloads and the debrief)."""

    scenario: Scenario
    runs: int
    seed: int
    workers: int
    overrides: tuple[str, ...] = ()
    source: str = ""
    posterior: Posterior | None = None


def run_request(request: McRequest, progress: Callable[[int, int], None] | None = None) -> MonteCarloResult:
    """Run the requested Monte Carlo (the real :func:`run_monte_carlo`)."""
    return run_monte_carlo(
        request.scenario,
        runs=request.runs,
        seed=request.seed,
        workers=request.workers,
        progress=progress,
        posterior=request.posterior,
    )


def headline(summary: MonteCarloSummary) -> dict[str, Proportion]:
    """The three headline probabilities: P(max rung ≥ 3), P(max rung ≥ 5), P(inadvertent)."""
    return {
        "P(crisis reaches rung ≥ 3)": summary.max_rung_at_least[3],
        "P(crisis reaches rung ≥ 5)": summary.max_rung_at_least[5],
        "P(inadvertent escalation)": summary.inadvertent,
    }


def figure_png(summary: MonteCarloSummary, key: str) -> bytes:
    """One debrief figure as PNG bytes."""
    buffer = io.BytesIO()
    FIGURE_BUILDERS[key](summary).savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()


def figure_files() -> dict[str, str]:
    """Figure key to PNG file name."""
    return dict(FIGURE_FILES)


def metadata(request: McRequest, result: MonteCarloResult) -> dict:
    """Provenance stored with downloads."""
    return {
        "scenario": result.scenario.metadata.name,
        "source": request.source,
        "seed": result.seed,
        "runs": len(result.outcomes),
        "overrides": list(request.overrides),
        "package_version": __version__,
    }


def outcomes_parquet(request: McRequest, result: MonteCarloResult) -> bytes:
    """Per-run outcomes as Parquet bytes (the CLI's ``--out`` format, with provenance metadata)."""
    fd, name = tempfile.mkstemp(suffix=".parquet")
    os.close(fd)
    try:
        write_outcomes_parquet(result.outcomes, name, metadata(request, result))
        return Path(name).read_bytes()
    finally:
        Path(name).unlink(missing_ok=True)


def outcomes_csv(result: MonteCarloResult) -> bytes:
    """Per-run outcomes as CSV bytes (without the per-tick trajectory)."""
    return outcomes_to_frame(result.outcomes, trajectory=False).to_csv(index=False).encode("utf-8")


def summary_json(request: McRequest, result: MonteCarloResult) -> bytes:
    """The summary (every probability with its interval) and provenance as strict JSON bytes."""
    data = {"provenance": metadata(request, result), "summary": result.summary.to_dict()}
    return (json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n").encode("utf-8")
