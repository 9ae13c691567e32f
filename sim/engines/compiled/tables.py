"""A validated scenario compiled into flat tables for the compiled engine.

:func:`compile_scenario` turns a :class:`~sim.scenario.schema.Scenario` into a :class:`Tables`
(record arrays of actors, assets, zones and injects, one record of parameters, and the CSR lists
the model walks: adversaries, early-warning satellites, targets in reach, satellites per orbit) and
keeps the names needed to render the event log. Everything that does not depend on a run's random
draws is computed here once, with the same kernels and the same arithmetic as the reference engine.
"""

from __future__ import annotations

import math
from collections import namedtuple
from dataclasses import dataclass

import numpy as np

from sim.engines.compiled import layout as ly
from sim.engines.compiled.escalation import hazard_table
from sim.engines.compiled.orbits import collision_table
from sim.engines.shared.technology import ActorTechnology, actor_technology
from sim.kernels import technology as tech
from sim.scenario.schema import (
    AUTHORITY_ORDER,
    AUTONOMY_ORDER,
    SELF_DEFENSE_ORDER,
    AsatTestInject,
    AttackInject,
    AutonomyChangeInject,
    CollisionAtSeaInject,
    Commitment,
    DroneSwarm,
    FalseAlarmInject,
    NavalGroup,
    Scenario,
    SpaceRole,
)

Tables = namedtuple(
    "Tables",
    [
        "params",
        "actors",
        "assets",
        "zones",
        "injects",
        "adversaries",
        "early_warning",
        "targets",
        "target_incsea",
        "satellites",
        "hazards",
        "collisions",
        "roe",
        "ob_partner",
        "ob_rung",
        "balance",
        "pair_onset",
    ],
)
"""The arrays the kernels read (never write): see the module docstring."""

_ROLE = {
    SpaceRole.ISR: ly.ROLE_ISR,
    SpaceRole.COMMUNICATIONS: ly.ROLE_COMMUNICATIONS,
    SpaceRole.EARLY_WARNING: ly.ROLE_EARLY_WARNING,
    SpaceRole.CO_ORBITAL_ASAT: ly.ROLE_CO_ORBITAL_ASAT,
}
_DOCTRINE = {"restrained": 0, "proportional": 1, "escalate_to_dominate": 2}


@dataclass(frozen=True)
class CompiledScenario:
    """A scenario as the compiled engine runs it, with the names the event log needs.

    Attributes:
        scenario: The validated scenario.
        tables: The arrays passed to the kernels.
        actor_keys: Actor ids, in scenario order (index = entity id).
        asset_keys: Asset ids, in scenario order.
        asset_labels: Each asset as the reference log describes it (``AssetAgent.describe``).
        zone_keys: Zone ids, in scenario order.
        inject_notes: Each inject's `` — description`` suffix (empty when it has none).
        n_ticks: Ticks to the horizon.
        n_entities: Entity ids used by the draws (actors, assets, zones, one global).
    """

    scenario: Scenario
    tables: Tables
    actor_keys: tuple[str, ...]
    asset_keys: tuple[str, ...]
    asset_labels: tuple[str, ...]
    zone_keys: tuple[str, ...]
    inject_notes: tuple[str, ...]
    n_ticks: int
    n_entities: int


def _autonomy_code(level) -> int:
    return ly.AUT_NONE if level is None else AUTONOMY_ORDER.index(level)


def _technology(scenario: Scenario, actor_id: str) -> ActorTechnology:
    """An actor's technology layer at crisis start (the same function as the reference engine's)."""
    return actor_technology(scenario, actor_id)


def _describe(key: str, spec, owner: str) -> str:
    label = spec.name or key
    if isinstance(spec, DroneSwarm):
        return f"{owner} swarm {label}"
    if isinstance(spec, NavalGroup):
        flag = f" ({spec.flag})" if spec.flag else ""
        return f"{owner} naval group {label}{flag}"
    return f"{owner} {spec.role.value.replace('_', ' ')} satellite {label}"


@dataclass
class _Index:
    """Ids of a scenario's actors, assets and zones in scenario order, and their positions."""

    actor_keys: tuple[str, ...]
    asset_keys: tuple[str, ...]
    zone_keys: tuple[str, ...]

    def __post_init__(self) -> None:
        self.actor = {k: i for i, k in enumerate(self.actor_keys)}
        self.asset = {k: i for i, k in enumerate(self.asset_keys)}
        self.zone = {k: i for i, k in enumerate(self.zone_keys)}


def _ints(values: list[int]) -> np.ndarray:
    return np.asarray(values, dtype=np.int64).reshape(-1)


def compile_scenario(scenario: Scenario) -> CompiledScenario:
    """Compile a validated scenario into the compiled engine's tables.

    Args:
        scenario: A validated scenario (overrides applied).

    Returns:
        The compiled scenario.

    Raises:
        NotImplementedError: For an attack inject the reference engine cannot resolve either (a
            space asset attacking a surface asset or the reverse).
    """
    ix = _Index(tuple(scenario.actors), tuple(scenario.assets), tuple(scenario.zones))
    technology = {key: _technology(scenario, key) for key in ix.actor_keys}
    actors, lists = _actor_tables(scenario, ix, technology)
    assets, targets, target_incsea, labels = _asset_tables(scenario, ix, technology, actors, lists["adversaries"])
    zones, satellites = _zone_tables(scenario, ix)
    injects, notes = _inject_table(scenario, ix)
    n_ticks = math.ceil(scenario.time.horizon_hours / scenario.time.tick_hours - 1e-9)
    params = _parameters(scenario, ix, technology, n_ticks)
    adversaries = _ints(lists["adversaries"])
    balance = _balance(scenario, ix, technology, actors, lists["adversaries"])
    pair_onset = _pair_onset(scenario, ix, actors, lists["adversaries"])
    tables = Tables(
        params,
        actors,
        assets,
        zones,
        injects,
        adversaries,
        _ints(lists["early_warning"]),
        _ints(targets),
        _ints(target_incsea),
        _ints(satellites),
        hazard_table(params, actors, adversaries, balance, pair_onset),
        collision_table(params, zones),
        lists["roe"],
        _ints(lists["ob_partner"]),
        _ints(lists["ob_rung"]),
        balance,
        pair_onset,
    )
    return CompiledScenario(
        scenario=scenario,
        tables=tables,
        actor_keys=ix.actor_keys,
        asset_keys=ix.asset_keys,
        asset_labels=tuple(labels),
        zone_keys=ix.zone_keys,
        inject_notes=tuple(notes),
        n_ticks=n_ticks,
        n_entities=len(ix.actor_keys) + len(ix.asset_keys) + len(ix.zone_keys) + 1,
    )


def _actor_tables(scenario: Scenario, ix: _Index, technology: dict) -> tuple[np.ndarray, dict]:
    """Actors: traits, commitments, rules of engagement, obligations, weapons, and the CSR lists they own
    (adversaries made symmetric, in actor order; early-warning satellites)."""
    pol = scenario.policy
    actors = np.zeros(len(ix.actor_keys), ly.ACTOR_DTYPE)
    lists: dict = {"adversaries": [], "early_warning": [], "ob_partner": [], "ob_rung": []}
    lists["roe"] = np.zeros((len(ix.actor_keys), 8), np.int64)
    for i, key in enumerate(ix.actor_keys):
        spec = scenario.actors[key]
        a = actors[i]
        a["resolve"], a["risk_tolerance"] = spec.resolve, spec.risk_tolerance
        a["decision_latency"], a["roe"] = spec.decision_latency_hours, spec.roe_threshold
        a["doctrine"], a["initial_rung"] = _DOCTRINE[spec.doctrine.value], spec.initial_rung
        a["autonomy"], a["operators"] = _autonomy_code(spec.autonomy), spec.operators
        a["self_defense"] = SELF_DEFENSE_ORDER.index(spec.self_defense)
        commitments = set(spec.commitments)
        a["hotline"] = Commitment.HOTLINE in commitments
        a["incsea"] = Commitment.INCIDENTS_AT_SEA in commitments
        a["norm_bound"] = pol.human_control_norm.enabled and Commitment.HUMAN_CONTROL_NORM in commitments
        a["moratorium"] = pol.asat_test_moratorium.enabled and Commitment.ASAT_TEST_MORATORIUM in commitments
        a["recipient"] = key in scenario.technology.proliferation.recipients
        a["engages_on_timeout"] = spec.review_timeout.value == "engage"
        lists["roe"][i] = [AUTHORITY_ORDER.index(spec.rules_of_engagement[rung]) for rung in range(8)]
        a["ob_start"] = len(lists["ob_partner"])
        for obligation in spec.obligations:
            lists["ob_partner"].append(ix.actor[obligation.partner])
            lists["ob_rung"].append(obligation.rung)
        a["ob_end"] = len(lists["ob_partner"])
        a["share"], a["distilled"] = technology[key].compute_share, technology[key].distilled
        owned = [s for s in scenario.assets.values() if s.owner == key]
        a["isr_total"] = sum(1 for s in owned if s.kind == "space_asset" and s.role == SpaceRole.ISR)
        a["ships_fielded"] = sum(s.ships for s in owned if isinstance(s, NavalGroup))
        _direct_ascent(a, spec.direct_ascent_asat, ix)
        named = set(spec.adversaries) | {o for o in ix.actor_keys if key in scenario.actors[o].adversaries}
        a["adv_start"] = len(lists["adversaries"])
        lists["adversaries"].extend(j for j, other in enumerate(ix.actor_keys) if other in named)
        a["adv_end"] = len(lists["adversaries"])
        a["ew_start"] = len(lists["early_warning"])
        lists["early_warning"].extend(
            ix.asset[k]
            for k, s in scenario.assets.items()
            if s.kind == "space_asset" and s.owner == key and s.role == SpaceRole.EARLY_WARNING
        )
        a["ew_end"] = len(lists["early_warning"])
    for i in range(len(ix.actor_keys)):
        enemies = set(lists["adversaries"][actors[i]["adv_start"] : actors[i]["adv_end"]])
        suspects = [
            ix.actor[s.owner]
            for s in scenario.assets.values()
            if s.kind == "space_asset" and s.role == SpaceRole.CO_ORBITAL_ASAT and ix.actor[s.owner] in enemies
        ]
        actors[i]["asat_suspect"] = suspects[0] if suspects else -1
    return actors, lists


def _direct_ascent(a, weapon, ix: _Index) -> None:
    a["da"] = weapon is not None
    a["da_zone"] = ix.zone[weapon.zone] if weapon is not None else -1
    a["da_kill"] = weapon.kill_probability if weapon is not None else 0.0
    a["da_debris"] = weapon.debris if weapon is not None else 0


def _asset_tables(scenario: Scenario, ix: _Index, technology: dict, actors: np.ndarray, adversaries: list[int]):
    """Assets, and the targets each can meet (same or adjacent zone; same orbit for a satellite)."""
    pol = scenario.policy
    assets = np.zeros(len(ix.asset_keys), ly.ASSET_DTYPE)
    targets: list[int] = []
    target_incsea: list[int] = []
    labels = []
    for i, key in enumerate(ix.asset_keys):
        spec = scenario.assets[key]
        owner = ix.actor[spec.owner]
        owner_spec = scenario.actors[spec.owner]
        a = assets[i]
        a["owner"], a["zone"] = owner, ix.zone[spec.zone]
        a["autonomy"] = _autonomy_code(spec.autonomy or owner_spec.autonomy)
        a["cap"] = _autonomy_code(getattr(pol.autonomy_caps, spec.kind))
        a["base_rate"] = scenario.parameters.encounters.rate_per_day[spec.kind]
        base = spec.classifier.d_prime if spec.classifier.d_prime is not None else technology[spec.owner].d_prime
        a["d_prime"] = base * spec.classifier.clutter_factor
        a["role"] = ly.ROLE_NONE
        _asset_kind(a, spec, technology[spec.owner].fleet_fraction)
        labels.append(_describe(key, spec, spec.owner))
        zone = scenario.zones[spec.zone]
        space = spec.kind == "space_asset"
        zones = {spec.zone} if space else {spec.zone, *zone.adjacent}
        enemies = set(adversaries[actors[owner]["adv_start"] : actors[owner]["adv_end"]])
        here_incsea = (
            pol.incidents_at_sea.enabled
            and zone.kind == "theater"
            and zone.maritime
            and Commitment.INCIDENTS_AT_SEA in owner_spec.commitments
        )
        a["tgt_start"] = len(targets)
        for j, other in enumerate(scenario.assets.values()):
            if ix.actor[other.owner] in enemies and other.zone in zones and (other.kind == "space_asset") == space:
                targets.append(j)
                target_incsea.append(
                    int(here_incsea and Commitment.INCIDENTS_AT_SEA in scenario.actors[other.owner].commitments)
                )
        a["tgt_end"] = len(targets)
    return assets, targets, target_incsea, labels


def _asset_kind(a, spec, fleet_fraction: float) -> None:
    """The fields of one kind of asset."""
    if isinstance(spec, DroneSwarm):
        a["kind"] = ly.ASSET_SWARM
        a["drones"] = int(tech.fleet_size(spec.size, fleet_fraction))
        a["hit_probability"] = spec.hit_probability
        a["can_engage"] = 1
    elif isinstance(spec, NavalGroup):
        a["kind"] = ly.ASSET_NAVAL
        a["ships"], a["air_defense"] = spec.ships, spec.air_defense
        a["intercept_probability"], a["missiles_per_ship"] = spec.intercept_probability, spec.missiles_per_ship
        a["staying_power"] = spec.staying_power
        a["magazine"] = spec.magazine if spec.magazine is not None else 4 * spec.ships * spec.air_defense
        a["can_engage"] = 1
    else:
        a["kind"] = ly.ASSET_SPACE
        a["role"] = _ROLE[spec.role]
        a["strategic"] = spec.role == "early_warning" or spec.nuclear_c3
        a["kill_probability"], a["debris_per_kill"] = spec.kill_probability, spec.debris_per_kill
        a["can_engage"] = spec.role == SpaceRole.CO_ORBITAL_ASAT


def _zone_tables(scenario: Scenario, ix: _Index) -> tuple[np.ndarray, list[int]]:
    """Zones (orbit or theater, catalogue, homeland) and the satellites in each."""
    zones = np.zeros(len(ix.zone_keys), ly.ZONE_DTYPE)
    satellites: list[int] = []
    for i, key in enumerate(ix.zone_keys):
        zone = scenario.zones[key]
        zones[i]["orbit"] = zone.kind == "orbit"
        zones[i]["tracked"] = zone.tracked_objects
        zones[i]["homeland"] = ix.actor[zone.homeland] if zone.homeland is not None else -1
        zones[i]["sat_start"] = len(satellites)
        satellites.extend(
            j
            for j, k in enumerate(ix.asset_keys)
            if scenario.assets[k].kind == "space_asset" and scenario.assets[k].zone == key
        )
        zones[i]["sat_end"] = len(satellites)
    return zones, satellites


def _inject_table(scenario: Scenario, ix: _Index) -> tuple[np.ndarray, list[str]]:
    """Injects, and each one's `` — description`` suffix for the log."""
    injects = np.zeros(len(scenario.injects), ly.INJECT_DTYPE)
    notes = []
    for i, inject in enumerate(scenario.injects):
        r = injects[i]
        r["at"] = inject.at_hours
        r["actor"] = r["blamed"] = r["zone"] = r["first"] = r["second"] = -1
        notes.append(f" — {inject.description}" if inject.description else "")
        if isinstance(inject, FalseAlarmInject):
            r["kind"], r["actor"], r["blamed"] = ly.INJ_FALSE_ALARM, ix.actor[inject.actor], ix.actor[inject.blamed]
        elif isinstance(inject, AsatTestInject):
            r["kind"], r["actor"] = ly.INJ_ASAT_TEST, ix.actor[inject.actor]
            r["zone"], r["debris"] = ix.zone[inject.zone], inject.debris
        elif isinstance(inject, CollisionAtSeaInject):
            r["kind"] = ly.INJ_COLLISION_AT_SEA
            r["first"], r["second"] = ix.asset[inject.assets[0]], ix.asset[inject.assets[1]]
        elif isinstance(inject, AttackInject):
            r["kind"] = ly.INJ_ATTACK
            r["first"], r["second"] = ix.asset[inject.attacker], ix.asset[inject.target]
            attacker_space = scenario.assets[inject.attacker].kind == "space_asset"
            if attacker_space != (scenario.assets[inject.target].kind == "space_asset"):
                raise NotImplementedError(
                    f"injects.{i}: an attack between a space asset and a surface asset (the reference engine "
                    "cannot resolve it either)"
                )
        elif isinstance(inject, AutonomyChangeInject):
            r["kind"], r["actor"] = ly.INJ_AUTONOMY_CHANGE, ix.actor[inject.actor]
            r["autonomy"] = _autonomy_code(inject.autonomy)
    return injects, notes


def _parameters(scenario: Scenario, ix: _Index, technology: dict, n_ticks: int) -> np.ndarray:
    """The one record of model parameters, section by section."""
    params = np.zeros(1, ly.PARAM_DTYPE)
    q = params[0]
    q["tick"], q["horizon"], q["n_ticks"] = scenario.time.tick_hours, scenario.time.horizon_hours, n_ticks
    p = scenario.parameters
    _encounter_parameters(q, p.encounters, p.engagement)
    _command_parameters(q, p.command)
    _space_and_warning_parameters(q, p.space, p.warning)
    _response_parameters(q, p, scenario.technology, ix)
    _policy_parameters(q, scenario.policy)
    _technology_parameters(q, scenario.technology, any(technology[k].distilled for k in ix.actor_keys))
    return params


def _encounter_parameters(q, e, g) -> None:
    q["posture_gain"], q["hostile_base"], q["hostile_per_rung"] = (
        e.posture_gain_per_rung,
        e.hostile_share_base,
        e.hostile_share_per_rung,
    )
    q["shift_per_rung"] = e.threshold_shift_per_rung
    q["strike_minutes"], q["identification_margin"] = g.strike_minutes, g.identification_margin
    q["warning_deterrence"], q["shots_per_threat"] = g.warning_deterrence, g.shots_per_threat
    q["salvo_fraction"], q["drone_kill_probability"], q["missile_hit_probability"] = (
        g.swarm_salvo_fraction,
        g.drone_kill_probability,
        g.missile_hit_probability,
    )


def _command_parameters(q, c) -> None:
    q["review_low"], q["review_mode"], q["review_high"] = (
        c.review_minutes.low,
        c.review_minutes.mode,
        c.review_minutes.high,
    )
    q["window_minutes"], q["veto_seconds"], q["machine_seconds"] = (
        c.engagement_window_minutes,
        c.veto_window_seconds,
        c.machine_latency_seconds,
    )
    q["operator_d_prime"], q["operator_tau"] = c.operator_d_prime, c.operator_time_constant_seconds
    q["operator_bias_in"], q["operator_bias_on"] = c.operator_bias["in_the_loop"], c.operator_bias["on_the_loop"]
    q["automation_bias"], q["automation_max"] = c.automation_bias_per_alert, c.automation_bias_max
    q["minutes_per_track"] = c.minutes_per_track
    q["latency_factor"] = [c.response_latency_factor[level] for level in AUTONOMY_ORDER]
    q["discovery_hours"] = c.error_discovery_hours


def _space_and_warning_parameters(q, s, wn) -> None:
    q["collision_k"], q["fragments"] = s.collision_coefficient_per_day, s.fragments_per_collision
    q["fragment_hit"], q["fragment_lifetime"] = s.fragment_hit_per_day, s.fragment_lifetime_days
    q["isr_dependence"], q["counterspace_rung"] = s.isr_dependence, s.counterspace_rung
    q["false_alarms_per_year"], q["corroboration"] = wn.false_alarms_per_year, wn.corroboration_probability
    q["conference_minutes"] = wn.conference_minutes
    q["leaders_base"], q["leaders_per_rung"] = wn.leaders_act_base, wn.leaders_act_per_rung
    q["conference_catch"] = [wn.conference_catch[level] for level in AUTONOMY_ORDER]


def _response_parameters(q, p, layer, ix: _Index) -> None:
    """Responses, leaderships' reading, machine-speed chains, the firebreak and crisis endings."""
    r_, en, lead, fb = p.response, p.ending, p.leadership, p.firebreak
    q["end_base"], q["end_decay"], q["end_gain"] = en.end_per_day, en.level_decay, en.incident_gain
    q["onset"], q["answer_from_rung"] = r_.crisis_onset_per_day, r_.answer_from_rung
    q["escalation_base"], q["de_escalation_base"], q["spiral_gain"] = (
        r_.deliberate_escalation_per_day,
        r_.de_escalation_per_day,
        r_.spiral_gain,
    )
    q["misattribution_base"], q["misattribution_per_proliferation"] = (
        r_.misattribution_base,
        r_.misattribution_per_proliferation,
    )
    q["proliferation_level"] = layer.proliferation.level
    q["proliferation_source"] = ix.actor.get(layer.proliferation.source_actor, -1)
    q["leader_d_prime"], q["leader_tau"], q["over_reading"] = lead.d_prime, lead.time_constant_hours, lead.over_reading
    q["theater_exchanges"] = p.flash.theater_exchanges
    q["fb_strategic"], q["fb_signaling"], q["fb_use"] = fb.strategic_per_day, fb.signaling_per_day, fb.use_per_day
    q["fb_cross_strategic"], q["fb_cross_signaling"], q["fb_cross_use"] = (
        fb.cross_strategic,
        fb.cross_signaling,
        fb.cross_use,
    )
    q["stakes_factor"], q["losing_share"] = fb.stakes_factor, fb.losing_share


def _policy_parameters(q, pol) -> None:
    q["hotline_enabled"], q["hotline_latency"], q["hotline_reliability"] = (
        pol.hotline.enabled,
        pol.hotline.latency_hours,
        pol.hotline.reliability,
    )
    q["hotline_bonus"] = pol.hotline.deescalation_bonus
    q["incsea_factor"], q["incsea_shift"] = (
        pol.incidents_at_sea.encounter_rate_factor,
        pol.incidents_at_sea.threshold_shift,
    )
    norm = pol.human_control_norm
    q["norm_enabled"], q["baseline_compliance"] = norm.enabled, norm.baseline_compliance
    q["norm_detection"] = norm.detection_per_day[norm.verification]
    q["norm_pressure"], q["norm_distrust"] = norm.escalation_pressure, norm.distrust
    q["violation_pressure"], q["hotline_penalty"] = norm.violation_pressure, norm.hotline_penalty
    q["breach_rung"] = pol.asat_test_moratorium.breach_rung
    q["moratorium_enabled"], q["moratorium_compliance"] = (
        pol.asat_test_moratorium.enabled,
        pol.asat_test_moratorium.compliance,
    )


def _technology_parameters(q, layer, students: bool) -> None:
    d = layer.distillation
    q["replenishment"] = layer.replenishment_per_day
    q["blind_rate"], q["blind_hours"], q["blind_severity"] = (
        d.blind_spot_episodes_per_day,
        d.blind_spot_hours,
        d.blind_spot_severity,
    )
    q["blind_spots"] = d.blind_spot_episodes_per_day > 0.0 and d.blind_spot_severity > 0.0 and students


def _balance(scenario: Scenario, ix: _Index, technology: dict, actors: np.ndarray, adversaries: list[int]):
    """The window-of-opportunity factor of each actor–adversary pair (capability balance at crisis start)."""
    balance = np.zeros(len(adversaries), np.float64)
    for i, key in enumerate(ix.actor_keys):
        for k in range(actors[i]["adv_start"], actors[i]["adv_end"]):
            other = ix.actor_keys[adversaries[k]]
            b = tech.capability_balance(technology[key].strength, technology[other].strength)
            balance[k] = tech.balance_factor(scenario.technology.balance_gain, b)
    return balance


def _pair_onset(scenario: Scenario, ix: _Index, actors: np.ndarray, adversaries: list[int]) -> np.ndarray:
    """The onset hazard of each actor–adversary pair: half the dyad's for a crisis dyad, else 0."""
    dyads = {frozenset(pair) for pair in scenario.crisis_dyads}
    onset = np.zeros(len(adversaries), np.float64)
    for i, key in enumerate(ix.actor_keys):
        for k in range(actors[i]["adv_start"], actors[i]["adv_end"]):
            if frozenset((key, ix.actor_keys[adversaries[k]])) in dyads:
                onset[k] = 0.5 * scenario.parameters.response.crisis_onset_per_day
    return onset
