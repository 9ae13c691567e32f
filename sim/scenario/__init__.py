"""The scenario language: schema, YAML loading with located errors, overrides, JSON Schema export.

Typical use::

    from sim.scenario import load_scenario, ScenarioError

    try:
        scenario = load_scenario("scenarios/taiwan_strait.yaml", ["policy.hotline.enabled=false"])
    except ScenarioError as exc:
        print(exc)  # one `FILE:LINE:COL: path: message` line per problem

The names below are imported on first use, so that importing a light submodule (``limits``,
``printable``) does not load pydantic and ruamel.yaml: ``flashpoint --help`` stays fast.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "scenario_problems": "checks",
    "LocatedError": "errors",
    "ScenarioError": "errors",
    "format_path": "errors",
    "decode_scenario_bytes": "loader",
    "load_scenario": "loader",
    "load_scenario_data": "loader",
    "load_scenario_text": "loader",
    "load_yaml_model": "loader",
    "scenario_json_schema": "loader",
    "OverrideError": "overrides",
    "OverrideResult": "overrides",
    "apply_overrides": "overrides",
    "parse_override": "overrides",
    "parse_path": "overrides",
    "Scenario": "schema",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'sim.scenario' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"sim.scenario.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_EXPORTS})
