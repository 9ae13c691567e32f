"""Two engines, one model: the public entry to both.

- The **reference engine** (:mod:`sim.engines.reference`) is the readable statement of the model: a
  Mesa model whose command-and-control pipeline runs as simpy processes.
- The **compiled engine** (:mod:`sim.engines.compiled`) is its Numba twin: the same events, draws and
  arithmetic as a discrete-event loop over arrays, about a hundred times faster.

Both call the pure math of :mod:`sim.kernels` and speak the vocabulary of :mod:`sim.vocabulary`; for the
same scenario, seed and run they give the same outcome and the same event log. Everything outside
``sim/engines`` (experiments, the app, the CLI) uses the engines through this module only:

- :func:`run_one` and :func:`run_many`: replications to the horizon, on either engine;
- :class:`EscalationModel` and :class:`Wargame`: a reference model to step, inspect or play;
- :func:`snapshot` and :func:`continue_from`: fork a paused reference model into compiled futures;
- :func:`warm_up`, :class:`EnginePreparation` and :func:`engine_ready`: compile (first use on a machine)
  or load the compiled engine ahead of the runs, in the background (:mod:`sim.engines.warmup`);
- :class:`Pacer` and :func:`paced`: batches of runs sized by time (:mod:`sim.engines.pacing`).

Importing this module loads neither engine (no Mesa, simpy or numba import): each is imported when
first used.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sim.engines.pacing import FIRST_RUNS, PACE_SECONDS, Pacer, paced
from sim.engines.warmup import EnginePreparation, WarmUp, cache_directory, compile_notice, engine_ready, warm_up
from sim.vocabulary import LogEntry, RunOutcome

if TYPE_CHECKING:
    from sim.engines.compiled.api import BatchOutcomes
    from sim.engines.compiled.fork import ModelState
    from sim.engines.compiled.tables import CompiledScenario
    from sim.engines.reference.model import EscalationModel
    from sim.engines.reference.wargame import Wargame
    from sim.scenario.schema import Scenario

__all__ = [
    "ENGINES",
    "FIRST_RUNS",
    "PACE_SECONDS",
    "BatchOutcomes",
    "CompiledScenario",
    "EnginePreparation",
    "EngineRun",
    "EscalationModel",
    "ModelState",
    "Pacer",
    "Wargame",
    "WarmUp",
    "alarm_acted_probability",
    "cache_directory",
    "check_engine",
    "compile_notice",
    "compile_scenario",
    "continue_from",
    "engine_ready",
    "outcome_of",
    "paced",
    "render_future_log",
    "run_future",
    "run_many",
    "run_one",
    "snapshot",
    "warm_up",
]

ENGINES = ("compiled", "reference")
"""The two engines: the compiled twin (the default for many runs) and the Mesa + simpy reference."""

_LAZY = {
    "EscalationModel": ("sim.engines.reference.model", "EscalationModel"),
    "Wargame": ("sim.engines.reference.wargame", "Wargame"),
    "outcome_of": ("sim.engines.reference.outcome", "outcome_of"),
    "BatchOutcomes": ("sim.engines.compiled.api", "BatchOutcomes"),
    "CompiledScenario": ("sim.engines.compiled.tables", "CompiledScenario"),
    "ModelState": ("sim.engines.compiled.fork", "ModelState"),
    "compile_scenario": ("sim.engines.compiled.tables", "compile_scenario"),
    "snapshot": ("sim.engines.compiled.fork", "snapshot"),
    "continue_from": ("sim.engines.compiled.fork", "continue_from"),
    "run_future": ("sim.engines.compiled.fork", "run_future"),
}


def __getattr__(name: str) -> Any:
    """Load the engine a name belongs to on first use (PEP 562)."""
    if name not in _LAZY:
        raise AttributeError(f"module 'sim.engines' has no attribute {name!r}")
    import importlib

    module, attribute = _LAZY[name]
    value = getattr(importlib.import_module(module), attribute)
    globals()[name] = value
    return value


def alarm_acted_probability(warning: Any, autonomy: str, posture: int) -> float:
    """Chance that one early-warning false alarm is acted on (docs/model.md §12.2): c (1 - k) p_L.

    Args:
        warning: The scenario's ``parameters.warning`` section.
        autonomy: Autonomy of the warning system (``in_the_loop``, ``on_the_loop``, ``out_of_the_loop``).
        posture: The owner's posture toward the side the alarm blames.

    Returns:
        The probability (the warning chain's kernels, as both engines compute it).
    """
    from sim.kernels.warning import false_alarm_acted_probability, leaders_act_probability

    leaders = leaders_act_probability(warning.leaders_act_base, warning.leaders_act_per_rung, posture)
    catch = warning.conference_catch[autonomy]
    return float(false_alarm_acted_probability(warning.corroboration_probability, catch, leaders))


def check_engine(engine: str) -> str:
    """Return ``engine`` if it names one of :data:`ENGINES`; raise ``ValueError`` otherwise."""
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r} (expected one of {', '.join(ENGINES)})")
    return engine


@dataclass(frozen=True)
class EngineRun:
    """One replication: its outcome record and, when asked for, its event log."""

    outcome: RunOutcome
    log: list[LogEntry]


def run_one(
    scenario: Scenario | CompiledScenario, seed: int, run: int, engine: str = "compiled", log: bool = False
) -> EngineRun:
    """Run one replication to the horizon on either engine.

    Args:
        scenario: A validated scenario (or, for the compiled engine, an already compiled one).
        seed: Master seed.
        run: Replication index.
        engine: "compiled" or "reference"; both give the same outcome and log.
        log: Also return the event log.

    Returns:
        The outcome, and the log (empty unless asked for).
    """
    if check_engine(engine) == "compiled":
        from sim.engines.compiled.api import run_compiled

        result = run_compiled(scenario, seed, run, log=log)
        return EngineRun(result.outcome, result.log)
    from sim.engines.reference.model import EscalationModel
    from sim.engines.reference.outcome import outcome_of

    model = EscalationModel(scenario, seed=seed, run=run).run()
    return EngineRun(outcome_of(model), list(model.log) if log else [])


def run_many(
    scenario: Scenario | CompiledScenario,
    seed: int,
    runs: Sequence[int],
    engine: str = "compiled",
    threads: int | None = None,
) -> list[RunOutcome]:
    """Run the given replications on either engine; outcomes in the order of ``runs``.

    Args:
        scenario: A validated scenario (or, for the compiled engine, an already compiled one).
        seed: Master seed.
        runs: Run indices.
        engine: "compiled" (one parallel batch over numba threads) or "reference" (one Mesa model after
            another).
        threads: numba threads for the compiled engine (default: numba's setting).

    The compiled engine runs them in batches of about half a second each (:mod:`sim.engines.pacing`):
    compiled code cannot be interrupted, so Ctrl-C (``KeyboardInterrupt``) takes effect between batches.

    Returns:
        One outcome per run, identical for either engine, any number of threads and any batching.
    """
    if check_engine(engine) == "compiled":
        from sim.engines.compiled.api import as_compiled
        from sim.engines.compiled.api import run_many as run_compiled_batch

        compiled = as_compiled(scenario)
        outcomes: list[RunOutcome] = []
        for batch in paced(list(runs)):
            outcomes.extend(run_compiled_batch(compiled, seed, batch, threads=threads).outcomes())
        return outcomes
    return [run_one(scenario, seed, run, engine="reference").outcome for run in runs]


def render_future_log(state: ModelState, workspace: Any) -> list[LogEntry]:
    """The event log a forked future wrote after the fork (see :func:`run_future` with ``log=True``)."""
    from sim.engines.compiled.logtext import render_log

    return render_log(state.compiled, workspace, first_id=state.log_length)
