"""Case 06, district and county: deeper sharing proposed at its month opens each council's decision.

It is rejected on strong concern; tensions take value during the deeper stage; staged scope halts it.

The bench: a district (size 1) and a county (size 4), both with sovereignty concern 0.8,
deeper sharing proposed 36 months after launch. The district fears being subsumed:
concern 0.8 x (1 - 1/4) = 0.6; the county fears dilution, half as strongly: 0.8 x 0.5 x
(1 - 1/4) = 0.3. Their aims are alike (orientation 0.5 each), so neither fears its service
priorities will be displaced. Pinned: acceptance 1.5, reluctance 4, priorities 0.5, tension
1.5, trust_loss 0.03, settled 0.7; fit + service weights 0.45.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from mechanism_checks import position

from sim.core import decisions
from sim.core.evaluate import evaluate
from sim.core.mechanisms import case06_scope_tension as case06
from sim.core.state import EXPANSION, INTEGRATION, OPERATING
from sim.core.triggers import Trigger

M = case06.MECHANISM
Ev = case06.Ev
SPOILT = 0.25 + 0.2
WORRY = (0.6, 0.3)


def logistic(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


ACCEPT = tuple(logistic(1.5 - 4.0 * w) for w in WORRY)


@pytest.fixture
def pair(bench, launched):
    """District and county ``since`` months past launch; deeper (scope 1, expansion) if asked."""

    def make(since: int = 36, deeper: bool = False, concern=(0.8, 0.8), **kwargs):
        columns = {"size": [1.0, 4.0], "sovereignty_concern": list(concern), **kwargs.pop("columns", {})}
        b = bench(columns=columns, partnership={"deepening_month": 36, **kwargs.pop("partnership", {})}, **kwargs)
        launched(b, since, EXPANSION if deeper else OPERATING)
        if deeper:
            b.s.partnership["scope"], b.s.partnership["deepened"] = 1, True
        return b

    return make


def concern(b, k: int) -> tuple[float, int]:
    return case06.concern(b.s.arrays, b.P, b.P.mech[position(M)][0], 0, k)


def test_each_councils_concern_by_hand(pair):
    b = pair()
    assert concern(b, 0) == (pytest.approx(0.6), 1)
    assert concern(b, 1) == (pytest.approx(0.3), 0)
    equal = pair(columns={"size": [2.0, 2.0]})
    assert concern(equal, 0) == (0.0, -1)


def test_differing_aims_add_a_concern_for_service_priorities_on_both_sides(pair):
    # aims 0.2 and 0.8: each fears displacement 0.5 x 0.6 = 0.3, combined with sovereignty as independent concerns
    b = pair(columns={"orientation": [0.2, 0.8]})
    assert concern(b, 0) == (pytest.approx(1 - (1 - 0.6) * (1 - 0.3)), 1)
    assert concern(b, 1) == (pytest.approx(1 - (1 - 0.3) * (1 - 0.3)), 0)
    equal = pair(columns={"size": [2.0, 2.0], "orientation": [0.2, 0.8]})
    assert concern(equal, 0) == (pytest.approx(0.3), 1)


def test_deeper_sharing_proposed_at_its_month_opens_every_councils_decision(pair, month):
    b = pair()
    e = evaluate(M, b.s, b.P, month(b, draws={"case06.accept": [[ACCEPT[0] - 1e-9, ACCEPT[1] - 1e-9]]}))
    np.testing.assert_array_equal(e.opens, [[Trigger.DEEPENING_PROPOSAL] * 2])
    np.testing.assert_array_equal(e.events[Ev.PROPOSED].mask, [[True, True]])
    np.testing.assert_allclose(e.events[Ev.PROPOSED].size, [WORRY])
    np.testing.assert_array_equal(e.events[Ev.PROPOSED].partner, [[1, 0]])
    assert e.shared["scope"][0] == 1 and e.shared["deepened"][0] and e.shared["phase"][0] == EXPANSION
    assert e.events[Ev.DEEPENED].mask.all() and not e.value.any() and not e.trust.any()


def test_deeper_sharing_accepted_or_halted_during_integration_leaves_the_phase_to_integration(pair, month):
    b = pair()
    b.s.partnership["phase"] = INTEGRATION
    e = evaluate(M, b.s, b.P, month(b, draws={"case06.accept": 0.0}))
    assert e.shared["scope"][0] == 1 and e.shared["deepened"][0] and e.shared["phase"][0] == INTEGRATION
    halted = pair(since=40, deeper=True)
    halted.s.partnership["phase"] = INTEGRATION
    halted.s.value_lost[halted.s.value_lost.shape[0] - 1, 0, 0] = 1.0  # council 0 sees less than its outside option
    e = evaluate(M, halted.s, halted.P, month(halted, lever={"staged_scope": 1.0}))
    assert e.shared["scope"][0] == 0 and e.shared["phase"][0] == INTEGRATION and e.events[Ev.HALTED].mask.all()


def test_a_council_with_strong_concern_rejects_it_and_the_it_sharing_carries_on(pair, month):
    b = pair()
    e = evaluate(M, b.s, b.P, month(b, draws={"case06.accept": [[ACCEPT[0] + 1e-9, 0.0]]}))
    np.testing.assert_array_equal(e.events[Ev.REJECTED].mask, [[True, False]])
    assert e.shared["scope"][0] == 0 and not e.shared["deepened"][0] and e.shared["phase"][0] == OPERATING
    np.testing.assert_array_equal(e.opens, [[Trigger.DEEPENING_PROPOSAL] * 2])  # each weighs the partnership all the same
    # the stronger the concern, the likelier a rejection
    assert ACCEPT[0] < ACCEPT[1] < logistic(1.5)


@pytest.mark.parametrize("since", [35, 37])
def test_nothing_is_proposed_outside_its_month(pair, month, since):
    b = pair(since=since)
    e = evaluate(M, b.s, b.P, month(b, draws={"case06.accept": 0.0}))
    assert (e.opens == -1).all() and not any(kind.mask.any() for kind in e.events) and e.shared["scope"][0] == 0


def test_nothing_is_proposed_without_a_planned_deepening_nor_on_the_cautious_path(pair, month):
    for b in (pair(partnership={"deepening_month": -1}), pair(state={"it_only": True})):
        e = evaluate(M, b.s, b.P, month(b, draws={"case06.accept": 0.0}))
        assert (e.opens == -1).all() and not any(kind.mask.any() for kind in e.events) and e.shared["scope"][0] == 0


def test_staged_scope_settles_concerns_before_the_stage_begins(pair, month):
    b = pair()
    settled = tuple(w * (1 - 0.7) for w in WORRY)
    draws = {"case06.accept": [[logistic(1.5 - 4.0 * settled[0]) - 1e-9, 0.0]]}
    unstaged = evaluate(M, b.s, b.P, month(b, draws=draws))
    assert unstaged.shared["scope"][0] == 0 and not unstaged.events[Ev.SETTLED].mask.any()
    e = evaluate(M, b.s, b.P, month(b, draws=draws, lever={"staged_scope": 1.0}))
    assert e.shared["scope"][0] == 1
    np.testing.assert_allclose(e.events[Ev.PROPOSED].size, [settled])
    # what was settled in advance is said, council by council
    assert e.events[Ev.SETTLED].mask.all()
    np.testing.assert_allclose(e.events[Ev.SETTLED].size, [[w * 0.7 for w in WORRY]])


def test_a_concern_splits_into_what_staged_scope_settled_and_what_is_left_from_one_reading(pair):
    """The proposal's month read each council's concern twice, once to take the settled share off and once to say that
    share; one reading now gives both, with the partner the concern is about."""
    b = pair()
    q = b.P.mech[position(M)][0]
    assert case06.unsettled(b.s.arrays, b.P, q, 0, 0, 1.0) == (pytest.approx(0.6 * 0.3), pytest.approx(0.6 * 0.7), 1)
    assert case06.unsettled(b.s.arrays, b.P, q, 0, 1, 0.0) == (pytest.approx(0.3), 0.0, 0)


def test_during_the_deeper_stage_tension_takes_fit_service_and_trust(pair, month):
    b = pair(since=40, deeper=True)
    e = evaluate(M, b.s, b.P, month(b))
    np.testing.assert_allclose(e.value, [[SPOILT * min(1.5 * 0.6, 1.0), SPOILT * 1.5 * 0.3]])
    np.testing.assert_allclose(e.trust[0], [[0.0, 0.03 * 0.6], [0.03 * 0.3, 0.0]])
    np.testing.assert_array_equal(e.events[Ev.FEARED].mask, [[True, True]])
    np.testing.assert_array_equal(e.events[Ev.FEARED].partner, [[1, 0]])
    assert e.shared["scope"][0] == 1 and (e.opens == -1).all()
    capped = pair(since=40, deeper=True, concern=(1.0, 0.0), columns={"size": [1.0, 10.0]})
    assert evaluate(M, capped.s, capped.P, month(capped)).value[0, 0] == pytest.approx(SPOILT)


def test_no_tension_outside_the_deeper_stage(pair, month):
    b = pair(since=40)
    e = evaluate(M, b.s, b.P, month(b))
    assert not e.value.any() and not e.trust.any() and not any(kind.mask.any() for kind in e.events)


def test_staged_scope_halts_the_deeper_stage_when_a_council_sees_it_not_worth_it(pair, month):
    b = pair(since=40, deeper=True)
    c = b.s.value_lost.shape[0] - 1
    b.s.value_lost[c, 0, 0] = 1.0  # council 0 sees less than its outside option
    assert decisions.net_value(b.s.arrays, b.P, 0, 0, b.s.month) < 0 < decisions.net_value(b.s.arrays, b.P, 0, 1, b.s.month)
    lever = {"staged_scope": 1.0}
    e = evaluate(M, b.s, b.P, month(b, lever=lever))
    assert e.shared["scope"][0] == 0 and e.shared["phase"][0] == OPERATING and e.shared["deepened"][0]
    assert e.events[Ev.HALTED].mask.all()
    # the month's tension, with the concerns settled, is still taken
    np.testing.assert_allclose(e.value, [[SPOILT * 1.5 * 0.6 * 0.3, SPOILT * 1.5 * 0.3 * 0.3]])
    # without the lever the stage goes on (a council that sees it not worth it may leave instead)
    assert evaluate(M, b.s, b.P, month(b)).shared["scope"][0] == 1
    # nobody's net value negative: the stage goes on under the lever too
    fine = pair(since=40, deeper=True)
    assert evaluate(M, fine.s, fine.P, month(fine, lever=lever)).shared["scope"][0] == 1
