"""Case 04 alone: the leader's trust in a laggard erodes; gaps and a stagnant trading arm cost savings."""

from __future__ import annotations

import numpy as np
import pytest

from sim.mechanisms import case04_maturity_gap as case04
from sim.mechanisms.base import evaluate


@pytest.fixture
def gap(bench, launched):
    """An advanced (0.8) and a laggard (0.3) council with equal risk appetite, 18 months after launch."""

    def make(governance="joint_committee", risk=(0.5, 0.5), maturity=(0.8, 0.3), since=18, harmonisation=0.2):
        b = bench(
            partnership={"governance": governance}, columns={"it_maturity": list(maturity), "risk_appetite": list(risk)}, state={"harmonisation": harmonisation}
        )
        launched(b, since)
        return b

    return make


def test_the_leader_loses_trust_in_the_laggard(gap, month):
    b = gap()
    e = evaluate(case04, b.s, b.P, month(b))
    # gap 0.5 widened by 1 - 0.5 * (1 - 0) = 0.5 -> 0.25; unharmonised 0.8
    np.testing.assert_allclose(e.trust[0], [[0.0, 0.03 * 0.25 * 0.8], [0.0, 0.0]])
    np.testing.assert_allclose(e.savings, [0.6 * 0.25 * 0.8])
    np.testing.assert_array_equal(e.commitment, 0.0)


def test_a_risk_appetite_gap_widens_the_effect(gap, month):
    b = gap(risk=(1.0, 0.0))
    e = evaluate(case04, b.s, b.P, month(b))
    np.testing.assert_allclose(e.trust[0, 0, 1], 0.03 * 0.5 * 0.8)
    np.testing.assert_allclose(e.savings, [0.6 * 0.5 * 0.8])


@pytest.mark.parametrize("risk", [(0.5, 0.5), (0.9, 0.1)])
def test_equal_maturity_costs_no_trust_or_savings_outside_a_trading_company(gap, month, risk):
    b = gap(maturity=(0.6, 0.6), risk=risk)
    e = evaluate(case04, b.s, b.P, month(b))
    np.testing.assert_array_equal(e.trust, 0.0)
    np.testing.assert_array_equal(e.savings, 0.0)


def test_a_harmonised_estate_ends_the_friction(gap, month):
    b = gap(harmonisation=1.0)
    e = evaluate(case04, b.s, b.P, month(b))
    np.testing.assert_array_equal(e.trust, 0.0)
    np.testing.assert_array_equal(e.savings, 0.0)


def test_nothing_before_launch(bench, month):
    b = bench(partnership={"governance": "trading_company"}, columns={"it_maturity": [0.9, 0.1]})
    e = evaluate(case04, b.s, b.P, month(b))
    np.testing.assert_array_equal(e.trust, 0.0)
    np.testing.assert_array_equal(e.savings, 0.0)


@pytest.mark.parametrize(("since", "stagnant"), [(18, 0.45 * 0.7 * 0.5), (36, 0.45 * 0.7), (72, 0.45 * 0.7)])
def test_a_trading_company_without_commercial_skills_stagnates(gap, month, since, stagnant):
    b = gap(governance="trading_company", maturity=(0.6, 0.6), since=since)
    e = evaluate(case04, b.s, b.P, month(b))
    np.testing.assert_allclose(e.savings, [stagnant])
    np.testing.assert_array_equal(e.trust, 0.0)


def test_gap_and_stagnation_combine_as_independent_shares(gap, month):
    b = gap(governance="trading_company")
    e = evaluate(case04, b.s, b.P, month(b))
    np.testing.assert_allclose(e.savings, [1 - (1 - 0.12) * (1 - 0.1575)])


@pytest.mark.parametrize(("strength", "stagnant"), [(1.0, 0.0), (0.5, 0.45 * 0.35 * 0.5)])
def test_commercial_capability_lever_prevents_stagnation(gap, month, strength, stagnant):
    b = gap(governance="trading_company", maturity=(0.6, 0.6))
    e = evaluate(case04, b.s, b.P, month(b, lever={"commercial_capability": strength}))
    np.testing.assert_allclose(e.savings, [stagnant], atol=1e-15)


def test_the_event_names_the_partner_holding_the_leader_back_most(bench, launched, month):
    b = bench(k=3, columns={"it_maturity": [1.0, 0.8, 0.0], "risk_appetite": [0.5, 0.5, 0.5]}, state={"harmonisation": 0.0})
    launched(b, 18)
    held_back = evaluate(case04, b.s, b.P, month(b)).events[0]
    # council 0 is held back by both partners, most by council 2; council 1 only by council 2
    np.testing.assert_array_equal(held_back.mask, [[True, True, False]])
    np.testing.assert_array_equal(held_back.partner, [[2, 2, -1]])
