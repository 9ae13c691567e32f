"""The compiled discrete-event loop: one replication, and a batch of them in parallel.

:func:`run_replication` resets the workspace, builds the run's initial state (norm compliance,
autonomy, the processes in the order the reference starts them), then steps tick by tick as the
Mesa model does: ``env.run(until=tick_end)`` (pop events in (time, priority, sequence) order until
the stop event), each actor's deliberate decision, orbital collisions, and the crisis level.
:func:`run_batch` runs many replications in slices on threads; each replication writes only its own row
of the preallocated outcome arrays, and every draw is counter-based, so results do not depend on
the number of threads.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from sim.engines.compiled import layout as ly
from sim.engines.compiled.c2 import (
    condition_check,
    condition_processed,
    resume_answer,
    resume_blind_spots,
    resume_decision,
    resume_encounters,
    resume_strike,
    trigger_put,
)
from sim.engines.compiled.core import capped_autonomy, crisis_level, set_stream, spawn
from sim.engines.compiled.escalation import crisis_ending, deliberate_step, resume_clarify, resume_respond
from sim.engines.compiled.heap import heap_pop
from sim.engines.compiled.injects import resume_inject
from sim.engines.compiled.logistics import replenish
from sim.engines.compiled.norms import norm_decide
from sim.engines.compiled.orbits import orbits_tick
from sim.engines.compiled.threads import run_slices, workspace_slice
from sim.engines.compiled.verification import norm_verify
from sim.engines.compiled.warning import resume_false_alarms, resume_warning
from sim.engines.compiled.workspace import (
    FS_END,
    FS_FIRST_SHOT,
    FS_NOW,
    FS_SEVERITY,
    IS_CONTACTS,
    IS_DEBRIS,
    IS_DRAWN_IN,
    IS_END_STATE,
    IS_ENG_FALSE,
    IS_ENG_TRUE,
    IS_FLASH_MAX,
    IS_INADVERTENT,
    IS_LOG,
    IS_NCHAIN,
    IS_STATUS,
    IS_STRIKES,
    IS_TICK,
)
from sim.vocabulary import (
    N_OF,
    N_OI,
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
)


@njit(cache=True, _nrt=False)
def reset(ta, w, seed, run, log_on):
    """Reset the workspace to the start of a replication (before any draw)."""
    w.iscal[:] = 0
    set_stream(w, seed, run)
    w.iscal[IS_LOG] = 1 if log_on else 0
    w.fscal[:] = 0.0
    w.fscal[FS_END] = math.nan
    w.fscal[FS_FIRST_SHOT] = math.nan
    w.counters[:, :] = 0
    w.h_meta[:] = 0
    n = ta.actors.shape[0]
    for i in range(n):
        w.rung[i] = ta.actors[i].initial_rung
        for j in range(n):
            w.posture[i, j] = 0 if i == j else ta.actors[i].initial_rung
            w.last_root[i, j] = ly.ROOT_NONE
            w.last_node[i, j] = -1
        w.attacked[i] = 0
        w.drawn[i] = 0
        w.trust[i] = 1.0
        w.isr_lost[i] = 0
        w.violated[i] = 0
        w.complies[i] = 1
        w.users[i] = 0
        w.busy_tracks[i] = 0
        w.qlen[i] = 0
        w.hit[i, 0] = 0
        w.hit[i, 1] = 0
    w.losses[:, :] = 0
    for i in range(ta.assets.shape[0]):
        w.drones[i] = ta.assets[i].drones
        w.ships[i] = ta.assets[i].ships
        w.disabled[i] = 0
        w.wanted[i] = ta.assets[i].autonomy
        w.rounds[i] = ta.assets[i].magazine
        w.accrued[i] = 0.0
    for z in range(ta.zones.shape[0]):
        w.tracked[z] = ta.zones[z].tracked
        w.fresh[z] = 0.0
    w.root_first[:] = 0


@njit(cache=True, _nrt=False)
def start(ta, w):
    """``EscalationModel.__init__``: norm compliance, autonomy, crisis-level firsts, the processes."""
    p = ta.params[0]
    for i in range(ta.actors.shape[0]):
        if ta.actors[i].norm_bound != 0:
            norm_decide(ta, w, i, False)
    for i in range(ta.assets.shape[0]):
        w.autonomy[i] = capped_autonomy(ta, w, i, w.wanted[i])
    level = crisis_level(w)
    for k in range(8):
        w.first_hours[k] = 0.0 if k <= level else math.nan
    for i in range(ta.assets.shape[0]):
        if ta.assets[i].can_engage != 0:
            spawn(w, ly.PROC_ENCOUNTERS, i, 0, 0, 0)
    for i in range(ta.actors.shape[0]):
        if ta.actors[i].ew_end > ta.actors[i].ew_start:
            spawn(w, ly.PROC_FALSE_ALARMS, i, 0, 0, 0)
    for i in range(ta.injects.shape[0]):
        spawn(w, ly.PROC_INJECT, i, 0, 0, 0)
    if p.blind_spots != 0:
        spawn(w, ly.PROC_BLIND_SPOTS, 0, 0, 0, 0)


@njit(cache=True, _nrt=False)
def resume(ta, w, slot):
    """Resume a process from the ``yield`` it is suspended at."""
    kind = w.proc_i[slot, ly.PI_KIND]
    if kind == ly.PROC_ENCOUNTERS:
        resume_encounters(ta, w, slot)
    elif kind == ly.PROC_DECISION:
        resume_decision(ta, w, slot)
    elif kind == ly.PROC_RESPOND:
        resume_respond(ta, w, slot)
    elif kind == ly.PROC_CLARIFY:
        resume_clarify(ta, w, slot)
    elif kind == ly.PROC_STRIKE:
        resume_strike(ta, w, slot)
    elif kind == ly.PROC_WARNING:
        resume_warning(ta, w, slot)
    elif kind == ly.PROC_BLIND_SPOTS:
        resume_blind_spots(ta, w, slot)
    elif kind == ly.PROC_FALSE_ALARMS:
        resume_false_alarms(ta, w, slot)
    elif kind == ly.PROC_ANSWER:
        resume_answer(ta, w, slot)
    else:
        resume_inject(ta, w, slot)


@njit(cache=True, _nrt=False)
def run_until(ta, w, end):
    """simpy ``env.run(until=end)``: schedule the urgent stop event, then process events up to it.

    The stop event is not pushed into the heap: it takes its key ``(now + (end - now), URGENT, next
    sequence id)`` as simpy's would, and the loop stops when the heap's smallest event does not come
    before that key, i.e. exactly when simpy would pop the stop event.
    """
    stop_time = w.fscal[FS_NOW] + (end - w.fscal[FS_NOW])
    stop_seq = w.h_meta[1]
    w.h_meta[1] = stop_seq + 1
    while w.iscal[IS_STATUS] == ly.OK:
        if w.h_meta[0] == 0 or not (
            w.h_time[0] < stop_time or (w.h_time[0] == stop_time and w.h_prio[0] == ly.URGENT and w.h_seq[0] < stop_seq)
        ):
            w.fscal[FS_NOW] = stop_time
            return
        i = heap_pop(w.h_time, w.h_prio, w.h_seq, w.h_kind, w.h_slot, w.h_meta)
        w.fscal[FS_NOW] = w.h_time[i]
        kind = w.h_kind[i]
        slot = w.h_slot[i]
        if kind == ly.EV_INIT or kind == ly.EV_TIMEOUT:
            resume(ta, w, slot)
        elif kind == ly.EV_REQUEST or kind == ly.EV_WINDOW:
            condition_check(w, slot)
        elif kind == ly.EV_CONDITION:
            condition_processed(ta, w, slot)
        else:
            trigger_put(ta, w, slot)


@njit(cache=True, _nrt=False)
def run_ticks(ta, w, first_tick):
    """Mesa steps ``first_tick + 1 .. n_ticks``: events, deliberate decisions, collisions, endings, crisis level."""
    p = ta.params[0]
    for k in range(first_tick + 1, p.n_ticks + 1):
        end = min(k * p.tick, p.horizon)
        run_until(ta, w, end)
        if w.iscal[IS_STATUS] != ly.OK:
            return
        for actor in range(ta.actors.shape[0]):
            deliberate_step(ta, w, actor)
        orbits_tick(ta, w)
        norm_verify(ta, w)
        replenish(ta, w)
        crisis_ending(ta, w)
        w.history[k - 1] = crisis_level(w)
        w.iscal[IS_TICK] = k


@njit(cache=True, _nrt=False)
def run_replication(ta, w, seed, run, log_on):
    """One replication from the start to the horizon; the result is left in the workspace."""
    reset(ta, w, seed, run, log_on)
    start(ta, w)
    run_ticks(ta, w, 0)


@njit(cache=True, _nrt=False)
def write_outcome(ta, w, initial_level, out_i, out_f, out_traj, row):
    """Reduce a finished replication to its outcome row (``outcome_of``)."""
    max_rung = 0
    for k in range(8):
        if not math.isnan(w.first_hours[k]):
            max_rung = k
        out_f[row, k] = w.first_hours[k]
    out_f[row, OF_SEVERITY] = w.fscal[FS_SEVERITY]
    out_f[row, OF_END_HOURS] = w.fscal[FS_END]
    shot, rung4 = w.fscal[FS_FIRST_SHOT], w.first_hours[4]
    out_f[row, OF_SHOT_TO_RUNG4] = math.nan if math.isnan(shot) or math.isnan(rung4) or rung4 < shot else rung4 - shot
    out_i[row, OI_MAX_RUNG] = max_rung
    out_i[row, OI_INADVERTENT] = w.iscal[IS_INADVERTENT]
    out_i[row, OI_ROOT] = w.root_first[max_rung] if max_rung > initial_level else ly.ROOT_NONE
    out_i[row, OI_ENG_TRUE] = w.iscal[IS_ENG_TRUE]
    out_i[row, OI_ENG_FALSE] = w.iscal[IS_ENG_FALSE]
    drones = 0
    ships = 0
    sats = 0
    for i in range(ta.actors.shape[0]):
        drones += w.losses[i, 0]
        ships += w.losses[i, 1]
        sats += w.losses[i, 2]
    out_i[row, OI_DRONES] = drones
    out_i[row, OI_SHIPS] = ships
    out_i[row, OI_SATELLITES] = sats
    out_i[row, OI_DEBRIS] = w.iscal[IS_DEBRIS]
    out_i[row, OI_STATUS] = w.iscal[IS_STATUS]
    out_i[row, OI_STRIKES] = w.iscal[IS_STRIKES]
    out_i[row, OI_CONTACTS] = w.iscal[IS_CONTACTS]
    out_i[row, OI_DRAWN_IN] = w.iscal[IS_DRAWN_IN]
    out_i[row, OI_END_STATE] = w.iscal[IS_END_STATE]
    out_i[row, OI_FLASH_CHAINS] = w.iscal[IS_NCHAIN]
    out_i[row, OI_FLASH_MAX_RUNGS] = w.iscal[IS_FLASH_MAX]
    if out_traj.shape[1] > 0:
        for k in range(ta.params[0].n_ticks):
            out_traj[row, k] = w.history[k]


@njit(cache=True, _nrt=False)
def initial_crisis_level(ta):
    """Crisis level at the start (the highest initial rung)."""
    level = 0
    for i in range(ta.actors.shape[0]):
        level = max(level, ta.actors[i].initial_rung)
    return level


@njit(cache=True, nogil=True, _nrt=False)
def _run_slice(ta, w, seed, runs, lo, hi, level, out_i, out_f, out_traj):
    """Replications ``runs[lo:hi]`` on workspace ``w`` into rows ``lo .. hi-1`` (releases the GIL)."""
    for row in range(lo, hi):
        run_replication(ta, w, seed, runs[row], False)
        write_outcome(ta, w, level, out_i, out_f, out_traj, row)


def run_batch(ta, stack, seed, runs, level, out_i, out_f, out_traj) -> None:
    """Run replications ``runs[i]`` into row i of the outcome arrays, one slice of rows per workspace.

    The slices run on numba's number of threads (:func:`~sim.engines.compiled.threads.run_slices`);
    nothing is allocated and nothing is reference-counted inside a slice: each uses its own workspace
    of ``stack`` and writes only its own rows.

    Args:
        ta: Scenario tables.
        stack: Stacked workspaces (:func:`~sim.engines.compiled.workspace.stacked_workspaces`), one per slice.
        seed: Master seed.
        runs: Run index of each row (int64).
        level: Crisis level at the start (:func:`initial_crisis_level`).
        out_i: int64 ``(n, N_OI)`` outcome columns (``OI_*``).
        out_f: float64 ``(n, N_OF)``: first hours at rungs 0..7, severity.
        out_traj: int8 ``(n, n_ticks)`` crisis level per tick, or ``(n, 0)`` to skip trajectories.
    """
    n = runs.shape[0]
    n_slices = stack.iscal.shape[0]

    def work(s: int) -> None:
        lo, hi = s * n // n_slices, (s + 1) * n // n_slices
        _run_slice(ta, workspace_slice(stack, s), seed, runs, lo, hi, level, out_i, out_f, out_traj)

    run_slices(n_slices, work)


def outcome_arrays(n: int, n_ticks: int, trajectories: bool = True) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Preallocated outcome arrays for ``n`` replications."""
    return (
        np.zeros((n, N_OI), np.int64),
        np.zeros((n, N_OF), np.float64),
        np.zeros((n, n_ticks if trajectories else 0), np.int8),
    )
