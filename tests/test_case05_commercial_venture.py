"""Case 05 alone: a commercial venture below break-even for too long becomes insolvent."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import silent

from sim.mechanisms import case05_commercial_venture as case05
from sim.mechanisms.base import evaluate
from sim.state import pair_mask

GROWTH = 0.012 * 0.3 * (1 - 0.6)  # market_growth * capability * (1 - concentration)


@pytest.fixture
def venture(bench, launched):
    """A commercial venture on default terms, ``since`` months after launch."""

    def make(since=0, **kwargs):
        b = bench(partnership={"governance": "commercial_venture", **kwargs.pop("partnership", {})}, **kwargs)
        launched(b, since)
        return b

    return make


def test_under_guarantee_revenue_is_guaranteed_volume_plus_market(venture, month):
    b = venture()
    e = evaluate(case05, b.s, b.P, month(b))
    deficit = 1 - (0.6 + 0.2 + GROWTH)
    np.testing.assert_allclose(e.own["market"], [0.2 + GROWTH])
    np.testing.assert_array_equal(e.own["below"], [1])
    np.testing.assert_allclose(e.commitment, [[0.01 * deficit] * 2])
    np.testing.assert_allclose(e.savings, [0.8 * deficit])
    assert not e.ends[0]


def test_below_break_even_for_long_enough_is_insolvent(venture, month):
    b = venture()
    b.s.mech["case05"]["below"][:] = 16
    assert not evaluate(case05, b.s, b.P, month(b)).ends[0]
    b.s.mech["case05"]["below"][:] = 17
    assert evaluate(case05, b.s, b.P, month(b)).ends[0]


def test_after_the_guarantee_partners_keep_buying_less(venture, month):
    b = venture(since=30)
    e = evaluate(case05, b.s, b.P, month(b))
    revenue = 0.6 * 0.6 + 0.2 + GROWTH  # retention 0.6 of the guaranteed volume
    np.testing.assert_allclose(e.savings, [0.8 * (1 - revenue)])


def test_a_departed_partner_takes_its_volume(venture, month):
    b = venture(columns={"size": [1.0, 3.0]})
    b.s.active[:] = [[True, False]]
    b.s.pairs = pair_mask(b.s.active)
    e = evaluate(case05, b.s, b.P, month(b))
    deficit = 1 - (0.6 * 0.25 + 0.2 + GROWTH)
    np.testing.assert_allclose(e.commitment, [[0.01 * deficit, 0.0]])


def test_above_break_even_resets_the_count(venture, month):
    b = venture(partnership={"guaranteed_volume": 1.0})
    b.s.mech["case05"]["below"][:] = 5
    e = evaluate(case05, b.s, b.P, month(b))
    np.testing.assert_array_equal(e.own["below"], [0])
    np.testing.assert_array_equal(e.savings, 0.0)
    np.testing.assert_array_equal(e.commitment, 0.0)


def test_outside_business_is_capped(venture, month):
    b = venture()
    b.s.mech["case05"]["market"][:] = 1.5
    e = evaluate(case05, b.s, b.P, month(b))
    np.testing.assert_array_equal(e.own["market"], [1.5])


@pytest.mark.parametrize("governance", ["mou", "joint_committee", "lead_authority", "trading_company"])
def test_silent_unless_a_commercial_venture(bench, month, launched, governance):
    b = bench(partnership={"governance": governance, "guaranteed_volume": 0.0, "market_volume": 0.0})
    launched(b, 30)
    b.s.mech["case05"]["below"][:] = 100
    e = evaluate(case05, b.s, b.P, month(b))
    assert silent(e.commitment) and silent(e.savings) and silent(e.ends)
    np.testing.assert_array_equal(e.own.get("market", b.s.mech["case05"]["market"]), [0.0])


def test_silent_before_launch(venture, month):
    b = venture()
    b.s.phase[:] = 0
    b.s.launch_month[:] = -1
    e = evaluate(case05, b.s, b.P, month(b))
    assert silent(e.savings)
    np.testing.assert_array_equal(e.own.get("market", b.s.mech["case05"]["market"]), [0.2])


@pytest.mark.parametrize(("strength", "guaranteed"), [(1.0, True), (0.25, False)])
def test_market_testing_extends_and_enlarges_the_guarantee_and_diversifies(venture, month, strength, guaranteed):
    b = venture(since=30, mechanisms={"case05": {"extra_guaranteed_volume": 0.25, "diversification": 0.5}})
    e = evaluate(case05, b.s, b.P, month(b, lever={"market_testing": strength}))
    # guarantee 24 + rint(strength * 24): 48 (> 30) or 30 (not > 30)
    growth = 0.012 * 0.3 * (1 - 0.6 * (1 - 0.5 * strength)) * (1 + strength)
    volume = 0.6 * (1 + 0.25 * strength) * (1.0 if guaranteed else 0.6)
    np.testing.assert_allclose(e.own["market"], [0.2 + growth])
    np.testing.assert_allclose(e.savings, [0.8 * (1 - (volume + 0.2 + growth))])


def test_commercial_capability_speeds_growth(venture, month):
    b = venture()
    e = evaluate(case05, b.s, b.P, month(b, lever={"commercial_capability": 1.0}))
    np.testing.assert_allclose(e.own["market"], [0.2 + 0.012 * 1.0 * (1 - 0.6)])
