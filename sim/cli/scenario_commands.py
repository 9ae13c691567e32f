"""Scenario commands: ``flashpoint validate``, ``summary`` and ``schema``, and the helpers all commands share."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sim.cli.exits import EXIT_BAD_INPUT, EXIT_OK

if TYPE_CHECKING:
    from sim.scenario.errors import LocatedError
    from sim.scenario.schema import Scenario

__all__ = [
    "EXIT_BAD_INPUT",
    "EXIT_OK",
    "Command",
    "add_set_option",
    "full_summary",
    "load_or_report",
    "located",
    "one_line_summary",
    "report",
    "schema_text",
]


@dataclass(frozen=True)
class Command:
    """A subcommand.

    Attributes:
        name: Its name on the command line.
        help: One line for ``flashpoint --help``.
        configure: Adds the subcommand's arguments to its parser.
        run: Runs it with the parsed arguments and returns the exit code.
    """

    name: str
    help: str
    configure: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]


# --------------------------------------------------------------------------- helpers for subcommands


def add_set_option(parser: argparse.ArgumentParser) -> None:
    """Add the repeatable ``--set PATH=VALUE`` option (stored as ``args.overrides``)."""
    parser.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="PATH=VALUE",
        help="override a scenario value before validation, e.g. actors.PRC.ai.capability=0.7, "
        "policy.hotline.enabled=false, injects[0].at_hours=5 (repeatable)",
    )


def report(errors: Sequence[LocatedError]) -> None:
    """Print located errors to stderr, one per line."""
    for error in errors:
        print(error.format(), file=sys.stderr)


def located(option: str, message: str) -> LocatedError:
    """A problem with a command-line option, located at ``OPTION:1:1``."""
    from sim.scenario.errors import LocatedError

    return LocatedError(option, 1, 1, option.lstrip("-").replace("-", "_"), message)


def load_or_report(path: str, overrides: Sequence[str] = ()) -> Scenario | None:
    """Load a scenario, or print its errors to stderr and return ``None``."""
    from sim.scenario.errors import ScenarioError
    from sim.scenario.loader import load_scenario

    try:
        return load_scenario(path, overrides)
    except ScenarioError as exc:
        report(exc.errors)
        return None


def drone_count(scenario: Scenario) -> int:
    """Drones over all swarms at full fleet."""
    from sim.scenario.schema import DroneSwarm

    return sum(asset.size for asset in scenario.assets.values() if isinstance(asset, DroneSwarm))


def one_line_summary(scenario: Scenario) -> str:
    """``name: N zones, N actors, N assets, N drones, horizon H h``."""
    return (
        f"{scenario.metadata.name}: {len(scenario.zones)} zones, {len(scenario.actors)} actors, "
        f"{len(scenario.assets)} assets, {drone_count(scenario)} drones, horizon {scenario.time.horizon_hours:g} h"
    )


def full_summary(scenario: Scenario) -> str:
    """A few lines per section: what a facilitator needs to recognise the scenario."""
    time, mc = scenario.time, scenario.monte_carlo
    lines = [
        scenario.metadata.name,
        f"  time: horizon {time.horizon_hours:g} h, tick {time.tick_hours:g} h "
        f"({time.horizon_hours / time.tick_hours:.0f} ticks); Monte Carlo {mc.runs} runs, seed {mc.seed}",
        "  zones: " + ", ".join(f"{zone_id} ({zone.regime or zone.kind})" for zone_id, zone in scenario.zones.items()),
        "  actors:",
    ]
    for actor_id, actor in scenario.actors.items():
        capability = f" {actor.ai.capability:g}" if actor.ai.capability is not None else ""
        lines.append(
            f"    {actor_id}: {actor.kind.value}, {actor.ai.source.value} AI{capability}, "
            f"{actor.autonomy.value}, {actor.doctrine.value}, rung {actor.initial_rung}, "
            f"adversaries {', '.join(actor.adversaries) or 'none'}"
        )
    lines.append(f"  assets: {len(scenario.assets)}")
    for asset_id, asset in scenario.assets.items():
        lines.append(f"    {asset_id}: {asset.kind} of {asset.owner} in {asset.zone}{_asset_detail(asset)}")
    lines.append(f"  injects: {len(scenario.injects)}")
    lines.extend(f"    {inject.at_hours:g} h: {inject.kind}" for inject in scenario.injects)
    policy = scenario.policy
    levers = {
        "hotline": policy.hotline.enabled,
        "incidents_at_sea": policy.incidents_at_sea.enabled,
        "human_control_norm": policy.human_control_norm.enabled,
        "asat_test_moratorium": policy.asat_test_moratorium.enabled,
    }
    lines.append("  policy: " + ", ".join(f"{name} {'on' if on else 'off'}" for name, on in levers.items()))
    return "\n".join(lines)


def _asset_detail(asset: object) -> str:
    for attribute, unit in (("size", "drones"), ("ships", "ships"), ("role", "")):
        value = getattr(asset, attribute, None)
        if value is not None:
            text = getattr(value, "value", value)
            return f", {text} {unit}".rstrip()
    return ""


# --------------------------------------------------------------------------- validate


def configure_validate(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``flashpoint validate``."""
    parser.add_argument("files", nargs="+", metavar="FILE", help="scenario YAML files")
    add_set_option(parser)
    parser.add_argument("-v", "--verbose", action="store_true", help="print a fuller summary of each valid file")


def run_validate(args: argparse.Namespace) -> int:
    """Validate each file; print ``FILE: OK (...)`` or every error. Exit 2 if any file is invalid."""
    status = EXIT_OK
    for path in args.files:
        scenario = load_or_report(path, args.overrides)
        if scenario is None:
            status = EXIT_BAD_INPUT
            continue
        print(f"{path}: OK ({one_line_summary(scenario)})")
        if args.verbose:
            print(full_summary(scenario))
    return status


# --------------------------------------------------------------------------- summary


def configure_summary(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``flashpoint summary``."""
    parser.add_argument("file", metavar="FILE", help="scenario YAML file")
    add_set_option(parser)


def run_summary(args: argparse.Namespace) -> int:
    """Print a summary of one scenario."""
    scenario = load_or_report(args.file, args.overrides)
    if scenario is None:
        return EXIT_BAD_INPUT
    print(full_summary(scenario))
    return EXIT_OK


# --------------------------------------------------------------------------- schema


def configure_schema(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``flashpoint schema``."""
    parser.add_argument("-o", "--output", metavar="FILE", help="write the schema to FILE instead of stdout")


def schema_text() -> str:
    """The scenario JSON Schema as it is shipped in docs/scenario.schema.json."""
    from sim.scenario.loader import scenario_json_schema

    return json.dumps(scenario_json_schema(), indent=2, ensure_ascii=False) + "\n"


def run_schema(args: argparse.Namespace) -> int:
    """Write the scenario JSON Schema (draft 2020-12)."""
    text = schema_text()
    if not args.output:
        sys.stdout.write(text)
        return EXIT_OK
    try:
        with open(args.output, "w", encoding="utf-8") as handle:
            handle.write(text)
    except OSError as exc:
        from sim.scenario.errors import LocatedError

        report([LocatedError(args.output, 1, 1, "", f"cannot write: {exc.strerror or exc}")])
        return EXIT_BAD_INPUT
    return EXIT_OK
