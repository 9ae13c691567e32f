"""The nuclear firebreak in the compiled engine: stakes, the stakes' factor on the threshold hazards, and the
threshold decisions of a response. Mirrors :class:`sim.engines.reference.firebreak.Firebreak`."""

from __future__ import annotations

from numba import njit

from sim.engines.compiled import layout as ly
from sim.engines.compiled.core import chain1, draw, record
from sim.engines.compiled.workspace import HIT_HOMELAND, HIT_STRATEGIC
from sim.kernels import response
from sim.kernels.response import BELOW_FIREBREAK
from sim.kernels.rng import bernoulli


@njit(cache=True, _nrt=False, inline="always")
def stakes(ta, w, actor):
    """``Firebreak.stakes``: a strategic satellite lost (or an alarm believed), the homeland struck, half the fleet."""
    a = ta.actors[actor]
    fielded = a.ships_fielded
    losing = fielded > 0 and w.losses[actor, 1] >= ta.params[0].losing_share * fielded
    return w.hit[actor, HIT_STRATEGIC] + w.hit[actor, HIT_HOMELAND] + (1 if losing else 0)


@njit(cache=True, _nrt=False, inline="always")
def stakes_multiplier(ta, w, actor):
    """``Firebreak.multiplier``: what multiplies the actor's threshold hazards, ``stakes_factor ** S``."""
    return response.stakes_multiplier(ta.params[0].stakes_factor, stakes(ta, w, actor))


@njit(cache=True, _nrt=False)
def gate(ta, w, actor, toward, current, target, cause_id):
    """``Firebreak.gate``: the rung a leadership takes when its response calls for ``target``."""
    floor = max(current, BELOW_FIREBREAK)
    if target <= floor:
        return target
    p = ta.params[0]
    s = stakes(ta, w, actor)
    for rung in range(target, floor, -1):
        q = response.crossing_probability(
            rung, p.fb_cross_strategic, p.fb_cross_signaling, p.fb_cross_use, p.stakes_factor, s
        )
        if bernoulli(draw(w, actor, ly.P_THRESHOLD), q):
            return rung
    record(w, ly.L_FIREBREAK_HOLD, chain1(w, cause_id), actor, toward, target, floor, s, 0)
    return floor
