"""Morris screening (elementary effects) of escalation probabilities: many parameters at few runs.

Sobol' indices (:mod:`sim.experiments.sensitivity`) need ``n (d + 2)`` design points and enough runs
per point for the Monte Carlo noise to be small beside the output's spread; for a first look at
twenty parameters that is too dear. Morris's (1991) method screens them with ``r (d + 1)`` points:
``r`` trajectories through a grid of ``LEVELS`` levels per parameter, each moving one parameter at a
time by ``Δ = LEVELS / (2 (LEVELS − 1))`` of its range. The elementary effect of a move is the change
in the output per unit of (normalised) parameter; over the trajectories, per parameter,

* ``μ*`` — mean absolute elementary effect: overall influence (Campolongo et al. 2007);
* ``μ``  — mean signed effect (``|μ| ≪ μ*`` means effects of both signs);
* ``σ``  — spread of the effects: interactions or non-linearity.

The design is SALib's (``SALib.sample.morris``, seeded with a ``numpy.random.Generator``) on the unit
cube; level ``u`` maps to ``low + u (high − low)`` for a range (rounded for an integer range) and to
the value at position ``round(u (m − 1))`` of ``m`` listed values. The analysis is SALib's, with a
seeded bootstrap for the 95% interval of ``μ*``.

Each output is an estimated probability with Monte Carlo noise of variance about ``p (1 − p) / runs``
per point. A parameter that does nothing still shows ``μ*`` of about ``2 s / (Δ √π)`` (``s²`` the
noise variance) when the two points of its move have independent noise; common random numbers make
it smaller. The result reports this noise floor: a ``μ*`` near it is not evidence of influence.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from sim.experiments.designs import Design, Parameter, parse_parameters, typed_parameters, validate_parameters
from sim.experiments.limits import check_design_size
from sim.experiments.metrics import check_metric, is_probability, metric_label
from sim.experiments.sweep import SweepResult, prepare_scenario, sweep
from sim.scenario.overrides import Override
from sim.scenario.schema import Scenario

__all__ = [
    "LEVELS",
    "MorrisResult",
    "analyse_morris_sweep",
    "morris_analysis",
    "morris_design",
    "morris_screening",
    "morris_table",
    "morris_unit",
]

LEVELS = 4
"""Grid levels per parameter (Morris's p); a move is Δ = p / (2 (p − 1)) = 2/3 of the range."""

DELTA = LEVELS / (2 * (LEVELS - 1))

MORRIS_METRICS = ("p_ge_3", "p_inadvertent")


def _problem(names: Sequence[str]) -> dict[str, Any]:
    return {"num_vars": len(names), "names": list(names), "bounds": [[0.0, 1.0]] * len(names)}


def morris_unit(d: int, trajectories: int, seed: int) -> np.ndarray:
    """The unit-cube design: ``trajectories (d + 1)`` rows of ``d`` levels in {0, 1/3, 2/3, 1}.

    Args:
        d: Number of parameters.
        trajectories: Number of trajectories r (at least 2).
        seed: Seed of SALib's generator (``numpy.random.default_rng(seed)``).

    Returns:
        Array of shape (r (d + 1), d).
    """
    from SALib.sample import morris as morris_sample

    if trajectories < 2:
        raise ValueError(f"Morris screening needs at least 2 trajectories (got {trajectories})")
    names = [f"x{i}" for i in range(d)]
    unit = morris_sample.sample(_problem(names), trajectories, num_levels=LEVELS, seed=np.random.default_rng(seed))
    return np.round(unit * (LEVELS - 1)) / (LEVELS - 1)  # exact grid levels


def level_value(parameter: Parameter, u: float) -> Any:
    """The parameter's value at unit level ``u`` (see the module docstring)."""
    if not parameter.is_range:
        return parameter.values[round(u * (len(parameter.values) - 1))]
    assert parameter.low is not None and parameter.high is not None
    value = parameter.low + u * (parameter.high - parameter.low)
    return round(value) if parameter.integer else float(f"{value:.12g}")


def morris_design(parameters: Sequence[Parameter], trajectories: int, seed: int) -> Design:
    """A Morris design of kind ``morris``: ``trajectories (d + 1)`` points.

    Args:
        parameters: The d parameters (ranges or listed values).
        trajectories: Number of trajectories r.
        seed: Seed of the design.

    Returns:
        The design; :func:`morris_unit` with the same arguments gives its unit coordinates.
    """
    check_design_size(trajectories * (len(parameters) + 1), f"a Morris design of {trajectories} trajectories", "--n")
    unit = morris_unit(len(parameters), trajectories, seed)
    points = tuple(tuple(level_value(p, u) for p, u in zip(parameters, row, strict=True)) for row in unit)
    return Design("morris", tuple(parameters), points, seed)


@dataclass(frozen=True)
class MorrisResult:
    """Morris measures of each output with respect to each parameter.

    Attributes:
        parameters: Parameter names (paths).
        metrics: Output names.
        trajectories: Number of trajectories r.
        mu: Mean elementary effect, shape (metrics, parameters), per unit of normalised parameter.
        mu_star: Mean absolute elementary effect.
        mu_star_conf: Half-width of the 95% bootstrap interval of ``mu_star``.
        sigma: Standard deviation of the elementary effects.
        output_variance: Variance of each output over the design.
        noise_floor: ``μ*`` a parameter without influence would show from Monte Carlo noise alone
            (independent noise; NaN when not known).
        sweep: The sweep that produced the outputs, if run here.
    """

    parameters: list[str]
    metrics: list[str]
    trajectories: int
    mu: np.ndarray
    mu_star: np.ndarray
    mu_star_conf: np.ndarray
    sigma: np.ndarray
    output_variance: np.ndarray
    noise_floor: np.ndarray
    sweep: SweepResult | None = field(default=None, repr=False)

    def frame(self) -> pd.DataFrame:
        """Long form: one row per (metric, parameter) with ``mu, mu_star, mu_star_conf, sigma``."""
        rows = [
            {
                "metric": metric,
                "parameter": name,
                "mu": self.mu[m, j],
                "mu_star": self.mu_star[m, j],
                "mu_star_conf": self.mu_star_conf[m, j],
                "sigma": self.sigma[m, j],
                "noise_floor": self.noise_floor[m],
            }
            for m, metric in enumerate(self.metrics)
            for j, name in enumerate(self.parameters)
        ]
        return pd.DataFrame(rows)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict."""

        def clean(v: float) -> float | None:
            return float(v) if math.isfinite(v) else None

        return {
            "method": "morris",
            "trajectories": self.trajectories,
            "levels": LEVELS,
            "parameters": self.parameters,
            "metrics": {
                metric: {
                    "label": metric_label(metric),
                    "output_variance": clean(self.output_variance[m]),
                    "noise_floor": clean(self.noise_floor[m]),
                    "measures": [
                        {
                            "parameter": name,
                            "mu": clean(self.mu[m, j]),
                            "mu_star": clean(self.mu_star[m, j]),
                            "mu_star_conf": clean(self.mu_star_conf[m, j]),
                            "sigma": clean(self.sigma[m, j]),
                        }
                        for j, name in enumerate(self.parameters)
                    ],
                }
                for m, metric in enumerate(self.metrics)
            },
        }


def morris_analysis(
    unit: np.ndarray,
    outputs: Mapping[str, np.ndarray],
    parameters: Sequence[str],
    seed: int = 0,
    noise_variance: Mapping[str, float] | None = None,
    n_resamples: int = 1000,
) -> MorrisResult:
    """Morris measures from outputs at the points of a :func:`morris_unit` design (SALib's analysis).

    Args:
        unit: The unit design, shape (r (d + 1), d).
        outputs: ``{name: values}``, one value per design point in design order.
        parameters: The d parameter names.
        seed: Seed of the bootstrap of ``μ*``.
        noise_variance: Optional per-output Monte Carlo variance at a point.
        n_resamples: Bootstrap resamples.

    Returns:
        The :class:`MorrisResult`.

    Raises:
        ValueError: If an output has the wrong length or non-finite values.
    """
    from SALib.analyze import morris as morris_analyze

    d = len(parameters)
    trajectories = unit.shape[0] // (d + 1)
    names = list(outputs)
    shape = (len(names), d)
    mu, mu_star, conf, sigma = (np.full(shape, np.nan) for _ in range(4))
    variance = np.zeros(len(names))
    for s, name in enumerate(names):
        y = np.asarray(outputs[name], dtype=float).ravel()
        if y.size != unit.shape[0]:
            raise ValueError(f"{name}: expected {unit.shape[0]} outputs (r={trajectories}, d={d}), got {y.size}")
        if not np.all(np.isfinite(y)):
            raise ValueError(f"{name}: outputs must be finite")
        variance[s] = y.var()
        res = morris_analyze.analyze(
            _problem(parameters),
            np.asarray(unit, dtype=float),
            y,
            num_resamples=n_resamples,
            conf_level=0.95,
            num_levels=LEVELS,
            seed=np.random.default_rng(seed),
        )
        mu[s], mu_star[s], conf[s], sigma[s] = (
            np.asarray(res[k], float) for k in ("mu", "mu_star", "mu_star_conf", "sigma")
        )
    noise = np.array([(noise_variance or {}).get(k, np.nan) for k in names], dtype=float)
    floor = 2.0 * np.sqrt(noise) / (DELTA * math.sqrt(math.pi))
    return MorrisResult(list(parameters), names, trajectories, mu, mu_star, conf, sigma, variance, floor)


def analyse_morris_sweep(
    points: pd.DataFrame, metadata: Mapping[str, Any], metrics: Sequence[str] = MORRIS_METRICS, seed: int = 0
) -> MorrisResult:
    """Morris measures from a saved Morris sweep (point table and its metadata, see ``read_sweep``).

    Raises:
        ValueError: If the sweep's design is not a Morris design.
    """
    design = metadata.get("design", {})
    if design.get("kind") != "morris":
        raise ValueError(f"Morris screening needs a morris design, this sweep is {design.get('kind')!r}")
    names = [p["path"] for p in design["parameters"]]
    trajectories = int(design["n_points"]) // (len(names) + 1)
    unit = morris_unit(len(names), trajectories, int(design["seed"]))
    runs = int(metadata.get("runs", 0)) or float("nan")
    outputs, noise = {}, {}
    for m in metrics:
        check_metric(m)
        if not is_probability(m):
            raise ValueError(f"Morris screening analyses probabilities, not {m!r}")
        values = points.sort_values("point")[m].to_numpy(dtype=float)
        outputs[m] = values
        noise[m] = float(np.mean(values * (1 - values) / runs))
    return morris_analysis(unit, outputs, names, seed=seed, noise_variance=noise)


def morris_screening(
    scenario: Scenario | str | os.PathLike[str],
    parameters: Sequence[Parameter | str],
    *,
    trajectories: int = 10,
    runs: int = 100,
    metrics: Sequence[str] = MORRIS_METRICS,
    seed: int | None = None,
    design_seed: int | None = None,
    overrides: Sequence[Override] = (),
    progress: Callable[[int, int], None] | None = None,
    **sweep_options: Any,
) -> MorrisResult:
    """Run a Morris sweep of the scenario and compute the Morris measures of ``metrics``.

    Args:
        scenario: A validated scenario or a scenario file.
        parameters: ``PATH=LOW:HIGH`` / ``PATH=VALUES`` texts or parsed parameters.
        trajectories: Number of trajectories r; the sweep has ``r (d + 1)`` points.
        runs: Runs per point.
        metrics: Probability metrics to analyse.
        seed: Master seed of the runs (default: the scenario's); also seeds the bootstrap.
        design_seed: Seed of the design (default: ``seed``).
        overrides: ``--set`` overrides.
        progress: Called with (runs done, runs in all).
        **sweep_options: Passed to :func:`sim.experiments.sweep.sweep` (``out``, ``workers``, ...).

    Returns:
        The :class:`MorrisResult` (its ``sweep`` holds the point table).
    """
    base, document = prepare_scenario(scenario, overrides)
    seed = base.monte_carlo.seed if seed is None else int(seed)
    params = [p for p in parameters if isinstance(p, Parameter)]
    texts = [p for p in parameters if isinstance(p, str)]
    params = typed_parameters(document, params + parse_parameters(texts) if texts else params)
    validate_parameters(document, params)
    design = morris_design(params, trajectories, seed if design_seed is None else design_seed)
    result = sweep(base, design, runs=runs, seed=seed, progress=progress, **sweep_options)
    analysis = analyse_morris_sweep(result.points, result.metadata, metrics, seed=seed)
    return MorrisResult(**{**analysis.__dict__, "sweep": result})


def _fmt(v: float) -> str:
    return f"{v:7.3f}" if math.isfinite(v) else "    n/a"


def morris_table(result: MorrisResult, runs: int) -> str:
    """Text table: parameters by decreasing μ*, with μ, σ, and the Monte Carlo noise floor of μ*."""
    lines = [
        f"Morris screening ({result.trajectories} trajectories, {LEVELS} levels, {runs} runs per point); "
        "effects per unit of each parameter's range"
    ]
    width = max(len(p) for p in result.parameters) + 2
    for m, metric in enumerate(result.metrics):
        floor = result.noise_floor[m]
        lines.append(
            f"{metric_label(metric)}: output variance {result.output_variance[m]:.4g}, "
            f"noise floor of μ* {floor:.3g} (what noise alone gives on independent runs; less on common ones)"
        )
        lines.append(f"  {'parameter':<{width}} {'μ*':>7} {'±95%':>7} {'μ':>7} {'σ':>7}")
        for j in sorted(range(len(result.parameters)), key=lambda j: -np.nan_to_num(result.mu_star[m, j], nan=-1)):
            flag = "  (within noise)" if math.isfinite(floor) and result.mu_star[m, j] <= floor else ""
            lines.append(
                f"  {result.parameters[j]:<{width}} {_fmt(result.mu_star[m, j])} {_fmt(result.mu_star_conf[m, j])} "
                f"{_fmt(result.mu[m, j])} {_fmt(result.sigma[m, j])}{flag}"
            )
    return "\n".join(lines)
