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
    record,
    schedule,
)
from sim.engines.compiled.counterspace import direct_ascent_strike
from sim.engines.compiled.firebreak import gate, stakes_multiplier
from sim.engines.compiled.norms import norm_decide
from sim.engines.compiled.responses import KINETIC, reliability, schedule_response, talks_bonus
from sim.engines.compiled.workspace import (
    FS_END,
    FS_NOW,
    FS_SEVERITY,
    IS_DRAWN_IN,
    IS_END_STATE,
    IS_ENG_FALSE,
    IS_ENG_TRUE,
    IS_INADVERTENT,
    IS_NRESP,
    IS_STRIKES,
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
)
from sim.kernels import perception, response
from sim.kernels.response import BELOW_FIREBREAK
from sim.kernels.rng import bernoulli, exponential


@njit(cache=True, _nrt=False)
def change_posture(ta, w, actor, toward, new, root, node, why, aux, machine):
    """Move ``actor``'s posture toward ``toward`` to ``new``: log it, its severity, crisis-level firsts, drawn-in.

    ``aux`` is the end state for a crisis-ending step (``why`` = WHY_SETTLEMENT / WHY_COMPETITION); ``machine``
    marks a machine-speed answer's step (no direct-ascent strike, no answer to the step itself).
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
    if new <= old:
        return
    p = ta.params[0]
    step = w.last_node[actor, toward]
    if not machine and ta.actors[actor].da != 0 and old < p.counterspace_rung <= new:
        direct_ascent_strike(ta, w, actor, toward, root, step)
    if not machine and new >= p.answer_from_rung and new > w.posture[toward, actor]:
        schedule_response(
            ta, w, toward, actor, new, root, step, ta.actors[toward].autonomy, -1, math.nan, -1, math.nan, -1
        )
    if w.rung[actor] > old_rung and ta.actors[actor].norm_bound != 0:
        norm_decide(ta, w, actor, True)


# --------------------------------------------------------------------------- deliberate hazards


@njit(cache=True, _nrt=False, inline="always")  # once per tick: no call overhead
def deliberate_step(ta, w, actor):
    """Tick-level hazards toward each adversary in turn: escalation (base + spiral) or de-escalation."""
    a = ta.actors[actor]
    for k in range(a.adv_start, a.adv_end):
        _pair_step(ta, w, actor, ta.adversaries[k], k)


@njit(cache=True, _nrt=False, inline="always")  # once per tick: no call overhead
def _pair_step(ta, w, actor, other, k):
    p = ta.params[0]
    own = w.posture[actor, other]
    theirs = w.posture[other, actor]
    linked = hotline_links(ta, actor, other)
    multiplier = stakes_multiplier(ta, w, actor)
    step_stakes = 1.0 if own < BELOW_FIREBREAK else multiplier
    plain = w.violated[actor] == 0 and w.violated[other] == 0 and multiplier == 1.0
    tilt = ta.balance[k] * (1.0 + p.violation_pressure if w.violated[other] != 0 else 1.0)
    if plain and 0 <= own < ly.N_RUNGS and 0 <= theirs < ly.N_RUNGS:
        rates = ta.hazards[k, own, theirs, 1 if linked else 0]
        up_rate, p_up, jump_rate, p_jump, p_down = rates[0], rates[1], rates[2], rates[3], rates[4]
    else:
        bonus = talks_bonus(ta, w, actor, other) if linked else 0.0
        up_rate, p_up, jump_rate, p_jump, p_down = hazards(
            p, ta.actors[actor], own, theirs, bonus, tilt, ta.pair_onset[k], step_stakes, multiplier
        )
    if p_up + p_jump + p_down <= 0.0:
        return
    u = draw(w, actor, ly.P_HAZARD)
    resolve = ta.actors[actor].resolve
    if u < p_up:
        base = _step_base(p, own) * (0.5 + resolve) * tilt * step_stakes
        root, node = _escalation_cause(ta, w, actor, other, up_rate, base)
        change_posture(ta, w, actor, other, own + 1, root, node, ly.WHY_ESCALATION, 0, False)
    elif u < p_up + p_jump:
        base = response.signal_base(own, p.fb_signaling) * (0.5 + resolve) * tilt * multiplier
        root, node = _escalation_cause(ta, w, actor, other, jump_rate, base)
        change_posture(ta, w, actor, other, response.SIGNALING, root, node, ly.WHY_ESCALATION, 0, False)
    elif u < p_up + p_jump + p_down:
        log_id = record(w, ly.L_DECIDE_DEESCALATE, -1, actor, other, 0, 0, 0, 0)
        change_posture(
            ta, w, actor, other, own - 1, ly.ROOT_DELIBERATE, chain1(w, log_id), ly.WHY_DEESCALATION, 0, False
        )


@njit(cache=True, _nrt=False, inline="always")
def _step_base(p, own):
    """``Escalation._step_base``: the crisis hazard below the firebreak, then the threshold hazards."""
    return response.step_base(own, p.escalation_base, p.fb_strategic, p.fb_signaling, p.fb_use)


@njit(cache=True, _nrt=False, inline="always")
def hazards(p, a, own, theirs, bonus, tilt, onset, step_stakes, multiplier):
    """``_pair_step``'s rates: ``(up_rate, p_up, jump_rate, p_jump, p_down)`` of an actor at ``own`` facing
    ``theirs``: a step up, a jump to nuclear signalling, a step down.

    ``bonus`` is the hotline's de-escalation bonus (0 without a link), ``tilt`` what multiplies the escalation
    hazards (the window-of-opportunity factor, times the posture pressure on a detected violator of the
    human-control norm), ``onset`` the pair's onset hazard (0 unless a crisis dyad), ``step_stakes`` the stakes'
    multiplier of the step up (1 below the firebreak) and ``multiplier`` that of the jump.
    """
    up_rate = response.escalation_hazard_per_day(_step_base(p, own), onset, a.resolve, own, theirs, p.spiral_gain)
    up_rate *= tilt * step_stakes
    jump_base = response.signal_base(own, p.fb_signaling)
    jump_rate = response.escalation_hazard_per_day(jump_base, 0.0, a.resolve, own, theirs, p.spiral_gain)
    jump_rate *= tilt * multiplier
    down_rate = response.de_escalation_hazard_per_day(p.de_escalation_base, a.resolve, own, theirs, bonus)
    p_up = response.hazard_probability(up_rate, p.tick)
    p_jump = response.hazard_probability(jump_rate, p.tick)
    p_down = response.hazard_probability(down_rate, p.tick)
    return up_rate, p_up, jump_rate, p_jump, p_down


@njit(cache=True)
def hazard_table(params, actors, adversaries, balance, pair_onset):
    """``hazards`` of every actor–adversary pair, own posture, adversary posture and hotline link, once per scenario.

    Row k is the pair (actor, ``adversaries[k]``) of the adversary lists; the same kernel calls with the
    same arguments as :func:`hazards` in :func:`_pair_step` (with the full de-escalation bonus and nothing at
    stake), so the cached values are bit-identical; shape ``(n_pairs, N_RUNGS, N_RUNGS, 2, 5)``.
    """
    p = params[0]
    out = np.zeros((adversaries.shape[0], ly.N_RUNGS, ly.N_RUNGS, 2, 5), np.float64)
    for i in range(actors.shape[0]):
        for k in range(actors[i].adv_start, actors[i].adv_end):
            for own in range(ly.N_RUNGS):
                for theirs in range(ly.N_RUNGS):
                    for linked in range(2):
                        bonus = p.hotline_bonus * 1.0 * 1.0 if linked != 0 else 0.0
                        rates = hazards(p, actors[i], own, theirs, bonus, balance[k], pair_onset[k], 1.0, 1.0)
                        for j in range(5):
                            out[k, own, theirs, linked, j] = rates[j]
    return out


@njit(cache=True, _nrt=False)
def _escalation_cause(ta, w, actor, other, rate, base_rate):
    """Competing risks: the base hazard is deliberate; the spiral share inherits the other's root toward it."""
    own = w.posture[actor, other]
    theirs = w.posture[other, actor]
    u = draw(w, actor, ly.P_HAZARD_COMPONENT)
    if theirs <= own or w.last_root[other, actor] == ly.ROOT_NONE or u * rate < base_rate:
        log_id = record(w, ly.L_DECIDE_ESCALATE, -1, actor, other, 0, 0, 0, 0)
        return ly.ROOT_DELIBERATE, chain1(w, log_id)
    log_id = record(w, ly.L_DECIDE_SPIRAL, -1, actor, other, theirs, 0, 0, 0)
    return w.last_root[other, actor], extend(w, w.last_node[other, actor], log_id)


# --------------------------------------------------------------------------- crisis endings


@njit(cache=True, _nrt=False, inline="always")  # once per tick: no call overhead
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
    bonus = talks_bonus(ta, w, top, other) if hotline_links(ta, top, other) else 0.0
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
                change_posture(ta, w, a, b, 0, ly.ROOT_DELIBERATE, chain1(w, log_id), why, 0, False)


# --------------------------------------------------------------------------- attribution and responses


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
        read = read_rung(ta, w, actor, provocation, w.resp_f[r, RF_LATENCY])
        u = draw(w, actor, ly.P_RESPONSE_RUNG)
        target = response.response_rung(read, current, a.doctrine, a.resolve, a.risk_tolerance, u)
        log_id = record(w, ly.L_RESPONSE, node, actor, blamed, read, provocation, 0, 0)
        why = ly.WHY_RESPONSE
    target = gate(ta, w, actor, blamed, current, target, log_id)
    if target > current:
        change_posture(ta, w, actor, blamed, target, w.resp_i[r, RI_ROOT], extend(w, node, log_id), why, 0, False)


@njit(cache=True, _nrt=False)
def read_rung(ta, w, actor, provocation, latency):
    """``Escalation.read_rung``: one rung too high with the hurried over-reading rate."""
    p = ta.params[0]
    p_over = perception.hurried_error(p.over_reading, p.leader_d_prime, latency, p.leader_tau)
    if bernoulli(draw(w, actor, ly.P_READING), p_over):
        return min(provocation + 1, 7)
    return provocation


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
        delivered = bernoulli(draw(w, sender, ly.P_HOTLINE_DELIVERY), reliability(ta, w, sender, receiver))
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
        if w.resp_i[r, RI_CHAIN] >= 0:
            _stand_down_incident(w, w.resp_i[r, RI_CHAIN], sender, receiver)
    else:
        record(w, ly.L_HOTLINE_LATE, -1, sender, receiver, 0, 0, 0, 0)


@njit(cache=True, _nrt=False)
def _stand_down_incident(w, chain, sender, receiver):
    """``Escalation._stand_down_incident``: both sides stand down their responses to the chain's incident."""
    count = 0
    for r in range(w.iscal[IS_NRESP]):
        if w.resp_i[r, RI_PENDING] == 0 or w.resp_i[r, RI_CHAIN] != chain or w.resp_i[r, RI_OBLIGATION] >= 0:
            continue
        a, b = w.resp_i[r, RI_ACTOR], w.resp_i[r, RI_BLAMED]
        if (a == sender and b == receiver) or (a == receiver and b == sender):
            w.resp_i[r, RI_CANCELLED] = 1
            w.resp_i[r, RI_PENDING] = 0
            count += 1
    if count > 0:
        record(w, ly.L_STAND_DOWN_INCIDENT, -1, receiver, sender, count, chain, 0, 0)
