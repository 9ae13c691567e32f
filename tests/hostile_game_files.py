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

from scenario_builders import DUEL, SCENARIOS, merge

from sim.app.editing import validate_text
from sim.app.gamefile import GameFileError, game_from_json, game_to_dict, state_digest
from sim.app.session import GameOrigin, GameSession
from sim.experiments.provenance import scenario_sha256
from sim.scenario.schema import FalseAlarmInject

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
