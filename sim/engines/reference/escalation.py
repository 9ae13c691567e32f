"""Escalation between pairs of actors: postures, attribution, responses racing hotline clarifications,
deliberate hazards, alliance obligations and crisis endings.

Every actor holds a **posture** toward every other actor (a rung of the ladder); its rung is its highest
posture and the crisis level the highest rung. A response raises the victim's posture toward the actor
it *blames*, so a misattribution escalates against the wrong state. Every posture change carries a
:class:`~sim.engines.reference.records.Cause` whose root says whether the step is deliberate or
inadvertent (BRIEF §3.7, §3.8, §3.11).
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

KINETIC = 3
"""Rung of a limited kinetic incident: an actor rising to it without having attacked is drawn in."""


class Escalation:
    """The escalation logic of one model."""

    def __init__(self, model: EscalationModel) -> None:
        self.model = model
        self.params = model.spec.parameters
        self.policy = model.spec.policy

    # ------------------------------------------------------------------ posture changes

    def change_posture(
        self, actor: ActorAgent, toward: ActorAgent, new: int, cause: Cause, why: str, machine: bool = False
    ) -> None:
        """Move an actor's posture toward another to ``new``; record the step, its severity and crisis-level firsts.

        ``machine``: the step is its forces' machine-speed answer (§12.7), not a leadership decision: it fires
        no direct-ascent weapon, and the other side answers the attack itself, not the step.
        """
        model = self.model
        old = model.posture[actor.index][toward.index]
        if new == old:
            return
        old_rung, before = actor.rung, model.crisis_level
        verb = "escalates" if new > old else "de-escalates"
        log_id = model.record(
            "rung_change",
            f"{actor.key} {verb} against {toward.key} to rung {new} ({RUNG_NAMES[new]}): {why} [root: {cause.root}]",
            cause.chain,
        )
        model.posture[actor.index][toward.index] = new
        model.last_cause[actor.index][toward.index] = cause.extended(log_id)
        actor.rung = max(r for b, r in enumerate(model.posture[actor.index]) if b != actor.index)
        after = model.crisis_level
        model.severity += float(response.severity_of_step(old_rung, actor.rung))
        model.rung_changes.append(
            RungChange(model.now, actor.key, toward.key, old, new, old_rung, actor.rung, before, after, cause, log_id)
        )
        for k in range(before + 1, after + 1):
            if math.isnan(model.first_hours[k]):
                model.first_hours[k] = model.now
        if old_rung < KINETIC <= actor.rung and not actor.has_attacked and actor.key not in model.drawn_in:
            model.drawn_in.append(actor.key)
        if new <= old:
            return
        step = cause.extended(log_id)
        leaders = not machine
        if leaders and actor.spec.direct_ascent_asat is not None and old < self.params.space.counterspace_rung <= new:
            model.counterspace.strike(actor, toward, step)
        if leaders and new >= self.params.response.answer_from_rung and new > model.posture_of(toward, actor):
            # The other side sees the step and answers it: a posture aimed at it is a provocation.
            self.schedule_response(toward, actor, new, step, toward.spec.autonomy, None, None)
        if actor.rung > old_rung and model.norms.bound(actor):
            model.norms.decide(actor)

    # ------------------------------------------------------------------ deliberate hazards

    def deliberate_step(self, actor: ActorAgent) -> None:
        """Tick-level hazards toward each adversary in turn: escalation (base + Jervis spiral) or de-escalation."""
        for other in actor.adversaries:
            self._pair_step(actor, other)

    def _pair_step(self, actor: ActorAgent, other: ActorAgent) -> None:
        model, p, fb = self.model, self.params.response, self.params.firebreak
        own, theirs = model.posture_of(actor, other), model.posture_of(other, actor)
        onset = 0.5 * p.crisis_onset_per_day if model.crisis_dyad(actor, other) else 0.0
        resolve, tilt = actor.spec.resolve, self._tilt(actor, other)
        up_rate = response.escalation_hazard_per_day(self._step_base(own), onset, resolve, own, theirs, p.spiral_gain)
        up_rate *= tilt * model.firebreak.hazard_factor(actor, own)
        jump_base = response.signal_base(own, fb.signaling_per_day)
        jump_rate = response.escalation_hazard_per_day(jump_base, 0.0, resolve, own, theirs, p.spiral_gain)
        jump_rate *= tilt * model.firebreak.multiplier(actor)
        bonus = self.talks_bonus(actor, other) if self._hotline_links(actor, other) else 0.0
        down_rate = response.de_escalation_hazard_per_day(p.de_escalation_per_day, resolve, own, theirs, bonus)
        p_up = response.hazard_probability(up_rate, model.tick_hours)
        p_jump = response.hazard_probability(jump_rate, model.tick_hours)
        p_down = response.hazard_probability(down_rate, model.tick_hours)
        if p_up + p_jump + p_down <= 0.0:
            return
        u = model.draws.u(actor.index, Purpose.HAZARD)
        if u < p_up:
            base = self._step_base(own) * (0.5 + resolve) * tilt * model.firebreak.hazard_factor(actor, own)
            cause = self._escalation_cause(actor, other, up_rate, base)
            self.change_posture(actor, other, own + 1, cause, "deliberate escalation")
        elif u < p_up + p_jump:
            base = jump_base * (0.5 + resolve) * tilt * model.firebreak.multiplier(actor)
            cause = self._escalation_cause(actor, other, jump_rate, base)
            self.change_posture(actor, other, response.SIGNALING, cause, "deliberate escalation")
        elif u < p_up + p_jump + p_down:
            log_id = model.record("decision", f"{actor.key} leadership chooses to de-escalate toward {other.key}")
            self.change_posture(actor, other, own - 1, Cause("deliberate", (log_id,)), "deliberate de-escalation")

    def _step_base(self, own: int) -> float:
        """Base hazard of a deliberate step up from ``own``: the crisis hazard below the firebreak, then its own."""
        p, fb = self.params.response, self.params.firebreak
        return float(
            response.step_base(
                own, p.deliberate_escalation_per_day, fb.strategic_per_day, fb.signaling_per_day, fb.use_per_day
            )
        )

    def _tilt(self, actor: ActorAgent, other: ActorAgent) -> float:
        """What multiplies the deliberate escalation hazard: the capability balance (window of opportunity,
        §13.1) and the posture pressure on a detected violator of the human-control norm (§8.6)."""
        return self.model.balance_factor(actor, other) * self.model.norms.pressure(other)

    def _escalation_cause(self, actor: ActorAgent, other: ActorAgent, rate: float, base_rate: float) -> Cause:
        """Competing risks: the base hazard is deliberate; the spiral share inherits the other's root toward it."""
        model = self.model
        own, theirs = model.posture_of(actor, other), model.posture_of(other, actor)
        threat = model.last_cause[other.index][actor.index]
        u = model.draws.u(actor.index, Purpose.HAZARD_COMPONENT)
        if theirs <= own or threat is None or u * rate < base_rate:
            log_id = model.record("decision", f"{actor.key} leadership chooses to escalate against {other.key}")
            return Cause("deliberate", (log_id,))
        log_id = model.record(
            "decision", f"{actor.key} leadership escalates in answer to {other.key} at rung {theirs} (spiral)"
        )
        return threat.extended(log_id)

    # ------------------------------------------------------------------ crisis endings

    def crisis_ending(self) -> None:
        """Once per tick: the crisis may end (settlement above rung 1, else a return to competition)."""
        model, p = self.model, self.params.ending
        level = model.crisis_level
        if level < 1 or p.end_per_day <= 0.0:
            return
        top = next(actor for actor in model.actor_list if actor.rung == level)
        other = next(b for b in model.actor_list if b is not top and model.posture_of(top, b) == level)
        bonus = self.talks_bonus(top, other) if self._hotline_links(top, other) else 0.0
        rate = response.ending_hazard_per_day(
            p.end_per_day, p.level_decay, p.incident_gain, level, model.kinetic_incidents, bonus
        )
        if not bernoulli(
            model.draws.u(model.global_entity, Purpose.ENDING), response.hazard_probability(rate, model.tick_hours)
        ):
            return
        state = "settlement" if level >= 2 else "competition"
        if math.isnan(model.end_hours):
            model.end_hours, model.end_state = model.now, state
        log_id = model.record("crisis_end", f"the crisis ends ({state}): every side stands down to competition")
        cause = Cause("deliberate", (log_id,))
        for actor in model.actor_list:
            for toward in model.actor_list:
                if toward is not actor and model.posture_of(actor, toward) > 0:
                    self.change_posture(actor, toward, 0, cause, f"the crisis ends ({state})")

    # ------------------------------------------------------------------ attacks and responses

    def response_latency(self, victim: ActorAgent, autonomy: Autonomy) -> float:
        """Time the victim's leadership takes to decide a response, hours (§12.3)."""
        factor = self.params.command.response_latency_factor[autonomy]
        u = self.model.draws.u(victim.index, Purpose.RESPONSE_LATENCY)
        return float(exponential(u, victim.spec.decision_latency_hours * factor))

    def attribute(self, attacker: AssetAgent, victim: ActorAgent, hours: float) -> tuple[ActorAgent, bool]:
        """Who the victim blames for an attack by ``attacker`` when it has ``hours`` to decide, and whether that
        is a misattribution (less time, more misattributions: §11)."""
        model, p, lead = self.model, self.params.response, self.params.leadership
        owner = attacker.owner
        prolif = model.spec.technology.proliferation
        recipient = owner.key in prolif.recipients and prolif.source_actor not in (None, owner.key, victim.key)
        unhurried = perception.misattribution_probability(
            p.misattribution_base, p.misattribution_per_proliferation, prolif.level, recipient
        )
        p_mis = perception.hurried_error(unhurried, lead.d_prime, hours, lead.time_constant_hours)
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
        obligation: int | None = None,
        latency: float | None = None,
        chain: int = -1,
    ) -> PendingResponse:
        """Start the victim's response decision; start a hotline clarification racing it where one can.

        ``latency`` is the decision time when already drawn (an attack's victim reads whom to blame with it);
        ``chain`` the machine-speed chain whose exchange provoked the response (-1: none).
        """
        model = self.model
        if latency is None:
            latency = self.response_latency(victim, autonomy)
        pending = PendingResponse(
            id=model.new_record_id(),
            actor=victim.key,
            blamed=blamed.key,
            provocation_rung=provocation_rung,
            cause=cause,
            due_hours=model.now + latency,
            clarifiable_by=clarifier.key if clarifier is not None else None,
            obligation=obligation,
            latency_hours=latency,
            chain=chain,
        )
        model.pending.responses[pending.id] = pending
        model.env.process(self._respond(pending, latency))
        if clarifier is not None and discovery_hours is not None and self._hotline_links(clarifier, victim):
            model.env.process(self._clarify(clarifier, victim, pending, discovery_hours))
        return pending

    def call_allies(self, victim: ActorAgent, blamed: ActorAgent, provocation_rung: int, cause: Cause) -> None:
        """Alliance obligations: each ally of a victim of a kinetic attack steps in against the blamed actor."""
        if provocation_rung < KINETIC:
            return
        for ally in self.model.actor_list:
            if ally is blamed or ally is victim:
                continue
            for obligation in ally.spec.obligations:
                if obligation.partner == victim.key:
                    self.schedule_response(
                        ally, blamed, provocation_rung, cause, ally.spec.autonomy, None, None, obligation.rung
                    )

    def _respond(self, pending: PendingResponse, latency: float):
        yield self.model.env.timeout(latency)
        if not pending.cancelled and pending.actor == self.model.player and pending.obligation is None:
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
        """Carry out the player's decision: set its posture toward the blamed side (up or down), or hold."""
        model = self.model
        actor, blamed = model.actors[pending.actor], model.actors[pending.blamed]
        current = model.posture_of(actor, blamed)
        if choice.rung is None or choice.rung == current:
            model.record(
                "response", f"{actor.key} (player) holds at rung {current} toward {blamed.key}", pending.cause.chain
            )
            return
        log_id = model.record(
            "response", f"{actor.key} (player) responds to {pending.blamed} at rung {choice.rung}", pending.cause.chain
        )
        if choice.rung > current:
            self.change_posture(
                actor, blamed, choice.rung, pending.cause.extended(log_id), f"player's response to {pending.blamed}"
            )
        else:
            self.change_posture(actor, blamed, choice.rung, Cause("deliberate", (log_id,)), "player's de-escalation")

    def player_hotline_call(self, pending: PendingResponse) -> str:
        """The player calls the blamed side before deciding; it may explain what happened, or not answer."""
        model = self.model
        actor, blamed = model.actors[pending.actor], model.actors[pending.blamed]
        if not self._hotline_links(actor, blamed):
            text = f"{actor.key} has no hotline to {blamed.key}"
        elif not bernoulli(model.draws.u(actor.index, Purpose.PLAYER_HOTLINE), self.reliability(actor, blamed)):
            text = f"{actor.key} calls {blamed.key} on the hotline: no answer, or not believed"
        elif pending.cause.inadvertent:
            text = f"{actor.key} calls {blamed.key}: {blamed.key} says it was not intended ({pending.cause.root})"
        else:
            text = f"{actor.key} calls {blamed.key}: {blamed.key} does not disavow the act"
        model.record("hotline", text)
        return text

    def decide_response(self, pending: PendingResponse) -> None:
        """The victim's leadership picks its posture toward the blamed actor (doctrine draw, or an obligation).

        The leadership reads the provocation with the time it took (one rung too high, more often the less time
        it had, §12.3), and a posture above the firebreak is a threshold decision of its own (§13.3).
        """
        model = self.model
        actor, blamed = model.actors[pending.actor], model.actors[pending.blamed]
        current = model.posture_of(actor, blamed)
        if pending.obligation is not None:
            target = max(current, pending.obligation)
            log_id = model.record(
                "response",
                f"{actor.key} leadership honours an obligation: it stands with its partner against {pending.blamed}",
                pending.cause.chain,
            )
            why = f"obligation against {pending.blamed}"
        else:
            read = self.read_rung(actor, pending)
            u = model.draws.u(actor.index, Purpose.RESPONSE_RUNG)
            target = int(
                response.response_rung(read, current, actor.doctrine, actor.spec.resolve, actor.spec.risk_tolerance, u)
            )
            misread = f", over-read under time pressure: it was rung {pending.provocation_rung}"
            log_id = model.record(
                "response",
                f"{actor.key} leadership decides its response to {pending.blamed} "
                f"(provocation read as rung {read}{misread if read != pending.provocation_rung else ''})",
                pending.cause.chain,
            )
            why = f"response against {pending.blamed}"
        target = model.firebreak.gate(actor, blamed, current, target, log_id)
        if target > current:
            self.change_posture(actor, blamed, target, pending.cause.extended(log_id), why)

    def read_rung(self, actor: ActorAgent, pending: PendingResponse) -> int:
        """The rung a leadership reads a provocation as: one too high with the hurried over-reading rate (§12.3)."""
        lead = self.params.leadership
        p_over = perception.hurried_error(
            lead.over_reading, lead.d_prime, pending.latency_hours, lead.time_constant_hours
        )
        over = bernoulli(self.model.draws.u(actor.index, Purpose.READING), p_over)
        return min(pending.provocation_rung + 1, 7) if over else pending.provocation_rung

    def _clarify(self, sender: ActorAgent, receiver: ActorAgent, pending: PendingResponse, discovery_hours: float):
        model, hotline = self.model, self.policy.hotline
        yield model.env.timeout(discovery_hours)
        latency = exponential(model.draws.u(sender.index, Purpose.HOTLINE_LATENCY), hotline.latency_hours)
        delivered = bernoulli(model.draws.u(sender.index, Purpose.HOTLINE_DELIVERY), self.reliability(sender, receiver))
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
            self._stand_down(pending)
            model.record("hotline", f"{receiver.key} accepts {sender.key}'s clarification and stands its response down")
            if pending.chain >= 0:
                self._stand_down_incident(pending.chain, sender, receiver)
        else:
            model.record("hotline", f"{sender.key}'s clarification reaches {receiver.key} after it has responded")

    def _stand_down(self, pending: PendingResponse) -> None:
        """Cancel a pending response (and close the player's decision point on it)."""
        model = self.model
        pending.cancelled = True
        model.pending.responses.pop(pending.id)
        point = model.decision_points.pop(pending.id, None)
        if point is not None:
            point.event.succeed(None)

    def _stand_down_incident(self, chain: int, sender: ActorAgent, receiver: ActorAgent) -> None:
        """A clarification settles the whole incident: both sides stand down their responses to its chain."""
        model = self.model
        pair = {sender.key, receiver.key}
        same = [
            r
            for r in model.pending.responses.values()
            if r.chain == chain and r.obligation is None and {r.actor, r.blamed} == pair
        ]
        for pending in same:
            self._stand_down(pending)
        if same:
            model.record(
                "hotline",
                f"{receiver.key} and {sender.key} stand down {len(same)} more responses to the same incident "
                f"(chain {chain})",
            )

    def talks_bonus(self, a: ActorAgent, b: ActorAgent) -> float:
        """The hotline's assumed de-escalation bonus between two linked actors (lower with a detected violator)."""
        norms = self.model.norms
        return self.policy.hotline.deescalation_bonus * norms.hotline_factor(a) * norms.hotline_factor(b)

    def reliability(self, a: ActorAgent, b: ActorAgent) -> float:
        """The hotline's reliability between two actors: lower with a detected norm violator (§8.6)."""
        norms = self.model.norms
        return self.policy.hotline.reliability * norms.hotline_factor(a) * norms.hotline_factor(b)

    def _hotline_links(self, *actors: ActorAgent) -> bool:
        return self.policy.hotline.enabled and all(Commitment.HOTLINE in a.commitments for a in actors)
