"""Hostile scenarios give a bounded report: a located line for a bad escape, at most 50 errors and a count.

Issue 24: ``"\\U00110000"`` raised a traceback from the YAML scanner; a 0.8 MB file of 40,000 unknown
keys took 12 s of CPU and printed 40,000 lines.
"""

from __future__ import annotations

import pytest
from hostile import LOCATED, PEAK_MB, SCS, TRACEBACK, flashpoint, measured
from hostile_documents import BAD_ESCAPE, many_unknown_keys

from sim.scenario import ScenarioError, load_scenario_text
from sim.scenario.errors import unknown_key_message
from sim.scenario.limits import MAX_ERRORS
from sim.scenario.schema import NavalGroup

STOPPED = f"stopped reading here: more than {MAX_ERRORS} errors (fix those above, then check again)"


def _errors(text: str) -> ScenarioError:
    with pytest.raises(ScenarioError) as caught:
        load_scenario_text(text, "s.yaml")
    return caught.value


@pytest.mark.parametrize("command", ["validate", "run", "summary"])
def test_an_escape_past_the_last_unicode_character_exits_2_with_one_located_line(tmp_path, command):
    path = tmp_path / "escape.yaml"
    path.write_text(BAD_ESCAPE, encoding="utf-8")
    done, peak_mb, _ = measured(command, path)
    assert done.returncode == 2, done.stderr
    assert TRACEBACK not in done.stderr
    assert done.stderr.splitlines() == [
        f"{path}:1:19: metadata: YAML syntax error: the escape \\U00110000 is past U+10FFFF, the last Unicode character"
    ]
    assert peak_mb < PEAK_MB


def test_escapes_past_the_last_character_are_located_wherever_they_are():
    folded = 'metadata:\n  name: ok\n  description: "first line\\\n    \\UD800DC00 then more"\n'
    [error] = _errors(folded).errors
    assert (error.line, error.col) == (4, 5)
    assert "the escape \\UD800DC00 is past U+10FFFF" in error.message
    [single] = _errors("metadata: {name: '\\U00110000'}\n").errors[-1:]  # no escapes in single quotes: text
    assert "past U+10FFFF" not in single.message
    done = flashpoint("validate", SCS, "--set", 'metadata.name="\\U00110000"', timeout=300)
    assert done.returncode == 2 and TRACEBACK not in done.stderr  # the --set path was already refused


def test_forty_thousand_unknown_keys_stop_after_fifty_in_under_two_cpu_seconds(tmp_path):
    path = tmp_path / "many.yaml"
    path.write_text(many_unknown_keys(), encoding="utf-8")
    assert 700_000 < path.stat().st_size < 1_000_000
    done, peak_mb, cpu_s = measured("validate", path)
    assert done.returncode == 2
    assert TRACEBACK not in done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == MAX_ERRORS + 1 <= 60
    assert all(LOCATED.match(line) for line in lines), lines
    assert lines[0].startswith(f"{path}:") and ": unknown_00000: unknown key 'unknown_00000'" in lines[0]
    assert lines[-1].endswith(f": : {STOPPED}")
    assert cpu_s < 2, f"{cpu_s:.2f} s of CPU"
    assert peak_mb < PEAK_MB


def test_unknown_keys_are_found_while_reading_in_every_known_mapping():
    base = SCS.read_text(encoding="utf-8")
    nested = base.replace("metadata:\n", "metadata:\n" + "".join(f"  extra_{i}: 1\n" for i in range(5000)), 1)
    error = _errors(nested)
    assert error.total is None and error.count() == f"more than {MAX_ERRORS}"
    assert [e.path for e in error.errors[:2]] == ["metadata.extra_0", "metadata.extra_1"]
    assert error.errors[-1].message == STOPPED and len(error.errors) == MAX_ERRORS + 1
    # keys of an asset read before its 'kind': unknown to every kind at once, the others once the kind is read
    asset = "  prc_ccg_ayungin:\n"
    before_kind = base.replace(asset, asset + "    size: 3\n" + "".join(f"    zz{i}: 1\n" for i in range(5000)), 1)
    error = _errors(before_kind)
    assert [e.path for e in error.errors[:2]] == ["assets.prc_ccg_ayungin.zz0", "assets.prc_ccg_ayungin.zz1"]
    assert error.errors[-1].message == STOPPED
    error = _errors(base.replace(asset, asset + "    size: 3\n", 1))
    assert [e.format() for e in error.errors] == [  # a drone swarm's key in a naval group, found at the 'kind'
        f"s.yaml:{_line(base, asset) + 1}:5: assets.prc_ccg_ayungin.size: "
        + unknown_key_message("size", list(NavalGroup.model_fields))
    ]


def _line(text: str, start: str) -> int:
    return text[: text.index(start)].count("\n") + 1


def test_a_few_unknown_keys_are_reported_once_each_with_their_hints():
    base = SCS.read_text(encoding="utf-8")
    line = _line(base, "metadata:\n")
    error = _errors(base.replace("metadata:\n", "metadta_x: 1\nmetadata:\n  nmae: x\n", 1))
    assert error.total == len(error.errors) == 2
    assert [e.format() for e in error.errors] == [
        f"s.yaml:{line}:1: metadta_x: unknown key 'metadta_x' (did you mean 'metadata'?)",
        f"s.yaml:{line + 2}:3: metadata.nmae: unknown key 'nmae' (did you mean 'name'?)",
    ]


def test_many_schema_errors_list_fifty_then_count_the_rest():
    assets = "".join(f"  a{i:04d}: {{kind: naval_group}}\n" for i in range(1000))
    error = _errors(SCS.read_text(encoding="utf-8").replace("assets:\n", "assets:\n" + assets, 1))
    assert error.total == 3000  # owner, zone and ships missing in each
    assert len(error.errors) == MAX_ERRORS + 1
    last = error.errors[-1]
    assert last.message == f"and 2,950 more errors, not shown (the first {MAX_ERRORS} are)"
    assert error.count() == "3,000"
    assert str(error).count("\n") == MAX_ERRORS
