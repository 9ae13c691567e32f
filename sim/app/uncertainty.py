"""Parameter uncertainty in the app: the calibrated posterior that ships beside a scenario, if it fits.

A shipped scenario ``scenarios/NAME.yaml`` may have a posterior ``scenarios/NAME.posterior.json`` (``flashpoint
calibrate``). The Monte Carlo and Compare pages offer it when it was fitted on the scenario the user has loaded
(its text before the levers' overrides, compared by model fingerprint, as ``--posterior`` compares the scenario
file before ``--set``): each run then draws its parameters from it, and every interval carries the spread
between parameter sets (docs/experiments.md, "Parameter uncertainty").
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sim.app.editing import SCENARIO_DIR
from sim.experiments.posterior import Posterior, load_posterior
from sim.scenario.errors import ScenarioError
from sim.scenario.schema import Scenario

__all__ = ["PosteriorOffer", "posterior_for"]


@dataclass(frozen=True)
class PosteriorOffer:
    """The posterior a page can offer, or why none.

    Attributes:
        posterior: The posterior (marked for use under the levers' overrides), or None.
        file: Its file name ("" if there is none).
        reason: Why it is not offered ("" when it is).
    """

    posterior: Posterior | None
    file: str = ""
    reason: str = ""


def posterior_for(source: str, base: Scenario | None, directory: Path = SCENARIO_DIR) -> PosteriorOffer:
    """The shipped posterior of the scenario loaded from ``source``, if it was fitted on ``base``.

    Args:
        source: The file name the scenario came from (``taiwan_strait.yaml``).
        base: The scenario before the levers' overrides (None if invalid).
        directory: Where shipped scenarios and their posteriors are.
    """
    path = directory / f"{Path(source).stem}.posterior.json"
    if not path.is_file() or base is None:
        return PosteriorOffer(None, "", "no calibrated posterior ships with this scenario")
    try:
        posterior = load_posterior(path, base)
    except ScenarioError as exc:
        return PosteriorOffer(None, path.name, f"{path.name} does not fit this scenario: {exc.errors[0].message}")
    return PosteriorOffer(posterior.for_any_scenario(), path.name)
