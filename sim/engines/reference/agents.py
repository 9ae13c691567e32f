"""Mesa agents: state actors (and third parties), drone swarms, naval groups and space assets.

Agents hold state; the command-and-control pipeline (:mod:`sim.engines.reference.c2`) and the escalation
logic (:mod:`sim.engines.reference.escalation`) act on it. An actor's ``step`` is its tick-level deliberate
decision (escalate, de-escalate or hold); everything faster happens in simpy events.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa

from sim.engines.shared.technology import ActorTechnology
from sim.scenario.schema import (
    AUTONOMY_ORDER,
    Actor,
    Authority,
    Autonomy,
    Doctrine,
    DroneSwarm,
    NavalGroup,
    ReviewTimeout,
    SpaceAsset,
    SpaceRole,
)

if TYPE_CHECKING:
    from sim.engines.reference.model import EscalationModel

DOCTRINE_CODE = {Doctrine.RESTRAINED: 0, Doctrine.PROPORTIONAL: 1, Doctrine.ESCALATE_TO_DOMINATE: 2}


def autonomy_min(*levels: Autonomy | None) -> Autonomy:
    """The least autonomous of the given levels (``None`` means no cap)."""
    present = [AUTONOMY_ORDER.index(level) for level in levels if level is not None]
    return AUTONOMY_ORDER[min(present)]


class ActorAgent(mesa.Agent):
    """A state, third-party state or non-state actor.

    Its postures toward the other actors live in the model (``model.posture``); its **rung** is its
    highest posture, kept here for the DataCollector and the app.
    """

    def __init__(self, model: EscalationModel, key: str, index: int, spec: Actor, technology: ActorTechnology):
        super().__init__(model)
        self.key = key
        self.index = index
        self.spec = spec
        self.label = spec.name or key
        self.technology = technology
        self.rung = spec.initial_rung
        self.doctrine = DOCTRINE_CODE[spec.doctrine]
        self.commitments = frozenset(spec.commitments)
        self.adversaries: tuple[ActorAgent, ...] = ()
        self.complies_with_norm = True
        self.violation_detected = False
        self.trust = 1.0
        """Multiplier on its norm compliance: 1, or the distrust once an adversary's violation was detected."""
        self.isr_total = 0
        self.isr_lost = 0
        self.has_attacked = False
        self.strategic_hit = False
        """A strategic satellite of its lost, or an early-warning alarm its leaders acted on (a stake, §13.3)."""
        self.homeland_hit = False
        """One of its assets attacked in its homeland (a stake, §13.3)."""
        self.ships_fielded = 0
        self.engages_on_timeout = spec.review_timeout == ReviewTimeout.ENGAGE
        self.losses = {"drones": 0, "ships": 0, "satellites": 0}

    def authority(self, posture: int) -> Authority:
        """What the rules of engagement let this actor's forces do at a posture (rung) toward a contact's owner."""
        return self.spec.rules_of_engagement[posture]

    def step(self) -> None:
        """Tick-level deliberate decision: the escalation and de-escalation hazards."""
        self.model.escalation.deliberate_step(self)


class AssetAgent(mesa.Agent):
    """Common state of every asset: owner, zone, autonomy, and whether it still operates."""

    kind = "asset"

    def __init__(self, model: EscalationModel, key: str, index: int, spec, owner: ActorAgent, zone: str):
        super().__init__(model)
        self.key = key
        self.index = index
        self.spec = spec
        self.owner = owner
        self.zone = zone
        self.label = spec.name or key
        self.autonomy = Autonomy.IN_THE_LOOP
        self.wanted_autonomy = Autonomy.IN_THE_LOOP
        """The level its owner wants (scenario, inject or player); ``autonomy`` is that after caps and the norm."""
        self.d_prime = 0.0

    @property
    def operational(self) -> bool:
        """Whether the asset can still act and be attacked (each kind says when it cannot)."""
        return True

    @property
    def armed(self) -> bool:
        """Whether the asset can attack: drone swarms, naval groups and co-orbital ASATs."""
        return not isinstance(self, SpaceAssetAgent) or self.spec.role == SpaceRole.CO_ORBITAL_ASAT

    def classifier_d_prime(self) -> float:
        """d' of this asset's classifier: its own, or the owner's AI stack's, times the clutter factor."""
        classifier = self.spec.classifier
        base = classifier.d_prime if classifier.d_prime is not None else self.owner.technology.d_prime
        return base * classifier.clutter_factor

    def describe(self) -> str:
        """Name for the event log, e.g. 'PRC swarm S2'."""
        return f"{self.owner.key} {self.kind_label} {self.label}"


class DroneSwarmAgent(AssetAgent):
    """An autonomous drone swarm; its size at crisis start is scaled by the owner's fleet fraction."""

    kind = "drone_swarm"
    kind_label = "swarm"

    def __init__(self, model, key, index, spec: DroneSwarm, owner, zone, drones: int):
        super().__init__(model, key, index, spec, owner, zone)
        self.drones = drones
        self.drones_at_start = drones
        self.accrued = 0.0
        """Fraction of a replacement drone accrued (replenishment, §5)."""
        self.replaced = 0
        """Whole drones delivered by replenishment so far."""

    @property
    def operational(self) -> bool:
        return self.drones > 0


class NavalGroupAgent(AssetAgent):
    """A naval task group (with or without a carrier)."""

    kind = "naval_group"
    kind_label = "naval group"

    def __init__(self, model, key, index, spec: NavalGroup, owner, zone):
        super().__init__(model, key, index, spec, owner, zone)
        self.ships = spec.ships
        self.magazine = spec.magazine if spec.magazine is not None else 4 * spec.ships * spec.air_defense
        """Interceptor rounds aboard at crisis start (the most there can be)."""
        self.rounds = self.magazine
        self.accrued = 0.0

    @property
    def operational(self) -> bool:
        return self.ships > 0

    def describe(self) -> str:
        flag = f" ({self.spec.flag})" if self.spec.flag else ""
        return f"{self.owner.key} {self.kind_label} {self.label}{flag}"


class SpaceAssetAgent(AssetAgent):
    """A satellite: ISR, communications, early warning, or a co-orbital ASAT platform."""

    kind = "space_asset"
    kind_label = "satellite"

    def __init__(self, model, key, index, spec: SpaceAsset, owner, zone):
        super().__init__(model, key, index, spec, owner, zone)
        self.disabled = False

    @property
    def operational(self) -> bool:
        return not self.disabled

    @property
    def strategic(self) -> bool:
        """Early-warning and nuclear C3 satellites: an attack on them is read as strategic (Acton)."""
        return self.spec.role == "early_warning" or self.spec.nuclear_c3

    def describe(self) -> str:
        role = self.spec.role.value.replace("_", " ")
        return f"{self.owner.key} {role} satellite {self.label}"
