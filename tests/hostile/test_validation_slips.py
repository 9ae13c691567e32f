"""The small validation slips: each is a located error (or, for a valid file, no error), never a hang."""

from __future__ import annotations

import os

import pytest
from hostile import SCS, TRACEBACK, flashpoint
from streamlit.testing.v1 import AppTest

from sim.scenario import ScenarioError, decode_scenario_bytes, load_scenario, load_scenario_text
from sim.scenario.checks import tick_count
from sim.scenario.limits import MAX_TICKS


def _errors(text: str) -> list[str]:
    with pytest.raises(ScenarioError) as caught:
        load_scenario_text(text, "s.yaml")
    return [e.format() for e in caught.value.errors]


def test_a_tick_longer_than_the_horizon_is_refused_at_the_tick():
    scenario = load_scenario(SCS, ["injects=[]"])
    with pytest.raises(ScenarioError) as caught:
        load_scenario(SCS, ["injects=[]", "time.horizon_hours=10", "time.tick_hours=24"])
    assert [e.format() for e in caught.value.errors] == [
        "--set:3:17: time.tick_hours: a tick of 24 hours is longer than the horizon (10 hours)"
    ]
    assert scenario.time.tick_hours <= scenario.time.horizon_hours


def test_the_tick_limit_counts_ticks_as_the_engines_do():
    # 104 h in ticks of 0.00104 h is 100,000 ticks, though 104 / 0.00104 = 100000.00000000001 in floats
    assert MAX_TICKS < 104 / 0.00104 and tick_count(104, 0.00104) == MAX_TICKS
    load_scenario(SCS, ["injects=[]", "time.horizon_hours=104", "time.tick_hours=0.00104"])
    with pytest.raises(ScenarioError, match="gives 100001 ticks, more than the limit of 100000"):
        load_scenario(SCS, ["injects=[]", "time.horizon_hours=104.001", "time.tick_hours=0.00104"])


def test_a_lone_surrogate_is_located_at_its_value():
    errors = _errors('metadata:\n  name: "bad \\ud800 name"\n')
    assert "s.yaml:2:9: metadata.name: not valid Unicode text: a lone surrogate U+D800" in errors
    assert not any(e.startswith("s.yaml:1:1: : ") for e in errors)


def test_invalid_utf8_is_located_at_its_line_in_the_loader_and_the_app():
    data = b"metadata:\n  name: ok\n  description: caf\xe9\n"
    with pytest.raises(ScenarioError) as caught:
        decode_scenario_bytes(data, "up.yaml")
    assert [e.format() for e in caught.value.errors] == [
        "up.yaml:3:19: : not UTF-8 text: byte 0xe9 cannot start a character"
    ]
    at = AppTest.from_file(str(SCS.parents[1] / "streamlit_app.py"), default_timeout=120)
    at.session_state["inline_jobs"] = True
    at.run()
    at.switch_page("app_pages/scenario.py").run()  # the app opens on "what do you want to do?"
    at.file_uploader[0].set_value(("up.yaml", data, "application/x-yaml")).run()
    assert not at.exception
    assert "up.yaml:3:19: : not UTF-8 text: byte 0xe9 cannot start a character" in [e.value for e in at.error]


def test_a_fifo_given_as_the_scenario_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "scenario.yaml"
    os.mkfifo(fifo)
    done = flashpoint("validate", fifo, timeout=300)  # no writer ever opens the pipe
    assert done.returncode == 2
    assert TRACEBACK not in done.stderr
    assert done.stderr.splitlines() == [f"{fifo}:1:1: : cannot read: not a regular file (a named pipe)"]
    directory = flashpoint("validate", tmp_path, timeout=300)
    assert directory.stderr.splitlines() == [f"{tmp_path}:1:1: : cannot read: not a regular file (a directory)"]
