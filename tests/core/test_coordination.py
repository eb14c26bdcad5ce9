"""Working together: coordination costs grow with the partners and the scope; integration disrupts the service; a faster partner is held back.

Pinned: coordination_cost 0.03 per partner beyond the first at IT-only scope, doubled by
deeper sharing (deeper_coordination 1); disruption 0.3 of the service component (weight
0.2) during integration, half of it prevented by full communications (communications 0.5:
kept 1 - 0.5 x 0.5); frustration 0.5 of fit (weight 0.25) per unit of pace ahead of the
slowest partner.
"""

from __future__ import annotations

import numpy as np
import pytest

from sim.core.evaluate import evaluate
from sim.core.mechanisms import coordination
from sim.core.state import EXPANSION, INTEGRATION, OPERATING

M = coordination.MECHANISM
Ev = coordination.Ev


@pytest.fixture
def working(bench, launched):
    def make(k: int = 2, phase: int = OPERATING, since: int = 30, **kwargs):
        b = bench(k=k, **kwargs)
        launched(b, since, phase)
        return b

    return make


@pytest.mark.parametrize("k", [2, 3, 4, 6])
def test_the_value_taken_grows_with_the_partners(working, month, k):
    b = working(k=k)
    e = evaluate(M, b.s, b.P, month(b))
    np.testing.assert_allclose(e.value, 0.03 * (k - 1))
    assert not e.trust.any() and not e.savings.any() and not e.cost.any() and (e.opens == -1).all()


def test_deeper_sharing_doubles_the_cost_of_working_together(working, month):
    b = working(k=3, phase=EXPANSION, state={"scope": 1})
    np.testing.assert_allclose(evaluate(M, b.s, b.P, month(b)).value, 0.03 * 2 * 2)
    heavier = working(k=3, phase=EXPANSION, state={"scope": 1}, decisions={"deeper_coordination": 2.0})
    np.testing.assert_allclose(evaluate(M, heavier.s, heavier.P, month(heavier)).value, 0.03 * 2 * 3)


def test_partners_who_left_no_longer_cost_anything_to_work_with(working, month):
    b = working(k=4)
    b.s.active[0, 3] = False
    e = evaluate(M, b.s, b.P, month(b))
    np.testing.assert_allclose(e.value, [[0.06, 0.06, 0.06, 0.0]])


def test_integration_disrupts_the_service_and_communications_soften_it(working, month):
    b = working(phase=INTEGRATION, since=3)
    np.testing.assert_allclose(evaluate(M, b.s, b.P, month(b)).value, 0.03 + 0.2 * 0.3 * (1 - 0.5 * 0.5))
    np.testing.assert_allclose(evaluate(M, b.s, b.P, month(b, lever={"communications_plan": 1.0})).value, 0.03 + 0.2 * 0.3 * 0.5)


def test_a_faster_partner_is_held_back_by_the_slowest(working, month):
    b = working(k=3, columns={"pace": [0.9, 0.5, 0.3]}, state={"month": 36})
    e = evaluate(M, b.s, b.P, month(b))
    np.testing.assert_allclose(e.value, [[0.06 + 0.25 * 0.5 * 0.6, 0.06 + 0.25 * 0.5 * 0.2, 0.06]])
    # said once a year, at the council's budget setting, when it is well ahead
    np.testing.assert_array_equal(e.events[Ev.FRUSTRATED].mask, [[True, False, False]])
    assert e.events[Ev.FRUSTRATED].size[0, 0] == pytest.approx(0.6)
    assert not evaluate(M, b.s, b.P, month(b, t=37)).events[Ev.FRUSTRATED].mask.any()


def test_nothing_before_launch(bench, month):
    b = bench(k=4, columns={"pace": [1.0, 0.0, 0.5, 0.5]})
    e = evaluate(M, b.s, b.P, month(b))
    assert not e.value.any() and not any(kind.mask.any() for kind in e.events)
