"""The scenario language: schema, YAML loading with located errors, overrides, JSON Schema export.

Typical use::

    from sim.scenario import load_scenario, ScenarioError

    try:
        scenario = load_scenario("scenarios/taiwan_strait.yaml", ["policy.hotline.enabled=false"])
    except ScenarioError as exc:
        print(exc)  # one `FILE:LINE:COL: path: message` line per problem
"""

from sim.scenario.checks import scenario_problems
from sim.scenario.errors import LocatedError, ScenarioError, format_path
from sim.scenario.loader import load_scenario, load_scenario_data, load_scenario_text, scenario_json_schema
from sim.scenario.overrides import OverrideError, OverrideResult, apply_overrides, parse_override, parse_path
from sim.scenario.schema import Scenario

__all__ = [
    "LocatedError",
    "OverrideError",
    "OverrideResult",
    "Scenario",
    "ScenarioError",
    "apply_overrides",
    "format_path",
    "load_scenario",
    "load_scenario_data",
    "load_scenario_text",
    "parse_override",
    "parse_path",
    "scenario_json_schema",
    "scenario_problems",
]
