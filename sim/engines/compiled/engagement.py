"""Engagements in the compiled engine: what one attack does, how the victim reads it, whom it blames, and the
response (and allies' obligations) it starts. Mirrors :mod:`sim.engines.reference.engagement`."""

from __future__ import annotations

import math

from numba import njit

from sim.engines.compiled import layout as ly
from sim.engines.compiled.core import asset_entity, chain1, chain2, draw, extend, record
from sim.engines.compiled.damage import add_fragments, disable_satellite, discovery_hours
from sim.engines.compiled.flash import after_attack, exchange_made
from sim.engines.compiled.responses import attribute, call_allies, response_latency, schedule_response
from sim.engines.compiled.workspace import (
    CI_KINETIC,
    CI_NODE,
    CI_ROOT,
    FS_FIRST_SHOT,
    FS_NOW,
    HIT_HOMELAND,
    IS_ENG_FALSE,
    IS_ENG_TRUE,
    IS_STRIKES,
)
from sim.kernels import combat, space
from sim.kernels.response import BELOW_FIREBREAK


@njit(cache=True, _nrt=False)
def engage(ta, w, asset, other, hostile, cause_id, how, ordered, strike, chain):
    """Resolve an attack by ``asset`` on ``other``, start the victim's response and its machine-speed answers
    (``Engagements.engage``; ``chain`` is the chain the attack is an exchange of, -1 for none)."""
    if strike:
        w.iscal[IS_STRIKES] += 1
    elif hostile:
        w.iscal[IS_ENG_TRUE] += 1
    else:
        w.iscal[IS_ENG_FALSE] += 1
    if math.isnan(w.fscal[FS_FIRST_SHOT]):
        w.fscal[FS_FIRST_SHOT] = w.fscal[FS_NOW]
    attacker = ta.assets[asset].owner
    victim = ta.assets[other].owner
    w.attacked[attacker] = 1
    if ta.zones[ta.assets[other].zone].homeland == victim:
        w.hit[victim, HIT_HOMELAND] = 1
    losses = _resolve(ta, w, asset, other)
    provocation = _provocation(ta, other, losses)
    if chain >= 0:
        if losses > 0:
            w.chain_i[chain, CI_KINETIC] += 1
        if w.chain_i[chain, CI_KINETIC] >= ta.params[0].theater_exchanges:
            provocation = max(provocation, BELOW_FIREBREAK)
    log_id = record(w, ly.L_ENGAGE, chain1(w, cause_id), asset, other, how, losses, 0, 0)
    latency = response_latency(ta, w, victim, w.autonomy[other])
    blamed, misattributed = attribute(ta, w, asset, victim, latency)
    intended = max(w.posture[attacker, victim], ly.PROVOCATION_KINETIC)
    if not hostile:
        root, node = ly.ROOT_MISIDENTIFICATION, chain2(w, cause_id, log_id)
        clarifier = attacker
        discovery = discovery_hours(ta, w, attacker)
    elif misattributed:
        root, node = ly.ROOT_MISATTRIBUTION, chain1(w, log_id)
        clarifier = blamed
        discovery = discovery_hours(ta, w, blamed)
    elif ta.assets[other].strategic != 0 and provocation > intended:
        root, node = ly.ROOT_ENTANGLEMENT, chain1(w, log_id)
        clarifier = attacker
        discovery = discovery_hours(ta, w, attacker)
    elif ordered:
        root, node = ly.ROOT_DELIBERATE, chain2(w, cause_id, log_id)
        clarifier = -1
        discovery = math.nan
    elif chain >= 0:
        root, node = w.chain_i[chain, CI_ROOT], extend(w, w.chain_i[chain, CI_NODE], log_id)
        clarifier = -1
        discovery = math.nan
    else:
        hostile_side, target_side = (attacker, victim) if strike else (victim, attacker)
        root = w.last_root[hostile_side, target_side]
        if root != ly.ROOT_NONE:
            node = extend(w, w.last_node[hostile_side, target_side], log_id)
        else:
            root, node = ly.ROOT_DELIBERATE, chain1(w, log_id)
        clarifier = -1
        discovery = math.nan
    if misattributed:
        record(w, ly.L_ATTRIBUTION, chain1(w, log_id), victim, blamed, 0, 0, 0, 0)
    pending = schedule_response(
        ta, w, victim, blamed, provocation, root, node, w.autonomy[other], clarifier, discovery, -1, latency, chain
    )
    call_allies(ta, w, victim, blamed, provocation, root, node)
    if chain >= 0:
        exchange_made(ta, w, asset, other, chain, provocation, log_id)
    after_attack(ta, w, asset, other, chain, root, node, losses, log_id, pending)


@njit(cache=True, _nrt=False)
def _resolve(ta, w, asset, other):
    """Apply the attack's losses to ``other`` (and expended drones to ``asset``); return losses."""
    p = ta.params[0]
    a = ta.assets[asset]
    entity = asset_entity(ta, asset)
    u1 = draw(w, entity, ly.P_SALVO_INTERCEPT)
    u2 = draw(w, entity, ly.P_SALVO_HIT)
    other_kind = ta.assets[other].kind
    if other_kind == ly.ASSET_SPACE:
        return _asat_attack(ta, w, asset, other, u1)
    if a.kind == ly.ASSET_SWARM:
        shots = max(1, round(p.salvo_fraction * w.drones[asset]))
        shots = min(shots, w.drones[asset])
        w.drones[asset] -= shots
        w.losses[a.owner, 0] += shots
        if other_kind == ly.ASSET_NAVAL:
            return _salvo(ta, w, entity, shots, a.hit_probability, other, u1, u2)
        return _drone_losses(ta, w, other, combat.drone_attrition(shots, w.drones[other], p.drone_kill_probability, u1))
    if other_kind == ly.ASSET_NAVAL:
        shots = w.ships[asset] * a.missiles_per_ship
        return _salvo(ta, w, entity, shots, p.missile_hit_probability, other, u1, u2)
    shots = min(w.ships[asset] * a.air_defense, w.rounds[asset])
    w.rounds[asset] -= shots
    return _drone_losses(ta, w, other, combat.drone_attrition(shots, w.drones[other], a.intercept_probability, u1))


@njit(cache=True, _nrt=False)
def _salvo(ta, w, entity, shots, p_hit, other, u1, u2):
    s = ta.assets[other]
    u3 = draw(w, entity, ly.P_SALVO_INTERCEPT)
    u4 = draw(w, entity, ly.P_SALVO_INTERCEPT)
    u5 = draw(w, entity, ly.P_SALVO_INTERCEPT)
    _, _, lost, fired = combat.salvo_exchange(
        shots,
        p_hit,
        w.ships[other],
        min(w.ships[other] * s.air_defense, w.rounds[other]),
        s.intercept_probability,
        s.staying_power,
        ta.params[0].shots_per_threat,
        u1,
        u3,
        u4,
        u5,
        u2,
    )
    lost = int(lost)
    w.rounds[other] -= int(fired)
    w.ships[other] -= lost
    w.losses[s.owner, 1] += lost
    return lost


@njit(cache=True, _nrt=False, inline="always")
def _drone_losses(ta, w, swarm, lost):
    lost = int(lost)
    w.drones[swarm] -= lost
    w.losses[ta.assets[swarm].owner, 0] += lost
    return lost


@njit(cache=True, _nrt=False)
def _asat_attack(ta, w, asset, target, u):
    if not space.asat_kill(u, ta.assets[asset].kill_probability):
        return 0
    disable_satellite(ta, w, target)
    add_fragments(w, ta.assets[target].zone, ta.assets[asset].debris_per_kill)
    return 1


@njit(cache=True, _nrt=False, inline="always")
def _provocation(ta, target, losses):
    t = ta.assets[target]
    if t.kind == ly.ASSET_SPACE:
        if t.strategic != 0:
            return ly.PROVOCATION_STRATEGIC
        return ly.PROVOCATION_SPACE if losses else ly.PROVOCATION_HARASSMENT
    return ly.PROVOCATION_KINETIC if losses else ly.PROVOCATION_HARASSMENT
