"""Forking: a reference-engine model paused at a tick, continued as many compiled futures.

:func:`snapshot` reads a paused :class:`~sim.engines.reference.model.EscalationModel` — its agents, draw
counters, outcome bookkeeping, pending responses, operator queues and every event in simpy's queue
(by inspecting the suspended process generators) — into a :class:`ModelState`: the compiled
engine's workspace at that moment. :func:`continue_from` runs futures from it.

Fork semantics. Future ``i`` makes every draw after the fork with run index ``first_run + i`` (and
the given seed, by default the original's), each (entity, purpose) counter continuing from its value
at the fork. Draws after the fork are hashes of coordinates no draw before the fork used, so the
futures are independent samples of the continuation given the state; and the future whose seed and
run index are the original's makes exactly the original's draws, so it reproduces the original run
(outcome, trajectory and log). A response waiting for a human player (player mode) is decided by
the model at the moment of the fork.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field

import numba
import numpy as np
from numba import njit

from sim.engines.compiled import layout as ly
from sim.engines.compiled.api import BatchOutcomes, as_compiled, numba_threads
from sim.engines.compiled.core import set_stream
from sim.engines.compiled.heap import heap_push
from sim.engines.compiled.loop import initial_crisis_level, outcome_arrays, run_ticks, write_outcome
from sim.engines.compiled.tables import CompiledScenario
from sim.engines.compiled.threads import run_slices, workspace_slice
from sim.engines.compiled.workspace import (
    CAP_CHAINS,
    CAP_HEAP,
    CAP_LOG,
    CAP_NODES,
    CAP_PROCS,
    CAP_QUEUE,
    CAP_RESPONSES,
    CF_START,
    CF_TOP,
    CI_EXCHANGES,
    CI_KINETIC,
    CI_LEVEL0,
    CI_NODE,
    CI_ROOT,
    CI_TOP,
    DEFAULT_CAPS,
    FS_END,
    FS_FIRST_SHOT,
    FS_NOW,
    FS_SEVERITY,
    HIT_HOMELAND,
    HIT_STRATEGIC,
    IS_BLIND,
    IS_BROKEN,
    IS_COLLISIONS,
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
    IS_NLOG,
    IS_NNODE,
    IS_NPROC,
    IS_NRESP,
    IS_STATUS,
    IS_STRIKES,
    IS_TICK,
    RF_DUE,
    RF_LATENCY,
    RI_ACTOR,
    RI_BLAMED,
    RI_CANCELLED,
    RI_CHAIN,
    RI_NODE,
    RI_OBLIGATION,
    RI_PENDING,
    RI_PROVOCATION,
    RI_ROOT,
    Workspace,
    new_workspace,
)
from sim.vocabulary import END_STATES, OI_STATUS, ROOT_CAUSES

_AUTONOMY = {"in_the_loop": ly.AUT_IN, "on_the_loop": ly.AUT_ON, "out_of_the_loop": ly.AUT_OUT}


@dataclass(frozen=True)
class ModelState:
    """A reference model paused at a tick, as the compiled engine's workspace.

    Attributes:
        compiled: The compiled scenario.
        seed: The original run's master seed.
        run: The original run's index.
        tick: Ticks completed (Mesa ``steps``).
        hours: Simulated time, hours.
        log_length: Entries in the original's log (ids of new entries continue from here).
        arrays: The workspace at the fork, field by field (see :mod:`sim.engines.compiled.workspace`).
        caps: The capacities the arrays were allocated with.
    """

    compiled: CompiledScenario
    seed: int
    run: int
    tick: int
    hours: float
    log_length: int
    arrays: dict[str, np.ndarray] = field(repr=False)
    caps: tuple[int, ...] = DEFAULT_CAPS

    @property
    def rungs(self) -> dict[str, int]:
        """Each actor's rung at the fork."""
        return {k: int(r) for k, r in zip(self.compiled.actor_keys, self.arrays["rung"], strict=True)}

    def workspace(self) -> Workspace:
        """A fresh copy of the workspace at the fork."""
        return Workspace(**{name: self.arrays[name].copy() for name in Workspace._fields})


class _Builder:
    """Fills a workspace from a paused model."""

    def __init__(self, model, cs: CompiledScenario, caps: np.ndarray) -> None:
        t = cs.tables
        self.model, self.cs = model, cs
        self.w = new_workspace(t.actors.shape[0], t.assets.shape[0], t.zones.shape[0], cs.n_entities, cs.n_ticks, caps)
        self.actor = {k: i for i, k in enumerate(cs.actor_keys)}
        self.asset = {k: i for i, k in enumerate(cs.asset_keys)}
        self.procs: dict[int, int] = {}
        self.responses: dict[int, int] = {}
        self.strikes: dict[int, object] = {}
        """Pending strike processes by the id of their contact (a decision marks its contact's strike)."""
        self.log = True

    def chain(self, ids: tuple[int, ...]) -> int:
        node = -1
        for event_id in ids:
            n = int(self.w.iscal[IS_NNODE])
            if n >= self.w.node_parent.shape[0] - 1:
                raise OverflowError
            self.w.node_parent[n], self.w.node_id[n] = node, event_id
            self.w.iscal[IS_NNODE] = n + 1
            node = n
        return node

    def response(self, pending) -> int:
        if id(pending) in self.responses:
            return self.responses[id(pending)]
        w = self.w
        r = int(w.iscal[IS_NRESP])
        if r >= w.resp_i.shape[0] - 1:
            raise OverflowError
        w.iscal[IS_NRESP] = r + 1
        w.resp_i[r, RI_ACTOR] = self.actor[pending.actor]
        w.resp_i[r, RI_BLAMED] = self.actor[pending.blamed]
        w.resp_i[r, RI_PROVOCATION] = pending.provocation_rung
        w.resp_i[r, RI_ROOT] = ROOT_CAUSES.index(pending.cause.root)
        w.resp_i[r, RI_NODE] = self.chain(pending.cause.chain)
        w.resp_i[r, RI_CANCELLED] = int(pending.cancelled)
        w.resp_i[r, RI_PENDING] = int(pending.id in self.model.pending.responses)
        w.resp_i[r, RI_OBLIGATION] = -1 if pending.obligation is None else pending.obligation
        w.resp_i[r, RI_CHAIN] = pending.chain
        w.resp_f[r, RF_DUE] = pending.due_hours
        w.resp_f[r, RF_LATENCY] = pending.latency_hours
        self.responses[id(pending)] = r
        return r

    def process(self, proc) -> int:
        """The slot of a simpy process (filled on first sight)."""
        if id(proc) in self.procs:
            return self.procs[id(proc)]
        w = self.w
        slot = int(w.iscal[IS_NPROC])
        if slot >= w.proc_i.shape[0] - 1:
            raise OverflowError
        w.iscal[IS_NPROC] = slot + 1
        self.procs[id(proc)] = slot
        gen = proc._generator
        started = inspect.getgeneratorstate(gen) != inspect.GEN_CREATED
        f = gen.gi_frame.f_locals
        name = gen.gi_code.co_name
        row = w.proc_i[slot]
        row[ly.PI_STATE] = ly.ST_WAIT if started else ly.ST_START
        if name == "_encounters":
            row[ly.PI_KIND], row[ly.PI_A] = ly.PROC_ENCOUNTERS, self.asset[f["asset"].key]
        elif name == "false_alarms":
            row[ly.PI_KIND], row[ly.PI_A] = ly.PROC_FALSE_ALARMS, self.actor[f["actor"].key]
        elif name == "_strike":
            contact = f["contact"]
            row[ly.PI_KIND] = ly.PROC_STRIKE
            row[ly.PI_A], row[ly.PI_B] = self.asset[f["asset"].key], self.asset[f["other"].key]
            row[ly.PI_C] = ly.STRIKE_ENGAGED * int(contact.engaged) + ly.STRIKE_DETERRED * int(contact.deterred)
            w.proc_f[slot, ly.PF_X] = f["delay"]
        elif name == "_blind_spots":
            row[ly.PI_KIND] = ly.PROC_BLIND_SPOTS
            if started:
                row[ly.PI_STATE] = ly.ST_IN_TRANSIT if self.model.blind_spot else ly.ST_WAIT
        elif name == "_chain":
            if not started:
                raise NotImplementedError("cannot fork a warning chain that has not started")
            row[ly.PI_KIND] = ly.PROC_WARNING
            row[ly.PI_A], row[ly.PI_B] = self.actor[f["actor"].key], self.actor[f["blamed"].key]
            row[ly.PI_C] = _AUTONOMY[f["autonomy"].value]
            row[ly.PI_D] = -1
            row[ly.PI_E], row[ly.PI_F] = f["log_id"], f["conference"]
            w.proc_f[slot, ly.PF_X] = f["minutes"]
        elif name == "_inject":
            injects = self.model.spec.injects
            index = next((i for i, inj in enumerate(injects) if inj is f["inject"]), None)
            if index is None:
                raise NotImplementedError("forking with an inject added during the game is not supported yet")
            row[ly.PI_KIND], row[ly.PI_A] = ly.PROC_INJECT, index
        elif name == "_respond":
            row[ly.PI_KIND], row[ly.PI_A] = ly.PROC_RESPOND, self.response(f["pending"])
            w.proc_f[slot, ly.PF_X] = f["latency"]
        elif name == "_clarify":
            row[ly.PI_KIND] = ly.PROC_CLARIFY
            row[ly.PI_A] = self.response(f["pending"])
            row[ly.PI_B], row[ly.PI_C] = self.actor[f["sender"].key], self.actor[f["receiver"].key]
            w.proc_f[slot, ly.PF_X] = f["discovery_hours"]
            if "message" in f:
                row[ly.PI_STATE] = ly.ST_IN_TRANSIT
                row[ly.PI_H] = int(f["delivered"])
                w.proc_f[slot, ly.PF_X] = f["latency"]
                w.proc_f[slot, ly.PF_Y] = f["message"].sent_hours
        elif name == "_answer":
            row[ly.PI_KIND] = ly.PROC_ANSWER
            row[ly.PI_A], row[ly.PI_B] = self.asset[f["asset"].key], self.asset[f["attacker"].key]
            row[ly.PI_C], row[ly.PI_D] = f["chain"].id, f["log_id"]
            row[ly.PI_TRACKS] = 1
            self._veto_state(row, gen, started)
        elif name == "_engagement_decision":
            contact = f["contact"]
            row[ly.PI_KIND] = ly.PROC_DECISION
            row[ly.PI_A], row[ly.PI_B] = self.asset[f["asset"].key], self.asset[f["other"].key]
            row[ly.PI_C], row[ly.PI_D] = int(contact.hostile), f["log_id"]
            strike = self.strikes.get(id(contact))
            row[ly.PI_H] = -1 if strike is None else self.process(strike)
            w.proc_f[slot, ly.PF_Z] = f["posterior"]
            row[ly.PI_TRACKS] = f["tracks"]
            sub = gen.gi_yieldfrom
            if not started or sub is None or sub.gi_code.co_name == "veto_window":
                self._veto_state(row, gen, started)
            else:
                g = sub.gi_frame.f_locals
                request = g["request"]
                if "minutes" in g:
                    row[ly.PI_STATE] = ly.ST_REVIEW
                    row[ly.PI_E] = int(not g["approved"]) + 2 * int(g["clearing"] / 60.0 > g["left"])
                    w.proc_f[slot, ly.PF_X] = g["minutes"]
                    row[ly.PI_G] = 2
                else:
                    row[ly.PI_STATE] = ly.ST_QUEUED
                    condition = proc._target
                    row[ly.PI_G] = 1 if condition.triggered else 0
                w.proc_f[slot, ly.PF_Y] = g["review"].requested_hours
                row[ly.PI_F] = ly.REQ_GRANTED if request.triggered else ly.REQ_WAITING
        else:
            raise NotImplementedError(f"cannot fork a model with a pending {name} process")
        return slot

    @staticmethod
    def _veto_state(row, gen, started: bool) -> None:
        """The state of a process that waits out machine latency or a veto window (decision or answer)."""
        sub = gen.gi_yieldfrom
        if not started:
            return
        if sub is None:
            row[ly.PI_STATE] = ly.ST_MACHINE
            return
        g = sub.gi_frame.f_locals
        row[ly.PI_STATE] = ly.ST_VETO
        free = "request" in g
        row[ly.PI_E] = int(free and bool(g["vetoed"])) + 2 * int(free)

    def push(self, time: float, priority: int, kind: int, slot: int) -> None:
        w = self.w
        if not heap_push(w.h_time, w.h_prio, w.h_seq, w.h_kind, w.h_slot, w.h_meta, time, priority, kind, slot):
            raise OverflowError


def _process_of(event):
    """The simpy process a callback list resumes, if any."""
    for callback in event.callbacks or ():
        owner = getattr(callback, "__self__", None)
        if callback.__name__ == "_resume":
            return owner
    return None


def _condition_of(event):
    for callback in event.callbacks or ():
        if callback.__name__ == "_check":
            return callback.__self__
    return None


def snapshot(model, caps: tuple[int, ...] | None = None) -> ModelState:
    """Read a reference model paused at a tick boundary into a :class:`ModelState`.

    Args:
        model: An :class:`~sim.engines.reference.model.EscalationModel` after some ``step()`` calls
            (not past the horizon).
        caps: Table capacities (default: large enough for the state, with room to grow).

    Returns:
        The state; the model is not changed.

    Raises:
        NotImplementedError: For pending work the compiled engine cannot represent (an inject added
            during a game).
    """
    from simpy.events import Condition, Initialize, Process, Timeout
    from simpy.resources.resource import Release, Request

    cs = as_compiled(model.spec)
    need = (len(model.env._queue) + 64, 0, 0, 0, 2 * len(model.log) + 64, 0, len(model.flash.chains) + 16)
    base = np.maximum(np.asarray(caps or DEFAULT_CAPS, np.int64), np.asarray(need, np.int64))
    while True:
        try:
            b = _Builder(model, cs, base)
            _fill(b, Condition, Initialize, Process, Timeout, Release, Request)
            break
        except OverflowError:
            base = base * 2
    arrays = {name: getattr(b.w, name) for name in Workspace._fields}
    return ModelState(
        compiled=cs,
        seed=model.seed,
        run=model.run_index,
        tick=int(model.steps),
        hours=float(model.env.now),
        log_length=len(model.log),
        arrays=arrays,
        caps=tuple(int(c) for c in base),
    )


def _fill(b: _Builder, Condition, Initialize, Process, Timeout, Release, Request) -> None:
    model, w, cs = b.model, b.w, b.cs
    t = cs.tables
    set_stream(w, model.seed, model.run_index)
    w.iscal[IS_LOG] = 1
    w.iscal[IS_STATUS] = ly.OK
    w.iscal[IS_TICK] = model.steps
    w.iscal[IS_NLOG] = len(model.log)
    w.iscal[IS_ENG_TRUE] = model.counts["engagements_true"]
    w.iscal[IS_ENG_FALSE] = model.counts["engagements_false"]
    w.iscal[IS_DEBRIS] = model.counts["debris"]
    w.iscal[IS_COLLISIONS] = model.counts["collisions"]
    w.iscal[IS_STRIKES] = model.counts["hostile_strikes"]
    w.iscal[IS_CONTACTS] = model.counts["contacts"]
    w.iscal[IS_DRAWN_IN] = len(model.drawn_in)
    w.iscal[IS_END_STATE] = END_STATES.index(model.end_state)
    w.fscal[FS_NOW] = model.env.now
    w.fscal[FS_SEVERITY] = model.severity
    w.fscal[FS_END] = model.end_hours
    w.fscal[FS_FIRST_SHOT] = model.first_shot_hours
    for (entity, purpose), counter in model.draws.counters.items():
        w.counters[entity, purpose] = counter
    for i, key in enumerate(cs.actor_keys):
        a = model.actors[key]
        w.rung[i] = a.rung
        w.complies[i] = int(a.complies_with_norm)
        w.attacked[i] = int(a.has_attacked)
        w.drawn[i] = int(key in model.drawn_in)
        w.trust[i] = a.trust
        w.isr_lost[i] = a.isr_lost
        w.violated[i] = int(a.violation_detected)
        w.losses[i] = (a.losses["drones"], a.losses["ships"], a.losses["satellites"])
        w.hit[i, HIT_STRATEGIC], w.hit[i, HIT_HOMELAND] = int(a.strategic_hit), int(a.homeland_hit)
        for j in range(len(cs.actor_keys)):
            w.posture[i, j] = model.posture[i][j]
            cause = model.last_cause[i][j]
            if cause is None:
                w.last_root[i, j], w.last_node[i, j] = ly.ROOT_NONE, -1
            else:
                w.last_root[i, j] = ROOT_CAUSES.index(cause.root)
                w.last_node[i, j] = b.chain(cause.chain)
    for i, key in enumerate(cs.asset_keys):
        a = model.assets[key]
        w.drones[i] = getattr(a, "drones", 0)
        w.ships[i] = getattr(a, "ships", 0)
        w.disabled[i] = int(getattr(a, "disabled", False))
        w.autonomy[i] = _AUTONOMY[a.autonomy.value]
        w.wanted[i] = _AUTONOMY[a.wanted_autonomy.value]
        w.rounds[i] = getattr(a, "rounds", 0)
        w.accrued[i] = getattr(a, "accrued", 0.0)
    for z, key in enumerate(cs.zone_keys):
        w.tracked[z] = model.tracked_objects[key]
        w.fresh[z] = model.fresh_fragments[key]
    w.iscal[IS_BLIND] = int(model.blind_spot)
    w.iscal[IS_BROKEN] = int(model.moratorium_broken)
    w.first_hours[:] = model.first_hours
    level0 = int(initial_crisis_level(t))
    for change in model.rung_changes:
        for k in range(change.crisis_before + 1, change.crisis_after + 1):
            if k > level0 and w.root_first[k] == 0:
                w.root_first[k] = ROOT_CAUSES.index(change.cause.root)
        if change.crisis_after > change.crisis_before and change.crisis_after >= 3 and change.cause.inadvertent:
            w.iscal[IS_INADVERTENT] = 1
    w.history[: len(model.crisis_level_history)] = model.crisis_level_history
    _fill_chains(b)
    # pending strikes by contact, so a decision can mark its contact's strike
    for _, _, _, event in model.env._queue:
        proc = _process_of(event)
        if proc is not None and proc._generator.gi_code.co_name == "_strike":
            b.strikes[id(proc._generator.gi_frame.f_locals["contact"])] = proc
    # events, in simpy's order
    for time, priority, _, event in sorted(model.env._queue, key=lambda e: e[:3]):
        if priority < 0 or isinstance(event, Process):
            continue  # the stop event of the last env.run, or a finished process (no callbacks)
        if isinstance(event, Initialize):
            b.push(time, ly.URGENT, ly.EV_INIT, b.process(_process_of(event)))
        elif isinstance(event, Request):
            sub = event.proc._generator.gi_yieldfrom
            if sub is not None and sub.gi_code.co_name == "veto_window":
                continue  # an on-the-loop operator taken at once: nothing waits on the event
            b.push(time, ly.NORMAL, ly.EV_REQUEST, b.process(event.proc))
        elif isinstance(event, Release):
            b.push(time, ly.NORMAL, ly.EV_RELEASE, b.actor[_actor_of(model, event.resource)])
        elif isinstance(event, Condition):
            b.push(time, ly.NORMAL, ly.EV_CONDITION, b.process(_process_of(event)))
        elif isinstance(event, Timeout):
            proc = _process_of(event)
            if proc is not None:
                b.push(time, ly.NORMAL, ly.EV_TIMEOUT, b.process(proc))
                continue
            condition = _condition_of(event)
            if condition is not None:
                b.push(time, ly.NORMAL, ly.EV_WINDOW, b.process(_process_of(condition)))
        else:
            raise NotImplementedError(f"cannot fork a model with a pending {type(event).__name__}")
    # operator queues
    for key, resource in model.c2.operators.items():
        i = b.actor[key]
        w.users[i] = len(resource.users)
        w.busy_tracks[i] = sum(request.tracks for request in resource.users)
        if len(resource.queue) >= w.queue.shape[1] - 1:
            raise OverflowError
        for k, request in enumerate(resource.queue):
            w.queue[i, k] = b.process(request.proc)
        w.qlen[i] = len(resource.queue)
    # responses waiting for a player: the model decides them now
    for point in getattr(model, "decision_points", {}).values():
        slot = b.process(_process_of(point.event)) if _process_of(point.event) is not None else None
        if slot is None:
            continue
        w.proc_i[slot, ly.PI_KIND] = ly.PROC_RESPOND
        w.proc_i[slot, ly.PI_STATE] = ly.ST_WAIT
        w.proc_i[slot, ly.PI_A] = b.response(point.pending)
        b.push(model.env.now, ly.NORMAL, ly.EV_TIMEOUT, slot)


def _fill_chains(b: _Builder) -> None:
    """The machine-speed chains so far: their causes, levels, exchanges and who has answered."""
    model, w = b.model, b.w
    chains = model.flash.chains
    if len(chains) >= w.chain_i.shape[0] - 1:
        raise OverflowError
    w.iscal[IS_NCHAIN] = len(chains)
    w.iscal[IS_FLASH_MAX] = model.flash.max_rise
    for c, chain in enumerate(chains):
        w.chain_i[c, CI_ROOT] = ROOT_CAUSES.index(chain.cause.root)
        w.chain_i[c, CI_NODE] = b.chain(chain.cause.chain)
        w.chain_i[c, CI_LEVEL0], w.chain_i[c, CI_TOP] = chain.level_before, chain.top_level
        w.chain_i[c, CI_EXCHANGES], w.chain_i[c, CI_KINETIC] = chain.exchanges, chain.kinetic
        w.chain_f[c, CF_START], w.chain_f[c, CF_TOP] = chain.start_hours, chain.top_hours
        for key in chain.answered:
            w.answered[c, b.asset[key]] = 1


def _actor_of(model, resource) -> str:
    return next(key for key, r in model.c2.operators.items() if r is resource)


@njit(cache=True, _nrt=False, inline="always")
def _copy1(dst, src):
    for i in range(src.shape[0]):
        dst[i] = src[i]


@njit(cache=True, _nrt=False, inline="always")
def _copy2(dst, src):
    for i in range(src.shape[0]):
        for j in range(src.shape[1]):
            dst[i, j] = src[i, j]


@njit(cache=True, _nrt=False)
def _copy(dst, src):
    """Copy every array of workspace ``src`` into ``dst`` (same shapes; element loops, no temporaries)."""
    _copy1(dst.iscal, src.iscal)
    _copy1(dst.fscal, src.fscal)
    _copy2(dst.counters, src.counters)
    _copy1(dst.h_time, src.h_time)
    _copy1(dst.h_prio, src.h_prio)
    _copy1(dst.h_seq, src.h_seq)
    _copy1(dst.h_kind, src.h_kind)
    _copy1(dst.h_slot, src.h_slot)
    _copy1(dst.h_meta, src.h_meta)
    _copy1(dst.rung, src.rung)
    _copy2(dst.posture, src.posture)
    _copy2(dst.last_root, src.last_root)
    _copy2(dst.last_node, src.last_node)
    _copy1(dst.attacked, src.attacked)
    _copy1(dst.drawn, src.drawn)
    _copy1(dst.trust, src.trust)
    _copy1(dst.isr_lost, src.isr_lost)
    _copy1(dst.violated, src.violated)
    _copy2(dst.losses, src.losses)
    _copy1(dst.complies, src.complies)
    _copy1(dst.users, src.users)
    _copy1(dst.busy_tracks, src.busy_tracks)
    _copy1(dst.qlen, src.qlen)
    _copy2(dst.queue, src.queue)
    _copy1(dst.drones, src.drones)
    _copy1(dst.ships, src.ships)
    _copy1(dst.disabled, src.disabled)
    _copy1(dst.autonomy, src.autonomy)
    _copy1(dst.wanted, src.wanted)
    _copy1(dst.rounds, src.rounds)
    _copy1(dst.accrued, src.accrued)
    _copy1(dst.tracked, src.tracked)
    _copy1(dst.fresh, src.fresh)
    _copy1(dst.first_hours, src.first_hours)
    _copy1(dst.root_first, src.root_first)
    _copy2(dst.proc_i, src.proc_i)
    _copy2(dst.proc_f, src.proc_f)
    _copy2(dst.resp_i, src.resp_i)
    _copy2(dst.resp_f, src.resp_f)
    _copy1(dst.log_code, src.log_code)
    _copy1(dst.log_time, src.log_time)
    _copy2(dst.log_args, src.log_args)
    _copy1(dst.log_chain, src.log_chain)
    _copy1(dst.node_parent, src.node_parent)
    _copy1(dst.node_id, src.node_id)
    _copy1(dst.history, src.history)
    _copy2(dst.hit, src.hit)
    _copy2(dst.chain_i, src.chain_i)
    _copy2(dst.chain_f, src.chain_f)
    _copy2(dst.answered, src.answered)


@njit(cache=True, _nrt=False)
def continue_one(ta, w, template, seed, run, log_on):
    """One future: the state at the fork, then draws with (seed, run) to the horizon."""
    _copy(w, template)
    set_stream(w, seed, run)
    w.iscal[IS_LOG] = 1 if log_on else 0
    run_ticks(ta, w, w.iscal[IS_TICK])


@njit(cache=True, nogil=True, _nrt=False)
def _fork_slice(ta, w, template, seed, runs, lo, hi, level, out_i, out_f, out_traj):
    for row in range(lo, hi):
        continue_one(ta, w, template, seed, runs[row], False)
        write_outcome(ta, w, level, out_i, out_f, out_traj, row)


def _fork_batch(ta, template, stack, seed, runs, level, out_i, out_f, out_traj) -> None:
    n = runs.shape[0]
    n_slices = stack.iscal.shape[0]

    def work(s: int) -> None:
        lo, hi = s * n // n_slices, (s + 1) * n // n_slices
        _fork_slice(ta, workspace_slice(stack, s), template, seed, runs, lo, hi, level, out_i, out_f, out_traj)

    run_slices(n_slices, work)


def continue_from(
    state: ModelState,
    runs: int,
    seed: int | None = None,
    first_run: int = 0,
    threads: int | None = None,
    trajectories: bool = True,
) -> BatchOutcomes:
    """Run ``runs`` compiled futures from a forked state.

    Args:
        state: From :func:`snapshot`.
        runs: Number of futures.
        seed: Master seed of the futures' draws (default: the original's).
        first_run: Run index of the first future (future i uses ``first_run + i``).
        threads: numba threads (default: numba's setting).
        trajectories: Keep each future's crisis level per tick (from the start of the crisis).

    Returns:
        One outcome per future (row i: run ``first_run + i``); with the original's seed, the row whose
        run index is the original's equals the original run to the horizon.
    """
    if runs < 1:
        raise ValueError("runs must be at least 1")
    seed = state.seed if seed is None else int(seed)
    if not 0 <= seed < 2**63:
        raise ValueError(f"seed must be between 0 and 2**63-1 (got {seed})")
    cs = state.compiled
    indices = np.arange(first_run, first_run + runs, dtype=np.int64)
    out_i, out_f, out_traj = outcome_arrays(runs, cs.n_ticks, trajectories)
    template = state.workspace()
    level = int(initial_crisis_level(cs.tables))
    with numba_threads(threads):
        n_slices = min(runs, max(1, 8 * numba.get_num_threads()))
        stack = Workspace(*[np.zeros((n_slices, *a.shape), a.dtype) for a in template])
        _fork_batch(cs.tables, template, stack, seed, indices, level, out_i, out_f, out_traj)
    for row in np.flatnonzero(out_i[:, OI_STATUS] != ly.OK):
        run_future(state, int(indices[row]), seed, out=(out_i, out_f, out_traj, int(row)))
    return BatchOutcomes(seed, indices, out_i, out_f, out_traj)


def run_future(state: ModelState, run: int, seed: int | None = None, log: bool = False, out=None):
    """One future from a forked state (growing tables as needed); returns its workspace.

    Args:
        state: From :func:`snapshot`.
        run: Run index of the future's draws.
        seed: Master seed (default: the original's).
        log: Keep the log records made after the fork.
        out: Optional ``(ints, floats, trajectories, row)`` to write the outcome into.

    Returns:
        The workspace at the horizon (render its log with :func:`sim.engines.compiled.logtext.render_log`
        and ``first_id=state.log_length``).
    """
    seed = state.seed if seed is None else int(seed)
    cs = state.compiled
    current = state
    while True:
        w = current.workspace()
        continue_one(cs.tables, w, current.workspace(), seed, run, log)
        if w.iscal[IS_STATUS] == ly.OK:
            break
        current = _grown(current)
    if out is not None:
        write_outcome(cs.tables, w, initial_crisis_level(cs.tables), *out)
    return w


def _grown(state: ModelState) -> ModelState:
    """The same state in tables twice as large."""
    caps = np.asarray(state.caps, np.int64) * 2
    arrays = {}
    for name, old in state.arrays.items():
        new = np.zeros(_grown_shape(name, old.shape, caps), old.dtype)
        new[tuple(slice(0, n) for n in old.shape)] = old
        arrays[name] = new
    return ModelState(
        state.compiled, state.seed, state.run, state.tick, state.hours, state.log_length, arrays, tuple(caps)
    )


_GROWS = {
    "h_time": (CAP_HEAP, 0),
    "h_prio": (CAP_HEAP, 0),
    "h_seq": (CAP_HEAP, 0),
    "h_kind": (CAP_HEAP, 0),
    "h_slot": (CAP_HEAP, 0),
    "queue": (CAP_QUEUE, 1),
    "proc_i": (CAP_PROCS, 0),
    "proc_f": (CAP_PROCS, 0),
    "resp_i": (CAP_RESPONSES, 0),
    "resp_f": (CAP_RESPONSES, 0),
    "log_code": (CAP_LOG, 0),
    "log_time": (CAP_LOG, 0),
    "log_args": (CAP_LOG, 0),
    "log_chain": (CAP_LOG, 0),
    "node_parent": (CAP_NODES, 0),
    "node_id": (CAP_NODES, 0),
    "chain_i": (CAP_CHAINS, 0),
    "chain_f": (CAP_CHAINS, 0),
    "answered": (CAP_CHAINS, 0),
}


def _grown_shape(name: str, shape: tuple[int, ...], caps: np.ndarray) -> tuple[int, ...]:
    if name not in _GROWS:
        return shape
    cap, axis = _GROWS[name]
    out = list(shape)
    out[axis] = int(caps[cap]) + 1
    return tuple(out)
