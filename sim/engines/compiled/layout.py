"""Codes and record layouts shared by the compiled engine's kernels and its Python wrappers.

Everything here is a plain constant or a numpy dtype: event kinds and priorities (as simpy orders
them), process kinds and states, draw purposes (the codes of
:class:`sim.engines.shared.purposes.Purpose`), cause roots, log record codes, and the dtypes of the
scenario tables (:mod:`sim.engines.compiled.tables`).
"""

from __future__ import annotations

import numpy as np

from sim.engines.shared.provocations import (  # noqa: F401 (re-exported for the kernels)
    PROVOCATION_ASAT_TEST,
    PROVOCATION_COLLISION,
    PROVOCATION_HARASSMENT,
    PROVOCATION_KINETIC,
    PROVOCATION_SPACE,
    PROVOCATION_STRATEGIC,
    SELF_DEFENSE_PRIOR,
)
from sim.engines.shared.purposes import Purpose
from sim.vocabulary import N_RUNGS, ROOT_CAUSES  # noqa: F401 (N_RUNGS re-exported)

# --------------------------------------------------------------------------- simpy event priorities

URGENT = 0
"""simpy's priority of process initialisation (and of the ``env.run(until=...)`` stop event)."""
NORMAL = 1
"""simpy's priority of timeouts and of triggered events (resource requests, releases, conditions)."""

# --------------------------------------------------------------------------- event kinds (heap payload)

EV_STOP = 0
"""The stop event of ``env.run(until=tick_end)``."""
EV_INIT = 1
"""A process's ``Initialize`` event: the process runs to its first ``yield``."""
EV_TIMEOUT = 2
"""A timeout a process waits on: the process resumes."""
EV_REQUEST = 3
"""An operator request granted (the resource's ``Request`` event is processed)."""
EV_WINDOW = 4
"""The engagement window of an in-the-loop request runs out."""
EV_CONDITION = 5
"""The ``request | window`` condition is processed: the waiting process resumes."""
EV_RELEASE = 6
"""An operator released (the resource's ``Release`` event): the head of the queue may be served."""

# --------------------------------------------------------------------------- processes

PROC_ENCOUNTERS = 0
PROC_FALSE_ALARMS = 1
PROC_INJECT = 2
PROC_DECISION = 3
PROC_RESPOND = 4
PROC_CLARIFY = 5
PROC_STRIKE = 6
PROC_WARNING = 7
PROC_BLIND_SPOTS = 8
PROC_ANSWER = 9
"""A machine-speed self-defence answer (:mod:`sim.engines.reference.flash`)."""

# process states (where a process is suspended)
ST_START = 0
ST_WAIT = 1
"""Encounters/false alarms: waiting for the next arrival. Inject: waiting for its time. Respond:
waiting out the latency. Clarify: waiting for the error to be discovered. Strike: waiting for the
strike time. Warning chain: the threat conference in session."""
ST_MACHINE = 2
"""Decision, out of the loop: machine latency."""
ST_VETO = 3
"""Decision, on the loop: the veto window."""
ST_QUEUED = 4
"""Decision, in the loop: waiting on ``request | window``."""
ST_REVIEW = 5
"""Decision, in the loop: an operator reviewing."""
ST_IN_TRANSIT = 6
"""Clarify: the hotline message in transit."""
ST_DONE = 7

# process integer fields (proc_i columns)
PI_KIND = 0
PI_STATE = 1
PI_A = 2
"""Asset (encounters, decision, strike, answer), actor (false alarms, warning chain), inject index, response slot
(respond, clarify)."""
PI_B = 3
"""Decision, strike: the other asset. Answer: the attacker it answers. Clarify: sender actor. Warning chain: blamed
actor."""
PI_C = 4
"""Decision: hostile (0/1). Answer: its chain. Clarify: receiver actor. Strike: flags (1 engaged, 2 deterred). Warning
chain: autonomy of the warning system."""
PI_D = 5
"""Decision: log id of the classification. Answer: log id of the engagement it answers. Warning chain: inject index
(-1: none)."""
PI_E = 6
"""Decision and answer: flags (veto: vetoed, free; review: 1 rejected, 2 not cleared in time). Warning chain: log id of
the alarm."""
PI_F = 7
"""Decision, in the loop: request state (0 waiting, 1 granted, 2 cancelled). Warning chain: log id of the
conference."""
PI_G = 8
"""Decision, in the loop: condition state (0 pending, 1 triggered, 2 processed)."""
PI_H = 9
"""Clarify: delivered (0/1). Decision: the strike process of its contact (-1: none)."""
PI_TRACKS = 10
"""Decision: tracks of the raid (1 unless the contact is a drone swarm)."""
N_PI = 11

STRIKE_ENGAGED = 1
STRIKE_DETERRED = 2

# process float fields (proc_f columns)
PF_X = 0
"""Respond: latency. Clarify: discovery hours, then message latency. Decision: review minutes. Strike:
delay. Warning chain: conference minutes."""
PF_Y = 1
"""Decision in the loop: time of request. Clarify: time the message was sent."""
PF_Z = 2
"""Decision: P(hostile | flag), the posterior of the classifier's call."""
N_PF = 3

REQ_WAITING = 0
REQ_GRANTED = 1
REQ_CANCELLED = 2

# --------------------------------------------------------------------------- draw purposes

P_ENCOUNTER_WAIT = int(Purpose.ENCOUNTER_WAIT)
P_ENCOUNTER_TARGET = int(Purpose.ENCOUNTER_TARGET)
P_ENCOUNTER_HOSTILE = int(Purpose.ENCOUNTER_HOSTILE)
P_INCSEA_THINNING = int(Purpose.INCSEA_THINNING)
P_CLASSIFY = int(Purpose.CLASSIFY)
P_REVIEW_TIME = int(Purpose.REVIEW_TIME)
P_OPERATOR_JUDGEMENT = int(Purpose.OPERATOR_JUDGEMENT)
P_VETO = int(Purpose.VETO)
P_SALVO_INTERCEPT = int(Purpose.SALVO_INTERCEPT)
P_SALVO_HIT = int(Purpose.SALVO_HIT)
P_ATTRITION = int(Purpose.ATTRITION)
P_ASAT_KILL = int(Purpose.ASAT_KILL)
P_ATTRIBUTION = int(Purpose.ATTRIBUTION)
P_ATTRIBUTION_PICK = int(Purpose.ATTRIBUTION_PICK)
P_RESPONSE_LATENCY = int(Purpose.RESPONSE_LATENCY)
P_RESPONSE_RUNG = int(Purpose.RESPONSE_RUNG)
P_ERROR_DISCOVERY = int(Purpose.ERROR_DISCOVERY)
P_HOTLINE_LATENCY = int(Purpose.HOTLINE_LATENCY)
P_HOTLINE_DELIVERY = int(Purpose.HOTLINE_DELIVERY)
P_FALSE_ALARM_WAIT = int(Purpose.FALSE_ALARM_WAIT)
P_FALSE_ALARM_CATCH = int(Purpose.FALSE_ALARM_CATCH)
P_FALSE_ALARM_BLAMED = int(Purpose.FALSE_ALARM_BLAMED)
P_HAZARD = int(Purpose.HAZARD)
P_HAZARD_COMPONENT = int(Purpose.HAZARD_COMPONENT)
P_COLLISION = int(Purpose.COLLISION)
P_COLLISION_TARGET = int(Purpose.COLLISION_TARGET)
P_NORM_COMPLIANCE = int(Purpose.NORM_COMPLIANCE)
P_MORATORIUM = int(Purpose.MORATORIUM)
P_STRIKE_DELAY = int(Purpose.STRIKE_DELAY)
P_WARNING = int(Purpose.WARNING)
P_CORROBORATION = int(Purpose.CORROBORATION)
P_CONFERENCE_TIME = int(Purpose.CONFERENCE_TIME)
P_ENDING = int(Purpose.ENDING)
P_LEADERS_ACT = int(Purpose.LEADERS_ACT)
P_NORM_DETECTION = int(Purpose.NORM_DETECTION)
P_DEBRIS_HIT = int(Purpose.DEBRIS_HIT)
P_ASAT_STRIKE = int(Purpose.ASAT_STRIKE)
P_BLIND_SPOT_WAIT = int(Purpose.BLIND_SPOT_WAIT)
P_BLIND_SPOT_LENGTH = int(Purpose.BLIND_SPOT_LENGTH)
P_READING = int(Purpose.READING)
P_THRESHOLD = int(Purpose.THRESHOLD)
N_PURPOSES = 48
"""Columns of the per-(entity, purpose) counter table (purpose codes, with room to spare)."""
assert max(Purpose) < N_PURPOSES

# --------------------------------------------------------------------------- kinds, roles, autonomy

ASSET_SWARM = 0
ASSET_NAVAL = 1
ASSET_SPACE = 2

ROLE_NONE = -1
ROLE_ISR = 0
ROLE_COMMUNICATIONS = 1
ROLE_EARLY_WARNING = 2
ROLE_CO_ORBITAL_ASAT = 3

AUT_IN = 0
AUT_ON = 1
AUT_OUT = 2
AUT_NONE = 3
"""No cap (the index past the least restrictive level)."""

INJ_FALSE_ALARM = 0
INJ_ASAT_TEST = 1
INJ_COLLISION_AT_SEA = 2
INJ_ATTACK = 3
INJ_AUTONOMY_CHANGE = 4

SD_HOLD = 0
SD_RETURN_FIRE = 1
SD_DEFEND_ZONE = 2
"""Self-defence rules of engagement (``SELF_DEFENSE_ORDER``)."""

AUTH_SHADOW = 0
AUTH_WARN = 1
AUTH_FIRE_IDENTIFIED = 2
AUTH_FIRE_THREATENING = 3
"""Rules of engagement, from the least permissive (codes: ``AUTHORITY_ORDER``)."""

END_NONE = 0
END_SETTLEMENT = 1
END_COMPETITION = 2
"""Indices into ``END_STATES``."""

# --------------------------------------------------------------------------- causes

ROOT_NONE = ROOT_CAUSES.index("none")
"""No cause (an actor's ``last_cause is None``); otherwise the index in ``ROOT_CAUSES``."""
ROOT_DELIBERATE = ROOT_CAUSES.index("deliberate")
ROOT_MISIDENTIFICATION = ROOT_CAUSES.index("misidentification")
ROOT_FALSE_ALARM = ROOT_CAUSES.index("false_alarm")
ROOT_MISATTRIBUTION = ROOT_CAUSES.index("misattribution")
ROOT_ENTANGLEMENT = ROOT_CAUSES.index("entanglement")
ROOT_ACCIDENT = ROOT_CAUSES.index("accident")
"""Roots from ``ROOT_MISIDENTIFICATION`` on are the inadvertent ones."""

# --------------------------------------------------------------------------- how an engagement decision ended

HOW_MACHINE = 0
HOW_NO_VETO = 1
HOW_NO_FREE = 2
HOW_APPROVED = 3
HOW_ORDER = 4
HOW_VETOED = 5
HOW_LAPSED = 6
HOW_REJECTED = 7
HOW_DEFAULT = 8
HOW_STRIKE = 9
HOW_UNCLEARED = 10
HOW_UNCLEARED_DEFAULT = 11
HOW_ANSWER_MACHINE = 12
HOW_ANSWER_NO_VETO = 13
HOW_ANSWER_NO_FREE = 14

HOW_TEXT = (
    "no human in the loop",
    "human on the loop, no veto",
    "human on the loop, no operator free to veto",
    "approved by a human operator",
    "deliberate order",
    "vetoed by the supervising operator",
    "no operator free within the engagement window",
    "the operator judged the contact not hostile",
    "no operator free within the engagement window: engaged by default",
    "hostile strike",
    "not cleared within the engagement window",
    "not cleared within the engagement window: engaged by default",
    "machine-speed self-defence",
    "machine-speed self-defence, not vetoed",
    "machine-speed self-defence, no operator free to veto",
)

# --------------------------------------------------------------------------- log records (code + up to 6 ints)

L_CLASSIFY = 0  # asset, other, hostile
L_NOT_MADE = 1  # asset, other, how
L_ENGAGE = 2  # asset, other, how, losses
L_ATTRIBUTION = 3  # victim, blamed
L_FALSE_ALARM = 4  # actor, blamed, inject (-1: none)
L_FALSE_ALARM_CAUGHT = 5  # actor
L_DEBRIS_COLLISION = 6  # zone, fragments
L_SATELLITE_DESTROYED = 7  # asset, zone, by fragments (0/1)
L_INJECT_ATTACK = 8  # attacker, target, inject
L_INJECT_AUTONOMY = 9  # actor, autonomy, inject
L_INJECT_FORGO = 10  # actor, inject
L_INJECT_ASAT = 11  # actor, zone, inject
L_INJECT_COLLIDE = 12  # first, second, inject
L_RUNG_CHANGE = 13  # actor, toward, old posture, new posture, why, root
L_DECIDE_ESCALATE = 14  # actor, other
L_DECIDE_SPIRAL = 15  # actor, other, other's posture
L_DECIDE_DEESCALATE = 16  # actor, other
L_RESPONSE = 17  # actor, blamed, provocation
L_HOTLINE_CALL = 18  # sender, receiver
L_HOTLINE_UNANSWERED = 19  # sender, receiver
L_HOTLINE_ACCEPTED = 20  # sender, receiver
L_HOTLINE_LATE = 21  # sender, receiver
L_SHADOW = 22  # asset, other
L_WARN = 23  # asset, other
L_BREAKS_OFF = 24  # other
L_STRIKE = 25  # asset, other
L_DISMISSED = 26  # actor
L_CONFERENCE = 27  # actor
L_OBLIGATION = 28  # actor, blamed
L_CRISIS_END = 29  # end state
L_LEADERS_WAIT = 30  # actor, blamed
L_NORM_STOP = 31  # actor
L_NORM_RETURN = 32  # actor
L_NORM_DETECTED = 33  # actor
L_MORATORIUM_HOLD = 34  # actor, target asset
L_MORATORIUM_BREACH = 35  # actor
L_DA_STRIKE = 36  # actor, target asset, disabled
L_BLIND_ON = 37
L_BLIND_OFF = 38
L_ANSWER_VETOED = 39  # asset, attacker, chain
L_STAND_DOWN_INCIDENT = 40  # receiver, sender, count, chain
L_FIREBREAK_HOLD = 41  # actor, toward, target rung, floor, stakes
N_LOG_ARGS = 6

WHY_ESCALATION = 0
WHY_DEESCALATION = 1
WHY_RESPONSE = 2
WHY_OBLIGATION = 3
WHY_SETTLEMENT = 4
WHY_COMPETITION = 5
"""The crisis ended (settlement / return to competition)."""
WHY_MACHINE = 6
"""A machine-speed self-defence answer (the chain's number in the record's last argument)."""

# --------------------------------------------------------------------------- status of a replication

OK = 0
OVERFLOW = 1
"""A preallocated table was too small; the wrapper runs the replication again with larger tables."""

# --------------------------------------------------------------------------- scenario tables

ACTOR_DTYPE = np.dtype(
    [
        ("resolve", np.float64),
        ("risk_tolerance", np.float64),
        ("decision_latency", np.float64),
        ("roe", np.float64),
        ("doctrine", np.int64),
        ("initial_rung", np.int64),
        ("autonomy", np.int64),
        ("operators", np.int64),
        ("hotline", np.int64),
        ("incsea", np.int64),
        ("norm_bound", np.int64),
        ("moratorium", np.int64),
        ("recipient", np.int64),
        ("engages_on_timeout", np.int64),
        ("ob_start", np.int64),
        ("ob_end", np.int64),
        ("share", np.float64),
        ("distilled", np.int64),
        ("isr_total", np.int64),
        ("da", np.int64),
        ("da_zone", np.int64),
        ("da_kill", np.float64),
        ("da_debris", np.int64),
        ("adv_start", np.int64),
        ("adv_end", np.int64),
        ("ew_start", np.int64),
        ("ew_end", np.int64),
        ("asat_suspect", np.int64),
        ("self_defense", np.int64),
        ("ships_fielded", np.int64),
    ],
    align=True,
)

ASSET_DTYPE = np.dtype(
    [
        ("hit_probability", np.float64),
        ("intercept_probability", np.float64),
        ("staying_power", np.float64),
        ("kill_probability", np.float64),
        ("d_prime", np.float64),
        ("base_rate", np.float64),
        ("owner", np.int64),
        ("zone", np.int64),
        ("kind", np.int64),
        ("role", np.int64),
        ("strategic", np.int64),
        ("drones", np.int64),
        ("ships", np.int64),
        ("air_defense", np.int64),
        ("missiles_per_ship", np.int64),
        ("debris_per_kill", np.int64),
        ("magazine", np.int64),
        ("autonomy", np.int64),
        ("cap", np.int64),
        ("can_engage", np.int64),
        ("tgt_start", np.int64),
        ("tgt_end", np.int64),
    ],
    align=True,
)

ZONE_DTYPE = np.dtype(
    [
        ("orbit", np.int64),
        ("tracked", np.int64),
        ("sat_start", np.int64),
        ("sat_end", np.int64),
        ("homeland", np.int64),
    ],
    align=True,
)

INJECT_DTYPE = np.dtype(
    [
        ("at", np.float64),
        ("kind", np.int64),
        ("actor", np.int64),
        ("blamed", np.int64),
        ("zone", np.int64),
        ("debris", np.int64),
        ("first", np.int64),
        ("second", np.int64),
        ("autonomy", np.int64),
    ],
    align=True,
)

PARAM_DTYPE = np.dtype(
    [
        ("tick", np.float64),
        ("horizon", np.float64),
        ("posture_gain", np.float64),
        ("hostile_base", np.float64),
        ("hostile_per_rung", np.float64),
        ("shift_per_rung", np.float64),
        ("review_low", np.float64),
        ("review_mode", np.float64),
        ("review_high", np.float64),
        ("window_minutes", np.float64),
        ("minutes_per_track", np.float64),
        ("veto_seconds", np.float64),
        ("machine_seconds", np.float64),
        ("operator_d_prime", np.float64),
        ("operator_tau", np.float64),
        ("operator_bias_in", np.float64),
        ("operator_bias_on", np.float64),
        ("automation_bias", np.float64),
        ("latency_factor", np.float64, (3,)),
        ("discovery_hours", np.float64),
        ("salvo_fraction", np.float64),
        ("drone_kill_probability", np.float64),
        ("missile_hit_probability", np.float64),
        ("collision_k", np.float64),
        ("false_alarms_per_year", np.float64),
        ("corroboration", np.float64),
        ("conference_minutes", np.float64),
        ("conference_catch", np.float64, (3,)),
        ("leaders_base", np.float64),
        ("leaders_per_rung", np.float64),
        ("fragment_hit", np.float64),
        ("fragment_lifetime", np.float64),
        ("isr_dependence", np.float64),
        ("norm_detection", np.float64),
        ("norm_pressure", np.float64),
        ("norm_distrust", np.float64),
        ("hotline_penalty", np.float64),
        ("replenishment", np.float64),
        ("blind_rate", np.float64),
        ("blind_hours", np.float64),
        ("blind_severity", np.float64),
        ("strike_minutes", np.float64),
        ("identification_margin", np.float64),
        ("warning_deterrence", np.float64),
        ("onset", np.float64),
        ("end_base", np.float64),
        ("end_decay", np.float64),
        ("end_gain", np.float64),
        ("escalation_base", np.float64),
        ("de_escalation_base", np.float64),
        ("spiral_gain", np.float64),
        ("misattribution_base", np.float64),
        ("misattribution_per_proliferation", np.float64),
        ("proliferation_level", np.float64),
        ("hotline_latency", np.float64),
        ("hotline_reliability", np.float64),
        ("incsea_factor", np.float64),
        ("incsea_shift", np.float64),
        ("baseline_compliance", np.float64),
        ("moratorium_compliance", np.float64),
        ("n_ticks", np.int64),
        ("fragments", np.int64),
        ("shots_per_threat", np.int64),
        ("answer_from_rung", np.int64),
        ("counterspace_rung", np.int64),
        ("violation_pressure", np.float64),
        ("breach_rung", np.int64),
        ("blind_spots", np.int64),
        ("hotline_enabled", np.int64),
        ("norm_enabled", np.int64),
        ("moratorium_enabled", np.int64),
        ("proliferation_source", np.int64),
        ("automation_max", np.float64),
        ("hotline_bonus", np.float64),
        ("leader_d_prime", np.float64),
        ("leader_tau", np.float64),
        ("over_reading", np.float64),
        ("theater_exchanges", np.int64),
        ("fb_strategic", np.float64),
        ("fb_signaling", np.float64),
        ("fb_use", np.float64),
        ("fb_cross_strategic", np.float64),
        ("fb_cross_signaling", np.float64),
        ("fb_cross_use", np.float64),
        ("stakes_factor", np.float64),
        ("losing_share", np.float64),
    ],
    align=True,
)
