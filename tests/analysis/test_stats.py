"""Wilson interval against its definition and published values; paired difference of proportions."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import optimize, stats

from sim.analysis.stats import (
    PILOT,
    STEP,
    holm,
    mcnemar_p,
    next_block,
    paired_counts,
    paired_difference,
    paired_share_difference,
    precision_plan,
    unpaired_counts,
    wilson,
    z_value,
)

Z95 = 1.959963984540054


def wilson_by_definition(x: int, n: int, z: float) -> tuple[float, float]:
    """The proportions p whose score test does not reject: |p_hat - p| = z * sqrt(p (1 - p) / n)."""
    p_hat = x / n

    def score(p):
        return abs(p_hat - p) - z * np.sqrt(p * (1 - p) / n)

    low = 0.0 if x == 0 else optimize.brentq(score, 1e-15, min(p_hat, 1 - 1e-15), xtol=1e-14)
    high = 1.0 if x == n else optimize.brentq(score, max(p_hat, 1e-15), 1 - 1e-15, xtol=1e-14)
    return low, high


@pytest.mark.parametrize(("x", "n"), [(0, 10), (10, 10), (1, 10), (10, 100), (37, 300), (2999, 3000)])
@pytest.mark.parametrize("confidence", [0.9, 0.95, 0.99])
def test_wilson_matches_its_definition(x, n, confidence):
    z = stats.norm.ppf(0.5 + confidence / 2)
    e = wilson(x, n, confidence)
    low, high = wilson_by_definition(x, n, z)
    assert e.value == x / n
    assert e.low == pytest.approx(low, abs=1e-9)
    assert e.high == pytest.approx(high, abs=1e-9)


def test_wilson_published_values():
    # Newcombe (1998), Table I: 81/263 -> 0.2553 to 0.3662; 15/148 -> 0.0624 to 0.1605
    e = wilson(81, 263)
    assert (round(e.low, 4), round(e.high, 4)) == (0.2553, 0.3662)
    e = wilson(15, 148)
    assert (round(e.low, 4), round(e.high, 4)) == (0.0624, 0.1605)
    # no successes in n: upper bound z^2 / (n + z^2)
    assert wilson(0, 10).high == pytest.approx(Z95**2 / (10 + Z95**2))


@pytest.mark.parametrize(("x", "n"), [(-1, 10), (11, 10), (0, 0)])
def test_wilson_refuses_impossible_counts(x, n):
    with pytest.raises(ValueError, match="successes"):
        wilson(x, n)


def test_paired_difference_by_hand():
    a = np.array([True, True, False, False, False, False])
    b = np.array([True, False, True, True, False, False])
    e = paired_difference(a, b)
    # discordant: 2 with b only, 1 with a only -> 1/6 observed; Agresti-Min: (2.5 - 1.5) / 8 = 1/8, variance (4/8 - 1/64) / 8
    assert e.value == pytest.approx(1 / 6)
    half = Z95 * np.sqrt((0.5 - 1 / 64) / 8)
    assert (e.low, e.high) == pytest.approx((1 / 8 - half, 1 / 8 + half))


def test_paired_difference_with_many_discordant_pairs_is_the_wald_interval_of_the_differences():
    r = np.random.default_rng(0)
    a = r.random(20_000) < 0.4
    b = a ^ (r.random(20_000) < 0.1)
    e = paired_difference(a, b)
    d = b.astype(float) - a
    assert e.value == pytest.approx(d.mean())
    wald = Z95 * d.std() / np.sqrt(d.size)
    assert (e.low, e.high) == pytest.approx((d.mean() - wald, d.mean() + wald), abs=2e-5)


def test_four_discordant_pairs_against_none_in_500_do_not_exclude_zero():
    # the plain Wald interval was [-1.6, -0.0] points while the exact McNemar p is 0.125
    e = paired_counts(500, 4, 0)
    assert e.value == -4 / 500
    assert e.low < 0 < e.high
    assert mcnemar_p(4, 0) == pytest.approx(0.125)


def test_identical_outcomes_give_no_difference_and_an_interval_holding_zero():
    a = np.array([True, False, True])
    e = paired_difference(a, a)
    assert e.value == 0.0
    assert (e.low, e.high) == pytest.approx((-Z95 / 5, Z95 / 5))


@given(
    n=st.integers(1, 3000),
    split=st.tuples(st.floats(0, 1), st.floats(0, 1)),
    confidence=st.floats(0.01, 0.999),
)
def test_the_paired_interval_holds_the_observed_difference_within_minus_one_to_one(n, split, confidence):
    only_a = int(split[0] * n)
    only_b = int(split[1] * (n - only_a))
    e = paired_counts(n, only_a, only_b, confidence)
    assert e.value == (only_b - only_a) / n
    assert -1.0 <= e.low <= e.value <= e.high <= 1.0


@pytest.mark.parametrize(("n", "only_a", "only_b"), [(0, 0, 0), (10, -1, 0), (10, 6, 5)])
def test_paired_counts_refuses_impossible_counts(n, only_a, only_b):
    with pytest.raises(ValueError, match="only_a"):
        paired_counts(n, only_a, only_b)


@pytest.mark.parametrize(("a", "b"), [([True], [False]), ([True, False], [True, False, True])])
def test_paired_difference_refuses_unpaired_input(a, b):
    with pytest.raises(ValueError):
        paired_difference(np.array(a), np.array(b))


def test_z_value_is_the_two_sided_normal_quantile():
    assert z_value(0.95) == pytest.approx(Z95, abs=1e-12)
    for confidence in (0.5, 0.8, 0.9, 0.99, 0.999):
        assert z_value(confidence) == pytest.approx(stats.norm.ppf(0.5 + confidence / 2), abs=1e-12)


def test_next_block_grows_towards_the_normal_approximation():
    assert next_block(0, 0, 0.01, 10_000) == PILOT
    assert next_block(0, 0, 0.01, 300) == 300
    # p near 0.5 needs about 9,604 replications for +-0.01.
    assert next_block(1_000, 500, 0.01, 100_000) == 8_700
    assert next_block(1_000, 500, 0.01, 2_000) == 2_000
    assert next_block(9_900, 4_950, 0.01, 10_000) == STEP


def test_a_precision_plan_stops_once_the_wilson_half_width_is_reached():
    plan = precision_plan(0.01, 10_000)
    assert plan(0, 0) == PILOT
    assert plan(9_700, 4_850) == 0  # half-width 0.00995
    assert plan(9_500, 4_750) == 2 * STEP  # half-width 0.01005: 1.96**2 / 4 / 0.01**2 - 9500 = 103.6 missing, rounded up to steps
    assert plan(40_000, 0) == 0


def test_holm_multiplies_the_ith_smallest_of_m_p_values_by_m_minus_i_plus_1_and_keeps_them_in_order():
    """Known values (as statsmodels' ``multipletests(method="holm")`` gives them): 0.005*4, 0.01*3, then 0.03*2 = 0.06, and
    0.04*1 = 0.04 raised to 0.06 to stay in order."""
    assert holm([0.01, 0.04, 0.03, 0.005]).tolist() == pytest.approx([0.03, 0.06, 0.06, 0.02])


def test_holm_over_more_tests_than_p_values_counts_the_rest_as_1_and_an_unknown_as_1():
    """A quasi-p of 0.004 among 116 inputs searched is 0.464 after Holm: small alone, not among that many."""
    assert holm([0.004, 0.2, float("nan")], tests=116).tolist() == pytest.approx([0.464, 1.0, 1.0])
    assert holm([1e-5, 0.5], tests=116).tolist() == pytest.approx([0.00116, 1.0])
    with pytest.raises(ValueError, match="tests=1: must be at least the number of p-values"):
        holm([0.1, 0.2], tests=1)


def test_a_paired_share_difference_among_every_replication_is_the_paired_difference():
    r = np.random.default_rng(3)
    a = r.random(800) < 0.3
    b = a ^ (r.random(800) < 0.05)
    every = np.ones(800, bool)
    assert paired_share_difference(a, every, b, every) == paired_difference(a, b)
    launched = r.random(800) < 0.9  # the same subset for both: the paired difference of the replications within it
    e, inner = paired_share_difference(a, launched, b, launched), paired_difference(a[launched], b[launched])
    assert (e.value, e.low, e.high) == pytest.approx((inner.value, inner.low, inner.high), abs=1e-12)
    few = paired_share_difference(np.arange(501) < 4, np.arange(501) < 500, np.zeros(501, bool), np.arange(501) < 500)
    assert few.low < 0 < few.high and few.value == -4 / 500  # 4 against 0 among 500 does not exclude zero (Agresti-Min), as paired_counts
    with pytest.raises(ValueError, match="at least one replication"):
        paired_share_difference(a, every, b, np.zeros(800, bool))
    with pytest.raises(ValueError, match="equal shapes"):
        paired_share_difference(a, every, b[:-1], every[:-1])


def _paired_collapses(r: np.random.Generator, n: int) -> tuple[np.ndarray, ...]:
    """Two packages on the same replications: b launches 80% (a 90%), 10% of its launch draws redrawn; collapse among launched
    15% under a, 12% under b (truth -0.03), tied to the launch draw (2 q u / l has mean q among u < l), 10% of b's collapse draws redrawn."""
    u, v = r.random(n), r.random(n)
    u_b = np.where(r.random(n) < 0.1, r.random(n), u)
    v_b = np.where(r.random(n) < 0.1, r.random(n), v)
    launched_a, launched_b = u < 0.9, u_b < 0.8
    return launched_a & (v < 2 * 0.15 * u / 0.9), launched_a, launched_b & (v_b < 2 * 0.12 * u_b / 0.8), launched_b


def test_the_paired_share_difference_covers_the_truth_95_times_in_100_and_is_narrower_than_unpaired():
    """sim-search's collapse among launched compared packages by their separate Wilson intervals overlapping (they were not paired):
    on simulated pairs with a known difference of -3 points, the paired interval covers it 95% of the time at half the width
    of the unpaired one, which covers it nearly always and tells b lower in 3% of the runs where the paired interval does in 95%."""
    r = np.random.default_rng(20261206)
    covered = covered_unpaired = lower = apart = 0
    widths = []
    sims = 2000
    for _ in range(sims):
        a, launched_a, b, launched_b = _paired_collapses(r, 1000)
        e = paired_share_difference(a, launched_a, b, launched_b)
        u = unpaired_counts(int(a.sum()), int(launched_a.sum()), int(b.sum()), int(launched_b.sum()))
        covered += e.low <= -0.03 <= e.high
        covered_unpaired += u.low <= -0.03 <= u.high
        widths.append((e.high - e.low) / (u.high - u.low))
        lower += e.high < 0
        apart += wilson(int(b.sum()), int(launched_b.sum())).high < wilson(int(a.sum()), int(launched_a.sum())).low
    assert 0.935 <= covered / sims <= 0.965 and covered_unpaired / sims > 0.99
    assert 0.4 < np.mean(widths) < 0.6
    assert lower / sims > 0.9 and apart / sims < 0.1
