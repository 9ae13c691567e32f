"""The compiled engine's event log (codes and numbers) rendered as the reference engine's log entries."""

from __future__ import annotations

import numpy as np

from sim.engines.compiled import layout as ly
from sim.engines.compiled.tables import CompiledScenario
from sim.scenario.schema import AUTONOMY_ORDER
from sim.vocabulary import END_STATES, ROOT_CAUSES, RUNG_NAMES, LogEntry

_KIND = {
    ly.L_CLASSIFY: "classification",
    ly.L_NOT_MADE: "c2",
    ly.L_ENGAGE: "engagement",
    ly.L_ATTRIBUTION: "attribution",
    ly.L_FALSE_ALARM: "false_alarm",
    ly.L_FALSE_ALARM_CAUGHT: "c2",
    ly.L_DEBRIS_COLLISION: "collision",
    ly.L_SATELLITE_DESTROYED: "collision",
    ly.L_INJECT_ATTACK: "inject",
    ly.L_INJECT_AUTONOMY: "inject",
    ly.L_INJECT_FORGO: "inject",
    ly.L_INJECT_ASAT: "inject",
    ly.L_INJECT_COLLIDE: "inject",
    ly.L_RUNG_CHANGE: "rung_change",
    ly.L_DECIDE_ESCALATE: "decision",
    ly.L_DECIDE_SPIRAL: "decision",
    ly.L_DECIDE_DEESCALATE: "decision",
    ly.L_RESPONSE: "response",
    ly.L_HOTLINE_CALL: "hotline",
    ly.L_HOTLINE_UNANSWERED: "hotline",
    ly.L_HOTLINE_ACCEPTED: "hotline",
    ly.L_HOTLINE_LATE: "hotline",
    ly.L_SHADOW: "intercept",
    ly.L_WARN: "intercept",
    ly.L_BREAKS_OFF: "intercept",
    ly.L_STRIKE: "strike",
    ly.L_DISMISSED: "c2",
    ly.L_CONFERENCE: "c2",
    ly.L_OBLIGATION: "response",
    ly.L_CRISIS_END: "crisis_end",
    ly.L_LEADERS_WAIT: "c2",
    ly.L_NORM_STOP: "norm",
    ly.L_NORM_RETURN: "norm",
    ly.L_NORM_DETECTED: "norm",
    ly.L_MORATORIUM_HOLD: "moratorium",
    ly.L_MORATORIUM_BREACH: "moratorium",
    ly.L_DA_STRIKE: "engagement",
    ly.L_BLIND_ON: "blind_spot",
    ly.L_BLIND_OFF: "blind_spot",
    ly.L_ANSWER_VETOED: "c2",
    ly.L_STAND_DOWN_INCIDENT: "hotline",
    ly.L_FIREBREAK_HOLD: "firebreak",
}


def chain_of(node: int, parent: np.ndarray, event: np.ndarray) -> tuple[int, ...]:
    """The cause chain (event ids, root first) ending at ``node`` (-1: the empty chain)."""
    ids = []
    while node >= 0:
        ids.append(int(event[node]))
        node = int(parent[node])
    return tuple(reversed(ids))


def _losses(cs: CompiledScenario, target: int, losses: int) -> str:
    kind = cs.tables.assets[target]["kind"]
    if kind == ly.ASSET_SPACE:
        return "target disabled" if losses else "target survives"
    unit = "ships" if kind == ly.ASSET_NAVAL else "drones"
    return f"{losses} {unit} lost" if losses else "no losses"


def _text(cs: CompiledScenario, code: int, a: list[int]) -> str:
    actor, asset, zone = cs.actor_keys, cs.asset_labels, cs.zone_keys

    def note(i: int) -> str:
        return cs.inject_notes[i] if i >= 0 else ""

    if code == ly.L_CLASSIFY:
        what = "hostile" if a[2] else "hostile (misidentification: it was not)"
        return f"{asset[a[0]]} classifies {asset[a[1]]} as {what}"
    if code == ly.L_NOT_MADE:
        return f"{asset[a[0]]}: engagement of {asset[a[1]]} not made ({ly.HOW_TEXT[a[2]]})"
    if code == ly.L_ENGAGE:
        return f"{asset[a[0]]} engages {asset[a[1]]} ({ly.HOW_TEXT[a[2]]}): {_losses(cs, a[1], a[3])}"
    if code == ly.L_ATTRIBUTION:
        return f"{actor[a[0]]} attributes the attack to {actor[a[1]]}"
    if code == ly.L_FALSE_ALARM:
        return f"{actor[a[0]]} early warning reports an attack from {actor[a[1]]} (false alarm){note(a[2])}"
    if code == ly.L_FALSE_ALARM_CAUGHT:
        return f"{actor[a[0]]} crews recognise the false alarm before leaders act"
    if code == ly.L_DEBRIS_COLLISION:
        return f"debris collision in {zone[a[0]]} adds {a[1]} fragments"
    if code == ly.L_SATELLITE_DESTROYED:
        return f"{asset[a[0]]} destroyed by {'fragments' if a[2] else 'debris'} in {zone[a[1]]}"
    if code == ly.L_INJECT_ATTACK:
        return f"{asset[a[0]]} ordered to attack {asset[a[1]]}{note(a[2])}"
    if code == ly.L_INJECT_AUTONOMY:
        level = AUTONOMY_ORDER[a[1]].value.replace("_", " ")
        return f"{actor[a[0]]} sets its assets to {level}{note(a[2])}"
    if code == ly.L_INJECT_FORGO:
        return f"{actor[a[0]]} forgoes a scheduled ASAT test (moratorium){note(a[1])}"
    if code == ly.L_INJECT_ASAT:
        return f"{actor[a[0]]} conducts a destructive ASAT test in {zone[a[1]]}{note(a[2])}"
    if code == ly.L_INJECT_COLLIDE:
        return f"{asset[a[0]]} and {asset[a[1]]} collide{note(a[2])}"
    if code == ly.L_RUNG_CHANGE:
        toward, old, new, why = actor[a[1]], a[2], a[3], a[4]
        verb = "escalates" if new > old else "de-escalates"
        reasons = (
            "deliberate escalation",
            "deliberate de-escalation",
            f"response against {toward}",
            f"obligation against {toward}",
            "the crisis ends (settlement)",
            "the crisis ends (competition)",
        )
        reason = reasons[why] if why < ly.WHY_MACHINE else f"machine-speed self-defence (chain {why - ly.WHY_MACHINE})"
        root = ROOT_CAUSES[a[5]]
        return f"{actor[a[0]]} {verb} against {toward} to rung {new} ({RUNG_NAMES[new]}): {reason} [root: {root}]"
    if code == ly.L_DECIDE_ESCALATE:
        return f"{actor[a[0]]} leadership chooses to escalate against {actor[a[1]]}"
    if code == ly.L_DECIDE_SPIRAL:
        return f"{actor[a[0]]} leadership escalates in answer to {actor[a[1]]} at rung {a[2]} (spiral)"
    if code == ly.L_DECIDE_DEESCALATE:
        return f"{actor[a[0]]} leadership chooses to de-escalate toward {actor[a[1]]}"
    if code == ly.L_SHADOW:
        return f"{asset[a[0]]} shadows {asset[a[1]]} (rules of engagement: shadow)"
    if code == ly.L_WARN:
        return f"{asset[a[0]]} intercepts and warns {asset[a[1]]}"
    if code == ly.L_BREAKS_OFF:
        return f"{asset[a[0]]} breaks off its attack"
    if code == ly.L_STRIKE:
        return f"{asset[a[0]]} does not stop a hostile contact: {asset[a[1]]} strikes"
    if code == ly.L_DISMISSED:
        return f"{actor[a[0]]}: no other sensor confirms the attack; the alarm is dismissed"
    if code == ly.L_CONFERENCE:
        return f"{actor[a[0]]}: a second sensor seems to confirm; a threat conference convenes"
    if code == ly.L_OBLIGATION:
        return f"{actor[a[0]]} leadership honours an obligation: it stands with its partner against {actor[a[1]]}"
    if code in (ly.L_NORM_STOP, ly.L_NORM_RETURN):
        verb = "returns to" if code == ly.L_NORM_RETURN else "stops complying with"
        return f"{actor[a[0]]} {verb} the human-control norm"
    if code == ly.L_NORM_DETECTED:
        method = cs.scenario.policy.human_control_norm.verification.value
        return f"{actor[a[0]]}'s violation of the human-control norm is detected ({method})"
    if code == ly.L_MORATORIUM_HOLD:
        return f"{actor[a[0]]} holds its direct-ascent strike on {asset[a[1]]} (moratorium)"
    if code == ly.L_MORATORIUM_BREACH:
        return f"{actor[a[0]]} breaches the ASAT moratorium"
    if code == ly.L_DA_STRIKE:
        outcome = "target disabled" if a[2] else "target survives"
        return f"{actor[a[0]]} strikes {asset[a[1]]} with a direct-ascent interceptor: {outcome}"
    if code == ly.L_BLIND_ON:
        return "the frontier teacher's blind spot is exposed: distilled students misread"
    if code == ly.L_BLIND_OFF:
        return "the blind-spot episode passes"
    if code == ly.L_LEADERS_WAIT:
        return f"{actor[a[0]]} leaders doubt an attack from {actor[a[1]]} and wait"
    if code == ly.L_CRISIS_END:
        state = END_STATES[a[0]]
        return f"the crisis ends ({state}): every side stands down to competition"
    if code == ly.L_RESPONSE:
        misread = f", over-read under time pressure: it was rung {a[3]}" if a[2] != a[3] else ""
        return (
            f"{actor[a[0]]} leadership decides its response to {actor[a[1]]} (provocation read as rung {a[2]}{misread})"
        )
    if code == ly.L_ANSWER_VETOED:
        return f"{asset[a[0]]}: self-defence answer to {asset[a[1]]} vetoed (chain {a[2]})"
    if code == ly.L_STAND_DOWN_INCIDENT:
        return f"{actor[a[0]]} and {actor[a[1]]} stand down {a[2]} more responses to the same incident (chain {a[3]})"
    if code == ly.L_FIREBREAK_HOLD:
        return (
            f"{actor[a[0]]} leadership stops short of rung {a[2]} ({RUNG_NAMES[a[2]]}) against {actor[a[1]]}: "
            f"it holds at rung {a[3]} (stakes {a[4]})"
        )
    if code == ly.L_HOTLINE_CALL:
        return f"{actor[a[0]]} calls {actor[a[1]]} on the hotline to clarify"
    if code == ly.L_HOTLINE_UNANSWERED:
        return f"{actor[a[0]]}'s clarification to {actor[a[1]]} goes unanswered or unbelieved"
    if code == ly.L_HOTLINE_ACCEPTED:
        return f"{actor[a[1]]} accepts {actor[a[0]]}'s clarification and stands its response down"
    return f"{actor[a[0]]}'s clarification reaches {actor[a[1]]} after it has responded"


def render_log(cs: CompiledScenario, w, first_id: int = 0) -> list[LogEntry]:
    """The log records held in a workspace, as :class:`~sim.engines.reference.records.LogEntry` objects.

    Args:
        cs: The compiled scenario.
        w: A workspace after a replication run with logging on.
        first_id: Id of the first record to render (a forked future's records start at the fork's log length).

    Returns:
        One entry per record, equal to the reference engine's entries.
    """
    from sim.engines.compiled.workspace import IS_NLOG

    entries = []
    for i in range(first_id, int(w.iscal[IS_NLOG])):
        code = int(w.log_code[i])
        args = [int(x) for x in w.log_args[i]]
        chain = chain_of(int(w.log_chain[i]), w.node_parent, w.node_id)
        entries.append(LogEntry(i, float(w.log_time[i]), _KIND[code], _text(cs, code, args), chain))
    return entries
