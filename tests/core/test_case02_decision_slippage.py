"""Case 02, decision slippage: decision meetings before launch, a departing chief executive, concerns that surface, slips and shelving.

The bench: two councils, a proposal due at month 9, a business case of GBP 1m a year at
full clarity (strength 1 / (1 + 1.5) = 0.4), approval log-odds 1 + 3 x strength - 3 x
concern; iterations of 3 months, shortened by half the decision clarity (0.5): a slip
moves the meeting rint(3 x 0.75) = 2 months on.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from sim.core import decisions
from sim.core.evaluate import evaluate
from sim.core.mechanisms import case02_decision_slippage as case02
from sim.core.state import INTEGRATION, PROPOSAL
from sim.core.triggers import Trigger

M = case02.MECHANISM
Ev = case02.Ev
DUE = 9
STRENGTH = 1.0 / (1.0 + 1.5)


def logistic(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def chance(concern: float = 0.0, slips: int = 0) -> float:
    """The chance a council approves at a meeting, by hand (fatigue 0.25 per slip, concern weight 3)."""
    return logistic(1.0 + 3.0 * STRENGTH - 3.0 * concern - 0.25 * slips)


@pytest.fixture
def due(bench):
    """A proposal whose decision meeting is due this month (month 9)."""

    def make(**kwargs):
        return bench(state={"month": DUE, **kwargs.pop("state", {})}, **kwargs)

    return make


def test_the_chance_of_approval_by_hand(due):
    b = due()
    assert decisions.business_case_strength(b.P, 0, 1.0) == pytest.approx(STRENGTH)
    assert decisions.approval_probability(b.P, 0, 1.0, 0.0, 0.0) == pytest.approx(chance())
    assert decisions.approval_probability(b.P, 0, 1.0, 0.5, 0.0) == pytest.approx(chance(0.5))


def test_no_meeting_before_it_is_due_nor_after_launch(bench, month, launched):
    early = bench(state={"month": DUE - 1})
    e = evaluate(M, early.s, early.P, month(early, draws={"case02.approve": 0.0}))
    assert not e.launch.any() and not any(kind.mask.any() for kind in e.events) and e.shared["slips"][0] == 0
    after = bench(state={"month": 20})
    launched(after, 3)
    e = evaluate(M, after.s, after.P, month(after, draws={"case02.approve": 0.999}))
    assert not e.launch.any() and e.shared["slips"][0] == 0 and not any(kind.mask.any() for kind in e.events)


def test_switched_off_the_proposal_is_approved_on_its_planned_date(due, month):
    b = due(mechanisms={"case02": {"enabled": False}})
    e = evaluate(M, b.s, b.P, month(b))
    assert e.launch[0] and not any(kind.mask.any() for kind in e.events)


def test_every_council_approves_and_the_partnership_launches(due, month):
    b = due()
    e = evaluate(M, b.s, b.P, month(b, draws={"case02.approve": chance() - 1e-9}))
    assert e.launch[0]
    np.testing.assert_array_equal(e.shared["approved"], [[True, True]])
    np.testing.assert_allclose(e.events[Ev.APPROVED].size, chance())


def test_one_council_short_and_the_decision_slips_to_a_later_meeting(due, month):
    b = due()
    e = evaluate(M, b.s, b.P, month(b, draws={"case02.approve": [[0.0, chance() + 1e-9]]}))
    assert not e.launch[0]
    np.testing.assert_array_equal(e.shared["approved"], [[True, False]])  # an approval stands at later meetings
    assert e.shared["slips"][0] == 1 and e.shared["approval_due"][0] == DUE + 2
    np.testing.assert_array_equal(e.events[Ev.SLIPPED].mask, [[False, True]])
    # the first slip never shelves the proposal: 1 - exp(-0.1 * 0) = 0
    assert not e.ends[0]


def test_an_agreed_decision_process_brings_the_next_meeting_sooner(due, month):
    b = due(partnership={"decision_clarity": 0.0})
    e = evaluate(M, b.s, b.P, month(b))
    assert e.shared["approval_due"][0] == DUE + 3 and e.events[Ev.SLIPPED].mask.any() and not e.events[Ev.SOONER].mask.any()
    e = evaluate(M, b.s, b.P, month(b, lever={"agreed_decision_process": 1.0}, draws={"case02.voice": 0.999}))
    # clarity lifted to 1: rint(3 * 0.5) = 2, said beside each council's slip
    assert e.shared["approval_due"][0] == DUE + 2
    np.testing.assert_array_equal(e.events[Ev.SOONER].mask, e.events[Ev.SLIPPED].mask)
    assert e.events[Ev.SOONER].mask.any() and (e.events[Ev.SOONER].size[e.events[Ev.SOONER].mask] == 2).all()
    # clear already: the lever brings nothing forward, and nothing says it did
    clear = due(partnership={"decision_clarity": 1.0})
    assert not evaluate(M, clear.s, clear.P, month(clear, lever={"agreed_decision_process": 1.0})).events[Ev.SOONER].mask.any()


def test_the_next_meeting_after_a_slip_is_worked_out_in_one_place():
    """The months to the next meeting, with and without the lever's lift, were two copies of one expression in step; one
    helper says it: 3 months shortened by half the clarity, at least 1."""
    meeting = case02.next_meeting.py_func  # the helper as Python, with the parameters as the user gives them
    q = case02.Params()
    assert [meeting(q, c) for c in (0.0, 0.5, 1.0)] == [3, 2, 2]
    assert meeting(case02.Params(iteration_months=1.0, clarity_speedup=1.0), 1.0) == 1


def test_a_council_whose_chief_executive_is_leaving_defers(due, month):
    b = due()
    b.s.council["ceo_notice"][0] = [4, 0]
    e = evaluate(M, b.s, b.P, month(b, draws={"case02.approve": 0.0}))
    assert not e.launch[0]
    np.testing.assert_array_equal(e.shared["approved"], [[False, True]])
    np.testing.assert_array_equal(e.events[Ev.DEFERRED].mask, [[True, False]])
    assert e.events[Ev.DEFERRED].size[0, 0] == 4
    np.testing.assert_array_equal(e.own["trigger"], [[Trigger.CHIEF_EXECUTIVE_LEAVING, -1]])
    assert e.shared["slips"][0] == 1


def test_a_watched_process_involves_the_successor_or_waits_for_them(due, month):
    b = due()
    b.s.council["ceo_notice"][0] = [4, 0]
    # involving the successor (watch draw below 0.8 x strength): the council decides
    e = evaluate(M, b.s, b.P, month(b, draws={"case02.approve": 0.0, "case02.watch": 0.7}, lever={"agreed_decision_process": 1.0}))
    assert e.launch[0] and not e.events[Ev.DEFERRED].mask.any()
    np.testing.assert_array_equal(e.events[Ev.INVOLVED].mask, [[True, False]])
    assert e.events[Ev.INVOLVED].size[0, 0] == 4
    # otherwise the decision is re-timed to the successor's arrival, without a slip
    e = evaluate(M, b.s, b.P, month(b, draws={"case02.approve": 0.0, "case02.watch": 0.9}, lever={"agreed_decision_process": 1.0}))
    assert not e.launch[0] and e.shared["slips"][0] == 0 and e.shared["approval_due"][0] == DUE + 4 + 1
    np.testing.assert_array_equal(e.events[Ev.RETIMED].mask, [[True, False]])
    assert not e.events[Ev.DEFERRED].mask.any() and not e.events[Ev.SLIPPED].mask.any() and not e.events[Ev.INVOLVED].mask.any()


def test_a_concern_that_surfaces_lowers_the_chance_of_approval(due, month):
    b = due(columns={"sovereignty_concern": [0.5, 0.0]})
    draw = (chance() + chance(0.5)) / 2  # approves without the concern, not with it
    quiet = evaluate(M, b.s, b.P, month(b, draws={"case02.approve": draw}))
    assert quiet.launch[0] and not quiet.events[Ev.SURFACED].mask.any()
    surfaced = evaluate(M, b.s, b.P, month(b, draws={"case02.approve": draw, "case02.surface": [[0.2, 0.999]]}))
    assert not surfaced.launch[0]
    np.testing.assert_array_equal(surfaced.shared["surfaced"], [[True, False]])
    np.testing.assert_array_equal(surfaced.own["trigger"], [[Trigger.CONCERN_SURFACED, -1]])
    assert surfaced.events[Ev.SURFACED].size[0, 0] == 0.5
    # doubt in the in-house team is a concern too: max(sovereignty, 1 - confidence)
    doubt = due(columns={"inhouse_confidence": [0.5, 1.0]})
    assert case02.concern(doubt.s.arrays, doubt.P, 0, 0) == 0.5


def test_a_concern_once_surfaced_weighs_at_every_later_meeting(due, month):
    b = due(columns={"sovereignty_concern": [0.5, 0.0]})
    b.s.council["surfaced"][0, 0] = True
    b.s.partnership["slips"][0] = 1
    e = evaluate(M, b.s, b.P, month(b, draws={"case02.approve": (chance(0.5, 1) + chance(0.0, 1)) / 2}))
    np.testing.assert_array_equal(e.shared["approved"], [[False, True]])
    assert not e.events[Ev.SURFACED].mask.any()  # it surfaces once


def test_each_slip_wears_the_proposal_down(due, month):
    b = due(state={"slips": 4})
    draw = (chance(0.0, 4) + chance()) / 2
    assert chance(0.0, 4) < draw < chance()
    e = evaluate(M, b.s, b.P, month(b, draws={"case02.approve": draw}))
    assert not e.launch[0] and e.shared["slips"][0] == 5


def test_concerns_voiced_at_the_start_of_an_agreed_process_are_settled_openly(due, month):
    b = due(columns={"sovereignty_concern": [0.5, 0.5]})
    lever = {"agreed_decision_process": 1.0}
    # voiced at the first meeting (voice draw below the lifted clarity, 1): the concern weighs 1 - settled = 0.4
    draw = (chance(0.5 * 0.4) + chance(0.5)) / 2
    e = evaluate(M, b.s, b.P, month(b, draws={"case02.approve": draw, "case02.voice": 0.5, "case02.surface": 0.0}, lever=lever))
    assert e.launch[0] and e.own["voiced"].all() and not e.shared["surfaced"].any()
    # without the agreed process (clarity 0.5) a draw of 0.5 voices nothing: the process brought them out, and says so
    np.testing.assert_array_equal(e.events[Ev.VOICED].mask, [[True, True]])
    assert e.events[Ev.VOICED].size[0, 0] == 0.5
    anyway = evaluate(M, b.s, b.P, month(b, draws={"case02.approve": draw, "case02.voice": 0.4, "case02.surface": 0.0}, lever=lever))
    assert anyway.own["voiced"].all() and not anyway.events[Ev.VOICED].mask.any()


def test_after_repeated_slippage_a_watched_process_escalates_and_settles_surfaced_concerns(due, month):
    b = due(columns={"sovereignty_concern": [0.5, 0.5]}, state={"slips": 2})
    b.s.council["surfaced"][0] = True
    draw = (chance(0.5 * 0.4, 2) + chance(0.5, 2)) / 2
    unwatched = evaluate(M, b.s, b.P, month(b, draws={"case02.approve": draw, "case02.give_up": 0.999}))
    assert not unwatched.launch[0]
    assert not unwatched.events[Ev.ESCALATED].mask.any()
    watched = evaluate(M, b.s, b.P, month(b, draws={"case02.approve": draw}, lever={"agreed_decision_process": 1.0}))
    assert watched.launch[0]
    np.testing.assert_array_equal(watched.events[Ev.ESCALATED].mask, [[True, True]])
    # said once: a concern settled at one meeting is not settled again at the next
    b.s.mech("case02")["escalated"][:] = True
    again = evaluate(M, b.s, b.P, month(b, draws={"case02.approve": 0.999, "case02.give_up": 0.999}, lever={"agreed_decision_process": 1.0}))
    assert not again.launch[0] and not again.events[Ev.ESCALATED].mask.any()


def test_repeated_slippage_can_shelve_the_proposal_with_its_trigger(due, month):
    b = due(state={"slips": 3})
    # the fourth slip: the chance of giving up is 1 - exp(-0.1 * 3)
    give_up = 1 - math.exp(-0.3)
    kept = evaluate(M, b.s, b.P, month(b, draws={"case02.give_up": give_up + 1e-9}))
    assert not kept.ends[0] and kept.shared["slips"][0] == 4
    shelved = evaluate(M, b.s, b.P, month(b, draws={"case02.give_up": give_up - 1e-9}))
    assert shelved.ends[0] and shelved.trigger[0] == Trigger.REPEATED_SLIPPAGE


@pytest.mark.parametrize(("setup", "trigger"), [("ceo", Trigger.CHIEF_EXECUTIVE_LEAVING), ("concern", Trigger.CONCERN_SURFACED)])
def test_a_shelving_takes_the_trigger_of_the_decisive_council_at_that_meeting(due, month, setup, trigger):
    """The decisive council is the one least likely to approve; what happened to it at the meeting is the trigger."""
    b = due(columns={"sovereignty_concern": [0.0, 0.6]}, state={"slips": 3})
    draws = {"case02.give_up": 0.0}
    if setup == "ceo":
        b.s.council["ceo_notice"][0] = [0, 5]
    else:
        draws["case02.surface"] = [[0.999, 0.0]]
    e = evaluate(M, b.s, b.P, month(b, draws=draws))
    assert e.ends[0] and e.trigger[0] == trigger


def test_a_meeting_leaves_councils_that_left_out(due, month):
    b = due()
    b.s.active[0, 1] = False
    e = evaluate(M, b.s, b.P, month(b, draws={"case02.approve": 0.0}))
    assert e.launch[0] and e.shared["approved"][0].tolist() == [True, False]
    assert not e.events[Ev.APPROVED].mask[0, 1]


def test_the_kernel_launches_the_month_after_approval_and_schedules_the_first_review(bench):
    from sim.core import kernel

    b = bench(mechanisms={"case02": {"enabled": False}})
    for _ in range(DUE + 1):
        kernel.step(b.s, b.P, b.seed)
    p = b.s.partnership[0]
    assert (p["phase"], p["launch_month"], p["review_due"]) == (INTEGRATION, DUE + 1, DUE + 1 + 48)
    before = bench()
    assert before.s.partnership["phase"][0] == PROPOSAL


def test_fatigue_wears_approval_down_whatever_the_weight_of_a_concern(due, month):
    b = due(decisions={"approval_concern": 0.0}, state={"slips": 2})
    draw = logistic(1.0 + 3.0 * STRENGTH - 0.25 * 2)
    assert not evaluate(M, b.s, b.P, month(b, draws={"case02.approve": draw + 1e-9})).launch[0]
