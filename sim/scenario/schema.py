"""The scenario language: a pydantic v2 schema for everything a Flashpoint crisis needs.

Every field carries a description (it reaches the JSON Schema and the editor) and its unit in
its name or description. Cross-references (an asset's owner or zone, an inject's actor) and the
explicit size limits of :mod:`sim.scenario.limits` are checked by :class:`Scenario` itself, so a
scenario that validates is one the engine can run without reshaping it.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from sim.scenario import limits

Probability = Annotated[float, Field(ge=0.0, le=1.0)]
Fraction = Annotated[float, Field(ge=0.0, le=1.0)]
Identifier = Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9_\-]*$", min_length=1, max_length=limits.MAX_ID_LENGTH)]
Rung = Annotated[int, Field(ge=0, le=7)]
NonNegativeRate = Annotated[float, Field(ge=0.0, le=1000.0)]
FiniteFloat = Annotated[float, Field(allow_inf_nan=False)]


def _with_defaults(defaults: dict):
    """A validator that completes a partial map from its defaults (a map names only what it changes)."""

    def complete(value: dict) -> dict:
        return {**defaults, **value}

    return complete


class Strict(BaseModel):
    """Base for every section: unknown keys are errors, values are checked on assignment."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True, use_attribute_docstrings=False)


class Autonomy(StrEnum):
    """DoD Directive 3000.09 levels of human control over an engagement."""

    IN_THE_LOOP = "in_the_loop"
    ON_THE_LOOP = "on_the_loop"
    OUT_OF_THE_LOOP = "out_of_the_loop"


AUTONOMY_ORDER = (Autonomy.IN_THE_LOOP, Autonomy.ON_THE_LOOP, Autonomy.OUT_OF_THE_LOOP)


class Doctrine(StrEnum):
    """How an actor turns a perceived provocation into a response rung."""

    RESTRAINED = "restrained"
    PROPORTIONAL = "proportional"
    ESCALATE_TO_DOMINATE = "escalate_to_dominate"


class Authority(StrEnum):
    """Rules of engagement: what an actor's forces may do about a contact they classify as hostile."""

    SHADOW = "shadow"
    WARN = "warn"
    FIRE_AT_IDENTIFIED_HOSTILE = "fire_at_identified_hostile"
    FIRE_AT_THREATENING = "fire_at_threatening"


AUTHORITY_ORDER = (
    Authority.SHADOW,
    Authority.WARN,
    Authority.FIRE_AT_IDENTIFIED_HOSTILE,
    Authority.FIRE_AT_THREATENING,
)
"""From the least to the most permissive."""

DEFAULT_RULES_OF_ENGAGEMENT = {
    0: Authority.WARN,
    1: Authority.FIRE_AT_IDENTIFIED_HOSTILE,
    2: Authority.FIRE_AT_IDENTIFIED_HOSTILE,
    3: Authority.FIRE_AT_THREATENING,
    4: Authority.FIRE_AT_THREATENING,
    5: Authority.FIRE_AT_THREATENING,
    6: Authority.FIRE_AT_THREATENING,
    7: Authority.FIRE_AT_THREATENING,
}
"""Authority by the actor's posture toward the contact's owner (assumption; docs/model.md §7.3)."""


class ReviewTimeout(StrEnum):
    """What an engagement request that no operator reviewed in time comes to (the actor's doctrine)."""

    HOLD = "hold"
    ENGAGE = "engage"


class SelfDefense(StrEnum):
    """What an actor's autonomous assets do, at machine speed, when they or their zone-mates are attacked."""

    HOLD = "hold"
    RETURN_FIRE = "return_fire"
    DEFEND_ZONE = "defend_zone"


SELF_DEFENSE_ORDER = (SelfDefense.HOLD, SelfDefense.RETURN_FIRE, SelfDefense.DEFEND_ZONE)
"""Codes of the self-defence rules in the compiled engine (``SD_*``)."""


class ActorKind(StrEnum):
    STATE = "state"
    THIRD_PARTY_STATE = "third_party_state"
    NON_STATE = "non_state"


class AISource(StrEnum):
    FRONTIER = "frontier"
    DISTILLED = "distilled"
    DOMESTIC = "domestic"


class Commitment(StrEnum):
    """Treaties and norms an actor has joined; each policy lever binds only the actors committed to it."""

    HOTLINE = "hotline"
    INCIDENTS_AT_SEA = "incidents_at_sea"
    HUMAN_CONTROL_NORM = "human_control_norm"
    ASAT_TEST_MORATORIUM = "asat_test_moratorium"


class SpaceRole(StrEnum):
    ISR = "isr"
    COMMUNICATIONS = "communications"
    EARLY_WARNING = "early_warning"
    CO_ORBITAL_ASAT = "co_orbital_asat"


# --------------------------------------------------------------------------- metadata and time


class Metadata(Strict):
    name: str = Field(min_length=1, max_length=200, description="Short human-readable scenario name.")
    description: str = Field(
        default="", max_length=20_000, description="What the scenario represents and which questions it serves."
    )
    sources: list[str] = Field(
        default_factory=list,
        max_length=200,
        description="Where the scenario's numbers come from (citations, or 'assumption').",
    )


class TimeConfig(Strict):
    horizon_hours: float = Field(
        gt=0.0, le=limits.MAX_HORIZON_HOURS, description="Length of the simulated crisis, in hours."
    )
    tick_hours: float = Field(
        default=1.0,
        gt=0.0,
        le=168.0,
        description="Length of one model step (Mesa tick), in hours. Events inside a tick keep their exact time.",
    )


# --------------------------------------------------------------------------- zones


class Zone(Strict):
    kind: Literal["theater", "orbit"] = Field(description="A theater region (sea, air, land) or an orbital regime.")
    name: str = Field(default="", max_length=200, description="Display name.")
    regime: Literal["LEO", "MEO", "GEO", "HEO"] | None = Field(
        default=None, description="Orbital regime; required when kind is 'orbit', forbidden otherwise."
    )
    adjacent: list[Identifier] = Field(
        default_factory=list, description="Ids of zones adjacent to this one (encounters can cross an adjacency)."
    )
    tracked_objects: int = Field(
        default=0,
        ge=0,
        le=limits.MAX_TRACKED_OBJECTS,
        description="Orbit zones: catalogued objects (debris and satellites) at crisis start, count.",
    )
    maritime: bool = Field(
        default=True,
        description="Theater zones: at sea (incidents-at-sea rules apply). Ignored for orbit zones.",
    )
    homeland: Identifier | None = Field(
        default=None,
        description="Theater zones: id of the actor whose homeland this zone is. An attack on that actor's assets "
        "here strikes its homeland, which raises its stakes at the nuclear threshold (docs/model.md §13.3).",
    )
    position: tuple[FiniteFloat, FiniteFloat] | None = Field(
        default=None,
        description="Theater zones: where the app's map draws the zone, [x, y] (schematic units, or "
        "[longitude, latitude] in degrees; y grows northward). Zones without one are placed from the "
        "adjacency graph. Only for display: the model does not read it. Ignored for orbit zones.",
    )

    @model_validator(mode="after")
    def _regime_matches_kind(self) -> Zone:
        if self.kind == "orbit" and self.regime is None:
            raise ValueError("an orbit zone needs a 'regime' (LEO, MEO, GEO or HEO)")
        if self.kind == "theater" and self.regime is not None:
            raise ValueError("a theater zone has no orbital 'regime'")
        return self


# --------------------------------------------------------------------------- actors


class AIStack(Strict):
    source: AISource = Field(
        description="Where the actor's military AI comes from: frontier (own frontier lab), distilled (a student "
        "of another's frontier model), or domestic (trained on domestic chips)."
    )
    capability: Fraction | None = Field(
        default=None,
        description="Model capability as a fraction of the world frontier (0-1). Required for frontier and "
        "domestic sources; for distilled, omitted means technology.distillation.fidelity x frontier, lagged.",
    )

    @model_validator(mode="after")
    def _capability_given_when_needed(self) -> AIStack:
        if self.source != AISource.DISTILLED and self.capability is None:
            raise ValueError(f"'capability' is required when source is '{self.source.value}'")
        return self


class ComputeAccess(Strict):
    frontier_chip_access: Fraction = Field(
        default=1.0,
        description="Share of the actor's compute need it can buy as frontier (H200-class) chips with no export "
        "controls in force, 0-1.",
    )
    export_controlled: bool = Field(
        default=False, description="Whether technology.export_control_strength applies to this actor."
    )


class DirectAscent(Strict):
    zone: Identifier = Field(description="Id of the orbit zone its interceptors reach (usually LEO).")
    kill_probability: Probability = Field(default=0.9, description="Probability one strike disables its target.")
    debris: int = Field(
        default=1500, ge=0, le=100_000, description="Trackable fragments one strike creates (0: non-destructive)."
    )


class Obligation(Strict):
    partner: Identifier = Field(description="Id of the actor this one is committed to defend.")
    rung: Rung = Field(
        default=3,
        description="Rung the ally rises to against the attacker when its partner suffers a kinetic attack "
        "(an engagement or strike read as rung 3 or higher).",
    )


class Actor(Strict):
    name: str = Field(default="", max_length=200, description="Display name.")
    kind: ActorKind = Field(default=ActorKind.STATE, description="State, third-party state, or non-state actor.")
    adversaries: list[Identifier] = Field(
        default_factory=list,
        description="Ids of actors this one treats as potential threats (encounters happen only between "
        "adversaries; the relation is made symmetric).",
    )
    resolve: Fraction = Field(
        default=0.5, description="Willingness to accept costs to prevail, 0-1 (raises deliberate escalation)."
    )
    risk_tolerance: Fraction = Field(
        default=0.5, description="Acceptance of escalation risk, 0-1 (raises response rungs)."
    )
    doctrine: Doctrine = Field(default=Doctrine.PROPORTIONAL, description="Response doctrine.")
    decision_latency_hours: float = Field(
        default=6.0,
        gt=0.0,
        le=720.0,
        description="Mean time for the leadership to decide a response with humans in the loop, hours.",
    )
    initial_rung: Rung = Field(default=1, description="Rung of the escalation ladder at crisis start (0-7).")
    autonomy: Autonomy = Field(
        default=Autonomy.IN_THE_LOOP, description="Default autonomy level of the actor's assets."
    )
    operators: int = Field(
        default=4,
        ge=1,
        le=limits.MAX_OPERATORS,
        description="Human operators available to review engagements at once (the operator queue's servers).",
    )
    roe_threshold: float = Field(
        default=0.75,
        ge=-3.0,
        le=6.0,
        description="Rules-of-engagement bias c at rung 0 (signal detection theory, in standard deviations of "
        "noise, measured from the midpoint between noise and signal: lambda = d'/2 + c); lower is more trigger-happy.",
    )
    rules_of_engagement: dict[Rung, Authority] = Field(
        default_factory=lambda: dict(DEFAULT_RULES_OF_ENGAGEMENT),
        description="Authority to act on a contact classified as hostile, by the actor's posture (rung) toward the "
        "contact's owner: shadow, warn, fire_at_identified_hostile or fire_at_threatening (a partial map keeps "
        "the other defaults).",
    )
    self_defense: SelfDefense = Field(
        default=SelfDefense.DEFEND_ZONE,
        description="Self-defence rule of engagement of the actor's autonomous assets (out of the loop, or on the "
        "loop after the veto window): hold (no machine-speed answer), return_fire (an attacked asset answers its "
        "attacker) or defend_zone (the attacked asset and its zone-mates answer the attacker).",
    )
    review_timeout: ReviewTimeout = Field(
        default=ReviewTimeout.HOLD,
        description="Doctrine for an in-the-loop engagement request no operator reviewed within the engagement "
        "window: hold fire, or engage by default.",
    )
    ai: AIStack = Field(description="The actor's military AI stack.")
    compute: ComputeAccess = Field(default_factory=ComputeAccess, description="Access to AI compute.")
    commitments: list[Commitment] = Field(default_factory=list, description="Treaties and norms the actor has joined.")
    obligations: list[Obligation] = Field(
        default_factory=list,
        max_length=limits.MAX_ACTORS,
        description="Alliance obligations: partners this actor steps in for when they are attacked.",
    )
    direct_ascent_asat: DirectAscent | None = Field(
        default=None,
        description="A direct-ascent anti-satellite capability, used when the actor escalates to the counter-space "
        "rung against an adversary (parameters.space.counterspace_rung).",
    )

    @field_validator("rules_of_engagement")
    @classmethod
    def _complete_rules(cls, value: dict[int, Authority]) -> dict[int, Authority]:
        return {**DEFAULT_RULES_OF_ENGAGEMENT, **value}


# --------------------------------------------------------------------------- assets


class Classifier(Strict):
    d_prime: float | None = Field(
        default=None,
        ge=0.0,
        le=8.0,
        description="Sensitivity d' of this asset's target classifier; omitted means the owner's d' from the "
        "technology layer.",
    )
    clutter_factor: Fraction = Field(
        default=1.0,
        description="Multiplier on d' for clutter and small targets (0.5 is COCO's AP_small/AP_large).",
    )


class AssetBase(Strict):
    name: str = Field(default="", max_length=200, description="Display name (e.g. a ship's name).")
    owner: Identifier = Field(description="Id of the actor that owns the asset.")
    zone: Identifier = Field(description="Id of the zone where the asset is at crisis start.")
    autonomy: Autonomy | None = Field(
        default=None, description="Autonomy level of this asset; omitted means the owner's default."
    )


class DroneSwarm(AssetBase):
    kind: Literal["drone_swarm"] = Field(description="A swarm of autonomous drones.")
    size: int = Field(ge=1, le=limits.MAX_DRONES_PER_SWARM, description="Drones in the swarm at full fleet, count.")
    classifier: Classifier = Field(default_factory=Classifier, description="The swarm's target classifier.")
    hit_probability: Probability = Field(
        default=0.3, description="Probability that one drone that is not intercepted hits its target."
    )


class NavalGroup(AssetBase):
    kind: Literal["naval_group"] = Field(description="A naval task group.")
    ships: int = Field(ge=1, le=limits.MAX_SHIPS_PER_GROUP, description="Ships in the group, count.")
    carrier: bool = Field(default=False, description="Whether the group is built around an aircraft carrier.")
    flag: str = Field(default="", max_length=200, description="Flagship name (e.g. 'Fujian', 'USS Ronald Reagan').")
    air_defense: int = Field(
        default=8,
        ge=0,
        le=1000,
        description="Interceptor shots per ship per salvo (drones or missiles it can engage at once), count.",
    )
    intercept_probability: Probability = Field(default=0.7, description="Kill probability of one interceptor shot.")
    missiles_per_ship: int = Field(
        default=4, ge=0, le=200, description="Offensive missiles per ship per salvo when the group engages, count."
    )
    magazine: int | None = Field(
        default=None,
        ge=0,
        le=1_000_000,
        description="Interceptor rounds aboard the group at crisis start (spent by defensive fire, replenished with "
        "compute); omitted means four full salvos, 4 x ships x air_defense.",
    )
    staying_power: float = Field(
        default=2.0, gt=0.0, le=50.0, description="Hits needed to put one ship out of action (Hughes' y)."
    )
    classifier: Classifier = Field(default_factory=Classifier, description="The group's combat-system classifier.")


class SpaceAsset(AssetBase):
    kind: Literal["space_asset"] = Field(description="A satellite or co-orbital platform.")
    role: SpaceRole = Field(description="ISR, communications, early warning, or co-orbital ASAT.")
    nuclear_c3: bool = Field(
        default=False,
        description="Serves nuclear command, control and communications (an attack on it is read as strategic).",
    )
    kill_probability: Probability = Field(
        default=0.8, description="Co-orbital ASAT only: probability that one attack disables its target."
    )
    debris_per_kill: int = Field(
        default=0,
        ge=0,
        le=100_000,
        description="Co-orbital ASAT only: trackable fragments created per kill (0 for grappling or jamming).",
    )
    classifier: Classifier = Field(default_factory=Classifier, description="Onboard classifier (ASAT targeting).")


Asset = Annotated[DroneSwarm | NavalGroup | SpaceAsset, Field(discriminator="kind")]


# --------------------------------------------------------------------------- technology layer


class Distillation(Strict):
    blind_spot_episodes_per_day: float = Field(
        default=0.1,
        ge=0.0,
        le=100.0,
        description="Rate of episodes in which the teacher model's blind spots are exposed (a situation it "
        "misreads); every distilled student misreads it too, at once, per day.",
    )
    blind_spot_hours: float = Field(default=24.0, gt=0.0, le=8760.0, description="Mean length of an episode, hours.")
    blind_spot_severity: Fraction = Field(
        default=0.5, description="Share of a distilled student's classifier d' lost during an episode."
    )
    fidelity: Fraction = Field(
        default=0.85,
        description="Capability of a distilled student as a fraction of its teacher's (R1-distill: 0.71-0.91).",
    )
    lag_months: float = Field(
        default=6.0, ge=0.0, le=120.0, description="How far the student lags the frontier, months."
    )
    frontier_growth_per_month: float = Field(
        default=0.02,
        ge=0.0,
        le=0.5,
        description="Relative growth of frontier capability per month (discounts a lagged student).",
    )


class Proliferation(Strict):
    level: Fraction = Field(default=0.0, description="How widely distilled models have spread to third parties, 0-1.")
    recipients: list[Identifier] = Field(
        default_factory=list, description="Ids of third-party actors that field proliferated models."
    )
    source_actor: Identifier | None = Field(
        default=None,
        description="Id of the state whose systems the recipients' systems resemble (blamed on misattribution).",
    )


class Technology(Strict):
    export_control_strength: Fraction = Field(
        default=0.5, description="Share of frontier-chip access denied to export-controlled actors, 0-1."
    )
    frontier_capability: Fraction = Field(
        default=0.9, description="World frontier model capability on the 0-1 capability scale."
    )
    domestic_chip_capacity: dict[Identifier, Fraction] = Field(
        default_factory=dict,
        description="Per actor id: share of its compute need met by domestic chips, 0-1.",
    )
    distillation: Distillation = Field(default_factory=Distillation, description="Distillation of frontier models.")
    proliferation: Proliferation = Field(
        default_factory=Proliferation, description="Spread of models to third parties."
    )
    dprime_at_full_capability: float = Field(
        default=3.3,
        gt=0.0,
        le=8.0,
        description="Classifier d' at capability 1 with full compute (Pd 0.95 / Pfa 0.05 gives 3.29).",
    )
    compute_capability_floor: Fraction = Field(
        default=0.5, description="Share of model capability kept with no compute at all (assumption)."
    )
    compute_fleet_floor: Fraction = Field(
        default=0.3, description="Share of the autonomous fleet fielded with no compute at all (assumption)."
    )
    replenishment_per_day: float = Field(
        default=0.02,
        ge=0.0,
        le=10.0,
        description="Drones and interceptor rounds replaced per day, as a share of what was fielded at start, at "
        "full compute (scaled by the owner's compute share).",
    )
    balance_gain: float = Field(
        default=0.5,
        ge=0.0,
        le=10.0,
        description="Window of opportunity: relative rise of an actor's deliberate escalation hazard per unit of "
        "capability advantage over the adversary (balance in [-1, 1]).",
    )


# --------------------------------------------------------------------------- policy levers


class AutonomyCaps(Strict):
    drone_swarm: Autonomy | None = Field(default=None, description="Highest autonomy allowed for drone swarms.")
    naval_group: Autonomy | None = Field(default=None, description="Highest autonomy allowed for naval groups.")
    space_asset: Autonomy | None = Field(default=None, description="Highest autonomy allowed for space assets.")


class Hotline(Strict):
    enabled: bool = Field(default=True, description="Whether a crisis hotline links committed actors.")
    latency_hours: float = Field(
        default=1.0, ge=0.0, le=168.0, description="Mean time for a clarification to reach the other leadership, hours."
    )
    reliability: Probability = Field(
        default=0.3, description="Probability a clarification is answered and believed (US-PRC: about 0.3)."
    )
    deescalation_bonus: float = Field(
        default=0.3,
        ge=0.0,
        le=10.0,
        description="Assumed relative rise of the de-escalation and crisis-ending hazards between two actors the "
        "hotline links (talks help the sides climb down); 0 leaves the hotline only its race against responses.",
    )


class IncidentsAtSea(Strict):
    enabled: bool = Field(default=False, description="Whether incidents-at-sea rules (INCSEA/MMCA) are in force.")
    encounter_rate_factor: Fraction = Field(
        default=0.5, description="Multiplier on maritime encounter rates between committed actors."
    )
    threshold_shift: float = Field(
        default=0.5, ge=0.0, le=3.0, description="Added to the ROE criterion lambda at sea between committed actors."
    )


class Verification(StrEnum):
    """How violations of the human-control norm are detected."""

    INSPECTION = "inspection"
    TELEMETRY = "telemetry"
    ATTESTATION = "attestation"


DEFAULT_DETECTION_PER_DAY = {
    Verification.INSPECTION: 0.02,
    Verification.TELEMETRY: 0.2,
    Verification.ATTESTATION: 1.0,
}


class HumanControlNorm(Strict):
    enabled: bool = Field(default=False, description="Whether a norm of human control over lethal force is in force.")
    verification: Verification = Field(
        default=Verification.TELEMETRY,
        description="How violations are detected: on-site inspection, engagement telemetry, or attestation of "
        "model provenance.",
    )
    detection_per_day: dict[Verification, NonNegativeRate] = Field(
        default_factory=lambda: dict(DEFAULT_DETECTION_PER_DAY),
        description="Hazard that an ongoing violation is detected, per day, by verification method.",
    )
    _complete_detection = field_validator("detection_per_day")(_with_defaults(DEFAULT_DETECTION_PER_DAY))

    baseline_compliance: Probability = Field(
        default=0.5, description="Probability a committed actor complies with no verification at all."
    )
    escalation_pressure: Fraction = Field(
        default=0.5,
        description="Share of the compliance probability lost at rung 7 (linear in the actor's rung): the higher "
        "a crisis climbs, the more a committed actor is tempted to take humans out of the loop.",
    )
    distrust: Fraction = Field(
        default=0.3,
        description="Multiplier on an actor's compliance once it has seen an adversary's violation detected.",
    )
    violation_pressure: float = Field(
        default=1.0,
        ge=0.0,
        le=100.0,
        description="Posture pressure on a detected violator: every other actor's deliberate escalation hazard "
        "against it is multiplied by 1 + this for the rest of the run.",
    )
    hotline_penalty: Fraction = Field(
        default=0.5,
        description="Share of the hotline's reliability lost between a detected violator and others.",
    )


class AsatMoratorium(Strict):
    enabled: bool = Field(
        default=False,
        description="Whether a moratorium on destructive ASAT use (tests and debris-making strikes) is in force.",
    )
    compliance: Probability = Field(
        default=0.9, description="Probability a committed actor forgoes a destructive test or strike."
    )
    breach_rung: int = Field(
        default=3,
        ge=0,
        le=7,
        description="Provocation rung the other committed actors read into a breach; a breach releases them.",
    )


class Policy(Strict):
    autonomy_caps: AutonomyCaps = Field(default_factory=AutonomyCaps, description="Caps on autonomy by asset kind.")
    hotline: Hotline = Field(default_factory=Hotline, description="Crisis communication link.")
    incidents_at_sea: IncidentsAtSea = Field(default_factory=IncidentsAtSea, description="Incidents-at-sea rules.")
    human_control_norm: HumanControlNorm = Field(default_factory=HumanControlNorm, description="Human-control norm.")
    asat_test_moratorium: AsatMoratorium = Field(default_factory=AsatMoratorium, description="ASAT test moratorium.")


# --------------------------------------------------------------------------- injects


class InjectBase(Strict):
    at_hours: float = Field(ge=0.0, description="When the event happens, hours from crisis start.")
    description: str = Field(default="", max_length=2000, description="What happens, in words, for the event log.")


class FalseAlarmInject(InjectBase):
    kind: Literal["false_alarm"] = Field(description="An early-warning false alarm (e.g. NORAD 1979, Oko 1983).")
    actor: Identifier = Field(description="Id of the actor whose warning system reports the phantom attack.")
    blamed: Identifier = Field(description="Id of the actor the phantom attack appears to come from.")


class AsatTestInject(InjectBase):
    kind: Literal["asat_test"] = Field(description="A destructive ASAT test against the actor's own object.")
    actor: Identifier = Field(description="Id of the testing actor.")
    zone: Identifier = Field(description="Id of the orbit zone where the test happens.")
    debris: int = Field(default=1500, ge=0, le=100_000, description="Trackable fragments created, count.")


class CollisionAtSeaInject(InjectBase):
    kind: Literal["collision_at_sea"] = Field(description="An accidental collision between two assets.")
    assets: list[Identifier] = Field(min_length=2, max_length=2, description="Ids of the two colliding assets.")


class AttackInject(InjectBase):
    kind: Literal["attack"] = Field(description="A deliberate attack by one asset on another.")
    attacker: Identifier = Field(description="Id of the attacking asset.")
    target: Identifier = Field(description="Id of the asset attacked.")


class AutonomyChangeInject(InjectBase):
    kind: Literal["autonomy_change"] = Field(description="An actor resets the autonomy level of its assets.")
    actor: Identifier = Field(description="Id of the actor.")
    autonomy: Autonomy = Field(description="New autonomy level for all its assets (policy caps still apply).")


Inject = Annotated[
    FalseAlarmInject | AsatTestInject | CollisionAtSeaInject | AttackInject | AutonomyChangeInject,
    Field(discriminator="kind"),
]


# --------------------------------------------------------------------------- model parameters


class Triangular(Strict):
    low: float = Field(ge=0.0, description="Minimum.")
    mode: float = Field(ge=0.0, description="Most likely value.")
    high: float = Field(ge=0.0, description="Maximum.")

    @model_validator(mode="after")
    def _ordered(self) -> Triangular:
        if not self.low <= self.mode <= self.high:
            raise ValueError("needs low <= mode <= high")
        if self.high <= 0.0:
            raise ValueError("needs high > 0")
        return self


DEFAULT_RATE_PER_DAY = {"drone_swarm": 0.12, "naval_group": 0.08, "space_asset": 0.02}
DEFAULT_LATENCY_FACTOR = {Autonomy.IN_THE_LOOP: 1.0, Autonomy.ON_THE_LOOP: 0.5, Autonomy.OUT_OF_THE_LOOP: 0.1}
DEFAULT_CONFERENCE_CATCH = {Autonomy.IN_THE_LOOP: 0.95, Autonomy.ON_THE_LOOP: 0.8, Autonomy.OUT_OF_THE_LOOP: 0.3}
DEFAULT_OPERATOR_BIAS = {Autonomy.IN_THE_LOOP: 0.0, Autonomy.ON_THE_LOOP: -1.0}


class EncounterParameters(Strict):
    rate_per_day: dict[Literal["drone_swarm", "naval_group", "space_asset"], NonNegativeRate] = Field(
        default_factory=lambda: dict(DEFAULT_RATE_PER_DAY),
        description="Contacts per asset per day with adversary assets in reach, at rung 0, by asset kind.",
    )
    posture_gain_per_rung: float = Field(
        default=0.25, ge=0.0, le=5.0, description="Relative rise of the encounter rate per rung of the owner."
    )
    hostile_share_base: Probability = Field(
        default=0.0002,
        description="Share of contacts that are truly hostile acts when the other side's posture toward the "
        "contact's target is rung 0.",
    )
    hostile_share_per_rung: float = Field(
        default=0.02,
        ge=0.0,
        le=1.0,
        description="Added share of hostile contacts per rung of the other side's posture toward the target.",
    )
    _complete_rates = field_validator("rate_per_day")(_with_defaults(DEFAULT_RATE_PER_DAY))

    threshold_shift_per_rung: float = Field(
        default=0.15, ge=0.0, le=2.0, description="Drop of the ROE criterion lambda per rung of the owner."
    )


class CommandParameters(Strict):
    review_minutes: Triangular = Field(
        default_factory=lambda: Triangular(low=0.5, mode=3.7, high=7.0),
        description="Operator review time for one engagement, minutes (Vincennes 3 min 40 s; IR655 7 min).",
    )
    engagement_window_minutes: float = Field(
        default=15.0,
        gt=0.0,
        le=1440.0,
        description="How long an engagement opportunity lasts: an in-the-loop request must be reviewed and its "
        "raid cleared within it, or the actor's review_timeout doctrine decides, minutes.",
    )
    minutes_per_track: float = Field(
        default=0.25,
        ge=0.0,
        le=60.0,
        description="Operator time to clear each further track of a drone-swarm raid (one track per drone the "
        "swarm would commit), shared by the actor's operators, minutes.",
    )
    veto_window_seconds: float = Field(
        default=20.0, gt=0.0, le=3600.0, description="On-the-loop veto window, seconds (10-30 s, assumption)."
    )
    machine_latency_seconds: float = Field(
        default=2.0, ge=0.0, le=600.0, description="Out-of-the-loop decision time, seconds."
    )
    operator_d_prime: float = Field(
        default=2.0,
        ge=0.0,
        le=8.0,
        description="Sensitivity d' of a human operator's own judgement of a contact, with unlimited time.",
    )
    operator_time_constant_seconds: float = Field(
        default=60.0,
        gt=0.0,
        le=3600.0,
        description="Time pressure: an operator with t seconds to judge has d' x t / (t + this), seconds.",
    )
    operator_bias: dict[Literal["in_the_loop", "on_the_loop"], float] = Field(
        default_factory=lambda: dict(DEFAULT_OPERATOR_BIAS),
        description="Operator criterion offset (noise SD) by autonomy: positive holds fire more, negative approves "
        "more (on the loop, a veto needs evidence: inaction engages).",
    )
    _complete_bias = field_validator("operator_bias")(_with_defaults(DEFAULT_OPERATOR_BIAS))

    automation_bias_per_alert: float = Field(
        default=0.3,
        ge=0.0,
        le=10.0,
        description="Automation bias: at light load the operator's criterion drops by this (noise SD) per alert "
        "in hand or waiting per operator, so a loaded operator defers to the machine.",
    )
    automation_bias_max: float = Field(
        default=1.5,
        ge=0.0,
        le=10.0,
        description="Automation bias saturates: no load lowers the operator's criterion by more than this (noise SD).",
    )
    response_latency_factor: dict[Autonomy, NonNegativeRate] = Field(
        default_factory=lambda: dict(DEFAULT_LATENCY_FACTOR),
        description="Multiplier on the decision latency of a response, by the autonomy of the attacked asset.",
    )
    _complete_latency = field_validator("response_latency_factor")(_with_defaults(DEFAULT_LATENCY_FACTOR))

    error_discovery_hours: float = Field(
        default=1.0, gt=0.0, le=168.0, description="Mean time for a side to learn its engagement was a mistake, hours."
    )


class EngagementParameters(Strict):
    swarm_salvo_fraction: Fraction = Field(
        default=0.25, description="Share of a swarm's drones committed in one engagement."
    )
    strike_minutes: float = Field(
        default=8.0,
        gt=0.0,
        le=1440.0,
        description="Mean time from contact until a truly hostile contact that is not engaged strikes, minutes.",
    )
    identification_margin: float = Field(
        default=1.0,
        ge=0.0,
        le=6.0,
        description="Rules of engagement 'fire at identified hostile': evidence must exceed the classifier's "
        "criterion by this much (noise SD).",
    )
    warning_deterrence: Probability = Field(
        default=0.5, description="Probability a truly hostile contact that is warned off breaks off its attack."
    )
    shots_per_threat: int = Field(
        default=2,
        ge=1,
        le=10,
        description="Defensive doctrine: interceptor shots fired at each threat per round (2: shoot-shoot-look).",
    )
    drone_kill_probability: Probability = Field(
        default=0.5, description="Swarm against swarm: probability one drone kills an opposing drone."
    )
    missile_hit_probability: Probability = Field(
        default=0.6, description="Probability one ship-launched missile that is not intercepted hits."
    )


class SpaceParameters(Strict):
    fragment_hit_per_day: float = Field(
        default=2e-6,
        ge=0.0,
        le=1e-2,
        description="Hazard per day that one fresh fragment (made during the run) destroys a given satellite in its "
        "orbit zone: fresh debris is concentrated near its parent's orbit.",
    )
    fragment_lifetime_days: float = Field(
        default=180.0,
        gt=0.0,
        le=1e6,
        description="E-folding time of fresh fragments (decay and dispersal out of the crowded shell), days.",
    )
    isr_dependence: Fraction = Field(
        default=0.5,
        description="Share of an actor's classifier d' lost when all its ISR satellites are lost (linear in the "
        "share lost).",
    )
    counterspace_rung: int = Field(
        default=4,
        ge=1,
        le=8,
        description="Rung at which an actor with a direct-ascent ASAT strikes a satellite of the adversary it "
        "escalates against (8: never).",
    )
    collision_coefficient_per_day: float = Field(
        default=2.5e-12,
        ge=0.0,
        le=1e-6,
        description="k in the regime collision rate 0.5 k N^2 per day (N tracked objects; kinetic-gas form).",
    )
    fragments_per_collision: int = Field(
        default=1000, ge=0, le=100_000, description="Trackable fragments from one catastrophic collision."
    )


class WarningParameters(Strict):
    false_alarms_per_year: float = Field(
        default=2.7,
        ge=0.0,
        le=1000.0,
        description="Serious early-warning false alarms per owner per year (1979-80: 4 in 18 months).",
    )
    corroboration_probability: Probability = Field(
        default=0.1,
        description="Probability that a second, independent sensor seems to confirm a false alarm (dual "
        "phenomenology); an unconfirmed alarm is dismissed.",
    )
    conference_minutes: float = Field(
        default=3.2,
        gt=0.0,
        le=600.0,
        description="Mean length of the threat assessment conference on a confirmed alarm, minutes (NORAD 1980: "
        "cancelled after 3 min 12 s).",
    )
    conference_catch: dict[Autonomy, Probability] = Field(
        default_factory=lambda: dict(DEFAULT_CONFERENCE_CATCH),
        description="Probability the threat conference recognises a confirmed false alarm before leaders act, by "
        "the autonomy of the warning system.",
    )
    _complete_catch = field_validator("conference_catch")(_with_defaults(DEFAULT_CONFERENCE_CATCH))

    leaders_act_base: Probability = Field(
        default=0.2,
        description="Probability that leaders act on an alarm the conference did not catch when they stand at "
        "rung 0 toward the blamed side (peacetime: an attack out of the blue is doubted).",
    )
    leaders_act_per_rung: float = Field(
        default=0.2,
        ge=0.0,
        le=1.0,
        description="Added probability per rung of the leaders' posture toward the blamed side (the crisis makes "
        "an attack credible).",
    )


class EndingParameters(Strict):
    end_per_day: float = Field(
        default=0.02,
        ge=0.0,
        le=10.0,
        description="Hazard that a crisis at rung 1 ends (settlement, or a return to competition), per day.",
    )
    level_decay: float = Field(
        default=0.3,
        ge=0.0,
        le=10.0,
        description="Relative fall of the ending hazard per rung of the crisis level above 1 (wars last longer).",
    )
    incident_gain: float = Field(
        default=0.05,
        ge=0.0,
        le=10.0,
        description="Relative rise of the ending hazard per kinetic incident so far (costs push toward settlement).",
    )


class ResponseParameters(Strict):
    answer_from_rung: int = Field(
        default=2,
        ge=1,
        le=8,
        description="An actor that raises its posture toward another, from this rung up and above the other's "
        "posture toward it, is answered: the other reads the step as a provocation at that rung (8: never).",
    )
    crisis_onset_per_day: float = Field(
        default=0.00024,
        ge=0.0,
        le=10.0,
        description="Hazard that a crisis dyad (crisis_dyads) at peace, both postures 0, opens a crisis, per day "
        "and dyad (each side opens it at half this rate); pairs that are not crisis dyads never open one.",
    )
    deliberate_escalation_per_day: float = Field(
        default=0.01, ge=0.0, le=10.0, description="Base hazard of a deliberate one-rung escalation, per day."
    )
    de_escalation_per_day: float = Field(
        default=0.06, ge=0.0, le=10.0, description="Base hazard of a one-rung de-escalation, per day."
    )
    spiral_gain: float = Field(
        default=0.5,
        ge=0.0,
        le=10.0,
        description="Jervis spiral: relative rise of the escalation hazard per rung an adversary stands above.",
    )
    misattribution_base: Probability = Field(
        default=0.03, description="Probability an attack is blamed on the wrong adversary with no proliferation."
    )
    misattribution_per_proliferation: Probability = Field(
        default=0.5, description="Added misattribution probability at proliferation level 1 (third-party attacks)."
    )


class LeadershipParameters(Strict):
    d_prime: float = Field(
        default=3.0,
        ge=0.0,
        le=8.0,
        description="Sensitivity d' of a leadership's reading of a provocation (its rung, whom to blame) with "
        "unlimited time, noise SD.",
    )
    time_constant_hours: float = Field(
        default=1.0,
        gt=0.0,
        le=720.0,
        description="Time pressure: a leadership with t hours to decide reads with d' x t / (t + this), hours.",
    )
    over_reading: Probability = Field(
        default=0.02,
        description="Share of provocations a leadership with unlimited time reads one rung higher than they are "
        "(a worst-case reading); less time makes it larger.",
    )


class FlashParameters(Strict):
    theater_exchanges: int = Field(
        default=3,
        ge=1,
        le=1000,
        description="Machine-speed chains: after this many exchanges with losses a chain is a battle, and its "
        "further exchanges read as theater strikes (rung 4).",
    )


class FirebreakParameters(Strict):
    strategic_per_day: float = Field(
        default=0.00005,
        ge=0.0,
        le=10.0,
        description="Base hazard of a deliberate step from rung 4 to 5 (strategic non-nuclear strikes), per day.",
    )
    signaling_per_day: float = Field(
        default=0.0001,
        ge=0.0,
        le=10.0,
        description="Base hazard of a deliberate move to rung 6 (nuclear signalling), per day: from rung 5, or "
        "straight from rungs 3-4 (signalling needs no strategic strikes first).",
    )
    use_per_day: float = Field(
        default=0.00001, ge=0.0, le=10.0, description="Base hazard of a deliberate step from 6 to 7 (nuclear use)."
    )
    cross_strategic: Probability = Field(
        default=0.01,
        description="Probability a leadership whose response calls for rung 5 takes it (else it considers a "
        "rung less), with nothing at stake.",
    )
    cross_signaling: Probability = Field(
        default=0.05, description="Same, for a response that calls for rung 6 (nuclear signalling)."
    )
    cross_use: Probability = Field(default=0.002, description="Same, for a response that calls for rung 7.")
    stakes_factor: float = Field(
        default=2.0,
        ge=1.0,
        le=100.0,
        description="Multiplier of the threshold hazards and crossing probabilities per stake an actor has lost "
        "(a strategic satellite lost or an alarm believed, its homeland struck, half its fleet lost).",
    )
    losing_share: Fraction = Field(
        default=0.5, description="Share of its ships lost from which an actor counts as losing at sea (a stake)."
    )


class Parameters(Strict):
    encounters: EncounterParameters = Field(default_factory=EncounterParameters, description="Encounter process.")
    command: CommandParameters = Field(default_factory=CommandParameters, description="Command and control.")
    engagement: EngagementParameters = Field(default_factory=EngagementParameters, description="Engagements.")
    space: SpaceParameters = Field(default_factory=SpaceParameters, description="Orbits and debris.")
    warning: WarningParameters = Field(default_factory=WarningParameters, description="Early-warning false alarms.")
    response: ResponseParameters = Field(default_factory=ResponseParameters, description="Responses and hazards.")
    ending: EndingParameters = Field(default_factory=EndingParameters, description="How crises end.")
    leadership: LeadershipParameters = Field(
        default_factory=LeadershipParameters, description="Leaderships' reading of provocations under time pressure."
    )
    flash: FlashParameters = Field(default_factory=FlashParameters, description="Machine-speed chains.")
    firebreak: FirebreakParameters = Field(
        default_factory=FirebreakParameters, description="The nuclear firebreak: the steps to rungs 5, 6 and 7."
    )


class MonteCarlo(Strict):
    runs: int = Field(default=1000, ge=1, le=limits.MAX_RUNS, description="Default number of replications.")
    seed: int = Field(default=20260101, ge=0, le=2**63 - 1, description="Default master seed.")


# --------------------------------------------------------------------------- the scenario


class Scenario(Strict):
    """A complete crisis scenario."""

    model_config = ConfigDict(
        extra="forbid",
        validate_assignment=True,
        json_schema_extra={"$comment": "Flashpoint scenario; see docs/scenarios.md"},
    )

    metadata: Metadata = Field(description="Name, description and sources.")
    time: TimeConfig = Field(description="Horizon and tick length.")
    zones: dict[Identifier, Zone] = Field(min_length=1, description="Zones by id.")
    actors: dict[Identifier, Actor] = Field(min_length=2, description="Actors by id.")
    assets: dict[Identifier, Asset] = Field(default_factory=dict, description="Assets by id.")
    technology: Technology = Field(default_factory=Technology, description="The technology layer.")
    policy: Policy = Field(default_factory=Policy, description="Policy levers.")
    crisis_dyads: list[tuple[Identifier, Identifier]] = Field(
        default_factory=list,
        max_length=limits.MAX_ACTORS * limits.MAX_ACTORS,
        description="Pairs of adversaries whose peace can break into a crisis at the onset hazard "
        "(parameters.response.crisis_onset_per_day), e.g. [[USA, PRC]]; other pairs at peace stay at peace.",
    )
    injects: list[Inject] = Field(default_factory=list, description="Scheduled events.")
    parameters: Parameters = Field(default_factory=Parameters, description="Model parameters (see docs/model.md).")
    monte_carlo: MonteCarlo = Field(default_factory=MonteCarlo, description="Monte Carlo defaults.")
