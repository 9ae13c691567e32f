"""Machine-speed chains in the compiled engine: who answers an attack, a new chain, and what an exchange does to
the answering side's posture. Mirrors :class:`sim.engines.reference.flash.MachineSpeed`; the answer process
itself is ``resume_answer`` in :mod:`sim.engines.compiled.c2`."""

from __future__ import annotations

import math

from numba import njit

from sim.engines.compiled import layout as ly
from sim.engines.compiled.core import crisis_level, extend, operational, overflow, spawn
from sim.engines.compiled.escalation import change_posture
from sim.engines.compiled.workspace import (
    CF_START,
    CF_TOP,
    CI_EXCHANGES,
    CI_KINETIC,
    CI_LEVEL0,
    CI_NODE,
    CI_ROOT,
    CI_TOP,
    FS_NOW,
    IS_FLASH_MAX,
    IS_NCHAIN,
    RI_CHAIN,
)
from sim.kernels.response import BELOW_FIREBREAK


@njit(cache=True, _nrt=False, inline="always")
def _in_reach(ta, w, asset, other):
    """``other in targets_in_reach(asset)``: operational, and in the asset's precomputed reach."""
    if not operational(ta, w, other):
        return False
    a = ta.assets[asset]
    for k in range(a.tgt_start, a.tgt_end):  # noqa: SIM110 (numba: no generators)
        if ta.targets[k] == other:
            return True
    return False


@njit(cache=True, _nrt=False)
def _answers(ta, w, asset, target, attacker, chain, rule):
    """Whether ``asset`` answers an attack on ``target`` (its owner's) by ``attacker`` (``MachineSpeed.answerers``)."""
    a = ta.assets[asset]
    if a.owner != ta.assets[target].owner or a.can_engage == 0 or not operational(ta, w, asset):
        return False
    if asset != target and (rule != ly.SD_DEFEND_ZONE or a.zone != ta.assets[target].zone):
        return False
    if w.autonomy[asset] == ly.AUT_IN or (chain >= 0 and w.answered[chain, asset] != 0):
        return False
    return _in_reach(ta, w, asset, attacker)


@njit(cache=True, _nrt=False)
def _new_chain(ta, w, root, node, losses):
    """A new chain whose first shot had ``losses`` (its number is the count of chains so far)."""
    c = w.iscal[IS_NCHAIN]
    if c >= w.chain_i.shape[0] - 1:
        overflow(w)
        c = w.chain_i.shape[0] - 1
    else:
        w.iscal[IS_NCHAIN] = c + 1
    level = crisis_level(w)
    w.chain_i[c, CI_ROOT] = root
    w.chain_i[c, CI_NODE] = node
    w.chain_i[c, CI_LEVEL0] = level
    w.chain_i[c, CI_TOP] = level
    w.chain_i[c, CI_EXCHANGES] = 0
    w.chain_i[c, CI_KINETIC] = 1 if losses > 0 else 0
    w.chain_f[c, CF_START] = w.fscal[FS_NOW]
    w.chain_f[c, CF_TOP] = math.nan
    for i in range(w.answered.shape[1]):
        w.answered[c, i] = 0
    return c


@njit(cache=True, _nrt=False)
def after_attack(ta, w, attacker, target, chain, root, node, losses, log_id, pending):
    """``MachineSpeed.after_attack``: start the machine-speed answers to an attack (a new chain, adopting the
    first shot's pending response ``pending``, if needed)."""
    rule = ta.actors[ta.assets[target].owner].self_defense
    if rule == ly.SD_HOLD:
        return
    n = ta.assets.shape[0]
    first = -1
    for z in range(n):
        if _answers(ta, w, z, target, attacker, chain, rule):
            first = z
            break
    if first < 0:
        return
    if chain < 0:
        chain = _new_chain(ta, w, root, node, losses)
        w.resp_i[pending, RI_CHAIN] = chain
    for z in range(first, n):
        if _answers(ta, w, z, target, attacker, chain, rule):
            w.answered[chain, z] = 1
            slot = spawn(w, ly.PROC_ANSWER, z, attacker, chain, log_id)
            w.proc_i[slot, ly.PI_TRACKS] = 1


@njit(cache=True, _nrt=False)
def exchange_made(ta, w, asset, other, chain, provocation, log_id):
    """``MachineSpeed.exchange_made``: the answering side's forces stand at the rung of what they did."""
    actor = ta.assets[asset].owner
    toward = ta.assets[other].owner
    new = min(provocation, BELOW_FIREBREAK)
    if new > w.posture[actor, toward]:
        node = extend(w, w.chain_i[chain, CI_NODE], log_id)
        why = ly.WHY_MACHINE + chain
        change_posture(ta, w, actor, toward, new, w.chain_i[chain, CI_ROOT], node, why, 0, True)
    level = crisis_level(w)
    if level > w.chain_i[chain, CI_TOP]:
        w.chain_i[chain, CI_TOP] = level
        w.chain_f[chain, CF_TOP] = w.fscal[FS_NOW]
        rise = level - w.chain_i[chain, CI_LEVEL0]
        if rise > w.iscal[IS_FLASH_MAX]:
            w.iscal[IS_FLASH_MAX] = rise
