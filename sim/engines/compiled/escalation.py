"""Escalation in the compiled engine: postures between pairs, deliberate hazards, crisis endings, attribution,
responses (and allies' obligations), the hotline.

Each function mirrors the method of :class:`sim.engines.reference.escalation.Escalation` with the same
name, draw for draw and operation for operation.
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
    highest_posture,
    hotline_links,
    new_response,
    record,
    schedule,
    spawn,
)
from sim.engines.compiled.workspace import (
    FS_END,
    FS_NOW,
    FS_SEVERITY,
    IS_DRAWN_IN,
    IS_END_STATE,
    IS_ENG_FALSE,
    IS_ENG_TRUE,
    IS_INADVERTENT,
    IS_STRIKES,
    RI_ACTOR,
    RI_BLAMED,
    RI_CANCELLED,
    RI_NODE,
    RI_OBLIGATION,
    RI_PENDING,
    RI_PROVOCATION,
    RI_ROOT,
)
from sim.kernels import perception, response
from sim.kernels.rng import bernoulli, choice_index, exponential

KINETIC = 3


@njit(cache=True, _nrt=False)
def change_posture(ta, w, actor, toward, new, root, node, why, aux):
    """Move ``actor``'s posture toward ``toward`` to ``new``: log it, its severity, crisis-level firsts, drawn-in.

    ``aux`` is the end state for a crisis-ending step (``why`` = WHY_SETTLEMENT / WHY_COMPETITION).
    """
    old = w.posture[actor, toward]
    if new == old:
        return
    old_rung = w.rung[actor]
    before = crisis_level(w)
    log_id = record(w, ly.L_RUNG_CHANGE, node, actor, toward, old, new, why, root)
    w.posture[actor, toward] = new
    w.last_root[actor, toward] = root
    w.last_node[actor, toward] = extend(w, node, log_id)
    w.rung[actor] = highest_posture(w, actor)
    after = crisis_level(w)
    w.fscal[FS_SEVERITY] += float(response.severity_of_step(old_rung, w.rung[actor]))
    if after > before and after >= 3 and root >= ly.ROOT_MISIDENTIFICATION:
        w.iscal[IS_INADVERTENT] = 1
    for k in range(before + 1, after + 1):
        if math.isnan(w.first_hours[k]):
            w.first_hours[k] = w.fscal[FS_NOW]
            w.root_first[k] = root
    if old_rung < KINETIC <= w.rung[actor] and w.attacked[actor] == 0 and w.drawn[actor] == 0:
        w.drawn[actor] = 1
        w.iscal[IS_DRAWN_IN] += 1
    if new > old and new >= ta.params[0].answer_from_rung and new > w.posture[toward, actor]:
        schedule_response(
            ta, w, toward, actor, new, root, w.last_node[actor, toward], ta.actors[toward].autonomy, -1, math.nan, -1
        )


# --------------------------------------------------------------------------- deliberate hazards


@njit(cache=True, _nrt=False)
def deliberate_step(ta, w, actor):
    """Tick-level hazards toward each adversary in turn: escalation (base + spiral) or de-escalation."""
    a = ta.actors[actor]
    for k in range(a.adv_start, a.adv_end):
        _pair_step(ta, w, actor, ta.adversaries[k])


@njit(cache=True, _nrt=False)
def _pair_step(ta, w, actor, other):
    p = ta.params[0]
    own = w.posture[actor, other]
    theirs = w.posture[other, actor]
    linked = hotline_links(ta, actor, other)
    if 0 <= own < ly.N_RUNGS and 0 <= theirs < ly.N_RUNGS:
        cached = ta.hazards[actor, own, theirs, 1 if linked else 0]
        up_rate, p_up, p_down = cached[0], cached[1], cached[2]
    else:
        up_rate, p_up, p_down = hazards(p, ta.actors[actor], own, theirs, linked)
    if p_up + p_down <= 0.0:
        return
    u = draw(w, actor, ly.P_HAZARD)
    if u < p_up:
        root, node = _escalation_cause(ta, w, actor, other, up_rate)
        change_posture(ta, w, actor, other, own + 1, root, node, ly.WHY_ESCALATION, 0)
    elif u < p_up + p_down:
        log_id = record(w, ly.L_DECIDE_DEESCALATE, -1, actor, other, 0, 0, 0, 0)
        change_posture(ta, w, actor, other, own - 1, ly.ROOT_DELIBERATE, chain1(w, log_id), ly.WHY_DEESCALATION, 0)


@njit(cache=True, _nrt=False, inline="always")
def hazards(p, a, own, theirs, linked):
    """``_pair_step``'s rates: ``(up_rate, p_up, p_down)`` of an actor at ``own`` facing ``theirs``."""
    up_rate = response.escalation_hazard_per_day(p.escalation_base, p.onset, a.resolve, own, theirs, p.spiral_gain)
    bonus = p.hotline_reliability if linked else 0.0
    down_rate = response.de_escalation_hazard_per_day(p.de_escalation_base, a.resolve, own, theirs, bonus)
    p_up = response.hazard_probability(up_rate, p.tick)
    p_down = response.hazard_probability(down_rate, p.tick)
    return up_rate, p_up, p_down


@njit(cache=True)
def hazard_table(params, actors):
    """``hazards`` of every actor, own posture, adversary posture and hotline link, once per scenario.

    The same kernel calls with the same arguments as :func:`hazards` in :func:`_pair_step`, so the
    cached values are bit-identical; shape ``(n_actors, N_RUNGS, N_RUNGS, 2, 3)``.
    """
    p = params[0]
    out = np.zeros((actors.shape[0], ly.N_RUNGS, ly.N_RUNGS, 2, 3), np.float64)
    for i in range(actors.shape[0]):
        for own in range(ly.N_RUNGS):
            for theirs in range(ly.N_RUNGS):
                for linked in range(2):
                    up_rate, p_up, p_down = hazards(p, actors[i], own, theirs, linked != 0)
                    out[i, own, theirs, linked, 0] = up_rate
                    out[i, own, theirs, linked, 1] = p_up
                    out[i, own, theirs, linked, 2] = p_down
    return out


@njit(cache=True, _nrt=False)
def _escalation_cause(ta, w, actor, other, up_rate):
    """Competing risks: the base hazard is deliberate; the spiral share inherits the other's root toward it."""
    p = ta.params[0]
    own = w.posture[actor, other]
    theirs = w.posture[other, actor]
    base_rate = p.escalation_base * (0.5 + ta.actors[actor].resolve)
    u = draw(w, actor, ly.P_HAZARD_COMPONENT)
    if theirs <= own or w.last_root[other, actor] == ly.ROOT_NONE or u * up_rate < base_rate:
        log_id = record(w, ly.L_DECIDE_ESCALATE, -1, actor, other, 0, 0, 0, 0)
        return ly.ROOT_DELIBERATE, chain1(w, log_id)
    log_id = record(w, ly.L_DECIDE_SPIRAL, -1, actor, other, theirs, 0, 0, 0)
    return w.last_root[other, actor], extend(w, w.last_node[other, actor], log_id)


# --------------------------------------------------------------------------- crisis endings


@njit(cache=True, _nrt=False)
def crisis_ending(ta, w):
    """Once per tick: the crisis may end (settlement above rung 1, else a return to competition)."""
    p = ta.params[0]
    level = crisis_level(w)
    if level < 1 or p.end_base <= 0.0:
        return
    n = ta.actors.shape[0]
    top = 0
    while w.rung[top] != level:
        top += 1
    other = 0
    while other == top or w.posture[top, other] != level:
        other += 1
    bonus = p.hotline_reliability if hotline_links(ta, top, other) else 0.0
    incidents = w.iscal[IS_ENG_TRUE] + w.iscal[IS_ENG_FALSE] + w.iscal[IS_STRIKES]
    rate = response.ending_hazard_per_day(p.end_base, p.end_decay, p.end_gain, level, incidents, bonus)
    p_end = response.hazard_probability(rate, p.tick)
    if not bernoulli(draw(w, n + ta.assets.shape[0] + ta.zones.shape[0], ly.P_ENDING), p_end):
        return
    state = ly.END_SETTLEMENT if level >= 2 else ly.END_COMPETITION
    if math.isnan(w.fscal[FS_END]):
        w.fscal[FS_END] = w.fscal[FS_NOW]
        w.iscal[IS_END_STATE] = state
    log_id = record(w, ly.L_CRISIS_END, -1, state, 0, 0, 0, 0, 0)
    why = ly.WHY_SETTLEMENT if state == ly.END_SETTLEMENT else ly.WHY_COMPETITION
    for a in range(n):
        for b in range(n):
            if b != a and w.posture[a, b] > 0:
                change_posture(ta, w, a, b, 0, ly.ROOT_DELIBERATE, chain1(w, log_id), why, 0)


# --------------------------------------------------------------------------- attribution and responses


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
def schedule_response(ta, w, victim, blamed, provocation, root, node, autonomy, clarifier, discovery, obligation):
    """Start the victim's response decision, and a hotline clarification racing it where one can.

    ``clarifier`` is -1 and ``discovery`` NaN where the reference passes ``None``; ``obligation`` is -1
    for the victim's own response, else the rung an ally rises to.
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
    w.resp_i[r, RI_OBLIGATION] = obligation
    w.resp_f[r] = w.fscal[FS_NOW] + latency
    slot = spawn(w, ly.PROC_RESPOND, r, 0, 0, 0)
    w.proc_f[slot, ly.PF_X] = latency
    if clarifier >= 0 and not math.isnan(discovery) and hotline_links(ta, clarifier, victim):
        slot = spawn(w, ly.PROC_CLARIFY, r, clarifier, victim, 0)
        w.proc_f[slot, ly.PF_X] = discovery


@njit(cache=True, _nrt=False)
def call_allies(ta, w, victim, blamed, provocation, root, node):
    """Alliance obligations: each ally of a victim of a kinetic attack steps in against the blamed actor."""
    if provocation < KINETIC:
        return
    for ally in range(ta.actors.shape[0]):
        if ally in (blamed, victim):
            continue
        a = ta.actors[ally]
        for k in range(a.ob_start, a.ob_end):
            if ta.ob_partner[k] == victim:
                schedule_response(ta, w, ally, blamed, provocation, root, node, a.autonomy, -1, math.nan, ta.ob_rung[k])


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
    """The victim's leadership picks its posture toward the blamed actor (doctrine draw, or an obligation)."""
    actor = w.resp_i[r, RI_ACTOR]
    a = ta.actors[actor]
    blamed = w.resp_i[r, RI_BLAMED]
    provocation = w.resp_i[r, RI_PROVOCATION]
    node = w.resp_i[r, RI_NODE]
    current = w.posture[actor, blamed]
    obligation = w.resp_i[r, RI_OBLIGATION]
    if obligation >= 0:
        target = max(current, obligation)
        log_id = record(w, ly.L_OBLIGATION, node, actor, blamed, 0, 0, 0, 0)
        why = ly.WHY_OBLIGATION
    else:
        u = draw(w, actor, ly.P_RESPONSE_RUNG)
        target = response.response_rung(provocation, current, a.doctrine, a.resolve, a.risk_tolerance, u)
        log_id = record(w, ly.L_RESPONSE, node, actor, blamed, provocation, 0, 0, 0)
        why = ly.WHY_RESPONSE
    if target > current:
        change_posture(ta, w, actor, blamed, target, w.resp_i[r, RI_ROOT], extend(w, node, log_id), why, 0)


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
