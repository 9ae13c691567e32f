"""Flashpoint as a model for analysts' tools: an EMA Workbench model and a SALib problem.

- :func:`ema_model` wraps :func:`sim.experiments.evaluate.evaluate` as an ``ema_workbench.Model``: its
  uncertainties and levers are ``--param`` texts (``actors.PRC.ai.capability=0.4:0.9``,
  ``policy.hotline.enabled=true,false``), its outcomes Flashpoint's metrics. Every experiment runs the
  same run indices with the same seed (common random numbers), so feature scores and scenario
  discovery see the parameters' effects, not the dice. Needs the optional extra ``[ema]``
  (``pip install -e ".[ema]"``).
- :func:`salib_problem` turns ``--param`` ranges into the problem dict SALib's samplers and analysers
  take (``num_vars``, ``names``, ``bounds``), so a design drawn by SALib can be run with
  :func:`~sim.experiments.evaluate.evaluate` point by point.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sim.experiments.batches import DEFAULT_ENGINE
from sim.experiments.designs import PARAM_SOURCE, Parameter, parse_parameters, typed_parameters, validate_parameters
from sim.experiments.evaluate import DEFAULT_METRICS, evaluate
from sim.experiments.metrics import check_metric
from sim.scenario.errors import LocatedError, ScenarioError
from sim.scenario.library import resolve_scenario
from sim.scenario.schema import Scenario

__all__ = ["FlashpointFunction", "ema_model", "ema_name", "salib_problem"]


def ema_name(path: str) -> str:
    """An EMA Workbench name (a Python identifier) for a scenario path: ``actors.PRC.ai.capability`` →
    ``actors_PRC_ai_capability``."""
    name = re.sub(r"\W", "_", path)
    return name if name.isidentifier() else f"p_{name}"


@dataclass(frozen=True)
class FlashpointFunction:
    """The function an EMA Workbench model calls: keyword arguments (scenario paths) in, metrics out.

    A plain picklable object, so EMA's multiprocessing evaluator can send it to its workers.
    """

    scenario: Scenario
    runs: int
    seed: int | None
    metrics: tuple[str, ...]
    engine: str = DEFAULT_ENGINE

    def __call__(self, **parameters: Any) -> dict[str, float]:
        """Run one experiment: :func:`~sim.experiments.evaluate.evaluate` with these parameters."""
        return evaluate(self.scenario, parameters, self.runs, self.seed, self.metrics, engine=self.engine)


def _parameters(document: dict[str, Any], texts: Sequence[str | Parameter], first: int = 1) -> list[Parameter]:
    parsed = [p for p in texts if isinstance(p, Parameter)]
    strings = [t for t in texts if isinstance(t, str)]
    if strings:
        parsed += parse_parameters(strings)
    params = typed_parameters(document, parsed)
    validate_parameters(document, params)
    return params


def _ema_parameter(parameter: Parameter) -> Any:
    """The EMA Workbench parameter for one ``--param``: real or integer range, boolean, or categories."""
    from ema_workbench import BooleanParameter, CategoricalParameter, IntegerParameter, RealParameter

    name, path = ema_name(parameter.name), parameter.name
    if parameter.is_range:
        assert parameter.low is not None and parameter.high is not None
        if parameter.integer:
            return IntegerParameter(name, int(parameter.low), int(parameter.high), variable_name=path)
        return RealParameter(name, parameter.low, parameter.high, variable_name=path)
    if set(parameter.values) == {True, False} and all(isinstance(v, bool) for v in parameter.values):
        return BooleanParameter(name, variable_name=path)
    return CategoricalParameter(name, list(parameter.values), variable_name=path)


def ema_model(
    scenario: Scenario | str | os.PathLike[str],
    uncertainties: Sequence[str | Parameter],
    levers: Sequence[str | Parameter] = (),
    outcomes: Sequence[str] = DEFAULT_METRICS,
    runs: int = 300,
    seed: int | None = None,
    name: str = "flashpoint",
    engine: str = DEFAULT_ENGINE,
) -> Any:
    """An ``ema_workbench.Model`` of the scenario.

    Args:
        scenario: A validated scenario, a scenario file, or a shipped scenario's name.
        uncertainties: ``PATH=LOW:HIGH`` or ``PATH=V1,V2,...`` texts (as ``--param``): the
            uncertainties EMA samples.
        levers: The same, for the policy levers.
        outcomes: Flashpoint metrics, each an EMA ``ScalarOutcome`` to minimise (every metric is a harm:
            an escalation probability, severity, losses).
        runs: Replications per experiment (the same run indices and seed in every experiment).
        seed: Master seed (default: the scenario's).
        name: The model's name (a Python identifier).
        engine: ``compiled`` or ``reference``.

    Returns:
        The model, ready for ``ema_workbench.perform_experiments``. EMA names each parameter after its
        path (dots become underscores: :func:`ema_name`) and passes the path itself to the model.

    Raises:
        ImportError: Without ``ema_workbench`` (the ``[ema]`` extra).
        ScenarioError: On a bad ``--param`` text, path or value (located at ``--param:N:COL``,
            counting the uncertainties, then the levers).
    """
    try:
        from ema_workbench import Model, ScalarOutcome
    except ImportError as exc:
        raise ImportError('the EMA Workbench adapter needs ema_workbench: pip install -e ".[ema]"') from exc
    for metric in outcomes:
        check_metric(metric)
    base = resolve_scenario(scenario)
    document = base.model_dump(mode="json")
    params = _parameters(document, [*uncertainties, *levers])
    model = Model(name, function=FlashpointFunction(base, int(runs), seed, tuple(outcomes), engine))
    model.uncertainties = [_ema_parameter(p) for p in params[: len(uncertainties)]]
    model.levers = [_ema_parameter(p) for p in params[len(uncertainties) :]]
    model.outcomes = [ScalarOutcome(metric, kind=ScalarOutcome.MINIMIZE) for metric in outcomes]
    return model


def salib_problem(parameters: Sequence[str | Parameter], scenario: Scenario | str | os.PathLike[str] | None = None):
    """The SALib problem of ``--param`` ranges: ``{"num_vars", "names", "bounds"}``.

    Names are the scenario paths, so a row ``x`` of a SALib sample is run with
    ``evaluate(scenario, dict(zip(problem["names"], x)))``. An integer range is exported as its real
    interval (round the sampled values, or prefer a real-valued field); listed values have no bounds
    and are refused.

    Args:
        parameters: ``PATH=LOW:HIGH`` texts (``--param``) or parsed parameters.
        scenario: If given, each range is checked against it (path, type, both ends) and typed by its
            schema, as a sweep does.

    Returns:
        The problem dict.

    Raises:
        ScenarioError: On a malformed text, a list of values, or (with ``scenario``) a bad path or end,
            located at ``--param:N:COL``.
    """
    if scenario is not None:
        params = _parameters(resolve_scenario(scenario).model_dump(mode="json"), parameters)
    else:
        strings = [t for t in parameters if isinstance(t, str)]
        params = [p for p in parameters if isinstance(p, Parameter)] + (parse_parameters(strings) if strings else [])
    listed = [p for p in params if not p.is_range]
    if listed:
        raise ScenarioError(
            [
                LocatedError(PARAM_SOURCE, p.index, 1, p.name, "SALib needs a numeric range LOW:HIGH, not a list")
                for p in listed
            ]
        )
    return {
        "num_vars": len(params),
        "names": [p.name for p in params],
        "bounds": [[float(p.low), float(p.high)] for p in params],  # type: ignore[arg-type]
    }
