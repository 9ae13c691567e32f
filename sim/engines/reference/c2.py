"""The command-and-control pipeline as simpy processes (BRIEF §3.4-3.7): contacts and engagement decisions.

encounter → truth (is the contact hostile?) → the machine's classification (signal detection theory)
→ the rules of engagement at the owner's posture (shadow, warn, fire at identified hostile, fire at
threatening) → the autonomy level's path (operator queue and human judgement, a supervised veto
window, or the machine alone) → an engagement. A truly hostile contact that is not engaged (or warned
off) in time strikes the asset it was approaching. Engagements, warnings, orbits and injects live in
their own modules; this one starts every process.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import simpy

from sim.engines.reference.agents import ActorAgent, AssetAgent, DroneSwarmAgent, NavalGroupAgent, SpaceAssetAgent
from sim.engines.reference.draws import Purpose
from sim.engines.reference.records import Contact, PendingReview
from sim.kernels import combat, command, perception
from sim.kernels.rng import bernoulli, choice_index, exponential, triangular
from sim.scenario.schema import Authority, Autonomy, Commitment, SpaceRole

if TYPE_CHECKING:
    from sim.engines.reference.model import EscalationModel

ENGAGES = (Authority.FIRE_AT_IDENTIFIED_HOSTILE, Authority.FIRE_AT_THREATENING)


class CommandPipeline:
    """The simpy processes of one model: encounters, contacts, engagement decisions and strikes."""

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
            if asset.armed:
                self.env.process(self._encounters(asset))
        for actor in model.actors.values():
            if any(a.spec.role == SpaceRole.EARLY_WARNING for a in model.warning.own_space(actor)):
                self.env.process(model.warning.false_alarms(actor))
        for inject in model.spec.injects:
            model.injects.add(inject)
        if self._blind_spots_matter():
            self.env.process(self._blind_spots())

    def _blind_spots_matter(self) -> bool:
        d = self.model.spec.technology.distillation
        students = any(actor.technology.distilled for actor in self.model.actor_list)
        return d.blind_spot_episodes_per_day > 0.0 and d.blind_spot_severity > 0.0 and students

    def _blind_spots(self):
        """Episodes in which the frontier teacher's blind spots are exposed: every distilled student misreads."""
        model, d = self.model, self.model.spec.technology.distillation
        entity = model.global_entity
        while True:
            wait = exponential(model.draws.u(entity, Purpose.BLIND_SPOT_WAIT), 24.0 / d.blind_spot_episodes_per_day)
            yield self.env.timeout(wait)
            model.blind_spot = True
            model.record("blind_spot", "the frontier teacher's blind spot is exposed: distilled students misread")
            yield self.env.timeout(exponential(model.draws.u(entity, Purpose.BLIND_SPOT_LENGTH), d.blind_spot_hours))
            model.blind_spot = False
            model.record("blind_spot", "the blind-spot episode passes")

    def add_inject(self, inject) -> None:
        """Schedule an inject (a scenario's at start, or a facilitator's during a live game)."""
        self.model.injects.add(inject)

    # ------------------------------------------------------------------ encounters

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
        """Contacts arrive as a Poisson process whose rate rises with the owner's rung."""
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

    # ------------------------------------------------------------------ a contact

    def _contact(self, asset: AssetAgent, other: AssetAgent, incsea: bool) -> None:
        """Truth, the machine's call (signal detection theory) and the rules of engagement at the owner's posture."""
        model, p, e = self.model, self.params.encounters, self.params.engagement
        model.counts["contacts"] += 1
        owner, theirs = asset.owner, other.owner
        posture = model.posture_of(owner, theirs)
        p_hostile = perception.hostile_share(
            p.hostile_share_base, p.hostile_share_per_rung, model.posture_of(theirs, owner)
        )
        hostile = bernoulli(model.draws.u(asset.index, Purpose.ENCOUNTER_HOSTILE), p_hostile)
        contact = Contact(model.new_record_id(), asset.key, other.key, hostile)
        if hostile and other.armed:
            delay = exponential(model.draws.u(asset.index, Purpose.STRIKE_DELAY), e.strike_minutes / 60.0)
            self.env.process(self._strike(asset, other, contact, delay))
        shift = self.policy.incidents_at_sea.threshold_shift if incsea else 0.0
        d_prime = self._d_prime(asset)
        # The ROE bias c is set from the midpoint of the noise and signal distributions: λ = d′/2 + c.
        criterion = 0.5 * d_prime + owner.spec.roe_threshold
        lam = perception.roe_threshold(criterion, posture, p.threshold_shift_per_rung, shift)
        u = model.draws.u(asset.index, Purpose.CLASSIFY)
        if not u < self._p_flag(hostile, d_prime, lam):
            return
        identified = u < self._p_flag(hostile, d_prime, lam + e.identification_margin)
        what = "hostile" if hostile else "hostile (misidentification: it was not)"
        log_id = model.record("classification", f"{asset.describe()} classifies {other.describe()} as {what}")
        authority = owner.authority(posture)
        if authority == Authority.FIRE_AT_THREATENING or (
            authority == Authority.FIRE_AT_IDENTIFIED_HOSTILE and identified
        ):
            # Bayes with the base rate: what a human supervising the machine can know of its call.
            posterior = perception.posterior_hostile(p_hostile, d_prime, lam)
            tracks = 1
            if isinstance(other, DroneSwarmAgent):
                tracks = int(command.raid_tracks(other.drones, e.swarm_salvo_fraction))
            self.env.process(self._engagement_decision(asset, other, contact, log_id, posterior, tracks))
        elif authority == Authority.SHADOW:
            model.record(
                "intercept", f"{asset.describe()} shadows {other.describe()} (rules of engagement: shadow)", (log_id,)
            )
        else:
            self._warn(asset, other, contact, log_id)

    def _d_prime(self, asset: AssetAgent) -> float:
        """The asset's d' now: blinded by its owner's lost ISR satellites and the teacher's blind spots (§7)."""
        model, owner = self.model, asset.owner
        severity = model.spec.technology.distillation.blind_spot_severity
        blind = severity if model.blind_spot and owner.technology.distilled else 0.0
        return perception.effective_d_prime(
            asset.d_prime, model.spec.parameters.space.isr_dependence, owner.isr_lost, owner.isr_total, blind
        )

    @staticmethod
    def _p_flag(hostile: bool, d_prime: float, lam: float) -> float:
        return perception.p_detect(d_prime, lam) if hostile else perception.p_false_alarm(lam)

    def _warn(self, asset: AssetAgent, other: AssetAgent, contact: Contact, log_id: int) -> None:
        """Intercept and warn off: a truly hostile contact may break off its attack."""
        model = self.model
        warn_id = model.record("intercept", f"{asset.describe()} intercepts and warns {other.describe()}", (log_id,))
        if contact.hostile and bernoulli(
            model.draws.u(asset.index, Purpose.WARNING), self.params.engagement.warning_deterrence
        ):
            contact.deterred = True
            model.record("intercept", f"{other.describe()} breaks off its attack", (warn_id,))

    def _strike(self, asset: AssetAgent, other: AssetAgent, contact: Contact, delay: float):
        """A hostile contact not engaged or warned off in time strikes the asset it was approaching."""
        yield self.env.timeout(delay)
        if contact.engaged or contact.deterred or not (asset.operational and other.operational):
            return
        model = self.model
        log_id = model.record(
            "strike", f"{asset.describe()} does not stop a hostile contact: {other.describe()} strikes"
        )
        model.engagements.engage(other, asset, True, log_id, "hostile strike", strike=True)

    # ------------------------------------------------------------------ autonomy paths

    def _engagement_decision(
        self, asset: AssetAgent, other: AssetAgent, contact: Contact, log_id: int, posterior: float, tracks: int
    ):
        """The autonomy path of one flagged contact (a raid of ``tracks`` tracks when it is a drone swarm)."""
        hostile = contact.hostile
        if asset.autonomy == Autonomy.OUT_OF_THE_LOOP:
            yield self.env.timeout(self.params.command.machine_latency_seconds / 3600.0)
            approved, how = True, "no human in the loop"
        elif asset.autonomy == Autonomy.ON_THE_LOOP:
            approved, how = yield from self.veto_window(asset, hostile, posterior, tracks)
        else:
            approved, how = yield from self._operator_review(asset, other, hostile, posterior, tracks)
        if not approved:
            self.model.record("c2", f"{asset.describe()}: engagement of {other.describe()} not made ({how})", (log_id,))
            return
        if asset.operational and other.operational:
            contact.engaged = True
            self.model.engagements.engage(asset, other, hostile, log_id, how)

    def _load(self, actor: ActorAgent) -> float:
        """Tracks in hand or waiting per operator (automation bias grows with it)."""
        resource = self.operators[actor.key]
        tracks = sum(request.tracks for request in resource.users) + sum(request.tracks for request in resource.queue)
        return tracks / resource.capacity

    def _judgement(self, asset: AssetAgent, hostile: bool, posterior: float, seconds: float, bias: float) -> float:
        """P(the operator lets the engagement go ahead): a human classifier under time pressure and load."""
        cmd = self.params.command
        d_prime = perception.human_d_prime(cmd.operator_d_prime, seconds, cmd.operator_time_constant_seconds)
        lam = perception.human_criterion(
            d_prime,
            cmd.operator_d_prime,
            posterior,
            bias,
            cmd.automation_bias_per_alert,
            cmd.automation_bias_max,
            self._load(asset.owner),
        )
        return perception.p_human_approves(hostile, d_prime, lam)

    def veto_window(self, asset: AssetAgent, hostile: bool, posterior: float, tracks: int):
        """On the loop: the machine engages unless the supervising operator, if one is free, vetoes in time.

        The veto takes the operator for the whole window; with no operator free (or alerts already waiting
        for one), nobody can veto.
        """
        cmd = self.params.command
        resource = self.operators[asset.owner.key]
        if resource.count >= resource.capacity or resource.queue:
            yield self.env.timeout(cmd.veto_window_seconds / 3600.0)
            return True, "human on the loop, no operator free to veto"
        request = resource.request()
        request.tracks = tracks
        p_go = self._judgement(asset, hostile, posterior, cmd.veto_window_seconds, cmd.operator_bias["on_the_loop"])
        vetoed = not bernoulli(self.model.draws.u(asset.index, Purpose.VETO), p_go)
        yield self.env.timeout(cmd.veto_window_seconds / 3600.0)
        resource.release(request)
        if vetoed:
            return False, "vetoed by the supervising operator"
        return True, "human on the loop, no veto"

    def _operator_review(self, asset: AssetAgent, other: AssetAgent, hostile: bool, posterior: float, tracks: int):
        """In the loop: a free operator within the engagement window, the operator's judgement, and every track
        of the raid cleared before the window closes; what is not cleared in time the actor's doctrine decides."""
        model, cmd = self.model, self.params.command
        resource = self.operators[asset.owner.key]
        review = PendingReview(
            model.new_record_id(),
            asset.key,
            other.key,
            model.now,
            model.now + cmd.engagement_window_minutes / 60.0,
            hostile,
            tracks,
        )
        model.pending.reviews[review.id] = review
        request = resource.request()
        request.tracks = tracks
        window = self.env.timeout(cmd.engagement_window_minutes / 60.0)
        yield request | window
        if not request.triggered:
            request.cancel()
            model.pending.reviews.pop(review.id)
            if asset.owner.engages_on_timeout:
                return True, "no operator free within the engagement window: engaged by default"
            return False, "no operator free within the engagement window"
        review.started_hours = model.now
        t = cmd.review_minutes
        minutes = triangular(model.draws.u(asset.index, Purpose.REVIEW_TIME), t.low, t.mode, t.high)
        p_go = self._judgement(asset, hostile, posterior, minutes * 60.0, cmd.operator_bias["in_the_loop"])
        approved = bernoulli(model.draws.u(asset.index, Purpose.OPERATOR_JUDGEMENT), p_go)
        clearing = command.clearing_minutes(minutes, tracks, cmd.minutes_per_track, resource.capacity)
        left = review.deadline_hours - model.now
        if clearing / 60.0 > left:
            yield self.env.timeout(left)
            resource.release(request)
            model.pending.reviews.pop(review.id)
            if asset.owner.engages_on_timeout:
                return True, "not cleared within the engagement window: engaged by default"
            return False, "not cleared within the engagement window"
        yield self.env.timeout(clearing / 60.0)
        resource.release(request)
        model.pending.reviews.pop(review.id)
        if not approved:
            return False, "the operator judged the contact not hostile"
        return True, "approved by a human operator"
