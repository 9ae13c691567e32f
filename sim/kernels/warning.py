"""Early-warning kernels: the chance that a serious false alarm reaches leaders who act on it."""

from __future__ import annotations

from numba import njit

__all__ = ["false_alarm_acted_probability", "leaders_act_probability"]


@njit(cache=True)
def leaders_act_probability(base, per_rung, posture):
    """Probability leaders act on an alarm that reached them: ``min(1, base + per_rung * posture)``.

    Args:
        base: At rung 0 toward the blamed side.
        per_rung: Added per rung of the leaders' posture toward the blamed side.
        posture: That posture.

    Returns:
        Probability in [0, 1].
    """
    p = base + per_rung * posture
    if p > 1.0:
        p = 1.0
    return p


@njit(cache=True)
def false_alarm_acted_probability(corroboration, conference_catch, leaders_act):
    """P(leaders act on a false alarm): a second sensor seems to confirm it, the conference misses it, leaders act.

    An unconfirmed alarm is dismissed; a confirmed one goes to a threat assessment conference, which
    recognises it with probability ``conference_catch``; leaders then act on what reaches them with
    probability ``leaders_act`` (:func:`leaders_act_probability`).

    Args:
        corroboration: Probability an independent sensor seems to confirm the false alarm.
        conference_catch: Probability the threat conference recognises a confirmed false alarm.
        leaders_act: Probability leaders act on an alarm that reached them.

    Returns:
        The probability in [0, 1].
    """
    return corroboration * (1.0 - conference_catch) * leaders_act
