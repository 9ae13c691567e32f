"""What a reviewer checks after a calibration: the posterior predictive check of every target, the pairwise
posterior, and which parameters the targets pin down (docs/calibration.md).

The predictive check simulates the targets at ``n`` posterior draws (each evaluation with its own seed) and adds
the observation noise of each target (its SD, Gaussian), so the interval is that of a *replicate observation*:
a target outside its 95% interval is one the fitted model does not reproduce. The same is done at the
scenario's own values of the fitted parameters (uncalibrated) for comparison.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from sim.calibration.simulator import Simulator, evaluation_seed
from sim.calibration.targets import FittedParameter, Targets
from sim.scenario import load_scenario, parse_path

__all__ = [
    "ParameterFit",
    "PredictiveRow",
    "default_values",
    "fit_warnings",
    "identifiability",
    "pairs_figure",
    "predictive_check",
    "predictive_figure",
    "report_markdown",
]

PINNED = 0.5
"""A posterior 90% interval at most this share of the prior's (on the prior's scale): pinned down."""
INFORMED = 0.8
"""Up to this share: informed; above it the parameter stays near its prior."""
FEW_PARTICLES = 0.1
"""An effective sample size below this share of the population: a few particles carry the posterior."""


@dataclass(frozen=True)
class PredictiveRow:
    """One target against the model's predictive distribution."""

    name: str
    observed: float
    sd: float
    uncalibrated: float
    lo: float
    median: float
    hi: float

    @property
    def inside(self) -> bool:
        """Whether the observed value lies in the 95% posterior predictive interval."""
        return self.lo <= self.observed <= self.hi


@dataclass(frozen=True)
class ParameterFit:
    """One parameter's posterior against its prior."""

    path: str
    prior: str
    default: float
    median: float
    lo: float
    hi: float
    shrinkage: float

    @property
    def verdict(self) -> str:
        """Pinned down, informed, or at its prior."""
        if self.shrinkage <= PINNED:
            return "pinned down"
        return "informed" if self.shrinkage <= INFORMED else "stays near its prior"


def default_values(targets: Targets) -> list[float]:
    """The scenario's own values of the fitted parameters (what an uncalibrated run uses)."""
    document = load_scenario(targets.resolve(targets.scenario)).model_dump(mode="json")
    values = []
    for p in targets.parameters:
        node: Any = document
        for key in parse_path(p.path):
            node = node[key]
        values.append(float(node))
    return values


def predictive_check(simulator: Simulator, draws: np.ndarray, n: int, seed: int) -> list[PredictiveRow]:
    """Simulate the targets at ``n`` draws (spread over the posterior draws) and at the defaults.

    Args:
        simulator: The calibration's simulator.
        draws: Posterior draws, ``K x parameters``.
        n: Draws to simulate (at most K).
        seed: Seed of the observation noise and of the evaluations.
    """
    targets = simulator.targets
    chosen = draws[np.linspace(0, len(draws) - 1, min(n, len(draws))).astype(int)]
    simulated = [simulator(values, seed=evaluation_seed(seed + 1 + i, values)) for i, values in enumerate(chosen)]
    at_defaults = simulator(default_values(targets), seed=seed)
    rng = np.random.default_rng(seed)
    rows = []
    for t in targets.targets:
        values = np.array([s[t.name] for s in simulated]) + rng.normal(0.0, t.sd, size=len(simulated))
        lo, median, hi = np.quantile(values, [0.025, 0.5, 0.975])
        rows.append(PredictiveRow(t.name, t.observed, t.sd, at_defaults[t.name], float(lo), float(median), float(hi)))
    return rows


def _scale(p: FittedParameter, x: np.ndarray | float):
    return np.log(x) if p.prior.kind == "log_uniform" else x


def identifiability(targets: Targets, draws: np.ndarray) -> list[ParameterFit]:
    """Each parameter's posterior median and 90% interval, and its width as a share of the prior's 90% interval
    (on the prior's scale: logarithmic for a log-uniform prior)."""
    defaults = default_values(targets)
    fits = []
    for j, p in enumerate(targets.parameters):
        lo, median, hi = np.quantile(draws[:, j], [0.05, 0.5, 0.95])
        width = float(_scale(p, hi) - _scale(p, lo))
        prior_width = 0.9 * float(_scale(p, p.prior.high) - _scale(p, p.prior.low))
        shape = "log-uniform" if p.prior.kind == "log_uniform" else "uniform"
        fits.append(
            ParameterFit(
                p.path, f"{shape} [{p.prior.low:g}, {p.prior.high:g}]", defaults[j], median, lo, hi, width / prior_width
            )
        )
    return fits


def predictive_figure(rows: list[PredictiveRow], path: Path) -> Path:
    """Every target on one standardised axis: (value − observed) / SD."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 0.5 * len(rows) + 1.5))
    for i, r in enumerate(rows):
        y = len(rows) - 1 - i
        ax.plot([(r.lo - r.observed) / r.sd, (r.hi - r.observed) / r.sd], [y, y], color="tab:blue", lw=6, alpha=0.6)
        ax.plot((r.median - r.observed) / r.sd, y, "|", color="tab:blue", ms=14)
        ax.plot((r.uncalibrated - r.observed) / r.sd, y, "x", color="tab:orange", ms=8)
    ax.axvspan(-1.96, 1.96, color="0.85", zorder=0)
    ax.axvline(0, color="black", lw=1)
    ax.set_yticks(range(len(rows)), [r.name for r in reversed(rows)])
    ax.set_xlabel("(value − observed) / SD of the observation")
    ax.set_title("Posterior predictive 95% (blue), uncalibrated (×), observed ± 1.96 SD (grey)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def pairs_figure(targets: Targets, draws: np.ndarray, path: Path) -> Path:
    """Pairwise posterior: scatter of every pair of parameters, histograms on the diagonal."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    k = len(targets.parameters)
    fig, axes = plt.subplots(k, k, figsize=(1.6 * k + 1, 1.6 * k + 1), squeeze=False)
    scaled = np.column_stack([_scale(p, draws[:, j]) for j, p in enumerate(targets.parameters)])
    labels = [p.path.split(".")[-1] + (" (log)" if p.prior.kind == "log_uniform" else "") for p in targets.parameters]
    for i in range(k):
        for j in range(k):
            ax = axes[i][j]
            if i == j:
                ax.hist(scaled[:, j], bins=20, color="tab:blue", alpha=0.7)
            else:
                ax.plot(scaled[:, j], scaled[:, i], ".", ms=1.5, alpha=0.4, color="tab:blue")
            ax.tick_params(labelsize=5)
            if i == k - 1:
                ax.set_xlabel(labels[j], fontsize=6)
            if j == 0:
                ax.set_ylabel(labels[i], fontsize=6)
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)
    return path


def _g(x: float) -> str:
    return f"{x:.3g}" if math.isfinite(x) else "—"


def fit_warnings(final_epsilon: float, min_epsilon: float, effective_sample_size: float, population: int) -> list[str]:
    """What a reader of the report must know before trusting it: a tolerance that stopped short, or a posterior
    carried by a few particles."""
    warnings = []
    if final_epsilon > min_epsilon:
        warnings.append(
            f"the tolerance stopped at {final_epsilon:.3g}, above --min-epsilon {min_epsilon:.3g}: the fit ended at "
            "--generations (the same command with a larger --generations resumes it and may narrow the posterior)"
        )
    if effective_sample_size < FEW_PARTICLES * population:
        warnings.append(
            f"the last generation's effective sample size is {effective_sample_size:.0f} of {population}: a few "
            "particles carry the posterior, so its intervals and the verdicts below are unreliable (run more "
            "generations or a larger --population)"
        )
    return warnings


def report_markdown(
    rows: list[PredictiveRow], fits: list[ParameterFit], facts: dict[str, Any], warnings: Sequence[str] = ()
) -> str:
    """The calibration report: warnings first, targets against the posterior predictive, parameters against
    their priors."""
    lines = ["# Calibration report", ""]
    lines += [f"**Warning:** {w}." for w in warnings]
    lines += [""] if warnings else []
    lines += [f"- {k}: {v}" for k, v in facts.items()]
    lines += ["", "## Targets", ""]
    lines += ["| target | observed ± SD | uncalibrated | posterior predictive 95% | inside |", "|---|---|---|---|---|"]
    for r in rows:
        lines.append(
            f"| {r.name} | {_g(r.observed)} ± {_g(r.sd)} | {_g(r.uncalibrated)} | [{_g(r.lo)}, {_g(r.hi)}] | "
            f"{'yes' if r.inside else '**no**'} |"
        )
    lines += ["", "## Parameters", ""]
    lines += [
        "| parameter | prior | default | posterior median [90%] | width / prior's | |",
        "|---|---|---|---|---|---|",
    ]
    for f in fits:
        lines.append(
            f"| `{f.path}` | {f.prior} | {_g(f.default)} | {_g(f.median)} [{_g(f.lo)}, {_g(f.hi)}] | "
            f"{f.shrinkage:.2f} | {f.verdict} |"
        )
    return "\n".join(lines) + "\n"
