"""The app under hostile input: an alias bomb pasted into the editor, too much work, a cancel, hostile game files."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from hostile_documents import BAD_ESCAPE, alias_bomb, many_unknown_keys
from hostile_game_files import hostile_game_files, played_duel
from streamlit.testing.v1 import AppTest

from sim.app.gamefile import GameFileError, game_from_json
from sim.app.jobs import CANCELLED, Job, start_job
from sim.experiments.compare import compare
from sim.experiments.limits import MAX_ARMS
from sim.scenario import limits, load_scenario

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "streamlit_app.py")
TRACEBACK = "Traceback (most recent call last)"


def start() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=180)
    at.session_state["inline_jobs"] = True
    at.run()
    assert not at.exception
    return at


def scenario_page() -> AppTest:
    at = start()
    at.switch_page("app_pages/scenario.py").run()  # the app opens on "what do you want to do?"
    assert not at.exception
    return at


def test_a_pasted_scalar_alias_bomb_gets_a_located_error_and_the_app_keeps_answering():
    at = scenario_page()
    bomb = alias_bomb(325_000)
    at.text_area(key="editor_widget").set_value(bomb).run()
    assert not at.exception, at.exception
    assert at.error[0].value.startswith("1 error(s) in the scenario")
    messages = [m.value for m in at.markdown if m.value.startswith(":red[")]
    assert len(messages) == 1
    assert "more text than the limit of" in messages[0] and f"{limits.MAX_YAML_CHARS}" in messages[0]
    assert ": metadata.sources[" in messages[0]  # located at the alias that crossed the limit
    # The same session answers on: back to a shipped scenario, which validates.
    next(b for b in at.button if b.label == "Load shipped scenario").click().run()
    assert not at.exception
    assert "Taiwan Strait" in at.success[0].value
    # And another session is served as usual.
    other = scenario_page()
    assert "Taiwan Strait" in other.success[0].value


def test_the_compare_page_refuses_too_many_options_before_starting():
    at = start()
    at.switch_page("app_pages/compare.py").run()
    lines = "\n".join(f"option_{i}" for i in range(MAX_ARMS + 1))
    at.text_area(key="cmp_arms").set_value(lines)
    next(b for b in at.button if b.label == "Compare").click().run()
    assert not at.exception
    assert at.error[0].value.startswith(f"Too much work: {MAX_ARMS + 1:,} options, more than the limit of {MAX_ARMS}")
    assert "cmp_job" not in at.session_state


def test_cancel_stops_a_running_comparison_within_a_chunk():
    taiwan = load_scenario(ROOT / "scenarios" / "taiwan_strait.yaml")
    arms = ["baseline", "no_hotline:policy.hotline.enabled=false"]
    total = 2 * 20_000
    job = start_job(lambda p: compare(taiwan, arms, runs=20_000, chunk_size=50, progress=p), "compare")
    deadline = time.monotonic() + 120
    while job.progress.done == 0:
        assert not job.done and time.monotonic() < deadline, job.error
        time.sleep(0.01)
    job.cancel()
    assert job.wait(120)
    assert job.cancelled and job.error == CANCELLED and job.result is None
    assert job.progress.done < total


def _until_cancelled(progress) -> None:
    """A job that reports progress until it is cancelled (the page's button is what is tested)."""
    for done in range(1_000_000):
        progress(done, 1_000_000)
        time.sleep(0.005)


def test_the_compare_pages_cancel_button_cancels_its_job():
    at = start()
    at.switch_page("app_pages/compare.py").run()
    job = Job(_until_cancelled, "2 options × 1,000,000 runs").start()
    at.session_state["cmp_job"] = job
    at.run()
    assert not at.exception
    next(b for b in at.button if b.label == "Cancel").click().run()
    assert job.wait(30) and job.cancelled
    at.run()
    assert not at.exception
    assert at.info[0].value == "The comparison was cancelled: nothing was kept."


def test_an_escape_past_u10ffff_uploaded_or_pasted_is_a_located_error_not_an_exception():
    at = scenario_page()
    at.file_uploader[0].set_value(("escape.yaml", BAD_ESCAPE.encode(), "application/x-yaml")).run()
    assert not at.exception, at.exception
    located = (
        "escape.yaml:1:19: metadata: YAML syntax error: the escape \\U00110000 is past U+10FFFF, "
        "the last Unicode character"
    )
    assert at.error[0].value == "1 error(s) in the scenario"
    assert [m.value for m in at.markdown if m.value.startswith(":red[")] == [f":red[{located}]"]
    at.text_area(key="editor_widget").set_value(BAD_ESCAPE).run()  # pasted into the editor: the same
    assert not at.exception and at.error[0].value == "1 error(s) in the scenario"


def test_forty_thousand_errors_show_as_fifty_lines_and_a_count():
    at = scenario_page()
    at.file_uploader[0].set_value(("many.yaml", many_unknown_keys().encode(), "application/x-yaml")).run()
    assert not at.exception, at.exception
    assert at.error[0].value == f"more than {limits.MAX_ERRORS} error(s) in the scenario"
    messages = [m.value for m in at.markdown if m.value.startswith(":red[")]
    assert len(messages) == limits.MAX_ERRORS + 1
    assert "stopped reading here: more than 50 errors" in messages[-1]


def test_each_hostile_game_file_uploaded_is_refused_with_one_line_and_nothing_in_use_changes():
    at = start()
    at.switch_page("app_pages/wargame.py").run()
    in_use = (at.session_state["scenario_source"], at.session_state["scenario_text"])
    for name, data in hostile_game_files(played_duel()).items():
        with pytest.raises(GameFileError) as refused:
            game_from_json(data, f"{name}.json")
        at.file_uploader(key="game_upload").upload(f"{name}.json", data, "application/json").run()
        assert not at.exception, (name, at.exception)
        assert [e.value for e in at.error] == [str(refused.value)]
        assert at.error[0].value.startswith(f"{name}.json:")
        assert "\n" not in at.error[0].value and TRACEBACK not in at.error[0].value
        assert "game" not in at.session_state or at.session_state["game"] is None
        assert (at.session_state["scenario_source"], at.session_state["scenario_text"]) == in_use
