"""Checks that span sections: cross-references, duplicate ids and size limits.

Each check returns ``(path, message)`` pairs; the path is a tuple of keys and indices into the
scenario document, so the loader can turn it into ``FILE:LINE:COL``.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

from sim.scenario import limits
from sim.scenario.printable import first_unsafe
from sim.scenario.schema import (
    AsatTestInject,
    AttackInject,
    AutonomyChangeInject,
    CollisionAtSeaInject,
    DroneSwarm,
    FalseAlarmInject,
    Scenario,
    SpaceAsset,
    SpaceRole,
)

Path = tuple[str | int, ...]
Problem = tuple[Path, str]


def scenario_problems(scenario: Scenario) -> list[Problem]:
    """All cross-reference, text and limit problems of a schema-valid scenario, in document order."""
    return [*_reference_problems(scenario), *_text_problems(scenario), *_limit_problems(scenario)]


def _text_problems(scn: Scenario) -> Iterator[Problem]:
    """No text of a scenario holds a terminal control character (ESC, CR, a bidirectional override, ...).

    Names and descriptions are printed to terminals and shown in the app; a control character in
    them is an attack or a mistake, never content (tabs and newlines are fine).
    """
    stack: list[tuple[Path, object]] = [((), scn.model_dump(mode="json"))]
    while stack:
        path, node = stack.pop()
        if isinstance(node, dict):
            for key, value in node.items():
                stack.append(((*path, key), value))
        elif isinstance(node, list):
            stack.extend(((*path, i), value) for i, value in enumerate(node))
        elif isinstance(node, str) and (code := first_unsafe(node)):
            yield path, f"holds the control character {code}: scenario text must be printable"


def _unknown(kind: str, value: str, known: dict) -> str:
    from sim.scenario.hints import did_you_mean

    return f"unknown {kind} '{value}'{did_you_mean(value, list(known))}"


def _reference_problems(scn: Scenario) -> Iterator[Problem]:
    for zone_id, zone in scn.zones.items():
        if zone.homeland is not None:
            if zone.homeland not in scn.actors:
                yield ("zones", zone_id, "homeland"), _unknown("actor", zone.homeland, scn.actors)
            elif zone.kind != "theater":
                yield ("zones", zone_id, "homeland"), "only a theater zone is a homeland"
        for i, other in enumerate(zone.adjacent):
            if other not in scn.zones:
                yield ("zones", zone_id, "adjacent", i), _unknown("zone", other, scn.zones)
            elif other == zone_id:
                yield ("zones", zone_id, "adjacent", i), "a zone cannot be adjacent to itself"
    for actor_id, actor in scn.actors.items():
        for i, other in enumerate(actor.adversaries):
            if other not in scn.actors:
                yield ("actors", actor_id, "adversaries", i), _unknown("actor", other, scn.actors)
            elif other == actor_id:
                yield ("actors", actor_id, "adversaries", i), "an actor cannot be its own adversary"
        partners = set()
        for i, obligation in enumerate(actor.obligations):
            where = ("actors", actor_id, "obligations", i, "partner")
            if obligation.partner not in scn.actors:
                yield where, _unknown("actor", obligation.partner, scn.actors)
            elif obligation.partner == actor_id:
                yield where, "an actor cannot be its own partner"
            elif obligation.partner in partners:
                yield where, f"a second obligation to '{obligation.partner}'"
            partners.add(obligation.partner)
        weapon = actor.direct_ascent_asat
        if weapon is not None:
            where = ("actors", actor_id, "direct_ascent_asat", "zone")
            if weapon.zone not in scn.zones:
                yield where, _unknown("zone", weapon.zone, scn.zones)
            elif scn.zones[weapon.zone].kind != "orbit":
                yield where, f"a direct-ascent ASAT reaches an orbit zone, '{weapon.zone}' is a theater"
    for asset_id, asset in scn.assets.items():
        if asset_id in scn.actors or asset_id in scn.zones:
            yield ("assets", asset_id), f"duplicate id '{asset_id}': already used by an actor or zone"
        if asset.owner not in scn.actors:
            yield ("assets", asset_id, "owner"), _unknown("actor", asset.owner, scn.actors)
        if asset.zone not in scn.zones:
            yield ("assets", asset_id, "zone"), _unknown("zone", asset.zone, scn.zones)
        else:
            yield from _zone_kind_problem(asset_id, asset, scn)
    for actor_id in scn.technology.domestic_chip_capacity:
        if actor_id not in scn.actors:
            yield (
                ("technology", "domestic_chip_capacity", actor_id),
                _unknown("actor", actor_id, scn.actors),
            )
    prolif = scn.technology.proliferation
    for i, actor_id in enumerate(prolif.recipients):
        if actor_id not in scn.actors:
            yield ("technology", "proliferation", "recipients", i), _unknown("actor", actor_id, scn.actors)
    if prolif.source_actor is not None and prolif.source_actor not in scn.actors:
        yield (
            ("technology", "proliferation", "source_actor"),
            _unknown("actor", prolif.source_actor, scn.actors),
        )
    yield from _dyad_problems(scn)
    for i, inject in enumerate(scn.injects):
        yield from _inject_problems(i, inject, scn)


def _dyad_problems(scn: Scenario) -> Iterator[Problem]:
    """A crisis dyad is two distinct adversaries, named once."""
    seen: set[frozenset[str]] = set()
    for i, pair in enumerate(scn.crisis_dyads):
        unknown = False
        for j, actor_id in enumerate(pair):
            if actor_id not in scn.actors:
                unknown = True
                yield ("crisis_dyads", i, j), _unknown("actor", actor_id, scn.actors)
        if unknown:
            continue
        a, b = pair
        if a == b:
            yield ("crisis_dyads", i, 1), "a crisis dyad is two different actors"
        elif b not in scn.actors[a].adversaries and a not in scn.actors[b].adversaries:
            yield ("crisis_dyads", i), f"'{a}' and '{b}' are not adversaries (name one in the other's adversaries)"
        elif frozenset(pair) in seen:
            yield ("crisis_dyads", i), f"the dyad {a}-{b} is named twice"
        seen.add(frozenset(pair))


def _zone_kind_problem(asset_id: str, asset, scn: Scenario) -> Iterator[Problem]:
    zone_kind = scn.zones[asset.zone].kind
    wants_orbit = isinstance(asset, SpaceAsset)
    if wants_orbit and zone_kind != "orbit":
        yield ("assets", asset_id, "zone"), f"a space asset must be in an orbit zone, '{asset.zone}' is a theater"
    if not wants_orbit and zone_kind == "orbit":
        yield ("assets", asset_id, "zone"), f"a {asset.kind} cannot be in orbit zone '{asset.zone}'"
    if isinstance(asset, SpaceAsset) and asset.role != SpaceRole.CO_ORBITAL_ASAT and asset.debris_per_kill:
        yield ("assets", asset_id, "debris_per_kill"), "only a co_orbital_asat has debris_per_kill"


def _inject_problems(i: int, inject, scn: Scenario) -> Iterator[Problem]:
    base: Path = ("injects", i)
    if inject.at_hours > scn.time.horizon_hours:
        yield (*base, "at_hours"), f"after the horizon ({scn.time.horizon_hours:g} hours)"
    actor_fields = {
        FalseAlarmInject: ("actor", "blamed"),
        AsatTestInject: ("actor",),
        AutonomyChangeInject: ("actor",),
    }.get(type(inject), ())
    for name in actor_fields:
        value = getattr(inject, name)
        if value not in scn.actors:
            yield (*base, name), _unknown("actor", value, scn.actors)
    if isinstance(inject, AsatTestInject):
        if inject.zone not in scn.zones:
            yield (*base, "zone"), _unknown("zone", inject.zone, scn.zones)
        elif scn.zones[inject.zone].kind != "orbit":
            yield (*base, "zone"), f"an ASAT test needs an orbit zone, '{inject.zone}' is a theater"
    if isinstance(inject, CollisionAtSeaInject):
        for j, asset_id in enumerate(inject.assets):
            if asset_id not in scn.assets:
                yield (*base, "assets", j), _unknown("asset", asset_id, scn.assets)
        if inject.assets[0] == inject.assets[1]:
            yield (*base, "assets", 1), "an asset cannot collide with itself"
    if isinstance(inject, AttackInject):
        missing = False
        for name in ("attacker", "target"):
            value = getattr(inject, name)
            if value not in scn.assets:
                missing = True
                yield (*base, name), _unknown("asset", value, scn.assets)
        if not missing:
            yield from _attack_problems(base, scn.assets[inject.attacker], scn.assets[inject.target], inject)


def _attack_problems(base: Path, attacker, target, inject: AttackInject) -> Iterator[Problem]:
    """An attack needs an armed attacker, a target in its domain, and another owner."""
    in_space = isinstance(attacker, SpaceAsset)
    if in_space and attacker.role != SpaceRole.CO_ORBITAL_ASAT:
        yield (
            (*base, "attacker"),
            f"'{inject.attacker}' is a {attacker.role.value} satellite: only a co_orbital_asat attacks",
        )
    elif in_space != isinstance(target, SpaceAsset):
        domain = "a space asset" if in_space else "a drone swarm or naval group"
        yield (
            (*base, "target"),
            f"'{inject.attacker}' ({attacker.kind}) can only attack {domain}, not '{inject.target}'",
        )
    if attacker.owner == target.owner:
        yield (*base, "target"), f"'{inject.target}' belongs to the attacker's own side ({attacker.owner})"


def _limit_problems(scn: Scenario) -> Iterator[Problem]:
    counts = (
        ("zones", len(scn.zones), limits.MAX_ZONES),
        ("actors", len(scn.actors), limits.MAX_ACTORS),
        ("assets", len(scn.assets), limits.MAX_ASSETS),
        ("injects", len(scn.injects), limits.MAX_INJECTS),
    )
    for section, count, limit in counts:
        if count > limit:
            yield (section,), f"{count} {section} exceed the limit of {limit}"
    drones = sum(a.size for a in scn.assets.values() if isinstance(a, DroneSwarm))
    if drones > limits.MAX_TOTAL_DRONES:
        yield ("assets",), f"{drones} drones in all exceed the limit of {limits.MAX_TOTAL_DRONES}"
    yield from _time_problems(scn)


def _time_problems(scn: Scenario) -> Iterator[Problem]:
    """A tick no longer than the horizon, and no more ticks than the limit (counted as the engines count them)."""
    horizon, tick = scn.time.horizon_hours, scn.time.tick_hours
    if tick > horizon:
        yield ("time", "tick_hours"), f"a tick of {tick:g} hours is longer than the horizon ({horizon:g} hours)"
        return
    ticks = tick_count(horizon, tick)
    if ticks > limits.MAX_TICKS:
        yield (
            ("time", "tick_hours"),
            f"horizon/tick gives {ticks} ticks, more than the limit of {limits.MAX_TICKS}",
        )


def tick_count(horizon_hours: float, tick_hours: float) -> int:
    """Ticks in a run: horizon / tick rounded up (a last partial tick counts), as the engines count them."""
    return math.ceil(horizon_hours / tick_hours - 1e-9)
