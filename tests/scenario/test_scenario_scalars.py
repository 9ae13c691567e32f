"""Text comes through the loader exactly: every scalar style reads as ruamel.yaml's safe loader reads it.

The loader builds its data from ruamel's round-trip event stream (to keep positions for errors); the
round-trip scanner marks the line folds of folded (``>``) scalars with U+0007, which once reached
every shipped scenario's description. Documents with plain, quoted, literal and folded scalars (with
every chomping indicator) are compared with the safe loader's reading.
"""

from __future__ import annotations

import io
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from sim.scenario.loader import load_scenario, parse_yaml

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"

WORDS = st.text(alphabet="abcdefghij KLM,.()-:'\"é§—", min_size=1, max_size=12).map(str.strip).filter(bool)
LINES = st.lists(st.lists(WORDS, min_size=1, max_size=6).map(" ".join), min_size=1, max_size=5)


def _block(indicator: str, lines: list[str], blank_inside: bool, trailing_blank: bool) -> str:
    body = list(lines)
    if blank_inside and len(body) > 1:
        body.insert(1, "")
    if trailing_blank:
        body.append("")
    return f"{indicator}\n" + "".join(f"  {line}\n" if line else "\n" for line in body)


def _plain(words: list[str]) -> str:
    text = " ".join(w.replace("'", "").replace('"', "").replace(":", "").replace("#", "") for w in words)
    return text.strip(" -,.") or "x"


@st.composite
def scalar(draw) -> str:
    style = draw(st.sampled_from(["plain", "single", "double", "literal", "folded"]))
    lines = draw(LINES)
    if style == "plain":
        return _plain(lines) + "\n"
    if style == "single":
        return "'" + " ".join(lines).replace("'", "''") + "'\n"
    if style == "double":
        return '"' + " ".join(lines).replace("\\", "\\\\").replace('"', '\\"') + '"\n'
    chomp = draw(st.sampled_from(["", "-", "+"]))
    indicator = ("|" if style == "literal" else ">") + chomp
    return _block(indicator, lines, draw(st.booleans()), draw(st.booleans()))


@st.composite
def document(draw) -> str:
    keys = draw(st.lists(st.from_regex(r"[a-z][a-z_]{0,8}", fullmatch=True), min_size=1, max_size=5, unique=True))
    out = []
    for key in keys:
        out.append(f"{key}: {draw(scalar())}")
    return "".join(out)


def _safe(text: str):
    return YAML(typ="safe", pure=True).load(io.StringIO(text))


@settings(max_examples=300, deadline=None)
@given(document())
def test_every_scalar_style_reads_as_the_safe_loader_reads_it(text):
    assert parse_yaml(text) == _safe(text)


def test_folded_descriptions_of_the_shipped_scenarios_have_no_control_characters():
    for path in sorted(SCENARIOS.glob("*.yaml")):
        description = load_scenario(path).metadata.description
        assert description == _safe(path.read_text())["metadata"]["description"], path.name
        assert not any(ord(c) < 32 for c in description), path.name
