"""Early-warning false alarms in the compiled engine: the alarm process and the warning chain (a second sensor,
a threat conference, then leaders). Mirrors :mod:`sim.engines.reference.warning`."""

from __future__ import annotations

import math

from numba import njit

from sim.engines.compiled import layout as ly
from sim.engines.compiled.core import chain1, chain2, draw, operational, record, schedule, spawn
from sim.engines.compiled.responses import schedule_response
from sim.engines.compiled.workspace import HIT_STRATEGIC
from sim.kernels import warning
from sim.kernels.rng import bernoulli, choice_index, exponential


@njit(cache=True, _nrt=False, inline="always")
def first_warning(ta, w, actor, need_operational):
    """An actor's first early-warning satellite (operational, if asked), or -1."""
    a = ta.actors[actor]
    for k in range(a.ew_start, a.ew_end):
        sat = ta.early_warning[k]
        if not need_operational or operational(ta, w, sat):
            return sat
    return -1


@njit(cache=True, _nrt=False)
def resume_false_alarms(ta, w, slot):
    """``WarningChain.false_alarms``: serious false alarms arrive while a warning satellite works."""
    row = w.proc_i[slot]
    actor = row[ly.PI_A]
    a = ta.actors[actor]
    rate = ta.params[0].false_alarms_per_year / 8760.0
    if row[ly.PI_STATE] == ly.ST_START:
        if rate <= 0.0 or a.adv_end == a.adv_start:
            row[ly.PI_STATE] = ly.ST_DONE
            return
    else:
        warning = first_warning(ta, w, actor, True)
        if warning < 0:
            row[ly.PI_STATE] = ly.ST_DONE
            return
        pick = choice_index(draw(w, actor, ly.P_FALSE_ALARM_BLAMED), a.adv_end - a.adv_start)
        false_alarm(w, actor, ta.adversaries[a.adv_start + pick], w.autonomy[warning], -1)
    row[ly.PI_STATE] = ly.ST_WAIT
    schedule(w, exponential(draw(w, actor, ly.P_FALSE_ALARM_WAIT), 1.0 / rate), ly.NORMAL, ly.EV_TIMEOUT, slot)


@njit(cache=True, _nrt=False, inline="always")
def false_alarm(w, actor, blamed, autonomy, inject):
    """``WarningChain.false_alarm``: a phantom attack on the warning screens goes down the warning chain."""
    spawn(w, ly.PROC_WARNING, actor, blamed, autonomy, inject)


@njit(cache=True, _nrt=False)
def resume_warning(ta, w, slot):
    """``WarningChain._chain``: corroboration by a second sensor, a threat conference, then leaders."""
    row = w.proc_i[slot]
    actor, blamed, autonomy = row[ly.PI_A], row[ly.PI_B], row[ly.PI_C]
    p = ta.params[0]
    if row[ly.PI_STATE] == ly.ST_START:
        log_id = record(w, ly.L_FALSE_ALARM, -1, actor, blamed, row[ly.PI_D], 0, 0, 0)
        row[ly.PI_E] = log_id
        if not bernoulli(draw(w, actor, ly.P_CORROBORATION), p.corroboration):
            record(w, ly.L_DISMISSED, chain1(w, log_id), actor, 0, 0, 0, 0, 0)
            row[ly.PI_STATE] = ly.ST_DONE
            return
        minutes = exponential(draw(w, actor, ly.P_CONFERENCE_TIME), p.conference_minutes)
        row[ly.PI_F] = record(w, ly.L_CONFERENCE, chain1(w, log_id), actor, 0, 0, 0, 0, 0)
        row[ly.PI_STATE] = ly.ST_WAIT
        w.proc_f[slot, ly.PF_X] = minutes
        schedule(w, minutes / 60.0, ly.NORMAL, ly.EV_TIMEOUT, slot)
        return
    row[ly.PI_STATE] = ly.ST_DONE
    conference = row[ly.PI_F]
    if bernoulli(draw(w, actor, ly.P_FALSE_ALARM_CATCH), p.conference_catch[autonomy]):
        record(w, ly.L_FALSE_ALARM_CAUGHT, chain1(w, conference), actor, 0, 0, 0, 0, 0)
        return
    p_act = warning.leaders_act_probability(p.leaders_base, p.leaders_per_rung, w.posture[actor, blamed])
    if not bernoulli(draw(w, actor, ly.P_LEADERS_ACT), p_act):
        record(w, ly.L_LEADERS_WAIT, chain1(w, conference), actor, blamed, 0, 0, 0, 0)
        return
    w.hit[actor, HIT_STRATEGIC] = 1  # its leaders believe a strategic attack is under way: a stake (§13.3)
    schedule_response(
        ta,
        w,
        actor,
        blamed,
        ly.PROVOCATION_STRATEGIC,
        ly.ROOT_FALSE_ALARM,
        chain2(w, row[ly.PI_E], conference),
        autonomy,
        blamed,
        0.0,
        -1,
        math.nan,
        -1,
    )
