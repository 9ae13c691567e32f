"""The human-control norm in the compiled engine: an actor's choice to comply. Mirrors
:meth:`sim.engines.reference.norms.Norms.decide` (verification: :mod:`~sim.engines.compiled.verification`)."""

from __future__ import annotations

from numba import njit

from sim.engines.compiled import layout as ly
from sim.engines.compiled.core import capped_autonomy, draw, record
from sim.kernels import norms


@njit(cache=True, _nrt=False)
def norm_decide(ta, w, actor, log):
    """``Norms.decide``: the actor chooses to comply or defect; its assets' autonomy follows."""
    p = ta.params[0]
    chance = norms.norm_compliance(
        p.baseline_compliance, p.norm_detection, p.norm_pressure, w.rung[actor], w.trust[actor]
    )
    complies = 1 if draw(w, actor, ly.P_NORM_COMPLIANCE) < chance else 0
    if complies == w.complies[actor]:
        return
    w.complies[actor] = complies
    if log:
        record(w, ly.L_NORM_RETURN if complies else ly.L_NORM_STOP, -1, actor, 0, 0, 0, 0, 0)
    for asset in range(ta.assets.shape[0]):
        if ta.assets[asset].owner == actor:
            w.autonomy[asset] = capped_autonomy(ta, w, asset, w.wanted[asset])
