"""Figures an analyst can put in a report: scenario in every title, nothing cut off, panels by unit,
what a sweep figure averages over, categories as categories, the Monte Carlo noise on the tornado."""

from __future__ import annotations

import numpy as np
import pytest
from experiment_scenarios import CAPABILITY, RATE, tiny
from layout_checks import assert_nothing_clipped
from matplotlib.collections import PolyCollection
from matplotlib.lines import Line2D

from sim.experiments.compare import compare
from sim.experiments.metrics import COMPARE_METRICS, PROBABILITY_METRICS, metric_label
from sim.experiments.monte_carlo import run_monte_carlo
from sim.experiments.morris import morris_screening
from sim.experiments.precision import convergence
from sim.experiments.sensitivity import sensitivity
from sim.experiments.sweep import sweep
from sim.report import experiment_figures as ef
from sim.report import figures

NAME = "tiny duel"  # the scenario's name (experiment_scenarios.TINY)
AUTONOMY = "actors.RED.autonomy"
LONG = "parameters.encounters.rate_per_day.drone_swarm"


@pytest.fixture(scope="module")
def comparison():
    arms = ["calm", f"busy:{RATE}=9", f"quiet:{RATE}=1"]
    return compare(tiny(), arms, runs=60, seed=4)


@pytest.fixture(scope="module")
def points():
    params = [f"{CAPABILITY}=0.6:0.9", f"{AUTONOMY}=in_the_loop,on_the_loop,out_of_the_loop", f"{RATE}=2,6"]
    return sweep(tiny(), params, points=3, runs=20, seed=4).points


def test_forest_puts_probabilities_and_per_run_means_on_separate_panels(comparison):
    fig = ef.comparison_forest(comparison)
    assert_nothing_clipped(fig)
    assert NAME in fig.get_suptitle()
    probs, severity, false, *others = fig.axes
    assert "probability" in probs.get_xlabel() and "severity" in severity.get_xlabel()
    assert "false engagements" in false.get_xlabel()
    means = [m for m in COMPARE_METRICS if m not in PROBABILITY_METRICS]
    assert len(others) == len(means) - 2  # one panel per per-run mean
    labels = [t.get_text() for t in probs.get_yticklabels()]
    assert len(labels) == 2 * len(PROBABILITY_METRICS) and all("P(" in t for t in labels)  # 2 arms
    d = comparison.difference("busy", "p_ge_3").paired
    assert f"busy: {metric_label('p_ge_3')}  ({d.a_only} / {d.b_only})" in labels
    assert [t.get_text() for t in severity.get_yticklabels()] == ["quiet: mean severity", "busy: mean severity"]


def test_sweep_line_says_what_it_averages_over(points):
    fig = ef.sweep_lines(points, CAPABILITY, scenario=NAME)
    assert_nothing_clipped(fig)
    title = fig.get_suptitle().replace("\n", " ")
    assert title.startswith(NAME) and "averaged over" in title
    assert f"{AUTONOMY} (3 values)" in title and f"{RATE[-30:]} (2 values)" in title  # long paths: their end
    assert any(isinstance(c, PolyCollection) for c in fig.axes[0].collections)  # a numeric range: a band


def test_a_categorical_parameter_is_drawn_as_categories(points):
    fig = ef.sweep_lines(points, AUTONOMY, by=RATE, scenario=NAME)
    assert_nothing_clipped(fig)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["in_the_loop", "on_the_loop", "out_of_the_loop"]
    joined = [ln for ln in ax.get_lines() if isinstance(ln, Line2D) and ln.get_linestyle() not in ("None", "")]
    assert not [ln for ln in joined if len(ln.get_xdata()) > 2]  # markers and error bars, no line across categories
    title = fig.get_suptitle().replace("\n", " ")
    assert f"{CAPABILITY} (3 values)" in title and "rate_per_day" not in title.split("averaged over")[1]


def test_heatmap_and_sweep_files(points, tmp_path):
    fig = ef.sweep_heatmap(points, CAPABILITY, RATE, scenario=NAME)
    assert_nothing_clipped(fig)
    assert "averaged over" in fig.get_suptitle().replace("\n", " ")
    paths = ef.save_sweep_figures(points, [CAPABILITY, AUTONOMY, RATE], tmp_path, scenario=NAME)
    assert len(paths) == 5 and all(p.stat().st_size > 10_000 for p in paths)


def test_tornado_shows_the_monte_carlo_noise_and_the_scenario():
    params = [f"{LONG}=0.5:9", f"{CAPABILITY}=0.6:0.9"]
    result = sensitivity(tiny(), params, n=8, runs=20, seed=3)
    fig = ef.tornado(result, "p_ge_3")
    assert_nothing_clipped(fig)
    assert fig.get_suptitle().startswith(NAME)
    band = [p for p in fig.axes[0].patches if "Monte Carlo noise" in str(p.get_label())]
    share = result.noise_variance[0] / result.output_variance[0]
    assert len(band) == 1 and band[0].get_x() == 0.0 and band[0].get_width() == pytest.approx(min(share, 1.0))


def test_a_sobol_index_outside_0_1_is_explained_on_the_tornado():
    import dataclasses

    result = sensitivity(tiny(), [f"{LONG}=0.5:9", f"{CAPABILITY}=0.6:0.9"], n=8, runs=20, seed=3)
    first = np.array(result.first, dtype=float)
    first[0] = [1.05, -0.02]
    shown = dataclasses.replace(result, first=first, total=np.clip(result.total, 0.0, 1.0))
    fig = ef.tornado(shown, "p_ge_3")
    assert_nothing_clipped(fig)
    notes = fig.axes[0].get_xlabel().replace("\n", " ")
    assert "S_1 = 1.05" in notes and "S_1 = -0.02" in notes and "Monte Carlo noise" in notes
    inside = dataclasses.replace(shown, first=np.clip(first, 0.0, 1.0))
    assert ef.outside_unit_note(inside) == ""
    assert "outside [0, 1]" not in ef.tornado(inside, "p_ge_3").axes[0].get_xlabel()


def test_the_heatmap_scale_spans_its_values_and_differences_diverge_around_0(points):
    from matplotlib.colors import TwoSlopeNorm

    fig = ef.sweep_heatmap(points, CAPABILITY, RATE, scenario=NAME)
    image = fig.axes[0].get_images()[0]
    drawn = image.get_array()
    assert image.norm.vmin == pytest.approx(drawn.min()) and image.norm.vmax == pytest.approx(drawn.max())
    assert not isinstance(image.norm, TwoSlopeNorm)
    base = (0.6, 2)
    fig = ef.sweep_heatmap(points, CAPABILITY, RATE, scenario=NAME, baseline=base)
    assert_nothing_clipped(fig)
    image = fig.axes[0].get_images()[0]
    assert isinstance(image.norm, TwoSlopeNorm) and image.norm.vcenter == 0.0
    assert image.norm.vmin == -image.norm.vmax and image.get_array()[0, 0] == 0.0  # the baseline cell
    assert "difference from the cell" in fig.get_suptitle().replace("\n", " ")


def test_a_sweep_line_band_is_an_interval_of_the_drawn_mean(points):
    from sim.experiments.stats import wilson_interval
    from sim.report.sweep_figures import averaged_interval

    fig = ef.sweep_lines(points, CAPABILITY, metrics=("p_ge_3",), scenario=NAME)
    band = next(c for c in fig.axes[0].collections if isinstance(c, PolyCollection))
    means = points.groupby(CAPABILITY)["p_ge_3"].mean()
    lo, hi = averaged_interval(means.to_numpy(), 20)
    vertices = band.get_paths()[0].vertices
    for x, m, low, high in zip(means.index, means, lo, hi, strict=True):
        ys = vertices[np.isclose(vertices[:, 0], x), 1]
        assert ys.min() == pytest.approx(low) and ys.max() == pytest.approx(high)
        assert (low, high) == pytest.approx(wilson_interval(m * 20, 20))  # each shared run index counted once
    assert "mean probability" in fig.axes[0].get_ylabel()


def test_morris_chart_shows_the_noise_floor():
    result = morris_screening(tiny(), [f"{LONG}=0.5:9", f"{CAPABILITY}=0.6:0.9"], trajectories=4, runs=20, seed=3)
    fig = ef.morris_chart(result, "p_ge_3")
    assert_nothing_clipped(fig)
    band = [p for p in fig.axes[0].patches if "noise floor" in str(p.get_label())]
    assert len(band) == 1 and band[0].get_width() == pytest.approx(result.noise_floor[0])
    assert fig.get_suptitle().startswith(NAME)


def test_monte_carlo_figures_name_the_scenario_and_fit(tmp_path):
    mc = run_monte_carlo(tiny(), runs=60, seed=2)
    for build in (figures.fan_chart, figures.max_rung_distribution, figures.root_cause_shares, figures.time_to_rung):
        fig = build(mc.summary)
        assert fig.get_suptitle().startswith(NAME), build.__name__
        assert_nothing_clipped(fig)
    frame = convergence(mc.frame()["max_rung"].to_numpy() >= 2)
    fig = ef.convergence_figure(frame, "P(max rung ≥ 2)", 0.05, scenario=NAME)
    assert_nothing_clipped(fig)
    assert fig.get_suptitle().startswith(NAME)


def test_the_layout_check_catches_a_cut_off_title():
    from sim.report.style import new_figure, title_text

    fig = new_figure(6.0, 4.0)
    fig.add_subplot().plot([0, 1], [0, 1])
    fig.suptitle("a title far too long for a figure six inches wide, written on one single line")
    with pytest.raises(AssertionError, match="title is cut off"):
        assert_nothing_clipped(fig)
    fig.suptitle(title_text("a title far too long for a figure six inches wide, written on one single line", "", 5.4))
    assert_nothing_clipped(fig)  # wrapped as set_title wraps it, it fits
