"""Counter-based random numbers: every draw is a pure hash of (seed, run, entity, purpose, counter).

There is no generator state. A draw depends only on its five integer coordinates, so results do not
depend on processing order, thread count, worker count or engine (Mesa reference or compiled twin).

The hash chains the splitmix64 finaliser (a bijection on 64-bit words) once per field::

    h = mix64(seed ^ K_SEED)
    h = mix64(h ^ (run + K_RUN))
    h = mix64(h ^ (entity + K_ENTITY))
    h = mix64(h ^ (purpose + K_PURPOSE))
    h = mix64(h ^ (counter + K_COUNTER))

all in wrap-around uint64 arithmetic, with distinct odd constants ``K_*``. Because every step is a
bijection of the running word, changing only the last field always changes the output, and changing an
earlier field changes the running word, so two different coordinate tuples collide only by chance
(about 2**-64), not through a trivial symmetry such as (run=1, entity=0) vs (run=0, entity=1).

The transforms below (``exponential``, ``triangular``, ``bernoulli``, ``binomial``, ``choice_index``) map
one uniform ``u`` in [0, 1) to a variate by inversion; they are pure functions of their arguments.

All integer arguments are Python ints in [-2**63, 2**63 - 1] (int64 inside numba); they are reinterpreted
as uint64 (two's complement) before hashing.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

__all__ = [
    "bernoulli",
    "binomial",
    "choice_index",
    "draw_bits",
    "exponential",
    "mix64",
    "triangular",
    "uniform",
    "uniform_py",
]

# splitmix64 finaliser constants (Steele, Lea & Flood 2014; Vigna's splitmix64.c).
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_S30 = np.uint64(30)
_S27 = np.uint64(27)
_S31 = np.uint64(31)
_S11 = np.uint64(11)

# Distinct odd per-field constants (golden-ratio increment and other odd 64-bit words).
_K_SEED = np.uint64(0x9E3779B97F4A7C15)
_K_RUN = np.uint64(0xD1B54A32D192ED03)
_K_ENTITY = np.uint64(0x8CB92BA72F3D8DD7)
_K_PURPOSE = np.uint64(0xA0761D6478BD642F)
_K_COUNTER = np.uint64(0xE7037ED1A0B428DB)

_TWO_POW_M53 = 1.0 / 9007199254740992.0  # 2**-53

# Pure-Python copies of the constants (for ``uniform_py``).
_MASK = 0xFFFFFFFFFFFFFFFF
_PM1 = 0xBF58476D1CE4E5B9
_PM2 = 0x94D049BB133111EB
_PK_SEED = 0x9E3779B97F4A7C15
_PK_RUN = 0xD1B54A32D192ED03
_PK_ENTITY = 0x8CB92BA72F3D8DD7
_PK_PURPOSE = 0xA0761D6478BD642F
_PK_COUNTER = 0xE7037ED1A0B428DB

# Binomial inversion skips tail terms whose probability is below exp(_BINOM_LOG_TINY) ~ 3.7e-44 each.
# Their total (< 1e4 * 3.7e-44) is far below the resolution of a double-precision uniform (2**-53).
_BINOM_LOG_TINY = -100.0
# For u below 2**-53 (not produced by ``uniform``) the cut is lowered to log(u) - 60, but not below this
# floor, so exp() of the starting term stays a normal double.
_BINOM_LOG_FLOOR = -700.0


@njit(cache=True)
def mix64(x):
    """Apply the splitmix64 finaliser to a 64-bit word.

    Args:
        x: Integer, reinterpreted as uint64 (two's complement for negative int64).

    Returns:
        The mixed word as uint64: ``x ^= x >> 30; x *= 0xbf58476d1ce4e5b9; x ^= x >> 27;
        x *= 0x94d049bb133111eb; x ^= x >> 31`` with wrap-around multiplication.
    """
    z = np.uint64(x)
    z = z ^ (z >> _S30)
    z = z * _M1
    z = z ^ (z >> _S27)
    z = z * _M2
    z = z ^ (z >> _S31)
    return z


@njit(cache=True)
def draw_bits(seed, run, entity, purpose, counter):
    """Hash five integer coordinates to 64 random bits.

    Args:
        seed: Experiment seed.
        run: Monte Carlo run index.
        entity: Identifier of the agent/asset/engagement drawing the number.
        purpose: Code of what the draw is for (a fixed small integer per use site).
        counter: Per-(entity, purpose) draw counter.

    Returns:
        uint64 hash of the five fields.
    """
    return keyed_draw_bits(stream_key(seed, run), entity, purpose, counter)


@njit(cache=True)
def stream_key(seed, run):
    """The first two rounds of :func:`draw_bits`, which depend on ``(seed, run)`` only.

    A replication hashes them once and draws with :func:`keyed_uniform`; the bits are the same.

    Returns:
        uint64 key of the replication's stream.
    """
    h = mix64(np.uint64(seed) ^ _K_SEED)
    return mix64(h ^ (np.uint64(run) + _K_RUN))


@njit(cache=True)
def keyed_draw_bits(key, entity, purpose, counter):
    """The last three rounds of :func:`draw_bits`, from a :func:`stream_key` (uint64, or int64 with its bits)."""
    h = mix64(np.uint64(key) ^ (np.uint64(entity) + _K_ENTITY))
    h = mix64(h ^ (np.uint64(purpose) + _K_PURPOSE))
    h = mix64(h ^ (np.uint64(counter) + _K_COUNTER))
    return h


@njit(cache=True)
def keyed_uniform(key, entity, purpose, counter):
    """:func:`uniform` from a replication's :func:`stream_key`: the same value, two rounds fewer per draw."""
    return np.float64(keyed_draw_bits(key, entity, purpose, counter) >> _S11) * _TWO_POW_M53


@njit(cache=True)
def uniform(seed, run, entity, purpose, counter):
    """Uniform draw in [0, 1) on the 2**-53 grid: ``(draw_bits >> 11) * 2**-53``.

    Args:
        seed: Experiment seed.
        run: Monte Carlo run index.
        entity: Entity identifier.
        purpose: Purpose code.
        counter: Draw counter.

    Returns:
        A float in [0, 1), an exact multiple of 2**-53.
    """
    return np.float64(draw_bits(seed, run, entity, purpose, counter) >> _S11) * _TWO_POW_M53


def _mix64_py(z: int) -> int:
    z &= _MASK
    z ^= z >> 30
    z = (z * _PM1) & _MASK
    z ^= z >> 27
    z = (z * _PM2) & _MASK
    return z ^ (z >> 31)


def uniform_py(seed: int, run: int, entity: int, purpose: int, counter: int) -> float:
    """Pure-Python twin of :func:`uniform`, bit-for-bit equal.

    Kept as an executable, dependency-free statement of the hash (and for contexts without numba). It is
    about 10x *slower* than calling the jitted :func:`uniform` from Python (~3.3 us vs ~0.3 us per call,
    see docs/model.md §20), so engines should call :func:`uniform`.

    Args:
        seed: Experiment seed.
        run: Monte Carlo run index.
        entity: Entity identifier.
        purpose: Purpose code.
        counter: Draw counter.

    Returns:
        Exactly ``uniform(seed, run, entity, purpose, counter)``.
    """
    h = _mix64_py((seed & _MASK) ^ _PK_SEED)
    h = _mix64_py(h ^ (((run & _MASK) + _PK_RUN) & _MASK))
    h = _mix64_py(h ^ (((entity & _MASK) + _PK_ENTITY) & _MASK))
    h = _mix64_py(h ^ (((purpose & _MASK) + _PK_PURPOSE) & _MASK))
    h = _mix64_py(h ^ (((counter & _MASK) + _PK_COUNTER) & _MASK))
    return (h >> 11) * _TWO_POW_M53


@njit(cache=True)
def exponential(u, mean):
    """Exponential variate by inversion: ``-mean * log1p(-u)``.

    Args:
        u: Uniform in [0, 1).
        mean: Mean of the distribution (any time unit; the result has the same unit).

    Returns:
        A non-negative float (0 when ``u == 0``).
    """
    return -mean * math.log1p(-u)


@njit(cache=True)
def triangular(u, low, mode, high):
    """Triangular variate by inversion of the CDF.

    With ``c = (mode - low) / (high - low)``: if ``u < c`` the result is
    ``low + sqrt(u (high - low)(mode - low))``, otherwise ``high - sqrt((1 - u)(high - low)(high - mode))``.

    Args:
        u: Uniform in [0, 1).
        low: Lower bound.
        mode: Mode, ``low <= mode <= high``.
        high: Upper bound.

    Returns:
        A float in [low, high] (clamped against rounding); ``low`` when ``low == high``.
    """
    width = high - low
    if width <= 0.0:
        return low
    c = (mode - low) / width
    x = low + math.sqrt(u * width * (mode - low)) if u < c else high - math.sqrt((1.0 - u) * width * (high - mode))
    # Rounding can step just outside the support (e.g. high - width < low); clamp.
    return min(max(x, low), high)


@njit(cache=True)
def bernoulli(u, p):
    """Bernoulli trial: ``u < p``.

    Args:
        u: Uniform in [0, 1).
        p: Success probability.

    Returns:
        True with probability ``p``.
    """
    return u < p


@njit(cache=True)
def _binom_log_pmf(k, n, p):
    return (
        math.lgamma(n + 1.0)
        - math.lgamma(k + 1.0)
        - math.lgamma(n - k + 1.0)
        + k * math.log(p)
        + (n - k) * math.log1p(-p)
    )


@njit(cache=True)
def binomial(u, n, p):
    """Binomial(n, p) variate by exact inversion of the CDF: the smallest ``k`` with ``u < F(k)``.

    Method. ``F`` is never formed from a possibly-underflowing ``pmf(0) = (1 - p)**n``. Instead:

    * ``u < 0.5``: find ``k0``, the first ``k`` at or below the mode ``floor((n + 1) p)`` whose
      ``log pmf(k)`` (via ``lgamma``) is at least -100 (binary search; ``log pmf`` is concave), start
      there with ``pmf(k0) = exp(log pmf(k0))`` and walk up with ``pmf(k + 1) = pmf(k) (n - k)/(k + 1)
      p/(1 - p)``, summing the lower tail small-to-large until the running sum exceeds ``u``.
    * ``u >= 0.5``: symmetric, from the top: start at the last non-negligible ``k1`` above the mode and
      walk down summing the upper tail ``S(k) = P(X > k)``; return the smallest ``k`` with
      ``S(k) < 1 - u`` (``1 - u`` is exact for ``u >= 0.5``).

    Skipped tail terms are each below ``exp(-100)``; their total is far below the 2**-53 grid of ``u``.
    For ``0 < u < 2**-53`` (never produced by :func:`uniform`, but possible for derived uniforms) the cut
    is lowered to ``u * exp(-60)``, floored at ``exp(-700)``, so the result stays exact down to
    ``u ~ 1e-280``. Agrees with the exact inverse (and ``scipy.stats.binom.ppf``/``isf``) except when ``u``
    lies within rounding (~1e-12 relative) of a CDF value. Cost is O(number of walked terms), at most O(n).

    Args:
        u: Uniform in [0, 1).
        n: Number of trials (int). ``n <= 0`` gives 0.
        p: Success probability. ``p <= 0`` gives 0, ``p >= 1`` gives ``n``.

    Returns:
        An int in [0, n].
    """
    if n <= 0 or p <= 0.0:
        return 0
    if p >= 1.0:
        return n
    if u <= 0.0:
        return 0
    if u >= 1.0:
        return n
    q = 1.0 - p
    mode = math.floor((n + 1) * p)
    if mode > n:
        mode = n
    if u < 0.5:
        tiny = _BINOM_LOG_TINY
        if u < _TWO_POW_M53:  # below the uniform() grid: skip only mass far below u itself
            tiny = max(_BINOM_LOG_FLOOR, min(tiny, math.log(u) - 60.0))
        # Lower tail: first k in [0, mode] with log pmf(k) >= tiny.
        lo = 0
        if _binom_log_pmf(0, n, p) < tiny:
            hi = mode  # log pmf(mode) >= -log(n + 1) > tiny
            while hi - lo > 1:
                mid = (lo + hi) // 2
                if _binom_log_pmf(mid, n, p) >= tiny:
                    hi = mid
                else:
                    lo = mid
            lo = hi
        odds = p / q
        k = lo
        f = math.exp(_binom_log_pmf(k, n, p))
        cdf = f
        while cdf <= u and k < n:
            f = f * (n - k) / (k + 1) * odds
            k += 1
            cdf += f
        return k
    # Upper tail: last k in [mode, n] with log pmf(k) >= tiny.
    hi = n
    if _binom_log_pmf(n, n, p) < _BINOM_LOG_TINY:
        lo = mode
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if _binom_log_pmf(mid, n, p) >= _BINOM_LOG_TINY:
                lo = mid
            else:
                hi = mid
        hi = lo
    inv_odds = q / p
    target = 1.0 - u
    k = hi
    f = math.exp(_binom_log_pmf(k, n, p))
    survival = 0.0  # S(k) = P(X > k)
    while k > 0:
        s_next = survival + f  # S(k - 1)
        if s_next >= target:
            break
        survival = s_next
        f = f * k / (n - k + 1) * inv_odds
        k -= 1
    return k


@njit(cache=True)
def choice_index(u, n):
    """Uniform index in [0, n): ``min(int(u * n), n - 1)``.

    Args:
        u: Uniform in [0, 1).
        n: Number of choices (>= 1).

    Returns:
        An int in [0, n - 1].
    """
    i = int(u * n)
    if i > n - 1:
        i = n - 1
    return i
