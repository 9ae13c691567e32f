"""Early-warning false alarms and the warning chain: a second sensor, a threat conference, then leaders."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.engines.reference.agents import ActorAgent, SpaceAssetAgent
from sim.engines.reference.draws import Purpose
from sim.engines.reference.records import Cause
from sim.engines.shared.provocations import PROVOCATION_STRATEGIC
from sim.kernels import warning
from sim.kernels.rng import bernoulli, choice_index, exponential
from sim.scenario.schema import Autonomy, SpaceRole

if TYPE_CHECKING:
    from sim.engines.reference.model import EscalationModel


class WarningChain:
    """The early-warning processes of one model."""

    def __init__(self, model: EscalationModel) -> None:
        self.model = model
        self.params = model.spec.parameters.warning

    def own_space(self, actor: ActorAgent) -> list[SpaceAssetAgent]:
        """An actor's satellites, in asset order."""
        return [a for a in self.model.assets.values() if isinstance(a, SpaceAssetAgent) and a.owner is actor]

    def early_warning(self, actor: ActorAgent, operational: bool = True) -> list[SpaceAssetAgent]:
        """An actor's early-warning satellites (operational ones only, unless told otherwise)."""
        return [
            a
            for a in self.own_space(actor)
            if a.spec.role == SpaceRole.EARLY_WARNING and (a.operational or not operational)
        ]

    def false_alarms(self, actor: ActorAgent):
        """Serious early-warning false alarms arrive as a Poisson process while a warning satellite works."""
        model = self.model
        rate = self.params.false_alarms_per_year / 8760.0
        if rate <= 0.0 or not actor.adversaries:
            return
        while True:
            yield model.env.timeout(exponential(model.draws.u(actor.index, Purpose.FALSE_ALARM_WAIT), 1.0 / rate))
            warning = self.early_warning(actor)
            if not warning:
                return
            pick = choice_index(model.draws.u(actor.index, Purpose.FALSE_ALARM_BLAMED), len(actor.adversaries))
            self.false_alarm(actor, actor.adversaries[pick], warning[0].autonomy, "")

    def false_alarm(self, actor: ActorAgent, blamed: ActorAgent, autonomy: Autonomy, note: str) -> None:
        """A phantom attack on the warning screens: it goes down the warning chain."""
        self.model.env.process(self._chain(actor, blamed, autonomy, note))

    def _chain(self, actor: ActorAgent, blamed: ActorAgent, autonomy: Autonomy, note: str):
        """Corroboration by a second sensor, then a threat conference; leaders act only on what survives both."""
        model = self.model
        log_id = model.record(
            "false_alarm", f"{actor.key} early warning reports an attack from {blamed.key} (false alarm){note}"
        )
        if not bernoulli(model.draws.u(actor.index, Purpose.CORROBORATION), self.params.corroboration_probability):
            model.record("c2", f"{actor.key}: no other sensor confirms the attack; the alarm is dismissed", (log_id,))
            return
        minutes = exponential(model.draws.u(actor.index, Purpose.CONFERENCE_TIME), self.params.conference_minutes)
        conference = model.record(
            "c2", f"{actor.key}: a second sensor seems to confirm; a threat conference convenes", (log_id,)
        )
        yield model.env.timeout(minutes / 60.0)
        if bernoulli(model.draws.u(actor.index, Purpose.FALSE_ALARM_CATCH), self.params.conference_catch[autonomy]):
            model.record("c2", f"{actor.key} crews recognise the false alarm before leaders act", (conference,))
            return
        p_act = warning.leaders_act_probability(
            self.params.leaders_act_base, self.params.leaders_act_per_rung, model.posture_of(actor, blamed)
        )
        if not bernoulli(model.draws.u(actor.index, Purpose.LEADERS_ACT), p_act):
            model.record("c2", f"{actor.key} leaders doubt an attack from {blamed.key} and wait", (conference,))
            return
        actor.strategic_hit = True  # its leaders believe a strategic attack is under way: a stake (§13.3)
        model.escalation.schedule_response(
            actor, blamed, PROVOCATION_STRATEGIC, Cause("false_alarm", (log_id, conference)), autonomy, blamed, 0.0
        )
