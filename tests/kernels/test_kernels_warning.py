"""Warning-chain kernels: the closed form of the chance that leaders act on a false alarm."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.kernels import warning as wk

CHECK = settings(deadline=None, max_examples=200)
P = st.floats(0.0, 1.0)


@CHECK
@given(P, st.floats(0.0, 1.0), st.integers(0, 7))
def test_leaders_act_probability(base, per_rung, posture):
    got = wk.leaders_act_probability(base, per_rung, posture)
    assert got == min(1.0, base + per_rung * posture)
    assert wk.leaders_act_probability(base, per_rung, min(posture + 1, 7)) >= got


@CHECK
@given(P, P, P)
def test_acted_on_probability_is_the_product_of_the_stages(corroboration, catch, leaders):
    got = wk.false_alarm_acted_probability(corroboration, catch, leaders)
    assert got == corroboration * (1.0 - catch) * leaders
    assert 0.0 <= got <= min(corroboration, 1.0 - catch, leaders)


def test_the_defaults_fit_the_record_of_no_serious_alarm_acted_on():
    """Defaults: 1 in 10 confirmed, 95% caught in the loop, 20% acted on in peacetime: 0.1% per alarm.

    Four documented serious alarms (NORAD 1979, 1980 twice; Oko 1983), none acted on: the exact 95% upper
    bound on the per-alarm probability is 1 - 0.05**(1/4) = 0.53, and the defaults lie far inside it.
    """
    p = wk.false_alarm_acted_probability(0.1, 0.95, wk.leaders_act_probability(0.2, 0.2, 0))
    assert p == pytest.approx(0.1 * 0.05 * 0.2)
    assert (1 - p) ** 4 > 0.99
