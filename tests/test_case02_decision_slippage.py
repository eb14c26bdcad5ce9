"""Case 02 alone: approval at each decision point, or a slip with fatigue, until all agree."""

from __future__ import annotations

import numpy as np
import pytest

from sim.mechanisms import case02_decision_slippage as case02
from sim.mechanisms.base import evaluate
from sim.state import INTEGRATION


@pytest.fixture
def deciding(bench):
    """Two councils at their first decision point (month 3), clarity 0.5, one concerned about sovereignty."""
    return bench(
        partnership={"approval_months": 3, "decision_clarity": 0.5},
        columns={"sovereignty_concern": [0.4, 0.4], "inhouse_confidence": [0.8, 0.8]},
        state={"month": 3},
    )


def test_one_refusal_slips_the_proposal_and_costs_the_refuser(deciding, month):
    b = deciding
    e = evaluate(case02, b.s, b.P, month(b, draws={"case02.approve": [[0.7, 0.8]]}))
    # p_approve = 1 - 0.5 * (1 - 0.5) = 0.75: council 0 agrees (0.7), council 1 does not (0.8)
    assert not e.launch[0]
    np.testing.assert_allclose(e.commitment, [[0.0, 0.04 * (0.5 + 0.5)]])
    # next decision after rint(3 * (1 - 0.5 * 0.5)) = 2 months
    np.testing.assert_array_equal(e.shared["approval_due"], [5])
    np.testing.assert_array_equal(e.own["slips"], [1])
    np.testing.assert_array_equal(e.own["surfaced"], [[False, True]])
    np.testing.assert_array_equal(e.own["approved"], [[True, False]])


def test_a_surfaced_concern_lowers_approval_and_fatigue_grows(deciding, month):
    b = deciding
    b.s.month = 5
    b.s.approval_due[:] = 5
    b.s.mech["case02"].update(slips=np.array([1]), surfaced=np.array([[False, True]]), approved=np.array([[True, False]]))
    # p_approve = 0.75 - 0.8 * max(0.4, 1 - 0.8) * (1 - 0.5) = 0.59
    refused = evaluate(case02, b.s, b.P, month(b, draws={"case02.approve": [[0.999, 0.6]]}))
    assert not refused.launch[0]
    np.testing.assert_allclose(refused.commitment, [[0.0, 0.04 * 1.0 * (1 + 0.25 * 1)]])
    approved = evaluate(case02, b.s, b.P, month(b, draws={"case02.approve": [[0.999, 0.58]]}))
    assert approved.launch[0]
    np.testing.assert_array_equal(approved.commitment, 0.0)


def test_a_fast_paced_council_tires_faster(bench, month):
    b = bench(partnership={"approval_months": 3, "decision_clarity": 0.5}, columns={"pace": [1.0, 0.0]}, state={"month": 3})
    e = evaluate(case02, b.s, b.P, month(b, draws={"case02.approve": 0.9}))
    np.testing.assert_allclose(e.commitment, [[0.04 * 1.5, 0.04 * 0.5]])


def test_all_agreeing_launches_without_loss(deciding, month):
    b = deciding
    e = evaluate(case02, b.s, b.P, month(b, draws={"case02.approve": 0.1}))
    assert e.launch[0]
    np.testing.assert_array_equal(e.commitment, 0.0)
    np.testing.assert_array_equal(e.shared["approval_due"], [3])


@pytest.mark.parametrize("case", ["before_due", "launched"])
def test_nothing_happens_outside_a_decision_point(deciding, month, case):
    b = deciding
    if case == "before_due":
        b.s.month = 2
    else:
        b.s.phase[:] = INTEGRATION
    e = evaluate(case02, b.s, b.P, month(b, draws={"case02.approve": 0.9}))
    assert not e.launch.any()
    np.testing.assert_array_equal(e.commitment, 0.0)
    np.testing.assert_array_equal(e.own["slips"], [0])


def test_a_council_awaiting_its_new_chief_executive_defers(deciding, month):
    b = deciding
    b.s.notice[:] = [[2, 0]]
    e = evaluate(case02, b.s, b.P, month(b, draws={"case02.approve": 0.0}))
    assert not e.launch[0]
    np.testing.assert_allclose(e.commitment, [[0.04, 0.0]])
    assert e.events[1].mask[0, 0] and not e.events[0].mask[0, 0]


def test_an_agreed_process_brings_the_decision_forward_and_raises_approval(deciding, month):
    b = deciding
    b.s.notice[:] = [[2, 0]]
    e = evaluate(case02, b.s, b.P, month(b, draws={"case02.approve": 0.999}, lever={"agreed_decision_process": 1.0}))
    assert e.launch[0]
    partial = evaluate(case02, b.s, b.P, month(b, draws={"case02.approve": 0.8, "case02.forewarned": 0.4}, lever={"agreed_decision_process": 0.5}))
    # clarity 0.5 + 0.5 * 0.5 = 0.75: p_approve = 1 - 0.5 * 0.25 = 0.875 > 0.8; forewarned since 0.4 < 0.5
    assert partial.launch[0]


@pytest.mark.parametrize(("strength", "months"), [(0.0, 8), (0.5, 6), (0.75, 5)])
def test_an_agreed_process_shortens_iterations(bench, month, strength, months):
    b = bench(partnership={"approval_months": 3, "decision_clarity": 0.0}, mechanisms={"case02": {"iteration_months": 8}}, state={"month": 3})
    e = evaluate(case02, b.s, b.P, month(b, draws={"case02.approve": 0.9999}, lever={"agreed_decision_process": strength}))
    # clarity = strength; next decision after rint(8 * (1 - 0.5 * strength)) months
    assert not e.launch[0]
    assert e.shared["approval_due"][0] == 3 + months


def test_switched_off_it_approves_on_the_planned_date_without_loss(bench, month):
    b = bench(partnership={"approval_months": 3}, mechanisms={"case02": {"enabled": False}}, state={"month": 3})
    e = evaluate(case02, b.s, b.P, month(b, draws={"case02.approve": 0.999}))
    assert e.launch[0]
    np.testing.assert_array_equal(e.commitment, 0.0)
    np.testing.assert_array_equal(e.shared["approval_due"], [3])


@pytest.mark.parametrize(("slips", "ends"), [(4, False), (5, True)])
def test_too_many_slips_shelve_the_proposal(deciding, month, slips, ends):
    b = deciding
    b.s.mech["case02"]["slips"][:] = slips
    e = evaluate(case02, b.s, b.P, month(b, draws={"case02.approve": 0.9}))
    # max_slips 6: the sixth slip ends it, booked to case 02
    assert bool(e.ends[0]) is ends
    approved = evaluate(case02, b.s, b.P, month(b, draws={"case02.approve": 0.1}))
    assert not approved.ends[0]
