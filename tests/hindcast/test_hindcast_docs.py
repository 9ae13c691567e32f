"""docs/validation.md, docs/sources.md §11 and the case library agree: every case has its section and its
generated numbers, every question is in the results table, every §11 citation names a row of §11."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import pytest

from sim.experiments.hindcast_cases import load_cases

ROOT = Path(__file__).resolve().parents[2]
VALIDATION = (ROOT / "docs" / "validation.md").read_text(encoding="utf-8")
SOURCES = (ROOT / "docs" / "sources.md").read_text(encoding="utf-8")
_spec = importlib.util.spec_from_file_location("hindcast_benchmark", ROOT / "benchmarks" / "hindcast.py")
benchmark = importlib.util.module_from_spec(_spec)
sys.modules["hindcast_benchmark"] = benchmark
_spec.loader.exec_module(benchmark)


@pytest.fixture(scope="module")
def index():
    return load_cases(ROOT / "hindcast" / "cases.yaml")


def _blocks() -> dict[str, str]:
    return {m.group("name"): m.group("body") for m in benchmark.BLOCK.finditer(VALIDATION)}


def test_every_case_has_a_section_and_its_generated_numbers(index):
    blocks = _blocks()
    for key in index.cases:
        assert f"\n### {key}\n" in VALIDATION, f"docs/validation.md has no section for {key}"
        assert blocks.get(f"case:{key}", "").strip(), f"docs/validation.md: no generated numbers for {key}"
    for key in index.held:
        assert key in VALIDATION
    for name in ("settings", "results", "aggregate", "shares"):
        assert blocks.get(name, "").strip(), f"docs/validation.md: the block {name} is empty"


def test_the_results_table_lists_every_question_in_order(index):
    """Stale if a case was added or changed without running benchmarks/hindcast.py --write."""
    rows = [line.split("|")[1].strip() for line in _blocks()["results"].splitlines() if line.startswith("| ")]
    asked = [f"{key}/{q.id}" for key, case in index.cases.items() for q in case.questions]
    assert rows[1:] == asked


def _section_11_rows() -> list[str]:
    section = SOURCES[SOURCES.index('<a id="s11"></a>') :]
    return [
        cells.split("|")[1].strip() for cells in section.splitlines() if cells.startswith("| ") and "---" not in cells
    ]


def test_every_section_11_citation_names_a_row(index):
    rows = [r for r in _section_11_rows() if r != "figure"]
    texts = []
    for case in index.cases.values():
        texts += case.sources + [q.evidence for q in case.questions]
    texts += [s for h in index.held.values() for s in h.sources]
    for file in sorted((ROOT / "hindcast").glob("*.yaml")):
        if file.name != "cases.yaml":
            texts += index.scenario(file.name).metadata.sources
    for text in texts:
        for cited in re.findall(r"§11 ([^()]+)", " ".join(text.split())):
            assert any(cited.startswith(row) for row in rows), f"'§11 {cited[:40]}' names no row of docs/sources.md §11"


def test_every_scenario_in_the_library_is_asked_something(index):
    used = {q.scenario for case in index.cases.values() for q in case.questions}
    files = {p.name for p in (ROOT / "hindcast").glob("*.yaml")} - {"cases.yaml"}
    assert files == used
