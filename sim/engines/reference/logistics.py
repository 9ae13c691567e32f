"""Logistics during the crisis: compute supply replaces drones and interceptor rounds (docs/model.md §5).

Once per tick each operational drone swarm and naval group accrues replacements at
``replenishment_per_day`` of what it fielded at start, scaled by its owner's compute share (export
controls, frontier-chip access and domestic chips); whole units arrive, up to the fielded number.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.engines.reference.agents import DroneSwarmAgent, NavalGroupAgent
from sim.kernels import technology as tech

if TYPE_CHECKING:
    from sim.engines.reference.model import EscalationModel


class Logistics:
    """Replenishment of one model."""

    def __init__(self, model: EscalationModel) -> None:
        self.model = model
        self.rate = model.spec.technology.replenishment_per_day

    def replenish(self) -> None:
        """Once per tick, in asset order: drones to swarms, interceptor rounds to naval groups."""
        model = self.model
        if self.rate <= 0.0:
            return
        for asset in model.assets.values():
            share = asset.owner.technology.compute_share
            if isinstance(asset, DroneSwarmAgent) and asset.drones > 0:
                before = asset.drones
                asset.drones, asset.accrued = tech.replenished(
                    asset.drones, asset.drones_at_start, asset.accrued, self.rate, share, model.tick_hours
                )
                asset.replaced += asset.drones - before
            elif isinstance(asset, NavalGroupAgent) and asset.ships > 0:
                asset.rounds, asset.accrued = tech.replenished(
                    asset.rounds, asset.magazine, asset.accrued, self.rate, share, model.tick_hours
                )
