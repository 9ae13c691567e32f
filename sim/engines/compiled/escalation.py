"""Escalation in the compiled engine: rung changes, deliberate hazards, attribution, responses, hotline.

Each function mirrors the method of :class:`sim.engines.reference.escalation.Escalation` with the same name,
draw for draw and operation for operation.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from sim.engines.compiled import layout as ly
from sim.engines.compiled.core import (
    chain1,
    crisis_level,
    draw,
    extend,
    hotline_links,
    max_adversary_rung,
    new_response,
    record,
    schedule,
    spawn,
    top_adversary,
)
from sim.engines.compiled.workspace import (
    FS_NOW,
    FS_SEVERITY,
    IS_INADVERTENT,
    RI_ACTOR,
    RI_BLAMED,
    RI_CANCELLED,
    RI_NODE,
    RI_PENDING,
    RI_PROVOCATION,
    RI_ROOT,
)
from sim.kernels import perception, response
from sim.kernels.rng import bernoulli, choice_index, exponential


@njit(cache=True, _nrt=False)
def change_rung(ta, w, actor, new_rung, root, node, why, blamed):
    """Move an actor to ``new_rung``: log the step, its severity, crisis-level firsts and their roots."""
    old = w.rung[actor]
    before = crisis_level(w)
    if new_rung == old:
        return
    log_id = record(w, ly.L_RUNG_CHANGE, node, actor, old, new_rung, why, blamed, root)
    w.rung[actor] = new_rung
    w.last_root[actor] = root
    w.last_node[actor] = extend(w, node, log_id)
    after = crisis_level(w)
    w.fscal[FS_SEVERITY] += float(response.severity_of_step(old, new_rung))
    if after > before and after >= 3 and root >= ly.ROOT_MISIDENTIFICATION:
        w.iscal[IS_INADVERTENT] = 1
    for k in range(before + 1, after + 1):
        if math.isnan(w.first_hours[k]):
            w.first_hours[k] = w.fscal[FS_NOW]
            w.root_first[k] = root


@njit(cache=True, _nrt=False)
def deliberate_step(ta, w, actor):
    """Tick-level hazards of deliberate escalation (base + Jervis spiral) and de-escalation."""
    p = ta.params[0]
    a = ta.actors[actor]
    threat = max_adversary_rung(ta, w, actor)
    rung = w.rung[actor]
    top = top_adversary(ta, w, actor)
    linked = top >= 0 and hotline_links(ta, actor, top)
    if 0 <= rung < ly.N_RUNGS and 0 <= threat < ly.N_RUNGS:
        cached = ta.hazards[actor, rung, threat, 1 if linked else 0]
        up_rate, p_up, p_down = cached[0], cached[1], cached[2]
    else:
        up_rate, p_up, p_down = hazards(p, a, rung, threat, linked)
    if p_up + p_down <= 0.0:
        return
    u = draw(w, actor, ly.P_HAZARD)
    if u < p_up:
        root, node = _escalation_cause(ta, w, actor, up_rate)
        change_rung(ta, w, actor, w.rung[actor] + 1, root, node, ly.WHY_ESCALATION, -1)
    elif u < p_up + p_down:
        log_id = record(w, ly.L_DECIDE_DEESCALATE, -1, actor, 0, 0, 0, 0, 0)
        change_rung(ta, w, actor, w.rung[actor] - 1, ly.ROOT_DELIBERATE, chain1(w, log_id), ly.WHY_DEESCALATION, -1)


@njit(cache=True, _nrt=False, inline="always")
def hazards(p, a, rung, threat, linked):
    """``deliberate_step``'s rates: ``(up_rate, p_up, p_down)`` of an actor at ``rung`` facing ``threat``."""
    up_rate = response.escalation_hazard_per_day(p.escalation_base, a.resolve, rung, threat, p.spiral_gain)
    bonus = p.hotline_reliability if linked else 0.0
    down_rate = response.de_escalation_hazard_per_day(p.de_escalation_base, a.resolve, rung, threat, bonus)
    p_up = response.hazard_probability(up_rate, p.tick)
    p_down = response.hazard_probability(down_rate, p.tick)
    return up_rate, p_up, p_down


@njit(cache=True)
def hazard_table(params, actors):
    """``hazards`` of every actor, rung, adversary rung and hotline link, computed once per scenario.

    The same kernel calls with the same arguments as :func:`hazards` in :func:`deliberate_step`, so
    the cached values are bit-identical; shape ``(n_actors, N_RUNGS, N_RUNGS, 2, 3)``.
    """
    p = params[0]
    out = np.zeros((actors.shape[0], ly.N_RUNGS, ly.N_RUNGS, 2, 3), np.float64)
    for i in range(actors.shape[0]):
        for rung in range(ly.N_RUNGS):
            for threat in range(ly.N_RUNGS):
                for linked in range(2):
                    up_rate, p_up, p_down = hazards(p, actors[i], rung, threat, linked != 0)
                    out[i, rung, threat, linked, 0] = up_rate
                    out[i, rung, threat, linked, 1] = p_up
                    out[i, rung, threat, linked, 2] = p_down
    return out


@njit(cache=True, _nrt=False)
def _escalation_cause(ta, w, actor, up_rate):
    """Competing risks: the base hazard is deliberate; the spiral share inherits the threat's root."""
    p = ta.params[0]
    rung = w.rung[actor]
    base_rate = response.escalation_hazard_per_day(
        p.escalation_base, ta.actors[actor].resolve, rung, rung, p.spiral_gain
    )
    top = top_adversary(ta, w, actor)
    u = draw(w, actor, ly.P_HAZARD_COMPONENT)
    if top < 0 or w.last_root[top] == ly.ROOT_NONE or u * up_rate < base_rate:
        log_id = record(w, ly.L_DECIDE_ESCALATE, -1, actor, 0, 0, 0, 0, 0)
        return ly.ROOT_DELIBERATE, chain1(w, log_id)
    log_id = record(w, ly.L_DECIDE_SPIRAL, -1, actor, top, w.rung[top], 0, 0, 0)
    return w.last_root[top], extend(w, w.last_node[top], log_id)


@njit(cache=True, _nrt=False)
def attribute(ta, w, attacker, victim):
    """Who the victim blames for an attack by asset ``attacker``, and whether that is a misattribution."""
    p = ta.params[0]
    owner = ta.assets[attacker].owner
    source = p.proliferation_source
    recipient = ta.actors[owner].recipient != 0 and source >= 0 and source != owner and source != victim
    p_mis = perception.misattribution_probability(
        p.misattribution_base, p.misattribution_per_proliferation, p.proliferation_level, recipient
    )
    if not bernoulli(draw(w, victim, ly.P_ATTRIBUTION), p_mis):
        return owner, False
    if recipient:
        return source, True
    a = ta.actors[victim]
    n_others = 0
    for k in range(a.adv_start, a.adv_end):
        if ta.adversaries[k] != owner:
            n_others += 1
    if n_others == 0:
        return owner, False
    pick = choice_index(draw(w, victim, ly.P_ATTRIBUTION_PICK), n_others)
    for k in range(a.adv_start, a.adv_end):
        if ta.adversaries[k] != owner:
            if pick == 0:
                return ta.adversaries[k], True
            pick -= 1
    return owner, False


@njit(cache=True, _nrt=False)
def schedule_response(ta, w, victim, blamed, provocation, root, node, autonomy, clarifier, discovery):
    """Start the victim's response decision, and a hotline clarification racing it where one can.

    ``clarifier`` is -1 and ``discovery`` NaN where the reference passes ``None``.
    """
    factor = ta.params[0].latency_factor[autonomy]
    u = draw(w, victim, ly.P_RESPONSE_LATENCY)
    latency = exponential(u, ta.actors[victim].decision_latency * factor)
    r = new_response(w)
    w.resp_i[r, RI_ACTOR] = victim
    w.resp_i[r, RI_BLAMED] = blamed
    w.resp_i[r, RI_PROVOCATION] = provocation
    w.resp_i[r, RI_ROOT] = root
    w.resp_i[r, RI_NODE] = node
    w.resp_i[r, RI_CANCELLED] = 0
    w.resp_i[r, RI_PENDING] = 1
    w.resp_f[r] = w.fscal[FS_NOW] + latency
    slot = spawn(w, ly.PROC_RESPOND, r, 0, 0, 0)
    w.proc_f[slot, ly.PF_X] = latency
    if clarifier >= 0 and not math.isnan(discovery) and hotline_links(ta, clarifier, victim):
        slot = spawn(w, ly.PROC_CLARIFY, r, clarifier, victim, 0)
        w.proc_f[slot, ly.PF_X] = discovery


@njit(cache=True, _nrt=False)
def resume_respond(ta, w, slot):
    """``Escalation._respond``: wait out the latency, then decide unless stood down."""
    row = w.proc_i[slot]
    r = row[ly.PI_A]
    if row[ly.PI_STATE] == ly.ST_START:
        row[ly.PI_STATE] = ly.ST_WAIT
        schedule(w, w.proc_f[slot, ly.PF_X], ly.NORMAL, ly.EV_TIMEOUT, slot)
        return
    row[ly.PI_STATE] = ly.ST_DONE
    w.resp_i[r, RI_PENDING] = 0
    if w.resp_i[r, RI_CANCELLED] != 0:
        return
    decide_response(ta, w, r)


@njit(cache=True, _nrt=False)
def decide_response(ta, w, r):
    """The victim's leadership picks a response rung by doctrine, resolve and risk tolerance."""
    actor = w.resp_i[r, RI_ACTOR]
    a = ta.actors[actor]
    provocation = w.resp_i[r, RI_PROVOCATION]
    node = w.resp_i[r, RI_NODE]
    u = draw(w, actor, ly.P_RESPONSE_RUNG)
    target = response.response_rung(provocation, w.rung[actor], a.doctrine, a.resolve, a.risk_tolerance, u)
    blamed = w.resp_i[r, RI_BLAMED]
    log_id = record(w, ly.L_RESPONSE, node, actor, blamed, provocation, 0, 0, 0)
    if target > w.rung[actor]:
        change_rung(ta, w, actor, target, w.resp_i[r, RI_ROOT], extend(w, node, log_id), ly.WHY_RESPONSE, blamed)


@njit(cache=True, _nrt=False)
def resume_clarify(ta, w, slot):
    """``Escalation._clarify``: discover the error, call on the hotline, and maybe stand the response down."""
    row = w.proc_i[slot]
    r, sender, receiver = row[ly.PI_A], row[ly.PI_B], row[ly.PI_C]
    state = row[ly.PI_STATE]
    if state == ly.ST_START:
        row[ly.PI_STATE] = ly.ST_WAIT
        schedule(w, w.proc_f[slot, ly.PF_X], ly.NORMAL, ly.EV_TIMEOUT, slot)
        return
    p = ta.params[0]
    if state == ly.ST_WAIT:
        latency = exponential(draw(w, sender, ly.P_HOTLINE_LATENCY), p.hotline_latency)
        delivered = bernoulli(draw(w, sender, ly.P_HOTLINE_DELIVERY), p.hotline_reliability)
        row[ly.PI_H] = 1 if delivered else 0
        w.proc_f[slot, ly.PF_X] = latency
        w.proc_f[slot, ly.PF_Y] = w.fscal[FS_NOW]
        record(w, ly.L_HOTLINE_CALL, -1, sender, receiver, 0, 0, 0, 0)
        row[ly.PI_STATE] = ly.ST_IN_TRANSIT
        schedule(w, latency, ly.NORMAL, ly.EV_TIMEOUT, slot)
        return
    row[ly.PI_STATE] = ly.ST_DONE
    if row[ly.PI_H] == 0:
        record(w, ly.L_HOTLINE_UNANSWERED, -1, sender, receiver, 0, 0, 0, 0)
    elif w.resp_i[r, RI_PENDING] != 0:
        w.resp_i[r, RI_CANCELLED] = 1
        w.resp_i[r, RI_PENDING] = 0
        record(w, ly.L_HOTLINE_ACCEPTED, -1, sender, receiver, 0, 0, 0, 0)
    else:
        record(w, ly.L_HOTLINE_LATE, -1, sender, receiver, 0, 0, 0, 0)
