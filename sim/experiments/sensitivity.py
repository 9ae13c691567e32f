"""Global sensitivity analysis: Sobol' first- and total-order indices with bootstrap intervals.

The experiment is a sweep over a Saltelli design (:func:`saltelli_design`): two independent
``n × d`` samples A and B from a scrambled Sobol' sequence in ``2d`` dimensions (seeded), and for
each parameter i the matrix ``AB_i`` = A with column i taken from B. The design's points are, in
order, the n rows of A, the n rows of B, then the n rows of each ``AB_i`` — ``n (d + 2)`` points.
Each point is a Monte Carlo of ``runs`` replications on common random numbers; the model output at a
point is a probability (``P(max rung >= k)``, ``P(inadvertent)``).

The analysis (:func:`sobol_analysis`) hands ``f(A)``, ``f(B)`` and ``f(AB_i)`` to
``scipy.stats.sobol_indices`` (Saltelli et al. 2010 first order, Jansen 1999 total order) and its
bootstrap for 95% intervals. It is checked against the Ishigami function, whose indices are known in
closed form (tests/experiments/test_sensitivity.py), before it is trusted on the model.

Caveat: each point's output is itself an estimate with Monte Carlo noise of variance about
``p (1 − p) / runs``. Noise adds to the output variance that the indices divide up; common random
numbers keep it correlated across points, but with too few runs per point total-order indices are
biased upwards and all indices towards a "noise" share. Use enough runs that ``p (1 − p) / runs`` is
small beside the spread of the output across the design (the result reports both).
"""

from __future__ import annotations

import math
import os
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import bootstrap

from sim.experiments.designs import (
    Design,
    Parameter,
    parse_parameters,
    sobol_unit,
    typed_parameters,
    unit_to_values,
    validate_parameters,
)
from sim.experiments.limits import check_design_size
from sim.experiments.metrics import check_metric, is_probability, metric_label
from sim.experiments.sweep import SweepResult, prepare_scenario, sweep
from sim.scenario.overrides import Override
from sim.scenario.schema import Scenario

__all__ = [
    "SENSITIVITY_METRICS",
    "SensitivityResult",
    "analyse_sweep",
    "saltelli_design",
    "sensitivity",
    "sobol_analysis",
]

SENSITIVITY_METRICS = ("p_ge_3", "p_inadvertent")
"""Outputs analysed by default."""


def _power_of_two(n: int) -> int:
    return 1 << max(0, math.ceil(math.log2(max(1, n))))


def saltelli_design(parameters: Sequence[Parameter], n: int, seed: int) -> Design:
    """The ``n (d + 2)`` points A, B, AB_1 .. AB_d (``n`` rounded up to a power of 2).

    Args:
        parameters: The d parameters (ranges or listed values).
        n: Base sample size (rows of A and of B).
        seed: Seed of the scrambled Sobol' sequence.

    Returns:
        A design of kind ``saltelli``.
    """
    n = _power_of_two(n)
    d = len(parameters)
    check_design_size(n * (d + 2), f"a Saltelli design of n = {n} and {d} parameters", "--n")
    unit = sobol_unit(2 * d, n, seed)
    a, b = unit[:, :d], unit[:, d:]
    blocks = [a, b]
    for i in range(d):
        ab = a.copy()
        ab[:, i] = b[:, i]
        blocks.append(ab)
    return Design("saltelli", tuple(parameters), unit_to_values(parameters, np.vstack(blocks)), seed)


@dataclass(frozen=True)
class SensitivityResult:
    """Sobol' indices of each output with respect to each parameter.

    Attributes:
        parameters: Parameter names (paths).
        metrics: Output names.
        n: Base sample size.
        first: First-order indices, shape (metrics, parameters).
        first_lo: Lower 95% bootstrap bounds of ``first``.
        first_hi: Upper bounds of ``first``.
        total: Total-order indices, same shape.
        total_lo: Lower bounds of ``total``.
        total_hi: Upper bounds of ``total``.
        output_variance: Variance of each output over the design.
        noise_variance: Mean Monte Carlo variance of each output at a point (``p(1 − p)/runs``;
            NaN when not known), to judge whether the runs per point were enough.
        sweep: The sweep that produced the outputs, if run here.
    """

    parameters: list[str]
    metrics: list[str]
    n: int
    first: np.ndarray
    first_lo: np.ndarray
    first_hi: np.ndarray
    total: np.ndarray
    total_lo: np.ndarray
    total_hi: np.ndarray
    output_variance: np.ndarray
    noise_variance: np.ndarray
    sweep: SweepResult | None = field(default=None, repr=False)

    def frame(self) -> pd.DataFrame:
        """Long form: one row per (metric, parameter) with S1, ST and their bounds."""
        rows = []
        for m, metric in enumerate(self.metrics):
            for j, name in enumerate(self.parameters):
                rows.append(
                    {
                        "metric": metric,
                        "parameter": name,
                        "S1": self.first[m, j],
                        "S1_lo": self.first_lo[m, j],
                        "S1_hi": self.first_hi[m, j],
                        "ST": self.total[m, j],
                        "ST_lo": self.total_lo[m, j],
                        "ST_hi": self.total_hi[m, j],
                    }
                )
        return pd.DataFrame(rows)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict."""

        def clean(v: float) -> float | None:
            return float(v) if math.isfinite(v) else None

        return {
            "n": self.n,
            "parameters": self.parameters,
            "metrics": {
                metric: {
                    "label": metric_label(metric),
                    "output_variance": clean(self.output_variance[m]),
                    "noise_variance": clean(self.noise_variance[m]),
                    "indices": [
                        {
                            "parameter": name,
                            "S1": clean(self.first[m, j]),
                            "S1_interval": [clean(self.first_lo[m, j]), clean(self.first_hi[m, j])],
                            "ST": clean(self.total[m, j]),
                            "ST_interval": [clean(self.total_lo[m, j]), clean(self.total_hi[m, j])],
                        }
                        for j, name in enumerate(self.parameters)
                    ],
                }
                for m, metric in enumerate(self.metrics)
            },
        }


def saltelli_jansen(f_a: np.ndarray, f_b: np.ndarray, f_ab: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """First-order (Saltelli et al. 2010) and total-order (Jansen 1999) indices, as scipy computes them.

    Args:
        f_a: Outputs at the A matrix, shape (n,).
        f_b: Outputs at the B matrix, shape (n,).
        f_ab: Outputs at each A_B^(i) matrix, shape (d, n).

    Returns:
        (first, total), each of shape (d,).
    """
    mean = np.mean([f_a, f_b])  # centring (Sobol' & Levitan 1999), as scipy does
    f_a, f_b, f_ab = f_a - mean, f_b - mean, f_ab - mean
    var = np.var([f_a, f_b])
    first = np.mean(f_b * (f_ab - f_a), axis=-1) / var
    total = 0.5 * np.mean((f_a - f_ab) ** 2, axis=-1) / var
    return first, total


def _bootstrap_bounds(f_a, f_b, f_ab, rng, confidence: float, n_resamples: int) -> tuple[np.ndarray, np.ndarray]:
    """BCa bootstrap bounds of (first..., total...) over the n base rows, drawn from the seeded ``rng``.

    scipy's ``SobolResult.bootstrap`` draws from an unseeded generator, so the resampling is done
    here with :func:`scipy.stats.bootstrap` and an explicit ``rng``.
    """
    d = f_ab.shape[0]

    def statistic(idx):
        idx = np.asarray(idx, dtype=int)
        return np.concatenate(saltelli_jansen(f_a[idx], f_b[idx], f_ab[:, idx]))

    with warnings.catch_warnings():  # a degenerate bootstrap (tiny n) gives NaN bounds: reported as n/a
        warnings.simplefilter("ignore")
        try:
            res = bootstrap(
                [np.arange(f_a.size)],
                statistic=statistic,
                method="BCa",
                n_resamples=n_resamples,
                confidence_level=confidence,
                vectorized=False,
                rng=rng,
            )
        except ValueError:
            return np.full(2 * d, np.nan), np.full(2 * d, np.nan)
    return np.asarray(res.confidence_interval.low, float), np.asarray(res.confidence_interval.high, float)


def sobol_analysis(
    outputs: Mapping[str, np.ndarray],
    parameters: Sequence[str],
    n: int,
    seed: int = 0,
    confidence: float = 0.95,
    n_resamples: int = 999,
    noise_variance: Mapping[str, float] | None = None,
) -> SensitivityResult:
    """Sobol' indices from outputs at the points of a :func:`saltelli_design`.

    Args:
        outputs: ``{name: values}``, each of length ``n (d + 2)`` in design order.
        parameters: The d parameter names.
        n: Base sample size of the design.
        seed: Seed of the bootstrap (``numpy.random.default_rng(seed)``).
        confidence: Coverage of the bootstrap intervals.
        n_resamples: Bootstrap resamples.
        noise_variance: Optional per-output Monte Carlo variance at a point.

    Returns:
        The :class:`SensitivityResult`.

    Raises:
        ValueError: If an output has the wrong length or non-finite values.
    """
    d = len(parameters)
    names = list(outputs)
    shape = (len(names), d)
    first, f_lo, f_hi, total, t_lo, t_hi = (np.full(shape, np.nan) for _ in range(6))
    variance = np.zeros(len(names))
    rng = np.random.default_rng(seed)
    for s, name in enumerate(names):
        f = np.asarray(outputs[name], dtype=float).ravel()
        if f.size != n * (d + 2):
            raise ValueError(f"{name}: expected {n * (d + 2)} outputs (n={n}, d={d}), got {f.size}")
        if not np.all(np.isfinite(f)):
            raise ValueError(f"{name}: outputs must be finite")
        variance[s] = f[: 2 * n].var()
        if not variance[s] > 0:  # an output that never moves has no variance to divide up
            continue
        f_a, f_b = f[:n], f[n : 2 * n]
        f_ab = np.stack([f[(2 + i) * n : (3 + i) * n] for i in range(d)])
        first[s], total[s] = saltelli_jansen(f_a, f_b, f_ab)
        low, high = _bootstrap_bounds(f_a, f_b, f_ab, rng, confidence, n_resamples)
        f_lo[s], t_lo[s] = low[:d], low[d:]
        f_hi[s], t_hi[s] = high[:d], high[d:]
    noise = np.array([(noise_variance or {}).get(k, np.nan) for k in names], dtype=float)
    return SensitivityResult(
        parameters=list(parameters),
        metrics=names,
        n=n,
        first=first,
        first_lo=f_lo,
        first_hi=f_hi,
        total=total,
        total_lo=t_lo,
        total_hi=t_hi,
        output_variance=variance,
        noise_variance=noise,
    )


def analyse_sweep(
    points: pd.DataFrame, metadata: Mapping[str, Any], metrics: Sequence[str] = SENSITIVITY_METRICS, seed: int = 0
) -> SensitivityResult:
    """Sobol' indices from a saved Saltelli sweep (point table and its metadata, see ``read_sweep``).

    Raises:
        ValueError: If the sweep's design is not a Saltelli design.
    """
    design = metadata.get("design", {})
    if design.get("kind") != "saltelli":
        raise ValueError(f"sensitivity needs a saltelli design, this sweep is {design.get('kind')!r}")
    names = [p["path"] for p in design["parameters"]]
    n = int(design["n_points"]) // (len(names) + 2)
    runs = int(metadata.get("runs", 0)) or float("nan")
    outputs, noise = {}, {}
    for m in metrics:
        check_metric(m)
        if not is_probability(m):
            raise ValueError(f"sensitivity analyses probabilities, not {m!r}")
        values = points.sort_values("point")[m].to_numpy(dtype=float)
        outputs[m] = values
        noise[m] = float(np.mean(values * (1 - values) / runs))
    return sobol_analysis(outputs, names, n, seed=seed, noise_variance=noise)


def sensitivity(
    scenario: Scenario | str | os.PathLike[str],
    parameters: Sequence[Parameter | str],
    *,
    n: int = 64,
    runs: int = 100,
    metrics: Sequence[str] = SENSITIVITY_METRICS,
    seed: int | None = None,
    design_seed: int | None = None,
    overrides: Sequence[Override] = (),
    progress: Callable[[int, int], None] | None = None,
    **sweep_options: Any,
) -> SensitivityResult:
    """Run a Saltelli sweep of the scenario and compute Sobol' indices of ``metrics``.

    Args:
        scenario: A validated scenario or a scenario file.
        parameters: ``PATH=LOW:HIGH`` / ``PATH=VALUES`` texts or parsed parameters.
        n: Base sample size (rounded up to a power of 2); the sweep has ``n (d + 2)`` points.
        runs: Runs per point.
        metrics: Probability metrics to analyse.
        seed: Master seed of the runs (default: the scenario's); also seeds the bootstrap.
        design_seed: Seed of the Sobol' sequence (default: ``seed``).
        overrides: ``--set`` overrides.
        progress: Called with (runs done, runs in all).
        **sweep_options: Passed to :func:`sim.experiments.sweep.sweep` (``out``, ``workers``,
            ``scheduler``, ``resume``, ``chunk_size``, ``engine``, ...).

    Returns:
        The :class:`SensitivityResult` (its ``sweep`` holds the point table).
    """
    base, document = prepare_scenario(scenario, overrides)
    seed = base.monte_carlo.seed if seed is None else int(seed)
    params = [p for p in parameters if isinstance(p, Parameter)]
    texts = [p for p in parameters if isinstance(p, str)]
    params = typed_parameters(document, params + parse_parameters(texts) if texts else params)
    validate_parameters(document, params)
    design = saltelli_design(params, n, seed if design_seed is None else design_seed)
    result = sweep(base, design, runs=runs, seed=seed, progress=progress, **sweep_options)
    analysis = analyse_sweep(result.points, result.metadata, metrics, seed=seed)
    return SensitivityResult(**{**analysis.__dict__, "sweep": result})
