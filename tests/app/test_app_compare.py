"""Compare that answers: verdict sentences, the forest plot, and the table files (sim.app.comparison)."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pandas as pd
import pytest

from sim.app.comparison import (
    arm_phrase,
    comparison_csv,
    comparison_parquet,
    forest_figure,
    metric_phrase,
    verdict,
    verdicts,
)
from sim.experiments.compare import compare, parse_arms
from sim.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[2]
ARMS = [
    "baseline",
    "hotline_off:policy.hotline.enabled=false",
    "norm:policy.human_control_norm.enabled=true,policy.human_control_norm.verification=inspection",
    "reliable:policy.hotline.reliability=0.9",
]


@pytest.fixture(scope="module")
def result():
    return compare(load_scenario(ROOT / "scenarios" / "taiwan_strait.yaml"), ARMS, runs=300, seed=5)


def test_options_and_metrics_in_words():
    arms = parse_arms(ARMS)
    assert [arm_phrase(a) for a in arms] == [
        "Under “baseline”",
        "Without the hotline",
        "With the human-control norm (verification inspection)",
        "With hotline reliability 0.9",
    ]
    assert metric_phrase("p_ge_4") == "P(reaching strikes)"
    assert metric_phrase("p_inadvertent") == "P(inadvertent escalation)"


def test_one_verdict_per_option_with_the_paired_interval_in_points(result):
    sentences = verdicts(result, "p_ge_3")
    assert len(sentences) == len(ARMS) - 1
    for arm, sentence in zip(result.arms[1:], sentences, strict=True):
        d = result.difference(arm.name, "p_ge_3").paired
        assert sentence.startswith(f"{arm_phrase(arm)}, P(reaching a limited kinetic incident) ")
        if d.lo == d.hi == d.diff == 0:
            assert "moves nothing" in sentence
            continue
        if d.diff == 0:
            assert "does not change (0 points) [" in sentence
        else:
            change = re.search(r"(rises|falls) by ([0-9.]+) points \[", sentence)
            assert change and change.group(1) == ("rises" if d.diff > 0 else "falls"), sentence
            assert float(change.group(2)) == pytest.approx(abs(d.diff) * 100, abs=0.051)
        lo, hi = re.search(r"\[(−?[0-9.]+), (−?[0-9.]+)\]", sentence).groups()
        assert float(lo.replace("−", "-")) == pytest.approx(d.lo * 100, abs=0.051)
        assert float(hi.replace("−", "-")) == pytest.approx(d.hi * 100, abs=0.051)
        assert ("not distinguishable from no change" in sentence) == (d.lo <= 0 <= d.hi)


def test_a_verdict_for_a_mean_is_not_in_points(result):
    arm = result.arms[1]
    sentence = verdict(arm, result.difference(arm.name, "severity"), result.runs)
    assert "the mean severity score" in sentence and "points" not in sentence


def test_the_table_files_equal_the_api_table(result):
    api = result.frame()
    from_csv = pd.read_csv(io.BytesIO(comparison_csv(result)))
    pd.testing.assert_frame_equal(from_csv, api, check_dtype=False)
    pd.testing.assert_frame_equal(pd.read_parquet(io.BytesIO(comparison_parquet(result))), api)


def test_forest_plot_has_probabilities_and_counts_on_separate_axes(result):
    fig = forest_figure(result)
    probabilities, counts = fig.axes
    assert "percentage points" in probabilities.get_xlabel() and "per run" in counts.get_xlabel()
    labels = [t.get_text() for t in counts.get_yticklabels()]
    assert all("severity" in x or "false engagements" in x for x in labels)
