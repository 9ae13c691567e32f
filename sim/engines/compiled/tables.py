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
    actor_keys = tuple(scenario.actors)
    asset_keys = tuple(scenario.assets)
    zone_keys = tuple(scenario.zones)
    actor_index = {k: i for i, k in enumerate(actor_keys)}
    asset_index = {k: i for i, k in enumerate(asset_keys)}
    zone_index = {k: i for i, k in enumerate(zone_keys)}
    p = scenario.parameters
    pol = scenario.policy
    prolif = scenario.technology.proliferation

    # actors and their adversaries (made symmetric, in actor order)
    actors = np.zeros(len(actor_keys), ly.ACTOR_DTYPE)
    adversaries: list[int] = []
    early_warning: list[int] = []
    roe = np.zeros((len(actor_keys), 8), np.int64)
    ob_partner: list[int] = []
    ob_rung: list[int] = []
    technology = {key: _technology(scenario, key) for key in actor_keys}
    for i, key in enumerate(actor_keys):
        spec = scenario.actors[key]
        named = set(spec.adversaries) | {o for o in actor_keys if key in scenario.actors[o].adversaries}
        a = actors[i]
        a["resolve"], a["risk_tolerance"] = spec.resolve, spec.risk_tolerance
        a["decision_latency"], a["roe"] = spec.decision_latency_hours, spec.roe_threshold
        a["doctrine"], a["initial_rung"] = _DOCTRINE[spec.doctrine.value], spec.initial_rung
        a["autonomy"], a["operators"] = _autonomy_code(spec.autonomy), spec.operators
        commitments = set(spec.commitments)
        a["hotline"] = Commitment.HOTLINE in commitments
        a["incsea"] = Commitment.INCIDENTS_AT_SEA in commitments
        a["norm_bound"] = pol.human_control_norm.enabled and Commitment.HUMAN_CONTROL_NORM in commitments
        a["moratorium"] = pol.asat_test_moratorium.enabled and Commitment.ASAT_TEST_MORATORIUM in commitments
        a["recipient"] = key in prolif.recipients
        a["engages_on_timeout"] = spec.review_timeout.value == "engage"
        roe[i] = [AUTHORITY_ORDER.index(spec.rules_of_engagement[rung]) for rung in range(8)]
        a["ob_start"] = len(ob_partner)
        for obligation in spec.obligations:
            ob_partner.append(actor_index[obligation.partner])
            ob_rung.append(obligation.rung)
        a["ob_end"] = len(ob_partner)
        layer = technology[key]
        a["share"], a["distilled"] = layer.compute_share, layer.distilled
        a["isr_total"] = sum(
            1
            for s in scenario.assets.values()
            if s.kind == "space_asset" and s.owner == key and s.role == SpaceRole.ISR
        )
        weapon = spec.direct_ascent_asat
        a["da"] = weapon is not None
        a["da_zone"] = zone_index[weapon.zone] if weapon is not None else -1
        a["da_kill"] = weapon.kill_probability if weapon is not None else 0.0
        a["da_debris"] = weapon.debris if weapon is not None else 0
        a["adv_start"] = len(adversaries)
        adversaries.extend(j for j, other in enumerate(actor_keys) if other in named)
        a["adv_end"] = len(adversaries)
        a["ew_start"] = len(early_warning)
        early_warning.extend(
            asset_index[k]
            for k, s in scenario.assets.items()
            if s.kind == "space_asset" and s.owner == key and s.role == SpaceRole.EARLY_WARNING
        )
        a["ew_end"] = len(early_warning)
    for i in range(len(actor_keys)):
        enemies = set(adversaries[actors[i]["adv_start"] : actors[i]["adv_end"]])
        suspects = [
            actor_index[s.owner]
            for s in scenario.assets.values()
            if s.kind == "space_asset" and s.role == SpaceRole.CO_ORBITAL_ASAT and actor_index[s.owner] in enemies
        ]
        actors[i]["asat_suspect"] = suspects[0] if suspects else -1

    # assets and the targets each can meet (same or adjacent zone; same orbit for a satellite)
    assets = np.zeros(len(asset_keys), ly.ASSET_DTYPE)
    targets: list[int] = []
    target_incsea: list[int] = []
    labels = []
    caps = pol.autonomy_caps
    for i, key in enumerate(asset_keys):
        spec = scenario.assets[key]
        owner = actor_index[spec.owner]
        owner_spec = scenario.actors[spec.owner]
        d_prime, fleet_fraction = technology[spec.owner].d_prime, technology[spec.owner].fleet_fraction
        a = assets[i]
        a["owner"], a["zone"] = owner, zone_index[spec.zone]
        a["autonomy"] = _autonomy_code(spec.autonomy or owner_spec.autonomy)
        a["cap"] = _autonomy_code(getattr(caps, spec.kind))
        a["base_rate"] = p.encounters.rate_per_day[spec.kind]
        base = spec.classifier.d_prime if spec.classifier.d_prime is not None else d_prime
        a["d_prime"] = base * spec.classifier.clutter_factor
        a["role"] = ly.ROLE_NONE
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
        for j, (_other_key, other) in enumerate(scenario.assets.items()):
            if actor_index[other.owner] in enemies and other.zone in zones and (other.kind == "space_asset") == space:
                targets.append(j)
                target_incsea.append(
                    int(here_incsea and Commitment.INCIDENTS_AT_SEA in scenario.actors[other.owner].commitments)
                )
        a["tgt_end"] = len(targets)

    zones = np.zeros(len(zone_keys), ly.ZONE_DTYPE)
    satellites: list[int] = []
    for i, key in enumerate(zone_keys):
        zones[i]["orbit"] = scenario.zones[key].kind == "orbit"
        zones[i]["tracked"] = scenario.zones[key].tracked_objects
        zones[i]["sat_start"] = len(satellites)
        satellites.extend(
            j
            for j, k in enumerate(asset_keys)
            if scenario.assets[k].kind == "space_asset" and scenario.assets[k].zone == key
        )
        zones[i]["sat_end"] = len(satellites)

    injects = np.zeros(len(scenario.injects), ly.INJECT_DTYPE)
    notes = []
    for i, inject in enumerate(scenario.injects):
        r = injects[i]
        r["at"] = inject.at_hours
        r["actor"] = r["blamed"] = r["zone"] = r["first"] = r["second"] = -1
        notes.append(f" — {inject.description}" if inject.description else "")
        if isinstance(inject, FalseAlarmInject):
            r["kind"], r["actor"], r["blamed"] = (
                ly.INJ_FALSE_ALARM,
                actor_index[inject.actor],
                actor_index[inject.blamed],
            )
        elif isinstance(inject, AsatTestInject):
            r["kind"], r["actor"] = ly.INJ_ASAT_TEST, actor_index[inject.actor]
            r["zone"], r["debris"] = zone_index[inject.zone], inject.debris
        elif isinstance(inject, CollisionAtSeaInject):
            r["kind"] = ly.INJ_COLLISION_AT_SEA
            r["first"], r["second"] = asset_index[inject.assets[0]], asset_index[inject.assets[1]]
        elif isinstance(inject, AttackInject):
            r["kind"] = ly.INJ_ATTACK
            r["first"], r["second"] = asset_index[inject.attacker], asset_index[inject.target]
            attacker_space = scenario.assets[inject.attacker].kind == "space_asset"
            if attacker_space != (scenario.assets[inject.target].kind == "space_asset"):
                raise NotImplementedError(
                    f"injects.{i}: an attack between a space asset and a surface asset (the reference engine "
                    "cannot resolve it either)"
                )
        elif isinstance(inject, AutonomyChangeInject):
            r["kind"], r["actor"], r["autonomy"] = (
                ly.INJ_AUTONOMY_CHANGE,
                actor_index[inject.actor],
                _autonomy_code(inject.autonomy),
            )

    n_ticks = math.ceil(scenario.time.horizon_hours / scenario.time.tick_hours - 1e-9)
    params = np.zeros(1, ly.PARAM_DTYPE)
    q = params[0]
    e, c, g, s, r_ = p.encounters, p.command, p.engagement, p.space, p.response
    q["tick"], q["horizon"], q["n_ticks"] = scenario.time.tick_hours, scenario.time.horizon_hours, n_ticks
    q["posture_gain"], q["hostile_base"], q["hostile_per_rung"] = (
        e.posture_gain_per_rung,
        e.hostile_share_base,
        e.hostile_share_per_rung,
    )
    q["shift_per_rung"] = e.threshold_shift_per_rung
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
    q["automation_bias"] = c.automation_bias_per_alert
    q["minutes_per_track"] = c.minutes_per_track
    q["strike_minutes"], q["identification_margin"] = g.strike_minutes, g.identification_margin
    q["warning_deterrence"], q["shots_per_threat"] = g.warning_deterrence, g.shots_per_threat
    q["latency_factor"] = [c.response_latency_factor[level] for level in AUTONOMY_ORDER]
    q["discovery_hours"] = c.error_discovery_hours
    q["salvo_fraction"], q["drone_kill_probability"], q["missile_hit_probability"] = (
        g.swarm_salvo_fraction,
        g.drone_kill_probability,
        g.missile_hit_probability,
    )
    q["collision_k"], q["fragments"] = s.collision_coefficient_per_day, s.fragments_per_collision
    wn, en = p.warning, p.ending
    q["false_alarms_per_year"], q["corroboration"] = wn.false_alarms_per_year, wn.corroboration_probability
    q["conference_minutes"] = wn.conference_minutes
    q["leaders_base"], q["leaders_per_rung"] = wn.leaders_act_base, wn.leaders_act_per_rung
    q["conference_catch"] = [wn.conference_catch[level] for level in AUTONOMY_ORDER]
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
    q["proliferation_level"] = prolif.level
    q["proliferation_source"] = actor_index.get(prolif.source_actor, -1)
    q["hotline_enabled"], q["hotline_latency"], q["hotline_reliability"] = (
        pol.hotline.enabled,
        pol.hotline.latency_hours,
        pol.hotline.reliability,
    )
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
    q["fragment_hit"], q["fragment_lifetime"] = s.fragment_hit_per_day, s.fragment_lifetime_days
    q["isr_dependence"], q["counterspace_rung"] = s.isr_dependence, s.counterspace_rung
    layer = scenario.technology
    d = layer.distillation
    q["replenishment"] = layer.replenishment_per_day
    q["blind_rate"], q["blind_hours"], q["blind_severity"] = (
        d.blind_spot_episodes_per_day,
        d.blind_spot_hours,
        d.blind_spot_severity,
    )
    students = any(technology[key].distilled for key in actor_keys)
    q["blind_spots"] = d.blind_spot_episodes_per_day > 0.0 and d.blind_spot_severity > 0.0 and students
    q["moratorium_enabled"], q["moratorium_compliance"] = (
        pol.asat_test_moratorium.enabled,
        pol.asat_test_moratorium.compliance,
    )

    def ints(values: list[int]) -> np.ndarray:
        return np.asarray(values, dtype=np.int64).reshape(-1)

    balance = np.zeros(len(adversaries), np.float64)
    for i, key in enumerate(actor_keys):
        for k in range(actors[i]["adv_start"], actors[i]["adv_end"]):
            other = actor_keys[adversaries[k]]
            b = tech.capability_balance(technology[key].strength, technology[other].strength)
            balance[k] = tech.balance_factor(scenario.technology.balance_gain, b)

    tables = Tables(
        params,
        actors,
        assets,
        zones,
        injects,
        ints(adversaries),
        ints(early_warning),
        ints(targets),
        ints(target_incsea),
        ints(satellites),
        hazard_table(params, actors, ints(adversaries), balance),
        collision_table(params, zones),
        roe,
        ints(ob_partner),
        ints(ob_rung),
        balance,
    )
    return CompiledScenario(
        scenario=scenario,
        tables=tables,
        actor_keys=actor_keys,
        asset_keys=asset_keys,
        asset_labels=tuple(labels),
        zone_keys=zone_keys,
        inject_notes=tuple(notes),
        n_ticks=n_ticks,
        n_entities=len(actor_keys) + len(asset_keys) + len(zone_keys) + 1,
    )
