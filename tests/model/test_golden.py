"""Golden summaries: each shipped scenario at a fixed seed gives exactly the checked-in numbers."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from model_scenarios import SHIPPED

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "golden"))
from golden import GOLDEN_DIR, golden_summary


@pytest.mark.parametrize("name", SHIPPED)
def test_golden_summary(name):
    expected = json.loads((GOLDEN_DIR / f"{name}.json").read_text())
    assert golden_summary(name) == expected
