"""Intervals of sim.stats against closed forms and exact coverage."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from sim.stats import (
    Estimate,
    clopper_pearson,
    compare_paired,
    mean_interval,
    paired_difference,
    ratio_of_means,
    shares,
    unpaired_difference,
    wilson,
)

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


def test_clopper_pearson_closed_forms_and_beta_quantiles():
    n, alpha = 25, 0.05
    assert clopper_pearson(0, n).high == pytest.approx(1 - (alpha / 2) ** (1 / n))
    assert clopper_pearson(n, n).low == pytest.approx((alpha / 2) ** (1 / n))
    e = clopper_pearson(7, n)
    assert e.value == 7 / n
    assert e.low == pytest.approx(stats.beta.ppf(alpha / 2, 7, n - 7 + 1))
    assert e.high == pytest.approx(stats.beta.ppf(1 - alpha / 2, 7 + 1, n - 7))


@pytest.mark.parametrize("p", [0.02, 0.1, 0.35])
def test_exact_coverage_clopper_pearson_at_least_nominal_wilson_close(p):
    n = 200
    pmf = stats.binom.pmf(np.arange(n + 1), n, p)

    def coverage(interval):
        return sum(w for x, w in enumerate(pmf) if interval(x, n).low <= p <= interval(x, n).high)

    assert coverage(clopper_pearson) >= 0.95
    assert 0.92 <= coverage(wilson) <= 0.975


@pytest.mark.parametrize("bad", [(-1, 10), (11, 10), (0, 0)])
def test_proportion_intervals_refuse_impossible_counts(bad):
    for interval in (wilson, clopper_pearson):
        with pytest.raises(ValueError):
            interval(*bad)


def test_shares_count_label_and_order_most_frequent_first():
    found = shares(["b", "a", "c", "a", "b", "a", "d"])
    assert [(s.label, s.count) for s in found] == [("a", 3), ("b", 2), ("c", 1), ("d", 1)]
    assert found[0].share == wilson(3, 7)
    assert shares([]) == []


def test_mean_interval_is_student_t():
    e = mean_interval([1, 2, 3, 4, 5])
    half = stats.t.ppf(0.975, 4) * np.std([1, 2, 3, 4, 5], ddof=1) / np.sqrt(5)
    assert (e.value, e.low, e.high) == pytest.approx((3, 3 - half, 3 + half))
    assert np.isnan(mean_interval([2.0]).low)


def test_ratio_of_means_with_a_constant_denominator_is_the_scaled_mean():
    x = np.array([1.0, 4.0, 2.0, 7.0, 3.0])
    r, m = ratio_of_means(x, np.full(5, 2.0)), mean_interval(x / 2.0)
    assert (r.value, r.low, r.high) == pytest.approx((m.value, m.low, m.high))
    exact = ratio_of_means(3 * x, x)
    assert (exact.value, exact.low, exact.high) == pytest.approx((3, 3, 3))


def paired_arrays(n11: int, n10: int, n01: int, n00: int) -> tuple[np.ndarray, np.ndarray]:
    a = np.repeat([True, True, False, False], [n11, n10, n01, n00])
    b = np.repeat([True, False, True, False], [n11, n10, n01, n00])
    return a, b


def test_paired_difference_from_discordant_counts():
    a, b = paired_arrays(100, 10, 30, 860)
    n = 1000
    diff = (30 - 10) / n
    half = Z * np.sqrt(((30 + 10) / n - diff**2) / n)
    e = paired_difference(a, b)
    assert (e.value, e.low, e.high) == pytest.approx((diff, diff - half, diff + half))


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


def test_identical_outcomes_give_a_zero_width_paired_interval():
    a = np.r_[np.ones(20, bool), np.zeros(80, bool)]
    c = compare_paired(a, a)
    assert c.paired == Estimate(0.0, 0.0, 0.0)
    assert c.p_value == 1.0
    assert c.width_ratio == 0.0


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
