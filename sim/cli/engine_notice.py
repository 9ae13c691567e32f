"""Getting the compiled engine ready while a command reads its inputs, and saying so when it compiles.

A command that runs the compiled engine calls :func:`start_engine` first: the engine compiles (first
use on a machine: minutes) or loads from numba's cache (a second) in a background thread while the
scenario is read and validated, and on a first use the line "compiling the engine for this machine
(first use only, about N s)" is printed at once. :meth:`EngineStart.ready` waits for it before the
command times its runs — with a progress bar on a terminal — so the timings a command prints never
include compilation, and :meth:`EngineStart.not_counted` says what was left out.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.cli.experiment_options import say
from sim.cli.terminal import raw_stderr

if TYPE_CHECKING:
    from sim.engines import EnginePreparation

__all__ = ["EngineStart", "start_engine"]

POLL_SECONDS = 0.25


class EngineStart:
    """The compiled engine being made ready in the background (nothing to do for the reference engine).

    Args:
        engine: The engine the command will run.
    """

    def __init__(self, engine: str) -> None:
        self.preparation: EnginePreparation | None = None
        self.seconds = 0.0
        self.compiled = 0
        self._noticed = False
        if engine != "compiled":
            return
        from sim.engines import EnginePreparation
        from sim.engines.warmup import COMMAND_ENTRY_POINTS

        self.preparation = EnginePreparation(COMMAND_ENTRY_POINTS)  # batches only: a first use compiles no more
        if not self.preparation.cached:
            self._notice()
        self.preparation.start()

    def _notice(self) -> None:
        from sim.engines import compile_notice

        assert self.preparation is not None
        say(compile_notice(self.preparation.expected_seconds))
        self._noticed = True

    def ready(self) -> float:
        """Wait until the engine is ready; returns the seconds it took to compile or load (0: nothing to do).

        On a terminal a progress bar counts the functions numba compiles; elsewhere one line says when
        the compile is over.

        Raises:
            Exception: Whatever the warm-up raised (a bug: the engine would fail the same way).
        """
        prep = self.preparation
        if prep is None:
            return 0.0
        if not prep.done and prep.compiling and not self._noticed:
            self._notice()
        result = self._wait_with_bar(prep) if self._noticed else prep.wait()
        assert result is not None
        self.seconds, self.compiled = result.seconds, result.compiled
        if result.compiled:
            from sim.engines import cache_directory

            where = cache_directory()
            done = f"engine compiled in {result.seconds:.0f} s ({result.compiled} functions)"
            say(f"{done}; kept in {where}, so later runs start at once")
        return self.seconds

    def _wait_with_bar(self, prep: EnginePreparation):
        from tqdm import tqdm

        stream = raw_stderr()
        total = max(prep.expected_functions, 1)
        with tqdm(
            total=total,
            desc="compiling",
            unit=" functions",
            disable=not stream.isatty(),
            file=stream,
            dynamic_ncols=True,
            bar_format="{desc}: {percentage:3.0f}%|{bar}| {n}/{total}{unit} [{elapsed}<{remaining}]",
        ) as bar:
            while (result := prep.wait(POLL_SECONDS)) is None:
                if not prep.done and prep.compiling and not self._noticed:
                    self._notice()
                done = min(prep.compiled, total)
                if done > bar.n:
                    bar.update(done - bar.n)
            if result.compiled:  # the real count, however far the estimate was
                bar.total, bar.n = result.compiled, result.compiled
            else:
                bar.set_description_str("loaded from the cache")
            bar.refresh()
        return result

    def not_counted(self) -> str:
        """What the command's timing leaves out, e.g. ``not counting 174 s compiling the engine`` ('' if nothing)."""
        if self.compiled:
            return f"not counting {self.seconds:.0f} s compiling the engine (first use only)"
        if self.seconds >= 0.05:
            return f"not counting {self.seconds:.1f} s loading the engine"
        return ""


def start_engine(engine: str) -> EngineStart:
    """Start making ``engine`` ready in the background (see the module docstring)."""
    return EngineStart(engine)
