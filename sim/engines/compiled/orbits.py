"""Orbital debris in the compiled engine: fresh fragments that decay and hit satellites, catastrophic collisions.
Mirrors :mod:`sim.engines.reference.orbits`."""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from sim.engines.compiled import layout as ly
from sim.engines.compiled.core import asset_entity, chain1, draw, operational, record, zone_entity
from sim.engines.compiled.damage import add_fragments, disable_satellite, discovery_hours
from sim.engines.compiled.responses import schedule_response
from sim.engines.compiled.workspace import IS_COLLISIONS
from sim.kernels import space
from sim.kernels.rng import bernoulli


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


@njit(cache=True, _nrt=False, inline="always")  # once per tick: no call overhead
def orbits_tick(ta, w):
    """``Orbits.tick``: once per tick and orbit zone, fresh fragments decay, a collision may happen, then
    fresh fragments may hit each operational satellite."""
    p = ta.params[0]
    for z in range(ta.zones.shape[0]):
        if ta.zones[z].orbit == 0:
            continue
        if w.fresh[z] != 0.0:  # no fresh fragments decay to none: skip the exponential
            w.fresh[z] = space.decayed_fragments(w.fresh[z], p.tick, p.fragment_lifetime)
        _collision(ta, w, z)
        _fragment_hits(ta, w, z)


@njit(cache=True, _nrt=False, inline="always")  # once per tick: no call overhead
def _fragment_hits(ta, w, z):
    """Each operational satellite in turn; the hit probability is the zone's, recomputed only after a hit
    (which adds fresh fragments), so it is the reference's per-satellite value without its per-satellite cost."""
    p = ta.params[0]
    zone = ta.zones[z]
    p_hit = space.fragment_hit_probability(p.fragment_hit, w.fresh[z], p.tick)
    if p_hit <= 0.0:
        return
    for k in range(zone.sat_start, zone.sat_end):
        sat = ta.satellites[k]
        if not operational(ta, w, sat):
            continue
        if p_hit <= 0.0 or not bernoulli(draw(w, asset_entity(ta, sat), ly.P_DEBRIS_HIT), p_hit):
            continue
        add_fragments(w, z, p.fragments)
        w.iscal[IS_COLLISIONS] += 1
        _collision_loss(ta, w, sat, z, 1)
        p_hit = space.fragment_hit_probability(p.fragment_hit, w.fresh[z], p.tick)


@njit(cache=True, _nrt=False, inline="always")  # once per tick: no call overhead
def _collision(ta, w, z):
    """A catastrophic collision with probability 1 − exp(−½kN²Δt)."""
    p = ta.params[0]
    zone = ta.zones[z]
    n = w.tracked[z]
    if n == zone.tracked:
        rate, p_hit = ta.collisions[z, 0], ta.collisions[z, 1]
    else:
        rate, p_hit = collision_odds(p, n)
    entity = zone_entity(ta, z)
    if rate <= 0.0 or not bernoulli(draw(w, entity, ly.P_COLLISION), p_hit):
        return
    add_fragments(w, z, p.fragments)
    w.iscal[IS_COLLISIONS] += 1
    n_active = 0
    for k in range(zone.sat_start, zone.sat_end):
        if operational(ta, w, ta.satellites[k]):
            n_active += 1
    hit = space.satellite_hit_index(draw(w, entity, ly.P_COLLISION_TARGET), n_active, n)
    if hit < 0:
        record(w, ly.L_DEBRIS_COLLISION, -1, z, p.fragments, 0, 0, 0, 0)
        return
    for k in range(zone.sat_start, zone.sat_end):
        sat = ta.satellites[k]
        if operational(ta, w, sat):
            if hit == 0:
                _collision_loss(ta, w, sat, z, 0)
                break
            hit -= 1


@njit(cache=True, _nrt=False)
def _collision_loss(ta, w, satellite, zone, by_fragments):
    disable_satellite(ta, w, satellite)
    log_id = record(w, ly.L_SATELLITE_DESTROYED, -1, satellite, zone, by_fragments, 0, 0, 0)
    if ta.assets[satellite].strategic == 0:
        return
    owner = ta.assets[satellite].owner
    suspect = ta.actors[owner].asat_suspect
    if suspect >= 0:
        discovery = discovery_hours(ta, w, suspect)
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
            -1,
            math.nan,
            -1,
        )
