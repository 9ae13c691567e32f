"""Explicit size limits: they stop a hostile or mistaken scenario before it eats the machine.

Each limit is documented in docs/scenarios.md ("Limits"); exceeding one is a located error.
"""

MAX_FILE_BYTES = 1_000_000
"""Largest scenario file read, bytes."""

MAX_YAML_NODES = 200_000
"""Most YAML nodes (scalars, sequences, mappings) in one file, after alias expansion."""

MAX_YAML_CHARS = 2_000_000
"""Most characters in all scalars (keys and values) of one file, after alias expansion.

A file cannot be larger than ``MAX_FILE_BYTES``, but an anchored long text referred to by many aliases
expands to far more: this limit bounds what a document *expands to*, so memory stays bounded whatever
the file (an alias bomb is refused while it is read, before anything is copied out)."""

MAX_YAML_DEPTH = 32
"""Deepest nesting of mappings and sequences."""

MAX_ID_LENGTH = 64
"""Longest id of a zone, actor or asset, characters."""

MAX_ZONES = 64
MAX_ACTORS = 32
MAX_ASSETS = 512
MAX_INJECTS = 1_000

MAX_DRONES_PER_SWARM = 10_000
MAX_TOTAL_DRONES = 100_000
"""Drones over all swarms at full fleet."""

MAX_SHIPS_PER_GROUP = 100
MAX_OPERATORS = 1_000
MAX_TRACKED_OBJECTS = 10_000_000
"""Catalogued objects in one orbit zone (debris included)."""

MAX_HORIZON_HOURS = 8_760.0
"""One year."""

MAX_TICKS = 100_000
"""horizon_hours / tick_hours."""

MAX_RUNS = 10_000_000
"""Replications in one Monte Carlo."""

MAX_OVERRIDES = 1_000
"""--set options in one command."""

MAX_ERRORS = 50
"""Errors reported from one file: the first ones in document order, then one line saying how many more.

Reading stops once more errors than this are found while the file is read (40,000 unknown keys are
not read, translated and printed one by one), so a hostile file costs a fraction of a second."""
