"""Property tests: whatever an author does to a valid scenario, loading gives a scenario or located errors.

Never any other exception, and every error line has the ``FILE:LINE:COL: path: message`` shape.
"""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scenario_text import VALID

from sim.scenario import Scenario, ScenarioError, load_scenario_text

LINE = re.compile(r"^.+:\d+:\d+: .*: .+$")
LINES = VALID.splitlines(keepends=True)

VALUES = [
    "abc",
    "''",
    "-1",
    "0",
    "1.5",
    "1e400",
    ".nan",
    "-.inf",
    "99999999999999999999999999",
    "true",
    "yes",
    "null",
    "~",
    "2026-01-01",
    "[1, 2]",
    "{a: 1}",
    "[]",
    "{}",
    "&anchor x",
    "*anchor",
    "!!int x",
    "!!binary aGk=",
    "!custom 1",
    "!!set {a, b}",
    '"quoted: text"',
    "|\n  block",
    "[unclosed",
    "{a: [1, {b: }",
    "0x1F",
    "strait",
    "RED",
    "drone_swarm",
    "in_the_loop",
]
KEYS = ["unknown", "kind", "size", "owner", "zone", "name", "<<", "? [a]", "1", "true", "RED", "horizon_hours", "é"]
NOISE = st.text(alphabet=st.sampled_from([*":-[]{},&*!|>'\"#%@`\t\n ?", "\x00", "\x85", "\u2028", "é", "a"]))


def _split(line: str) -> tuple[str, str, str]:
    indent = line[: len(line) - len(line.lstrip(" -"))]
    key, sep, value = line[len(indent) :].partition(":")
    return indent, key if sep else "", value


def delete_line(data: st.DataObject, lines: list[str]) -> list[str]:
    i = data.draw(st.integers(0, len(lines) - 1))
    return lines[:i] + lines[i + 1 :]


def duplicate_line(data: st.DataObject, lines: list[str]) -> list[str]:
    i = data.draw(st.integers(0, len(lines) - 1))
    return lines[: i + 1] + lines[i:]


def rename_key(data: st.DataObject, lines: list[str]) -> list[str]:
    i = data.draw(st.integers(0, len(lines) - 1))
    indent, key, value = _split(lines[i].rstrip("\n"))
    if not key:
        return lines
    new_key = data.draw(st.sampled_from(KEYS) | st.text(min_size=1, max_size=8))
    return [*lines[:i], f"{indent}{new_key}:{value}\n", *lines[i + 1 :]]


def replace_value(data: st.DataObject, lines: list[str]) -> list[str]:
    i = data.draw(st.integers(0, len(lines) - 1))
    indent, key, _ = _split(lines[i].rstrip("\n"))
    if not key:
        return lines
    new_value = data.draw(st.sampled_from(VALUES) | st.text(max_size=10))
    return [*lines[:i], f"{indent}{key}: {new_value}\n", *lines[i + 1 :]]


def insert_unknown_key(data: st.DataObject, lines: list[str]) -> list[str]:
    i = data.draw(st.integers(0, len(lines) - 1))
    indent = " " * (len(lines[i]) - len(lines[i].lstrip(" -")))
    key = data.draw(st.sampled_from(KEYS))
    value = data.draw(st.sampled_from(VALUES))
    return [*lines[: i + 1], f"{indent}{key}: {value}\n", *lines[i + 1 :]]


def truncate(data: st.DataObject, lines: list[str]) -> list[str]:
    text = "".join(lines)
    return [text[: data.draw(st.integers(0, len(text)))]]


def insert_characters(data: st.DataObject, lines: list[str]) -> list[str]:
    text = "".join(lines)
    at = data.draw(st.integers(0, len(text)))
    return [text[:at] + data.draw(NOISE) + text[at:]]


MUTATIONS = [delete_line, duplicate_line, rename_key, replace_value, insert_unknown_key, truncate, insert_characters]


def check(text: str | bytes, overrides: list[str] | None = None) -> None:
    """The loader's contract: a Scenario, or a ScenarioError of well-formed located lines."""
    try:
        result = load_scenario_text(text, "m.yaml", overrides or [])
    except ScenarioError as exc:
        lines = str(exc).splitlines()
        assert lines, "a ScenarioError must carry at least one error"
        assert len(lines) == len(exc.errors), lines
        for line in lines:
            assert LINE.match(line), line
        return
    assert isinstance(result, Scenario)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_mutated_scenarios_load_or_give_located_errors(data: st.DataObject) -> None:
    lines = list(LINES)
    for mutation in data.draw(st.lists(st.sampled_from(MUTATIONS), min_size=1, max_size=3)):
        lines = mutation(data, lines) or ["\n"]
    check("".join(lines))


@settings(max_examples=40, deadline=None)
@given(st.binary(max_size=8), st.integers(0, len(VALID)))
def test_random_bytes_give_located_errors(noise: bytes, at: int) -> None:
    raw = VALID.encode()
    check(raw[:at] + noise + raw[at:])


PATHS = [
    "actors.RED.ai.capability",
    "injects[0].at_hours",
    "injects.1",
    "policy.hotline",
    "zones",
    "assets.x.y",
    "a..b",
]


@settings(max_examples=80, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(PATHS) | st.text(max_size=12), st.sampled_from(VALUES) | st.text(max_size=8)),
        max_size=3,
    ),
    st.booleans(),
)
def test_random_overrides_give_located_errors(pairs: list[tuple[str, str]], with_equals: bool) -> None:
    overrides = [f"{path}={value}" if with_equals else path + value for path, value in pairs]
    check(VALID, overrides)
