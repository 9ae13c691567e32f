"""Deliberate counter-space escalation and the ASAT moratorium in the compiled engine.
Mirrors :mod:`sim.engines.reference.counterspace`."""

from __future__ import annotations

import math

from numba import njit

from sim.engines.compiled import layout as ly
from sim.engines.compiled.core import chain1, draw, extend, operational, record
from sim.engines.compiled.damage import add_fragments, disable_satellite, discovery_hours
from sim.engines.compiled.responses import call_allies, schedule_response
from sim.engines.compiled.workspace import IS_BROKEN, IS_ENG_TRUE
from sim.kernels.rng import bernoulli


@njit(cache=True, _nrt=False, inline="always")
def moratorium_bound(ta, w, actor):
    """``Counterspace.bound``: in force, unbroken, and the actor committed."""
    return ta.actors[actor].moratorium != 0 and w.iscal[IS_BROKEN] == 0


@njit(cache=True, _nrt=False)
def forgoes(ta, w, actor, destructive):
    """``Counterspace.forgoes``: a bound actor forgoes a destructive test or strike with probability compliance."""
    if not (destructive and moratorium_bound(ta, w, actor)):
        return False
    return bernoulli(draw(w, actor, ly.P_MORATORIUM), ta.params[0].moratorium_compliance)


@njit(cache=True, _nrt=False)
def breach(ta, w, actor, cause_id):
    """``Counterspace.breach``: the other committed actors answer, and the moratorium binds no one any more.

    Called only for an actor the moratorium bound, so it was unbroken until now.
    """
    w.iscal[IS_BROKEN] = 1
    log_id = record(w, ly.L_MORATORIUM_BREACH, chain1(w, cause_id), actor, 0, 0, 0, 0, 0)
    for other in range(ta.actors.shape[0]):
        if other != actor and ta.actors[other].moratorium != 0:
            schedule_response(
                ta,
                w,
                other,
                actor,
                ta.params[0].breach_rung,
                ly.ROOT_DELIBERATE,
                chain1(w, log_id),
                ta.actors[other].autonomy,
                -1,
                math.nan,
                -1,
                math.nan,
                -1,
            )


@njit(cache=True, _nrt=False)
def direct_ascent_strike(ta, w, actor, target_actor, root, node):
    """``Counterspace.strike``: a direct-ascent strike on the first operational satellite of ``target_actor``."""
    a = ta.actors[actor]
    zone = ta.zones[a.da_zone]
    target = -1
    for k in range(zone.sat_start, zone.sat_end):
        sat = ta.satellites[k]
        if ta.assets[sat].owner == target_actor and operational(ta, w, sat):
            target = sat
            break
    if target < 0:
        return
    destructive = a.da_debris > 0
    bound = moratorium_bound(ta, w, actor)
    if forgoes(ta, w, actor, destructive):
        record(w, ly.L_MORATORIUM_HOLD, -1, actor, target, 0, 0, 0, 0)
        return
    w.iscal[IS_ENG_TRUE] += 1
    w.attacked[actor] = 1
    disabled = bernoulli(draw(w, actor, ly.P_ASAT_STRIKE), a.da_kill)
    if disabled:
        disable_satellite(ta, w, target)
    if disabled and destructive:
        add_fragments(w, ta.assets[target].zone, a.da_debris)
    log_id = record(w, ly.L_DA_STRIKE, node, actor, target, 1 if disabled else 0, 0, 0, 0)
    if destructive and bound:
        breach(ta, w, actor, log_id)
    t = ta.assets[target]
    if t.strategic != 0:
        provocation = ly.PROVOCATION_STRATEGIC
    else:
        provocation = ly.PROVOCATION_SPACE if disabled else ly.PROVOCATION_HARASSMENT
    victim = t.owner
    if t.strategic != 0 and provocation > max(w.posture[actor, victim], 3):
        why_root, why_node = ly.ROOT_ENTANGLEMENT, chain1(w, log_id)
        clarifier = actor
        discovery = discovery_hours(ta, w, actor)
    else:
        why_root, why_node = root, extend(w, node, log_id)
        clarifier = -1
        discovery = math.nan
    schedule_response(
        ta,
        w,
        victim,
        actor,
        provocation,
        why_root,
        why_node,
        w.autonomy[target],
        clarifier,
        discovery,
        -1,
        math.nan,
        -1,
    )
    call_allies(ta, w, victim, actor, provocation, why_root, why_node)
