"""The theatre at a glance: zone layout, asset states, incidents, and the SVG pictures (sim.app.theatre, drawing)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from sim.app.drawing import orbits_svg, rung_chart_svg, theatre_svg
from sim.app.editing import validate_text
from sim.app.session import GameSession
from sim.app.theatre import actor_colors, asset_views, chart_events, incidents, zone_layout
from sim.scenario import load_scenario
from sim.scenario.schema import AttackInject

ROOT = Path(__file__).resolve().parents[2]
TAIWAN = ROOT / "scenarios" / "taiwan_strait.yaml"
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def taiwan():
    return load_scenario(TAIWAN)


def _with_positions(positions: dict[str, str]):
    text = re.sub(r"position: \[[^\]]*\], ", "", TAIWAN.read_text(encoding="utf-8"))  # only the given ones
    for zone, pos in positions.items():
        start = text.index(f"  {zone}:")
        brace = text.index("{", start)
        text = text[: brace + 1] + f"position: {pos}, " + text[brace + 1 :]
    validation = validate_text(text, "t.yaml")
    assert validation.ok, validation.errors
    return validation.scenario


def test_layout_places_every_theater_zone_deterministically(taiwan):
    layout = zone_layout(taiwan)
    theater = [k for k, z in taiwan.zones.items() if z.kind == "theater"]
    assert list(layout) == theater
    assert len({(round(x, 6), round(y, 6)) for x, y in layout.values()}) == len(theater)
    assert zone_layout(load_scenario(TAIWAN)) == layout


def test_layout_keeps_given_positions_and_places_the_rest_near_their_neighbours(taiwan):
    scenario = _with_positions({"taiwan_strait": "[120.0, 24.0]", "fujian_coast": "[118.5, 25.5]"})
    layout = zone_layout(scenario)
    assert layout["taiwan_strait"] == (120.0, 24.0) and layout["fujian_coast"] == (118.5, 25.5)
    assert set(layout) == {k for k, z in scenario.zones.items() if z.kind == "theater"}
    # bashi_channel is adjacent to the strait: it lands close to it, not in the row of leftovers
    bx, by = layout["bashi_channel"]
    assert abs(bx - 120.0) < 1.0 and abs(by - 24.0) < 1.0


def _game_with_a_strike(taiwan) -> GameSession:
    session = GameSession(taiwan, taiwan.monte_carlo.seed, 0, None)
    session.step_hours(2)
    session.inject(AttackInject(kind="attack", at_hours=0, attacker="prc_nudt_swarm", target="twn_navy_group"))
    return session


def test_asset_views_and_incidents_follow_the_game(taiwan):
    session = _game_with_a_strike(taiwan)
    views = {v.key: v for v in asset_views(session.game.model)}
    assert set(views) == set(taiwan.assets)
    target = views["twn_navy_group"]
    assert target.zone == "taiwan_strait" and target.unit == "ships" and target.strength_start == 4
    model_ships = session.game.model.assets["twn_navy_group"].ships
    expected = "lost" if model_ships == 0 else "damaged" if model_ships < 4 else "ready"
    assert target.strength == model_ships and target.status == expected
    assert views["usa_sbirs_geo"].role == "early warning" and views["usa_sbirs_geo"].status == "ready"
    found = incidents(session.game.timeline(), list(views.values()), taiwan.zones)
    strike = [i for i in found if i.kind == "inject"]
    assert strike and strike[0].assets == ("prc_nudt_swarm", "twn_navy_group")
    assert strike[0].zones == ("taiwan_strait",)
    assert all(i.id >= session.last_mark for i in strike)  # "now": after the latest action began


def test_chart_events_tell_inadvertent_from_deliberate_steps(taiwan):
    for run in range(40):  # a run with rung changes, searched rather than assumed
        session = GameSession(taiwan, taiwan.monte_carlo.seed, run, None)
        session.step_hours(taiwan.time.horizon_hours)
        changes = session.game.model.rung_changes
        if changes:
            break
    else:
        pytest.fail("no rung change in 40 runs")
    events = {e.id: e for e in chart_events(session.game.timeline())}
    for change in changes:  # the model's own cause record against what the chart shows
        expected = "inadvertent" if change.cause.inadvertent else "deliberate"
        assert events[change.log_id].category == expected


@pytest.mark.parametrize("name", sorted(p.stem for p in (ROOT / "scenarios").glob("*.yaml")))
def test_every_shipped_scenario_draws_every_asset_once(name):
    scenario = load_scenario(ROOT / "scenarios" / f"{name}.yaml")
    session = GameSession(scenario, scenario.monte_carlo.seed, 0, None)
    views, colors = asset_views(session.game.model), actor_colors(scenario.actors)
    pictures = [
        theatre_svg(scenario, zone_layout(scenario), views, session.game.rungs(), colors),
        orbits_svg(scenario, views, colors, session.game.model.tracked_objects),
    ]
    drawn = [g.get("data-asset") for svg in map(ET.fromstring, pictures) for g in svg.iter(f"{SVG}g")]
    assert sorted(a for a in drawn if a) == sorted(scenario.assets)
    # every zone's name is written out in full (on two lines if long), never cut to a stub
    for g in ET.fromstring(pictures[0]).iter(f"{SVG}g"):
        if g.get("class") == "zone":
            name = scenario.zones[g.get("data-zone")].name or g.get("data-zone")
            shown = " ".join("".join(t.itertext()) for t in g.iter(f"{SVG}tspan"))
            assert shown == name or (len(name) > 44 and shown.endswith("…")), (shown, name)


def test_the_pictures_are_valid_svg_with_every_asset_and_actor(taiwan):
    session = _game_with_a_strike(taiwan)
    views = asset_views(session.game.model)
    found = incidents(session.game.timeline(), views, taiwan.zones)
    colors = actor_colors(taiwan.actors)
    rungs = session.game.rungs()
    layout = zone_layout(taiwan)
    map_svg = ET.fromstring(theatre_svg(taiwan, layout, views, rungs, colors, found, (), data={"hours": 2}))
    orbit_svg = ET.fromstring(orbits_svg(taiwan, views, colors, session.game.model.tracked_objects, found))
    drawn = [g.get("data-asset") for svg in (map_svg, orbit_svg) for g in svg.iter(f"{SVG}g") if g.get("data-asset")]
    assert sorted(drawn) == sorted(taiwan.assets)  # each asset exactly once: theatre or orbit
    zones = {g.get("data-zone") for g in map_svg.iter(f"{SVG}g") if g.get("class") == "zone"}
    assert zones == set(layout)
    assert any(g.get("class") == "incident" for g in map_svg.iter(f"{SVG}g"))
    assert map_svg.get("data-hours") == "2"
    chart = ET.fromstring(
        rung_chart_svg(session.history, chart_events(session.game.timeline()), colors, 336, session.game.hours)
    )
    lines = {g.get("data-actor"): g.get("data-rung") for g in chart.iter(f"{SVG}g") if g.get("class") == "rung-line"}
    assert lines == {actor: str(rung) for actor, rung in rungs.items()}
