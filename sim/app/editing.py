"""Scenario text in the app: shipped scenarios, untrusted uploads, validation as you type, export.

Every path into a :class:`~sim.scenario.schema.Scenario` goes through the safe loader
(:func:`sim.scenario.load_scenario_text`: an event-level YAML parser with node and depth limits,
no object construction). Uploads larger than ``MAX_FILE_BYTES`` are refused before any parsing.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ruamel.yaml import YAML

from sim.scenario import LocatedError, ScenarioError, load_scenario_text
from sim.scenario.limits import MAX_FILE_BYTES, MAX_OVERRIDES
from sim.scenario.printable import printable
from sim.scenario.schema import Scenario

__all__ = [
    "SCENARIO_DIR",
    "AnnotatedLine",
    "Validation",
    "annotate",
    "check_upload",
    "resolved_yaml",
    "shipped_scenarios",
    "validate_text",
]

SCENARIO_DIR = Path(__file__).resolve().parents[2] / "scenarios"
"""The shipped scenario library."""


@dataclass(frozen=True)
class Validation:
    """The result of validating scenario text.

    Attributes:
        scenario: The validated scenario (overrides applied), or None if there were errors.
        errors: Located errors, in document order: at most ``MAX_ERRORS``, then one line about the rest.
        count: How many errors, for a heading (``3``, ``40,000``, ``more than 50``).
    """

    scenario: Scenario | None
    errors: tuple[LocatedError, ...] = ()
    count: str = "0"

    @property
    def ok(self) -> bool:
        """Whether the text (with its overrides) is a valid scenario."""
        return self.scenario is not None


@dataclass(frozen=True)
class AnnotatedLine:
    """One line of the editor's text, with the errors located on it."""

    number: int
    text: str
    messages: tuple[str, ...]


def shipped_scenarios(directory: Path = SCENARIO_DIR) -> dict[str, Path]:
    """Shipped scenarios by file name, sorted."""
    return {p.name: p for p in sorted(directory.glob("*.yaml"))}


def check_upload(name: str, size: int) -> LocatedError | None:
    """Refuse an upload before reading it: too large, or not a YAML file name.

    Args:
        name: The uploaded file's name.
        size: Its size, bytes.

    Returns:
        The error to show, or None if the upload may be read.
    """
    if size > MAX_FILE_BYTES:
        return LocatedError(name, 1, 1, "", f"file is {size} bytes, larger than the limit of {MAX_FILE_BYTES}")
    if not name.lower().endswith((".yaml", ".yml")):
        return LocatedError(name, 1, 1, "", "expected a .yaml or .yml file")
    return None


def validate_text(text: str | bytes, filename: str, overrides: Sequence[str] = ()) -> Validation:
    """Validate scenario text with overrides; never raises for a bad scenario.

    Args:
        text: The YAML (an upload's bytes or the editor's text).
        filename: Name used in error locations.
        overrides: ``PATH=VALUE`` strings (at most ``MAX_OVERRIDES``).

    Returns:
        The scenario, or every located error.
    """
    if len(overrides) > MAX_OVERRIDES:
        return Validation(None, (LocatedError("--set", 1, 1, "", f"more than {MAX_OVERRIDES} overrides"),), "1")
    try:
        return Validation(load_scenario_text(text, filename, list(overrides)))
    except ScenarioError as exc:
        return Validation(None, tuple(exc.errors), exc.count())


def annotate(text: str, errors: Sequence[LocatedError], filename: str) -> list[AnnotatedLine]:
    """The lines that carry errors located in ``filename``, each with its messages, in line order.

    Lines are shown with control characters escaped (the editor may hold what YAML refuses).
    """
    lines = text.splitlines() or [""]
    by_line: dict[int, list[str]] = {}
    for error in errors:
        if error.file == filename:
            by_line.setdefault(min(max(error.line, 1), len(lines)), []).append(error.format())
    return [AnnotatedLine(n, printable(lines[n - 1]), tuple(msgs)) for n, msgs in sorted(by_line.items())]


def resolved_yaml(scenario: Scenario, source: str, overrides: Sequence[str]) -> str:
    """The scenario with its overrides applied, as YAML that loads back to the same scenario.

    Args:
        scenario: The validated scenario (overrides already applied).
        source: Where the text came from (a file name), for the header comment.
        overrides: The overrides applied, listed in the header comment.
    """
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    yaml.sort_base_mapping_type_on_output = False
    buffer = io.StringIO()
    yaml.dump(scenario.model_dump(mode="json", exclude_none=True), buffer)
    header = [f"# Flashpoint scenario exported from the facilitator's app (source: {source})"]
    if overrides:
        header.append("# Overrides applied (equivalent --set options):")
        header += [f"#   --set {o}" for o in overrides]
    else:
        header.append("# No overrides applied.")
    return "\n".join(header) + "\n" + buffer.getvalue()
