"""The command-and-control pipeline of the compiled engine: encounters, classification, the autonomy
paths with the operator queue, engagements, false alarms, orbital collisions and injects.

Each ``resume_*`` function continues one simpy process of :class:`sim.engines.reference.c2.CommandPipeline`
from the ``yield`` it was suspended at (its state), exactly as the generator would.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from sim.engines.compiled import layout as ly
from sim.engines.compiled.core import (
    asset_entity,
    capped_autonomy,
    chain1,
    chain2,
    draw,
    extend,
    operational,
    overflow,
    record,
    schedule,
    spawn,
    zone_entity,
)
from sim.engines.compiled.escalation import attribute, schedule_response
from sim.engines.compiled.workspace import FS_NOW, IS_COLLISIONS, IS_DEBRIS, IS_ENG_FALSE, IS_ENG_TRUE
from sim.kernels import combat, perception, space
from sim.kernels.rng import bernoulli, choice_index, exponential, triangular

# --------------------------------------------------------------------------- encounters


@njit(cache=True, _nrt=False)
def resume_encounters(ta, w, slot):
    """``CommandPipeline._encounters``: contacts arrive as a Poisson process, rate rising with posture."""
    row = w.proc_i[slot]
    asset = row[ly.PI_A]
    a = ta.assets[asset]
    entity = asset_entity(ta, asset)
    if row[ly.PI_STATE] == ly.ST_WAIT and operational(ta, w, asset):
        n = 0
        for k in range(a.tgt_start, a.tgt_end):
            if operational(ta, w, ta.targets[k]):
                n += 1
        if n > 0:
            pick = choice_index(draw(w, entity, ly.P_ENCOUNTER_TARGET), n)
            chosen = -1
            for k in range(a.tgt_start, a.tgt_end):
                if operational(ta, w, ta.targets[k]):
                    if pick == 0:
                        chosen = k
                        break
                    pick -= 1
            other = ta.targets[chosen]
            incsea = ta.target_incsea[chosen] != 0
            if not (incsea and not bernoulli(draw(w, entity, ly.P_INCSEA_THINNING), ta.params[0].incsea_factor)):
                _contact(ta, w, asset, other, incsea)
    if not operational(ta, w, asset):
        row[ly.PI_STATE] = ly.ST_DONE
        return
    p = ta.params[0]
    rate = combat.encounter_rate(a.base_rate, w.rung[a.owner], p.posture_gain, 1.0)
    if rate <= 0.0:
        row[ly.PI_STATE] = ly.ST_DONE
        return
    wait = exponential(draw(w, entity, ly.P_ENCOUNTER_WAIT), 24.0 / rate)
    row[ly.PI_STATE] = ly.ST_WAIT
    schedule(w, wait, ly.NORMAL, ly.EV_TIMEOUT, slot)


@njit(cache=True, _nrt=False)
def _contact(ta, w, asset, other, incsea):
    """Detection and classification by signal detection theory; a hostile call starts a decision."""
    p = ta.params[0]
    a = ta.assets[asset]
    owner = a.owner
    entity = asset_entity(ta, asset)
    p_hostile = min(1.0, p.hostile_base + p.hostile_per_rung * w.rung[ta.assets[other].owner])
    hostile = bernoulli(draw(w, entity, ly.P_ENCOUNTER_HOSTILE), p_hostile)
    shift = p.incsea_shift if incsea else 0.0
    criterion = 0.5 * a.d_prime + ta.actors[owner].roe
    lam = perception.roe_threshold(criterion, w.rung[owner], p.shift_per_rung, shift)
    p_flag = perception.p_detect(a.d_prime, lam) if hostile else perception.p_false_alarm(lam)
    if not bernoulli(draw(w, entity, ly.P_CLASSIFY), p_flag):
        return
    h = 1 if hostile else 0
    log_id = record(w, ly.L_CLASSIFY, -1, asset, other, h, 0, 0, 0)
    posterior = perception.posterior_hostile(p_hostile, a.d_prime, lam)
    slot = spawn(w, ly.PROC_DECISION, asset, other, h, log_id)
    w.proc_f[slot, ly.PF_Z] = posterior


# --------------------------------------------------------------------------- autonomy paths


@njit(cache=True, _nrt=False, inline="always")
def _load(ta, w, actor):
    """Alerts waiting per operator."""
    return w.qlen[actor] / ta.actors[actor].operators


@njit(cache=True, _nrt=False)
def trigger_put(ta, w, actor):
    """simpy ``Resource._trigger_put``: serve the head of the queue if an operator is free."""
    if w.qlen[actor] > 0 and w.users[actor] < ta.actors[actor].operators:
        head = w.queue[actor, 0]
        for k in range(1, w.qlen[actor]):
            w.queue[actor, k - 1] = w.queue[actor, k]
        w.qlen[actor] -= 1
        w.users[actor] += 1
        w.proc_i[head, ly.PI_F] = ly.REQ_GRANTED
        schedule(w, 0.0, ly.NORMAL, ly.EV_REQUEST, head)


@njit(cache=True, _nrt=False)
def _cancel_request(w, actor, slot):
    """simpy ``Request.cancel``: leave the queue."""
    n = w.qlen[actor]
    j = 0
    for k in range(n):
        if w.queue[actor, k] != slot:
            w.queue[actor, j] = w.queue[actor, k]
            j += 1
    w.qlen[actor] = j
    w.proc_i[slot, ly.PI_F] = ly.REQ_CANCELLED


@njit(cache=True, _nrt=False)
def resume_decision(ta, w, slot):
    """``CommandPipeline._engagement_decision`` (with ``_veto_window`` and ``_operator_review``)."""
    row = w.proc_i[slot]
    asset, hostile = row[ly.PI_A], row[ly.PI_C] != 0
    state = row[ly.PI_STATE]
    p = ta.params[0]
    owner = ta.assets[asset].owner
    entity = asset_entity(ta, asset)
    if state == ly.ST_START:
        autonomy = w.autonomy[asset]
        if autonomy == ly.AUT_OUT:
            row[ly.PI_STATE] = ly.ST_MACHINE
            schedule(w, p.machine_seconds / 3600.0, ly.NORMAL, ly.EV_TIMEOUT, slot)
        elif autonomy == ly.AUT_ON:
            free = w.users[owner] < ta.actors[owner].operators
            doubt = p.catch_on_loop * (1.0 - w.proc_f[slot, ly.PF_Z])
            p_veto = perception.catch_probability(doubt, p.automation_bias, _load(ta, w, owner))
            vetoed = free and not hostile and bernoulli(draw(w, entity, ly.P_VETO), p_veto)
            row[ly.PI_E] = (1 if vetoed else 0) + (2 if free else 0)
            row[ly.PI_STATE] = ly.ST_VETO
            schedule(w, p.veto_seconds / 3600.0, ly.NORMAL, ly.EV_TIMEOUT, slot)
        else:
            row[ly.PI_STATE] = ly.ST_QUEUED
            row[ly.PI_F] = ly.REQ_WAITING
            row[ly.PI_G] = 0
            w.proc_f[slot, ly.PF_Y] = w.fscal[FS_NOW]
            n = w.qlen[owner]
            if n >= w.queue.shape[1] - 1:
                overflow(w)
                n = w.queue.shape[1] - 2
            w.queue[owner, n] = slot
            w.qlen[owner] = n + 1
            trigger_put(ta, w, owner)
            schedule(w, p.window_minutes / 60.0, ly.NORMAL, ly.EV_WINDOW, slot)
        return
    if state == ly.ST_MACHINE:
        _decided(ta, w, slot, True, ly.HOW_MACHINE)
    elif state == ly.ST_VETO:
        flags = row[ly.PI_E]
        if flags & 1:
            _decided(ta, w, slot, False, ly.HOW_VETOED)
        else:
            _decided(ta, w, slot, True, ly.HOW_NO_VETO if flags & 2 else ly.HOW_NO_FREE)
    elif state == ly.ST_REVIEW:
        w.users[owner] -= 1
        schedule(w, 0.0, ly.NORMAL, ly.EV_RELEASE, owner)
        if row[ly.PI_E] != 0:
            _decided(ta, w, slot, False, ly.HOW_CAUGHT)
        else:
            _decided(ta, w, slot, True, ly.HOW_APPROVED)


@njit(cache=True, _nrt=False)
def condition_processed(ta, w, slot):
    """The ``request | window`` condition is processed: review if an operator was granted, else give up."""
    row = w.proc_i[slot]
    row[ly.PI_G] = 2
    asset, hostile = row[ly.PI_A], row[ly.PI_C] != 0
    owner = ta.assets[asset].owner
    if row[ly.PI_F] != ly.REQ_GRANTED:
        _cancel_request(w, owner, slot)
        _decided(ta, w, slot, False, ly.HOW_LAPSED)
        return
    p = ta.params[0]
    entity = asset_entity(ta, asset)
    load = _load(ta, w, owner)
    minutes = triangular(draw(w, entity, ly.P_REVIEW_TIME), p.review_low, p.review_mode, p.review_high)
    p_catch = perception.catch_probability(p.catch_in_loop * (1.0 - w.proc_f[slot, ly.PF_Z]), p.automation_bias, load)
    caught = not hostile and bernoulli(draw(w, entity, ly.P_OPERATOR_CATCH), p_catch)
    row[ly.PI_E] = 1 if caught else 0
    w.proc_f[slot, ly.PF_X] = minutes
    row[ly.PI_STATE] = ly.ST_REVIEW
    schedule(w, minutes / 60.0, ly.NORMAL, ly.EV_TIMEOUT, slot)


@njit(cache=True, _nrt=False, inline="always")
def condition_check(w, slot):
    """``Condition._check`` on the request or the window: the first one triggers the condition."""
    if w.proc_i[slot, ly.PI_G] == 0:
        w.proc_i[slot, ly.PI_G] = 1
        schedule(w, 0.0, ly.NORMAL, ly.EV_CONDITION, slot)


@njit(cache=True, _nrt=False)
def _decided(ta, w, slot, approved, how):
    row = w.proc_i[slot]
    row[ly.PI_STATE] = ly.ST_DONE
    asset, other, hostile, log_id = row[ly.PI_A], row[ly.PI_B], row[ly.PI_C] != 0, row[ly.PI_D]
    if not approved:
        record(w, ly.L_NOT_MADE, chain1(w, log_id), asset, other, how, 0, 0, 0)
        return
    if operational(ta, w, asset) and operational(ta, w, other):
        engage(ta, w, asset, other, hostile, log_id, how, False)


# --------------------------------------------------------------------------- engagements


@njit(cache=True, _nrt=False)
def engage(ta, w, asset, other, hostile, cause_id, how, ordered):
    """Resolve an engagement and start the victim's response (``ordered``: by an attack inject)."""
    if hostile:
        w.iscal[IS_ENG_TRUE] += 1
    else:
        w.iscal[IS_ENG_FALSE] += 1
    losses = _resolve(ta, w, asset, other)
    provocation = _provocation(ta, other, losses)
    log_id = record(w, ly.L_ENGAGE, chain1(w, cause_id), asset, other, how, losses, 0, 0)
    victim = ta.assets[other].owner
    owner = ta.assets[asset].owner
    blamed, misattributed = attribute(ta, w, asset, victim)
    intended = max(w.rung[owner], ly.PROVOCATION_KINETIC)
    if not hostile:
        root, node = ly.ROOT_MISIDENTIFICATION, chain2(w, cause_id, log_id)
        clarifier = owner
        discovery = _discovery(ta, w, owner)
    elif misattributed:
        root, node = ly.ROOT_MISATTRIBUTION, chain1(w, log_id)
        clarifier = blamed
        discovery = _discovery(ta, w, blamed)
    elif ta.assets[other].strategic != 0 and provocation > intended:
        root, node = ly.ROOT_ENTANGLEMENT, chain1(w, log_id)
        clarifier = owner
        discovery = _discovery(ta, w, owner)
    elif ordered:
        root, node = ly.ROOT_DELIBERATE, chain2(w, cause_id, log_id)
        clarifier = -1
        discovery = math.nan
    else:
        root = w.last_root[victim]
        if root != ly.ROOT_NONE:
            node = extend(w, w.last_node[victim], log_id)
        else:
            root, node = ly.ROOT_DELIBERATE, chain1(w, log_id)
        clarifier = -1
        discovery = math.nan
    if misattributed:
        record(w, ly.L_ATTRIBUTION, chain1(w, log_id), victim, blamed, 0, 0, 0, 0)
    schedule_response(ta, w, victim, blamed, provocation, root, node, w.autonomy[other], clarifier, discovery)


@njit(cache=True, _nrt=False, inline="always")
def _discovery(ta, w, actor):
    return exponential(draw(w, actor, ly.P_ERROR_DISCOVERY), ta.params[0].discovery_hours)


@njit(cache=True, _nrt=False)
def _resolve(ta, w, asset, other):
    """Apply the engagement's losses to ``other`` (and expended drones to ``asset``); return losses."""
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
            return _salvo(ta, w, shots, a.hit_probability, other, u1, u2)
        return _drone_losses(ta, w, other, combat.drone_attrition(shots, w.drones[other], p.drone_kill_probability, u1))
    if other_kind == ly.ASSET_NAVAL:
        shots = w.ships[asset] * a.missiles_per_ship
        return _salvo(ta, w, shots, p.missile_hit_probability, other, u1, u2)
    shots = w.ships[asset] * a.air_defense
    return _drone_losses(ta, w, other, combat.drone_attrition(shots, w.drones[other], a.intercept_probability, u1))


@njit(cache=True, _nrt=False)
def _salvo(ta, w, shots, p_hit, other, u1, u2):
    s = ta.assets[other]
    _, _, lost = combat.salvo_exchange(
        shots, p_hit, w.ships[other], s.air_defense, s.intercept_probability, s.staying_power, u1, u2
    )
    lost = int(lost)
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
    debris = ta.assets[asset].debris_per_kill
    w.tracked[ta.assets[target].zone] += debris
    w.iscal[IS_DEBRIS] += debris
    return 1


@njit(cache=True, _nrt=False, inline="always")
def disable_satellite(ta, w, target):
    """Take a satellite out of action."""
    w.disabled[target] = 1
    w.losses[ta.assets[target].owner, 2] += 1


@njit(cache=True, _nrt=False, inline="always")
def _provocation(ta, target, losses):
    t = ta.assets[target]
    if t.kind == ly.ASSET_SPACE:
        if t.strategic != 0:
            return ly.PROVOCATION_STRATEGIC
        return ly.PROVOCATION_SPACE if losses else ly.PROVOCATION_HARASSMENT
    return ly.PROVOCATION_KINETIC if losses else ly.PROVOCATION_HARASSMENT


# --------------------------------------------------------------------------- false alarms, collisions


@njit(cache=True, _nrt=False, inline="always")
def _first_warning(ta, w, actor, need_operational):
    a = ta.actors[actor]
    for k in range(a.ew_start, a.ew_end):
        sat = ta.early_warning[k]
        if not need_operational or operational(ta, w, sat):
            return sat
    return -1


@njit(cache=True, _nrt=False)
def resume_false_alarms(ta, w, slot):
    """``CommandPipeline._warning_false_alarms``: serious false alarms while a warning satellite works."""
    row = w.proc_i[slot]
    actor = row[ly.PI_A]
    a = ta.actors[actor]
    rate = ta.params[0].false_alarms_per_year / 8760.0
    if row[ly.PI_STATE] == ly.ST_START:
        if rate <= 0.0 or a.adv_end == a.adv_start:
            row[ly.PI_STATE] = ly.ST_DONE
            return
    else:
        warning = _first_warning(ta, w, actor, True)
        if warning < 0:
            row[ly.PI_STATE] = ly.ST_DONE
            return
        pick = choice_index(draw(w, actor, ly.P_FALSE_ALARM_BLAMED), a.adv_end - a.adv_start)
        false_alarm(ta, w, actor, ta.adversaries[a.adv_start + pick], w.autonomy[warning], -1)
    row[ly.PI_STATE] = ly.ST_WAIT
    schedule(w, exponential(draw(w, actor, ly.P_FALSE_ALARM_WAIT), 1.0 / rate), ly.NORMAL, ly.EV_TIMEOUT, slot)


@njit(cache=True, _nrt=False)
def false_alarm(ta, w, actor, blamed, autonomy, inject):
    """A phantom attack on the warning screens; leaders act on it unless it is recognised in time."""
    log_id = record(w, ly.L_FALSE_ALARM, -1, actor, blamed, inject, 0, 0, 0)
    p_catch = ta.params[0].catch_false_alarm[autonomy]
    if bernoulli(draw(w, actor, ly.P_FALSE_ALARM_CATCH), p_catch):
        record(w, ly.L_FALSE_ALARM_CAUGHT, chain1(w, log_id), actor, 0, 0, 0, 0, 0)
        return
    schedule_response(
        ta, w, actor, blamed, ly.PROVOCATION_STRATEGIC, ly.ROOT_FALSE_ALARM, chain1(w, log_id), autonomy, blamed, 0.0
    )


@njit(cache=True, _nrt=False, inline="always")
def collision_odds(p, n):
    """A zone's collision rate (per day) with ``n`` tracked objects and its chance within a tick."""
    rate = space.collision_rate_per_day(p.collision_k, n)
    return rate, -math.expm1(-rate * p.tick / 24.0)


@njit(cache=True)
def collision_table(params, zones):
    """``collision_odds`` of every zone at its initial tracked count, computed once per scenario.

    The same arithmetic as in :func:`orbital_collisions`, so the cached values are bit-identical;
    shape ``(n_zones, 2)``: rate, probability.
    """
    out = np.zeros((zones.shape[0], 2), np.float64)
    for z in range(zones.shape[0]):
        rate, p_hit = collision_odds(params[0], zones[z].tracked)
        out[z, 0] = rate
        out[z, 1] = p_hit
    return out


@njit(cache=True, _nrt=False)
def orbital_collisions(ta, w):
    """Once per tick and orbit zone: a catastrophic collision with probability 1 − exp(−½kN²Δt)."""
    p = ta.params[0]
    for z in range(ta.zones.shape[0]):
        zone = ta.zones[z]
        if zone.orbit == 0:
            continue
        n = w.tracked[z]
        if n == zone.tracked:
            rate, p_hit = ta.collisions[z, 0], ta.collisions[z, 1]
        else:
            rate, p_hit = collision_odds(p, n)
        entity = zone_entity(ta, z)
        if rate <= 0.0 or not bernoulli(draw(w, entity, ly.P_COLLISION), p_hit):
            continue
        w.tracked[z] += p.fragments
        w.iscal[IS_DEBRIS] += p.fragments
        w.iscal[IS_COLLISIONS] += 1
        n_active = 0
        for k in range(zone.sat_start, zone.sat_end):
            if operational(ta, w, ta.satellites[k]):
                n_active += 1
        hit = space.satellite_hit_index(draw(w, entity, ly.P_COLLISION_TARGET), n_active, n)
        if hit < 0:
            record(w, ly.L_DEBRIS_COLLISION, -1, z, p.fragments, 0, 0, 0, 0)
            continue
        for k in range(zone.sat_start, zone.sat_end):
            sat = ta.satellites[k]
            if operational(ta, w, sat):
                if hit == 0:
                    _collision_loss(ta, w, sat, z)
                    break
                hit -= 1


@njit(cache=True, _nrt=False)
def _collision_loss(ta, w, satellite, zone):
    disable_satellite(ta, w, satellite)
    log_id = record(w, ly.L_SATELLITE_DESTROYED, -1, satellite, zone, 0, 0, 0, 0)
    if ta.assets[satellite].strategic == 0:
        return
    owner = ta.assets[satellite].owner
    suspect = ta.actors[owner].asat_suspect
    if suspect >= 0:
        discovery = _discovery(ta, w, suspect)
        schedule_response(
            ta,
            w,
            owner,
            suspect,
            ly.PROVOCATION_STRATEGIC,
            ly.ROOT_ENTANGLEMENT,
            chain1(w, log_id),
            w.autonomy[satellite],
            suspect,
            discovery,
        )


# --------------------------------------------------------------------------- injects


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
        warning = _first_warning(ta, w, actor, False)
        autonomy = w.autonomy[warning] if warning >= 0 else ta.actors[actor].autonomy
        false_alarm(ta, w, actor, inject.blamed, autonomy, index)
    elif kind == ly.INJ_ASAT_TEST:
        _asat_test(ta, w, index)
    elif kind == ly.INJ_COLLISION_AT_SEA:
        _collision_at_sea(ta, w, index)
    elif kind == ly.INJ_ATTACK:
        attacker, target = inject.first, inject.second
        if operational(ta, w, attacker) and operational(ta, w, target):
            log_id = record(w, ly.L_INJECT_ATTACK, -1, attacker, target, index, 0, 0, 0)
            engage(ta, w, attacker, target, True, log_id, ly.HOW_ORDER, True)
    elif kind == ly.INJ_AUTONOMY_CHANGE:
        for asset in range(ta.assets.shape[0]):
            if ta.assets[asset].owner == inject.actor:
                w.autonomy[asset] = capped_autonomy(ta, w, asset, inject.autonomy)
        record(w, ly.L_INJECT_AUTONOMY, -1, inject.actor, inject.autonomy, index, 0, 0, 0)


@njit(cache=True, _nrt=False)
def _asat_test(ta, w, index):
    inject = ta.injects[index]
    actor = inject.actor
    a = ta.actors[actor]
    if a.moratorium != 0 and bernoulli(draw(w, actor, ly.P_MORATORIUM), ta.params[0].moratorium_compliance):
        record(w, ly.L_INJECT_FORGO, -1, actor, index, 0, 0, 0, 0)
        return
    w.tracked[inject.zone] += inject.debris
    w.iscal[IS_DEBRIS] += inject.debris
    log_id = record(w, ly.L_INJECT_ASAT, -1, actor, inject.zone, index, 0, 0, 0)
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
        discovery = _discovery(ta, w, other_owner)
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
        )
