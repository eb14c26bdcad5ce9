"""Case 04, the trading company: nothing until the gap comes to light, then fit, trust and savings lost to it.

Stagnation, its costs and unmet hopes of growth come to trading companies only.

The bench: two councils with IT maturity 0.8 and 0.2, equal appetite for risk (so the
gap is widened by 1 - 0.5 x (1 - 0) = 0.5: an effective gap of 0.3), an unharmonised
estate, pinned parameters join_months 6, frustration 0.6, trust_erosion 0.02, contest 0.4,
gap_savings_loss 0.6, immaturity_loss 0.3, stagnation 0.45 over 36 months, cost_rise 0.2,
win_rate 0.02, growth_hope 0.3; weights fit 0.25 and service 0.2; promised savings GBP 1m.
"""

from __future__ import annotations

import numpy as np
import pytest

from sim.core.evaluate import evaluate
from sim.core.mechanisms import case04_maturity_gap as case04
from sim.core.state import OPERATING

M = case04.MECHANISM
Ev = case04.Ev
FIT, SERVICE = 0.25, 0.2


@pytest.fixture
def gap(bench, launched):
    """Two councils launched ``since`` months ago with the IT maturities given."""

    def make(maturity=(0.8, 0.2), since: int = 12, governance: str = "joint_committee", **kwargs):
        columns = {"it_maturity": list(maturity), **kwargs.pop("columns", {})}
        b = bench(k=len(maturity), columns=columns, partnership={"governance": governance, **kwargs.pop("partnership", {})}, **kwargs)
        launched(b, since, OPERATING)
        return b

    return make


def test_nothing_before_the_gap_comes_to_light(gap, month, bench):
    b = gap(since=5)
    e = evaluate(M, b.s, b.P, month(b, draws={"case04.win": 0.0}))
    assert not any(e.value.ravel()) and not e.trust.any() and not e.savings.any() and not e.cost.any()
    assert not any(kind.mask.any() for kind in e.events) and not e.own["found"].any()
    proposal = bench(columns={"it_maturity": [0.8, 0.2]})
    assert not evaluate(M, proposal.s, proposal.P, month(proposal)).savings.any()


def test_the_gap_comes_to_light_once(gap, month):
    b = gap(since=6)
    e = evaluate(M, b.s, b.P, month(b))
    assert e.own["found"][0] and e.events[Ev.GAP_FOUND].mask.all()
    b.s.mech("case04")["found"][0] = True
    assert not evaluate(M, b.s, b.P, month(b)).events[Ev.GAP_FOUND].mask.any()


def test_the_leader_is_held_back_and_savings_leak_by_hand(gap, month):
    b = gap()
    e = evaluate(M, b.s, b.P, month(b))
    # the leader's trust in the laggard erodes; not the other way round
    np.testing.assert_allclose(e.trust[0], [[0.0, 0.02 * 0.3], [0.0, 0.0]])
    np.testing.assert_array_equal(e.events[Ev.HELD_BACK].mask, [[True, False]])
    assert e.events[Ev.HELD_BACK].partner[0, 0] == 1
    # fit: frustration at the gap, no contest over risk (equal appetites)
    np.testing.assert_allclose(e.value, [[FIT * 0.6 * 0.3, 0.0]])
    # savings leak to the widest gap and to an estate half immature
    assert e.savings[0] == pytest.approx(1 - (1 - 0.6 * 0.3) * (1 - 0.3 * 0.5))
    assert not e.cost.any()


def test_different_appetites_for_risk_widen_the_gap_and_contest_the_model(gap, month):
    b = gap(columns={"risk_appetite": [0.9, 0.1]})
    e = evaluate(M, b.s, b.P, month(b))
    widened = 0.6 * (1 - 0.5 * (1 - 0.8))
    assert e.trust[0, 0, 1] == pytest.approx(0.02 * widened)
    np.testing.assert_allclose(e.value, [[FIT * (0.6 * widened + 0.4 * 0.8), FIT * 0.4 * 0.8]])


def test_harmonisation_closes_the_gap_effects(gap, month):
    b = gap(state={"harmonisation": 0.75})
    e = evaluate(M, b.s, b.P, month(b))
    assert e.trust[0, 0, 1] == pytest.approx(0.02 * 0.3 * 0.25)
    assert e.savings[0] == pytest.approx(1 - (1 - 0.6 * 0.3 * 0.25) * (1 - 0.3 * 0.5 * 0.25))
    done = gap(state={"harmonisation": 1.0})
    e = evaluate(M, done.s, done.P, month(done))
    assert not e.value.any() and not e.trust.any() and e.savings[0] == 0.0


def test_immaturity_matters_even_without_a_gap(gap, month):
    low, high = gap(maturity=(0.2, 0.2)), gap(maturity=(0.8, 0.8))
    e_low, e_high = (evaluate(M, b.s, b.P, month(b)) for b in (low, high))
    assert e_low.savings[0] == pytest.approx(0.3 * 0.8) and e_high.savings[0] == pytest.approx(0.3 * 0.2)
    assert e_low.savings[0] > e_high.savings[0]
    for e in (e_low, e_high):
        assert not e.value.any() and not e.trust.any()


def test_a_trading_company_stagnates_costs_more_and_its_hopes_of_growth_go_unmet(gap, month):
    b = gap(maturity=(0.5, 0.5), since=6 + 18, governance="trading_company")
    e = evaluate(M, b.s, b.P, month(b))
    stagnant = 0.45 * (1 - 0.3) * 0.5
    assert e.savings[0] == pytest.approx(1 - (1 - 0.3 * 0.5) * (1 - stagnant))
    assert e.cost[0] == pytest.approx(0.2 * stagnant * 1.0 / 12)
    hope = 0.3 * 18 / 36
    np.testing.assert_allclose(e.value, [[SERVICE * stagnant + FIT * hope] * 2])
    assert not e.own["won"].any()


@pytest.mark.parametrize("governance", ["mou", "joint_committee", "lead_authority", "commercial_venture"])
def test_stagnation_and_growth_are_a_trading_companys_only(gap, month, governance):
    b = gap(maturity=(0.5, 0.5), since=6 + 18, governance=governance)
    e = evaluate(M, b.s, b.P, month(b, draws={"case04.win": 0.0}))
    assert e.savings[0] == pytest.approx(0.3 * 0.5)
    assert not e.cost.any() and not e.value.any() and not e.events[Ev.WON_PARTNER].mask.any()


def test_commercial_capability_prevents_stagnation_and_wins_partners(gap, month):
    b = gap(maturity=(0.5, 0.5), since=6 + 18, governance="trading_company")
    e = evaluate(M, b.s, b.P, month(b, lever={"commercial_capability": 1.0}))
    assert e.savings[0] == pytest.approx(0.3 * 0.5) and not e.cost.any()
    # a win: chance win_rate * capability * (1 - stagnant / stagnation)
    chance = 0.02 * 0.3 * (1 - 0.5 * 0.7)
    assert not evaluate(M, b.s, b.P, month(b, draws={"case04.win": chance + 1e-9})).own["won"].any()
    won = evaluate(M, b.s, b.P, month(b, draws={"case04.win": chance - 1e-9}))
    assert won.own["won"][0] and won.events[Ev.WON_PARTNER].mask.all()
    # the hoped-for partner came: no fit lost to unmet hopes
    np.testing.assert_allclose(won.value, [[SERVICE * 0.45 * 0.7 * 0.5] * 2])


def test_councils_that_left_are_no_partner_to_be_held_back_by(gap, month):
    b = gap(maturity=(0.8, 0.2, 0.8))
    b.s.active[0, 1] = False
    b.s.pairs[0, 1, :] = b.s.pairs[0, :, 1] = False
    e = evaluate(M, b.s, b.P, month(b))
    assert not e.trust.any() and not e.value.any()
    assert e.savings[0] == pytest.approx(0.3 * 0.2)
