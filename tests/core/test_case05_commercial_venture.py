"""Case 05, a commercial experiment: guarantees per council, outside business, reserves drained below break-even.

Insolvency ends it with the trigger that started the losses; market testing stops or sizes it.

The bench: a commercial venture of two councils of size 1, each guaranteeing its whole
business (1.0) for 24 months and keeping retention 0.75 of it afterwards; outside business
0.2 of break-even at launch; reserves of 12 months of full deficit; deficit_cost 0.8,
anxiety 0.5 (fit weight 0.25); market testing stops a venture expected below 0.6 of
break-even and removes 0.7 of the shortfall of one expected below 1. Demand is drawn at 0.5
(no shock) unless a test says otherwise.
"""

from __future__ import annotations

import numpy as np
import pytest

from sim.core.evaluate import evaluate
from sim.core.mechanisms import case05_commercial_venture as case05
from sim.core.state import OPERATING
from sim.core.triggers import Trigger

M = case05.MECHANISM
Ev = case05.Ev
FIT = 0.25
CALM = {"case05.demand": 0.5}


@pytest.fixture
def venture(bench, launched):
    """A venture ``since`` months past launch; its own state as a running venture (unless at launch) with the fields given."""

    def make(since: int = 0, guarantee=(1.0, 1.0), months=(24, 24), own=None, **kwargs):
        columns = {"guarantee": list(guarantee), "guarantee_months": list(months), **kwargs.pop("columns", {})}
        b = bench(k=len(guarantee), columns=columns, partnership={"governance": "commercial_venture", **kwargs.pop("partnership", {})}, **kwargs)
        launched(b, since, OPERATING)
        if since > 0:
            state = {"commercial": True, "scalable": True, "scale": 1.0, "reserve": 12.0, "market": 0.2, **(own or {})}
            for name, value in state.items():
                b.s.mech("case05")[name][0] = value
        return b

    return make


def run(b, month, draws=None, lever=None):
    return evaluate(M, b.s, b.P, month(b, draws={**CALM, **(draws or {})}, lever=lever))


def test_at_launch_the_venture_starts_with_full_reserves_and_its_outside_business(venture, month):
    b = venture()
    e = run(b, month, {"case05.scale": 0.4})
    assert e.own["commercial"][0] and e.own["scalable"][0] and e.own["scale"][0] == 1.0 and e.own["reserve"][0] == 12.0
    # outside business grows with capability 0.3 and 1 - concentration (1.0 / 1.2)
    assert e.own["market"][0] == pytest.approx(0.2 + 0.012 * 0.3 * (1 - 1.0 / 1.2))
    assert not e.value.any() and not e.savings.any() and not e.own["losing"].any()
    assert not run(b, month, {"case05.scale": 0.6}).own["scalable"][0]


@pytest.mark.parametrize("governance", ["mou", "joint_committee", "lead_authority", "trading_company"])
def test_only_a_commercial_venture_is_at_risk(bench, launched, month, governance):
    b = bench(partnership={"governance": governance}, columns={"guarantee": [0.0, 0.0]})
    launched(b, 30, OPERATING)
    e = evaluate(M, b.s, b.P, month(b, draws={"case05.demand": 0.0}))
    assert not e.value.any() and not e.savings.any() and not e.ends.any() and not any(kind.mask.any() for kind in e.events)


def test_guarantees_belong_to_each_council_and_end_on_its_own_date(venture, month):
    b = venture(since=12, months=(12, 36), own={"market": 0.0})
    e = run(b, month)
    np.testing.assert_array_equal(e.events[Ev.GUARANTEE_ENDED].mask, [[True, False]])
    np.testing.assert_array_equal(e.opens, [[Trigger.END_OF_GUARANTEE, -1]])
    assert case05.guaranteed(b.s.arrays, b.P, b.P.mech[4][0], 0, 12) == pytest.approx((0.75 + 1.0) / 2)
    assert case05.guaranteed(b.s.arrays, b.P, b.P.mech[4][0], 0, 11) == pytest.approx(1.0)
    # revenue 0.875 of break-even: losses start, started by the end of the guarantee
    deficit = 1 - 0.875
    assert e.own["losing"][0] and e.own["started"][0] == Trigger.END_OF_GUARANTEE
    np.testing.assert_array_equal(e.events[Ev.LOSSES].mask, [[True, True]])
    assert e.own["reserve"][0] == pytest.approx(12 - deficit)
    np.testing.assert_allclose(e.value, [[FIT * 0.5 * deficit] * 2])
    assert e.savings[0] == pytest.approx(0.8 * deficit)
    later = venture(since=36, months=(12, 36), own={"market": 0.0})
    np.testing.assert_array_equal(run(later, month).opens, [[-1, Trigger.END_OF_GUARANTEE]])


def test_reserves_drain_below_break_even_and_rebuild_at_half_the_surplus(venture, month):
    b = venture(since=30, own={"market": 0.0, "reserve": 5.0, "losing": True, "started": Trigger.END_OF_GUARANTEE})
    e = run(b, month)
    assert e.own["reserve"][0] == pytest.approx(5.0 - 0.25)
    assert not e.ends[0]
    surplus = venture(since=30, own={"market": 0.5, "reserve": 5.0, "losing": True})
    e = run(surplus, month)
    grown = 0.5 + 0.012 * 0.3 * (1 - 0.75 / 1.25)
    assert e.own["reserve"][0] == pytest.approx(5.0 + 0.5 * (0.75 + grown - 1.0))
    assert e.own["losing"][0]  # an episode of losses ends only once the reserves are full again
    full = venture(since=30, own={"market": 0.5, "reserve": 12.0, "losing": True})
    assert not run(full, month).own["losing"][0]


def test_with_its_reserves_gone_the_venture_ends_with_the_trigger_that_started_the_losses(venture, month):
    b = venture(since=30, own={"market": 0.0, "reserve": 0.2, "losing": True, "started": Trigger.END_OF_GUARANTEE})
    e = run(b, month)
    assert e.ends[0] and e.trigger[0] == Trigger.END_OF_GUARANTEE
    np.testing.assert_array_equal(e.events[Ev.UNSUSTAINABLE].mask, [[True, True]])
    assert e.events[Ev.UNSUSTAINABLE].size[0, 0] == pytest.approx(0.25)


def test_a_customer_lost_starts_the_losses(venture, month):
    b = venture(since=20, months=(48, 48), own={"market": 0.0})
    b.s.active[0, 1] = False
    b.s.pairs[0] = False
    b.s.council["exit_month"][0, 1] = b.s.month  # it left at the end of last month
    e = run(b, month)
    assert e.own["recent"][0] == Trigger.LOSS_OF_CUSTOMER and e.own["started"][0] == Trigger.LOSS_OF_CUSTOMER
    # only the council still in buys: revenue 0.5 of break-even
    assert e.own["reserve"][0] == pytest.approx(12 - 0.5)
    np.testing.assert_allclose(e.value, [[FIT * 0.5 * 0.5, 0.0]])
    assert e.savings[0] == pytest.approx(0.8 * 0.5)


def test_demand_goes_up_and_down_and_a_venture_that_cannot_scale_stays_small(venture, month):
    spread = 0.08 * np.sqrt(3)
    scalable = venture(since=30, months=(48, 48), own={"market": 0.3})
    small = venture(since=30, months=(48, 48), own={"market": 0.3, "scalable": False})
    concentration = 1.0 / 1.3
    up = 0.3 + 0.012 * 0.3 * (1 - concentration) + spread * 0.1
    assert run(scalable, month, {"case05.demand": 1.0}).own["market"][0] == pytest.approx(up)
    assert run(small, month, {"case05.demand": 1.0}).own["market"][0] == pytest.approx(0.3)  # small_cap
    down = run(scalable, month, {"case05.demand": 0.0})
    assert down.own["market"][0] == pytest.approx(0.3 + 0.012 * 0.3 * (1 - concentration) - spread * 0.1)
    assert down.own["reserve"][0] == pytest.approx(12.0)  # revenue 1.0 + ~0.3 - 0.14: still above break-even


def test_commercial_capability_grows_outside_business_faster(venture, month):
    b = venture(since=30, months=(48, 48), own={"market": 0.3})
    slow = run(b, month).own["market"][0]
    fast = run(b, month, lever={"commercial_capability": 1.0}).own["market"][0]
    assert fast - 0.3 == pytest.approx(0.012 * 1.0 * (1 - 1.0 / 1.3)) and fast > slow


@pytest.mark.parametrize(
    ("guarantee", "commercial", "scale", "event"), [(0.3, False, 1.0, Ev.NOT_COMMERCIAL), (0.8, True, 0.86, Ev.SIZED), (1.2, True, 1.0, None)]
)
def test_market_testing_stops_or_sizes_the_venture_and_never_adds_customers(venture, month, guarantee, commercial, scale, event):
    b = venture(guarantee=(guarantee, guarantee))
    tested = run(b, month, {"case05.test": 0.0, "case05.scale": 0.9}, lever={"market_testing": 0.5})
    untested = run(b, month, {"case05.test": 0.0, "case05.scale": 0.9})
    # what testing shows: revenue once the guarantees end (retention 0.75) plus the outside business at launch
    assert case05.expected_after(b.s.arrays, b.P, b.P.mech[4][0], 0) == pytest.approx(guarantee * 0.75 + 0.2)
    assert tested.own["commercial"][0] == commercial and tested.own["scale"][0] == pytest.approx(scale)
    assert {kind for kind in Ev if tested.events[kind].mask.any()} == ({event} if event is not None else set())
    assert untested.own["commercial"][0] and untested.own["scale"][0] == 1.0
    if commercial:
        assert tested.own["market"][0] == untested.own["market"][0]  # information, not customers
    else:
        assert not tested.value.any() and not tested.savings.any() and (tested.opens == -1).all()
        later = venture(since=24, guarantee=(guarantee, guarantee), own={"commercial": False})
        e = run(later, month, {"case05.demand": 0.0})
        assert not e.value.any() and not e.savings.any() and (e.opens == -1).all() and not e.ends.any()


def test_a_sized_venture_runs_smaller_losses(venture, month):
    sized, full = (venture(since=30, guarantee=(0.8, 0.8), own={"market": 0.2, "scale": scale}) for scale in (0.86, 1.0))
    e_sized, e_full = run(sized, month), run(full, month)
    revenue = 0.8 * 0.75 + 0.2 + 0.012 * 0.3 * (1 - 0.6 / 0.8)
    assert e_full.own["reserve"][0] == pytest.approx(12 - (1 - revenue))
    assert e_sized.own["reserve"][0] == pytest.approx(12 - (0.86 - revenue) / 0.86)
    assert e_sized.savings[0] < e_full.savings[0]


def test_testing_happens_only_when_the_test_is_drawn(venture, month):
    b = venture(guarantee=(0.3, 0.3))
    assert run(b, month, {"case05.test": 0.6}, lever={"market_testing": 0.5}).own["commercial"][0]


def test_losses_that_no_customer_started_are_not_booked_to_the_loss_of_a_customer(venture, month):
    b = venture(since=5, guarantee=(0.7, 0.7), own={"market": 0.0})
    e = run(b, month)
    assert e.own["losing"][0] and (b.s.council["active"]).all()
    assert e.own["started"][0] != Trigger.LOSS_OF_CUSTOMER


def test_a_venture_sized_to_nothing_does_not_go_commercial(venture, month):
    b = venture(guarantee=(0.0, 0.0), partnership={"market_volume": 0.0}, mechanisms={"case05": {"no_go": 0.0, "sizing": 1.0}})
    e = run(b, month, {"case05.test": 0.0}, lever={"market_testing": 1.0})
    assert not e.own["commercial"][0] and not e.savings.any()
