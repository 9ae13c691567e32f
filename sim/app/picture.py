"""A side's picture of the crisis: what a cell's own sensors, classifiers and leaders hold, never the truth.

A cell (the players in one room, deciding for one or more actors) sees

- **its own forces as they are** (:func:`sim.app.theatre.asset_views` of its actors' assets);
- **everyone else's forces only as its sensors hold them**: an asset of another side appears once one of
  the cell's assets has had a contact with it, engaged it or been attacked by it, with the machine's
  classification at the last contact (possibly wrong) and its strength as last seen (:class:`Track`);
- **the provocations as it read them**: the rung, and whom it blamed (:class:`~sim.engines.Wargame`'s
  ``provocations``);
- the others' postures aimed at it (the model lets a side see a posture aimed at it, not the others'
  postures toward third parties);
- the events it knows of, in plain language, without the truth the log carries (a classification's
  "misidentification: it was not", a false alarm's "(false alarm)", a rung change's root cause, the
  facilitator's notes on an inject).

White sees the truth and every picture; :func:`reveal` sets a picture against the truth. Everything here
reads a live game (no Streamlit, no changes to the model).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from sim.app.theatre import AssetView, asset_views
from sim.vocabulary import RUNG_NAMES, LogEntry, clock

__all__ = [
    "PictureEvent",
    "Revelation",
    "SidePicture",
    "Track",
    "plain_text",
    "posture_history",
    "reveal",
    "side_events",
    "side_picture",
]

PUBLIC_KINDS = frozenset({"crisis_end", "moratorium", "collision"})
"""Events every side knows of (a crisis's end, a moratorium breach, debris catalogued by all)."""
ASSET_KINDS = frozenset({"classification", "intercept", "strike", "engagement", "c2", "player"})
"""Events a side knows of when they name one of its assets."""
ACTOR_KINDS = frozenset(
    {"decision", "decision_point", "response", "false_alarm", "attribution", "hotline", "c2", "norm", "inject"}
)
"""Events a side knows of when one of its actors is named (leaders, warning crews, hotline calls)."""

_ROOT = re.compile(r"\s*\[root: ([a-z_]+)\]")
_TRUTH_NOTES = (
    (re.compile(r" \(misidentification: it was not\)"), ""),
    (re.compile(r" \(false alarm\)"), ""),
    (re.compile(r" — .*$"), ""),  # an inject's or a scenario event's description (the facilitator's note)
)
ROOT_WORDS = {
    "deliberate": "a deliberate act",
    "misidentification": "a misidentification (a machine called a contact hostile that was not)",
    "false_alarm": "an early-warning false alarm (no attack happened)",
    "misattribution": "a misattribution (the attack came from someone else)",
    "entanglement": "entanglement (an attack on a satellite read as strategic)",
    "accident": "an accident (a collision at sea)",
}
"""The truth behind a provocation, in words."""


def plain_text(entry: LogEntry, truth: bool = True) -> str:
    """A log line in plain language: the root cause said in words (truth) or dropped (a side's picture)."""
    text = entry.text
    if truth:
        return _ROOT.sub(lambda m: f" — in truth {ROOT_WORDS.get(m.group(1), m.group(1))}", text)
    text = _ROOT.sub("", text)
    for pattern, repl in _TRUTH_NOTES:
        text = pattern.sub(repl, text)
    return text


# --------------------------------------------------------------------------- tracks


@dataclass(frozen=True)
class Track:
    """An asset of another side as a side's sensors hold it.

    Attributes:
        view: The asset as last seen (zone, strength, whether it could still act), drawn on the side's map.
        first_seen: When the side first saw it, hours.
        last_seen: When it last saw it, hours.
        seen_by: The side's asset that saw it last.
        last_event: ``contact``, ``engaged`` (the side attacked it) or ``attacked`` (it attacked the side).
        call: The machine's classification at the last contact (``identified hostile``, ``hostile``,
            ``not hostile``), or None if it was only seen in combat.
        contacts: Contacts the side has had with it.
        called_hostile: How many of them its machines called hostile.
    """

    view: AssetView
    first_seen: float
    last_seen: float
    seen_by: str
    last_event: str
    call: str | None
    contacts: int
    called_hostile: int

    @property
    def key(self) -> str:
        """The asset's id."""
        return self.view.key

    @property
    def held_hostile(self) -> bool:
        """Whether the side holds it hostile: it attacked, or the last call was hostile."""
        return self.last_event == "attacked" or (self.call is not None and self.call != "not hostile")

    def describe(self) -> str:
        """'last seen day 2 04:00 by USA naval group CSG; classified hostile'."""
        how = {"contact": "contact", "engaged": "engaged by us", "attacked": "it attacked us"}[self.last_event]
        call = f"; classified {self.call}" if self.call else ""
        return f"last seen {clock(self.last_seen)} ({how}){call}"


def _tracks(game: Any, actors: Collection[str], truth: Mapping[str, AssetView]) -> list[Track]:
    by_asset: dict[str, dict[str, Any]] = {}
    for s in game.sightings(actors):
        t = by_asset.setdefault(s.observed, {"first": s.hours, "contacts": 0, "hostile": 0, "call": None})
        t.update(last=s.hours, by=s.observer, event=s.event, strength=s.strength, operational=s.operational)
        if s.event == "contact":
            t["contacts"] += 1
            t["hostile"] += s.classified != "not hostile"
            t["call"] = s.classified
    tracks = []
    for key, t in by_asset.items():
        real = truth[key]
        track = Track(real, t["first"], t["last"], t["by"], t["event"], t["call"], t["contacts"], t["hostile"])
        view = replace(
            real,
            strength=t["strength"],
            operational=t["operational"],
            autonomy="",
            seen=track.describe(),
            held_hostile=track.held_hostile,
        )
        tracks.append(replace(track, view=view))
    order = list(truth)
    return sorted(tracks, key=lambda tr: order.index(tr.key))


# --------------------------------------------------------------------------- events a side knows of


@dataclass(frozen=True)
class PictureEvent:
    """An event as a side knows it: when, what kind, and the words (no record ids, no hidden truth)."""

    hours: float
    kind: str
    text: str
    id: int


def _first_word(text: str) -> str:
    return text.split(" ", 1)[0].rstrip(":'s").removesuffix("'s")


def _names_actor(text: str, actors: Iterable[str]) -> bool:
    return any(re.search(rf"\b{re.escape(a)}\b", text) for a in actors)


def side_events(game: Any, actors: Collection[str], views: Sequence[AssetView] | None = None) -> list[PictureEvent]:
    """The events of the game that the side playing ``actors`` knows of, in its words."""
    model = game.model
    views = asset_views(model) if views is None else views
    own_names = [v.description for v in views if v.owner in actors]
    changes = {c.log_id: c for c in model.rung_changes}
    out = []
    for entry in game.timeline():
        if not _visible(entry, actors, own_names, changes):
            continue
        out.append(PictureEvent(entry.hours, entry.kind, _side_words(entry, changes, actors), entry.id))
    return out


def _visible(entry: LogEntry, actors: Collection[str], own_names: Sequence[str], changes: Mapping) -> bool:
    kind, text = entry.kind, entry.text
    if kind in PUBLIC_KINDS:
        return True
    if kind == "rung_change":
        change = changes.get(entry.id)
        return change is not None and (change.actor in actors or change.toward in actors)
    if kind == "norm":
        return "is detected" in text or _first_word(text) in actors
    if kind == "inject" and " conducts a destructive ASAT test" in text:
        return True
    if kind in ASSET_KINDS and any(name in text for name in own_names):
        return True
    if kind in ACTOR_KINDS:
        return _first_word(text) in actors or (kind in ("hotline", "inject") and _names_actor(text, actors))
    return False


def _side_words(entry: LogEntry, changes: Mapping, actors: Collection[str]) -> str:
    change = changes.get(entry.id) if entry.kind == "rung_change" else None
    if change is not None and change.actor not in actors:
        # a posture aimed at the side: it sees the step, not the reasons behind it
        verb = "raises" if change.new_posture > change.old_posture else "lowers"
        return (
            f"{change.actor} {verb} its posture toward {change.toward} to rung {change.new_posture} "
            f"({RUNG_NAMES[change.new_posture]})"
        )
    return plain_text(entry, truth=False)


# --------------------------------------------------------------------------- postures over time


def posture_history(game: Any, actors: Collection[str]) -> list[tuple[float, dict[str, int]]]:
    """The side's rungs over time: its own actors' rungs, and each other actor's highest posture aimed at it.

    Sampled at the start and at every rung change (the chart draws them as steps).
    """
    model = game.model
    keys = list(model.actors)
    initial = {a: model.actors[a].spec.initial_rung for a in keys}
    posture = {(a, b): (0 if a == b else initial[a]) for a in keys for b in keys}

    def sample() -> dict[str, int]:
        row = {}
        for a in keys:
            targets = [b for b in keys if b != a] if a in actors else [b for b in actors if b != a]
            row[a] = max((posture[(a, b)] for b in targets), default=0)
        return row

    history = [(0.0, sample())]
    for change in model.rung_changes:
        posture[(change.actor, change.toward)] = change.new_posture
        history.append((float(change.hours), sample()))
    history.append((float(game.hours), sample()))
    return history


# --------------------------------------------------------------------------- the picture


@dataclass(frozen=True)
class SidePicture:
    """What one side knows now (see the module docstring).

    Attributes:
        actors: The actors of the side.
        hours: Game time.
        own: Its own assets, as they are.
        tracks: Other sides' assets as its sensors hold them.
        rungs: Its own actors' rungs, and every other actor's highest posture aimed at it.
        provocations: The provocations its actors read (rung, whom they blamed), oldest first.
        events: The events it knows of, oldest first.
    """

    actors: tuple[str, ...]
    hours: float
    own: tuple[AssetView, ...]
    tracks: tuple[Track, ...]
    rungs: dict[str, int]
    provocations: tuple[Any, ...]
    events: tuple[PictureEvent, ...]

    def views(self) -> list[AssetView]:
        """Everything the side's map shows: its own assets, then its tracks (as last seen)."""
        return [*self.own, *(t.view for t in self.tracks)]

    def track(self, key: str) -> Track | None:
        """The side's track of asset ``key`` (None: never seen)."""
        return next((t for t in self.tracks if t.key == key), None)


def side_picture(game: Any, actors: Collection[str]) -> SidePicture:
    """The picture of the side that plays ``actors`` in a live :class:`~sim.engines.Wargame`."""
    actors = tuple(actors)
    views = asset_views(game.model)
    truth = {v.key: v for v in views}
    own = tuple(v for v in views if v.owner in actors)
    history = posture_history(game, actors)
    return SidePicture(
        actors=actors,
        hours=float(game.hours),
        own=own,
        tracks=tuple(_tracks(game, actors, truth)),
        rungs=history[-1][1],
        provocations=tuple(game.provocations(actors)),
        events=tuple(side_events(game, actors, views)),
    )


# --------------------------------------------------------------------------- the reveal


@dataclass(frozen=True)
class Revelation:
    """One difference between what a side believed and what was true.

    Attributes:
        topic: ``forces`` (a force unseen, misread or wrongly counted), ``provocation`` (what lay behind a
            provocation), or ``postures`` (postures the side could not see).
        believed: What the side believed.
        truth: What was true.
        hours: When (the last sighting, the provocation), if it has a time.
    """

    topic: str
    believed: str
    truth: str
    hours: float | None = None


def reveal(game: Any, picture: SidePicture) -> list[Revelation]:
    """What really happened against what the side believed: the miscalculation made visible."""
    truth = {v.key: v for v in asset_views(game.model)}
    out: list[Revelation] = []
    for key, real in truth.items():
        if real.owner in picture.actors:
            continue
        track = picture.track(key)
        if track is None:
            out.append(Revelation("forces", "not seen", f"{real.description} in {real.zone}: {real.state_text()}"))
            continue
        out += _track_differences(track, real)
    out += _misread_contacts(game, picture, truth)
    log = game.timeline()
    for p in picture.provocations:
        if p.obligation is not None:
            continue
        out.append(_provocation_truth(p, log, truth))
    out += _hidden_postures(game, picture)
    return out


def _misread_contacts(game: Any, picture: SidePicture, truth: Mapping[str, AssetView]) -> list[Revelation]:
    """Contacts the side's machines called wrongly, per asset seen (the truth of each contact is the model's)."""
    wrong: dict[tuple[str, bool], list[float]] = {}
    for s in game.sightings(picture.actors):
        if s.event == "contact" and s.hostile is not None and (s.classified != "not hostile") != s.hostile:
            wrong.setdefault((s.observed, s.hostile), []).append(s.hours)
    out = []
    for (key, hostile), times in wrong.items():
        n = len(times)
        said = "not hostile" if hostile else "hostile"
        fact = "it was hostile" if hostile else "it was not hostile"
        times_text = f" ({n} contacts)" if n > 1 else ""
        out.append(Revelation("forces", f"{truth[key].description}: classified {said}{times_text}", fact, times[-1]))
    return out


def _track_differences(track: Track, real: AssetView) -> list[Revelation]:
    seen = track.view
    if seen.operational and not real.operational:
        return [Revelation("forces", f"{seen.description}: ready", "out of action", track.last_seen)]
    if seen.strength is not None and real.strength is not None and seen.strength != real.strength:
        return [
            Revelation(
                "forces",
                f"{seen.description}: {seen.strength} {seen.unit}",
                f"{real.strength} {real.unit} now",
                track.last_seen,
            )
        ]
    return []


def _provocation_truth(p: Any, log: Sequence[LogEntry], truth: Mapping[str, AssetView]) -> Revelation:
    believed = f"{p.actor} read a provocation by {p.blamed} at rung {p.rung} ({RUNG_NAMES[p.rung]})"
    fact = ROOT_WORDS.get(p.root, p.root)
    if p.root == "misattribution":
        attacker = _attacker(p, log, truth)
        if attacker:
            fact = f"a misattribution: the attack came from {attacker}, not {p.blamed}"
    if p.stood_down:
        fact += "; a hotline call stood the response down"
    return Revelation("provocation", believed, fact[0].upper() + fact[1:], p.hours)


def _attacker(p: Any, log: Sequence[LogEntry], truth: Mapping[str, AssetView]) -> str | None:
    for event_id in p.chain:
        entry = log[event_id] if event_id < len(log) else None
        if entry is not None and entry.kind == "engagement":
            found = [(entry.text.find(v.description), v.owner) for v in truth.values() if v.description in entry.text]
            if found:
                return min(found)[1]
    return None


def _hidden_postures(game: Any, picture: SidePicture) -> list[Revelation]:
    model = game.model
    out = []
    for key, actor in model.actors.items():
        if key in picture.actors:
            continue
        seen = picture.rungs.get(key, 0)
        if actor.rung > seen:
            toward = [b for b in model.actors if b != key and model.posture_of(actor, model.actors[b]) == actor.rung]
            out.append(
                Revelation(
                    "postures",
                    f"{key} at rung {seen} toward you",
                    f"{key} at rung {actor.rung} ({RUNG_NAMES[actor.rung]}) toward {', '.join(toward)}",
                )
            )
    return out
