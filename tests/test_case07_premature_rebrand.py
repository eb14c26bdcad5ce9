"""Case 07 alone: rebranding an immature service costs goodwill, trust, savings and money."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import silent

from sim.mechanisms import case07_premature_rebrand as case07
from sim.mechanisms.base import evaluate


@pytest.fixture
def rebrand(bench, launched):
    """A service 12 months old at maturity 0.35, rebrand planned at 12 months."""

    def make(rebrand_month=12, since=12, maturity=0.35, **columns):
        b = bench(partnership={"rebrand_month": rebrand_month}, columns=columns, state={"maturity": maturity})
        launched(b, since)
        return b

    return make


def test_a_premature_rebrand_costs_goodwill_trust_savings_and_money(rebrand, month):
    b = rebrand()
    e = evaluate(case07, b.s, b.P, month(b))
    # immaturity 1 - 0.35 / 0.7 = 0.5; shock 0.8 * 0.5 * (1 - 0.5 * 0.5) = 0.3
    np.testing.assert_allclose(e.own["deficit"], [0.3])
    np.testing.assert_allclose(e.trust[0], [[0.0, 0.009], [0.009, 0.0]])
    np.testing.assert_allclose(e.savings, [0.15])
    np.testing.assert_allclose(e.cost, [0.1])
    assert e.own["rebranded"][0]


@pytest.mark.parametrize("since", [0, 11, 12, 60])
def test_no_rebrand_planned_means_case07_never_fires(rebrand, month, since):
    b = rebrand(rebrand_month=-1, since=since)
    e = evaluate(case07, b.s, b.P, month(b))
    assert not e.own.get("rebranded", b.s.mech["case07"]["rebranded"]).any()
    assert silent(e.trust) and silent(e.savings) and silent(e.cost)


def test_nothing_before_the_planned_month_or_before_launch(rebrand, month):
    early = rebrand(since=11)
    assert not evaluate(case07, early.s, early.P, month(early)).own.get("rebranded", early.s.mech["case07"]["rebranded"]).any()
    b = rebrand()
    b.s.phase[:] = 0
    e = evaluate(case07, b.s, b.P, month(b))
    assert not e.own.get("rebranded", b.s.mech["case07"]["rebranded"]).any()
    assert silent(e.cost)


def test_goodwill_recovers_with_good_service_and_rebrands_once(rebrand, month):
    b = rebrand(service_quality=[1.0, 0.5])
    b.s.mech["case07"].update(rebranded=np.array([True]), deficit=np.array([0.3]))
    e = evaluate(case07, b.s, b.P, month(b))
    deficit = 0.3 * (1 - 0.02 * 0.75)
    np.testing.assert_allclose(e.own["deficit"], [deficit])
    np.testing.assert_allclose(e.savings, [0.5 * deficit])
    np.testing.assert_array_equal(e.cost, 0.0)


def test_reputation_first_waits_for_maturity(rebrand, month):
    young = rebrand()
    e = evaluate(case07, young.s, young.P, month(young, lever={"reputation_first": 1.0}))
    assert not e.own.get("rebranded", young.s.mech["case07"]["rebranded"]).any()
    assert silent(e.cost)
    mature = rebrand(maturity=0.7)
    e = evaluate(case07, mature.s, mature.P, month(mature, lever={"reputation_first": 1.0}))
    assert e.own["rebranded"][0]
    np.testing.assert_array_equal(e.own["deficit"], [0.0])
    np.testing.assert_allclose(e.cost, [0.1])


def test_communications_plan_softens_the_shock(rebrand, month):
    b = rebrand()
    e = evaluate(case07, b.s, b.P, month(b, lever={"communications_plan": 1.0}))
    np.testing.assert_allclose(e.own["deficit"], [0.8 * 0.5 * 0.5])
