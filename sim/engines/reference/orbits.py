"""Orbital debris: catastrophic collisions once per tick and orbit zone (Kessler), and what a lost satellite means."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from sim.engines.reference.agents import SpaceAssetAgent
from sim.engines.reference.draws import Purpose
from sim.engines.reference.records import Cause
from sim.engines.shared.provocations import PROVOCATION_STRATEGIC
from sim.kernels import space
from sim.kernels.rng import bernoulli
from sim.scenario.schema import SpaceRole

if TYPE_CHECKING:
    from sim.engines.reference.model import EscalationModel


class Orbits:
    """The orbit zones of one model."""

    def __init__(self, model: EscalationModel) -> None:
        self.model = model
        self.params = model.spec.parameters.space

    def collisions(self) -> None:
        """Once per tick and orbit zone: a catastrophic collision with probability 1 − exp(−½kN²Δt)."""
        model, p = self.model, self.params
        for zone_key, zone in model.spec.zones.items():
            if zone.kind != "orbit":
                continue
            n = model.tracked_objects[zone_key]
            rate = space.collision_rate_per_day(p.collision_coefficient_per_day, n)
            entity = model.zone_entity[zone_key]
            if rate <= 0.0 or not bernoulli(
                model.draws.u(entity, Purpose.COLLISION), -math.expm1(-rate * model.tick_hours / 24.0)
            ):
                continue
            model.tracked_objects[zone_key] += p.fragments_per_collision
            model.counts["debris"] += p.fragments_per_collision
            model.counts["collisions"] += 1
            active = [a for a in model.assets.values() if isinstance(a, SpaceAssetAgent) and a.zone == zone_key]
            active = [a for a in active if a.operational]
            hit = space.satellite_hit_index(model.draws.u(entity, Purpose.COLLISION_TARGET), len(active), n)
            if hit < 0:
                model.record("collision", f"debris collision in {zone_key} adds {p.fragments_per_collision} fragments")
                continue
            self._loss(active[hit], zone_key)

    def _loss(self, satellite: SpaceAssetAgent, zone_key: str) -> None:
        """A satellite destroyed by debris; a strategic one reads as an attack if an adversary has an ASAT."""
        model = self.model
        model.engagements.disable_satellite(satellite)
        log_id = model.record("collision", f"{satellite.describe()} destroyed by debris in {zone_key}")
        if not satellite.strategic:
            return
        suspects = [
            a.owner
            for a in model.assets.values()
            if isinstance(a, SpaceAssetAgent)
            and a.spec.role == SpaceRole.CO_ORBITAL_ASAT
            and a.owner in satellite.owner.adversaries
        ]
        if suspects:
            model.escalation.schedule_response(
                satellite.owner,
                suspects[0],
                PROVOCATION_STRATEGIC,
                Cause("entanglement", (log_id,)),
                satellite.autonomy,
                suspects[0],
                model.engagements.discovery(suspects[0]),
            )
