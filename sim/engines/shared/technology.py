"""The technology layer at crisis start: each actor's d', fleet, compute share and strength (BRIEF §3.9)."""

from __future__ import annotations

from dataclasses import dataclass

from sim.kernels import technology as tech
from sim.scenario.schema import AISource, Scenario


@dataclass(frozen=True)
class ActorTechnology:
    """What the technology layer gives one actor at crisis start.

    Attributes:
        model_capability: Capability of the actor's model before compute limits, 0-1.
        compute_share: Share of its compute need the actor can meet, 0-1.
        effective_capability: Capability after compute limits, 0-1.
        d_prime: Classifier sensitivity d' of its AI stack.
        fleet_fraction: Share of its autonomous (drone) fleet it can field.
        strength: Military-AI strength K = effective capability x fleet fraction (the capability balance).
        distilled: Whether its AI is a distilled student, its own or proliferated to it (it shares the teacher's
            blind spots).
    """

    model_capability: float
    compute_share: float
    effective_capability: float
    d_prime: float
    fleet_fraction: float
    strength: float
    distilled: bool


def actor_technology(scenario: Scenario, actor_id: str) -> ActorTechnology:
    """Apply export controls, distillation and domestic chips to one actor."""
    layer = scenario.technology
    actor = scenario.actors[actor_id]
    d = layer.distillation
    student = float(
        tech.distilled_capability(layer.frontier_capability, d.fidelity, d.lag_months, d.frontier_growth_per_month)
    )
    if actor.ai.source == AISource.DISTILLED and actor.ai.capability is None:
        model_capability = student
    else:
        model_capability = float(actor.ai.capability)
    distilled = actor.ai.source == AISource.DISTILLED
    prolif = layer.proliferation
    if actor_id in prolif.recipients:
        # A recipient that fields the proliferated student (it beats its own model) shares its teacher's blind spots.
        distilled = distilled or (prolif.level > 0.0 and student > model_capability)
        model_capability = float(tech.proliferated_capability(model_capability, student, prolif.level))
    share = float(
        tech.compute_share(
            actor.compute.frontier_chip_access,
            actor.compute.export_controlled,
            layer.export_control_strength,
            layer.domestic_chip_capacity.get(actor_id, 0.0),
        )
    )
    effective = float(tech.effective_capability(model_capability, share, layer.compute_capability_floor))
    fleet = float(tech.fleet_fraction(share, layer.compute_fleet_floor))
    return ActorTechnology(
        model_capability=model_capability,
        compute_share=share,
        effective_capability=effective,
        d_prime=float(tech.d_prime(effective, layer.dprime_at_full_capability)),
        fleet_fraction=fleet,
        strength=effective * fleet,
        distilled=distilled,
    )
