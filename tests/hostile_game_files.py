"""Game files for the hostile tests (tests/hostile, tests/app): a small saved game, and the files issue 24
found that crashed the loader or poisoned the autosave (a module of its own, as tests/scenario_builders.py
explains).
"""

from __future__ import annotations

import contextlib
import copy
import hashlib
import json
from typing import Any

import pytest
from hypothesis import event
from hypothesis import strategies as st
from pydantic import ValidationError
from scenario_builders import DUEL, SCENARIOS, merge

from sim.app.editing import validate_text
from sim.app.gamefile import GameFileError, game_from_json, game_to_dict, state_digest
from sim.app.session import GameOrigin, GameSession
from sim.experiments.provenance import scenario_sha256
from sim.scenario.printable import first_unsafe
from sim.scenario.schema import Autonomy, FalseAlarmInject

DUEL_TEXT = json.dumps(merge(DUEL, {"metadata": {"name": "hostile game"}, "time": {"horizon_hours": 48}}), indent=1)
"""The two-actor duel as scenario text (JSON is YAML): a game on it replays in milliseconds."""


def played_duel() -> dict[str, Any]:
    """A saved game on the duel with one action of each kind a game without players records."""
    origin = GameOrigin("duel.yaml", DUEL_TEXT)
    scenario = validate_text(origin.text, origin.source).scenario
    session = GameSession(scenario, 11, 0, None, origin)
    session.step_hours(3)
    session.set_autonomy("red_swarm", "out_of_the_loop")
    session.inject(FalseAlarmInject(kind="false_alarm", at_hours=0, actor="BLU", blamed="RED", description="a blip"))
    session.step_hours(4)
    session.undo()
    return game_to_dict(session)


def resealed(doc: dict[str, Any], state: bool = False) -> dict[str, Any]:
    """``doc`` with the hashes recomputed as anyone editing a file can (the signature dropped).

    Args:
        doc: A game document.
        state: Also replace the saved state by what a replay gives (when the file can be replayed).
    """
    out = copy.deepcopy(doc)
    part = out["scenario"]
    part["text_sha256"] = hashlib.sha256(part["text"].encode("utf-8", "surrogatepass")).hexdigest()
    scenario = validate_text(part["text"], "x.yaml", part["overrides"]).scenario
    if scenario is not None:
        part["scenario_sha256"] = scenario_sha256(scenario)
    out.pop("signature", None)
    if state:
        with contextlib.suppress(GameFileError):
            out["state"] = state_digest(game_from_json(json.dumps({**out, "model_sha256": None})).session)
    return out


def nested(depth: int, inside_actions: bool = False) -> bytes:
    """A game file of ``depth`` opening brackets, at the top level or as the value of ``actions``."""
    if inside_actions:
        return b'{"format": "flashpoint-game", "version": 1, "actions": ' + b"[" * depth
    return b"[" * depth


def hostile_game_files(doc: dict[str, Any], indent: int | None = None) -> dict[str, bytes]:
    """Issue 24's game files, built from a valid saved game ``doc``: name to bytes.

    Args:
        doc: A valid saved game.
        indent: Lay the edited files out on many lines (as the app saves them), so an error's line tells.
    """
    scs_text = (SCENARIOS / "south_china_sea.yaml").read_text(encoding="utf-8")

    def edited(change) -> bytes:
        out = copy.deepcopy(doc)
        change(out)
        return json.dumps(out, indent=indent).encode("utf-8")

    def other_scenario(out: dict) -> None:
        out["scenario"].update(text=scs_text, source="south_china_sea.yaml")
        out.update(resealed(out))

    return {
        "deep_top_level": nested(100_000),
        "deep_in_actions": nested(100_000, inside_actions=True),
        "player_a_list": edited(lambda d: d.update(player=["BLU"])),
        "lone_surrogate_in_source": edited(lambda d: d["scenario"].update(source="duel\ud800.yaml")),
        "lone_surrogate_lever_key": edited(lambda d: d["scenario"]["levers"].update({"\udc00": 1})),
        "another_scenario": edited(other_scenario),
        "another_scenarios_actions": edited(lambda d: d["actions"].insert(0, _autonomy("prc_ccg_ayungin"))),
        "escape_in_source": edited(lambda d: d["scenario"].update(source="\x1b]0;pwned\x07duel.yaml")),
        "path_in_source": edited(lambda d: d["scenario"].update(source="../../etc/passwd")),
        "nan_hours": edited(lambda d: d["actions"][0].update(hours=float("nan"))),
        "a_billion_ticks": edited(lambda d: d["actions"][0].update(ticks=10**9)),
        "too_many_rungs": edited(lambda d: d["state"].update(rungs={f"a{i}": 1 for i in range(2_000)})),
        "a_repeated_key": edited(lambda d: None).replace(b'"seed": 11', b'"seed": 11, "seed": 11'),
        "utf16": edited(lambda d: None).decode("utf-8").encode("utf-16"),
        "latin1": edited(lambda d: d.update(player="BLU")).replace(b'"BLU"', b'"BL\xc9"', 1),
        "a_huge_number": edited(lambda d: None).replace(b'"seed": 11', b'"seed": ' + b"9" * 100_000),
    }


def _autonomy(asset: str) -> dict[str, Any]:
    return {"kind": "autonomy", "hours": 0.0, "asset": asset, "level": "in_the_loop"}


ANY_TEXT = st.text(st.characters(exclude_categories=()), max_size=40)
"""Any text: surrogates and control characters included."""

MOVES = st.one_of(
    st.tuples(st.just("step"), st.integers(1, 12)),
    st.tuples(st.just("to_decision")),
    st.tuples(st.just("to_decision")),  # twice as likely: decision points come after it
    st.tuples(st.just("decide"), st.sampled_from([None, 1, 2, 3, 4])),
    st.tuples(st.just("hotline")),
    st.tuples(st.just("autonomy"), st.integers(0, 10**6), st.sampled_from([a.value for a in Autonomy])),
    st.tuples(st.just("inject"), ANY_TEXT, st.integers(0, 60), st.integers(0, 10**6)),
    st.tuples(st.just("undo")),
    st.tuples(st.just("redo")),
)
"""One move of a facilitator, as the Wargame page's buttons make them (an asset or actor by its index)."""


def play(session: GameSession, move: tuple) -> None:
    """Make ``move`` (one of :data:`MOVES`) in ``session`` if the game allows it now; else nothing.

    An inject whose description no game file could carry must be refused with nothing done.
    """
    kind, *args = move
    open_decisions = session.game.open_decisions()
    if kind == "step" and not session.finished:
        session.step_hours(args[0])
    elif kind == "to_decision" and not session.finished:
        session.step_to_decision()
    elif kind == "decide" and open_decisions:
        event("a decision answered")  # the statistics show how often each kind of move is exercised
        session.decide(open_decisions[0].id, args[0])
    elif kind == "hotline" and open_decisions and session.hotline_available(open_decisions[0].id):
        event("the hotline called")
        session.call_hotline(open_decisions[0].id)
    elif kind == "autonomy":
        assets = sorted(session.scenario.assets)
        session.set_autonomy(assets[args[0] % len(assets)], args[1])
    elif kind == "inject":
        _inject(session, *args)
    elif kind == "undo":
        session.undo()
    elif kind == "redo":
        session.redo()


def _inject(session: GameSession, description: str, at_hours: int, which: int) -> None:
    actors = sorted(session.scenario.actors)
    actor, blamed = actors[which % len(actors)], actors[(which + 1) % len(actors)]
    try:  # the inject's own schema refuses some text (a lone surrogate, in strict mode)
        blip = FalseAlarmInject(
            kind="false_alarm", at_hours=at_hours, actor=actor, blamed=blamed, description=description
        )
    except ValidationError:
        return
    if first_unsafe(description) or any("\ud800" <= c <= "\udfff" for c in description):  # no file could carry it
        before = list(session.actions)
        with pytest.raises(ValueError, match=r"^inject description: holds the character U\+"):
            session.inject(blip)
        assert session.actions == before
    else:
        session.inject(blip)
