"""EscalationModel: the reference engine, a Mesa model with a simpy command-and-control pipeline inside.

One Mesa step is one tick of the scenario (``time.tick_hours``). Inside a step, a simpy
environment runs every event of the tick at its exact time: encounters, classification, operator
reviews, engagements, responses, hotline messages and injects (:mod:`sim.engines.reference.c2`,
:mod:`sim.engines.reference.escalation`). At the end of the tick each actor takes its tick-level deliberate
decision (Mesa ``step`` of the actors, in actor order), orbits are checked for collisions, and the
DataCollector records the state.

Simultaneous events resolve deterministically: simpy orders its heap by (time, priority, event
sequence), processes are started in scenario order, and every random draw is counter-based
(:mod:`sim.engines.reference.draws`), so the same scenario and seed give the same run everywhere.
"""

from __future__ import annotations

import math
import secrets
from collections.abc import Iterable
from pathlib import Path

import mesa
import simpy

from sim.engines.reference.agents import (
    ActorAgent,
    AssetAgent,
    DroneSwarmAgent,
    NavalGroupAgent,
    SpaceAssetAgent,
    autonomy_min,
)
from sim.engines.reference.c2 import CommandPipeline
from sim.engines.reference.counterspace import Counterspace
from sim.engines.reference.draws import Draws
from sim.engines.reference.engagement import Engagements
from sim.engines.reference.escalation import Escalation
from sim.engines.reference.firebreak import Firebreak
from sim.engines.reference.flash import MachineSpeed
from sim.engines.reference.injects import Injects
from sim.engines.reference.logistics import Logistics
from sim.engines.reference.norms import BOUND_CAP, Norms
from sim.engines.reference.orbits import Orbits
from sim.engines.reference.records import (
    Cause,
    DecisionPoint,
    LogEntry,
    PendingResponse,
    PendingWork,
    RungChange,
    Sighting,
)
from sim.engines.reference.warning import WarningChain
from sim.engines.shared.technology import actor_technology
from sim.kernels import technology as tech
from sim.scenario.schema import Autonomy, DroneSwarm, NavalGroup, Scenario, SpaceRole
from sim.vocabulary import N_RUNGS


class EscalationModel(mesa.Model):
    """An AI-enabled military crisis, one replication.

    Args:
        scenario: A validated scenario, a scenario file, or the name of a shipped scenario
            (``"taiwan_strait"``); a name or path keeps ``mesa.batch_run``'s rows short, and the file is read
            once per process (:func:`sim.scenario.library.resolve_scenario`).
        seed: Master seed; with ``run`` it fixes every random draw. ``None`` draws a fresh seed from the
            operating system, as Mesa does for ``rng=None`` (so ``mesa.batch_run(..., iterations=n)`` gives n
            distinct replications); the seed drawn is kept as ``model.seed`` and reported as the model
            reporter ``seed`` (with ``run``), so any row of a batch run can be repeated:
            ``run_one(scenario, row["seed"], row["run"])``.
        run: Replication index.
        overrides: ``PATH=VALUE`` overrides, applied to the scenario (a path or a validated scenario).
        player: Id of an actor whose response decisions wait for a human player, or several ids (one
            per actor the players decide for: the cells of a seminar game; see
            :mod:`sim.engines.reference.wargame`); ``None`` lets the model decide for every actor.
    """

    def __init__(
        self,
        scenario: Scenario | str | Path,
        seed: int | None = None,
        run: int = 0,
        overrides: tuple[str, ...] = (),
        player: str | Iterable[str] | None = None,
    ) -> None:
        spec = _as_scenario(scenario, overrides)
        seed = secrets.randbits(63) if seed is None else int(seed)
        # Mesa's own generator is seeded from (seed, run) but never used: every draw is counter-based.
        super().__init__(rng=[seed, run])
        self.spec = spec
        self.seed = seed
        self.run_index = run
        self.draws = Draws(seed, run)
        self.env = simpy.Environment()
        self.tick_hours = spec.time.tick_hours
        self.horizon_hours = spec.time.horizon_hours
        self.n_ticks = math.ceil(spec.time.horizon_hours / spec.time.tick_hours - 1e-9)
        self.log: list[LogEntry] = []
        self.rung_changes: list[RungChange] = []
        self.pending = PendingWork()
        self.sightings: list[Sighting] = []
        """What each side's sensors saw of the others' assets (read by the players' pictures, never by the model)."""
        self.provocations: list[PendingResponse] = []
        """Every response decision started, in order: the provocation as its actor read it (rung, whom it blamed)."""
        players = (player,) if isinstance(player, str) else tuple(player or ())
        for key in players:
            if key not in spec.actors:
                raise ValueError(f"unknown player actor '{key}'")
        self.players = frozenset(players)
        """Actors whose response decisions wait for human players (empty: the model decides for all)."""
        self.decision_points: dict[int, DecisionPoint] = {}
        self.counts = {
            "engagements_true": 0,
            "engagements_false": 0,
            "hostile_strikes": 0,
            "contacts": 0,
            "debris": 0,
            "collisions": 0,
        }
        self.drawn_in: list[str] = []
        self.first_shot_hours = math.nan
        """When the first shot of the run was fired (an engagement or a strike; NaN before)."""
        self.end_hours = math.nan
        self.end_state = "none"
        self.tracked_objects = {key: zone.tracked_objects for key, zone in spec.zones.items()}
        self.fresh_fragments = {key: 0.0 for key in spec.zones}
        """Fragments made during the run, by zone, decaying (docs/model.md §10)."""
        self.blind_spot = False
        """Whether the frontier teacher's blind spot is exposed now (distilled students misread, §5)."""
        self.moratorium_broken = False
        """Whether a committed actor has breached the ASAT moratorium (no one is bound any more)."""
        self._next_record_id = 0
        self.assets: dict[str, AssetAgent] = {}
        self.norms = Norms(self)
        self._build_actors()
        n = len(self.actors)
        self.posture = [
            [0 if a == b else actor.spec.initial_rung for b in range(n)] for a, actor in enumerate(self.actor_list)
        ]
        self.last_cause: list[list[Cause | None]] = [[None] * n for _ in range(n)]
        self.balance = [
            [tech.capability_balance(a.technology.strength, b.technology.strength) for b in self.actor_list]
            for a in self.actor_list
        ]
        """Capability balance of each actor against each other at crisis start, in [-1, 1] (§13.1)."""
        self._build_assets()
        dyads = {frozenset(pair) for pair in spec.crisis_dyads}
        self.dyads = [[frozenset((a.key, b.key)) in dyads for b in self.actor_list] for a in self.actor_list]
        """Whether each pair is a crisis dyad, whose peace can break into a crisis at the onset hazard (§13.1)."""
        self.homeland = {key: self.actors[z.homeland] for key, z in spec.zones.items() if z.homeland is not None}
        """The actor each homeland zone belongs to (§13.3)."""
        self.crisis_level_history: list[int] = []
        self.first_hours = [0.0 if k <= self.crisis_level else math.nan for k in range(N_RUNGS)]
        self.severity = 0.0
        self.escalation = Escalation(self)
        self.firebreak = Firebreak(self)
        self.flash = MachineSpeed(self)
        self.engagements = Engagements(self)
        self.counterspace = Counterspace(self)
        self.logistics = Logistics(self)
        self.warning = WarningChain(self)
        self.orbits = Orbits(self)
        self.injects = Injects(self)
        self.c2 = CommandPipeline(self)
        self.datacollector = mesa.DataCollector(
            model_reporters={
                "seed": lambda m: m.seed,
                "run": lambda m: m.run_index,
                "hours": lambda m: m.env.now,
                "crisis_level": lambda m: m.crisis_level,
                "engagements_true": lambda m: m.counts["engagements_true"],
                "engagements_false": lambda m: m.counts["engagements_false"],
                "hostile_strikes": lambda m: m.counts["hostile_strikes"],
                "drones_lost": lambda m: m.total_losses("drones"),
                "ships_lost": lambda m: m.total_losses("ships"),
                "satellites_lost": lambda m: m.total_losses("satellites"),
                "debris": lambda m: m.counts["debris"],
            },
            agenttype_reporters={ActorAgent: {"actor": "key", "rung": "rung"}},
        )
        self.c2.start()

    # ------------------------------------------------------------------ construction

    def _build_actors(self) -> None:
        self.actors: dict[str, ActorAgent] = {}
        for index, (key, spec) in enumerate(self.spec.actors.items()):
            self.actors[key] = ActorAgent(self, key, index, spec, actor_technology(self.spec, key))
        self.actor_list = list(self.actors.values())
        for actor in self.actors.values():
            named = set(actor.spec.adversaries)
            named |= {other.key for other in self.actors.values() if actor.key in other.spec.adversaries}
            actor.adversaries = tuple(a for a in self.actors.values() if a.key in named)
        for actor in self.actors.values():
            if self.norms.bound(actor):
                self.norms.decide(actor, log=False)

    def _build_assets(self) -> None:
        offset = len(self.actors)
        for i, (key, spec) in enumerate(self.spec.assets.items()):
            owner = self.actors[spec.owner]
            index = offset + i
            if isinstance(spec, DroneSwarm):
                drones = int(tech.fleet_size(spec.size, owner.technology.fleet_fraction))
                asset = DroneSwarmAgent(self, key, index, spec, owner, spec.zone, drones)
            elif isinstance(spec, NavalGroup):
                asset = NavalGroupAgent(self, key, index, spec, owner, spec.zone)
            else:
                asset = SpaceAssetAgent(self, key, index, spec, owner, spec.zone)
            asset.wanted_autonomy = spec.autonomy or owner.spec.autonomy
            asset.autonomy = self.capped_autonomy(asset, asset.wanted_autonomy)
            asset.d_prime = asset.classifier_d_prime()
            if isinstance(asset, SpaceAssetAgent) and spec.role == SpaceRole.ISR:
                owner.isr_total += 1
            if isinstance(asset, NavalGroupAgent):
                owner.ships_fielded += asset.ships
            self.assets[key] = asset
        self.zone_entity = {key: offset + len(self.assets) + i for i, key in enumerate(self.spec.zones)}
        self.global_entity = offset + len(self.assets) + len(self.spec.zones)

    def capped_autonomy(self, asset: AssetAgent, wanted: Autonomy) -> Autonomy:
        """The autonomy an asset actually runs at: policy caps and a complied-with human-control norm."""
        cap = getattr(self.spec.policy.autonomy_caps, asset.kind)
        norm_cap = BOUND_CAP if self.norms.bound(asset.owner) and asset.owner.complies_with_norm else None
        return autonomy_min(wanted, cap, norm_cap)

    # ------------------------------------------------------------------ state

    @property
    def crisis_level(self) -> int:
        """The crisis level: the highest rung any actor holds."""
        return max(actor.rung for actor in self.actors.values())

    @property
    def now(self) -> float:
        """Simulated time, hours."""
        return self.env.now

    @property
    def kinetic_incidents(self) -> int:
        """Engagements and strikes so far (shots fired, whatever they destroyed)."""
        c = self.counts
        return c["engagements_true"] + c["engagements_false"] + c["hostile_strikes"]

    def crisis_dyad(self, actor: ActorAgent, other: ActorAgent) -> bool:
        """Whether two actors are a crisis dyad (their peace can break into a crisis, §13.1)."""
        return self.dyads[actor.index][other.index]

    def balance_factor(self, actor: ActorAgent, other: ActorAgent) -> float:
        """Window of opportunity: the multiplier of the actor's escalation hazard against ``other`` (§13.1)."""
        return float(tech.balance_factor(self.spec.technology.balance_gain, self.balance[actor.index][other.index]))

    def posture_of(self, actor: ActorAgent, toward: ActorAgent) -> int:
        """An actor's posture (rung) toward another."""
        return self.posture[actor.index][toward.index]

    def total_losses(self, kind: str) -> int:
        """Losses of one kind (drones, ships, satellites) over all actors."""
        return sum(actor.losses[kind] for actor in self.actors.values())

    def new_record_id(self) -> int:
        """A fresh id for pending-work records."""
        self._next_record_id += 1
        return self._next_record_id

    def sight(
        self,
        observer: AssetAgent,
        observed: AssetAgent,
        event: str,
        classified: str | None = None,
        hostile: bool | None = None,
    ) -> None:
        """Keep what ``observer``'s sensors saw of ``observed`` now (see :class:`Sighting`; changes nothing)."""
        strength = getattr(observed, "drones", getattr(observed, "ships", None))
        self.sightings.append(
            Sighting(
                self.env.now, observer.key, observed.key, event, classified, hostile, strength, observed.operational
            )
        )

    def record(self, kind: str, text: str, cause_chain: tuple[int, ...] = ()) -> int:
        """Append a line to the event log and return its id."""
        entry = LogEntry(len(self.log), self.env.now, kind, text, cause_chain)
        self.log.append(entry)
        return entry.id

    # ------------------------------------------------------------------ time

    def step(self) -> None:
        """Advance one tick: events up to the tick's end, then deliberate decisions, collisions, data."""
        end = min(self.steps * self.tick_hours, self.horizon_hours)
        self.env.run(until=end)
        for actor in self.actors.values():
            actor.step()
        self.orbits.tick()
        self.norms.verify()
        self.logistics.replenish()
        self.escalation.crisis_ending()
        self.crisis_level_history.append(self.crisis_level)
        self.datacollector.collect(self)
        if self.steps >= self.n_ticks:
            self.running = False

    def run(self) -> EscalationModel:
        """Run to the horizon and return the model."""
        while self.running:
            self.step()
        return self


def _as_scenario(scenario: Scenario | str | Path, overrides: tuple[str, ...]) -> Scenario:
    from sim.scenario.library import resolve_scenario, scenario_path
    from sim.scenario.loader import load_scenario, load_scenario_data

    if isinstance(scenario, Scenario):
        return load_scenario_data(scenario.model_dump(mode="json"), list(overrides)) if overrides else scenario
    if overrides:  # errors in the file are located in it
        return load_scenario(scenario_path(scenario), list(overrides))
    return resolve_scenario(scenario)
