"""The ``flashpoint`` command line (also ``python -m sim``).

Each subcommand is a :class:`Command`: a function that adds its arguments and a function that runs
it and returns the exit code. They are registered in one place, :data:`COMMANDS`; to add one, write
the two functions and append a ``Command`` there.

Exit codes: 0 success, 2 bad input (an invalid scenario, a missing file, a usage error). A bad
scenario never produces a traceback: every problem is printed as ``FILE:LINE:COL: path: message``.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from sim.cli.compare_command import configure_compare, run_compare
from sim.cli.run_command import configure_run, run_run
from sim.cli.scenario_commands import (
    EXIT_BAD_INPUT,
    EXIT_OK,
    Command,
    add_set_option,
    configure_schema,
    configure_summary,
    configure_validate,
    load_or_report,
    run_schema,
    run_summary,
    run_validate,
    schema_text,
)
from sim.cli.sensitivity_command import configure_sensitivity, run_sensitivity
from sim.cli.sweep_command import configure_sweep, run_sweep

__all__ = [
    "COMMANDS",
    "EXIT_BAD_INPUT",
    "EXIT_OK",
    "Command",
    "add_set_option",
    "load_or_report",
    "main",
    "schema_text",
]

# --------------------------------------------------------------------------- registry and entry point

COMMANDS: list[Command] = [
    Command("validate", "check scenario files; print every error as FILE:LINE:COL", configure_validate, run_validate),
    Command("summary", "print a summary of a scenario", configure_summary, run_summary),
    Command("schema", "write the scenario JSON Schema (for editor autocompletion)", configure_schema, run_schema),
    Command("run", "run a Monte Carlo of a scenario (or print one run's event log)", configure_run, run_run),
    Command("sweep", "Monte Carlo at every point of a parameter design (resumable)", configure_sweep, run_sweep),
    Command("compare", "compare options on common random numbers (paired)", configure_compare, run_compare),
    Command("sensitivity", "Sobol' indices of escalation probabilities", configure_sensitivity, run_sensitivity),
]
"""Every subcommand, in the order ``--help`` lists them. Register new subcommands here."""


def build_parser(commands: Sequence[Command] | None = None) -> argparse.ArgumentParser:
    """The argument parser with one subparser per command."""
    parser = argparse.ArgumentParser(
        prog="flashpoint",
        description="Flashpoint: AI-enabled military crises, escalation and miscalculation over Monte Carlo runs.",
    )
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in COMMANDS if commands is None else commands:
        sub = subparsers.add_parser(command.name, help=command.help, description=command.help)
        command.configure(sub)
        sub.set_defaults(handler=command.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``flashpoint`` command.

    Args:
        argv: Arguments without the program name; ``None`` means ``sys.argv[1:]``.

    Returns:
        The exit code: 0 on success, 2 on bad input (argparse usage errors exit 2 as well).
    """
    args = build_parser().parse_args(argv)
    return args.handler(args)
