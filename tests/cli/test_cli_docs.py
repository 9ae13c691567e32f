"""docs/cli.md lists every exit code and every limit, with the values the code uses."""

from __future__ import annotations

import re
from pathlib import Path

from sim.cli import exits
from sim.experiments import limits as experiment_limits
from sim.scenario import limits as scenario_limits

DOC = (Path(__file__).resolve().parents[2] / "docs" / "cli.md").read_text(encoding="utf-8")


def _section(title: str) -> str:
    start = DOC.index(f"\n## {title}")
    return DOC[start : DOC.index("\n## ", start + 1)]


def test_every_exit_code_is_documented():
    table = _section("Exit codes")
    codes = {value for name, value in vars(exits).items() if name.startswith("EXIT_")}
    assert codes == {0, 1, 2, 3, 130}
    documented = {int(code) for code in re.findall(r"^\| (\d+) \|", table, re.M)}
    assert documented == codes


def test_every_limit_is_documented_with_its_value():
    table = _section("Limits")
    for module in (scenario_limits, experiment_limits):
        for name, value in vars(module).items():
            if name.startswith("MAX_") and isinstance(value, int | float):
                assert f"{value:,.0f}" in table, f"{module.__name__}.{name} = {value:,} is not in docs/cli.md"
