"""A small calibration problem: the versus duel followed for 30 days, two parameters, targets simulated at known
values (so a calibration must find them again)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "model"))

from model_scenarios import duel

STATISTICS = {"none": "crisis_rung_at_most_2", "war": "crisis_rung_at_least_4", "ended": "crisis_ended_within_30_days"}
"""The statistic of each target."""

TRUTH = {"parameters.response.deliberate_escalation_per_day": 0.05, "parameters.ending.end_per_day": 0.03}
"""The parameter values the targets were simulated at."""

TARGETS = """\
scenario: duel.yaml
seed: 7
simulations:
  crisis: {{scenario: duel.yaml, runs: {runs}}}
parameters:
  - {{path: parameters.response.deliberate_escalation_per_day, prior: {{kind: log_uniform, low: 0.005, high: 0.5}}}}
  - {{path: parameters.ending.end_per_day, prior: {{kind: log_uniform, low: 0.003, high: 0.3}}}}
targets:
  - {{name: none, simulation: crisis, statistic: crisis_rung_at_most_2, observed: {none}, sd: 0.035, source: truth}}
  - {{name: war, simulation: crisis, statistic: crisis_rung_at_least_4, observed: {war}, sd: 0.045, source: truth}}
  - {{name: ended, simulation: crisis, statistic: crisis_ended_within_30_days, observed: {ended}, sd: 0.045,
     source: truth}}
"""


def duel_document(values: dict[str, float] | None = None) -> dict:
    """The 30-day duel (deliberate hazards and endings only), with the given parameter values."""
    values = values or {}
    response = {"deliberate_escalation_per_day": values.get("parameters.response.deliberate_escalation_per_day", 0.01)}
    ending = {
        "end_per_day": values.get("parameters.ending.end_per_day", 0.02),
        "level_decay": 0.0,
        "incident_gain": 0.0,
    }
    scenario = duel(time={"horizon_hours": 720, "tick_hours": 6}, parameters={"response": response, "ending": ending})
    return scenario.model_dump(mode="json")
