"""The layers of docs/engines.md hold, and breaking one fails the check (import-linter contracts in pyproject)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")

pytestmark = pytest.mark.skipif(not LINT_IMPORTS.exists(), reason="import-linter is not installed")


def _lint(root: Path) -> subprocess.CompletedProcess:
    env = {"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"], cwd=root, env=env, capture_output=True, text=True, timeout=300
    )


def test_the_repository_keeps_every_contract():
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "bad_import", "contract"),
    [
        ("sim/experiments/sweep.py", "from sim.engines.compiled import layout", "through sim.engines only"),
        ("sim/kernels/space.py", "from sim.vocabulary import N_RUNGS", "The kernels are pure"),
        ("sim/engines/reference/c2.py", "from sim.engines.compiled import layout", "Two engines side by side"),
        ("sim/scenario/schema.py", "from sim.engines import ENGINES", "Layers"),
        ("sim/engines/reference/agents.py", "from sim.engines.reference import c2", "No import cycles"),
        ("sim/calibration/targets.py", "from sim.kernels import rng", "not the kernels"),
        ("sim/calibration/abc.py", "from sim.engines.compiled import api", "through sim.engines only"),
        ("sim/experiments/stats.py", "from sim.calibration import targets", "Layers"),
    ],
)
def test_a_wrong_import_breaks_its_contract(tmp_path, module, bad_import, contract):
    shutil.copytree(ROOT / "sim", tmp_path / "sim", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    path = tmp_path / module
    path.write_text(path.read_text() + f"\n{bad_import}  # noqa\n")
    result = _lint(tmp_path)
    assert result.returncode != 0
    broken = result.stdout.split("Broken contracts")[-1]
    assert contract in broken, result.stdout
