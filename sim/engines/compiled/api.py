"""Public entry points of the compiled engine: one replication (with its event log), or a batch.

The wrappers validate arguments, compile the scenario into tables, preallocate the outcome arrays
and call the kernels; a replication that outgrows a preallocated table is run again with larger
tables, so capacities never change results.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import numba
import numpy as np

from sim.engines.compiled import layout as ly
from sim.engines.compiled.loop import (
    initial_crisis_level,
    outcome_arrays,
    run_batch,
    run_replication,
    write_outcome,
)
from sim.engines.compiled.tables import CompiledScenario, compile_scenario
from sim.engines.compiled.workspace import DEFAULT_CAPS, IS_STATUS, new_workspace, stacked_workspaces
from sim.scenario.schema import Scenario
from sim.vocabulary import (
    END_STATES,
    OF_END_HOURS,
    OF_SEVERITY,
    OF_SHOT_TO_RUNG4,
    OI_CONTACTS,
    OI_DEBRIS,
    OI_DRAWN_IN,
    OI_DRONES,
    OI_END_STATE,
    OI_ENG_FALSE,
    OI_ENG_TRUE,
    OI_FLASH_CHAINS,
    OI_FLASH_MAX_RUNGS,
    OI_INADVERTENT,
    OI_MAX_RUNG,
    OI_ROOT,
    OI_SATELLITES,
    OI_SHIPS,
    OI_STATUS,
    OI_STRIKES,
    ROOT_CAUSES,
    RunOutcome,
)


def as_compiled(scenario: Scenario | CompiledScenario) -> CompiledScenario:
    """Compile a scenario unless it already is."""
    return scenario if isinstance(scenario, CompiledScenario) else compile_scenario(scenario)


def _workspace(cs: CompiledScenario, caps: np.ndarray):
    t = cs.tables
    return new_workspace(
        t.actors.shape[0], t.assets.shape[0], t.zones.shape[0], cs.n_entities, cs.n_ticks, caps.astype(np.int64)
    )


def _stack(cs: CompiledScenario, count: int, caps: np.ndarray):
    t = cs.tables
    return stacked_workspaces(
        count, t.actors.shape[0], t.assets.shape[0], t.zones.shape[0], cs.n_entities, cs.n_ticks, caps
    )


@dataclass(frozen=True)
class BatchOutcomes:
    """Outcomes of many replications as columns (row i is run ``runs[i]``).

    Attributes:
        seed: Master seed.
        runs: Run index of each row.
        ints: int64 ``(n, N_OI)``: the ``OI_*`` columns of :mod:`sim.vocabulary`.
        floats: float64 ``(n, N_OF)``: the ``OF_*`` columns (first hours at rungs 0..7, severity, end hours).
        trajectories: int8 ``(n, n_ticks)`` crisis level per tick, or ``(n, 0)`` when not kept.
    """

    seed: int
    runs: np.ndarray
    ints: np.ndarray
    floats: np.ndarray
    trajectories: np.ndarray

    def __len__(self) -> int:
        return int(self.runs.shape[0])

    def outcome(self, i: int) -> RunOutcome:
        """Row ``i`` as a :class:`~sim.vocabulary.RunOutcome`."""
        r, f = self.ints[i], self.floats[i]
        return RunOutcome(
            run=int(self.runs[i]),
            seed=self.seed,
            max_rung=int(r[OI_MAX_RUNG]),
            first_hours=tuple(float(h) for h in f[:8]),
            inadvertent=bool(r[OI_INADVERTENT]),
            root_cause=ROOT_CAUSES[int(r[OI_ROOT])],
            engagements_true=int(r[OI_ENG_TRUE]),
            engagements_false=int(r[OI_ENG_FALSE]),
            hostile_strikes=int(r[OI_STRIKES]),
            contacts=int(r[OI_CONTACTS]),
            drones_lost=int(r[OI_DRONES]),
            ships_lost=int(r[OI_SHIPS]),
            satellites_lost=int(r[OI_SATELLITES]),
            debris=int(r[OI_DEBRIS]),
            severity=float(f[OF_SEVERITY]),
            drawn_in=int(r[OI_DRAWN_IN]),
            end_hours=float(f[OF_END_HOURS]),
            end_state=END_STATES[int(r[OI_END_STATE])],
            crisis_level=self.trajectories[i].copy(),
            flash_chains=int(r[OI_FLASH_CHAINS]),
            flash_max_rungs=int(r[OI_FLASH_MAX_RUNGS]),
            hours_first_shot_to_rung4=float(f[OF_SHOT_TO_RUNG4]),
        )

    def outcomes(self) -> list[RunOutcome]:
        """Every row as a :class:`~sim.vocabulary.RunOutcome`, in row order."""
        return [self.outcome(i) for i in range(len(self))]


@contextmanager
def numba_threads(threads: int | None):
    """Run the enclosed block on ``threads`` numba threads (None: leave the setting alone)."""
    if threads is None:
        yield
        return
    if threads < 1:
        raise ValueError("threads must be at least 1")
    previous = numba.get_num_threads()
    numba.set_num_threads(min(threads, numba.config.NUMBA_NUM_THREADS))
    try:
        yield
    finally:
        numba.set_num_threads(previous)


def run_many(
    scenario: Scenario | CompiledScenario,
    seed: int,
    runs: Sequence[int] | np.ndarray,
    threads: int | None = None,
    trajectories: bool = True,
) -> BatchOutcomes:
    """Run the given replications with the compiled engine, in parallel over numba threads.

    Args:
        scenario: A validated (or already compiled) scenario.
        seed: Master seed, 0 <= seed < 2**63.
        runs: Run indices, one replication each (any order; row i is ``runs[i]``).
        threads: numba threads (default: numba's current setting).
        trajectories: Keep the crisis level per tick (False keeps summary outcomes only).

    Returns:
        The outcomes, identical for any number of threads.
    """
    cs = as_compiled(scenario)
    if not 0 <= seed < 2**63:
        raise ValueError(f"seed must be between 0 and 2**63-1 (got {seed})")
    runs = np.ascontiguousarray(np.asarray(runs, dtype=np.int64).reshape(-1))
    out_i, out_f, out_traj = outcome_arrays(len(runs), cs.n_ticks, trajectories)
    caps = np.asarray(DEFAULT_CAPS, dtype=np.int64)
    if len(runs):
        with numba_threads(threads):
            n_slices = min(len(runs), max(1, 8 * numba.get_num_threads()))
            stack = _stack(cs, n_slices, caps)
            run_batch(cs.tables, stack, seed, runs, initial_crisis_level(cs.tables), out_i, out_f, out_traj)
    _rerun_overflows(cs, seed, runs, caps, out_i, out_f, out_traj)
    return BatchOutcomes(seed, runs, out_i, out_f, out_traj)


def _rerun_overflows(cs, seed, runs, caps, out_i, out_f, out_traj) -> None:
    rows = np.flatnonzero(out_i[:, OI_STATUS] != ly.OK)
    level = initial_crisis_level(cs.tables)
    for row in rows:
        grown = caps
        while out_i[row, OI_STATUS] != ly.OK:
            grown = grown * 2
            w = _workspace(cs, grown)
            run_replication(cs.tables, w, seed, int(runs[row]), False)
            write_outcome(cs.tables, w, level, out_i, out_f, out_traj, int(row))


@dataclass(frozen=True)
class CompiledRun:
    """One replication of the compiled engine: its outcome and (when asked for) its event log."""

    outcome: RunOutcome
    log: list


def run_compiled(
    scenario: Scenario | CompiledScenario, seed: int | None = None, run: int = 0, log: bool = False
) -> CompiledRun:
    """Run one replication with the compiled engine.

    Args:
        scenario: A validated (or already compiled) scenario.
        seed: Master seed (defaults to the scenario's).
        run: Replication index.
        log: Also return the event log (:class:`~sim.engines.reference.records.LogEntry` list, equal to the
            reference engine's).

    Returns:
        The outcome (equal to :func:`sim.experiments.run.run_once`'s) and the log (empty unless asked).
    """
    cs = as_compiled(scenario)
    seed = cs.scenario.monte_carlo.seed if seed is None else int(seed)
    caps = np.asarray(DEFAULT_CAPS, dtype=np.int64)
    out_i, out_f, out_traj = outcome_arrays(1, cs.n_ticks, True)
    level = initial_crisis_level(cs.tables)
    while True:
        w = _workspace(cs, caps)
        run_replication(cs.tables, w, seed, int(run), bool(log))
        if w.iscal[IS_STATUS] == ly.OK:
            break
        caps = caps * 2
    write_outcome(cs.tables, w, level, out_i, out_f, out_traj, 0)
    outcome = BatchOutcomes(seed, np.asarray([run], np.int64), out_i, out_f, out_traj).outcome(0)
    entries = []
    if log:
        from sim.engines.compiled.logtext import render_log

        entries = render_log(cs, w)
    return CompiledRun(outcome, entries)
