"""The field tables of docs/scenarios.md are generated from the scenario schema and cover all of it.

Regenerate after a schema change: ``.venv/bin/python -m sim.scenario.field_docs --write``.
"""

from __future__ import annotations

import re
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Literal, get_args, get_origin

import pytest
from pydantic import BaseModel, ConfigDict, Field

from sim.scenario import field_docs
from sim.scenario.schema import Identifier, Scenario

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "scenarios.md"
HINT = "run: python -m sim.scenario.field_docs --write"


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    """Every pydantic model inside an annotation (through Annotated, unions, lists, maps, tuples)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    if get_origin(annotation) is Annotated:
        return _models_in(get_args(annotation)[0])
    return [model for arg in get_args(annotation) for model in _models_in(arg)]


def _reachable_models() -> list[type[BaseModel]]:
    """Scenario and every model reachable from its fields, walked recursively."""
    seen: list[type[BaseModel]] = []
    todo = [Scenario]
    while todo:
        model = todo.pop()
        if model in seen:
            continue
        seen.append(model)
        for field in model.model_fields.values():
            todo.extend(_models_in(field.annotation))
    return seen


def _documented_rows(text: str) -> dict[str, set[str]]:
    """The field names in the rows of each generated table of the guide, by section path."""
    return {
        path: set(re.findall(r"^\| `([^`]+)` \|", body, re.MULTILINE))
        for path, body in field_docs.table_sections(text).items()
    }


def test_every_field_of_the_schema_has_a_row_in_a_generated_table():
    rows = _documented_rows(GUIDE.read_text(encoding="utf-8"))
    sections = field_docs.schema_sections()
    assert set(rows) <= set(sections), f"markers naming no schema section: {sorted(set(rows) - set(sections))}"
    models = _reachable_models()
    assert len(models) >= 35  # the top level, its sections, and their nested sections
    missing = []
    for model in models:
        # A table documents a model's field if it is a table of that model, or the shared table of a union
        # of which the model is a member.
        tables = [path for path in rows if model in sections[path].models]
        for name in model.model_fields:
            if not any(name in rows[path] for path in tables):
                missing.append(f"{model.__name__}.{name}")
    assert not missing, f"schema fields without a row in docs/scenarios.md: {missing}; {HINT}"


def test_the_guide_is_what_the_generator_writes():
    text = GUIDE.read_text(encoding="utf-8")
    assert text.count("<!-- fields: ") >= 38
    problems = field_docs.check(text)
    assert not problems, HINT + "\n" + "\n".join(problems)
    assert field_docs.rewrite(text) == text, HINT


def test_the_guide_mentions_no_removed_field():
    text = GUIDE.read_text(encoding="utf-8")
    for stale in ("verification_probability", "catch_in_loop", "catch_on_loop", "early_warning_false_alarms"):
        assert stale not in text


class _Color(StrEnum):
    RED = "red"
    BLUE = "blue"


class _Inner(BaseModel):
    model_config = ConfigDict(extra="forbid")

    depth: float = Field(default=1.0, gt=0.0, description="Depth, m.")


class _Bounds(BaseModel):
    low: float = Field(ge=0.0, description="Low.")


class _Made(BaseModel):
    """A made-up section with one field of every kind the renderer knows."""

    model_config = ConfigDict(extra="forbid")

    label: str = Field(min_length=1, max_length=200, description="A name.")
    ref: Identifier | None = Field(default=None, description="An id, or nothing.")
    count: int = Field(default=20_000, ge=0, le=100_000, description="How many.")
    share: Annotated[float, Field(ge=0.0, le=1.0)] | None = Field(default=None, description="A share | a part.")
    offset: float = Field(default=-0.5, ge=-3.0, le=6.0, description="An offset.")
    window: float = Field(default=15.0, gt=0.0, le=1440.0, description="A window, minutes.")
    tiny: float = Field(default=2.5e-12, ge=0.0, le=1e-6, description="Tiny.")
    color: _Color = Field(default=_Color.BLUE, description="A color.")
    mode: Literal["fast", "slow"] = Field(description="A mode.")
    flag: bool = Field(default=True, description="A flag.")
    tags: list[_Color] = Field(default_factory=list, max_length=8, description="Tags.")
    rates: dict[_Color, Annotated[float, Field(ge=0.0, le=10.0)]] = Field(
        default_factory=lambda: {_Color.RED: 0.5, _Color.BLUE: 2.0}, description="Rates."
    )
    by_rung: dict[Annotated[int, Field(ge=0, le=7)], str] = Field(default_factory=dict, description="By rung.")
    inner: _Inner = Field(default_factory=_Inner, description="Nested, with defaults.")
    spread: _Bounds = Field(default_factory=lambda: _Bounds(low=2.0), description="Nested, given.")
    point: tuple[Annotated[float, Field(allow_inf_nan=False)], Annotated[float, Field(allow_inf_nan=False)]] | None = (
        Field(default=None, description="A point.")
    )
    either: _Inner | _Bounds | None = Field(default=None, description="One or the other.")


def test_a_made_up_section_renders_types_defaults_and_ranges():
    lines = field_docs.render_table(_Made).splitlines()
    assert lines[:2] == ["| field | type | default | range | meaning |", "|---|---|---|---|---|"]
    rows = {line.split(" | ")[0].removeprefix("| `").removesuffix("`"): line for line in lines[2:]}
    assert list(rows) == list(_Made.model_fields)
    assert rows["label"] == "| `label` | string | **required** | ≥ 1 chars, ≤ 200 | A name. |"
    assert rows["ref"] == "| `ref` | id | omitted |  | An id, or nothing. |"
    assert rows["count"] == "| `count` | integer | `20000` | 0–100,000 | How many. |"
    assert rows["share"] == "| `share` | number | omitted | 0–1 | A share \\| a part. |"
    assert rows["offset"] == "| `offset` | number | `-0.5` | -3 to 6 | An offset. |"
    assert rows["window"] == "| `window` | number | `15.0` | > 0, ≤ 1440 | A window, minutes. |"
    assert rows["tiny"] == "| `tiny` | number | `2.5e-12` | 0–1e-06 | Tiny. |"
    assert rows["color"] == "| `color` | `red` \\| `blue` | `blue` |  | A color. |"
    assert rows["mode"] == "| `mode` | `fast` \\| `slow` | **required** |  | A mode. |"
    assert rows["flag"] == "| `flag` | boolean | `true` |  | A flag. |"
    assert rows["tags"] == "| `tags` | list of `red` \\| `blue` | `[]` | ≤ 8 | Tags. |"
    assert rows["rates"] == (
        "| `rates` | map `red` \\| `blue` → number | `{red: 0.5, blue: 2.0}` | values 0–10 | Rates. |"
    )
    assert rows["by_rung"] == "| `by_rung` | map integer → string | `{}` | keys 0–7 | By rung. |"
    assert rows["inner"] == "| `inner` | _Inner | (section defaults) |  | Nested, with defaults. |"
    assert rows["spread"] == "| `spread` | _Bounds | `{low: 2.0}` |  | Nested, given. |"
    assert rows["point"] == "| `point` | [number, number] | omitted | finite | A point. |"
    assert rows["either"] == "| `either` | _Inner \\| _Bounds | omitted |  | One or the other. |"


def test_the_rewrite_replaces_only_what_lies_between_markers(tmp_path):
    guide = tmp_path / "guide.md"
    guide.write_text(
        "# Guide\n\nProse.\n\n<!-- fields: time -->\n| stale |\n<!-- /fields -->\n\nMore prose.\n",
        encoding="utf-8",
    )
    text = guide.read_text(encoding="utf-8")
    assert "time: differs from the schema" in "\n".join(field_docs.check(text))
    new = field_docs.rewrite(text)
    assert new.startswith("# Guide\n\nProse.\n\n<!-- fields: time -->\n| field | type |")
    assert new.endswith("<!-- /fields -->\n\nMore prose.\n")
    assert "| `horizon_hours` | number | **required** | > 0, ≤ 8760 |" in new
    assert field_docs.main(["--doc", str(guide)]) == 1
    assert field_docs.main(["--doc", str(guide), "--write"]) == 1  # tables rewritten, other sections missing
    assert guide.read_text(encoding="utf-8") == new
    with pytest.raises(KeyError, match="no schema section 'nowhere'"):
        field_docs.rewrite("<!-- fields: nowhere -->\n<!-- /fields -->\n")
