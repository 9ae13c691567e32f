"""Replenishment in the compiled engine: compute supply replaces drones and interceptor rounds.
Mirrors :mod:`sim.engines.reference.logistics`."""

from __future__ import annotations

from numba import njit

from sim.engines.compiled import layout as ly
from sim.kernels import technology as tech


@njit(cache=True, _nrt=False, inline="always")  # once per tick: no call overhead
def replenish(ta, w):
    """``Logistics.replenish``: once per tick, in asset order, drones to swarms, rounds to naval groups."""
    p = ta.params[0]
    if p.replenishment <= 0.0:
        return
    for asset in range(ta.assets.shape[0]):
        a = ta.assets[asset]
        share = ta.actors[a.owner].share
        if a.kind == ly.ASSET_SWARM and w.drones[asset] > 0:
            w.drones[asset], w.accrued[asset] = tech.replenished(
                w.drones[asset], a.drones, w.accrued[asset], p.replenishment, share, p.tick
            )
        elif a.kind == ly.ASSET_NAVAL and w.ships[asset] > 0:
            w.rounds[asset], w.accrued[asset] = tech.replenished(
                w.rounds[asset], a.magazine, w.accrued[asset], p.replenishment, share, p.tick
            )
