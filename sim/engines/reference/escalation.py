"""Escalation: attribution, response decisions racing hotline clarifications, hazards, rung changes.

Every rung change carries a :class:`~sim.engines.reference.records.Cause` whose root says whether the step is
deliberate or inadvertent (BRIEF §3.7, §3.8, §3.11).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from sim.engines.reference.draws import Purpose
from sim.engines.reference.records import (
    Cause,
    DecisionPoint,
    HotlineMessage,
    PendingResponse,
    PlayerChoice,
    RungChange,
)
from sim.kernels import perception, response
from sim.kernels.rng import bernoulli, choice_index, exponential
from sim.scenario.schema import Autonomy, Commitment
from sim.vocabulary import RUNG_NAMES

if TYPE_CHECKING:
    from sim.engines.reference.agents import ActorAgent, AssetAgent
    from sim.engines.reference.model import EscalationModel


class Escalation:
    """The escalation logic of one model."""

    def __init__(self, model: EscalationModel) -> None:
        self.model = model
        self.params = model.spec.parameters
        self.policy = model.spec.policy

    # ------------------------------------------------------------------ rung changes

    def change_rung(self, actor: ActorAgent, new_rung: int, cause: Cause, why: str) -> None:
        """Move an actor to ``new_rung`` and record the step, its severity and crisis-level firsts."""
        model = self.model
        old, before = actor.rung, model.crisis_level
        if new_rung == old:
            return
        verb = "escalates" if new_rung > old else "de-escalates"
        log_id = model.record(
            "rung_change",
            f"{actor.key} {verb} to rung {new_rung} ({RUNG_NAMES[new_rung]}): {why} [root: {cause.root}]",
            cause.chain,
        )
        actor.rung = new_rung
        actor.last_cause = cause.extended(log_id)
        after = model.crisis_level
        model.severity += float(response.severity_of_step(old, new_rung))
        model.rung_changes.append(RungChange(model.now, actor.key, old, new_rung, before, after, cause, log_id))
        for k in range(before + 1, after + 1):
            if math.isnan(model.first_hours[k]):
                model.first_hours[k] = model.now

    def deliberate_step(self, actor: ActorAgent) -> None:
        """Tick-level hazards of deliberate escalation (base + Jervis spiral) and de-escalation."""
        model, p = self.model, self.params.response
        threat = actor.max_adversary_rung()
        up_rate = response.escalation_hazard_per_day(
            p.deliberate_escalation_per_day, actor.spec.resolve, actor.rung, threat, p.spiral_gain
        )
        top = max(actor.adversaries, key=lambda a: a.rung, default=None)
        linked = top is not None and self._hotline_links(actor, top)
        bonus = self.policy.hotline.reliability if linked else 0.0
        down_rate = response.de_escalation_hazard_per_day(
            p.de_escalation_per_day, actor.spec.resolve, actor.rung, threat, bonus
        )
        p_up = response.hazard_probability(up_rate, model.tick_hours)
        p_down = response.hazard_probability(down_rate, model.tick_hours)
        if p_up + p_down <= 0.0:
            return
        u = model.draws.u(actor.index, Purpose.HAZARD)
        if u < p_up:
            self.change_rung(actor, actor.rung + 1, self._escalation_cause(actor, up_rate), "deliberate escalation")
        elif u < p_up + p_down:
            log_id = model.record("decision", f"{actor.key} leadership chooses to de-escalate")
            self.change_rung(actor, actor.rung - 1, Cause("deliberate", (log_id,)), "deliberate de-escalation")

    def _escalation_cause(self, actor: ActorAgent, up_rate: float) -> Cause:
        """Competing risks: the base hazard is deliberate; the spiral share inherits the threat's root."""
        p = self.params.response
        base_rate = response.escalation_hazard_per_day(
            p.deliberate_escalation_per_day, actor.spec.resolve, actor.rung, actor.rung, p.spiral_gain
        )
        top = max(actor.adversaries, key=lambda a: a.rung, default=None)
        u = self.model.draws.u(actor.index, Purpose.HAZARD_COMPONENT)
        if top is None or top.last_cause is None or u * up_rate < base_rate:
            log_id = self.model.record("decision", f"{actor.key} leadership chooses to escalate")
            return Cause("deliberate", (log_id,))
        log_id = self.model.record(
            "decision", f"{actor.key} leadership escalates in answer to {top.key} at rung {top.rung} (spiral)"
        )
        return top.last_cause.extended(log_id)

    # ------------------------------------------------------------------ attacks and responses

    def attribute(self, attacker: AssetAgent, victim: ActorAgent) -> tuple[ActorAgent, bool]:
        """Who the victim blames for an attack by ``attacker``, and whether that is a misattribution."""
        model, p = self.model, self.params.response
        owner = attacker.owner
        prolif = model.spec.technology.proliferation
        recipient = owner.key in prolif.recipients and prolif.source_actor not in (None, owner.key, victim.key)
        p_mis = perception.misattribution_probability(
            p.misattribution_base, p.misattribution_per_proliferation, prolif.level, recipient
        )
        if not bernoulli(model.draws.u(victim.index, Purpose.ATTRIBUTION), p_mis):
            return owner, False
        if recipient:
            return model.actors[prolif.source_actor], True
        others = [a for a in victim.adversaries if a is not owner]
        if not others:
            return owner, False
        return others[choice_index(model.draws.u(victim.index, Purpose.ATTRIBUTION_PICK), len(others))], True

    def schedule_response(
        self,
        victim: ActorAgent,
        blamed: ActorAgent,
        provocation_rung: int,
        cause: Cause,
        autonomy: Autonomy,
        clarifier: ActorAgent | None,
        discovery_hours: float | None,
    ) -> PendingResponse:
        """Start the victim's response decision; start a hotline clarification racing it where one can."""
        model = self.model
        factor = self.params.command.response_latency_factor[autonomy]
        u = model.draws.u(victim.index, Purpose.RESPONSE_LATENCY)
        latency = exponential(u, victim.spec.decision_latency_hours * factor)
        pending = PendingResponse(
            id=model.new_record_id(),
            actor=victim.key,
            blamed=blamed.key,
            provocation_rung=provocation_rung,
            cause=cause,
            due_hours=model.now + latency,
            clarifiable_by=clarifier.key if clarifier is not None else None,
        )
        model.pending.responses[pending.id] = pending
        model.env.process(self._respond(pending, latency))
        if clarifier is not None and discovery_hours is not None and self._hotline_links(clarifier, victim):
            model.env.process(self._clarify(clarifier, victim, pending, discovery_hours))
        return pending

    def _respond(self, pending: PendingResponse, latency: float):
        yield self.model.env.timeout(latency)
        if not pending.cancelled and pending.actor == self.model.player:
            choice = yield self._await_player(pending)
            if choice is not None:
                self.model.pending.responses.pop(pending.id, None)
                self.apply_player_choice(pending, choice)
            return
        self.model.pending.responses.pop(pending.id, None)
        if pending.cancelled:
            return
        self.decide_response(pending)

    def _await_player(self, pending: PendingResponse):
        """Open a decision point for the player's actor; the player's choice triggers the returned event."""
        model = self.model
        event = model.env.event()
        model.decision_points[pending.id] = DecisionPoint(pending, event)
        model.record(
            "decision_point",
            f"{pending.actor} must decide its response to {pending.blamed} "
            f"(provocation read as rung {pending.provocation_rung}) — player's decision",
            pending.cause.chain,
        )
        return event

    def apply_player_choice(self, pending: PendingResponse, choice: PlayerChoice) -> None:
        """Carry out the player's decision: respond at a rung (up or down), or hold."""
        model = self.model
        actor = model.actors[pending.actor]
        if choice.rung is None or choice.rung == actor.rung:
            model.record("response", f"{actor.key} (player) holds at rung {actor.rung}", pending.cause.chain)
            return
        log_id = model.record(
            "response", f"{actor.key} (player) responds to {pending.blamed} at rung {choice.rung}", pending.cause.chain
        )
        if choice.rung > actor.rung:
            self.change_rung(
                actor, choice.rung, pending.cause.extended(log_id), f"player's response to {pending.blamed}"
            )
        else:
            self.change_rung(actor, choice.rung, Cause("deliberate", (log_id,)), "player's de-escalation")

    def player_hotline_call(self, pending: PendingResponse) -> str:
        """The player calls the blamed side before deciding; it may explain what happened, or not answer."""
        model = self.model
        actor, blamed = model.actors[pending.actor], model.actors[pending.blamed]
        if not self._hotline_links(actor, blamed):
            text = f"{actor.key} has no hotline to {blamed.key}"
        elif not bernoulli(model.draws.u(actor.index, Purpose.PLAYER_HOTLINE), self.policy.hotline.reliability):
            text = f"{actor.key} calls {blamed.key} on the hotline: no answer, or not believed"
        elif pending.cause.inadvertent:
            text = f"{actor.key} calls {blamed.key}: {blamed.key} says it was not intended ({pending.cause.root})"
        else:
            text = f"{actor.key} calls {blamed.key}: {blamed.key} does not disavow the act"
        model.record("hotline", text)
        return text

    def decide_response(self, pending: PendingResponse) -> None:
        """The victim's leadership picks a response rung by doctrine, resolve and risk tolerance."""
        model = self.model
        actor = model.actors[pending.actor]
        u = model.draws.u(actor.index, Purpose.RESPONSE_RUNG)
        target = int(
            response.response_rung(
                pending.provocation_rung,
                actor.rung,
                actor.doctrine,
                actor.spec.resolve,
                actor.spec.risk_tolerance,
                u,
            )
        )
        log_id = model.record(
            "response",
            f"{actor.key} leadership decides its response to {pending.blamed} "
            f"(provocation read as rung {pending.provocation_rung})",
            pending.cause.chain,
        )
        if target > actor.rung:
            self.change_rung(actor, target, pending.cause.extended(log_id), f"response against {pending.blamed}")

    def _clarify(self, sender: ActorAgent, receiver: ActorAgent, pending: PendingResponse, discovery_hours: float):
        model, hotline = self.model, self.policy.hotline
        yield model.env.timeout(discovery_hours)
        latency = exponential(model.draws.u(sender.index, Purpose.HOTLINE_LATENCY), hotline.latency_hours)
        delivered = bernoulli(model.draws.u(sender.index, Purpose.HOTLINE_DELIVERY), hotline.reliability)
        message = HotlineMessage(
            model.new_record_id(), sender.key, receiver.key, pending.id, model.now, model.now + latency, delivered
        )
        model.pending.messages[message.id] = message
        model.record("hotline", f"{sender.key} calls {receiver.key} on the hotline to clarify")
        yield model.env.timeout(latency)
        model.pending.messages.pop(message.id, None)
        if not delivered:
            model.record("hotline", f"{sender.key}'s clarification to {receiver.key} goes unanswered or unbelieved")
        elif pending.id in model.pending.responses:
            pending.cancelled = True
            model.pending.responses.pop(pending.id)
            point = model.decision_points.pop(pending.id, None)
            if point is not None:
                point.event.succeed(None)
            model.record("hotline", f"{receiver.key} accepts {sender.key}'s clarification and stands its response down")
        else:
            model.record("hotline", f"{sender.key}'s clarification reaches {receiver.key} after it has responded")

    def _hotline_links(self, *actors: ActorAgent) -> bool:
        return self.policy.hotline.enabled and all(Commitment.HOTLINE in a.commitments for a in actors)
