"""Field tables of docs/scenarios.md, generated from the scenario schema so that they cannot drift.

Each table of the guide sits between two marker comments naming a schema section by its path in a
scenario file::

    <!-- fields: actors.*.ai -->
    | field | type | default | range | meaning |
    |---|---|---|---|---|
    | `source` | `frontier` \\| `distilled` \\| `domestic` | **required** |  | Where the actor's ... |
    <!-- /fields -->

and :func:`rewrite` regenerates what lies between the markers. A path is the dotted YAML path with
``*`` for the entries of a map and ``[]`` for the items of a list (``zones.*``, ``actors.*.ai``,
``actors.*.obligations[]``, ``parameters.command.review_minutes``); ``scenario`` is the top level. A
map or list of a discriminated union (assets, injects) has one section for the fields every member
shares (``assets.*``, ``injects[]``) and one for the fields of each member, named by its
discriminator (``assets.*[kind=drone_swarm]``, ``injects[kind=false_alarm]``).

Regenerate the guide after a schema change, or list the sections that drifted::

    python -m sim.scenario.field_docs --write
    python -m sim.scenario.field_docs            # exits 1 and names the sections that differ
"""

from __future__ import annotations

import argparse
import re
import sys
import types
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

__all__ = [
    "ROOT_SECTION",
    "Section",
    "check",
    "default_doc_path",
    "default_text",
    "main",
    "range_text",
    "render_section",
    "render_table",
    "rewrite",
    "schema_sections",
    "table_sections",
    "type_text",
]

ROOT_SECTION = "scenario"
"""Section path of the top level of a scenario file."""

HEADER = "| field | type | default | range | meaning |\n|---|---|---|---|---|"
"""The first two lines of every field table."""

MARKERS = re.compile(r"<!-- fields: (?P<path>\S+) -->\n(?P<body>.*?)<!-- /fields -->", re.DOTALL)
"""A generated table: the opening marker, the table, the closing marker."""

_ID_PATTERN = r"^[A-Za-z][A-Za-z0-9_\-]*$"
"""The pattern of :data:`sim.scenario.schema.Identifier`: a string with it is shown as type ``id``."""


@dataclass(frozen=True)
class Section:
    """One table of the guide: the fields of a schema model found at one path of a scenario.

    Attributes:
        path: The section's path (see the module docstring).
        models: The model the path holds, or every member of a discriminated union for the shared section.
        fields: Names of the fields the table lists, in schema order.
    """

    path: str
    models: tuple[type[BaseModel], ...]
    fields: tuple[str, ...]


@dataclass(frozen=True)
class _Nested:
    """Models reached through one field: the path suffix that leads to them, and the union's discriminator."""

    suffix: str
    models: tuple[type[BaseModel], ...]
    discriminator: str | None


# --------------------------------------------------------------------------- types


def _split(annotation: Any) -> tuple[Any, list[Any]]:
    """Strips ``Annotated`` layers off ``annotation``; returns the bare type and the constraint metadata."""
    metadata: list[Any] = []
    while get_origin(annotation) is Annotated:
        annotation, *extras = get_args(annotation)
        for extra in extras:
            if isinstance(extra, FieldInfo):
                metadata.extend(extra.metadata)
                if extra.discriminator is not None:
                    metadata.append(types.SimpleNamespace(discriminator=extra.discriminator))
            else:
                metadata.append(extra)
    return annotation, metadata


def _union_members(annotation: Any) -> tuple[Any, ...] | None:
    if get_origin(annotation) in (Union, types.UnionType):
        return get_args(annotation)
    return None


def _without_none(annotation: Any) -> tuple[Any, list[Any]]:
    """The bare type of an optional field (``X | None`` gives X) and its constraint metadata."""
    annotation, metadata = _split(annotation)
    members = _union_members(annotation)
    if members is not None:
        kept = [member for member in members if member is not type(None)]
        if len(kept) == 1:
            inner, inner_metadata = _split(kept[0])
            return inner, metadata + inner_metadata
    return annotation, metadata


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def _constraint(metadata: Iterable[Any], name: str) -> Any:
    """The last value of one constraint (``ge``, ``max_length``, ``pattern``...) in ``metadata``, or None."""
    found = None
    for item in metadata:
        value = getattr(item, name, None)
        if value is not None:
            found = value
    return found


def _is_id(annotation: Any, metadata: list[Any]) -> bool:
    return annotation is str and _constraint(metadata, "pattern") == _ID_PATTERN


def _choices(values: Iterable[Any]) -> str:
    return " \\| ".join(f"`{_plain(value)}`" for value in values)


def type_text(annotation: Any, metadata: Sequence[Any] = ()) -> str:
    """How the guide names a field's type.

    Args:
        annotation: The field's annotation (``FieldInfo.annotation``, or a type inside it).
        metadata: Constraints that pydantic moved off the annotation (``FieldInfo.metadata``).

    Returns:
        ``number``, ``integer``, ``boolean``, ``string`` or ``id``; enum and literal values as
        `` `a` \\| `b` ``; ``list of X``, ``map K → V``, ``[X, Y]``; a nested model by its class name.
    """
    annotation, inner = _without_none(annotation)
    metadata = [*metadata, *inner]
    members = _union_members(annotation)
    if members is not None:
        return " \\| ".join(type_text(member) for member in members if member is not type(None))
    origin, args = get_origin(annotation), get_args(annotation)
    if origin is Literal:
        return _choices(args)
    if origin is list:
        return f"list of {type_text(args[0])}"
    if origin is dict:
        return f"map {type_text(args[0])} → {type_text(args[1])}"
    if origin is tuple:
        return "[" + ", ".join(type_text(arg) for arg in args) + "]"
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return _choices(member.value for member in annotation)
    if _is_model(annotation):
        return annotation.__name__
    names = {bool: "boolean", int: "integer", float: "number", str: "string"}
    if annotation in names:
        return "id" if _is_id(annotation, metadata) else names[annotation]
    return getattr(annotation, "__name__", str(annotation))


# --------------------------------------------------------------------------- values and ranges


def _number(value: float) -> str:
    """A bound as the guide writes it: ``0.5``, ``720``, ``100,000``, ``1e-06``."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        value = int(value)
    if isinstance(value, int):
        return f"{value:,}" if abs(value) >= 10_000 else str(value)
    return repr(value)


def _plain(value: Any) -> str:
    """A value in YAML flow style, as a scenario would write it."""
    if isinstance(value, Enum):
        value = value.value
    if isinstance(value, BaseModel):
        value = value.model_dump(mode="json")
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, str):
        return value if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_ .\-]*", value) else '"' + value.replace('"', '\\"') + '"'
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_plain(key)}: {_plain(item)}" for key, item in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_plain(item) for item in value) + "]"
    return repr(value) if isinstance(value, float) else str(value)


def default_text(field: FieldInfo) -> str:
    """A field's default as the guide shows it.

    Args:
        field: The pydantic field.

    Returns:
        ``**required**``; ``omitted`` for a None default; ``(section defaults)`` for a nested model built
        from its own defaults; ``(computed)`` for a default computed from the other fields; otherwise the
        value in YAML flow style, in backticks.
    """
    if field.is_required():
        return "**required**"
    if field.default_factory is not None:
        if field.default_factory_takes_validated_data:
            return "(computed)"
        value = field.default_factory()
    elif field.default is PydanticUndefined:
        return "**required**"
    else:
        value = field.default
    if value is None:
        return "omitted"
    if isinstance(value, BaseModel):
        try:
            own_defaults = type(value)()
        except ValidationError:
            own_defaults = None
        if value == own_defaults:
            return "(section defaults)"
    text = _plain(value)
    return f"`{text}`" if text else '`""`'


def _bounds(metadata: Sequence[Any]) -> str:
    """``0–1``, ``-3 to 6``, ``> 0, ≤ 720``, ``≥ 0``: the numeric bounds in ``metadata``, or ``""``."""
    ge, gt = _constraint(metadata, "ge"), _constraint(metadata, "gt")
    le, lt = _constraint(metadata, "le"), _constraint(metadata, "lt")
    if ge is not None and le is not None:
        return f"{_number(ge)} to {_number(le)}" if ge < 0 else f"{_number(ge)}–{_number(le)}"
    lower = f"≥ {_number(ge)}" if ge is not None else f"> {_number(gt)}" if gt is not None else ""
    upper = f"≤ {_number(le)}" if le is not None else f"< {_number(lt)}" if lt is not None else ""
    return ", ".join(part for part in (lower, upper) if part)


def _lengths(metadata: Sequence[Any], unit: str) -> str:
    """``≥ 1 chars, ≤ 200``: the length bounds in ``metadata``, or ``""``."""
    low, high = _constraint(metadata, "min_length"), _constraint(metadata, "max_length")
    lower = f"≥ {_number(low)} {unit}" if low else ""
    upper = f"≤ {_number(high)}" if high is not None else ""
    return ", ".join(part for part in (lower, upper) if part)


def range_text(annotation: Any, metadata: Sequence[Any] = ()) -> str:
    """The *range* cell of a field: bounds, lengths, the bounds of a map's keys and values, or ``finite``.

    Args:
        annotation: The field's annotation.
        metadata: Constraints that pydantic moved off the annotation (``FieldInfo.metadata``).

    Returns:
        The cell's text; empty when the field has no constraint worth showing (ids, enums, booleans).
    """
    annotation, inner = _without_none(annotation)
    metadata = [*metadata, *inner]
    origin, args = get_origin(annotation), get_args(annotation)
    if origin is list:
        return _lengths(metadata, "items")
    if origin is dict:
        parts = [_lengths(metadata, "items")]
        for label, arg in (("keys", args[0]), ("values", args[1])):
            bounds = _bounds(_split(arg)[1])
            parts.append(f"{label} {bounds}" if bounds else "")
        return ", ".join(part for part in parts if part)
    if origin is tuple:
        items = [_split(arg)[1] for arg in args]
        return "finite" if items and all(_constraint(item, "allow_inf_nan") is False for item in items) else ""
    if annotation is str:
        return "" if _is_id(annotation, metadata) else _lengths(metadata, "chars")
    if annotation in (int, float):
        bounds = _bounds(metadata)
        if not bounds and _constraint(metadata, "allow_inf_nan") is False:
            return "finite"
        return bounds
    return ""


def _meaning(field: FieldInfo) -> str:
    return " ".join((field.description or "").split()).replace("|", "\\|")


def render_table(model: type[BaseModel], fields: Iterable[str] | None = None) -> str:
    """The field table of one schema section.

    Args:
        model: The pydantic model of the section.
        fields: The fields to list, in this order; all of the model's fields when None.

    Returns:
        The Markdown table (header and one row per field), without a final newline.
    """
    names = list(model.model_fields) if fields is None else list(fields)
    rows = [HEADER]
    for name in names:
        field = model.model_fields[name]
        cells = (
            f"`{name}`",
            type_text(field.annotation, field.metadata),
            default_text(field),
            range_text(field.annotation, field.metadata),
            _meaning(field),
        )
        rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(rows)


# --------------------------------------------------------------------------- the sections of the schema


def _nested(annotation: Any) -> _Nested | None:
    """The models a field leads to (through maps, lists and optionals), or None if it holds none."""
    annotation, metadata = _without_none(annotation)
    origin, args = get_origin(annotation), get_args(annotation)
    if _is_model(annotation):
        return _Nested("", (annotation,), None)
    members = _union_members(annotation)
    if members is not None and members and all(_is_model(member) for member in members):
        return _Nested("", tuple(members), _constraint(metadata, "discriminator"))
    if origin in (dict, list):
        inner = _nested(args[-1])
        if inner is not None:
            step = ".*" if origin is dict else "[]"
            return _Nested(step + inner.suffix, inner.models, inner.discriminator)
    return None


def _member_path(path: str, model: type[BaseModel], discriminator: str) -> str:
    (value,) = get_args(model.model_fields[discriminator].annotation)
    base = path.removesuffix("[]")
    return f"{base}[{discriminator}={_plain(value)}]"


def _same_field(models: Sequence[type[BaseModel]], name: str) -> bool:
    fields = [model.model_fields[name] for model in models]
    return all(repr(field) == repr(fields[0]) for field in fields)


def _walk(path: str, models: tuple[type[BaseModel], ...], discriminator: str | None, out: dict[str, Section]):
    """Adds the section at ``path`` (and, for a union, one per member) and the sections below it to ``out``."""
    if path in out:
        return
    if len(models) == 1:
        out.setdefault(path, Section(path, models, tuple(models[0].model_fields)))
    else:
        first = models[0]
        shared = tuple(
            name
            for name in first.model_fields
            if name != discriminator
            and all(name in model.model_fields for model in models)
            and _same_field(models, name)
        )
        out.setdefault(path, Section(path, models, shared))
        for model in models:
            own = tuple(name for name in model.model_fields if name not in shared)
            member = _member_path(path, model, discriminator or "kind")
            out.setdefault(member, Section(member, (model,), own))
    # A nested model reached the same way from every member of a union is one section under the union.
    prefix = "" if path == ROOT_SECTION else path + "."
    names = list(dict.fromkeys(name for model in models for name in model.model_fields))
    for name in names:
        owners = [model for model in models if name in model.model_fields]
        reached = [_nested(model.model_fields[name].annotation) for model in owners]
        if all(item is None for item in reached):
            continue
        if all(item == reached[0] for item in reached):
            _walk(prefix + name + reached[0].suffix, reached[0].models, reached[0].discriminator, out)
            continue
        for model, item in zip(owners, reached, strict=True):
            if item is not None:
                member = _member_path(path, model, discriminator or "kind") + "." + name + item.suffix
                _walk(member, item.models, item.discriminator, out)


def schema_sections(root: type[BaseModel] | None = None) -> dict[str, Section]:
    """Every section of the schema, by path, walking the scenario model recursively.

    Args:
        root: The top-level model; :class:`sim.scenario.schema.Scenario` when None.

    Returns:
        The sections in the order of a depth-first walk, the top level first.
    """
    if root is None:
        from sim.scenario.schema import Scenario

        root = Scenario
    out: dict[str, Section] = {}
    _walk(ROOT_SECTION, (root,), None, out)
    return out


def render_section(path: str, sections: dict[str, Section] | None = None) -> str:
    """The table of one section of the schema.

    Args:
        path: The section's path, e.g. ``actors.*.ai``.
        sections: The sections to look the path up in; :func:`schema_sections` when None.

    Returns:
        The Markdown table, without a final newline.

    Raises:
        KeyError: If the schema has no section with that path.
    """
    sections = schema_sections() if sections is None else sections
    if path not in sections:
        raise KeyError(f"no schema section {path!r}; sections: {', '.join(sections)}")
    section = sections[path]
    model = section.models[0]
    return render_table(model, section.fields)


# --------------------------------------------------------------------------- the guide


def default_doc_path() -> Path:
    """docs/scenarios.md of this repository."""
    return Path(__file__).resolve().parents[2] / "docs" / "scenarios.md"


def table_sections(text: str) -> dict[str, str]:
    """The generated tables of a guide, by section path: what lies between each pair of markers.

    Raises:
        ValueError: If a section has two tables.
    """
    found: dict[str, str] = {}
    for match in MARKERS.finditer(text):
        path = match["path"]
        if path in found:
            raise ValueError(f"section {path!r} has two tables")
        found[path] = match["body"]
    return found


def rewrite(text: str, sections: dict[str, Section] | None = None) -> str:
    """``text`` with every table between markers regenerated from the schema.

    Args:
        text: A guide with ``<!-- fields: PATH -->`` ... ``<!-- /fields -->`` markers.
        sections: The schema's sections; :func:`schema_sections` when None.

    Returns:
        The new text; everything outside the markers is kept as it is.

    Raises:
        KeyError: If a marker names a path that is not a section of the schema.
    """
    sections = schema_sections() if sections is None else sections

    def table(match: re.Match[str]) -> str:
        path = match["path"]
        return f"<!-- fields: {path} -->\n{render_section(path, sections)}\n<!-- /fields -->"

    return MARKERS.sub(table, text)


def check(text: str, sections: dict[str, Section] | None = None) -> list[str]:
    """What is wrong with the tables of a guide, one line each; empty when it is up to date.

    Args:
        text: The guide.
        sections: The schema's sections; :func:`schema_sections` when None.

    Returns:
        A line per table that differs from the schema, per marker naming no section, and per schema
        section with fields but no table.
    """
    sections = schema_sections() if sections is None else sections
    tables = table_sections(text)
    problems = []
    for path, body in tables.items():
        if path not in sections:
            problems.append(f"{path}: not a section of the schema")
        elif body != render_section(path, sections) + "\n":
            problems.append(f"{path}: differs from the schema")
    problems += [
        f"{path}: no table (add <!-- fields: {path} --> and <!-- /fields --> markers)"
        for path, section in sections.items()
        if section.fields and path not in tables
    ]
    return problems


def main(argv: Sequence[str] | None = None) -> int:
    """Checks or regenerates the field tables of docs/scenarios.md.

    Args:
        argv: Command-line arguments (``--write``, ``--doc PATH``); ``sys.argv[1:]`` when None.

    Returns:
        0 if the guide is (now) up to date, 1 if it differs from the schema (without ``--write``) or if a
        schema section has no table.
    """
    parser = argparse.ArgumentParser(
        prog="python -m sim.scenario.field_docs",
        description="Check the field tables of docs/scenarios.md against the scenario schema, or rewrite them.",
    )
    parser.add_argument("--write", action="store_true", help="regenerate the tables between the markers")
    parser.add_argument("--doc", type=Path, default=None, help="the guide (default: docs/scenarios.md)")
    options = parser.parse_args(argv)
    path = options.doc or default_doc_path()
    text = path.read_text(encoding="utf-8")
    sections = schema_sections()
    if options.write:
        new = rewrite(text, sections)
        if new != text:
            path.write_text(new, encoding="utf-8")
            print(f"rewrote {path}")
        text = new
    problems = check(text, sections)
    for problem in problems:
        print(f"{path}: {problem}")
    if problems and not options.write:
        print("run: python -m sim.scenario.field_docs --write")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
