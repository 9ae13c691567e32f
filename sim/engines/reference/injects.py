"""Scheduled events (injects): false alarms, ASAT tests, collisions at sea, ordered attacks, autonomy changes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.engines.reference.draws import Purpose
from sim.engines.reference.records import Cause
from sim.engines.shared.provocations import PROVOCATION_ASAT_TEST, PROVOCATION_COLLISION
from sim.kernels.rng import bernoulli
from sim.scenario.schema import (
    AsatTestInject,
    AttackInject,
    AutonomyChangeInject,
    CollisionAtSeaInject,
    Commitment,
    FalseAlarmInject,
)

if TYPE_CHECKING:
    from sim.engines.reference.model import EscalationModel


class Injects:
    """The inject processes of one model."""

    def __init__(self, model: EscalationModel) -> None:
        self.model = model
        self.policy = model.spec.policy

    def add(self, inject) -> None:
        """Schedule an inject (a scenario's at start, or a facilitator's during a live game)."""
        self.model.env.process(self._inject(inject))

    def _inject(self, inject):
        model = self.model
        yield model.env.timeout(max(0.0, inject.at_hours - model.env.now))
        note = f" — {inject.description}" if inject.description else ""
        if isinstance(inject, FalseAlarmInject):
            actor = model.actors[inject.actor]
            warning = model.warning.early_warning(actor, operational=False)
            autonomy = warning[0].autonomy if warning else actor.spec.autonomy
            model.warning.false_alarm(actor, model.actors[inject.blamed], autonomy, note)
        elif isinstance(inject, AsatTestInject):
            self._asat_test(inject, note)
        elif isinstance(inject, CollisionAtSeaInject):
            self._collision_at_sea(inject, note)
        elif isinstance(inject, AttackInject):
            attacker, target = model.assets[inject.attacker], model.assets[inject.target]
            if attacker.operational and target.operational:
                log_id = model.record("inject", f"{attacker.describe()} ordered to attack {target.describe()}{note}")
                model.engagements.engage(attacker, target, True, log_id, "deliberate order", ordered=True)
        elif isinstance(inject, AutonomyChangeInject):
            actor = model.actors[inject.actor]
            for asset in model.assets.values():
                if asset.owner is actor:
                    asset.autonomy = model.capped_autonomy(asset, inject.autonomy)
            model.record("inject", f"{actor.key} sets its assets to {inject.autonomy.value.replace('_', ' ')}{note}")

    def _asat_test(self, inject: AsatTestInject, note: str) -> None:
        model = self.model
        actor = model.actors[inject.actor]
        moratorium = self.policy.asat_test_moratorium
        bound = moratorium.enabled and Commitment.ASAT_TEST_MORATORIUM in actor.commitments
        if bound and bernoulli(model.draws.u(actor.index, Purpose.MORATORIUM), moratorium.compliance):
            model.record("inject", f"{actor.key} forgoes a scheduled ASAT test (moratorium){note}")
            return
        model.tracked_objects[inject.zone] += inject.debris
        model.counts["debris"] += inject.debris
        log_id = model.record("inject", f"{actor.key} conducts a destructive ASAT test in {inject.zone}{note}")
        for adversary in actor.adversaries:
            model.escalation.schedule_response(
                adversary,
                actor,
                PROVOCATION_ASAT_TEST,
                Cause("deliberate", (log_id,)),
                adversary.spec.autonomy,
                None,
                None,
            )

    def _collision_at_sea(self, inject: CollisionAtSeaInject, note: str) -> None:
        model = self.model
        first, second = (model.assets[key] for key in inject.assets)
        log_id = model.record("inject", f"{first.describe()} and {second.describe()} collide{note}")
        if first.owner is second.owner:
            return
        for victim, other in ((first, second), (second, first)):
            model.escalation.schedule_response(
                victim.owner,
                other.owner,
                PROVOCATION_COLLISION,
                Cause("accident", (log_id,)),
                victim.autonomy,
                other.owner,
                model.engagements.discovery(other.owner),
            )
