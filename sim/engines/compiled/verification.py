"""Verification of the human-control norm in the compiled engine: detection of violations and what follows.
Mirrors :meth:`sim.engines.reference.norms.Norms.verify`."""

from __future__ import annotations

from numba import njit

from sim.engines.compiled import layout as ly
from sim.engines.compiled.core import draw, record
from sim.engines.compiled.norms import norm_decide
from sim.kernels.response import hazard_probability


@njit(cache=True, _nrt=False)
def _violating(ta, w, actor):
    """Bound, not complying, and running some asset above the norm's cap (on the loop)."""
    if ta.actors[actor].norm_bound == 0 or w.complies[actor] != 0:
        return False
    for asset in range(ta.assets.shape[0]):  # noqa: SIM110 (no generators in numba)
        if ta.assets[asset].owner == actor and w.autonomy[asset] > ly.AUT_ON:
            return True
    return False


@njit(cache=True, _nrt=False, inline="always")  # once per tick: no call overhead
def norm_verify(ta, w):
    """``Norms.verify``: once per tick each ongoing violation is detected at the method's hazard."""
    p = ta.params[0]
    for actor in range(ta.actors.shape[0]):
        if w.violated[actor] != 0 or not _violating(ta, w, actor):
            continue
        if draw(w, actor, ly.P_NORM_DETECTION) < hazard_probability(p.norm_detection, p.tick):
            _detected(ta, w, actor)


@njit(cache=True, _nrt=False)
def _detected(ta, w, violator):
    p = ta.params[0]
    w.violated[violator] = 1
    record(w, ly.L_NORM_DETECTED, -1, violator, 0, 0, 0, 0, 0)
    a = ta.actors[violator]
    for k in range(a.adv_start, a.adv_end):
        adversary = ta.adversaries[k]
        w.trust[adversary] = p.norm_distrust
        if ta.actors[adversary].norm_bound != 0:
            norm_decide(ta, w, adversary, True)
