"""The calibration targets file: what is fitted, to what, with which priors (docs/calibration.md).

A targets file names the scenario the posterior is for, the simulations that produce statistics (a scenario
file, ``--set`` overrides and a number of runs), the parameters fitted with their priors, and the targets:
a statistic of one simulation, its observed value, its uncertainty (one standard deviation) and its source.
Paths to scenarios are relative to the targets file.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

from sim.calibration.statistics import STATISTICS
from sim.scenario import ScenarioError, load_scenario, load_scenario_data, load_yaml_model, parse_override
from sim.scenario.errors import Path as DocPath
from sim.scenario.overrides import OverrideError, parse_path, schema_type

__all__ = [
    "MAX_PARAMETERS",
    "MAX_TARGETS",
    "FittedParameter",
    "Prior",
    "Simulation",
    "Target",
    "Targets",
    "load_targets",
]

MAX_PARAMETERS = 32
"""Most parameters one calibration fits."""
MAX_TARGETS = 64
"""Most targets one calibration uses."""
MAX_RUNS_PER_SIMULATION = 100_000
"""Most runs one simulation of one evaluation makes."""

Name = Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9_\-]*$", min_length=1, max_length=64)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Prior(_Strict):
    """A prior over one parameter: uniform, or uniform in the logarithm (for rates spanning decades)."""

    kind: Literal["uniform", "log_uniform"] = Field(description="Shape of the prior.")
    low: float = Field(allow_inf_nan=False, description="Lower bound.")
    high: float = Field(allow_inf_nan=False, description="Upper bound (greater than low).")


class FittedParameter(_Strict):
    """A scenario parameter the calibration fits."""

    path: str = Field(min_length=1, max_length=300, description="Override path, as in --set PATH=VALUE.")
    prior: Prior = Field(description="Its prior.")
    note: str = Field(default="", max_length=2000, description="Why it is fitted and what informs it.")


class Simulation(_Strict):
    """A scenario simulated for every evaluation of the parameters."""

    scenario: str = Field(min_length=1, max_length=1000, description="Scenario file, relative to the targets file.")
    set: list[str] = Field(default_factory=list, max_length=64, description="--set overrides applied first.")
    runs: int = Field(ge=1, le=MAX_RUNS_PER_SIMULATION, description="Runs per evaluation.")


class Target(_Strict):
    """One statistic of one simulation against its observed value.

    A *target* counts in the ABC distance; a *check* does not (no fitted parameter moves it, so it would
    only add noise to the distance) but is reported by the posterior predictive check like a target.
    """

    name: Name = Field(description="Name of the target.")
    simulation: Name = Field(description="Id of the simulation whose runs give the statistic.")
    statistic: Literal[tuple(STATISTICS)] = Field(description="Statistic of the runs (sim.calibration.statistics).")  # type: ignore[valid-type]
    observed: float = Field(allow_inf_nan=False, description="Observed value.")
    sd: float = Field(gt=0.0, allow_inf_nan=False, description="Uncertainty of the observed value, one SD.")
    source: str = Field(min_length=1, max_length=2000, description="Where the observed value comes from.")
    role: Literal["target", "check"] = Field(
        default="target", description="'target': in the distance; 'check': reported, not fitted to."
    )


class Targets(_Strict):
    """A whole targets file."""

    scenario: str = Field(min_length=1, max_length=1000, description="The scenario the posterior is for.")
    seed: int = Field(default=20261130, ge=0, le=2**62, description="Master seed of the calibration.")
    simulations: dict[Name, Simulation] = Field(min_length=1, max_length=16)
    parameters: list[FittedParameter] = Field(min_length=1, max_length=MAX_PARAMETERS)
    targets: list[Target] = Field(min_length=1, max_length=MAX_TARGETS)
    _base_dir: str = PrivateAttr(default=".")

    def resolve(self, relative: str) -> Path:
        """A path named in the file, relative to the targets file's directory."""
        return Path(self._base_dir) / relative

    @property
    def fitted(self) -> list[Target]:
        """The targets in the distance (role ``target``)."""
        return [t for t in self.targets if t.role == "target"]

    @property
    def checks(self) -> list[Target]:
        """The targets only reported (role ``check``)."""
        return [t for t in self.targets if t.role == "check"]


def _problems(targets: Targets) -> Iterator[tuple[DocPath, str]]:
    names = set()
    for i, target in enumerate(targets.targets):
        if target.name in names:
            yield ("targets", i, "name"), f"a second target named '{target.name}'"
        names.add(target.name)
        if target.simulation not in targets.simulations:
            yield ("targets", i, "simulation"), f"unknown simulation '{target.simulation}'"
        spec = STATISTICS[target.statistic]
        if not spec.low <= target.observed <= spec.high:
            yield (
                ("targets", i, "observed"),
                (
                    f"{target.observed:g} is outside what {target.statistic} can be ({spec.about}: {spec.low:g} to "
                    f"{spec.high:g})"
                ),
            )
    if targets.targets and not targets.fitted:
        yield ("targets",), "every target is a check: at least one needs role 'target' (the distance is made of them)"
    paths = set()
    for i, parameter in enumerate(targets.parameters):
        prior = parameter.prior
        if not prior.low < prior.high:
            yield ("parameters", i, "prior", "high"), f"must be greater than low ({prior.low:g})"
        elif prior.kind == "log_uniform" and prior.low <= 0:
            yield ("parameters", i, "prior", "low"), "a log-uniform prior needs low > 0"
        if parameter.path in paths:
            yield ("parameters", i, "path"), f"'{parameter.path}' is fitted twice"
        paths.add(parameter.path)
    yield from _scenario_problems(targets)


def _scenario_problems(targets: Targets) -> Iterator[tuple[DocPath, str]]:
    """Every scenario loads with its overrides, every fitted parameter is a real number field of it whose
    prior's both ends are valid values, and every simulation is long enough for its targets' statistics."""
    files: list[tuple[DocPath, str, list[str]]] = [(("scenario",), targets.scenario, [])]
    files += [(("simulations", key, "scenario"), s.scenario, list(s.set)) for key, s in targets.simulations.items()]
    seen: set[tuple[DocPath, str]] = set()
    for where, file, sets in files:
        path = targets.resolve(file)
        if not path.is_file():
            yield where, f"no scenario file at {path}"
            continue
        try:
            scenario = load_scenario(path, [parse_override(text) for text in sets])
        except ScenarioError as exc:
            first = exc.errors[0]
            yield where, f"{file}: {first.path}: {first.message}"
            continue
        except ValueError as exc:  # an override that does not parse
            yield where, f"{file}: {exc}"
            continue
        for problem in _parameter_problems(targets, file, scenario.model_dump(mode="json")):
            if problem not in seen:  # the same fitted path fails the same way in every scenario: say it once
                seen.add(problem)
                yield problem
        if where[0] == "simulations":
            yield from _horizon_problems(targets, str(where[1]), scenario.time.horizon_hours)


def _parameter_problems(targets: Targets, file: str, document: dict) -> Iterator[tuple[DocPath, str]]:
    """Each fitted path leads to a real number field of the scenario, and both ends of its prior are valid."""
    for i, parameter in enumerate(targets.parameters):
        try:
            key = parse_path(parameter.path)
        except OverrideError as exc:
            yield ("parameters", i, "path"), exc.message
            continue
        kind = schema_type(document, key)
        if kind is None:
            try:
                load_scenario_data(document, [(key, _middle(parameter.prior))])
            except ScenarioError as exc:
                yield ("parameters", i, "path"), f"{file}: {exc.errors[0].path}: {exc.errors[0].message}"
                continue
            yield ("parameters", i, "path"), f"{file}: the scenario has no number field at {parameter.path}"
            continue
        if kind is int:
            yield (
                ("parameters", i, "path"),
                (
                    f"{file}: {parameter.path} holds a whole number; the calibration draws real values, so only "
                    "real-valued fields can be fitted"
                ),
            )
            continue
        if kind is not float:
            name = getattr(kind, "__name__", str(kind))
            yield ("parameters", i, "path"), f"{file}: {parameter.path} is not a number field (it holds {name})"
            continue
        for end in ("low", "high"):
            value = getattr(parameter.prior, end)
            try:
                load_scenario_data(document, [(key, value)])
            except ScenarioError as exc:
                message = exc.errors[0].message
                yield ("parameters", i, "prior", end), f"{value:g} is not a valid {parameter.path} in {file}: {message}"


def _horizon_problems(targets: Targets, simulation: str, horizon_hours: float) -> Iterator[tuple[DocPath, str]]:
    """A statistic that needs a longer horizon than the simulation has (e.g. ended within 365 days)."""
    for i, target in enumerate(targets.targets):
        need = STATISTICS[target.statistic].horizon_days
        if target.simulation == simulation and need * 24.0 > horizon_hours:
            yield (
                ("targets", i, "statistic"),
                (
                    f"{target.statistic} needs a horizon of at least {need:g} days, but simulation '{simulation}' "
                    f"runs for {horizon_hours:g} h ({horizon_hours / 24:g} days)"
                ),
            )


def _middle(prior: Prior) -> float:
    if prior.kind == "log_uniform":
        return math.sqrt(prior.low * prior.high)
    return 0.5 * (prior.low + prior.high)


def load_targets(path: str | os.PathLike[str]) -> Targets:
    """Load and check a targets file.

    Raises:
        ScenarioError: Every problem, located at ``FILE:LINE:COL`` (a bad scenario path or a fitted path the
            scenarios do not have is located at the entry that names it).
    """
    base = str(Path(path).resolve().parent)

    def checks(value: Targets) -> Iterator[tuple[DocPath, str]]:
        value._base_dir = base
        return _problems(value)

    return load_yaml_model(path, Targets, checks)
