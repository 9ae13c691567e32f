"""The fingerprint of a scenario's model: what binds a posterior to the scenario it was fitted on.

A posterior (``flashpoint calibrate``) is fitted on one scenario; its draws mean something only for that
scenario's model. :func:`model_fingerprint` is the SHA-256 of the validated scenario (every default filled
in, canonical JSON) without what does not change the model it was fitted for:

* the fields the posterior draws (they are replaced run by run);
* ``metadata`` (names and descriptions) and ``monte_carlo`` (runs and seed);
* ``time.horizon_hours`` (how long the crisis is watched: the same model followed for 14 days or a year).

Any other difference (a force, a hazard, a policy, the tick) gives another fingerprint.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from typing import Any

from sim.scenario.overrides import parse_path
from sim.scenario.schema import Scenario

__all__ = ["IGNORED", "model_fingerprint"]

IGNORED = ("metadata", "monte_carlo", "time.horizon_hours")
"""Paths left out of every fingerprint."""


def model_fingerprint(scenario: Scenario, leave_out: Iterable[str] = ()) -> str:
    """SHA-256 (hex) of the scenario's model without :data:`IGNORED` and the paths ``leave_out``.

    Args:
        scenario: A validated scenario.
        leave_out: Paths, as ``--set`` takes them (``parameters.ending.end_per_day``), to leave out.

    Returns:
        64 hexadecimal characters.
    """
    document = scenario.model_dump(mode="json")
    for text in (*IGNORED, *leave_out):
        _remove(document, parse_path(text))
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=True)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _remove(document: Any, path: tuple[str | int, ...]) -> None:
    """Remove the node at ``path`` (a list item becomes null, so the others keep their places)."""
    node = document
    for segment in path[:-1]:
        if isinstance(node, dict) and str(segment) in node:
            node = node[str(segment)]
        elif isinstance(node, list) and isinstance(segment, int) and 0 <= segment < len(node):
            node = node[segment]
        else:
            return
    last = path[-1]
    if isinstance(node, dict):
        node.pop(str(last), None)
    elif isinstance(node, list) and isinstance(last, int) and 0 <= last < len(node):
        node[last] = None
