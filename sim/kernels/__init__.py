"""Shared model math as numba ``@njit(cache=True)`` pure functions, and the counter-based RNG.

Both engines (the Mesa reference and the compiled twin) call exactly these functions. Importing this
package only defines functions; numba compiles each one lazily on first call (and caches to disk).
"""

from sim.kernels.combat import defensive_round, drone_attrition, encounter_rate, salvo_exchange
from sim.kernels.perception import (
    hostile_share,
    human_criterion,
    human_d_prime,
    misattribution_probability,
    norm_cdf,
    p_detect,
    p_false_alarm,
    p_human_approves,
    posterior_hostile,
    roe_threshold,
)
from sim.kernels.response import (
    DOCTRINE_ESCALATE_TO_DOMINATE,
    DOCTRINE_PROPORTIONAL,
    DOCTRINE_RESTRAINED,
    MAX_RUNG,
    de_escalation_hazard_per_day,
    ending_hazard_per_day,
    escalation_hazard_per_day,
    hazard_probability,
    response_rung,
    severity_of_step,
    severity_weight,
)
from sim.kernels.rng import (
    bernoulli,
    binomial,
    choice_index,
    draw_bits,
    exponential,
    mix64,
    triangular,
    uniform,
    uniform_py,
)
from sim.kernels.space import asat_kill, collision_rate_per_day, satellite_hit_index
from sim.kernels.technology import (
    compute_share,
    d_prime,
    distilled_capability,
    effective_capability,
    fleet_fraction,
    fleet_size,
)
from sim.kernels.warning import false_alarm_acted_probability, leaders_act_probability

__all__ = [
    "DOCTRINE_ESCALATE_TO_DOMINATE",
    "DOCTRINE_PROPORTIONAL",
    "DOCTRINE_RESTRAINED",
    "MAX_RUNG",
    "asat_kill",
    "bernoulli",
    "binomial",
    "choice_index",
    "collision_rate_per_day",
    "compute_share",
    "d_prime",
    "de_escalation_hazard_per_day",
    "defensive_round",
    "distilled_capability",
    "draw_bits",
    "drone_attrition",
    "effective_capability",
    "encounter_rate",
    "ending_hazard_per_day",
    "escalation_hazard_per_day",
    "exponential",
    "false_alarm_acted_probability",
    "fleet_fraction",
    "fleet_size",
    "hazard_probability",
    "hostile_share",
    "human_criterion",
    "human_d_prime",
    "leaders_act_probability",
    "misattribution_probability",
    "mix64",
    "norm_cdf",
    "p_detect",
    "p_false_alarm",
    "p_human_approves",
    "posterior_hostile",
    "response_rung",
    "roe_threshold",
    "salvo_exchange",
    "satellite_hit_index",
    "severity_of_step",
    "severity_weight",
    "triangular",
    "uniform",
    "uniform_py",
]
