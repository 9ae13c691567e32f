"""Counter-based RNG and inversion transforms, compared with slow, obvious plain-Python references."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy import stats

from sim.kernels import rng

CHECK = settings(deadline=None, max_examples=200)

MASK = (1 << 64) - 1
INT64 = st.integers(min_value=-(2**63), max_value=2**63 - 1)
SMALL = st.integers(min_value=0, max_value=2**20)
UNIT = st.floats(min_value=0.0, max_value=1.0, exclude_max=True, allow_nan=False)
PROB = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)
UNIT_GRID = st.integers(min_value=0, max_value=2**53 - 1).map(lambda m: m / 2.0**53)  # what uniform() yields


# ---------------------------------------------------------------------------- references
def ref_mix64(x: int) -> int:
    x &= MASK
    x ^= x >> 30
    x = (x * 0xBF58476D1CE4E5B9) & MASK
    x ^= x >> 27
    x = (x * 0x94D049BB133111EB) & MASK
    x ^= x >> 31
    return x


def ref_draw_bits(seed: int, run: int, entity: int, purpose: int, counter: int) -> int:
    h = ref_mix64((seed & MASK) ^ 0x9E3779B97F4A7C15)
    h = ref_mix64(h ^ ((run + 0xD1B54A32D192ED03) & MASK))
    h = ref_mix64(h ^ ((entity + 0x8CB92BA72F3D8DD7) & MASK))
    h = ref_mix64(h ^ ((purpose + 0xA0761D6478BD642F) & MASK))
    h = ref_mix64(h ^ ((counter + 0xE7037ED1A0B428DB) & MASK))
    return h


def ref_uniform(*fields: int) -> float:
    return (ref_draw_bits(*fields) >> 11) / 2.0**53


def exact_binom_cdf(n: int, p: float) -> list[Fraction]:
    """Exact CDF of Binomial(n, p) for the binary fraction p, as rationals."""
    pf = Fraction(p)
    qf = 1 - pf
    out, acc = [], Fraction(0)
    for k in range(n + 1):
        acc += math.comb(n, k) * pf**k * qf ** (n - k)
        out.append(acc)
    return out


def ref_binomial_exact(u: float, n: int, p: float) -> tuple[int, float]:
    """Smallest k with u < F(k), exactly; also the distance from u to the nearest CDF value relative to u."""
    if n <= 0:
        return 0, 1.0
    cdf = exact_binom_cdf(n, p)
    uf = Fraction(u)
    k = next((i for i, c in enumerate(cdf) if uf < c), n)
    gap = min(abs(float((c - uf) / uf)) for c in cdf) if u > 0 else 1.0
    return k, gap


def to_int64(x: int) -> int:
    x &= MASK
    return x - (1 << 64) if x >= 1 << 63 else x


# ---------------------------------------------------------------------------- hash
def test_mix64_is_standard_splitmix64():
    # splitmix64 seeded with 0: outputs are mix64(k * golden_gamma), k = 1, 2, 3 (Vigna's splitmix64.c).
    gamma = 0x9E3779B97F4A7C15
    expected = [0xE220A8397B1DCDAF, 0x6E789E6AA1B965F4, 0x06C45D188009454F]
    assert [rng.mix64(to_int64(k * gamma)) for k in (1, 2, 3)] == expected


GOLDEN = [
    ((0, 0, 0, 0, 0), 14646142632002487694, 0.793968983007483),
    ((1, 2, 3, 4, 5), 8583341986144301090, 0.4653039014281848),
    ((42, 7, 1001, 3, 99), 9337933216578049700, 0.5062103739969237),
    ((2**63 - 1, 2**62, 12345678901, 17, 2**40), 9911971248759783802, 0.5373290380759608),
    ((-1, -2, -3, -4, -5), 17275548359949086512, 0.9365093531367595),
]


@pytest.mark.parametrize(("fields", "bits", "u"), GOLDEN)
def test_golden_values(fields, bits, u):
    assert rng.draw_bits(*fields) == bits
    assert ref_draw_bits(*fields) == bits
    assert rng.uniform(*fields) == u
    assert rng.uniform_py(*fields) == u


@CHECK
@given(INT64)
def test_mix64_matches_reference(x):
    assert rng.mix64(x) == ref_mix64(x)


@CHECK
@given(INT64, INT64, INT64, INT64, INT64)
def test_draw_bits_and_uniform_match_reference(seed, run, entity, purpose, counter):
    fields = (seed, run, entity, purpose, counter)
    assert rng.draw_bits(*fields) == ref_draw_bits(*fields)
    u = rng.uniform(*fields)
    assert u == ref_uniform(*fields)
    assert u == rng.uniform_py(*fields)
    assert 0.0 <= u < 1.0


@CHECK
@given(INT64, INT64, INT64, INT64, INT64)
def test_a_stream_key_hashed_once_gives_the_same_draws(seed, run, entity, purpose, counter):
    """The compiled engine hashes (seed, run) once per replication and keeps the key in an int64 slot."""
    key = np.uint64(rng.stream_key(seed, run))  # numba hands a uint64 back as a Python int
    kept = np.array([key], dtype=np.uint64).view(np.int64)[0]  # the workspace stores the bits as int64
    assert rng.keyed_uniform(key, entity, purpose, counter) == rng.uniform(seed, run, entity, purpose, counter)
    assert rng.keyed_uniform(kept, entity, purpose, counter) == ref_uniform(seed, run, entity, purpose, counter)


def test_uniform_py_equals_uniform_on_many_inputs():
    gen = np.random.default_rng(20240601)
    fields = gen.integers(-(2**63), 2**63 - 1, size=(20_000, 5), dtype=np.int64, endpoint=True)
    for row in fields.tolist():
        assert rng.uniform(*row) == rng.uniform_py(*row)


def test_determinism():
    a = [rng.uniform(9, 1, e, 2, c) for e in range(20) for c in range(20)]
    b = [rng.uniform(9, 1, e, 2, c) for e in range(20) for c in range(20)]
    assert a == b


@CHECK
@given(st.lists(SMALL, min_size=5, max_size=5), st.integers(0, 4), SMALL)
def test_changing_any_field_changes_output(fields, which, new_value):
    assume(fields[which] != new_value)
    other = list(fields)
    other[which] = new_value
    assert rng.draw_bits(*fields) != rng.draw_bits(*other)


def test_no_field_swap_collisions():
    # Moving a value from one field to another must not reproduce the same draw.
    seen = {}
    for i in range(5):
        for v in range(1, 50):
            fields = [0, 0, 0, 0, 0]
            fields[i] = v
            seen.setdefault(rng.draw_bits(*fields), []).append(tuple(fields))
    assert all(len(v) == 1 for v in seen.values())
    assert rng.draw_bits(0, 1, 0, 0, 0) != rng.draw_bits(0, 0, 1, 0, 0)


# ---------------------------------------------------------------------------- statistics (fixed inputs)
N_STAT = 100_000


def _stream(field: int) -> np.ndarray:
    out = np.empty(N_STAT)
    for i in range(N_STAT):
        fields = [7, 3, 11, 5, 0]
        fields[field] = i
        out[i] = rng.uniform(*fields)
    return out


@pytest.fixture(scope="module")
def counter_stream() -> np.ndarray:
    return _stream(4)


def test_uniformity_chi_square_and_ks(counter_stream):
    counts, _ = np.histogram(counter_stream, bins=100, range=(0.0, 1.0))
    chi = stats.chisquare(counts)
    assert chi.pvalue > 1e-3
    ks = stats.kstest(counter_stream, "uniform")
    assert ks.pvalue > 1e-3
    assert abs(counter_stream.mean() - 0.5) < 4 * math.sqrt(1 / 12 / N_STAT)


@pytest.mark.parametrize("field", [0, 1, 2, 3, 4])
def test_independence_along_each_field(field, counter_stream):
    s = counter_stream if field == 4 else _stream(field)
    bound = 4.5 / math.sqrt(N_STAT)
    for lag in (1, 2, 7):
        r = np.corrcoef(s[:-lag], s[lag:])[0, 1]
        assert abs(r) < bound
    counts, _ = np.histogram(s, bins=50, range=(0.0, 1.0))
    assert stats.chisquare(counts).pvalue > 1e-3


def test_independence_across_fields(counter_stream):
    entity_stream = _stream(2)
    r = np.corrcoef(counter_stream, entity_stream)[0, 1]
    assert abs(r) < 4.5 / math.sqrt(N_STAT)


def test_output_bits_balanced():
    n = 20_000
    ones = np.zeros(64)
    for i in range(n):
        h = rng.draw_bits(1, 0, 0, 0, i)
        ones += [(h >> b) & 1 for b in range(64)]
    # Each bit is Binomial(n, 1/2); allow 5 SD.
    assert np.all(np.abs(ones - n / 2) < 5 * math.sqrt(n / 4))


# ---------------------------------------------------------------------------- transforms
@CHECK
@given(UNIT, st.floats(min_value=1e-6, max_value=1e6))
def test_exponential_matches_scipy_ppf(u, mean):
    got = rng.exponential(u, mean)
    assert got == -mean * math.log1p(-u)
    assert got == pytest.approx(stats.expon.ppf(u, scale=mean), rel=1e-12, abs=0.0)
    assert got >= 0.0


@CHECK
@given(
    UNIT,
    st.floats(min_value=-1e3, max_value=1e3),
    st.floats(min_value=0.0, max_value=1.0),
    st.floats(min_value=1e-3, max_value=1e3),
)
def test_triangular_matches_scipy_ppf(u, low, c, width):
    high = low + width
    mode = low + c * (high - low)
    assume(low <= mode <= high)
    got = rng.triangular(u, low, mode, high)
    cc = (mode - low) / (high - low)
    want = stats.triang.ppf(u, cc, loc=low, scale=high - low)
    assert got == pytest.approx(want, rel=1e-9, abs=1e-9 * (abs(low) + width))
    assert low <= got <= high


def test_triangular_degenerate_and_endpoints():
    assert rng.triangular(0.3, 2.0, 2.0, 2.0) == 2.0
    assert rng.triangular(0.0, 1.0, 2.0, 4.0) == 1.0
    assert rng.triangular(0.0, 1.0, 1.0, 4.0) == pytest.approx(1.0)
    assert rng.triangular(1.0 / 3.0, 1.0, 2.0, 4.0) == pytest.approx(2.0, rel=1e-15)


@CHECK
@given(UNIT, PROB)
def test_bernoulli(u, p):
    assert rng.bernoulli(u, p) == (u < p)
    assert rng.bernoulli(u, 1.0) is True
    assert rng.bernoulli(u, 0.0) is False


@CHECK
@given(UNIT, st.integers(min_value=1, max_value=10**6))
def test_choice_index(u, n):
    i = rng.choice_index(u, n)
    assert i == min(int(u * n), n - 1)
    assert 0 <= i < n


def test_choice_index_uniform():
    n = 7
    counts = np.bincount([rng.choice_index(rng.uniform(3, 0, 0, 1, c), n) for c in range(70_000)], minlength=n)
    assert stats.chisquare(counts).pvalue > 1e-3


# ---------------------------------------------------------------------------- binomial
def test_binomial_special_cases():
    assert rng.binomial(0.7, 0, 0.5) == 0
    assert rng.binomial(0.7, -3, 0.5) == 0
    assert rng.binomial(0.999, 50, 0.0) == 0
    assert rng.binomial(0.0, 50, 1.0) == 50
    assert rng.binomial(0.0, 50, 0.3) == 0
    assert rng.binomial(0.0, 10_000, 0.999) == 0
    assert rng.binomial(1.0 - 2.0**-53, 10_000, 1e-300) == 0
    assert rng.binomial(1.0 - 2.0**-53, 10_000, 0.5) <= 10_000
    # u below the 2**-53 grid still sees the (tiny) lower tail: F(0) = (1 - p)**n ~ 3e-49 > u.
    assert rng.binomial(4.649970168347545e-58, 18, 0.998046875) == 0
    assert rng.binomial(6.934955862373146e-177, 31, 0.96875) == 0


# The documented domain: 0, or u >= 1e-280 (uniform() only yields 0 or u >= 2**-53).
BINOM_U = st.one_of(st.just(0.0), st.floats(min_value=1e-280, max_value=1.0, exclude_max=True), UNIT_GRID)


@CHECK
@given(BINOM_U, st.integers(min_value=0, max_value=40), PROB)
def test_binomial_matches_exact_inverse_cdf(u, n, p):
    got = rng.binomial(u, n, p)
    want, gap = ref_binomial_exact(u, n, p)
    if gap > 1e-12:
        assert got == want
    else:  # u within rounding (relative) of a CDF value: either neighbour is acceptable
        assert abs(got - want) <= 1


def test_binomial_matches_scipy_ppf_grid():
    gen = np.random.default_rng(7)
    checked = 0
    for _ in range(4000):
        n = int(gen.integers(0, 10_001)) if gen.random() < 0.5 else int(gen.integers(0, 60))
        p = float(gen.random()) if gen.random() < 0.7 else float(10 ** gen.uniform(-9, 0))
        if gen.random() < 0.1:
            p = 1.0 - p
        u = float(gen.random())
        got = rng.binomial(u, n, p)
        want = int(stats.binom.ppf(u, n, p))
        assert got == want, (u, n, p)
        checked += 1
    assert checked == 4000


@pytest.mark.parametrize(("n", "p"), [(10_000, 0.5), (10_000, 1e-4), (10_000, 0.9999), (5_000, 0.03), (1, 0.5)])
def test_binomial_extreme_tails_match_scipy(n, p):
    # scipy's ppf goes through the CDF and loses precision as u -> 1, so the upper half is checked with
    # isf(1 - u) (the survival function), which is what binomial() inverts there.
    for u in (2.0**-53, 1e-12, 1e-6, 0.01, 0.5 - 2.0**-53, 0.5, 0.99, 1 - 1e-6, 1 - 1e-12, 1 - 2.0**-53):
        got = rng.binomial(u, n, p)
        want = int(stats.binom.ppf(u, n, p)) if u < 0.5 else int(stats.binom.isf(1.0 - u, n, p))
        if got != want:  # only exact ties may differ: u == F(k), where we return k + 1 (u < F(k) convention)
            assert got == want + 1
            assert stats.binom.cdf(want, n, p) == u


def test_binomial_upper_tail_exact_big_integers():
    # p = 1/2: P(X > k) = sum_{j > k} C(n, j) / 2**n exactly; smallest k with P(X > k) < 1 - u.
    n = 10_000
    scale = 1 << n
    for u in (0.5, 0.75, 0.99, 1 - 1e-6, 1 - 1e-12, 1 - 2.0**-53):
        num, den = (1 - Fraction(u)).as_integer_ratio()
        bound = num * scale  # acc / 2**n < num / den  <=>  acc * den < num * 2**n
        k, acc, c = n, 0, 1  # c = C(n, k)
        while (acc + c) * den < bound:
            acc += c
            c = c * k // (n - k + 1)
            k -= 1
        assert rng.binomial(u, n, 0.5) == k


@CHECK
@given(UNIT, UNIT, st.integers(min_value=0, max_value=10_000), PROB)
def test_binomial_range_and_monotone_in_u(u1, u2, n, p):
    lo, hi = sorted((u1, u2))
    a, b = rng.binomial(lo, n, p), rng.binomial(hi, n, p)
    assert 0 <= a <= n
    assert 0 <= b <= n
    assert a <= b


def test_binomial_moments():
    n, p = 300, 0.37
    x = np.array([rng.binomial(rng.uniform(5, 0, 0, 0, c), n, p) for c in range(50_000)])
    assert x.mean() == pytest.approx(n * p, abs=4 * math.sqrt(n * p * (1 - p) / x.size))
    assert x.var() == pytest.approx(n * p * (1 - p), rel=0.03)
