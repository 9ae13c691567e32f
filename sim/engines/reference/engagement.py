"""Engagements: what one attack does (Hughes salvo, drone attrition, ASAT kill), how the victim reads it, whom
it blames, and the response (and allies' obligations) it starts."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from sim.engines.reference.agents import AssetAgent, DroneSwarmAgent, NavalGroupAgent, SpaceAssetAgent
from sim.engines.reference.draws import Purpose
from sim.engines.reference.records import Cause, Chain
from sim.engines.shared.provocations import (
    PROVOCATION_HARASSMENT,
    PROVOCATION_KINETIC,
    PROVOCATION_SPACE,
    PROVOCATION_STRATEGIC,
)
from sim.kernels import combat, space
from sim.kernels.response import BELOW_FIREBREAK
from sim.kernels.rng import exponential
from sim.scenario.schema import SpaceRole

if TYPE_CHECKING:
    from sim.engines.reference.agents import ActorAgent
    from sim.engines.reference.model import EscalationModel


class Engagements:
    """Resolves engagements and strikes for one model."""

    def __init__(self, model: EscalationModel) -> None:
        self.model = model
        self.params = model.spec.parameters

    def engage(
        self,
        asset: AssetAgent,
        other: AssetAgent,
        hostile: bool,
        cause_id: int,
        how: str,
        ordered: bool = False,
        strike: bool = False,
        chain: Chain | None = None,
    ) -> None:
        """Resolve an attack by ``asset`` on ``other``, start the victim's response and its machine-speed answers.

        Args:
            asset: The attacking asset.
            other: The asset attacked.
            hostile: Whether the contact behind the attack was truly hostile (False: the attacker
                misidentified a benign contact). A strike is a hostile act by definition.
            cause_id: Log id of the event that led to the attack.
            how: The autonomy path (or "hostile strike", "deliberate order"), for the log.
            ordered: A deliberate attack ordered by an inject (its root is deliberate).
            strike: A hostile contact striking the asset it approached (counted as a hostile strike).
            chain: The machine-speed chain this attack is an exchange of (an autonomous answer), if any.
        """
        model = self.model
        counter = "hostile_strikes" if strike else "engagements_true" if hostile else "engagements_false"
        model.counts[counter] += 1
        if math.isnan(model.first_shot_hours):
            model.first_shot_hours = model.now
        attacker, victim = asset.owner, other.owner
        attacker.has_attacked = True
        if model.homeland.get(other.zone) is victim:
            victim.homeland_hit = True
        losses = self._resolve(asset, other)
        provocation = self._provocation(other, losses)
        if chain is not None:
            chain.kinetic += 1 if losses > 0 else 0
            if chain.kinetic >= self.params.flash.theater_exchanges:
                provocation = max(provocation, BELOW_FIREBREAK)
        log_id = model.record(
            "engagement",
            f"{asset.describe()} engages {other.describe()} ({how}): {self._describe_losses(other, losses)}",
            (cause_id,),
        )
        escalation = model.escalation
        latency = escalation.response_latency(victim, other.autonomy)
        blamed, misattributed = escalation.attribute(asset, victim, latency)
        cause, clarifier, discovery = self._cause(
            asset,
            other,
            hostile,
            (blamed if misattributed else None),
            provocation,
            ordered,
            strike,
            chain,
            cause_id,
            log_id,
        )
        if misattributed:
            model.record("attribution", f"{victim.key} attributes the attack to {blamed.key}", (log_id,))
        pending = escalation.schedule_response(
            victim,
            blamed,
            provocation,
            cause,
            other.autonomy,
            clarifier,
            discovery,
            latency=latency,
            chain=-1 if chain is None else chain.id,
        )
        escalation.call_allies(victim, blamed, provocation, cause)
        if chain is not None:
            model.flash.exchange_made(asset, other, chain, provocation, chain.cause.extended(log_id))
        model.flash.after_attack(asset, other, chain, cause, losses, log_id, pending)

    def _cause(
        self,
        asset: AssetAgent,
        other: AssetAgent,
        hostile: bool,
        wrongly_blamed: ActorAgent | None,
        provocation: int,
        ordered: bool,
        strike: bool,
        chain: Chain | None,
        cause_id: int,
        log_id: int,
    ) -> tuple[Cause, ActorAgent | None, float | None]:
        """Why the victim responds (§12.1), who may clarify on the hotline, and after how long."""
        model = self.model
        attacker, victim = asset.owner, other.owner
        intended = max(model.posture_of(attacker, victim), PROVOCATION_KINETIC)
        if not hostile:
            return Cause("misidentification", (cause_id, log_id)), attacker, self.discovery(attacker)
        if wrongly_blamed is not None:
            return Cause("misattribution", (log_id,)), wrongly_blamed, self.discovery(wrongly_blamed)
        if isinstance(other, SpaceAssetAgent) and other.strategic and provocation > intended:
            # Entanglement (Acton): an attack on early-warning or nuclear C3 satellites read as strategic.
            return Cause("entanglement", (log_id,)), attacker, self.discovery(attacker)
        if ordered:
            return Cause("deliberate", (cause_id, log_id)), None, None
        if chain is not None:
            return chain.cause.extended(log_id), None, None
        # A hostile act inherits whatever drove its side's posture toward the other.
        hostile_side, target_side = (attacker, victim) if strike else (victim, attacker)
        root = model.last_cause[hostile_side.index][target_side.index]
        return (root.extended(log_id) if root is not None else Cause("deliberate", (log_id,))), None, None

    def discovery(self, actor: ActorAgent) -> float:
        """Time for a side to learn its act was a mistake (or that it was blamed), hours."""
        mean = self.params.command.error_discovery_hours
        return exponential(self.model.draws.u(actor.index, Purpose.ERROR_DISCOVERY), mean)

    def _resolve(self, asset: AssetAgent, other: AssetAgent) -> int:
        """Apply the attack's losses to ``other`` (and expended drones to ``asset``); return losses."""
        model, p = self.model, self.params.engagement
        u1 = model.draws.u(asset.index, Purpose.SALVO_INTERCEPT)
        u2 = model.draws.u(asset.index, Purpose.SALVO_HIT)
        if isinstance(other, SpaceAssetAgent):
            return self._asat_attack(asset, other, u1)
        if isinstance(asset, DroneSwarmAgent):
            shots = max(1, round(p.swarm_salvo_fraction * asset.drones))
            shots = min(shots, asset.drones)
            asset.drones -= shots
            asset.owner.losses["drones"] += shots
            if isinstance(other, NavalGroupAgent):
                return self._salvo(asset, shots, asset.spec.hit_probability, other, u1, u2)
            return self._drone_losses(other, combat.drone_attrition(shots, other.drones, p.drone_kill_probability, u1))
        if isinstance(other, NavalGroupAgent):
            shots = asset.ships * asset.spec.missiles_per_ship
            return self._salvo(asset, shots, p.missile_hit_probability, other, u1, u2)
        shots = min(asset.ships * asset.spec.air_defense, asset.rounds)
        asset.rounds -= shots
        return self._drone_losses(
            other, combat.drone_attrition(shots, other.drones, asset.spec.intercept_probability, u1)
        )

    def _salvo(self, asset: AssetAgent, shots: int, p_hit: float, ships: NavalGroupAgent, u1: float, u2: float) -> int:
        """A Hughes salvo with shoot-shoot-look defence: two more uniforms per round of defensive fire."""
        draws, s = self.model.draws, ships.spec
        u3 = draws.u(asset.index, Purpose.SALVO_INTERCEPT)
        u4 = draws.u(asset.index, Purpose.SALVO_INTERCEPT)
        u5 = draws.u(asset.index, Purpose.SALVO_INTERCEPT)
        _, _, lost, fired = combat.salvo_exchange(
            shots,
            p_hit,
            ships.ships,
            min(ships.ships * s.air_defense, ships.rounds),
            s.intercept_probability,
            s.staying_power,
            self.params.engagement.shots_per_threat,
            u1,
            u3,
            u4,
            u5,
            u2,
        )
        ships.rounds -= int(fired)
        ships.ships -= int(lost)
        ships.owner.losses["ships"] += int(lost)
        return int(lost)

    def _drone_losses(self, swarm: DroneSwarmAgent, lost: int) -> int:
        swarm.drones -= int(lost)
        swarm.owner.losses["drones"] += int(lost)
        return int(lost)

    def _asat_attack(self, asset: AssetAgent, target: SpaceAssetAgent, u: float) -> int:
        if not space.asat_kill(u, asset.spec.kill_probability):
            return 0
        self.disable_satellite(target)
        self.model.orbits.add_fragments(target.zone, asset.spec.debris_per_kill)
        return 1

    def disable_satellite(self, target: SpaceAssetAgent) -> None:
        """Take a satellite out of action (an ISR satellite lost blinds its owner's classifiers, §7; a strategic
        one lost is a stake at the nuclear threshold, §13.3)."""
        target.disabled = True
        target.owner.losses["satellites"] += 1
        if target.strategic:
            target.owner.strategic_hit = True
        if target.spec.role == SpaceRole.ISR:
            target.owner.isr_lost += 1

    @staticmethod
    def _provocation(target: AssetAgent, losses: int) -> int:
        if isinstance(target, SpaceAssetAgent):
            if target.strategic:
                return PROVOCATION_STRATEGIC
            return PROVOCATION_SPACE if losses else PROVOCATION_HARASSMENT
        return PROVOCATION_KINETIC if losses else PROVOCATION_HARASSMENT

    @staticmethod
    def _describe_losses(target: AssetAgent, losses: int) -> str:
        if isinstance(target, SpaceAssetAgent):
            return "target disabled" if losses else "target survives"
        unit = "ships" if isinstance(target, NavalGroupAgent) else "drones"
        return f"{losses} {unit} lost" if losses else "no losses"
