"""Exit codes of ``flashpoint``, and how a failure becomes one: located errors or one line, no traceback.

* 0 — success;
* 1 — an unexpected error (a bug): Python's traceback;
* 2 — bad input, refused before any run: scenario, option, limit, output path, an output in use;
* 3 — the machine failed mid-way: a worker or the Dask scheduler was lost or unreachable, or the
  outputs could not be written; nothing is half-written, and one line says what was kept and which
  command resumes;
* 130 — interrupted (Ctrl-C); as for 3, finished chunks are kept.

The classes of the errors are imported only when one is raised, so that ``flashpoint --help`` does
not import the libraries behind them.
"""

from __future__ import annotations

import argparse
import shlex
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

__all__ = [
    "EXIT_BAD_INPUT",
    "EXIT_BUG",
    "EXIT_INTERRUPTED",
    "EXIT_MACHINE",
    "EXIT_OK",
    "run_guarded",
]

EXIT_OK = 0
EXIT_BUG = 1
EXIT_BAD_INPUT = 2
EXIT_MACHINE = 3
EXIT_INTERRUPTED = 130

CHUNKS_NAME = "points.parquet.chunks"
"""Chunk store of a sweep (or sensitivity analysis) inside its ``--out`` directory."""


def run_guarded(handler: Callable[[argparse.Namespace], int], args: argparse.Namespace, argv: Sequence[str]) -> int:
    """Run a command; turn bad input, lost machines and Ctrl-C into their exit codes and messages.

    Args:
        handler: The command's run function.
        args: Its parsed arguments.
        argv: The command line without the program name (for the resume command).

    Returns:
        The exit code.
    """
    try:
        return handler(args)
    except KeyboardInterrupt:
        _say("interrupted (Ctrl-C)")
        _say(_kept(args, argv))
        return EXIT_INTERRUPTED
    except Exception as exc:
        code = _known_failure(exc, args, argv)
        if code is None:
            raise
        return code


def _known_failure(exc: Exception, args: argparse.Namespace, argv: Sequence[str]) -> int | None:
    """Report ``exc`` if it is one of the failures the exit codes name; its code, else None."""
    from sim.cli.outputs import OutputError
    from sim.experiments.executors import LostWorkersError
    from sim.experiments.limits import LimitError
    from sim.experiments.locks import LockedError
    from sim.scenario.errors import LocatedError, ScenarioError

    if isinstance(exc, ScenarioError):
        _report(exc.errors)
        return EXIT_BAD_INPUT
    if isinstance(exc, LimitError):
        _report([LocatedError(exc.option, 1, 1, _name(exc.option), exc.message)])
        return EXIT_BAD_INPUT
    if isinstance(exc, LockedError):
        _report([LocatedError("--out", 1, 1, "out", str(exc))])
        return EXIT_BAD_INPUT
    if type(exc).__name__ == "ResumeError":  # sim.experiments.chunks_store (pyarrow) is loaded by then
        _report([LocatedError("--resume", 1, 1, "resume", str(exc))])
        return EXIT_BAD_INPUT
    if isinstance(exc, LostWorkersError | OutputError):
        _say(str(exc))
        _say(_kept(args, argv))
        return EXIT_MACHINE
    return None


def _kept(args: argparse.Namespace, argv: Sequence[str]) -> str:
    """One line: what was kept, and the command that resumes (or repeats) the work."""
    out = getattr(args, "out", None)
    if args.command in ("sweep", "sensitivity") and out:
        store = Path(out) / CHUNKS_NAME
        if (store / "manifest.json").is_file():  # the experiment was started: --resume takes it up
            finished = len(list(store.glob("p*-c*.parquet")))
            words = [a for a in argv if a != "--restart"]
            if "--resume" not in words:
                words.append("--resume")
            return f"{finished} finished chunks are kept in {store}; resume with: flashpoint {shlex.join(words)}"
    return f"nothing was kept; run it again with: flashpoint {shlex.join(argv)}"


def _name(option: str) -> str:
    return option.lstrip("-").replace("-", "_")


def _say(line: str) -> None:
    print(f"flashpoint: {line}", file=sys.stderr)


def _report(errors: Sequence[object]) -> None:
    for error in errors:
        print(error.format(), file=sys.stderr)  # type: ignore[attr-defined]
