""" "Odds from here": fork the live game's exact current state into many futures, one set per option.

How a future is made (reference engine). A wargame is fully determined by scenario, seed, run and
the record of actions taken (:class:`~sim.app.session.GameRecord`), and every random draw is a
hash of (seed, run, entity, purpose, counter). So each future

1. replays the record into a fresh model — the exact current state, bit for bit;
2. re-keys the model's draws: from now on they hash a *fork key* (a run index reserved for future
   ``i``) instead of the game's run, with every counter kept, so the past is untouched and the future
   is a fresh, independent draw of everything still to happen;
3. applies the option under consideration to the open decision (hold, respond at a rung, or let
   the model's doctrine decide), and from then on the model decides for every actor, the player's
   included (other open decisions are decided by doctrine too);
4. runs to the horizon and records the highest crisis level reached between now and then.

Future ``i`` uses the same fork key under every option, so options are compared on common random
numbers (paired differences). The cost of a future is that of a reference-engine replay from the
start plus the rest of the run; futures are spread over worker processes.
"""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass

import numpy as np

from sim.app.session import GameRecord
from sim.engines import Wargame, continue_from, snapshot
from sim.experiments.paired_proportions import paired_proportion_difference
from sim.experiments.stats import PairedDifference
from sim.experiments.summary import Proportion
from sim.vocabulary import N_RUNGS, OF_FIRST_HOURS, OI_INADVERTENT

__all__ = [
    "COMPILED_NOTE",
    "ENGINE_NOTE",
    "OddsResult",
    "Option",
    "compiled_odds",
    "fork_key",
    "future_outcome",
    "odds_from_here",
    "options_for",
]

ENGINE_NOTE = (
    "Reference engine, forked from the exact current state: each future replays the game's recorded "
    "actions (same scenario, seed and run) to now, then re-keys the random draws for that future; after "
    "the fork the model decides for every actor, the player's included."
)

FORK_BASE = 1 << 48
"""Fork keys live far above any Monte Carlo run index."""

MAX_FUTURES = 1 << 20
"""Most futures per option (fork keys ``FORK_BASE + (run << 20) + i``)."""


@dataclass(frozen=True)
class Option:
    """One option the player is considering.

    Attributes:
        name: Label in tables.
        decision_id: The open decision it answers (None: no decision, things go on as they stand).
        rung: Respond at this rung (None with ``doctrine`` False: hold).
        doctrine: Let the model's doctrine decide instead of the player.
    """

    name: str
    decision_id: int | None = None
    rung: int | None = None
    doctrine: bool = False


def options_for(game: Wargame, decision_id: int | None = None, rungs: Sequence[int] = ()) -> list[Option]:
    """Options at an open decision: hold, respond at each of ``rungs``, and the model's doctrine.

    Without an open decision (``decision_id`` None) there is one option, "as things stand".
    """
    if decision_id is None:
        return [Option("as things stand")]
    current = game.model.actors[game.model.decision_points[decision_id].pending.actor].rung
    options = [Option(f"hold at rung {current}", decision_id, None)]
    options += [Option(f"respond at rung {k}", decision_id, int(k)) for k in rungs if int(k) != current]
    options.append(Option("let doctrine decide", decision_id, None, doctrine=True))
    return options


def fork_key(run: int, future: int) -> int:
    """The run index hashed by future ``future`` of a game played with run ``run``."""
    if not 0 <= future < MAX_FUTURES:
        raise ValueError(f"future index must be in [0, {MAX_FUTURES})")
    return FORK_BASE + (run << 20) + future


def _inadvertent(changes) -> bool:
    """Whether a step with an inadvertent root raised the crisis level to rung 3 or more (``RunOutcome``'s rule)."""
    return any(c.cause.inadvertent and c.crisis_after >= 3 and c.crisis_after > c.crisis_before for c in changes)


def _model_decides(game: Wargame, decision_id: int) -> None:
    """Resolve an open decision point by the actor's doctrine (as if no player controlled it)."""
    model = game.model
    point = model.decision_points.pop(decision_id)
    model.pending.responses.pop(decision_id, None)
    model.escalation.decide_response(point.pending)
    point.event.succeed(None)
    game._settle()


def future_outcome(record: GameRecord, option: Option, future: int, horizon_hours: float) -> tuple[int, bool]:
    """Play one future of one option.

    Returns:
        (highest crisis level from now to the horizon, whether an inadvertent step reached rung >= 3 in the
        crisis up to the horizon, the steps before the fork included).
    """
    game = record.replay()
    model = game.model
    start_level, start_changes = model.crisis_level, len(model.rung_changes)
    end = min(model.now + horizon_hours, model.horizon_hours)
    model.draws.run = fork_key(record.run, future)
    model.player = None
    if option.decision_id is not None:
        if option.doctrine:
            _model_decides(game, option.decision_id)
        else:
            game.decide(option.decision_id, option.rung)
    for other in list(model.decision_points):
        _model_decides(game, other)
    while model.running and model.now < end - 1e-9:
        model.step()
    changes = [c for c in model.rung_changes if c.hours <= end + 1e-9]
    level = max([start_level, *(c.crisis_after for c in changes[start_changes:])])
    # counted over the crisis so far and the window, as the compiled futures' outcome records do
    inadvertent = _inadvertent(changes)
    return level, inadvertent


COMPILED_NOTE = (
    "Compiled engine, forked from the exact current state: the game is replayed to now, the option is "
    "applied, the state is handed to the numba engine, and future i draws its random numbers from its own "
    "run index (the same under every option, so options are paired); after the fork the model decides for "
    "every actor, the player's included. Levels are read at the end of each tick and at the first time a "
    "level is reached; once the crisis has had an inadvertent step to rung >= 3, every future counts it."
)


def compiled_odds(
    record: GameRecord,
    options: Sequence[Option],
    futures: int,
    horizon_hours: float | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> OddsResult:
    """Odds from here with the compiled engine: one snapshot per option, ``futures`` numba futures each.

    Raises:
        NotImplementedError: If the compiled engine cannot fork this state (the caller falls back).
    """
    t0 = time.perf_counter()
    levels = np.zeros((len(options), futures), dtype=np.int8)
    inadvertent = np.zeros((len(options), futures), dtype=bool)
    now = horizon = 0.0
    for j, option in enumerate(options):
        game = record.replay()
        model = game.model
        now, tick = model.now, model.tick_hours
        remaining = model.horizon_hours - now
        horizon = remaining if horizon_hours is None else min(float(horizon_hours), remaining)
        start_level = model.crisis_level
        past_inadvertent = _inadvertent(model.rung_changes)
        model.player = None
        if option.decision_id is not None and not option.doctrine:
            game.decide(option.decision_id, option.rung)
        batch = continue_from(snapshot(model), futures, seed=record.seed, first_run=fork_key(record.run, 0))
        first_tick, end_tick = model.steps, min(model.n_ticks, model.steps + round(horizon / tick))
        window = batch.trajectories[:, first_tick:end_tick]
        in_window_max = window.max(axis=1) if window.shape[1] else np.zeros(futures, dtype=np.int8)
        first = batch.floats[:, OF_FIRST_HOURS : OF_FIRST_HOURS + N_RUNGS]
        reached = (first >= now) & (first <= now + horizon + 1e-9)
        firsts = np.where(reached, np.arange(N_RUNGS), 0).max(axis=1)
        levels[j] = np.maximum(np.maximum(in_window_max, firsts), start_level)
        inadvertent[j] = past_inadvertent | (batch.ints[:, OI_INADVERTENT] != 0)
        if progress:
            progress((j + 1) * futures, len(options) * futures)
    return OddsResult(tuple(options), levels, inadvertent, now, horizon, time.perf_counter() - t0, COMPILED_NOTE)


def _chunk(record: GameRecord, option: Option, futures: range, horizon_hours: float) -> tuple[int, list]:
    return futures.start, [future_outcome(record, option, i, horizon_hours) for i in futures]


@dataclass(frozen=True)
class OddsResult:
    """Futures per option.

    Attributes:
        options: The options, in order (the first is the reference for differences).
        levels: int8 array (options, futures): highest crisis level from now to the horizon.
        inadvertent: bool array (options, futures): an inadvertent step to rung >= 3 in that window.
        start_hours: Fork time, hours.
        horizon_hours: Window length, hours (cut at the scenario's end).
        seconds: Wall time.
        engine: How the futures were made.
    """

    options: tuple[Option, ...]
    levels: np.ndarray
    inadvertent: np.ndarray
    start_hours: float
    horizon_hours: float
    seconds: float
    engine: str = ENGINE_NOTE

    @property
    def futures(self) -> int:
        """Futures per option."""
        return int(self.levels.shape[1])

    def p_at_least(self, option: int, k: int) -> Proportion:
        """P(crisis level >= k by the horizon) under an option, with its Wilson interval."""
        return Proportion.of(int((self.levels[option] >= k).sum()), self.futures)

    def p_inadvertent(self, option: int) -> Proportion:
        """P(an inadvertent step to rung >= 3 by the horizon) under an option."""
        return Proportion.of(int(self.inadvertent[option].sum()), self.futures)

    def difference(self, option: int, k: int) -> PairedDifference:
        """P(level >= k) under ``option`` minus under the first option, paired on the fork keys.

        The interval is Tango's paired score interval: futures forked from the same key rarely differ,
        and a t interval on so few differing pairs would be too narrow (or zero-width).
        """
        return paired_proportion_difference(self.levels[option] >= k, self.levels[0] >= k)

    def table(self) -> list[dict]:
        """One row per option: P(crisis level >= k) for k = 1..7 and P(inadvertent), as floats."""
        rows = []
        for j, option in enumerate(self.options):
            row = {"option": option.name}
            for k in range(1, N_RUNGS):
                row[f"P(≥{k})"] = self.p_at_least(j, k).p
            row["P(inadvertent ≥3)"] = self.p_inadvertent(j).p
            rows.append(row)
        return rows


def odds_from_here(
    record: GameRecord,
    options: Sequence[Option],
    futures: int = 200,
    horizon_hours: float | None = None,
    workers: int = 1,
    chunk_size: int = 25,
    progress: Callable[[int, int], None] | None = None,
    engine: str = "compiled",
) -> OddsResult:
    """Fork the recorded game's current state into ``futures`` futures per option.

    Args:
        record: The game's record (its replay is the current state).
        options: Options to compare (see :func:`options_for`).
        futures: Futures per option.
        horizon_hours: How far ahead to look (None: to the scenario's end).
        workers: Worker processes (1: in this process).
        chunk_size: Futures per unit of work.
        progress: Called with (futures done, futures in all).
        engine: "compiled" (numba futures from a snapshot of the state; falls back to the reference
            engine for a state it cannot fork yet, e.g. after a facilitator's inject) or "reference".

    Returns:
        The futures' outcomes; identical for any ``workers`` and ``chunk_size``.
    """
    if not options:
        raise ValueError("at least one option is needed")
    if not 1 <= futures <= MAX_FUTURES:
        raise ValueError(f"futures must be between 1 and {MAX_FUTURES}")
    if engine == "compiled":
        try:
            return compiled_odds(record, options, futures, horizon_hours, progress)
        except NotImplementedError:
            pass
    t0 = time.perf_counter()
    now = record.replay().hours
    remaining = record.scenario.time.horizon_hours - now
    horizon = remaining if horizon_hours is None else min(float(horizon_hours), remaining)
    levels = np.zeros((len(options), futures), dtype=np.int8)
    inadvertent = np.zeros((len(options), futures), dtype=bool)
    tasks = [
        (j, range(s, min(s + chunk_size, futures))) for j in range(len(options)) for s in range(0, futures, chunk_size)
    ]
    total, done = len(options) * futures, 0

    def store(j: int, start: int, rows: list) -> None:
        nonlocal done
        for offset, (level, inadv) in enumerate(rows):
            levels[j, start + offset] = level
            inadvertent[j, start + offset] = inadv
        done += len(rows)
        if progress:
            progress(done, total)

    if workers <= 1:
        for j, rng in tasks:
            store(j, *_chunk(record, options[j], rng, horizon))
    else:
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            pending = {pool.submit(_chunk, record, options[j], rng, horizon): j for j, rng in tasks}
            for future in as_completed(pending):
                store(pending[future], *future.result())
    return OddsResult(tuple(options), levels, inadvertent, now, horizon, time.perf_counter() - t0)
