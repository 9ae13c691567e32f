"""Notebook use: a Monte Carlo as a frame and as a run × tick array, short reprs and HTML reprs."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from experiment_scenarios import RATE, tiny, tiny_data

from sim.experiments import storage
from sim.experiments.compare import compare
from sim.experiments.monte_carlo import run_monte_carlo
from sim.scenario.schema import Scenario
from sim.vocabulary import RunOutcome


@pytest.fixture(scope="module")
def result():
    return run_monte_carlo(tiny(), runs=40, seed=7)


def test_frame_has_one_row_per_run_and_a_column_per_field(result):
    frame = result.frame()
    assert len(frame) == 40 and frame["run"].tolist() == [o.run for o in result.outcomes]
    for field in dataclasses.fields(RunOutcome):
        if field.name == "crisis_level":
            assert field.name not in frame.columns
        elif field.name == "first_hours":
            got = frame[storage.per_rung_columns("first_hours")].to_numpy()
            assert np.array_equal(got, np.array([o.first_hours for o in result.outcomes]), equal_nan=True)
        elif field.type in (float, "float"):
            got = frame[field.name].to_numpy(dtype=float)
            assert np.array_equal(got, [getattr(o, field.name) for o in result.outcomes], equal_nan=True), field.name
        else:
            assert frame[field.name].tolist() == [getattr(o, field.name) for o in result.outcomes], field.name
    assert "crisis_level" in result.frame(trajectory=True).columns


def test_trajectories_are_a_named_run_by_tick_array(result):
    traj = result.trajectories()
    assert traj.dims == ("run", "tick") and traj.name == "crisis_level"
    assert traj.shape == (40, result.summary.n_ticks)
    assert np.array_equal(traj.sel(run=result.outcomes[5].run).values, result.outcomes[5].crisis_level)
    assert np.allclose(traj["hours"].values, result.summary.fan_time_hours)
    share = (traj >= 2).mean("run").values
    assert np.allclose(share, result.summary.fan_p[2])  # the fan chart's line, from the array
    assert traj.attrs["scenario"] == "tiny duel" and traj.attrs["seed"] == 7


def test_reprs_are_short_and_html_is_escaped():
    data = tiny_data()
    data["metadata"]["name"] = "duel <b>&</b>"
    mc = run_monte_carlo(Scenario.model_validate(data), runs=20, seed=3)
    text = repr(mc)
    p3 = mc.summary.max_rung_at_least[3]
    assert len(text) < 300 and "\n" not in text and "runs=20" in text and f"{p3.p:.3f}" in text
    page = mc._repr_html_()
    assert "<table>" in page and "duel &lt;b&gt;&amp;&lt;/b&gt;" in page and "<b>&</b>" not in page
    assert f"{p3.p:.3f} [{p3.lo:.3f}, {p3.hi:.3f}]" in page
    assert "<table>" in mc.summary._repr_html_() and len(repr(mc.summary)) < 300


def test_comparison_reprs():
    result = compare(tiny(), ["calm", f"busy:{RATE}=9"], runs=30, seed=2)
    text = repr(result)
    d = result.difference("busy", "p_ge_3").paired
    assert "\n" not in text and len(text) < 300 and "busy − calm" in text and f"{d.diff:+.3f}" in text
    page = result._repr_html_()
    assert page.count("<tr>") == 1 + len(result.differences)
    assert f"[{d.lo:+.3f}, {d.hi:+.3f}]" in page and f"{d.a_only} / {d.b_only}" in page


@dataclasses.dataclass(frozen=True, eq=False)
class _Extended(RunOutcome):
    """The record with two fields it may gain (the columns must follow without a code change)."""

    ceasefire: str = "ongoing"
    sorties: int = 0


def test_storage_columns_follow_the_record_fields(monkeypatch, tmp_path):
    monkeypatch.setattr(storage, "RunOutcome", _Extended)
    base = run_monte_carlo(tiny(), runs=5, seed=1).outcomes
    runs = [_Extended(**{**o.__dict__, "ceasefire": "agreed", "sorties": o.run * 3}) for o in base]
    frame = storage.outcomes_to_frame(runs)
    assert frame["ceasefire"].tolist() == ["agreed"] * 5 and frame["sorties"].tolist() == [0, 3, 6, 9, 12]
    assert storage._schema(True).field("sorties").type == "int64"
    path = storage.write_outcomes_parquet(runs, tmp_path / "o.parquet", {})
    back = storage.frame_to_outcomes(storage.read_outcomes_parquet(path)[0])
    assert [(o.ceasefire, o.sorties) for o in back] == [(o.ceasefire, o.sorties) for o in runs]
    old = storage.frame_to_outcomes(frame.drop(columns=["ceasefire", "sorties"]))  # a file from before
    assert {(o.ceasefire, o.sorties) for o in old} == {("ongoing", 0)}
