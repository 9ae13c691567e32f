"""The command-and-control pipeline as simpy processes (BRIEF §3.4-3.7).

encounter → detection and classification (signal detection theory) → the autonomy level's path
(operator queue, veto window, or machine decision) → engagement outcome → attribution → the
victim's response racing a hotline clarification. Early-warning false alarms, orbital collisions
and scheduled injects feed the same response path.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import simpy

from sim.engines.reference.agents import ActorAgent, AssetAgent, DroneSwarmAgent, NavalGroupAgent, SpaceAssetAgent
from sim.engines.reference.draws import Purpose
from sim.engines.reference.records import Cause, PendingReview
from sim.engines.shared.provocations import (
    PROVOCATION_ASAT_TEST,
    PROVOCATION_COLLISION,
    PROVOCATION_HARASSMENT,
    PROVOCATION_KINETIC,
    PROVOCATION_SPACE,
    PROVOCATION_STRATEGIC,
)
from sim.kernels import combat, perception, space
from sim.kernels.rng import bernoulli, choice_index, exponential, triangular
from sim.scenario.schema import (
    AsatTestInject,
    AttackInject,
    Autonomy,
    AutonomyChangeInject,
    CollisionAtSeaInject,
    Commitment,
    FalseAlarmInject,
    SpaceRole,
)

if TYPE_CHECKING:
    from sim.engines.reference.model import EscalationModel


class CommandPipeline:
    """The simpy processes of one model."""

    def __init__(self, model: EscalationModel) -> None:
        self.model = model
        self.env: simpy.Environment = model.env
        self.params = model.spec.parameters
        self.policy = model.spec.policy
        self.operators = {
            key: simpy.Resource(self.env, capacity=actor.spec.operators) for key, actor in model.actors.items()
        }

    def start(self) -> None:
        """Start every process, in scenario order (processes started at the same time run in this order)."""
        model = self.model
        for asset in model.assets.values():
            if self._can_engage(asset):
                self.env.process(self._encounters(asset))
        for actor in model.actors.values():
            if any(a.spec.role == SpaceRole.EARLY_WARNING for a in self._own_space(actor)):
                self.env.process(self._warning_false_alarms(actor))
        for inject in model.spec.injects:
            self.add_inject(inject)

    # ------------------------------------------------------------------ encounters

    @staticmethod
    def _can_engage(asset: AssetAgent) -> bool:
        if isinstance(asset, SpaceAssetAgent):
            return asset.spec.role == SpaceRole.CO_ORBITAL_ASAT
        return True

    def _own_space(self, actor: ActorAgent) -> list[SpaceAssetAgent]:
        return [a for a in self.model.assets.values() if isinstance(a, SpaceAssetAgent) and a.owner is actor]

    def targets_in_reach(self, asset: AssetAgent) -> list[AssetAgent]:
        """Operational adversary assets this one can meet: same or adjacent zone; same orbit for an ASAT."""
        model = self.model
        if isinstance(asset, SpaceAssetAgent):
            zones = {asset.zone}
        else:
            zones = {asset.zone, *model.spec.zones[asset.zone].adjacent}
        wanted = SpaceAssetAgent if isinstance(asset, SpaceAssetAgent) else (DroneSwarmAgent, NavalGroupAgent)
        enemies = asset.owner.adversaries
        return [
            other
            for other in model.assets.values()
            if other.owner in enemies and other.zone in zones and isinstance(other, wanted) and other.operational
        ]

    def _encounters(self, asset: AssetAgent):
        """Contacts arrive as a Poisson process whose rate rises with the owner's posture (rung)."""
        model, p = self.model, self.params.encounters
        base = p.rate_per_day[asset.kind]
        while asset.operational:
            rate = combat.encounter_rate(base, asset.owner.rung, p.posture_gain_per_rung, 1.0)
            if rate <= 0.0:
                return
            wait = exponential(model.draws.u(asset.index, Purpose.ENCOUNTER_WAIT), 24.0 / rate)
            yield self.env.timeout(wait)
            targets = self.targets_in_reach(asset)
            if not asset.operational or not targets:
                continue
            other = targets[choice_index(model.draws.u(asset.index, Purpose.ENCOUNTER_TARGET), len(targets))]
            incsea = self._incidents_at_sea_apply(asset, other)
            if incsea and not bernoulli(
                model.draws.u(asset.index, Purpose.INCSEA_THINNING), self.policy.incidents_at_sea.encounter_rate_factor
            ):
                continue
            self._contact(asset, other, incsea)

    def _incidents_at_sea_apply(self, asset: AssetAgent, other: AssetAgent) -> bool:
        rules = self.policy.incidents_at_sea
        zone = self.model.spec.zones[asset.zone]
        return (
            rules.enabled
            and zone.kind == "theater"
            and zone.maritime
            and Commitment.INCIDENTS_AT_SEA in asset.owner.commitments
            and Commitment.INCIDENTS_AT_SEA in other.owner.commitments
        )

    def _contact(self, asset: AssetAgent, other: AssetAgent, incsea: bool) -> None:
        """Detection and classification by signal detection theory: hostile with Φ(d′−λ), false alarm Φ(−λ)."""
        model, p = self.model, self.params.encounters
        p_hostile = min(1.0, p.hostile_share_base + p.hostile_share_per_rung * other.owner.rung)
        hostile = bernoulli(model.draws.u(asset.index, Purpose.ENCOUNTER_HOSTILE), p_hostile)
        shift = self.policy.incidents_at_sea.threshold_shift if incsea else 0.0
        # The ROE bias c is set from the midpoint of the noise and signal distributions: λ = d′/2 + c.
        criterion = 0.5 * asset.d_prime + asset.owner.spec.roe_threshold
        lam = perception.roe_threshold(criterion, asset.owner.rung, p.threshold_shift_per_rung, shift)
        p_flag = perception.p_detect(asset.d_prime, lam) if hostile else perception.p_false_alarm(lam)
        if not bernoulli(model.draws.u(asset.index, Purpose.CLASSIFY), p_flag):
            return
        what = "hostile" if hostile else "hostile (misidentification: it was not)"
        log_id = model.record("classification", f"{asset.describe()} classifies {other.describe()} as {what}")
        # Bayes with the base rate: what a human supervising the machine can know of its call.
        posterior = perception.posterior_hostile(p_hostile, asset.d_prime, lam)
        self.env.process(self._engagement_decision(asset, other, hostile, log_id, posterior))

    # ------------------------------------------------------------------ autonomy paths

    def _engagement_decision(self, asset: AssetAgent, other: AssetAgent, hostile: bool, log_id: int, posterior: float):
        if asset.autonomy == Autonomy.OUT_OF_THE_LOOP:
            yield self.env.timeout(self.params.command.machine_latency_seconds / 3600.0)
            approved, how = True, "no human in the loop"
        elif asset.autonomy == Autonomy.ON_THE_LOOP:
            approved, how = yield from self._veto_window(asset, hostile, posterior)
        else:
            approved, how = yield from self._operator_review(asset, other, hostile, posterior)
        if not approved:
            self.model.record("c2", f"{asset.describe()}: engagement of {other.describe()} not made ({how})", (log_id,))
            return
        if asset.operational and other.operational:
            self.engage(asset, other, hostile, log_id, how)

    def _load(self, actor: ActorAgent) -> float:
        """Alerts waiting per operator (automation bias grows with it)."""
        resource = self.operators[actor.key]
        return len(resource.queue) / resource.capacity

    def _veto_window(self, asset: AssetAgent, hostile: bool, posterior: float):
        """On the loop: the machine engages unless a free operator vetoes within the window.

        The operator doubts a call in proportion to 1 − P(hostile | flag) (Bayes with the base rate).
        """
        cmd = self.params.command
        resource = self.operators[asset.owner.key]
        free = resource.count < resource.capacity
        doubt = cmd.catch_on_loop * (1.0 - posterior)
        p_veto = perception.catch_probability(doubt, cmd.automation_bias_per_alert, self._load(asset.owner))
        vetoed = free and not hostile and bernoulli(self.model.draws.u(asset.index, Purpose.VETO), p_veto)
        yield self.env.timeout(cmd.veto_window_seconds / 3600.0)
        if vetoed:
            return False, "vetoed by the supervising operator"
        return True, "human on the loop, no veto" if free else "human on the loop, no operator free to veto"

    def _operator_review(self, asset: AssetAgent, other: AssetAgent, hostile: bool, posterior: float):
        """In the loop: wait for a free operator within the engagement window, then a human review.

        The reviewer catches a misidentification with a probability scaled by 1 − P(hostile | flag).
        """
        model, cmd = self.model, self.params.command
        resource = self.operators[asset.owner.key]
        review = PendingReview(
            model.new_record_id(),
            asset.key,
            other.key,
            model.now,
            model.now + cmd.engagement_window_minutes / 60.0,
            hostile,
        )
        model.pending.reviews[review.id] = review
        request = resource.request()
        window = self.env.timeout(cmd.engagement_window_minutes / 60.0)
        yield request | window
        if not request.triggered:
            request.cancel()
            model.pending.reviews.pop(review.id)
            return False, "no operator free within the engagement window"
        review.started_hours = model.now
        load = self._load(asset.owner)
        t = cmd.review_minutes
        minutes = triangular(model.draws.u(asset.index, Purpose.REVIEW_TIME), t.low, t.mode, t.high)
        p_catch = perception.catch_probability(
            cmd.catch_in_loop * (1.0 - posterior), cmd.automation_bias_per_alert, load
        )
        caught = not hostile and bernoulli(model.draws.u(asset.index, Purpose.OPERATOR_CATCH), p_catch)
        yield self.env.timeout(minutes / 60.0)
        resource.release(request)
        model.pending.reviews.pop(review.id)
        if caught:
            return False, "the operator caught the misidentification"
        return True, "approved by a human operator"

    # ------------------------------------------------------------------ engagements

    def engage(
        self, asset: AssetAgent, other: AssetAgent, hostile: bool, cause_id: int, how: str, ordered: bool = False
    ) -> None:
        """Resolve an engagement and start the victim's response.

        Args:
            asset: The engaging asset.
            other: The asset engaged.
            hostile: Whether ``other`` was truly hostile (False: a misidentification).
            cause_id: Log id of the event that led to the engagement.
            how: The autonomy path, for the log.
            ordered: A deliberate attack ordered by an inject (its root is deliberate, not the victim's posture).
        """
        model = self.model
        model.counts["engagements_true" if hostile else "engagements_false"] += 1
        losses = self._resolve(asset, other)
        provocation = self._provocation(other, losses)
        log_id = model.record(
            "engagement",
            f"{asset.describe()} engages {other.describe()} ({how}): {self._describe_losses(other, losses)}",
            (cause_id,),
        )
        victim = other.owner
        blamed, misattributed = model.escalation.attribute(asset, victim)
        intended = max(asset.owner.rung, PROVOCATION_KINETIC)
        if not hostile:
            cause = Cause("misidentification", (cause_id, log_id))
            clarifier, discovery = asset.owner, self._discovery(asset.owner)
        elif misattributed:
            cause = Cause("misattribution", (log_id,))
            clarifier, discovery = blamed, self._discovery(blamed)
        elif isinstance(other, SpaceAssetAgent) and other.strategic and provocation > intended:
            # Entanglement (Acton): an attack on early-warning or nuclear C3 satellites read as strategic.
            cause = Cause("entanglement", (log_id,))
            clarifier, discovery = asset.owner, self._discovery(asset.owner)
        elif ordered:
            cause = Cause("deliberate", (cause_id, log_id))
            clarifier, discovery = None, None
        else:
            root = other.owner.last_cause
            cause = root.extended(log_id) if root is not None else Cause("deliberate", (log_id,))
            clarifier, discovery = None, None
        if misattributed:
            model.record("attribution", f"{victim.key} attributes the attack to {blamed.key}", (log_id,))
        model.escalation.schedule_response(victim, blamed, provocation, cause, other.autonomy, clarifier, discovery)

    def _discovery(self, actor: ActorAgent) -> float:
        mean = self.params.command.error_discovery_hours
        return exponential(self.model.draws.u(actor.index, Purpose.ERROR_DISCOVERY), mean)

    def _resolve(self, asset: AssetAgent, other: AssetAgent) -> int:
        """Apply the engagement's losses to ``other`` (and expended drones to ``asset``); return losses."""
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
                return self._salvo(shots, asset.spec.hit_probability, other, u1, u2)
            return self._drone_losses(other, combat.drone_attrition(shots, other.drones, p.drone_kill_probability, u1))
        if isinstance(other, NavalGroupAgent):
            shots = asset.ships * asset.spec.missiles_per_ship
            return self._salvo(shots, p.missile_hit_probability, other, u1, u2)
        shots = asset.ships * asset.spec.air_defense
        return self._drone_losses(
            other, combat.drone_attrition(shots, other.drones, asset.spec.intercept_probability, u1)
        )

    def _salvo(self, shots: int, p_hit: float, ships: NavalGroupAgent, u1: float, u2: float) -> int:
        s = ships.spec
        _, _, lost = combat.salvo_exchange(
            shots, p_hit, ships.ships, s.air_defense, s.intercept_probability, s.staying_power, u1, u2
        )
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
        debris = asset.spec.debris_per_kill
        self.model.tracked_objects[target.zone] += debris
        self.model.counts["debris"] += debris
        return 1

    def disable_satellite(self, target: SpaceAssetAgent) -> None:
        """Take a satellite out of action."""
        target.disabled = True
        target.owner.losses["satellites"] += 1

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

    # ------------------------------------------------------------------ false alarms, collisions

    def _warning_false_alarms(self, actor: ActorAgent):
        """Serious early-warning false alarms arrive as a Poisson process while a warning satellite works."""
        model = self.model
        rate = self.params.space.early_warning_false_alarms_per_year / 8760.0
        if rate <= 0.0 or not actor.adversaries:
            return
        while True:
            yield self.env.timeout(exponential(model.draws.u(actor.index, Purpose.FALSE_ALARM_WAIT), 1.0 / rate))
            warning = [a for a in self._own_space(actor) if a.spec.role == SpaceRole.EARLY_WARNING and a.operational]
            if not warning:
                return
            pick = choice_index(model.draws.u(actor.index, Purpose.FALSE_ALARM_BLAMED), len(actor.adversaries))
            self.false_alarm(actor, actor.adversaries[pick], warning[0].autonomy, "")

    def false_alarm(self, actor: ActorAgent, blamed: ActorAgent, autonomy: Autonomy, note: str) -> None:
        """A phantom attack on the warning screens; leaders act on it unless it is recognised in time."""
        model = self.model
        log_id = model.record(
            "false_alarm", f"{actor.key} early warning reports an attack from {blamed.key} (false alarm){note}"
        )
        p_catch = self.params.space.catch_false_alarm[autonomy]
        if bernoulli(model.draws.u(actor.index, Purpose.FALSE_ALARM_CATCH), p_catch):
            model.record("c2", f"{actor.key} crews recognise the false alarm before leaders act", (log_id,))
            return
        model.escalation.schedule_response(
            actor, blamed, PROVOCATION_STRATEGIC, Cause("false_alarm", (log_id,)), autonomy, blamed, 0.0
        )

    def orbital_collisions(self) -> None:
        """Once per tick and orbit zone: a catastrophic collision with probability 1 − exp(−½kN²Δt)."""
        model, p = self.model, self.params.space
        for zone_key, zone in model.spec.zones.items():
            if zone.kind != "orbit":
                continue
            n = model.tracked_objects[zone_key]
            rate = space.collision_rate_per_day(p.collision_coefficient_per_day, n)
            entity = model.zone_entity[zone_key]
            if rate <= 0.0 or not bernoulli(
                model.draws.u(entity, Purpose.COLLISION), -math.expm1(-rate * model.tick_hours / 24.0)
            ):
                continue
            model.tracked_objects[zone_key] += p.fragments_per_collision
            model.counts["debris"] += p.fragments_per_collision
            model.counts["collisions"] += 1
            active = [a for a in model.assets.values() if isinstance(a, SpaceAssetAgent) and a.zone == zone_key]
            active = [a for a in active if a.operational]
            hit = space.satellite_hit_index(model.draws.u(entity, Purpose.COLLISION_TARGET), len(active), n)
            if hit < 0:
                model.record("collision", f"debris collision in {zone_key} adds {p.fragments_per_collision} fragments")
                continue
            self._collision_loss(active[hit], zone_key)

    def _collision_loss(self, satellite: SpaceAssetAgent, zone_key: str) -> None:
        model = self.model
        self.disable_satellite(satellite)
        log_id = model.record("collision", f"{satellite.describe()} destroyed by debris in {zone_key}")
        if not satellite.strategic:
            return
        suspects = [
            a.owner
            for a in model.assets.values()
            if isinstance(a, SpaceAssetAgent)
            and a.spec.role == SpaceRole.CO_ORBITAL_ASAT
            and a.owner in satellite.owner.adversaries
        ]
        if suspects:
            model.escalation.schedule_response(
                satellite.owner,
                suspects[0],
                PROVOCATION_STRATEGIC,
                Cause("entanglement", (log_id,)),
                satellite.autonomy,
                suspects[0],
                self._discovery(suspects[0]),
            )

    # ------------------------------------------------------------------ injects

    def add_inject(self, inject) -> None:
        """Schedule an inject (a scenario's at start, or a facilitator's during a live game)."""
        self.env.process(self._inject(inject))

    def _inject(self, inject):
        yield self.env.timeout(max(0.0, inject.at_hours - self.env.now))
        model = self.model
        note = f" — {inject.description}" if inject.description else ""
        if isinstance(inject, FalseAlarmInject):
            actor = model.actors[inject.actor]
            warning = [a for a in self._own_space(actor) if a.spec.role == SpaceRole.EARLY_WARNING]
            autonomy = warning[0].autonomy if warning else actor.spec.autonomy
            self.false_alarm(actor, model.actors[inject.blamed], autonomy, note)
        elif isinstance(inject, AsatTestInject):
            self._asat_test(inject, note)
        elif isinstance(inject, CollisionAtSeaInject):
            self._collision_at_sea(inject, note)
        elif isinstance(inject, AttackInject):
            attacker, target = model.assets[inject.attacker], model.assets[inject.target]
            if attacker.operational and target.operational:
                log_id = model.record("inject", f"{attacker.describe()} ordered to attack {target.describe()}{note}")
                self.engage(attacker, target, True, log_id, "deliberate order", ordered=True)
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
                self._discovery(other.owner),
            )
