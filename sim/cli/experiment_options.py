"""Options and helpers shared by ``flashpoint run``, ``sweep``, ``compare`` and ``sensitivity``.

Nothing heavy is imported at module level: ``flashpoint --help`` builds every parser from this module
without loading numpy, pandas, pyarrow, numba, scipy or matplotlib. The few names the parsers need
(metrics, designs, engines) are spelled out here; tests/cli check them against the library's.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from sim.cli.scenario_commands import add_set_option, located, report
from sim.cli.terminal import raw_stderr
from sim.cli.usage import scheduler_address

if TYPE_CHECKING:
    from sim.experiments.posterior import Posterior

ENGINES = ("compiled", "reference")
"""As ``sim.engines.ENGINES``."""

DEFAULT_ENGINE = "compiled"
"""Engine used unless ``--engine`` names another (kept in step with ``sim.experiments.batches``)."""

PROBABILITY_METRICS = (*(f"p_ge_{k}" for k in range(1, 8)), "p_inadvertent", "p_drawn_in")
"""As ``sim.experiments.metrics.PROBABILITY_METRICS``."""

DESIGN_KINDS = ("grid", "lhs", "sobol")
"""As ``sim.experiments.designs.DESIGN_KINDS``."""

INTERVALS = ("wilson", "jeffreys", "clopper-pearson")
"""As ``sim.experiments.stats.INTERVALS``."""

MAX_SEED = 2**63 - 1


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
        "range (actors.PRC.ai.capability=0.4:0.9; on a real-valued field 0:1 is the interval, on an integer "
        "field it takes whole numbers) (repeatable)",
    )


def add_interval_option(parser: argparse.ArgumentParser, what: str = "every probability") -> None:
    """``--interval wilson|jeffreys|clopper-pearson`` (``args.interval``)."""
    parser.add_argument(
        "--interval",
        choices=INTERVALS,
        default="wilson",
        help=f"95%% interval of {what}: wilson (default), or for rare events (a few or no runs with it) jeffreys, "
        "or clopper-pearson, which never covers less than 95%% (see docs/experiments.md)",
    )


def add_engine_option(parser: argparse.ArgumentParser) -> None:
    """``--engine compiled|reference``."""
    parser.add_argument(
        "--engine",
        choices=ENGINES,
        default=DEFAULT_ENGINE,
        help=f"simulation engine; both give equal outcomes (default {DEFAULT_ENGINE})",
    )


def add_execution_options(parser: argparse.ArgumentParser, runs_help: str) -> None:
    """``--runs --seed --workers --scheduler --chunk-size --engine --json --set``."""
    parser.add_argument("--runs", type=int, help=runs_help)
    parser.add_argument("--seed", type=int, help="master seed (default: the scenario's monte_carlo.seed)")
    add_workers_option(parser, "local worker processes (default 1; at most the CPU cores available)")
    parser.add_argument(
        "--scheduler",
        metavar="tcp://HOST:PORT",
        type=scheduler_address,
        help="run the chunks on an existing Dask cluster instead of local processes",
    )
    parser.add_argument("--chunk-size", type=int, help="runs per unit of work")
    add_engine_option(parser)
    parser.add_argument("--json", action="store_true", help="print the results as JSON instead of a table")
    add_set_option(parser)


def add_posterior_option(parser: argparse.ArgumentParser) -> None:
    """``--posterior FILE``: every run draws its parameter set from a posterior sample (``args.posterior``)."""
    parser.add_argument(
        "--posterior",
        metavar="FILE",
        help="draw the model parameters of each group of 20 runs from this posterior sample (flashpoint-posterior/2, "
        "as written by flashpoint calibrate), by run index, so paired runs share the draw and the dice; results "
        "then average over the posterior and their intervals include the spread between parameter sets",
    )
    parser.add_argument(
        "--posterior-any-scenario",
        action="store_true",
        help="use the --posterior file on a scenario other than the one it was fitted on (refused otherwise)",
    )


def read_posterior(args: argparse.Namespace) -> Posterior | None:
    """The ``--posterior`` file, read strictly, or None without the option.

    The posterior must have been fitted on the scenario file as given (before ``--set``), unless
    ``--posterior-any-scenario``; it is returned marked for any scenario, so that the ``--set`` overrides
    on top of the file are accepted.

    Raises:
        ScenarioError: Located in the file (``FILE:LINE:COL``), or at a ``--set`` of a path the
            posterior draws (its draws would replace the value); the CLI reports it with exit code 2.
    """
    if not getattr(args, "posterior", None):
        return None
    from sim.experiments.posterior import load_posterior
    from sim.scenario import load_scenario
    from sim.scenario.errors import ScenarioError

    any_scenario = bool(getattr(args, "posterior_any_scenario", False))
    posterior = load_posterior(args.posterior, any_scenario=any_scenario)
    if conflicts := posterior.conflicts(getattr(args, "overrides", ())):
        raise ScenarioError(conflicts)
    if not any_scenario:
        posterior.check_scenario(load_scenario(args.scenario))
    return posterior.for_any_scenario()


def add_workers_option(parser: argparse.ArgumentParser, text: str) -> None:
    """``--workers W``."""
    parser.add_argument("--workers", type=int, default=1, help=text)


def add_out_option(parser: argparse.ArgumentParser, files: str) -> None:
    """``--out DIR``: the same kind of path for every command, a directory that receives ``files``."""
    parser.add_argument("--out", metavar="DIR", help=f"write the results to directory DIR: {files}")


def check_counts(args: argparse.Namespace, **extra: tuple[int | None, int, int]) -> bool:
    """Check counts; report ``--NAME:1:1: name: message`` and return False if one is out of range.

    ``--workers`` is checked as the library checks it (1 to the CPU cores this process may use), with its
    message; with ``--scheduler`` the cluster's workers are used and ``--workers`` is not read.
    """
    from sim.experiments.limits import LimitError, check_workers
    from sim.scenario.limits import MAX_RUNS

    workers = getattr(args, "workers", None)
    if workers is not None and getattr(args, "scheduler", None) is None:
        try:
            check_workers(workers)
        except LimitError as exc:
            fail(exc.option, exc.message)
            return False
    checks = {
        "runs": (getattr(args, "runs", None), 1, MAX_RUNS),
        "chunk-size": (getattr(args, "chunk_size", None), 1, MAX_RUNS),
        "seed": (getattr(args, "seed", None), 0, MAX_SEED),
        **extra,
    }
    for name, (value, low, high) in checks.items():
        if value is not None and not low <= value <= high:
            fail(f"--{name}", f"must be between {low} and {high} (got {value})")
            return False
    return True


def check_outputs(*options: tuple[str, str | None, Sequence[str]]) -> bool:
    """Check output directories before any run: ``(option, path, files)``; report and return False if one is bad."""
    from sim.cli.outputs import check_output_dir

    for option, path, files in options:
        if path is None:
            continue
        problem = check_output_dir(path, option, files)
        if problem:
            fail(option, problem)
            return False
    return True


def fail(option: str, message: str) -> None:
    """Report a problem with an option in the located form."""
    report([located(option, message)])


@contextmanager
def progress_bar(unit: str = "run") -> Iterator[Callable[[int, int], None]]:
    """A tqdm bar on stderr (off when stderr is not a terminal); yields a (done, total) callback."""
    from tqdm import tqdm

    stream = raw_stderr()  # the bar's carriage returns; its text is numbers only
    with tqdm(total=0, unit=unit, disable=not stream.isatty(), file=stream, dynamic_ncols=True) as bar:

        def update(done: int, total: int) -> None:
            if bar.total != total:
                bar.total = total
                bar.refresh()
            bar.update(done - bar.n)

        yield update


def json_text(data: Any, indent: int | None = None) -> str:
    """Strict JSON (no NaN; numpy scalars and arrays as plain values)."""
    return json.dumps(data, allow_nan=False, default=_default, ensure_ascii=False, indent=indent)


def print_json(data: Any) -> None:
    """Strict JSON (no NaN) on stdout."""
    print(json_text(data))


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


def say(line: str) -> None:
    """A line on standard error (timings, "wrote ..."): never part of the results on standard output."""
    print(line, file=sys.stderr)
