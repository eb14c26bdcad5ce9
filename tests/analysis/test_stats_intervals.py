"""Intervals of sim.analysis against closed forms, SciPy's implementations and exact coverage; mergeable moments."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from scipy import stats
from support.reference import compare_paired, kaplan_meier, unpaired_difference

from sim.analysis.stats import (
    CoMoments,
    CrossMoments,
    Moments,
    mcnemar_p,
    mean_interval,
    paired_counts,
    paired_difference,
    unpaired_counts,
    wilson,
)
from sim.analysis.survival import kaplan_meier_counts

Z = stats.norm.ppf(0.975)


def test_wilson_closed_forms_at_the_edges():
    n = 10
    assert wilson(0, n).low == 0.0
    assert wilson(0, n).high == pytest.approx(Z * Z / (n + Z * Z))
    assert wilson(n, n).low == pytest.approx(n / (n + Z * Z))
    assert wilson(n, n).high == pytest.approx(1.0)


def test_wilson_is_symmetric_in_successes_and_failures():
    a, b = wilson(3, 17), wilson(14, 17)
    assert (a.low, a.high) == pytest.approx((1 - b.high, 1 - b.low))


@pytest.mark.parametrize("p", [0.02, 0.1, 0.35])
def test_exact_coverage_of_wilson_is_close_to_nominal(p):
    n = 200
    pmf = stats.binom.pmf(np.arange(n + 1), n, p)

    def coverage(interval):
        return sum(w for x, w in enumerate(pmf) if interval(x, n).low <= p <= interval(x, n).high)

    assert 0.92 <= coverage(wilson) <= 0.975


@pytest.mark.parametrize("bad", [(-1, 10), (11, 10), (0, 0)])
def test_proportion_intervals_refuse_impossible_counts(bad):
    with pytest.raises(ValueError):
        wilson(*bad)


def test_mean_interval_uses_the_normal_quantile():
    """Changed on purpose: the normal quantile, not Student t (the intervals are accumulated block by block)."""
    e = mean_interval([1, 2, 3, 4, 5])
    half = Z * np.std([1, 2, 3, 4, 5], ddof=1) / np.sqrt(5)
    assert (e.value, e.low, e.high) == pytest.approx((3, 3 - half, 3 + half))
    assert np.isnan(mean_interval([2.0]).low) and mean_interval([2.0]).value == 2.0
    with pytest.raises(ValueError):
        mean_interval([])


def test_ratio_of_means_with_a_constant_denominator_is_the_scaled_mean():
    x = np.array([1.0, 4.0, 2.0, 7.0, 3.0])
    r, m = CoMoments.of(x, np.full(5, 2.0)).ratio(), mean_interval(x / 2.0)
    assert (r.value, r.low, r.high) == pytest.approx((m.value, m.low, m.high))
    exact = CoMoments.of(3 * x, x).ratio()
    assert (exact.value, exact.low, exact.high) == pytest.approx((3, 3, 3))


def paired_arrays(n11: int, n10: int, n01: int, n00: int) -> tuple[np.ndarray, np.ndarray]:
    a = np.repeat([True, True, False, False], [n11, n10, n01, n00])
    b = np.repeat([True, False, True, False], [n11, n10, n01, n00])
    return a, b


def test_paired_difference_from_discordant_counts():
    a, b = paired_arrays(100, 10, 30, 860)
    n = 1000
    adjusted = (30.5 - 10.5) / (n + 2)
    half = Z * np.sqrt(((30.5 + 10.5) / (n + 2) - adjusted**2) / (n + 2))
    e = paired_difference(a, b)
    assert (e.value, e.low, e.high) == pytest.approx(((30 - 10) / n, adjusted - half, adjusted + half))


def test_with_many_pairs_the_paired_interval_is_close_to_the_plain_wald_one():
    n, only_a, only_b = 40_000, 1_200, 2_000
    diff = (only_b - only_a) / n
    half = Z * np.sqrt(((only_a + only_b) / n - diff**2) / n)
    e = paired_counts(n, only_a, only_b)
    assert (e.low, e.high) == pytest.approx((diff - half, diff + half), abs=1e-4)


def test_unpaired_difference_is_wald_on_two_independent_samples():
    a, b = np.r_[np.ones(30), np.zeros(70)], np.r_[np.ones(45), np.zeros(155)]
    half = Z * np.sqrt(0.3 * 0.7 / 100 + 0.225 * 0.775 / 200)
    e = unpaired_difference(a, b)
    assert (e.value, e.low, e.high) == pytest.approx((0.225 - 0.3, -0.075 - half, -0.075 + half))


def test_paired_comparison_narrower_than_unpaired_with_mcnemar_p():
    a, b = paired_arrays(100, 10, 30, 860)
    c = compare_paired(a, b)
    assert (c.only_a, c.only_b) == (10, 30)
    assert c.p_value == pytest.approx(stats.binomtest(30, 40, 0.5).pvalue)
    assert 0 < c.width_ratio < 1
    assert c.efficiency == pytest.approx(c.width_ratio**-2)


def test_identical_outcomes_give_a_paired_interval_around_zero():
    a = np.r_[np.ones(20, bool), np.zeros(80, bool)]
    c = compare_paired(a, a)
    assert c.paired.value == 0.0
    assert (c.paired.low, c.paired.high) == pytest.approx((-Z / 102, Z / 102))
    assert c.p_value == 1.0
    assert 0 < c.width_ratio < 1


def test_paired_interval_covers_the_true_difference_about_95_percent():
    rng = np.random.default_rng(5)
    n, sims = 400, 2000
    cells = np.array([0.25, 0.03, 0.06, 0.66])  # P(both), P(a only), P(b only), P(neither)
    true = cells[2] - cells[1]
    hits = 0
    for counts in rng.multinomial(n, cells, size=sims):
        e = paired_difference(*paired_arrays(*counts))
        hits += e.low <= true <= e.high
    assert 0.93 <= hits / sims <= 0.97


WILSON_CASES = [(k, n) for n in (1, 2, 3, 7, 10, 31, 100, 263, 1000, 4000, 10**6) for k in sorted({0, 1, 2, n // 3, n // 2, n - 2, n - 1, n}) if 0 <= k <= n]


@pytest.mark.parametrize("confidence", [0.5, 0.8, 0.9, 0.95, 0.99, 0.999])
def test_wilson_equals_scipy_to_machine_precision(confidence):
    for k, n in WILSON_CASES:
        ours = wilson(k, n, confidence)
        theirs = stats.binomtest(k, n).proportion_ci(confidence, method="wilson")
        assert ours.value == k / n
        assert ours.low == pytest.approx(theirs.low, rel=1e-13, abs=1e-15), (k, n)
        assert ours.high == pytest.approx(theirs.high, rel=1e-13, abs=1e-15), (k, n)


def censored_sample(seed: int, n: int, hazard: float, last: int) -> tuple[np.ndarray, np.ndarray]:
    """Whole-month times with a constant hazard, censored at random months before ``last`` (ties abound)."""
    rng = np.random.default_rng(seed)
    t, c = rng.geometric(hazard, n), rng.integers(1, last, n)
    return np.minimum(t, c), t <= c


@pytest.mark.filterwarnings("ignore:The confidence interval is undefined:RuntimeWarning")  # where S = 0; compared only where 0 < S < 1
@pytest.mark.parametrize(("seed", "n", "hazard"), [(1, 300, 0.05), (2, 40, 0.1), (3, 5000, 0.01), (4, 200, 0.3)])
@pytest.mark.parametrize("confidence", [0.9, 0.95, 0.99])
def test_kaplan_meier_and_its_log_log_band_equal_scipy_ecdf(seed, n, hazard, confidence):
    times, observed = censored_sample(seed, n, hazard, 60)
    curve = kaplan_meier(times, observed, confidence)
    result = stats.ecdf(stats.CensoredData(uncensored=times[observed], right=times[~observed]))
    band = result.sf.confidence_interval(confidence, method="log-log")
    months = curve.months
    np.testing.assert_allclose(curve.survival, result.sf.evaluate(months), rtol=0, atol=1e-14)
    inside = (curve.survival > 0) & (curve.survival < 1)  # elsewhere the band is the exact binomial bound (see sim.analysis.survival)
    assert inside.sum() > 3
    np.testing.assert_allclose(curve.low[inside], band.low.evaluate(months)[inside], rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(curve.high[inside], band.high.evaluate(months)[inside], rtol=1e-12, atol=1e-14)


def test_kaplan_meier_from_counts_accumulates_block_by_block():
    times, observed = censored_sample(5, 900, 0.04, 48)
    whole = kaplan_meier(times, observed)
    events, censored = np.zeros(60, np.int64), np.zeros(60, np.int64)
    for block in np.array_split(np.arange(900), [100, 101, 450]):
        events += np.bincount(times[block][observed[block]], minlength=60)
        censored += np.bincount(times[block][~observed[block]], minlength=60)
    blocks = kaplan_meier_counts(events, censored)
    last = len(whole.months)
    for name in ("survival", "low", "high", "at_risk", "events"):
        np.testing.assert_array_equal(getattr(blocks, name)[:last], getattr(whole, name), err_msg=name)
    with pytest.raises(ValueError):
        kaplan_meier_counts(np.zeros(3), np.zeros(3))


def random_splits(rng: np.random.Generator, n: int, parts: int) -> list[np.ndarray]:
    """``0 .. n-1`` cut at random points into ``parts`` pieces (some may be empty)."""
    return np.split(np.arange(n), np.sort(rng.integers(0, n + 1, parts - 1)))


@pytest.mark.parametrize("seed", range(6))
def test_moments_merged_over_random_splits_equal_the_whole_sample(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 3000))
    x = rng.lognormal(0.0, 1.5, n) * rng.choice([-1.0, 1.0], n) + 1e3 * seed  # skewed, offset from zero
    y = 0.4 * x + rng.normal(5.0, 2.0, n)
    whole, co_whole = Moments.of(x), CoMoments.of(x, y)
    for parts in (2, 5, 40):
        pieces = random_splits(rng, n, parts)
        merged, co_merged = Moments(), CoMoments()
        for piece in pieces:
            merged += Moments.of(x[piece])
            co_merged += CoMoments.of(x[piece], y[piece])
        assert merged == whole and co_merged == co_whole and merged.n == n  # the same bits, whatever the split
        assert merged.interval() == whole.interval() and co_merged.ratio() == co_whole.ratio()
        assert merged.variance == pytest.approx(np.var(x, ddof=1), rel=1e-10)
        assert co_merged.cxy == pytest.approx(((x - x.mean()) * (y - y.mean())).sum(), rel=1e-10)


@pytest.mark.parametrize("seed", range(3))
def test_cross_moments_merged_over_random_splits_are_the_same_bits_and_the_sample_covariance(seed):
    """The joint moments behind the paired contrast of costs per point kept floating sums of products (a second accumulator
    beside DrawMoments, in comparison.py), whose bits depended on how the replications were split into blocks, unlike every other
    figure of the comparison. CrossMoments keeps them exactly: any split gives the same bits, per group and pooled."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(50, 2000))
    values = np.column_stack(
        [rng.lognormal(0.0, 1.0, n) + 1e3 * seed, -(rng.random(n) < 0.3).astype(float), -(rng.random(n) < 0.2).astype(float), rng.normal(0.0, 1.0, n)]
    )
    group = np.sort(rng.integers(0, 7, n))
    whole = CrossMoments(4)
    whole.add(group, values)
    for parts in (2, 5, 40):
        merged = CrossMoments(4)
        for piece in random_splits(rng, n, parts):
            merged.add(group[piece], values[piece])
        pooled, again = whole.pooled(), merged.pooled()
        assert pooled[0] == again[0] == n and np.array_equal(pooled[1], again[1]) and np.array_equal(pooled[2], again[2])
        sizes, means, covariances = whole.groups()
        assert np.array_equal(sizes, merged.groups()[0])
        assert all(np.array_equal(a, b) for a, b in zip(covariances + means, merged.groups()[2] + merged.groups()[1], strict=True))
    assert whole.pooled()[2] == pytest.approx(np.cov(values, rowvar=False), rel=1e-10)
    first = group == group[0]
    assert whole.groups()[2][0] == pytest.approx(np.cov(values[first], rowvar=False), rel=1e-10)


@pytest.mark.parametrize("seed", range(4))
def test_moments_are_exact_sums_rounded_once(seed):
    rng = np.random.default_rng(seed)
    x = rng.lognormal(0.0, 2.0, 500) * rng.choice([-1.0, 1.0], 500) + np.array([1e16, -1e16] * 250)  # cancellation a float sum loses
    y = rng.normal(0.0, 1.0, 500)
    exact = [Fraction(v) for v in x]
    total = sum(exact, Fraction(0))
    m = Moments.of(x)
    assert m.mean == float(total / len(x))
    assert m.m2 == float(sum((v - total / len(x)) ** 2 for v in exact))
    products = sum((Fraction(a) * Fraction(b) for a, b in zip(x, y, strict=True)), Fraction(0))
    assert CoMoments.of(x, y).cxy == float(products - total * sum(map(Fraction, y)) / len(x))


def test_empty_moments_are_the_identity_of_merging():
    m = Moments.of([1.0, 2.0, 4.0])
    assert Moments() + m == m and m + Moments() == m and Moments.of([]) == Moments()
    assert np.isnan(Moments.of([3.0]).variance)
    c = CoMoments.of([1.0, 2.0], [2.0, 2.0])
    assert CoMoments() + c == c and c + CoMoments() == c
    with pytest.raises(ValueError):
        CoMoments().ratio()


def test_counts_give_the_intervals_of_the_arrays():
    a, b = paired_arrays(100, 10, 30, 860)
    assert paired_counts(1000, 10, 30) == paired_difference(a, b)
    assert unpaired_counts(110, 1000, 130, 1000) == unpaired_difference(a, b)
    assert mcnemar_p(0, 0) == 1.0 and mcnemar_p(10, 30) == pytest.approx(stats.binomtest(30, 40).pvalue)
