"""Deliberate counter-space escalation and the ASAT moratorium (docs/model.md §10.2).

An actor with a direct-ascent ASAT that raises its posture toward an adversary to the counter-space rung
strikes one of that adversary's satellites in reach. A destructive strike or test by an actor the
moratorium binds is a breach unless it forgoes it; a breach is seen by all (debris is tracked), the
other committed actors answer it, and the moratorium binds no one any more.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.engines.reference.agents import ActorAgent, SpaceAssetAgent
from sim.engines.reference.draws import Purpose
from sim.engines.reference.records import Cause
from sim.engines.shared.provocations import PROVOCATION_HARASSMENT, PROVOCATION_SPACE, PROVOCATION_STRATEGIC
from sim.kernels.rng import bernoulli
from sim.scenario.schema import Commitment

if TYPE_CHECKING:
    from sim.engines.reference.model import EscalationModel


class Counterspace:
    """Direct-ascent ASAT strikes and the moratorium of one model."""

    def __init__(self, model: EscalationModel) -> None:
        self.model = model
        self.moratorium = model.spec.policy.asat_test_moratorium

    def bound(self, actor: ActorAgent) -> bool:
        """Whether the moratorium is in force, unbroken, and the actor committed to it."""
        return (
            self.moratorium.enabled
            and not self.model.moratorium_broken
            and Commitment.ASAT_TEST_MORATORIUM in actor.commitments
        )

    def forgoes(self, actor: ActorAgent, destructive: bool) -> bool:
        """A bound actor forgoes a destructive test or strike with probability ``compliance``."""
        if not (destructive and self.bound(actor)):
            return False
        return bernoulli(self.model.draws.u(actor.index, Purpose.MORATORIUM), self.moratorium.compliance)

    def breach(self, actor: ActorAgent, cause_id: int) -> None:
        """A destructive act by a bound actor: the others answer, and the moratorium binds no one any more."""
        model = self.model
        committed = [a for a in model.actor_list if a is not actor and self.bound(a)]
        model.moratorium_broken = True
        log_id = model.record("moratorium", f"{actor.key} breaches the ASAT moratorium", (cause_id,))
        for other in committed:
            model.escalation.schedule_response(
                other,
                actor,
                self.moratorium.breach_rung,
                Cause("deliberate", (log_id,)),
                other.spec.autonomy,
                None,
                None,
            )

    def strike(self, actor: ActorAgent, target_actor: ActorAgent, cause: Cause) -> None:
        """A direct-ascent strike on the first operational satellite of ``target_actor`` in reach."""
        model, weapon = self.model, actor.spec.direct_ascent_asat
        targets = [
            a
            for a in model.assets.values()
            if isinstance(a, SpaceAssetAgent) and a.owner is target_actor and a.zone == weapon.zone and a.operational
        ]
        if not targets:
            return
        target = targets[0]
        destructive = weapon.debris > 0
        bound = self.bound(actor)
        if self.forgoes(actor, destructive):
            model.record(
                "moratorium", f"{actor.key} holds its direct-ascent strike on {target.describe()} (moratorium)"
            )
            return
        model.counts["engagements_true"] += 1
        actor.has_attacked = True
        disabled = bernoulli(model.draws.u(actor.index, Purpose.ASAT_STRIKE), weapon.kill_probability)
        if disabled:
            model.engagements.disable_satellite(target)
        if disabled and destructive:
            model.orbits.add_fragments(target.zone, weapon.debris)
        outcome = "target disabled" if disabled else "target survives"
        log_id = model.record(
            "engagement",
            f"{actor.key} strikes {target.describe()} with a direct-ascent interceptor: {outcome}",
            cause.chain,
        )
        if destructive and bound:
            self.breach(actor, log_id)
        if target.strategic:
            provocation = PROVOCATION_STRATEGIC
        else:
            provocation = PROVOCATION_SPACE if disabled else PROVOCATION_HARASSMENT
        victim = target.owner
        if target.strategic and provocation > max(model.posture_of(actor, victim), 3):
            why = Cause("entanglement", (log_id,))
            clarifier, discovery = actor, model.engagements.discovery(actor)
        else:
            why, clarifier, discovery = cause.extended(log_id), None, None
        model.escalation.schedule_response(victim, actor, provocation, why, target.autonomy, clarifier, discovery)
        model.escalation.call_allies(victim, actor, provocation, why)
