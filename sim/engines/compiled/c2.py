"""The command-and-control pipeline of the compiled engine: encounters, contacts (truth, classification,
rules of engagement), the autonomy paths with the operator queue and human judgement, and strikes.

Each ``resume_*`` function continues one simpy process of :class:`sim.engines.reference.c2.CommandPipeline`
from the ``yield`` it was suspended at (its state), exactly as the generator would.
"""

from __future__ import annotations

from numba import njit

from sim.engines.compiled import layout as ly
from sim.engines.compiled.core import asset_entity, chain1, draw, operational, overflow, record, schedule, spawn
from sim.engines.compiled.engagement import engage
from sim.engines.compiled.workspace import CI_EXCHANGES, FS_NOW, IS_BLIND, IS_CONTACTS
from sim.kernels import combat, command, perception
from sim.kernels.rng import bernoulli, choice_index, exponential, triangular

# --------------------------------------------------------------------------- encounters


@njit(cache=True, _nrt=False)
def resume_encounters(ta, w, slot):
    """``CommandPipeline._encounters``: contacts arrive as a Poisson process, rate rising with the owner's rung."""
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


@njit(cache=True, _nrt=False, inline="always")
def _p_flag(hostile, d_prime, lam):
    return perception.p_detect(d_prime, lam) if hostile else perception.p_false_alarm(lam)


@njit(cache=True, _nrt=False)
def _contact(ta, w, asset, other, incsea):
    """Truth, the machine's call (signal detection theory) and the rules of engagement at the owner's posture."""
    p = ta.params[0]
    a = ta.assets[asset]
    owner = a.owner
    theirs = ta.assets[other].owner
    entity = asset_entity(ta, asset)
    w.iscal[IS_CONTACTS] += 1
    posture = w.posture[owner, theirs]
    p_hostile = perception.hostile_share(p.hostile_base, p.hostile_per_rung, w.posture[theirs, owner])
    hostile = bernoulli(draw(w, entity, ly.P_ENCOUNTER_HOSTILE), p_hostile)
    strike = -1
    if hostile and ta.assets[other].can_engage != 0:
        delay = exponential(draw(w, entity, ly.P_STRIKE_DELAY), p.strike_minutes / 60.0)
        strike = spawn(w, ly.PROC_STRIKE, asset, other, 0, 0)
        w.proc_f[strike, ly.PF_X] = delay
    shift = p.incsea_shift if incsea else 0.0
    blind = p.blind_severity if w.iscal[IS_BLIND] != 0 and ta.actors[owner].distilled != 0 else 0.0
    d_prime = perception.effective_d_prime(
        a.d_prime, p.isr_dependence, w.isr_lost[owner], ta.actors[owner].isr_total, blind
    )
    criterion = 0.5 * d_prime + ta.actors[owner].roe
    lam = perception.roe_threshold(criterion, posture, p.shift_per_rung, shift)
    u = draw(w, entity, ly.P_CLASSIFY)
    if not u < _p_flag(hostile, d_prime, lam):
        return
    identified = u < _p_flag(hostile, d_prime, lam + p.identification_margin)
    h = 1 if hostile else 0
    log_id = record(w, ly.L_CLASSIFY, -1, asset, other, h, 0, 0, 0)
    authority = ta.roe[owner, posture]
    if authority == ly.AUTH_FIRE_THREATENING or (authority == ly.AUTH_FIRE_IDENTIFIED and identified):
        posterior = perception.posterior_hostile(p_hostile, d_prime, lam)
        slot = spawn(w, ly.PROC_DECISION, asset, other, h, log_id)
        w.proc_f[slot, ly.PF_Z] = posterior
        w.proc_i[slot, ly.PI_H] = strike
        tracks = 1
        if ta.assets[other].kind == ly.ASSET_SWARM:
            tracks = command.raid_tracks(w.drones[other], p.salvo_fraction)
        w.proc_i[slot, ly.PI_TRACKS] = tracks
    elif authority == ly.AUTH_SHADOW:
        record(w, ly.L_SHADOW, chain1(w, log_id), asset, other, 0, 0, 0, 0)
    else:
        warn_id = record(w, ly.L_WARN, chain1(w, log_id), asset, other, 0, 0, 0, 0)
        if hostile and bernoulli(draw(w, entity, ly.P_WARNING), p.warning_deterrence):
            if strike >= 0:
                w.proc_i[strike, ly.PI_C] |= ly.STRIKE_DETERRED
            record(w, ly.L_BREAKS_OFF, chain1(w, warn_id), other, 0, 0, 0, 0, 0)


@njit(cache=True, _nrt=False)
def resume_strike(ta, w, slot):
    """``CommandPipeline._strike``: a hostile contact not engaged or warned off in time strikes."""
    row = w.proc_i[slot]
    if row[ly.PI_STATE] == ly.ST_START:
        row[ly.PI_STATE] = ly.ST_WAIT
        schedule(w, w.proc_f[slot, ly.PF_X], ly.NORMAL, ly.EV_TIMEOUT, slot)
        return
    row[ly.PI_STATE] = ly.ST_DONE
    asset, other = row[ly.PI_A], row[ly.PI_B]
    if row[ly.PI_C] != 0 or not (operational(ta, w, asset) and operational(ta, w, other)):
        return
    log_id = record(w, ly.L_STRIKE, -1, asset, other, 0, 0, 0, 0)
    engage(ta, w, other, asset, True, log_id, ly.HOW_STRIKE, False, True, -1)


@njit(cache=True, _nrt=False)
def resume_blind_spots(ta, w, slot):
    """``CommandPipeline._blind_spots``: episodes in which the teacher's blind spots are exposed."""
    row = w.proc_i[slot]
    p = ta.params[0]
    entity = ta.actors.shape[0] + ta.assets.shape[0] + ta.zones.shape[0]
    state = row[ly.PI_STATE]
    if state == ly.ST_WAIT:
        w.iscal[IS_BLIND] = 1
        record(w, ly.L_BLIND_ON, -1, 0, 0, 0, 0, 0, 0)
        row[ly.PI_STATE] = ly.ST_IN_TRANSIT
        schedule(w, exponential(draw(w, entity, ly.P_BLIND_SPOT_LENGTH), p.blind_hours), ly.NORMAL, ly.EV_TIMEOUT, slot)
        return
    if state == ly.ST_IN_TRANSIT:
        w.iscal[IS_BLIND] = 0
        record(w, ly.L_BLIND_OFF, -1, 0, 0, 0, 0, 0, 0)
    row[ly.PI_STATE] = ly.ST_WAIT
    wait = exponential(draw(w, entity, ly.P_BLIND_SPOT_WAIT), 24.0 / p.blind_rate)
    schedule(w, wait, ly.NORMAL, ly.EV_TIMEOUT, slot)


# --------------------------------------------------------------------------- autonomy paths


@njit(cache=True, _nrt=False, inline="always")
def _load(ta, w, actor):
    """Tracks in hand or waiting per operator."""
    tracks = w.busy_tracks[actor]
    for k in range(w.qlen[actor]):
        tracks += w.proc_i[w.queue[actor, k], ly.PI_TRACKS]
    return tracks / ta.actors[actor].operators


@njit(cache=True, _nrt=False)
def _judgement(ta, w, owner, hostile, posterior, seconds, bias):
    """P(the operator lets the engagement go ahead): a human classifier under time pressure and load."""
    p = ta.params[0]
    d_prime = perception.human_d_prime(p.operator_d_prime, seconds, p.operator_tau)
    lam = perception.human_criterion(
        d_prime, p.operator_d_prime, posterior, bias, p.automation_bias, p.automation_max, _load(ta, w, owner)
    )
    return perception.p_human_approves(hostile, d_prime, lam)


@njit(cache=True, _nrt=False)
def trigger_put(ta, w, actor):
    """simpy ``Resource._trigger_put``: serve the head of the queue if an operator is free."""
    if w.qlen[actor] > 0 and w.users[actor] < ta.actors[actor].operators:
        head = w.queue[actor, 0]
        for k in range(1, w.qlen[actor]):
            w.queue[actor, k - 1] = w.queue[actor, k]
        w.qlen[actor] -= 1
        w.users[actor] += 1
        w.busy_tracks[actor] += w.proc_i[head, ly.PI_TRACKS]
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
def _release(w, actor, slot):
    """simpy ``Resource.release``: the operator is free at once; the next in line is served at the Release event."""
    w.users[actor] -= 1
    w.busy_tracks[actor] -= w.proc_i[slot, ly.PI_TRACKS]
    schedule(w, 0.0, ly.NORMAL, ly.EV_RELEASE, actor)


@njit(cache=True, _nrt=False, inline="always")
def _veto_start(ta, w, slot, owner, entity, hostile, posterior):
    """``CommandPipeline.veto_window`` up to its wait: take a free operator and judge (flags: 1 vetoed, 2 free)."""
    p = ta.params[0]
    row = w.proc_i[slot]
    free = w.users[owner] < ta.actors[owner].operators and w.qlen[owner] == 0
    vetoed = False
    if free:
        w.users[owner] += 1
        w.busy_tracks[owner] += row[ly.PI_TRACKS]
        p_go = _judgement(ta, w, owner, hostile, posterior, p.veto_seconds, p.operator_bias_on)
        vetoed = not bernoulli(draw(w, entity, ly.P_VETO), p_go)
    row[ly.PI_E] = (1 if vetoed else 0) + (2 if free else 0)
    row[ly.PI_STATE] = ly.ST_VETO
    schedule(w, p.veto_seconds / 3600.0, ly.NORMAL, ly.EV_TIMEOUT, slot)


@njit(cache=True, _nrt=False)
def resume_answer(ta, w, slot):
    """``MachineSpeed._answer``: machine latency out of the loop, else the veto window; then the engagement."""
    row = w.proc_i[slot]
    asset, attacker, chain = row[ly.PI_A], row[ly.PI_B], row[ly.PI_C]
    owner = ta.assets[asset].owner
    state = row[ly.PI_STATE]
    if state == ly.ST_START:
        if w.autonomy[asset] == ly.AUT_OUT:
            row[ly.PI_STATE] = ly.ST_MACHINE
            schedule(w, ta.params[0].machine_seconds / 3600.0, ly.NORMAL, ly.EV_TIMEOUT, slot)
        else:
            _veto_start(ta, w, slot, owner, asset_entity(ta, asset), True, ly.SELF_DEFENSE_PRIOR)
        return
    row[ly.PI_STATE] = ly.ST_DONE
    how = ly.HOW_ANSWER_MACHINE
    if state == ly.ST_VETO:
        flags = row[ly.PI_E]
        if flags & 2:
            _release(w, owner, slot)
        if flags & 1:
            record(w, ly.L_ANSWER_VETOED, -1, asset, attacker, chain, 0, 0, 0)
            return
        how = ly.HOW_ANSWER_NO_VETO if flags & 2 else ly.HOW_ANSWER_NO_FREE
    if operational(ta, w, asset) and operational(ta, w, attacker):
        w.chain_i[chain, CI_EXCHANGES] += 1
        engage(ta, w, asset, attacker, True, row[ly.PI_D], how, False, False, chain)


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
            _veto_start(ta, w, slot, owner, entity, hostile, w.proc_f[slot, ly.PF_Z])
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
        if flags & 2:
            _release(w, owner, slot)
        if flags & 1:
            _decided(ta, w, slot, False, ly.HOW_VETOED)
        else:
            _decided(ta, w, slot, True, ly.HOW_NO_VETO if flags & 2 else ly.HOW_NO_FREE)
    elif state == ly.ST_REVIEW:
        _release(w, owner, slot)
        if row[ly.PI_E] & 2:
            if ta.actors[owner].engages_on_timeout != 0:
                _decided(ta, w, slot, True, ly.HOW_UNCLEARED_DEFAULT)
            else:
                _decided(ta, w, slot, False, ly.HOW_UNCLEARED)
        elif row[ly.PI_E] != 0:
            _decided(ta, w, slot, False, ly.HOW_REJECTED)
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
        if ta.actors[owner].engages_on_timeout != 0:
            _decided(ta, w, slot, True, ly.HOW_DEFAULT)
        else:
            _decided(ta, w, slot, False, ly.HOW_LAPSED)
        return
    p = ta.params[0]
    entity = asset_entity(ta, asset)
    minutes = triangular(draw(w, entity, ly.P_REVIEW_TIME), p.review_low, p.review_mode, p.review_high)
    p_go = _judgement(ta, w, owner, hostile, w.proc_f[slot, ly.PF_Z], minutes * 60.0, p.operator_bias_in)
    approved = bernoulli(draw(w, entity, ly.P_OPERATOR_JUDGEMENT), p_go)
    clearing = command.clearing_minutes(minutes, row[ly.PI_TRACKS], p.minutes_per_track, ta.actors[owner].operators)
    left = w.proc_f[slot, ly.PF_Y] + p.window_minutes / 60.0 - w.fscal[FS_NOW]
    row[ly.PI_E] = 0 if approved else 1
    w.proc_f[slot, ly.PF_X] = minutes
    row[ly.PI_STATE] = ly.ST_REVIEW
    if clearing / 60.0 > left:
        row[ly.PI_E] |= 2
        schedule(w, left, ly.NORMAL, ly.EV_TIMEOUT, slot)
    else:
        schedule(w, clearing / 60.0, ly.NORMAL, ly.EV_TIMEOUT, slot)


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
        strike = row[ly.PI_H]
        if strike >= 0:
            w.proc_i[strike, ly.PI_C] |= ly.STRIKE_ENGAGED
        engage(ta, w, asset, other, hostile, log_id, how, False, False, -1)
