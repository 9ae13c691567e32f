"""Basic operations of the compiled engine: draws, scheduling, processes, the log and cause chains.

Every function takes the scenario tables ``ta`` and/or the workspace ``w`` and mirrors one
operation of the reference engine (:mod:`sim.engines.reference`) or of simpy.
"""

from __future__ import annotations

from numba import njit

from sim.engines.compiled import layout as ly
from sim.engines.compiled.heap import heap_push
from sim.engines.compiled.workspace import (
    FS_NOW,
    IS_KEY,
    IS_LOG,
    IS_NLOG,
    IS_NNODE,
    IS_NPROC,
    IS_NRESP,
    IS_RUN,
    IS_SEED,
    IS_STATUS,
    N_RI,
)
from sim.kernels.rng import keyed_uniform, stream_key


@njit(cache=True, _nrt=False, inline="always")
def draw(w, entity, purpose):
    """``Draws.u(entity, purpose)``: the next counter-based uniform of this (entity, purpose)."""
    counter = w.counters[entity, purpose]
    w.counters[entity, purpose] = counter + 1
    return keyed_uniform(w.iscal[IS_KEY], entity, purpose, counter)


@njit(cache=True, _nrt=False)
def set_stream(w, seed, run):
    """Draw from here on with ``(seed, run)``: the seed, the run and their stream key (hashed once)."""
    w.iscal[IS_SEED] = seed
    w.iscal[IS_RUN] = run
    w.iscal[IS_KEY] = stream_key(seed, run)


@njit(cache=True, _nrt=False, inline="always")
def asset_entity(ta, asset):
    """Entity id of an asset (actors come first)."""
    return ta.actors.shape[0] + asset


@njit(cache=True, _nrt=False, inline="always")
def zone_entity(ta, zone):
    """Entity id of a zone (after actors and assets)."""
    return ta.actors.shape[0] + ta.assets.shape[0] + zone


@njit(cache=True, _nrt=False, inline="always")
def overflow(w):
    """Flag that a preallocated table was too small."""
    w.iscal[IS_STATUS] = ly.OVERFLOW


@njit(cache=True, _nrt=False, inline="always")
def schedule(w, delay, priority, kind, slot):
    """simpy ``env.schedule``: an event at ``now + delay`` with the next sequence id."""
    if not heap_push(
        w.h_time, w.h_prio, w.h_seq, w.h_kind, w.h_slot, w.h_meta, w.fscal[FS_NOW] + delay, priority, kind, slot
    ):
        overflow(w)


@njit(cache=True, _nrt=False)
def spawn(w, kind, a, b, c, d):
    """simpy ``env.process``: a new process whose ``Initialize`` event is scheduled (urgent, now)."""
    slot = w.iscal[IS_NPROC]
    if slot >= w.proc_i.shape[0] - 1:
        overflow(w)
        slot = w.proc_i.shape[0] - 1
    else:
        w.iscal[IS_NPROC] = slot + 1
    row = w.proc_i[slot]
    row[:] = 0
    row[ly.PI_KIND] = kind
    row[ly.PI_STATE] = ly.ST_START
    row[ly.PI_A] = a
    row[ly.PI_B] = b
    row[ly.PI_C] = c
    row[ly.PI_D] = d
    w.proc_f[slot, 0] = 0.0
    w.proc_f[slot, 1] = 0.0
    w.proc_f[slot, 2] = 0.0
    schedule(w, 0.0, ly.URGENT, ly.EV_INIT, slot)
    return slot


@njit(cache=True, _nrt=False)
def new_response(w):
    """A fresh pending-response slot (never reused within a run)."""
    slot = w.iscal[IS_NRESP]
    if slot >= w.resp_i.shape[0] - 1:
        overflow(w)
        slot = w.resp_i.shape[0] - 1
    else:
        w.iscal[IS_NRESP] = slot + 1
    for k in range(N_RI):
        w.resp_i[slot, k] = 0
    return slot


@njit(cache=True, _nrt=False, inline="always")
def record(w, code, chain, a0, a1, a2, a3, a4, a5):
    """``model.record``: append a log record (when logging) and return its id."""
    n = w.iscal[IS_NLOG]
    w.iscal[IS_NLOG] = n + 1
    if w.iscal[IS_LOG] == 0:
        return n
    row = n
    if n >= w.log_code.shape[0] - 1:
        overflow(w)
        row = w.log_code.shape[0] - 1
    w.log_code[row] = code
    w.log_time[row] = w.fscal[FS_NOW]
    w.log_chain[row] = chain
    w.log_args[row, 0] = a0
    w.log_args[row, 1] = a1
    w.log_args[row, 2] = a2
    w.log_args[row, 3] = a3
    w.log_args[row, 4] = a4
    w.log_args[row, 5] = a5
    return n


@njit(cache=True, _nrt=False, inline="always")
def extend(w, node, event_id):
    """``Cause.extended``: a chain one event longer (chains are kept only when logging; else -1)."""
    if w.iscal[IS_LOG] == 0:
        return -1
    n = w.iscal[IS_NNODE]
    if n >= w.node_parent.shape[0] - 1:
        overflow(w)
        n = w.node_parent.shape[0] - 1
    else:
        w.iscal[IS_NNODE] = n + 1
    w.node_parent[n] = node
    w.node_id[n] = event_id
    return n


@njit(cache=True, _nrt=False, inline="always")
def chain1(w, a):
    """The chain ``(a,)``."""
    return extend(w, -1, a)


@njit(cache=True, _nrt=False, inline="always")
def chain2(w, a, b):
    """The chain ``(a, b)``."""
    return extend(w, extend(w, -1, a), b)


@njit(cache=True, _nrt=False, inline="always")
def operational(ta, w, asset):
    """``AssetAgent.operational``: drones left, ships left, or a satellite not disabled."""
    kind = ta.assets[asset].kind
    if kind == ly.ASSET_SWARM:
        return w.drones[asset] > 0
    if kind == ly.ASSET_NAVAL:
        return w.ships[asset] > 0
    return w.disabled[asset] == 0


@njit(cache=True, _nrt=False, inline="always")
def crisis_level(w):
    """The highest rung any actor holds."""
    level = w.rung[0]
    for i in range(1, w.rung.shape[0]):
        if w.rung[i] > level:
            level = w.rung[i]
    return level


@njit(cache=True, _nrt=False, inline="always")
def highest_posture(w, actor):
    """An actor's rung: its highest posture toward any other actor."""
    best = 0
    for b in range(w.posture.shape[0]):
        if b != actor and w.posture[actor, b] > best:
            best = w.posture[actor, b]
    return best


@njit(cache=True, _nrt=False, inline="always")
def hotline_links(ta, a, b):
    """Whether a hotline links two actors (enabled and both committed)."""
    return ta.params[0].hotline_enabled != 0 and ta.actors[a].hotline != 0 and ta.actors[b].hotline != 0


@njit(cache=True, _nrt=False, inline="always")
def capped_autonomy(ta, w, asset, wanted):
    """``EscalationModel.capped_autonomy``: the least autonomous of wanted, the kind's cap and the norm."""
    level = wanted
    cap = ta.assets[asset].cap
    if cap < level:
        level = cap
    owner = ta.assets[asset].owner
    if ta.actors[owner].norm_bound != 0 and w.complies[owner] != 0 and level > ly.AUT_ON:
        level = ly.AUT_ON
    return level


@njit(cache=True, _nrt=False, inline="always")
def capacity_ok(w):
    """Whether no table has overflowed."""
    return w.iscal[IS_STATUS] == ly.OK
