"""One call for analysts' tools: a dict of parameters in, a dict of outcomes out.

:func:`evaluate` is what EMA Workbench, SALib, an optimiser or a notebook loop needs::

    from sim import evaluate

    evaluate("taiwan_strait", {"actors.PRC.ai.capability": 0.7, "policy.hotline.enabled": False}, runs=500)
    # {'p_ge_3': 0.318, 'p_ge_5': 0.046, 'p_inadvertent': 0.062, 'severity': 47.3}

Parameters are scenario paths, as ``--set`` takes them, with Python values. Every call runs replications
``0 .. runs-1`` with the same master seed, so any two calls use **common random numbers**: run i of one
call faces the same encounters and dice as run i of another wherever their parameters do not make the
histories differ. Differences between calls are then differences of the parameters, not of the random
draws (an experiment repeated gives the same numbers; two nearby designs are compared on the same
dice), which is what feature scoring, scenario discovery and optimisation need.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from sim.experiments.batches import DEFAULT_ENGINE, default_chunk_size, run_points
from sim.experiments.executors import Executor, make_executor
from sim.experiments.metrics import check_metric, is_probability, metric_values
from sim.experiments.posterior import Posterior, PosteriorRuns, as_posterior, override_paths
from sim.experiments.stats import check_interval
from sim.experiments.summary import MeanEstimate, Proportion
from sim.scenario.errors import LocatedError, ScenarioError
from sim.scenario.library import resolve_scenario
from sim.scenario.loader import load_scenario_data
from sim.scenario.schema import Scenario

__all__ = ["DEFAULT_METRICS", "PARAMETERS_SOURCE", "evaluate", "scenario_with"]

DEFAULT_METRICS = ("p_ge_3", "p_ge_5", "p_inadvertent", "severity")
"""What :func:`evaluate` returns unless told: escalation to rungs 3 and 5, inadvertent escalation, severity."""

PARAMETERS_SOURCE = "parameters"
"""File name of errors located in :func:`evaluate`'s ``parameters`` (line N is the N-th key)."""


def scenario_with(scenario: Scenario, parameters: Mapping[str, Any] | None) -> Scenario:
    """``scenario`` with ``parameters`` (path → value) applied and validated.

    Raises:
        ScenarioError: Located at ``parameters:N:1`` (the N-th key) for a bad path or value.
    """
    if not parameters:
        return scenario
    overrides = [(str(path), _plain(value)) for path, value in parameters.items()]
    try:
        return load_scenario_data(scenario.model_dump(mode="json"), overrides)
    except ScenarioError as exc:
        located = [
            LocatedError(PARAMETERS_SOURCE, e.line, 1, e.path, e.message) if e.file == "--set" else e
            for e in exc.errors
        ]
        raise ScenarioError(located) from None


def _plain(value: Any) -> Any:
    """numpy scalars (what samplers hand out) as Python values."""
    return value.item() if isinstance(value, np.generic) else value


def evaluate(
    scenario: Scenario | str | os.PathLike[str],
    parameters: Mapping[str, Any] | None = None,
    runs: int = 1000,
    seed: int | None = None,
    metrics: Sequence[str] = DEFAULT_METRICS,
    *,
    intervals: bool = False,
    interval: str = "wilson",
    engine: str = DEFAULT_ENGINE,
    workers: int = 1,
    executor: Executor | None = None,
    posterior: Posterior | str | os.PathLike[str] | None = None,
) -> dict[str, float]:
    """Run ``runs`` replications of the scenario with ``parameters`` set; return each metric's estimate.

    Args:
        scenario: A validated scenario, a scenario file, or a shipped scenario's name (``"taiwan_strait"``).
        parameters: Scenario paths and values, e.g. ``{"actors.PRC.ai.capability": 0.7}`` (as ``--set``).
        runs: Replications, run indices ``0 .. runs-1`` (the same in every call: common random numbers).
        seed: Master seed (default: the scenario's ``monte_carlo.seed``); keep it fixed across calls.
        metrics: Metrics to return (:data:`sim.experiments.metrics.KNOWN_METRICS`): a probability
            (``p_ge_3``, ``p_inadvertent``, ...) or a per-run mean (``severity``, ``drones_lost``, ...).
        intervals: Also return each metric's 95% interval as ``<metric>_lo`` and ``<metric>_hi``.
        interval: Binomial interval of the probabilities (``wilson``, ``jeffreys``, ``clopper-pearson``).
        engine: ``compiled`` (default) or ``reference``; both give the same numbers.
        workers: Local worker processes.
        executor: A ready executor (e.g. a Dask one; not closed here).
        posterior: A posterior (or its file) each run draws its parameter set from, by run index;
            ``parameters`` are applied on top of it and keep their values.

    Returns:
        ``{metric: estimate}`` in the order of ``metrics`` (and the bounds with ``intervals``): plain
        floats, identical for identical arguments.

    Raises:
        ScenarioError: On a bad parameter (located at ``parameters:N:1``) or scenario file.
        FileNotFoundError: If ``scenario`` names no file and no shipped scenario.
        ValueError: On an unknown metric or interval, or fewer than one run.
    """
    if runs < 1:
        raise ValueError(f"runs must be at least 1 (got {runs})")
    for metric in metrics:
        check_metric(metric)
    check_interval(interval)
    base = resolve_scenario(scenario)
    built = scenario_with(base, parameters)
    seed = base.monte_carlo.seed if seed is None else int(seed)
    posterior = as_posterior(posterior)
    plan = PosteriorRuns(posterior, built, seed) if posterior is not None else None
    fixed = [override_paths((str(path), value) for path, value in (parameters or {}).items())]
    ex = executor or make_executor(workers)
    try:
        size = default_chunk_size(engine)
        table = run_points([built], seed, range(runs), ex, size, engine, posterior=plan, fixed_paths=fixed)[0]
    finally:
        if executor is None:
            ex.close()
    out: dict[str, float] = {}
    for metric in metrics:
        x = metric_values(table, metric)
        if is_probability(metric):
            estimate: Proportion | MeanEstimate = Proportion.of(int(x.sum()), int(x.size), interval=interval)
            out[metric] = float(estimate.p)
        else:
            estimate = MeanEstimate.of(x)
            out[metric] = float(estimate.mean)
        if intervals:
            out[f"{metric}_lo"], out[f"{metric}_hi"] = float(estimate.lo), float(estimate.hi)
    return out
