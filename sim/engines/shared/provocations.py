"""How a victim reads what happened to it: the provocation rung of each kind of act (docs/model.md §12.1).

Both engines read an act with these rungs; they are constants of the model, not scenario parameters.
"""

PROVOCATION_HARASSMENT = 2
"""An attack that destroys nothing reads as a show of force."""
PROVOCATION_KINETIC = 3
"""An attack with losses reads as a limited kinetic incident."""
PROVOCATION_SPACE = 4
"""Disabling an ISR or communications satellite reads as a theater-level strike."""
PROVOCATION_STRATEGIC = 5
"""An attack on early-warning or nuclear C3 satellites reads as strategic (entanglement)."""
PROVOCATION_ASAT_TEST = 2
"""A destructive ASAT test reads as a show of force."""
PROVOCATION_COLLISION = 2
"""A collision at sea reads as gray-zone coercion turned show of force (Hainan 2001)."""

SELF_DEFENSE_PRIOR = 0.5
"""The supervising operator's prior that an on-the-loop self-defence answer is aimed at the real attacker: it
cannot tell at a glance (docs/model.md §12.7)."""
