"""Responses in the compiled engine: attribution, the start of a response decision (and of a hotline
clarification racing it), alliance obligations, the hotline's reliability. Mirrors the methods of
:class:`sim.engines.reference.escalation.Escalation` with the same names."""

from __future__ import annotations

import math

from numba import njit

from sim.engines.compiled import layout as ly
from sim.engines.compiled.core import draw, hotline_links, new_response, spawn
from sim.engines.compiled.workspace import (
    FS_NOW,
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
)
from sim.kernels import perception
from sim.kernels.rng import bernoulli, choice_index, exponential

KINETIC = 3
"""Rung of a limited kinetic incident (allies step in from it; an actor rising to it unprovoked is drawn in)."""


@njit(cache=True, _nrt=False, inline="always")
def hotline_factor(ta, w, actor):
    """Share of the hotline's reliability left for a link with this actor (a detected norm violator is doubted)."""
    return 1.0 - ta.params[0].hotline_penalty if w.violated[actor] != 0 else 1.0


@njit(cache=True, _nrt=False, inline="always")
def reliability(ta, w, a, b):
    """``Escalation.reliability``: the hotline's reliability between two actors."""
    return ta.params[0].hotline_reliability * hotline_factor(ta, w, a) * hotline_factor(ta, w, b)


@njit(cache=True, _nrt=False, inline="always")
def talks_bonus(ta, w, a, b):
    """``Escalation.talks_bonus``: the hotline's assumed de-escalation bonus between two linked actors."""
    return ta.params[0].hotline_bonus * hotline_factor(ta, w, a) * hotline_factor(ta, w, b)


@njit(cache=True, _nrt=False)
def response_latency(ta, w, victim, autonomy):
    """``Escalation.response_latency``: the time the victim's leadership takes to decide, hours."""
    factor = ta.params[0].latency_factor[autonomy]
    return exponential(draw(w, victim, ly.P_RESPONSE_LATENCY), ta.actors[victim].decision_latency * factor)


@njit(cache=True, _nrt=False)
def attribute(ta, w, attacker, victim, hours):
    """Who the victim blames for an attack by asset ``attacker`` when it has ``hours`` to decide, and whether
    that is a misattribution."""
    p = ta.params[0]
    owner = ta.assets[attacker].owner
    source = p.proliferation_source
    recipient = ta.actors[owner].recipient != 0 and source >= 0 and source != owner and source != victim
    unhurried = perception.misattribution_probability(
        p.misattribution_base, p.misattribution_per_proliferation, p.proliferation_level, recipient
    )
    p_mis = perception.hurried_error(unhurried, p.leader_d_prime, hours, p.leader_tau)
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
def schedule_response(
    ta, w, victim, blamed, provocation, root, node, autonomy, clarifier, discovery, obligation, latency, chain
):
    """Start the victim's response decision, and a hotline clarification racing it where one can.

    ``clarifier`` is -1 and ``discovery`` NaN where the reference passes ``None``; ``obligation`` is -1
    for the victim's own response, else the rung an ally rises to; ``latency`` NaN draws the decision time
    (else it was drawn already); ``chain`` is the machine-speed chain of the provoking exchange (-1: none).
    Returns the pending response's slot.
    """
    if math.isnan(latency):
        latency = response_latency(ta, w, victim, autonomy)
    r = new_response(w)
    w.resp_i[r, RI_ACTOR] = victim
    w.resp_i[r, RI_BLAMED] = blamed
    w.resp_i[r, RI_PROVOCATION] = provocation
    w.resp_i[r, RI_ROOT] = root
    w.resp_i[r, RI_NODE] = node
    w.resp_i[r, RI_CANCELLED] = 0
    w.resp_i[r, RI_PENDING] = 1
    w.resp_i[r, RI_OBLIGATION] = obligation
    w.resp_i[r, RI_CHAIN] = chain
    w.resp_f[r, RF_DUE] = w.fscal[FS_NOW] + latency
    w.resp_f[r, RF_LATENCY] = latency
    slot = spawn(w, ly.PROC_RESPOND, r, 0, 0, 0)
    w.proc_f[slot, ly.PF_X] = latency
    if clarifier >= 0 and not math.isnan(discovery) and hotline_links(ta, clarifier, victim):
        slot = spawn(w, ly.PROC_CLARIFY, r, clarifier, victim, 0)
        w.proc_f[slot, ly.PF_X] = discovery
    return r


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
                schedule_response(
                    ta, w, ally, blamed, provocation, root, node, a.autonomy, -1, math.nan, ta.ob_rung[k], math.nan, -1
                )
