"""The nuclear firebreak (docs/model.md §13.3): the steps to rungs 5, 6 and 7 are leadership decisions of their own.

Below the firebreak (rung 4, theater conventional strikes) the ordinary hazards and the doctrine table apply,
and machines reach it at machine speed. Each step above it — strategic non-nuclear strikes (5), nuclear
signalling (6), nuclear use (7) — has its own deliberate hazard, and a response whose doctrine calls for it
is a threshold decision: the leadership takes the rung with its crossing probability, else considers one rung
less, down to the firebreak. Both grow with what the actor has at stake: a strategic satellite lost (or an
early-warning alarm believed), its homeland struck, half its fleet lost.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.engines.reference.draws import Purpose
from sim.kernels import response
from sim.kernels.response import BELOW_FIREBREAK
from sim.kernels.rng import bernoulli
from sim.vocabulary import RUNG_NAMES

if TYPE_CHECKING:
    from sim.engines.reference.agents import ActorAgent
    from sim.engines.reference.model import EscalationModel


class Firebreak:
    """The threshold decisions and stakes of one model."""

    def __init__(self, model: EscalationModel) -> None:
        self.model = model
        self.params = model.spec.parameters.firebreak

    def losing(self, actor: ActorAgent) -> bool:
        """Whether the actor has lost at least ``losing_share`` of the ships it fielded."""
        fielded = actor.ships_fielded
        return fielded > 0 and actor.losses["ships"] >= self.params.losing_share * fielded

    def stakes(self, actor: ActorAgent) -> int:
        """S, the stakes the actor has lost: a strategic satellite (or an alarm believed), its homeland, its fleet."""
        return int(actor.strategic_hit) + int(actor.homeland_hit) + int(self.losing(actor))

    def multiplier(self, actor: ActorAgent) -> float:
        """What multiplies the actor's threshold hazards and crossings: ``stakes_factor ** S``."""
        return float(response.stakes_multiplier(self.params.stakes_factor, self.stakes(actor)))

    def hazard_factor(self, actor: ActorAgent, own: int) -> float:
        """What multiplies a deliberate step up from ``own``: the stakes, above the firebreak only."""
        return 1.0 if own < BELOW_FIREBREAK else self.multiplier(actor)

    def gate(self, actor: ActorAgent, toward: ActorAgent, current: int, target: int, cause_id: int) -> int:
        """The rung a leadership takes when its response calls for ``target`` (threshold decisions above 4).

        It considers ``target``, then one rung less, down to the firebreak; each is taken with its crossing
        probability (one ``THRESHOLD`` draw each). Taking none leaves it at the firebreak (or where it stands).
        """
        floor = max(current, BELOW_FIREBREAK)
        if target <= floor:
            return target
        fb, stakes = self.params, self.stakes(actor)
        for rung in range(target, floor, -1):
            q = response.crossing_probability(
                rung, fb.cross_strategic, fb.cross_signaling, fb.cross_use, fb.stakes_factor, stakes
            )
            if bernoulli(self.model.draws.u(actor.index, Purpose.THRESHOLD), q):
                return rung
        self.model.record(
            "firebreak",
            f"{actor.key} leadership stops short of rung {target} ({RUNG_NAMES[target]}) against {toward.key}: "
            f"it holds at rung {floor} (stakes {stakes})",
            (cause_id,),
        )
        return floor
