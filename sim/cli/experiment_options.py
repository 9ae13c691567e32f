"""Options and helpers shared by ``flashpoint sweep``, ``compare`` and ``sensitivity``."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sim.cli.scenario_commands import add_set_option, report
from sim.scenario.errors import LocatedError
from sim.scenario.limits import MAX_RUNS

DEFAULT_ENGINE = "compiled"
"""Engine used unless ``--engine`` names another (kept in step with ``sim.experiments.batches``)."""


def add_param_option(parser: argparse.ArgumentParser, required: bool = True) -> None:
    """The repeatable ``--param PATH=VALUES|LOW:HIGH`` option (``args.params``)."""
    parser.add_argument(
        "--param",
        dest="params",
        action="append",
        default=[],
        required=required,
        metavar="PATH=VALUES|LOW:HIGH",
        help="a swept parameter: listed values (actors.PRC.autonomy=in_the_loop,out_of_the_loop) or a numeric "
        "range (actors.PRC.ai.capability=0.4:0.9; whole-number ends make an integer range) (repeatable)",
    )


def add_execution_options(parser: argparse.ArgumentParser, runs_help: str) -> None:
    """``--runs --seed --workers --scheduler --chunk-size --engine --json --set``."""
    parser.add_argument("--runs", type=int, help=runs_help)
    parser.add_argument("--seed", type=int, help="master seed (default: the scenario's monte_carlo.seed)")
    parser.add_argument("--workers", type=int, default=1, help="local worker processes (default 1)")
    parser.add_argument(
        "--scheduler",
        metavar="tcp://HOST:PORT",
        help="run the chunks on an existing Dask cluster instead of local processes",
    )
    parser.add_argument("--chunk-size", type=int, help="runs per unit of work")
    parser.add_argument(
        "--engine",
        choices=("compiled", "reference"),
        default=DEFAULT_ENGINE,
        help=f"simulation engine; both give equal outcomes (default {DEFAULT_ENGINE})",
    )
    parser.add_argument("--json", action="store_true", help="print the results as JSON instead of a table")
    add_set_option(parser)


def check_counts(args: argparse.Namespace, **extra: tuple[int | None, int, int]) -> bool:
    """Check counts; report ``--NAME:1:1: name: message`` and return False if one is out of range."""
    checks = {
        "runs": (getattr(args, "runs", None), 1, MAX_RUNS),
        "workers": (args.workers, 1, 256),
        "chunk-size": (args.chunk_size, 1, MAX_RUNS),
        "seed": (args.seed, 0, 2**63 - 1),
        **extra,
    }
    for name, (value, low, high) in checks.items():
        if value is not None and not low <= value <= high:
            message = f"must be between {low} and {high} (got {value})"
            report([LocatedError(f"--{name}", 1, 1, name.replace("-", "_"), message)])
            return False
    return True


def fail(option: str, message: str) -> None:
    """Report a problem with an option in the located form."""
    report([LocatedError(option, 1, 1, option.lstrip("-").replace("-", "_"), message)])


@contextmanager
def progress_bar(unit: str = "run") -> Iterator[Callable[[int, int], None]]:
    """A tqdm bar on stderr (off when stderr is not a terminal); yields a (done, total) callback."""
    from tqdm import tqdm

    with tqdm(total=0, unit=unit, disable=not sys.stderr.isatty(), file=sys.stderr, dynamic_ncols=True) as bar:

        def update(done: int, total: int) -> None:
            if bar.total != total:
                bar.total = total
                bar.refresh()
            bar.update(done - bar.n)

        yield update


def print_json(data: Any) -> None:
    """Strict JSON (no NaN) on stdout."""
    print(json.dumps(data, allow_nan=False, default=_default, ensure_ascii=False))


def _default(obj: Any) -> Any:
    import numpy as np

    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    raise TypeError(f"not JSON-serialisable: {type(obj).__name__}")


def clean_record(record: dict[str, Any]) -> dict[str, Any]:
    """NaN floats → None, numpy scalars → Python (one row of a frame, for JSON)."""
    import math

    import numpy as np

    out = {}
    for key, value in record.items():
        if isinstance(value, np.generic):
            value = value.item()
        if isinstance(value, float) and not math.isfinite(value):
            value = None
        out[key] = value
    return out
