"""The ``flashpoint validate``, ``summary`` and ``schema`` commands, and the shipped scenarios and schema."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from ruamel.yaml import YAML
from scenario_text import VALID, mutate

from sim.cli import COMMANDS, main, schema_text
from sim.scenario import load_scenario, scenario_json_schema

ROOT = Path(__file__).resolve().parents[2]
SCHEMA_FILE = ROOT / "docs" / "scenario.schema.json"
SHIPPED = sorted((ROOT / "scenarios").glob("*.yaml"))


@pytest.fixture
def good(tmp_path: Path) -> Path:
    path = tmp_path / "good.yaml"
    path.write_text(VALID, encoding="utf-8")
    return path


@pytest.fixture
def bad(tmp_path: Path) -> Path:
    path = tmp_path / "bad.yaml"
    path.write_text(mutate(("size: 200", "size: lots"), ("zone: LEO", "zone: LEOO")), encoding="utf-8")
    return path


# --------------------------------------------------------------------------- validate


def test_validate_prints_ok_with_a_summary(good: Path, capsys) -> None:
    assert main(["validate", str(good)]) == 0
    out = capsys.readouterr()
    assert out.out == f"{good}: OK (Test strait: 3 zones, 2 actors, 3 assets, 200 drones, horizon 72 h)\n"
    assert out.err == ""


def test_validate_reports_every_error_of_every_file_and_exits_2(good: Path, bad: Path, tmp_path: Path, capsys) -> None:
    missing = tmp_path / "missing.yaml"
    assert main(["validate", str(bad), str(good), str(missing)]) == 2
    out = capsys.readouterr()
    assert out.out == f"{good}: OK (Test strait: 3 zones, 2 actors, 3 assets, 200 drones, horizon 72 h)\n"
    assert out.err.splitlines() == [
        f"{bad}:27:11: assets.red_swarm.size: expected a whole number, got 'lots'",
        f"{missing}:1:1: : cannot read: No such file or directory",
    ]


def test_validate_with_set(good: Path, capsys) -> None:
    assert main(["validate", str(good), "--set", "assets.red_swarm.size=50", "--set", "time.horizon_hours=24"]) == 2
    assert capsys.readouterr().err.splitlines() == [f"{good}:45:15: injects[1].at_hours: after the horizon (24 hours)"]
    assert main(["validate", str(good), "--set", "assets.red_swarm.size=50"]) == 0
    assert "50 drones" in capsys.readouterr().out
    assert main(["validate", str(good), "--set", "assets.red_swarm.size=0"]) == 2
    assert capsys.readouterr().err == "--set:1:23: assets.red_swarm.size: must be >= 1 (got 0)\n"


def test_validate_verbose_and_summary(good: Path, capsys) -> None:
    assert main(["validate", "-v", str(good)]) == 0
    verbose = capsys.readouterr().out
    assert main(["summary", str(good)]) == 0
    summary = capsys.readouterr().out
    assert summary in verbose
    assert "red_swarm: drone_swarm of RED in strait, 200 drones" in summary
    assert "policy: hotline on" in summary


def test_usage_errors_exit_2_with_one_located_line(capsys) -> None:
    expected = [
        "flashpoint:1:1: : the following arguments are required: COMMAND (see flashpoint --help)",
        "flashpoint:1:1: validate: the following arguments are required: FILE (see flashpoint validate --help)",
        "flashpoint:1:1: COMMAND: invalid choice: 'nonsense' (choose from ",
        "--bogus:1:1: bogus: unrecognized arguments: --bogus (see flashpoint --help)",
    ]
    for argv, start in zip(([], ["validate"], ["nonsense"], ["validate", "x.yaml", "--bogus"]), expected, strict=True):
        with pytest.raises(SystemExit) as caught:
            main(argv)
        assert caught.value.code == 2
        [line] = capsys.readouterr().err.splitlines()
        assert line.startswith(start), line


def test_commands_are_registered_in_one_place() -> None:
    names = [command.name for command in COMMANDS]
    assert {"validate", "summary", "schema", "run"} <= set(names)
    assert len(names) == len(set(names))


def test_python_m_sim_validate_bad_file_exits_2_without_traceback(bad: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "sim", "validate", str(bad), "--set", "metadata.nme=x"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [
        f"{bad}:27:11: assets.red_swarm.size: expected a whole number, got 'lots'",
        "--set:1:14: metadata.nme: unknown key 'nme' (did you mean 'name'?)",
    ]


# --------------------------------------------------------------------------- schema


def test_schema_to_stdout_and_to_a_file(tmp_path: Path, capsys) -> None:
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] and schema["title"] == "Flashpoint scenario"
    jsonschema.Draft202012Validator.check_schema(schema)
    target = tmp_path / "scenario.schema.json"
    assert main(["schema", "-o", str(target)]) == 0
    assert json.loads(target.read_text(encoding="utf-8")) == schema


def test_schema_write_error_is_located(tmp_path: Path, capsys) -> None:
    target = tmp_path / "no" / "such" / "dir.json"
    assert main(["schema", "-o", str(target)]) == 2
    assert capsys.readouterr().err == f"{target}:1:1: : cannot write: No such file or directory\n"


def test_committed_schema_is_up_to_date() -> None:
    assert SCHEMA_FILE.read_text(encoding="utf-8") == schema_text(), (
        "run: flashpoint schema -o docs/scenario.schema.json"
    )


def _as_json(path: Path) -> object:
    """YAML -> JSON as an editor's schema checker sees it."""
    return json.loads(json.dumps(YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8")), default=str))


def test_json_schema_and_loader_agree_on_the_fixture(tmp_path: Path) -> None:
    validator = jsonschema.Draft202012Validator(scenario_json_schema())
    good = tmp_path / "good.yaml"
    good.write_text(VALID, encoding="utf-8")
    assert list(validator.iter_errors(_as_json(good))) == []
    for old, new in [
        ("enabled: true", "enabled: yes"),
        ("horizon_hours: 72", "horizon_hours: '72'"),
        ("ships: 5", "ships: 5.5"),
    ]:
        good.write_text(mutate((old, new)), encoding="utf-8")
        assert list(validator.iter_errors(_as_json(good))), new


@pytest.mark.skipif(not SHIPPED, reason="no shipped scenarios yet")
@pytest.mark.parametrize("path", SHIPPED, ids=[path.name for path in SHIPPED])
def test_shipped_scenarios_load_and_match_the_json_schema(path: Path) -> None:
    scenario = load_scenario(path)
    assert scenario.metadata.name
    assert path.read_text(encoding="utf-8").startswith("# yaml-language-server: $schema=../docs/scenario.schema.json")
    validator = jsonschema.Draft202012Validator(json.loads(SCHEMA_FILE.read_text(encoding="utf-8")))
    errors = [f"{'.'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(_as_json(path))]
    assert errors == []
