"""State changes of losses in the compiled engine: a satellite disabled, fragments made, the time to learn
of a mistake. Mirrors the helpers of :mod:`sim.engines.reference.engagement` and
:mod:`sim.engines.reference.orbits` with the same names."""

from __future__ import annotations

from numba import njit

from sim.engines.compiled import layout as ly
from sim.engines.compiled.core import draw
from sim.engines.compiled.workspace import HIT_STRATEGIC, IS_DEBRIS
from sim.kernels.rng import exponential


@njit(cache=True, _nrt=False, inline="always")
def discovery_hours(ta, w, actor):
    """Time for a side to learn its act was a mistake (or that it was blamed), hours."""
    return exponential(draw(w, actor, ly.P_ERROR_DISCOVERY), ta.params[0].discovery_hours)


@njit(cache=True, _nrt=False, inline="always")
def disable_satellite(ta, w, target):
    """Take a satellite out of action (an ISR satellite lost blinds its owner's classifiers)."""
    w.disabled[target] = 1
    owner = ta.assets[target].owner
    w.losses[owner, 2] += 1
    if ta.assets[target].strategic != 0:
        w.hit[owner, HIT_STRATEGIC] = 1
    if ta.assets[target].role == ly.ROLE_ISR:
        w.isr_lost[owner] += 1


@njit(cache=True, _nrt=False, inline="always")
def add_fragments(w, zone, fragments):
    """``Orbits.add_fragments``: catalogued, counted as debris, and fresh (concentrated, decaying)."""
    w.tracked[zone] += fragments
    w.fresh[zone] += fragments
    w.iscal[IS_DEBRIS] += fragments
