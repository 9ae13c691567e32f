"""Machine-speed chains (docs/model.md §12.7): autonomous assets answer attacks before any leader decides.

When an asset is attacked (an engagement, a hostile strike, an ordered attack), every autonomous asset of the
victim that its self-defence rule of engagement lets answer — the attacked asset itself (``return_fire``), or it
and its zone-mates (``defend_zone``) — answers the attacker at machine latency: out of the loop after
``machine_latency_seconds``, on the loop after the veto window unless the supervising operator vetoes. Each
answer is an engagement: a provocation to the attacker's leadership and, through the attacker's own autonomous
assets, the next exchange of the chain. The answering side's forces now stand at the rung of what they did
(never above the firebreak, rung 4), so a chain climbs the ladder in seconds; an exchange of a chain that has
already had ``theater_exchanges`` exchanges with losses reads as a theater strike (rung 4). Each asset answers
once per chain, so chains end when no autonomous asset in reach is left to answer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.engines.reference.records import Cause, Chain, PendingResponse
from sim.engines.shared.provocations import SELF_DEFENSE_PRIOR
from sim.kernels.response import BELOW_FIREBREAK
from sim.scenario.schema import Autonomy, SelfDefense

if TYPE_CHECKING:
    from sim.engines.reference.agents import AssetAgent
    from sim.engines.reference.model import EscalationModel

_ON_THE_LOOP_HOW = {
    "human on the loop, no veto": "machine-speed self-defence, not vetoed",
    "human on the loop, no operator free to veto": "machine-speed self-defence, no operator free to veto",
    "vetoed by the supervising operator": "vetoed by the supervising operator",
}


class MachineSpeed:
    """The machine-speed chains of one model."""

    def __init__(self, model: EscalationModel) -> None:
        self.model = model
        self.chains: list[Chain] = []

    def answerers(self, target: AssetAgent, attacker: AssetAgent, chain: Chain | None) -> list[AssetAgent]:
        """The victim's autonomous assets that answer an attack on ``target`` by ``attacker``, in asset order."""
        model = self.model
        owner = target.owner
        rule = owner.spec.self_defense
        if rule == SelfDefense.HOLD:
            return []
        found = []
        for asset in model.assets.values():
            if asset.owner is not owner or not asset.armed or not asset.operational:
                continue
            if asset is not target and (rule != SelfDefense.DEFEND_ZONE or asset.zone != target.zone):
                continue
            if asset.autonomy == Autonomy.IN_THE_LOOP or (chain is not None and asset.key in chain.answered):
                continue
            if attacker in model.c2.targets_in_reach(asset):
                found.append(asset)
        return found

    def after_attack(
        self,
        attacker: AssetAgent,
        target: AssetAgent,
        chain: Chain | None,
        cause: Cause,
        losses: int,
        log_id: int,
        pending: PendingResponse,
    ) -> None:
        """Start the machine-speed answers to an attack: a new chain's first shot, or an exchange of a chain.

        A new chain adopts the response its first shot provoked (``pending``), so a clarification of that shot
        settles the whole incident (§12.5).
        """
        answerers = self.answerers(target, attacker, chain)
        if not answerers:
            return
        model = self.model
        if chain is None:
            chain = Chain(len(self.chains), cause, model.now, model.crisis_level, model.crisis_level)
            chain.kinetic = 1 if losses > 0 else 0
            self.chains.append(chain)
            pending.chain = chain.id
        for asset in answerers:
            chain.answered.add(asset.key)
            model.env.process(self._answer(asset, attacker, chain, log_id))

    def _answer(self, asset: AssetAgent, attacker: AssetAgent, chain: Chain, log_id: int):
        """One answer: machine latency out of the loop, the veto window on the loop, then the engagement."""
        model = self.model
        if asset.autonomy == Autonomy.OUT_OF_THE_LOOP:
            yield model.env.timeout(model.spec.parameters.command.machine_latency_seconds / 3600.0)
            approved, how = True, "machine-speed self-defence"
        else:
            approved, how = yield from model.c2.veto_window(asset, True, SELF_DEFENSE_PRIOR, 1)
            how = _ON_THE_LOOP_HOW[how]
        if not approved:
            model.record(
                "c2", f"{asset.describe()}: self-defence answer to {attacker.describe()} vetoed (chain {chain.id})"
            )
            return
        if asset.operational and attacker.operational:
            chain.exchanges += 1
            model.engagements.engage(asset, attacker, True, log_id, how, chain=chain)

    def exchange_made(self, asset: AssetAgent, other: AssetAgent, chain: Chain, provocation: int, cause: Cause) -> None:
        """The answering side's forces now stand at the rung of what they did (at most the firebreak's)."""
        model = self.model
        actor, toward = asset.owner, other.owner
        new = min(provocation, BELOW_FIREBREAK)
        if new > model.posture_of(actor, toward):
            model.escalation.change_posture(
                actor, toward, new, cause, f"machine-speed self-defence (chain {chain.id})", machine=True
            )
        level = model.crisis_level
        if level > chain.top_level:
            chain.top_level, chain.top_hours = level, model.now

    @property
    def max_rise(self) -> int:
        """The largest rise of the crisis level inside one chain (0 without chains)."""
        return max((chain.rise for chain in self.chains), default=0)
