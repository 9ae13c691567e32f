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
import atexit
import contextlib
import os
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
    "leave",
    "run_guarded",
]

EXIT_OK = 0
EXIT_BUG = 1
EXIT_BAD_INPUT = 2
EXIT_MACHINE = 3
EXIT_INTERRUPTED = 130


def leave(code: int) -> None:
    """End the process with ``code``; after Ctrl-C, without Python's slow tear-down of its modules.

    Freeing the interpreter's modules (numba, llvmlite, SciPy, pandas, ...) takes half a second of CPU,
    2-3 s on a loaded machine, and a user who pressed Ctrl-C waits for the prompt all that time. An
    interrupted command has already said so and written what it keeps; this runs the ``atexit``
    handlers (worker processes, Dask, temporary files), flushes standard output and error and ends
    the process at once. Any other code ends it normally.

    Args:
        code: The exit code.
    """
    if code != EXIT_INTERRUPTED:
        sys.exit(code)
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # closed, or the pipe's reader is gone
            stream.flush()
    os._exit(code)


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
    if _is(exc, "sim.scenario.errors", "ScenarioError"):
        _report(exc.errors)  # type: ignore[attr-defined]
        return EXIT_BAD_INPUT
    if _is(exc, "sim.experiments.limits", "LimitError"):
        return _refuse(exc.option, exc.message)  # type: ignore[attr-defined]
    if _is(exc, "sim.experiments.locks", "LockedError"):
        return _refuse("--out", str(exc))
    if _is(exc, "sim.experiments.chunks_store", "ResumeError"):
        return _refuse("--resume", str(exc))
    if _is(exc, "sim.experiments.executors", "LostWorkersError") or _is(exc, "sim.cli.outputs", "OutputError"):
        _say(str(exc))
        _say(_kept(args, argv))
        return EXIT_MACHINE
    return None


def _is(exc: Exception, module: str, name: str) -> bool:
    """Whether ``exc`` is a ``module.name``; a module never imported cannot have raised it (nothing is imported)."""
    loaded = sys.modules.get(module)
    return loaded is not None and isinstance(exc, getattr(loaded, name))


def _refuse(option: str, message: str) -> int:
    """Report bad input located at ``OPTION:1:1``; exit code 2."""
    from sim.scenario.errors import LocatedError

    _report([LocatedError(option, 1, 1, _name(option), message)])
    return EXIT_BAD_INPUT


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
