"""Kaplan-Meier survival against hand calculations, geometric survival and the model with one constant hazard."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from support.reference import collapse_curve, kaplan_meier

from sim.analysis.survival import collapse_times
from sim.core.mechanisms import mechanisms
from sim.frontends.ensemble import run_ensemble


def test_hand_computed_curve_with_ties_and_censoring():
    # Events at 1, 2, 2, 5; censored at 3, 5, 5, 10 (a censoring at 5 counts as at risk at 5).
    curve = kaplan_meier([1, 2, 2, 3, 5, 5, 5, 10], [1, 1, 1, 0, 1, 0, 0, 0])
    s1, s2, s5 = 7 / 8, 7 / 8 * 5 / 7, 7 / 8 * 5 / 7 * 3 / 4
    expected = [1, s1, s2, s2, s2, s5, s5, s5, s5, s5, s5]
    assert curve.survival == pytest.approx(expected)
    assert curve.at_risk.tolist() == [8, 8, 7, 5, 4, 4, 1, 1, 1, 1, 1]
    assert curve.events.tolist() == [0, 1, 2, 0, 0, 1, 0, 0, 0, 0, 0]
    assert np.all(curve.low <= curve.survival) and np.all(curve.survival <= curve.high)
    assert curve.median().value == 5


def geometric(h: float, n: int, seed: int) -> np.ndarray:
    """Months to an event with a constant monthly hazard h: P(T > t) = (1 - h)**t."""
    return np.random.default_rng(seed).geometric(h, n)


def test_constant_hazard_gives_geometric_survival_under_random_censoring():
    h, n, horizon = 0.03, 20_000, 60
    t = geometric(h, n, 1)
    c = np.minimum(np.random.default_rng(2).integers(1, 100, n), horizon)
    curve = kaplan_meier(np.minimum(t, c), t <= c)
    months = np.array([6, 12, 24, 36, 48, 60])
    true = (1 - h) ** months
    assert np.all((curve.low[months] <= true) & (true <= curve.high[months]))
    assert curve.survival[months] == pytest.approx(true, abs=0.012)


def test_with_censoring_only_at_the_horizon_km_is_the_empirical_share():
    h, n, horizon = 0.02, 5_000, 48
    t = geometric(h, n, 3)
    curve = kaplan_meier(np.minimum(t, horizon), t <= horizon)
    for month in (1, 12, 30, 48):
        assert curve.survival[month] == pytest.approx(np.mean(t > month))


def test_median_of_geometric_survival_and_its_interval():
    h = 0.05
    true = int(np.ceil(np.log(0.5) / np.log(1 - h)))  # first month with (1 - h)**t <= 1/2
    t = geometric(h, 20_000, 4)
    m = kaplan_meier(np.minimum(t, 120), t <= 120).median()
    assert m.low <= true <= m.high
    assert abs(m.value - true) <= 1


def test_no_event_gives_survival_one_with_an_exact_lower_bound():
    n = 40
    curve = kaplan_meier(np.full(n, 24), np.zeros(n, bool))
    assert np.all(curve.survival == 1.0)
    assert curve.low[0] == pytest.approx(0.025 ** (1 / n))
    assert curve.median().value is None
    assert curve.failure_by(24).low == 0.0
    assert curve.failure_by(25) is None


def test_every_event_gives_survival_zero_with_an_exact_upper_bound():
    curve = kaplan_meier([1, 2, 3], [True, True, True])
    assert curve.survival[-1] == 0.0
    assert curve.low[-1] == 0.0
    assert curve.high[-1] == pytest.approx(1 - 0.025)


def test_shelved_partnerships_are_censored_at_the_horizon():
    table = pd.DataFrame(
        {
            "outcome": ["shelved", "collapsed", "sustained", "underperforming", "collapsed", "shelved"],
            "end_month": [10, 30, 60, 60, 55, 4],
        }
    )
    times, observed = collapse_times(table["outcome"], table["end_month"], 60)
    assert times.tolist() == [60, 30, 60, 60, 55, 60]
    assert observed.tolist() == [False, True, False, False, True, False]
    curve = collapse_curve(table, 60)
    assert curve.failure_by(60).value == pytest.approx(2 / 6)  # the collapsed share
    assert curve.failure_by(30).value == pytest.approx(1 / 6)


def test_collapse_after_the_horizon_is_refused():
    with pytest.raises(ValueError, match="horizon"):
        collapse_times(["collapsed"], [70], 60)


def test_model_with_one_constant_hazard_collapses_geometrically(config):
    """Only the annual budget decision ends partnerships, each council leaving with the same chance p every year.

    Nothing takes value (no mechanism, no change from outside, no savings promised, no
    enthusiasm, no cost of unpicking), so the value each council sees stays 1 and its chance
    of giving notice at its budget setting (month 12, 24, ... of the run) stays p; an MOU's
    notice runs out the same month, and with two councils one leaving collapses the
    partnership in month 12 j + 1. So P(collapsed by month m) = 1 - (1 - p)**(2 n), n the
    budget settings with m >= 12 j + 1.
    """
    horizon, n = 36, 3000
    cfg = config(
        k=2,
        partnership={"approval_months": 1, "horizon_months": horizon, "governance": "mou", "promised_savings": 0.0, "enthusiasm": 0.0},
        decisions={"outside_option": 1.16, "unpick_cost": 0.0, "notice_mou": 0},
        mechanisms={m.name: {"enabled": False} for m in mechanisms()},
    )
    table = run_ensemble(cfg, n, seed=11, uncertainty="none")
    p = 1 / (1 + np.exp(-(-(1 - (1.16 - 0.02)) - 0.25) / 0.08))
    assert 0.1 < p < 0.3
    collapsed = table["outcome"] == "collapsed"
    assert set(table["outcome"]) <= {"collapsed", "sustained"}
    assert set(table.loc[collapsed, "end_month"]) == {13, 25}
    assert set(table.loc[collapsed, "trigger"]) == {"budget_setting"}
    curve = collapse_curve(table, horizon)
    for month in (2, 12, 13, 24, 25, 36):
        decisions_by = sum(month >= 12 * j + 1 for j in (1, 2, 3))
        true = 1 - (1 - p) ** (2 * decisions_by)
        found = curve.failure_by(month)
        if decisions_by == 0:
            assert found.value == 0.0
        else:
            assert found.low <= true <= found.high, (month, true, found)
