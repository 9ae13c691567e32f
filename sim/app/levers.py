"""The main policy and technology levers as controls, mapped to ``--set``-style overrides.

A lever names a scenario field (``policy.hotline.reliability``) or, for an asset class, every
asset of that class (``assets.<id>.autonomy`` for each drone swarm). The app shows one control per
lever, initialised from the scenario; only values that differ from the scenario become overrides,
so the list shown to the user is exactly what changes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any, Literal

from sim.scenario.schema import Autonomy, Scenario

__all__ = [
    "ASSET_CLASSES",
    "AUTONOMY_LEVELS",
    "UNSET_LABELS",
    "Lever",
    "format_value",
    "lever_overrides",
    "levers_for",
    "read_value",
]

LeverKind = Literal["autonomy", "class_autonomy", "cap", "fraction", "bool", "hours"]

AUTONOMY_LEVELS = tuple(a.value for a in Autonomy)
"""Autonomy levels, from most to least human control."""

ASSET_CLASSES = ("drone_swarm", "naval_group", "space_asset")
"""Asset kinds (the ``kind`` field of an asset)."""

UNSET_LABELS = {"class_autonomy": "as in the scenario", "cap": "no cap"}
"""What a selector shows for a lever left unset (None): per-class autonomy and autonomy caps."""

CLASS_PREFIX = "asset_class"
"""Pseudo-path prefix of a per-class autonomy lever: ``asset_class.<kind>.autonomy``."""


@dataclass(frozen=True)
class Lever:
    """One control.

    Attributes:
        path: Override path, or ``asset_class.<kind>.autonomy`` for every asset of a class.
        label: Text shown beside the control.
        kind: Control type: autonomy level, per-class autonomy (None = as in the scenario), autonomy
            cap (None = no cap), fraction 0-1, on/off, or hours.
        group: Section of the lever panel.
    """

    path: str
    label: str
    kind: LeverKind
    group: str


def levers_for(scenario: Scenario) -> list[Lever]:
    """The levers of a scenario: autonomy per actor and asset class, technology, then policy."""
    levers = [
        Lever(f"actors.{key}.autonomy", f"{key} default autonomy", "autonomy", "Autonomy per actor")
        for key in scenario.actors
    ]
    present = {asset.kind for asset in scenario.assets.values()}
    levers += [
        Lever(
            f"{CLASS_PREFIX}.{kind}.autonomy",
            f"every {kind.replace('_', ' ')}",
            "class_autonomy",
            "Autonomy per asset class",
        )
        for kind in ASSET_CLASSES
        if kind in present
    ]
    levers += [
        Lever("technology.export_control_strength", "Export-control strength", "fraction", "Technology"),
        Lever("technology.distillation.fidelity", "Distillation fidelity", "fraction", "Technology"),
        Lever("policy.hotline.enabled", "Hotline", "bool", "Hotline"),
        Lever("policy.hotline.reliability", "Hotline reliability", "fraction", "Hotline"),
        Lever("policy.hotline.latency_hours", "Hotline latency (hours)", "hours", "Hotline"),
        Lever("policy.incidents_at_sea.enabled", "Incidents-at-sea rules", "bool", "Norms and CBMs"),
        Lever("policy.human_control_norm.enabled", "Human-control norm", "bool", "Norms and CBMs"),
        Lever(
            "policy.human_control_norm.baseline_compliance",
            "Norm compliance without verification",
            "fraction",
            "Norms and CBMs",
        ),
        Lever("policy.asat_test_moratorium.enabled", "ASAT test moratorium", "bool", "Norms and CBMs"),
    ]
    levers += [
        Lever(f"policy.autonomy_caps.{kind}", f"cap on {kind.replace('_', ' ')}s", "cap", "Autonomy caps")
        for kind in ASSET_CLASSES
    ]
    return levers


def read_value(scenario: Scenario, path: str) -> Any:
    """The scenario's value at a lever path (plain Python: enums as their string value).

    A per-class autonomy lever reads ``None`` ("as in the scenario").
    """
    if path.startswith(CLASS_PREFIX + "."):
        return None
    node: Any = scenario
    for part in path.split("."):
        node = node[part] if isinstance(node, Mapping) else getattr(node, part)
    return node.value if isinstance(node, Enum) else node


def format_value(value: Any) -> str:
    """A value as override text: ``true``/``false``, a number, or a bare word."""
    if isinstance(value, Enum):
        value = value.value
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, float):
        return repr(round(value, 6))
    return str(value)


def lever_overrides(scenario: Scenario, values: Mapping[str, Any]) -> list[str]:
    """``PATH=VALUE`` overrides for the levers whose value differs from the scenario's.

    Args:
        scenario: The base scenario (without overrides).
        values: Lever path to the value chosen in the app (levers not given keep the scenario's value).

    Returns:
        Overrides in lever order; a per-class autonomy lever expands to one override per asset of
        that class.
    """
    out: list[str] = []
    for lever in levers_for(scenario):
        if lever.path not in values:
            continue
        value = values[lever.path]
        if lever.kind == "class_autonomy":
            if value is None:
                continue
            kind = lever.path.split(".")[1]
            out += [
                f"assets.{key}.autonomy={format_value(value)}"
                for key, asset in scenario.assets.items()
                if asset.kind == kind
            ]
            continue
        if _differs(read_value(scenario, lever.path), value):
            out.append(f"{lever.path}={format_value(value)}")
    return out


def _differs(base: Any, value: Any) -> bool:
    if isinstance(base, float) and isinstance(value, int | float) and not isinstance(value, bool):
        return abs(base - float(value)) > 1e-9
    return base != value
