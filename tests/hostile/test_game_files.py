"""Hostile game files: refused with one clear line, in bounded memory; a file that loads is one that autosaves.

Issue 24: 100,000 ``[`` raised RecursionError, ``"player": ["PRC"]`` a TypeError; a lone surrogate loaded,
then broke the next autosave (leaving a temporary file); a file of another scenario loaded with the
wrong explanation; ESC and ``../../etc/passwd`` in ``source``, ``NaN`` hours and 10⁹ ticks were accepted.
"""

from __future__ import annotations

import copy
import json
import re
import sys

import pytest
from hostile import PEAK_MB, TRACEBACK, measured_command
from hostile_game_files import ANY_TEXT, DUEL_TEXT, MOVES, hostile_game_files, play, played_duel, resealed
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.app.editing import validate_text
from sim.app.gamefile import UNSIGNED, GameFileError, SessionStore, game_from_json, game_to_json, state_digest
from sim.app.session import GameOrigin, GameSession

EXPECTED = {
    "deep_top_level": ": not a JSON game file (recursion limit exceeded)",
    "deep_in_actions": ": not a JSON game file (recursion limit exceeded)",
    "player_a_list": "player: expected text, got a list",
    "lone_surrogate_in_source": ": not valid Unicode text: a lone surrogate (\\ud800 to \\udfff)",
    "lone_surrogate_lever_key": ": not valid Unicode text: a lone surrogate (\\ud800 to \\udfff)",
    "another_scenario": "actions[1].asset: 'red_swarm' is not an asset of the scenario",
    "another_scenarios_actions": "actions[0].asset: 'prc_ccg_ayungin' is not an asset of the scenario",
    "escape_in_source": "scenario.source: must be a file name: no folder, no control character, at most 255 "
    "characters (got '\\x1b]0;pwned\\x07duel.yaml')",
    "path_in_source": "scenario.source: must be a file name: no folder, no control character, at most 255 "
    "characters (got '../../etc/passwd')",
    "nan_hours": "actions[0].hours: must be a finite number (got nan)",
    "a_billion_ticks": "actions[0].ticks: must be <= 100000 (got 1000000000)",
    "too_many_rungs": "state.rungs: needs at most 1000 entries (got 2000)",
    "a_repeated_key": ": the key 'seed' appears twice in one object: a game file names each key once",
    "utf16": ": the file is UTF-16 text: a game file is UTF-8",
    "latin1": ": not UTF-8 text (the byte 0xc9 cannot start or continue a character)",
    "a_huge_number": ": not a JSON game file (number out of range)",
}

# Loads each file named on the command line in one process: one line per file.
LOAD_PROBE = """
import sys
from sim.app.gamefile import GameFileError, game_from_json
for path in sys.argv[1:]:
    try:
        game_from_json(open(path, "rb").read(), path)
        print(f"{path}\\tLOADED")
    except GameFileError as exc:
        print(f"{path}\\t{exc}")
"""


@pytest.fixture(scope="module")
def saved() -> dict:
    return played_duel()


def _refusal(data: bytes | str) -> str:
    """What the loader says of ``data``, without its ``FILE:LINE:COL:`` place."""
    with pytest.raises(GameFileError) as caught:
        game_from_json(data, "g.json")
    place, said = str(caught.value).split(" ", 1)
    assert re.fullmatch(r"g\.json:\d+:\d+:", place), place
    return said


def test_each_refusal_is_located_at_the_field_at_fault_in_a_file_laid_out_on_many_lines(saved):
    for name, data in hostile_game_files(saved, indent=1).items():
        text = data.decode("utf-8", "replace")
        with pytest.raises(GameFileError) as refused:
            game_from_json(data, f"{name}.json")
        error = refused.value.error
        assert str(refused.value) == f"{name}.json:{error.line}:{error.col}: {error.path}: {error.message}"
        line = text.splitlines()[error.line - 1] if text else ""
        field = error.path.rsplit(".", 1)[-1].split("[")[0]
        if name in ("a_repeated_key", "utf16"):  # the file as a whole
            assert (error.line, error.col) == (1, 1), (name, error)
        elif name == "latin1":  # at the byte
            assert line[error.col - 1] == "\ufffd", (name, error, line)
        elif name == "a_huge_number":  # where the parser gave up, in the number
            assert set(line[error.col - 1 : error.col + 9]) == {"9"}, (name, error)
        elif name.startswith("deep"):  # where the parser gave up: past the nesting limit, within the brackets
            assert 100 < error.col <= len(line), (name, error)
        elif name.startswith("lone_surrogate"):  # at the escape's end, where the parser stopped
            near = line[max(0, error.col - 8) : error.col]
            assert "\\ud800" in near or "\\udc00" in near, (name, error, line)
        else:  # at the value of the field named
            assert line[: error.col - 1].rstrip().endswith(f'"{field}":'), (name, error, line)


def test_each_hostile_game_file_is_refused_with_one_line_in_bounded_memory(tmp_path, saved):
    files = hostile_game_files(saved)
    assert set(files) == set(EXPECTED)
    paths = []
    for name, data in files.items():
        paths.append(tmp_path / f"{name}.json")
        paths[-1].write_bytes(data)
    # A fresh process, as the app's server would be, measured by hostile.py's probe (not by itself: a
    # child's own peak starts at the size of the test process that forked it).
    done, peak_mb, _ = measured_command([sys.executable, "-c", LOAD_PROBE, *map(str, paths)], timeout=900)
    assert done.returncode == 0 and TRACEBACK not in done.stderr, done.stderr[-3000:]
    messages = dict(line.split("\t", 1) for line in done.stdout.splitlines())
    for name, expected in EXPECTED.items():
        path = str(tmp_path / f"{name}.json")
        located = rf"{re.escape(path)}:\d+:\d+: {re.escape(expected)}"
        assert re.fullmatch(located, messages[path]), (name, messages[path])
    assert peak_mb < PEAK_MB, f"peak RSS {peak_mb:.0f} MB"


def test_a_replay_that_does_not_give_the_saved_state_is_refused_under_the_same_model(saved):
    # another scenario whose assets the actions do not name: the parts of two games do not fit together
    swapped = copy.deepcopy(saved)
    swapped["actions"] = [a for a in swapped["actions"] if a["kind"] == "ticks"]
    swapped["undone"] = []
    changed = json.loads(DUEL_TEXT)
    changed["parameters"]["encounters"]["rate_per_day"]["drone_swarm"] = 40.0
    swapped["scenario"]["text"] = json.dumps(changed)
    message = _refusal(json.dumps(resealed(swapped)))
    assert message.startswith("state: replaying the actions does not give the saved game (")
    assert message.endswith("the file was changed after it was saved, or its parts come from different games")
    # under another model the same file loads, and the warning says the model changed
    older = {**resealed(swapped), "model_sha256": "0" * 64}
    loaded = game_from_json(json.dumps(older))
    assert "the model has changed since the game was saved" in loaded.warnings[0]
    assert loaded.warnings[-1] == UNSIGNED


def test_the_signature_tells_a_file_saved_here_from_any_other(saved, tmp_path, monkeypatch):
    loaded = game_from_json(json.dumps(saved))
    assert loaded.signed and loaded.warnings == ()
    renamed = {**saved, "scenario": {**saved["scenario"], "name": "renamed by hand"}}  # no hash covers the name
    edited = game_from_json(json.dumps(renamed))
    assert not edited.signed and edited.warnings == (UNSIGNED,)
    monkeypatch.setenv("FLASHPOINT_DATA_DIR", str(tmp_path / "another-installation"))
    elsewhere = game_from_json(json.dumps(saved))
    assert not elsewhere.signed and elsewhere.warnings == (UNSIGNED,)
    assert (tmp_path / "another-installation" / "installation.key").stat().st_mode & 0o777 == 0o600
    assert game_from_json(game_to_json(elsewhere.session)).signed  # saved again here, it is this one's


def test_levers_must_give_the_overrides_and_name_levers_of_the_scenario(saved):
    wrong = copy.deepcopy(saved)
    wrong["scenario"]["levers"] = {"policy.hotline.reliability": 0.5}
    assert _refusal(json.dumps(resealed(wrong))).startswith("scenario.overrides: they are not the overrides")
    wrong["scenario"]["levers"] = {"not.a.lever": 1}
    assert _refusal(json.dumps(resealed(wrong))) == "scenario.levers['not.a.lever']: not a lever of this scenario"


TEXT_FIELDS = {
    "name": lambda d, s: d["scenario"].update(name=s),
    "source": lambda d, s: d["scenario"].update(source=s),
    "text": lambda d, s: d["scenario"].update(text=s),
    "override": lambda d, s: d["scenario"].update(overrides=[s]),
    "lever key": lambda d, s: d["scenario"].update(levers={s: None}),
    "lever value": lambda d, s: d["scenario"].update(levers={"actors.BLU.autonomy": s}),
    "action kind": lambda d, s: d["actions"][0].update(kind=s),
    "asset": lambda d, s: d["actions"][1].update(asset=s),
    "level": lambda d, s: d["actions"][1].update(level=s),
    "inject description": lambda d, s: d["actions"][2]["inject"].update(description=s),
    "inject actor": lambda d, s: d["actions"][2]["inject"].update(actor=s),
    "player": lambda d, s: d.update(player=s),
    "state rung key": lambda d, s: d["state"].update(rungs={s: 1}),
    "log hash": lambda d, s: d["state"].update(log_sha256=s),
    "format": lambda d, s: d.update(format=s),
}


@pytest.mark.parametrize("field", TEXT_FIELDS)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=ANY_TEXT, escaped=st.booleans())
def test_a_game_file_that_loads_is_one_that_autosaves(saved, tmp_path, field, text, escaped):
    doc = copy.deepcopy(saved)
    TEXT_FIELDS[field](doc, text)
    data = json.dumps(resealed(doc, state=True), ensure_ascii=escaped)  # a lone surrogate escaped, or as itself
    try:
        loaded = game_from_json(data)
    except GameFileError as exc:
        assert "\n" not in str(exc)
        return
    session = loaded.session
    store = SessionStore(tmp_path / "sessions")
    workspace = {"source": session.origin.source, "text": session.origin.text, "levers": dict(session.origin.levers)}
    store.save("abcdefgh", workspace, session)
    restored = store.load("abcdefgh")
    assert restored.problem is None and restored.workspace == workspace
    assert state_digest(restored.game.session) == state_digest(session)
    assert not list((tmp_path / "sessions").glob("*.tmp"))
    again = game_from_json(game_to_json(session))
    assert again.signed and state_digest(again.session) == state_digest(session)


def test_any_printable_text_in_an_inject_is_kept_through_save_and_autosave(saved, tmp_path):
    doc = copy.deepcopy(saved)
    doc["actions"][2]["inject"]["description"] = '日本語 — a "quoted" blip\twith a tab\nand a line ✓'
    loaded = game_from_json(json.dumps(resealed(doc, state=True)))
    assert loaded.warnings == (UNSIGNED,)
    store = SessionStore(tmp_path)
    store.save("abcdefgh", {"source": "duel.yaml", "text": DUEL_TEXT, "levers": {}}, loaded.session)
    restored = store.load("abcdefgh").game.session
    assert restored.actions[2].args[0].description == doc["actions"][2]["inject"]["description"]


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 2**63 - 1),
    player=st.sampled_from([None, "BLU", "RED", "BLU"]),
    hotline=st.booleans(),
    moves=st.lists(MOVES, max_size=12),
)
def test_any_game_saved_loads_back_as_the_same_game(seed, player, hotline, moves):
    """Save, load, save again: the same bytes, the same state, the same redo stack, signed by this installation."""
    origin = GameOrigin("duel.yaml", DUEL_TEXT.replace('"enabled": false', f'"enabled": {str(hotline).lower()}'))
    session = GameSession(validate_text(origin.text, origin.source).scenario, seed, 0, player, origin)
    for move in moves:
        play(session, move)
    saved = game_to_json(session)
    loaded = game_from_json(saved, "saved.json")
    assert loaded.signed and loaded.warnings == ()
    again = loaded.session
    assert game_to_json(again) == saved
    assert state_digest(again) == state_digest(session) and again.game.timeline() == session.game.timeline()
    assert again.actions == session.actions and again.undone == session.undone
    if session.can_redo:  # the redo stack replays as it would have
        session.redo()
        again.redo()
        assert state_digest(again) == state_digest(session)


def test_a_byte_order_mark_is_skipped_and_errors_are_located_past_it(saved):
    data = b"\xef\xbb\xbf" + json.dumps(saved, indent=1).encode("utf-8")  # as some Windows editors save
    assert game_from_json(data).signed
    with pytest.raises(GameFileError) as refused:
        game_from_json(data.replace(b'"hours": 0.0', b'"hours": NaN', 1), "bom.json")
    error = refused.value.error
    assert (error.path, error.message) == ("actions[0].hours", "must be a finite number (got nan)")
    assert data.decode("utf-8").splitlines()[error.line - 1][error.col - 1 :].startswith("0.0")
