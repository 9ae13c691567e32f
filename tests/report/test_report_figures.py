"""Tests of sim.report.figures: structure of each figure and the PNG files of save_all."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from sim.experiments.summary import MonteCarloSummary
from sim.report import figures
from sim.vocabulary import ROOT_CAUSES, RUNG_NAMES


@pytest.fixture
def summary(report_summary: MonteCarloSummary) -> MonteCarloSummary:
    return report_summary


def _bars(ax) -> list[Rectangle]:
    return [p for p in ax.patches if isinstance(p, Rectangle)]


def _check_labels(fig: Figure) -> None:
    (ax,) = fig.axes
    assert fig.get_suptitle()
    assert ax.get_xlabel() and ax.get_ylabel()


def test_fan_chart(summary: MonteCarloSummary) -> None:
    fig = figures.fan_chart(summary)
    assert isinstance(fig, Figure)
    _check_labels(fig)
    ax = fig.axes[0]
    assert len(ax.get_lines()) == 7
    assert "days" in ax.get_xlabel()
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert len(labels) == 7
    assert all(name in label for name, label in zip(RUNG_NAMES[1:], labels, strict=True))
    # the k = 1 line ends at P(crisis level >= 1) at the last tick
    assert ax.get_lines()[0].get_ydata()[-1] == pytest.approx(summary.fan_p[1, -1])


def test_max_rung_distribution(summary: MonteCarloSummary) -> None:
    fig = figures.max_rung_distribution(summary)
    _check_labels(fig)
    bars = _bars(fig.axes[0])
    assert len(bars) == 8
    np.testing.assert_allclose([b.get_height() for b in bars], [p.p for p in summary.max_rung_exactly])


def test_root_cause_shares(summary: MonteCarloSummary) -> None:
    fig = figures.root_cause_shares(summary)
    _check_labels(fig)
    bars = _bars(fig.axes[0])
    assert len(bars) == len(ROOT_CAUSES)
    np.testing.assert_allclose([b.get_width() for b in bars], [summary.root_causes[c].p for c in ROOT_CAUSES])


def test_time_to_rung(summary: MonteCarloSummary) -> None:
    fig = figures.time_to_rung(summary)
    _check_labels(fig)
    ax = fig.axes[0]
    lines = ax.get_lines()
    assert len(lines) == 3
    assert "days" in ax.get_xlabel()
    # each curve ends at the share of runs that reached the rung by the horizon
    for line, k in zip(lines, (3, 4, 5), strict=True):
        assert line.get_ydata()[-1] == pytest.approx(summary.p_at_least(k).p)
        assert RUNG_NAMES[k] in line.get_label()


def test_save_all_writes_pngs(summary: MonteCarloSummary, tmp_path: Path) -> None:
    paths = figures.save_all(summary, tmp_path / "figs")
    assert [p.name for p in paths] == ["fan_chart.png", "max_rung.png", "root_causes.png", "time_to_rung.png"]
    for p in paths:
        data = p.read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000


def test_import_does_not_touch_pyplot() -> None:
    code = "import sys, sim.report.figures; sys.exit('matplotlib.pyplot' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
