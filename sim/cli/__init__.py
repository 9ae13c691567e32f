"""The ``flashpoint`` command line (also ``python -m sim``).

Each subcommand is a :class:`Command`: a function that adds its arguments and a function that runs
it and returns the exit code. They are registered in one place, :data:`COMMANDS`; to add one, write
the two functions and append a ``Command`` there.

Exit codes (:mod:`sim.cli.exits`, docs/cli.md): 0 success, 2 bad input refused before any run (an
invalid scenario, an option out of range or past a limit, an output path that cannot be written), 3
a machine that failed mid-way (lost workers or scheduler, a full disk; one line says how to resume),
130 Ctrl-C, and 1 only for a bug (a traceback). Bad input never produces a traceback: every problem is
printed as ``FILE:LINE:COL: path: message``. Everything printed goes through
:func:`sim.cli.terminal.safe_terminal`, so no control character from the input reaches the terminal.

Building the parser imports no numerical library (numpy, pandas, numba, ...): the commands import
what they need when they run, so ``flashpoint --help`` answers at once.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from sim import __version__
from sim.cli.calibrate_command import configure_calibrate, run_calibrate
from sim.cli.compare_command import configure_compare, run_compare
from sim.cli.exits import EXIT_BAD_INPUT, EXIT_INTERRUPTED, EXIT_MACHINE, EXIT_OK, leave, run_guarded
from sim.cli.hindcast_command import configure_hindcast, run_hindcast_command
from sim.cli.run_command import configure_run, run_run
from sim.cli.scenario_commands import (
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
from sim.cli.terminal import safe_terminal
from sim.cli.usage import Parser

__all__ = [
    "COMMANDS",
    "EXIT_BAD_INPUT",
    "EXIT_INTERRUPTED",
    "EXIT_MACHINE",
    "EXIT_OK",
    "Command",
    "add_set_option",
    "console",
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
    Command(
        "calibrate", "fit the model to historical targets (ABC-SMC, resumable)", configure_calibrate, run_calibrate
    ),
    Command(
        "hindcast",
        "score the model on real incidents held out of the fit (hindcast/cases.yaml)",
        configure_hindcast,
        run_hindcast_command,
    ),
]
"""Every subcommand, in the order ``--help`` lists them. Register new subcommands here."""


def build_parser(commands: Sequence[Command] | None = None) -> argparse.ArgumentParser:
    """The argument parser with one subparser per command."""
    parser = Parser(
        prog="flashpoint",
        description="Flashpoint: AI-enabled military crises, escalation and miscalculation over Monte Carlo runs.",
        epilog="Exit codes: 0 success, 2 bad input, 3 lost workers or outputs not written (resumable), "
        "130 interrupted. See docs/cli.md.",
    )
    parser.add_argument("--version", action="version", version=f"flashpoint {__version__}")
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
        The exit code (see :mod:`sim.cli.exits`); usage errors (one located line, :mod:`sim.cli.usage`),
        ``--help`` and ``--version`` raise ``SystemExit`` (2, 0 and 0).
    """
    words = list(sys.argv[1:] if argv is None else argv)
    with safe_terminal():
        try:
            args = build_parser().parse_args(words)
        except KeyboardInterrupt:
            return EXIT_INTERRUPTED
        return run_guarded(args.handler, args, words)


def console() -> None:
    """The ``flashpoint`` program: :func:`main` on ``sys.argv``, then exit with its code (:func:`leave`)."""
    leave(main())
