"""A small valid scenario used by the scenario tests, with helpers to break it one way at a time.

Line numbers matter: the tests assert exact ``LINE:COL`` positions in this text.
"""

from __future__ import annotations

VALID = """\
metadata:
  name: Test strait
time:
  horizon_hours: 72
  tick_hours: 1
zones:
  strait: {kind: theater, adjacent: [open_sea]}
  open_sea:
    kind: theater
  LEO: {kind: orbit, regime: LEO, tracked_objects: 1000}
actors:
  RED:
    adversaries: [BLUE]
    ai: {source: domestic, capability: 0.6}
    commitments: [hotline]
  BLUE:
    adversaries: [RED]
    autonomy: on_the_loop
    ai:
      source: frontier
      capability: 0.9
assets:
  red_swarm:
    kind: drone_swarm
    owner: RED
    zone: strait
    size: 200
  blue_group:
    kind: naval_group
    owner: BLUE
    zone: open_sea
    ships: 5
    carrier: true
  blue_sat:
    kind: space_asset
    owner: BLUE
    zone: LEO
    role: early_warning
injects:
  - kind: false_alarm
    at_hours: 12
    actor: BLUE
    blamed: RED
  - kind: attack
    at_hours: 30
    attacker: red_swarm
    target: blue_group
policy:
  hotline:
    enabled: true
"""


def mutate(*replacements: tuple[str, str], text: str = VALID) -> str:
    """``text`` with each ``(old, new)`` replacement made; each ``old`` must occur exactly once."""
    for old, new in replacements:
        assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
        text = text.replace(old, new)
    return text
