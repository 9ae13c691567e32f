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
from sim.scenario import ScenarioError, load_scenario, load_yaml_model, parse_override
from sim.scenario.errors import Path as DocPath

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
    """One statistic of one simulation against its observed value."""

    name: Name = Field(description="Name of the target.")
    simulation: Name = Field(description="Id of the simulation whose runs give the statistic.")
    statistic: Literal[tuple(STATISTICS)] = Field(description="Statistic of the runs (sim.calibration.statistics).")  # type: ignore[valid-type]
    observed: float = Field(allow_inf_nan=False, description="Observed value.")
    sd: float = Field(gt=0.0, allow_inf_nan=False, description="Uncertainty of the observed value, one SD.")
    source: str = Field(min_length=1, max_length=2000, description="Where the observed value comes from.")


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


def _problems(targets: Targets) -> Iterator[tuple[DocPath, str]]:
    names = set()
    for i, target in enumerate(targets.targets):
        if target.name in names:
            yield ("targets", i, "name"), f"a second target named '{target.name}'"
        names.add(target.name)
        if target.simulation not in targets.simulations:
            yield ("targets", i, "simulation"), f"unknown simulation '{target.simulation}'"
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
    """Every scenario loads with its overrides and with every fitted parameter at a point of its prior."""
    middle = [f"{p.path}={_middle(p.prior)!r}" for p in targets.parameters]
    files: list[tuple[DocPath, str, list[str]]] = [(("scenario",), targets.scenario, [])]
    files += [(("simulations", key, "scenario"), s.scenario, list(s.set)) for key, s in targets.simulations.items()]
    for where, file, sets in files:
        path = targets.resolve(file)
        if not path.is_file():
            yield where, f"no scenario file at {path}"
            continue
        try:
            load_scenario(path, [parse_override(text) for text in [*sets, *middle]])
        except ScenarioError as exc:
            first = exc.errors[0]
            fitted = first.line - 1 - len(sets) if first.file == "--set" else -1
            if 0 <= fitted < len(targets.parameters):  # a fitted path the scenario does not take: locate it there
                yield ("parameters", fitted, "path"), f"{file}: {first.path}: {first.message}"
            else:
                yield where, f"{file} with the fitted parameters at their prior's middle: {first.path}: {first.message}"
        except ValueError as exc:  # an override that does not parse
            yield where, f"{file}: {exc}"


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
