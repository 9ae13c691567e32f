"""What each random draw is for: the purpose code is part of the draw's hash, so purposes never share a stream.

Both engines number their draws with these codes (the compiled engine as plain integers), which is
what lets them make the same draws for the same (entity, purpose) and so the same runs.
"""

from __future__ import annotations

from enum import IntEnum


class Purpose(IntEnum):
    """What a draw is for; part of its hash, so purposes never share a stream."""

    ENCOUNTER_WAIT = 1
    ENCOUNTER_TARGET = 2
    ENCOUNTER_HOSTILE = 3
    INCSEA_THINNING = 4
    CLASSIFY = 5
    REVIEW_TIME = 6
    OPERATOR_JUDGEMENT = 7
    VETO = 8
    SALVO_INTERCEPT = 9
    SALVO_HIT = 10
    ATTRITION = 11
    ASAT_KILL = 12
    ATTRIBUTION = 13
    ATTRIBUTION_PICK = 14
    RESPONSE_LATENCY = 15
    RESPONSE_RUNG = 16
    ERROR_DISCOVERY = 17
    HOTLINE_LATENCY = 18
    HOTLINE_DELIVERY = 19
    FALSE_ALARM_WAIT = 20
    FALSE_ALARM_CATCH = 21
    FALSE_ALARM_BLAMED = 22
    HAZARD = 23
    HAZARD_COMPONENT = 24
    COLLISION = 25
    COLLISION_TARGET = 26
    NORM_COMPLIANCE = 27
    MORATORIUM = 28
    PLAYER_HOTLINE = 29
    STRIKE_DELAY = 30
    WARNING = 31
    CORROBORATION = 32
    CONFERENCE_TIME = 33
    ENDING = 34
    LEADERS_ACT = 35
    NORM_DETECTION = 36
    DEBRIS_HIT = 37
    ASAT_STRIKE = 38
    BLIND_SPOT_WAIT = 39
    BLIND_SPOT_LENGTH = 40
    # 41 is reserved: sim.experiments.posterior.POSTERIOR_DRAW picks a run's posterior parameter set with it
    READING = 42
    THRESHOLD = 43
