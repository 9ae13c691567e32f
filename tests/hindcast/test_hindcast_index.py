"""The case index is checked before any run, and every problem is located at FILE:LINE:COL."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from sim.experiments.hindcast_cases import load_cases
from sim.scenario import ScenarioError

ROOT = Path(__file__).resolve().parents[2]
CSV = ROOT / "calibration" / "icb_us_ussr_crises.csv"
TARGETS = ROOT / "calibration" / "targets.yaml"

QUESTION = """\
      - id: q
        text: a question
        scenario: case.yaml
        event: {max_rung: {min: 3}}
        happened: false
        evidence: what happened
        baseline: {kind: icb, event: {viol: [2, 3, 4]}, note: the share of violent crises}
"""


def index_text(case_extra: str = "", question: str = QUESTION) -> str:
    return (
        f"icb_crises: {CSV}\ncalibration_targets: {TARGETS}\ncases:\n  c1:\n    title: A case\n"
        f"    date: 2001-04-01\n    icb_crisis: null\n    sources: [a row]\n{case_extra}    questions:\n{question}"
    )


@pytest.fixture
def folder(tmp_path):
    shutil.copy(ROOT / "hindcast" / "stark_1987.yaml", tmp_path / "case.yaml")
    return tmp_path


def errors_of(folder: Path, text: str) -> list[str]:
    (folder / "cases.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        load_cases(folder / "cases.yaml")
    return [e.format() for e in caught.value.errors]


def test_a_good_index_loads(folder):
    (folder / "cases.yaml").write_text(index_text(), encoding="utf-8")
    index = load_cases(folder / "cases.yaml")
    assert not index.cases["c1"].in_sample
    assert index.scenario("case.yaml").metadata.name.startswith("Hindcast")


def test_an_unknown_statistic_is_located_at_its_key(folder):
    lines = errors_of(folder, index_text(question=QUESTION.replace("max_rung", "max_rungs")))
    assert len(lines) == 1 and lines[0].startswith(f"{folder / 'cases.yaml'}:13:")
    assert "cases.c1.questions[0].event" in lines[0]


def test_a_missing_scenario_file_is_located_at_the_question(folder):
    lines = errors_of(folder, index_text(question=QUESTION.replace("case.yaml", "nowhere.yaml")))
    assert len(lines) == 1 and ":12:" in lines[0] and "no scenario file" in lines[0]


def test_an_icb_crisis_not_among_the_88_is_refused(folder):
    text = index_text().replace("icb_crisis: null", "icb_crisis: 999")
    (line,) = errors_of(folder, text)
    assert ":7:" in line and "crisis 999 is not among the 88" in line


def test_an_unknown_calibration_target_is_refused(folder):
    (line,) = errors_of(folder, index_text(case_extra="    calibration_target: no_such_target\n"))
    assert ":9:" in line and "no target 'no_such_target'" in line


def test_an_override_the_scenario_does_not_take_is_located_in_the_index(folder):
    question = QUESTION.replace("        event:", '        set: ["actors.USA.resolv=0.3"]\n        event:')
    (line,) = errors_of(folder, index_text(question=question))
    assert line.startswith(f"{folder / 'cases.yaml'}:13:") and "cases.c1.questions[0].set[0]" in line
    assert "resolv" in line


def test_a_bad_scenario_file_is_located_in_the_scenario(folder):
    text = (folder / "case.yaml").read_text(encoding="utf-8").replace("initial_rung: 0", "initial_rung: 9", 1)
    (folder / "case.yaml").write_text(text, encoding="utf-8")
    lines = errors_of(folder, index_text())
    assert lines and all(line.startswith(str(folder / "case.yaml")) for line in lines)
    assert any("initial_rung" in line for line in lines)


def test_a_share_question_needs_what_was_observed(folder):
    question = QUESTION.replace(
        "        event: {max_rung: {min: 3}}\n        happened: false\n",
        "        share: {numerator: [engagements_false], denominator: [contacts]}\n",
    )
    (line,) = errors_of(folder, index_text(question=question))
    assert "needs 'observed'" in line


def test_two_questions_with_one_id_are_refused(folder):
    (line,) = errors_of(folder, index_text(question=QUESTION + QUESTION))
    assert "a second question 'q'" in line


def test_an_empty_range_is_refused(folder):
    (line,) = errors_of(folder, index_text(question=QUESTION.replace("{min: 3}", "{}")))
    assert "needs 'min', 'max' or both" in line
