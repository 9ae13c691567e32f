"""What a reviewer checks after a calibration: the posterior predictive check of every target and check, the
pairwise posterior, which target each parameter moves, and which parameters the targets pin down
(docs/calibration.md).

The predictive check simulates every target's statistic at ``n`` posterior draws (each evaluation with its own
seed, and :data:`CHECK_RUNS_FACTOR` times the runs of an evaluation, so that the simulation's own noise is small
against the observation's and is not counted twice) and adds the observation noise of each target (its SD,
Gaussian): the interval is that of a *replicate observation*, and a target outside its 95% interval is one the
fitted model does not reproduce. The same is done at the scenario's own values of the fitted parameters
(uncalibrated) for comparison.

The local sensitivity (:func:`local_sensitivity`) moves one parameter at a time from the 10% to the 90% point of
its prior (on the prior's scale), the others at the posterior median, with the same seed at both ends (common
random numbers), and records how far each statistic moves in units of its target's SD. A target that no
parameter moves by :data:`MOVES` SD is a *check* (it carries no information on the fitted parameters); a
parameter that moves no target that far is *not identified* by these targets.
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
FEW_PARTICLES = 0.5
"""Fewer effective (or distinct) particles than this share of the population: too few carry the posterior."""
CHECK_RUNS_FACTOR = 4
"""Runs of the predictive check's evaluations, in multiples of an evaluation's."""
MOVES = 0.5
"""A parameter moves a target when its 10%–90% prior range moves the statistic by this many SDs or more."""
SENSITIVITY_QUANTILES = (0.1, 0.9)
"""Where on its prior (sampling scale) a parameter is set by the local sensitivity."""


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
    role: str = "target"

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
    moves: float = math.nan

    @property
    def verdict(self) -> str:
        """Pinned down, informed, at its prior (though targets move it), or not identified (no target moves it)."""
        if self.shrinkage <= PINNED:
            return "pinned down"
        if self.shrinkage <= INFORMED:
            return "informed"
        if math.isfinite(self.moves) and self.moves < MOVES:
            return "not identified (no target moves it)"
        return "stays near its prior"


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
        rows.append(
            PredictiveRow(t.name, t.observed, t.sd, at_defaults[t.name], float(lo), float(median), float(hi), t.role)
        )
    return rows


def local_sensitivity(simulator: Simulator, centre: Sequence[float], seed: int) -> np.ndarray:
    """How far each statistic moves, in its target's SDs, when one parameter goes from the 10% to the 90% point
    of its prior (the others at ``centre``; the same seed at both ends).

    Returns:
        An array ``targets x parameters`` (targets in the order of the file; signed: high end minus low end).
    """
    targets = simulator.targets
    out = np.zeros((len(targets.targets), len(targets.parameters)))
    for j, p in enumerate(targets.parameters):
        ends = []
        for q in SENSITIVITY_QUANTILES:
            values = list(centre)
            values[j] = _prior_quantile(p, q)
            ends.append(simulator(values, seed=seed))
        for i, t in enumerate(targets.targets):
            out[i, j] = (ends[1][t.name] - ends[0][t.name]) / t.sd
    return out


def _prior_quantile(p: FittedParameter, q: float) -> float:
    low, high = p.prior.low, p.prior.high
    if p.prior.kind == "log_uniform":
        return float(math.exp(math.log(low) + q * (math.log(high) - math.log(low))))
    return low + q * (high - low)


def sensitivity_figure(targets: Targets, effects: np.ndarray, path: Path) -> Path:
    """Heat map of the local sensitivity: |movement| in target SDs, targets by parameters."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    size = np.abs(effects)
    fig, ax = plt.subplots(figsize=(1.0 * len(targets.parameters) + 3.5, 0.45 * len(targets.targets) + 2.2))
    image = ax.imshow(size, cmap="viridis", vmin=0.0, vmax=max(2.0, float(size.max())), aspect="auto")
    for (i, j), v in np.ndenumerate(effects):
        ax.text(j, i, f"{v:+.1f}", ha="center", va="center", fontsize=6, color="white" if size[i, j] < 1.5 else "k")
    ax.set_xticks(
        range(len(targets.parameters)),
        [p.path.split(".")[-1] for p in targets.parameters],
        rotation=45,
        ha="right",
        fontsize=7,
    )
    ax.set_yticks(
        range(len(targets.targets)),
        [f"{t.name}{' (check)' if t.role == 'check' else ''}" for t in targets.targets],
        fontsize=7,
    )
    fig.colorbar(image, ax=ax, label="|statistic at 90% − at 10% of the prior| / target SD")
    ax.set_title("Which target each parameter moves (others at the posterior median)", fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def _scale(p: FittedParameter, x: np.ndarray | float):
    return np.log(x) if p.prior.kind == "log_uniform" else x


def identifiability(targets: Targets, draws: np.ndarray, effects: np.ndarray | None = None) -> list[ParameterFit]:
    """Each parameter's posterior median and 90% interval, its width as a share of the prior's 90% interval
    (on the prior's scale: logarithmic for a log-uniform prior), and (with the local sensitivity ``effects``)
    how far it moves the targets in the distance at most."""
    defaults = default_values(targets)
    fits = []
    for j, p in enumerate(targets.parameters):
        lo, median, hi = np.quantile(draws[:, j], [0.05, 0.5, 0.95])
        width = float(_scale(p, hi) - _scale(p, lo))
        prior_width = 0.9 * float(_scale(p, p.prior.high) - _scale(p, p.prior.low))
        shape = "log-uniform" if p.prior.kind == "log_uniform" else "uniform"
        moves = math.nan
        if effects is not None:
            fitted = [i for i, t in enumerate(targets.targets) if t.role == "target"]
            moves = float(np.max(np.abs(effects[fitted, j]))) if fitted else math.nan
        fits.append(
            ParameterFit(
                p.path,
                f"{shape} [{p.prior.low:g}, {p.prior.high:g}]",
                defaults[j],
                median,
                lo,
                hi,
                width / prior_width,
                moves,
            )
        )
    return fits


def unmoved_targets(targets: Targets, effects: np.ndarray) -> list[str]:
    """Targets in the distance that no parameter moves by :data:`MOVES` SD: they should be checks."""
    return [
        t.name
        for i, t in enumerate(targets.targets)
        if t.role == "target" and float(np.max(np.abs(effects[i]))) < MOVES
    ]


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
    carried by too few particles (fewer than half the population alive or distinct)."""
    warnings = []
    if final_epsilon > min_epsilon:
        warnings.append(
            f"the tolerance stopped at {final_epsilon:.3g}, above --min-epsilon {min_epsilon:.3g}: the fitted model "
            "does not reach the targets within one SD on average (see the predictive check for which it misses), or "
            "the fit ended at --generations (the same command with a larger --generations resumes it)"
        )
    if effective_sample_size < FEW_PARTICLES * population:
        warnings.append(
            f"the last generation has {effective_sample_size:.0f} effective or distinct particles of {population}: "
            "few particles carry the posterior, so its intervals and the verdicts below are unreliable (run more "
            "generations or a larger --population)"
        )
    return warnings


def report_markdown(
    rows: list[PredictiveRow],
    fits: list[ParameterFit],
    facts: dict[str, Any],
    warnings: Sequence[str] = (),
    sensitivity: tuple[Targets, np.ndarray] | None = None,
) -> str:
    """The calibration report: warnings first, targets and checks against the posterior predictive, which target
    each parameter moves, parameters against their priors."""
    lines = ["# Calibration report", ""]
    lines += [f"**Warning:** {w}." for w in warnings]
    lines += [""] if warnings else []
    lines += [f"- {k}: {v}" for k, v in facts.items()]
    lines += ["", "## Targets and checks", ""]
    lines += [
        "| target | role | observed ± SD | uncalibrated | posterior predictive 95% | inside |",
        "|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r.name} | {r.role} | {_g(r.observed)} ± {_g(r.sd)} | {_g(r.uncalibrated)} | "
            f"[{_g(r.lo)}, {_g(r.hi)}] | {'yes' if r.inside else '**no**'} |"
        )
    if sensitivity is not None:
        targets, effects = sensitivity
        names = [p.path.split(".")[-1] for p in targets.parameters]
        lines += ["", "## Which target each parameter moves", ""]
        lines += [
            f"Statistic at the 90% point of the parameter's prior minus at its 10% point, in the target's SDs "
            f"(the other parameters at the posterior median; |value| < {MOVES:g}: does not move it).",
            "",
            "| target | " + " | ".join(names) + " |",
            "|---|" + "---|" * len(names),
        ]
        for i, t in enumerate(targets.targets):
            cells = " | ".join(f"{v:+.1f}" for v in effects[i])
            lines.append(f"| {t.name}{' (check)' if t.role == 'check' else ''} | {cells} |")
    lines += ["", "## Parameters", ""]
    lines += [
        "| parameter | prior | default | posterior median [90%] | width / prior's | moves a target by (SD) | |",
        "|---|---|---|---|---|---|---|",
    ]
    for f in fits:
        lines.append(
            f"| `{f.path}` | {f.prior} | {_g(f.default)} | {_g(f.median)} [{_g(f.lo)}, {_g(f.hi)}] | "
            f"{f.shrinkage:.2f} | {_g(f.moves)} | {f.verdict} |"
        )
    return "\n".join(lines) + "\n"
