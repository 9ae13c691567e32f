"""Scheduled events (injects) in the compiled engine. Mirrors :mod:`sim.engines.reference.injects`."""

from __future__ import annotations

import math

from numba import njit

from sim.engines.compiled import layout as ly
from sim.engines.compiled.core import capped_autonomy, chain1, operational, record, schedule
from sim.engines.compiled.counterspace import breach, forgoes, moratorium_bound
from sim.engines.compiled.damage import add_fragments, discovery_hours
from sim.engines.compiled.engagement import engage
from sim.engines.compiled.responses import schedule_response
from sim.engines.compiled.warning import false_alarm, first_warning
from sim.engines.compiled.workspace import FS_NOW


@njit(cache=True, _nrt=False)
def resume_inject(ta, w, slot):
    """``CommandPipeline._inject``: wait for the inject's time, then carry it out."""
    row = w.proc_i[slot]
    index = row[ly.PI_A]
    inject = ta.injects[index]
    if row[ly.PI_STATE] == ly.ST_START:
        row[ly.PI_STATE] = ly.ST_WAIT
        schedule(w, max(0.0, inject.at - w.fscal[FS_NOW]), ly.NORMAL, ly.EV_TIMEOUT, slot)
        return
    row[ly.PI_STATE] = ly.ST_DONE
    kind = inject.kind
    if kind == ly.INJ_FALSE_ALARM:
        actor = inject.actor
        warning = first_warning(ta, w, actor, False)
        autonomy = w.autonomy[warning] if warning >= 0 else ta.actors[actor].autonomy
        false_alarm(w, actor, inject.blamed, autonomy, index)
    elif kind == ly.INJ_ASAT_TEST:
        _asat_test(ta, w, index)
    elif kind == ly.INJ_COLLISION_AT_SEA:
        _collision_at_sea(ta, w, index)
    elif kind == ly.INJ_ATTACK:
        attacker, target = inject.first, inject.second
        if operational(ta, w, attacker) and operational(ta, w, target):
            log_id = record(w, ly.L_INJECT_ATTACK, -1, attacker, target, index, 0, 0, 0)
            engage(ta, w, attacker, target, True, log_id, ly.HOW_ORDER, True, False, -1)
    elif kind == ly.INJ_AUTONOMY_CHANGE:
        for asset in range(ta.assets.shape[0]):
            if ta.assets[asset].owner == inject.actor:
                w.wanted[asset] = inject.autonomy
                w.autonomy[asset] = capped_autonomy(ta, w, asset, inject.autonomy)
        record(w, ly.L_INJECT_AUTONOMY, -1, inject.actor, inject.autonomy, index, 0, 0, 0)


@njit(cache=True, _nrt=False)
def _asat_test(ta, w, index):
    inject = ta.injects[index]
    actor = inject.actor
    a = ta.actors[actor]
    destructive = inject.debris > 0
    bound = moratorium_bound(ta, w, actor)
    if forgoes(ta, w, actor, destructive):
        record(w, ly.L_INJECT_FORGO, -1, actor, index, 0, 0, 0, 0)
        return
    add_fragments(w, inject.zone, inject.debris)
    log_id = record(w, ly.L_INJECT_ASAT, -1, actor, inject.zone, index, 0, 0, 0)
    if destructive and bound:
        breach(ta, w, actor, log_id)
    for k in range(a.adv_start, a.adv_end):
        adversary = ta.adversaries[k]
        schedule_response(
            ta,
            w,
            adversary,
            actor,
            ly.PROVOCATION_ASAT_TEST,
            ly.ROOT_DELIBERATE,
            chain1(w, log_id),
            ta.actors[adversary].autonomy,
            -1,
            math.nan,
            -1,
            math.nan,
            -1,
        )


@njit(cache=True, _nrt=False)
def _collision_at_sea(ta, w, index):
    inject = ta.injects[index]
    first, second = inject.first, inject.second
    log_id = record(w, ly.L_INJECT_COLLIDE, -1, first, second, index, 0, 0, 0)
    owner1, owner2 = ta.assets[first].owner, ta.assets[second].owner
    if owner1 == owner2:
        return
    for k in range(2):
        victim, other = (first, second) if k == 0 else (second, first)
        other_owner = ta.assets[other].owner
        discovery = discovery_hours(ta, w, other_owner)
        schedule_response(
            ta,
            w,
            ta.assets[victim].owner,
            other_owner,
            ly.PROVOCATION_COLLISION,
            ly.ROOT_ACCIDENT,
            chain1(w, log_id),
            w.autonomy[victim],
            other_owner,
            discovery,
            -1,
            math.nan,
            -1,
        )
