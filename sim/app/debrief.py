"""The debrief package: one zip with the figures, the event narrative, the scenario and the summaries."""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass, field

from sim.app.editing import resolved_yaml
from sim.app.odds import OddsResult
from sim.app.results import FIGURE_BUILDERS, McRequest, figure_png, summary_json
from sim.engines import Wargame
from sim.experiments.monte_carlo import MonteCarloResult
from sim.report.figures import FIGURE_FILES
from sim.scenario.schema import Scenario
from sim.vocabulary import narrate

__all__ = ["DebriefInput", "build_debrief", "debrief_contents", "debrief_members"]


@dataclass
class DebriefInput:
    """What goes into a debrief (anything missing is left out and said so in README.txt).

    Attributes:
        scenario: The scenario in use (overrides applied).
        source: Where its text came from.
        overrides: The overrides applied.
        mc_request: The Monte Carlo request, if one was run.
        mc_result: Its result.
        game: The live game, if one was played.
        comparison: A comparison's ``to_dict()``, if one was run.
        odds: The last "odds from here", if asked.
    """

    scenario: Scenario
    source: str
    overrides: tuple[str, ...] = ()
    mc_request: McRequest | None = None
    mc_result: MonteCarloResult | None = None
    game: Wargame | None = None
    comparison: dict | None = None
    odds: OddsResult | None = None
    notes: list[str] = field(default_factory=list)


def debrief_contents(data: DebriefInput) -> list[str]:
    """The names of the package's files, sorted, without building them."""
    names = ["README.txt", "scenario.yaml"]
    if data.mc_result is not None and data.mc_request is not None:
        names += [f"figures/{FIGURE_FILES[key]}" for key in FIGURE_BUILDERS] + ["monte_carlo_summary.json"]
    if data.game is not None:
        names.append("narrative.txt")
    if data.comparison is not None:
        names.append("comparison.json")
    if data.odds is not None:
        names.append("odds_from_here.json")
    return sorted(names)


def debrief_members(data: DebriefInput) -> dict[str, bytes]:
    """The files of the package, by name."""
    files: dict[str, bytes] = {}
    readme = [f"Flashpoint debrief — {data.scenario.metadata.name}", f"Scenario source: {data.source}"]
    readme += [f"Override: {o}" for o in data.overrides] or ["No overrides."]
    files["scenario.yaml"] = resolved_yaml(data.scenario, data.source, data.overrides).encode("utf-8")
    if data.mc_result is not None and data.mc_request is not None:
        for key in FIGURE_BUILDERS:
            files[f"figures/{FIGURE_FILES[key]}"] = figure_png(data.mc_result.summary, key)
        files["monte_carlo_summary.json"] = summary_json(data.mc_request, data.mc_result)
        readme.append(f"Monte Carlo: {len(data.mc_result.outcomes)} runs, seed {data.mc_result.seed}.")
    else:
        readme.append("No Monte Carlo was run: no figures or summary.")
    if data.game is not None:
        model = data.game.model
        players = ", ".join(sorted(model.players)) or "none"
        head = f"Wargame: seed {model.seed}, run {model.run_index}, players {players}\n"
        files["narrative.txt"] = (head + narrate(data.game.model.log, with_causes=True) + "\n").encode("utf-8")
        readme.append(f"Wargame narrative: {len(data.game.model.log)} events up to {data.game.clock()}.")
    else:
        readme.append("No wargame was played: no narrative.")
    if data.comparison is not None:
        files["comparison.json"] = (json.dumps(data.comparison, indent=2, allow_nan=False) + "\n").encode("utf-8")
    if data.odds is not None:
        odds = {
            "engine": data.odds.engine,
            "start_hours": data.odds.start_hours,
            "horizon_hours": data.odds.horizon_hours,
            "futures_per_option": data.odds.futures,
            "options": data.odds.table(),
        }
        files["odds_from_here.json"] = (json.dumps(odds, indent=2, allow_nan=False) + "\n").encode("utf-8")
    files["README.txt"] = ("\n".join(readme + data.notes) + "\n").encode("utf-8")
    return files


def build_debrief(data: DebriefInput) -> bytes:
    """The debrief as zip bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in debrief_members(data).items():
            archive.writestr(name, content)
    return buffer.getvalue()
