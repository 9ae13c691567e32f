"""No escape sequence from a scenario, a file name or an option reaches the terminal."""

from __future__ import annotations

import json

import pytest
from hostile import CONTROL, SCS, TRACEBACK, flashpoint

from sim.cli.terminal import SafeStream
from sim.scenario import ScenarioError, load_scenario_text
from sim.scenario.printable import printable

# Clear the screen, set the window title, write the clipboard (OSC 52), reorder text (RLO), a C1 CSI.
PAYLOAD = "\x1b[2J\x1b]0;pwned\x07\x1b]52;c;cm0gLXJmIH4=\x07\u202e\x9b31m\r"
YAML_PAYLOAD = r"\e[2J\e]0;pwned\a\e]52;c;cm0gLXJmIH4=\a\u202E\x9b31m\r"


def _scenario_with_payload(tmp_path, where: str):
    text = SCS.read_text(encoding="utf-8")
    name_line = next(line for line in text.splitlines() if line.startswith("  name: "))
    if where == "name":
        text = text.replace(name_line, f'  name: "Evil{YAML_PAYLOAD}"', 1)
    else:  # the description of a zone, shown in summaries and the app
        text = text.replace("zones:\n", f'zones:\n  evil{{}}: {{kind: theater, name: "x{YAML_PAYLOAD}"}}\n', 1)
        text = text.replace("evil{}", "evil_zone")
    path = tmp_path / f"evil_{where}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _clean(done) -> None:
    for stream in (done.stdout, done.stderr):
        assert not CONTROL.search(stream), repr(CONTROL.search(stream).group())
    assert TRACEBACK not in done.stderr


@pytest.mark.parametrize("where", ["name", "zone"])
def test_scenario_text_with_escapes_is_refused_and_nothing_reaches_the_terminal(tmp_path, where):
    path = _scenario_with_payload(tmp_path, where)
    for args in (("validate", path), ("summary", path), ("run", path, "--runs", "5"), ("run", path, "--log", "1")):
        done = flashpoint(*args)
        assert done.returncode == 2, (args, done.stderr)
        _clean(done)
        assert "holds the control character U+001B: scenario text must be printable" in done.stderr
    line = done.stderr.splitlines()[-1]
    assert line.startswith(f"{path}:") and (": metadata.name: " in line or ": zones.evil_zone.name: " in line)


def test_file_names_options_and_usage_errors_with_escapes_are_escaped(tmp_path):
    evil = tmp_path / f"x{PAYLOAD}.yaml"
    cases = [
        ("validate", evil),  # the file name, in "cannot read"
        ("validate", SCS, "--set", f"metadata.name={PAYLOAD}"),  # an override's value
        ("validate", SCS, "--set", f"actors.P{PAYLOAD}.resolve=1"),  # an unknown key, quoted back
        ("validate", SCS, f"--bogus{PAYLOAD}"),  # argparse's usage message
        ("compare", SCS, "--arm", "a", "--arm", f"b{PAYLOAD.replace('=', '')}:policy.hotline.enabled=false"),
        ("sweep", SCS, "--param", f"policy.{PAYLOAD}=1,2"),
    ]
    for args in cases:
        done = flashpoint(*args)
        assert done.returncode == 2, (args, done.stderr)
        _clean(done)
        assert any(mark in done.stderr for mark in ("\\u001b", "\\x1b", "#x001b", "U+001B")), args  # escaped or named


def test_json_output_stays_valid_json_with_the_same_text():
    stream_out = []

    class Sink:
        def write(self, text):
            stream_out.append(text)

        def flush(self):
            pass

    safe = SafeStream(Sink())  # type: ignore[arg-type]
    record = {"name": "a\x7fb\x9b\u202ec", "ok": "plain — ≥ 3"}
    safe.write(json.dumps(record, ensure_ascii=False) + "\n")
    written = "".join(stream_out)
    assert not CONTROL.search(written)
    assert json.loads(written) == record
    assert printable("tab\tand\nnewline") == "tab\tand\nnewline"


def test_located_errors_are_escaped_wherever_they_are_shown():
    with pytest.raises(ScenarioError) as caught:
        load_scenario_text('metadata: {name: "a\\e[2J"}\n', f"f{PAYLOAD}.yaml")
    for error in caught.value.errors:
        assert not CONTROL.search(error.format())
