"""The human-control norm with teeth: committed actors choose to comply or defect, violations are detected,
and a detected violation has consequences (posture pressure on the violator, distrust, a weaker hotline).

An actor bound by the norm (the norm is in force and the actor committed to it) decides whether to
comply at the start, whenever its rung rises, and whenever it sees an adversary's violation detected;
a complying actor's assets are capped at on the loop (docs/model.md §8.6).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.engines.reference.draws import Purpose
from sim.kernels import norms
from sim.kernels.response import hazard_probability
from sim.kernels.rng import bernoulli
from sim.scenario.schema import AUTONOMY_ORDER, Autonomy, Commitment

if TYPE_CHECKING:
    from sim.engines.reference.agents import ActorAgent
    from sim.engines.reference.model import EscalationModel

BOUND_CAP = Autonomy.ON_THE_LOOP
"""The norm's cap on a complying actor's assets."""


class Norms:
    """The human-control norm of one model."""

    def __init__(self, model: EscalationModel) -> None:
        self.model = model
        self.norm = model.spec.policy.human_control_norm

    def bound(self, actor: ActorAgent) -> bool:
        """Whether the norm is in force and the actor committed to it."""
        return self.norm.enabled and Commitment.HUMAN_CONTROL_NORM in actor.commitments

    def decide(self, actor: ActorAgent, log: bool = True) -> None:
        """The actor chooses to comply or defect (resolve of the moment: its rung; its trust in adversaries)."""
        model, n = self.model, self.norm
        p = norms.norm_compliance(
            n.baseline_compliance, n.detection_per_day[n.verification], n.escalation_pressure, actor.rung, actor.trust
        )
        complies = model.draws.u(actor.index, Purpose.NORM_COMPLIANCE) < p
        if complies == actor.complies_with_norm:
            return
        actor.complies_with_norm = complies
        if log:
            verb = "returns to" if complies else "stops complying with"
            model.record("norm", f"{actor.key} {verb} the human-control norm")
        for asset in model.assets.values():
            if asset.owner is actor:
                asset.autonomy = model.capped_autonomy(asset, asset.wanted_autonomy)

    def violating(self, actor: ActorAgent) -> bool:
        """Whether the actor is bound, does not comply, and runs some asset above the norm's cap."""
        if not self.bound(actor) or actor.complies_with_norm:
            return False
        cap = AUTONOMY_ORDER.index(BOUND_CAP)
        return any(
            asset.owner is actor and AUTONOMY_ORDER.index(asset.autonomy) > cap for asset in self.model.assets.values()
        )

    def verify(self) -> None:
        """Once per tick: each ongoing violation is detected at the verification method's hazard."""
        model, n = self.model, self.norm
        for actor in model.actor_list:
            if actor.violation_detected or not self.violating(actor):
                continue
            p = hazard_probability(n.detection_per_day[n.verification], model.tick_hours)
            if bernoulli(model.draws.u(actor.index, Purpose.NORM_DETECTION), p):
                self._detected(actor)

    def _detected(self, violator: ActorAgent) -> None:
        model, n = self.model, self.norm
        violator.violation_detected = True
        what = f"{violator.key}'s violation of the human-control norm is detected ({n.verification.value})"
        model.record("norm", what)
        for adversary in violator.adversaries:
            adversary.trust = n.distrust
            if self.bound(adversary):
                self.decide(adversary)

    def pressure(self, target: ActorAgent) -> float:
        """Multiplier on deliberate escalation against ``target``: ``1 + violation_pressure`` once it is a
        detected violator (posture pressure), else 1."""
        return 1.0 + self.norm.violation_pressure if target.violation_detected else 1.0

    def hotline_factor(self, actor: ActorAgent) -> float:
        """Share of the hotline's reliability left for a link with this actor (a detected violator is doubted)."""
        return 1.0 - self.norm.hotline_penalty if actor.violation_detected else 1.0
