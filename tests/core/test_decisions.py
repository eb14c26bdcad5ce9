"""Councils that decide: the value a council sees, its outside option, its choice at decision points only, notices, and the reasons it records.

The bench: two councils in a joint committee (exit cost 0.08, usual notice 12 months),
outside option 0.55, unpick cost 0.15 at full harmonisation, enthusiasm 0.2 fading over 24
months, logistic noise 0.08, inertia 0.25 at a routine budget decision and 0.1 when an
event reopens the question; every council's budget is set in month 0 of the year.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from conftest import OFF

from sim import population
from sim.config.scenarios import load
from sim.core import decisions, kernel, triggers
from sim.core.layout import layout
from sim.core.state import COLLAPSED, ENDED, EXPANSION, INTEGRATION, OPERATING, RUNNING
from sim.core.triggers import Trigger

C = layout().cause_index
CASE01, CASE03 = C["case01_key_person"], C["case03_misaligned_aspirations"]
Ev = decisions.Ev
#: A month that is nobody's budget month, 13 months after launch.
PLAIN = 13


def logistic(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def net(t: int, taken: float = 0.0, exit_cost: float = 0.08, harmonisation: float = 0.0) -> float:
    """Net value by hand: the promise plus fading enthusiasm, less what was taken, less the outside option net of the costs of leaving."""
    return 1.0 + 0.2 * math.exp(-t / 24) - taken - (0.55 - exit_cost - 0.15 * harmonisation)


@pytest.fixture
def running(bench, launched):
    """Two councils operating, launched at month 0, now at month ``t``."""

    def make(t: int = PLAIN, **kwargs):
        b = bench(**kwargs)
        launched(b, t, OPERATING)
        return b

    return make


class Weighed:
    """What :func:`decisions.weigh` did in replication 0: the council records after it and its events."""

    def __init__(self, b, choice, notice=0.5):
        n = b.s.council.shape[1]
        draws = np.stack([np.broadcast_to(np.asarray(choice, float), n), np.broadcast_to(np.asarray(notice, float), n)])
        self.events = kernel._events(layout(), 1, n)
        decisions.weigh(b.s.arrays, b.P, 0, b.s.month, np.ascontiguousarray(draws), kernel.DECIDE_EVENTS, self.events)
        self.council = b.s.council[0]

    def fired(self, kind: Ev) -> np.ndarray:
        return self.events[0][kernel.DECIDE_EVENTS + kind, 0]

    def of(self, kind: Ev, field: int) -> np.ndarray:
        return self.events[field][kernel.DECIDE_EVENTS + kind, 0]


# The value a council sees and its choice -------------------------------------------------------


def test_the_value_seen_and_the_net_value_by_hand(running):
    b = running()
    b.s.value_lost[CASE01, 0] = [0.1, 0.0]
    b.s.value_lost[CASE03, 0] = [0.05, 0.2]
    t = b.s.month
    assert decisions.enthusiasm(b.P, 0, t) == pytest.approx(0.2 * math.exp(-t / 24))
    assert decisions.value_seen(b.s.arrays, b.P, 0, 0, t) == pytest.approx(1 + 0.2 * math.exp(-t / 24) - 0.15)
    assert decisions.outside(b.s.arrays, b.P, 0) == pytest.approx(0.55 - 0.08)
    b.s.partnership["harmonisation"][0] = 0.4
    assert decisions.outside(b.s.arrays, b.P, 0) == pytest.approx(0.55 - 0.08 - 0.15 * 0.4)
    assert decisions.net_value(b.s.arrays, b.P, 0, 1, t) == pytest.approx(net(t, 0.2, harmonisation=0.4))


def test_the_chance_of_leaving_by_hand(running):
    b = running()
    b.s.value_lost[CASE01, 0] = 0.6
    t = b.s.month
    routine = decisions.leave_probability(b.s.arrays, b.P, 0, 0, t, Trigger.BUDGET_SETTING)
    reopened = decisions.leave_probability(b.s.arrays, b.P, 0, 0, t, Trigger.ELECTION)
    assert routine == pytest.approx(logistic((-net(t, 0.6) - 0.25) / 0.08))
    assert reopened == pytest.approx(logistic((-net(t, 0.6) - 0.1) / 0.08))
    assert routine < reopened  # a routine decision carries a status-quo bias
    b.s.council["notice"][0, 0] = 6
    stay = decisions.stay_probability(b.s.arrays, b.P, 0, 0, t)
    assert stay == pytest.approx(logistic((net(t, 0.6) - 0.1) / 0.08))
    assert decisions.logistic(-800.0) == 0.0 and decisions.logistic(800.0) == 1.0


@pytest.mark.parametrize("trigger", [Trigger.BUDGET_SETTING, Trigger.AGREEMENT_REVIEW, Trigger.ELECTION, Trigger.PARTNER_LEFT])
def test_a_bigger_shortfall_raises_the_chance_of_leaving(running, trigger):
    b = running()
    chances = []
    for taken in np.linspace(0.0, 1.2, 13):
        b.s.value_lost[CASE01, 0, 0] = taken
        chances.append(decisions.leave_probability(b.s.arrays, b.P, 0, 0, b.s.month, trigger))
    assert np.all(np.diff(chances) > 0) and 0 < chances[0] < 0.01 and chances[-1] > 0.9


def test_a_higher_exit_cost_lowers_the_chance_of_leaving(running):
    chances = []
    for governance in ("mou", "joint_committee", "lead_authority", "trading_company", "commercial_venture"):
        b = running(partnership={"governance": governance})
        b.s.value_lost[CASE01, 0, 0] = 0.6
        chances.append(decisions.leave_probability(b.s.arrays, b.P, 0, 0, b.s.month, Trigger.ELECTION))
    assert chances[0] > chances[1] > chances[2] > chances[3] == chances[4]
    # unpicking a harmonised service is a cost of leaving too
    b = running()
    b.s.value_lost[CASE01, 0, 0] = 0.6
    before = decisions.leave_probability(b.s.arrays, b.P, 0, 0, b.s.month, Trigger.ELECTION)
    b.s.partnership["harmonisation"][0] = 1.0
    assert decisions.leave_probability(b.s.arrays, b.P, 0, 0, b.s.month, Trigger.ELECTION) < before
    dear = running(decisions={"exit_cost_joint_committee": 0.3})
    dear.s.value_lost[CASE01, 0, 0] = 0.6
    assert decisions.leave_probability(dear.s.arrays, dear.P, 0, 0, dear.s.month, Trigger.ELECTION) < chances[1]


def test_a_compelling_business_case_raises_approval_and_a_concern_lowers_it(bench):
    chances = []
    for promised in (0.2, 1.0, 3.0, 10.0):
        b = bench(partnership={"promised_savings": promised})
        chances.append(decisions.approval_probability(b.P, 0, 1.0, 0.0, 0.0))
    assert np.all(np.diff(chances) > 0)
    # strength is promise against the reference (1.5), times clarity: never enough alone (log-odds 1 + 3 x strength < 4)
    assert chances[-1] == pytest.approx(logistic(1 + 3 * 10 / 11.5)) and chances[-1] < logistic(4)
    b = bench()
    clear, vague = decisions.approval_probability(b.P, 0, 1.0, 0.0, 0.0), decisions.approval_probability(b.P, 0, 0.2, 0.0, 0.0)
    assert clear > vague and vague == pytest.approx(logistic(1 + 3 * 0.2 * 0.4))
    concerned = decisions.approval_probability(b.P, 0, 1.0, 0.5, 0.0)
    assert concerned == pytest.approx(logistic(1 + 3 * 0.4 - 3 * 0.5)) and concerned < clear


def test_the_leading_cause_is_what_took_most_of_the_value(running):
    b = running()
    assert decisions.leading_cause(b.s.arrays, 0, 0) == -1
    b.s.value_lost[CASE01, 0, 0] = 0.2
    b.s.value_lost[CASE03, 0, 0] = 0.3
    b.s.value_lost[C["political_control"], 0, 0] = -0.4  # a doctrine for sharing adds value
    assert decisions.leading_cause(b.s.arrays, 0, 0) == CASE03
    b.s.value_lost[CASE01, 0, 0] = 0.3
    assert decisions.leading_cause(b.s.arrays, 0, 0) == CASE01  # the first on a tie


# Decision points ----------------------------------------------------------------------------


def hopeless(b) -> None:
    """Both councils see far less than their outside option: any decision ends in notice."""
    b.s.value_lost[CASE01, 0] = 2.0


def test_a_council_decides_only_at_its_decision_points(running):
    b = running()
    hopeless(b)
    w = Weighed(b, 0.0)
    assert not w.council["notice"].any() and not w.fired(Ev.GAVE_NOTICE).any()
    # at the budget setting (month 24: month 0 of the year), both decide
    year = running(t=24)
    hopeless(year)
    w = Weighed(year, 0.0)
    assert w.council["notice"].all() and (w.council["notice_trigger"] == Trigger.BUDGET_SETTING).all()


def test_each_council_decides_at_its_own_budget_month(running):
    b = running(t=24 + 5, columns={"budget_month": [5, 6]})
    hopeless(b)
    w = Weighed(b, 0.0)
    np.testing.assert_array_equal(w.council["notice"] > 0, [True, False])


def test_no_decision_before_launch_nor_in_the_month_after_approval(bench, launched):
    before = bench(state={"month": 24})
    hopeless(before)
    assert not Weighed(before, 0.0).council["notice"].any()
    first = bench()
    launched(first, 0)  # launched at month 0, integration: the month after approval
    first.s.month = 0
    hopeless(first)
    assert first.s.partnership["phase"][0] == INTEGRATION and not Weighed(first, 0.0).council["notice"].any()
    deepened = bench()  # deeper sharing proposed in the first launched month: still no decision in it
    launched(deepened, 0, EXPANSION)
    deepened.s.month = 0
    hopeless(deepened)
    assert not Weighed(deepened, 0.0).council["notice"].any()


def test_a_review_of_the_agreement_is_a_decision_point_and_the_next_is_scheduled(running):
    b = running()
    b.s.partnership["review_due"][0] = PLAIN
    hopeless(b)
    w = Weighed(b, 0.0)
    assert (w.council["notice_trigger"] == Trigger.AGREEMENT_REVIEW).all()
    assert b.s.partnership["review_due"][0] == PLAIN + 48


def test_an_event_opens_a_decision_that_falls_due_and_is_cleared(running):
    b = running()
    hopeless(b)
    b.s.council["decision_due"][0] = [PLAIN, PLAIN + 2]
    b.s.council["decision_trigger"][0] = [Trigger.ELECTION, Trigger.REBRAND]
    w = Weighed(b, 0.0)
    np.testing.assert_array_equal(w.council["notice"] > 0, [True, False])
    assert w.council["notice_trigger"][0] == Trigger.ELECTION
    np.testing.assert_array_equal(w.council["decision_due"], [-1, PLAIN + 2])
    np.testing.assert_array_equal(w.council["decision_trigger"], [-1, Trigger.REBRAND])


def test_an_events_decision_comes_before_a_review_or_the_budget(running):
    b = running(t=24)
    b.s.partnership["review_due"][0] = 24
    b.s.council["decision_due"][0] = [20, -1]
    b.s.council["decision_trigger"][0] = [Trigger.NEW_CHIEF_EXECUTIVE, -1]
    hopeless(b)
    w = Weighed(b, 0.0)
    np.testing.assert_array_equal(w.council["notice_trigger"], [Trigger.NEW_CHIEF_EXECUTIVE, Trigger.AGREEMENT_REVIEW])


def test_a_decision_is_a_draw_against_the_chance_of_leaving(running):
    b = running(t=24)
    b.s.value_lost[CASE01, 0] = 0.7
    p = decisions.leave_probability(b.s.arrays, b.P, 0, 0, 24, Trigger.BUDGET_SETTING)
    assert 0.05 < p < 0.95
    w = Weighed(b, [p - 1e-9, p + 1e-9])
    np.testing.assert_array_equal(w.council["notice"] > 0, [True, False])


# Notices ------------------------------------------------------------------------------------


def test_a_notice_records_its_cause_trigger_and_length(running):
    b = running(t=24)
    b.s.value_lost[CASE01, 0] = [0.5, 0.2]
    b.s.value_lost[CASE03, 0] = [0.2, 0.6]
    w = Weighed(b, 0.0, notice=[0.0, 0.9])
    # notices run between half and one and a half times the usual 12 months
    np.testing.assert_array_equal(w.council["notice"], [6, 17])
    np.testing.assert_array_equal(w.council["notice_cause"], [CASE01, CASE03])
    np.testing.assert_array_equal(w.council["notice_trigger"], [Trigger.BUDGET_SETTING] * 2)
    np.testing.assert_array_equal(w.council["notices"], [1, 1])
    assert w.fired(Ev.GAVE_NOTICE).all()
    np.testing.assert_array_equal(w.of(Ev.GAVE_NOTICE, 3), [CASE01, CASE03])
    np.testing.assert_array_equal(w.of(Ev.GAVE_NOTICE, 4), [Trigger.BUDGET_SETTING] * 2)
    np.testing.assert_allclose(w.of(Ev.GAVE_NOTICE, 1), [1 + 0.2 * math.exp(-1) - 0.7, 1 + 0.2 * math.exp(-1) - 0.8])


@pytest.mark.parametrize(("governance", "usual"), [("mou", 3), ("joint_committee", 12), ("lead_authority", 12), ("trading_company", 18)])
def test_notices_follow_the_governance_form(running, governance, usual):
    b = running(t=24, partnership={"governance": governance})
    hopeless(b)
    w = Weighed(b, 0.0, notice=[0.5, 0.0])
    np.testing.assert_array_equal(w.council["notice"], [usual, max(round(usual * 0.5), 1)])


def test_a_council_under_notice_may_withdraw_it_at_a_decision_point(running):
    b = running(t=24)
    b.s.council["notice"][0] = 5
    b.s.council["notice_cause"][0] = CASE01
    b.s.council["notices"][0] = 1
    p = decisions.stay_probability(b.s.arrays, b.P, 0, 0, 24)
    assert p > 0.9  # nothing taken: staying is well worth it
    w = Weighed(b, [p - 1e-9, p + 1e-9])
    np.testing.assert_array_equal(w.council["notice"], [0, 5])
    np.testing.assert_array_equal(w.fired(Ev.WITHDREW), [True, False])
    assert w.of(Ev.WITHDREW, 3)[0] == CASE01 and w.of(Ev.WITHDREW, 4)[0] == Trigger.BUDGET_SETTING
    np.testing.assert_array_equal(w.council["notices"], [1, 1])  # the count of notices given stays
    plain = running()
    plain.s.council["notice"][0] = 5
    assert (Weighed(plain, 0.0).council["notice"] == 5).all()  # not at a decision point


def exits(b, t: int, ended_by: int = -1, ended_trigger: int = -1) -> tuple:
    events = kernel._events(layout(), 1, b.s.council.shape[1])
    kernel._exits_and_endings(b.s.arrays, b.P, 0, t, ended_by, ended_trigger, events)
    return events


def test_notices_run_down_and_a_council_leaves_with_the_cause_and_trigger_of_its_notice(running):
    b = running(k=3)
    b.s.council["notice"][0] = [2, 1, 0]
    b.s.council["notice_cause"][0] = [CASE01, CASE03, -1]
    b.s.council["notice_trigger"][0] = [Trigger.ELECTION, Trigger.REBRAND, -1]
    events = exits(b, PLAIN)
    c = b.s.council[0]
    np.testing.assert_array_equal(c["active"], [True, False, True])
    np.testing.assert_array_equal(c["notice"], [1, 0, 0])
    np.testing.assert_array_equal(c["exit_month"], [-1, PLAIN + 1, -1])
    assert (c["exit_cause"][1], c["exit_trigger"][1]) == (CASE03, Trigger.REBRAND)
    assert events[0][kernel.DECIDE_EVENTS + Ev.LEFT, 0].tolist() == [False, True, False]
    np.testing.assert_array_equal(b.s.pairs[0], [[False, False, True], [False, False, False], [True, False, False]])
    # the partners still in weigh the partnership again next month, without the partner who left
    np.testing.assert_array_equal(c["decision_due"], [PLAIN + 1, -1, PLAIN + 1])
    np.testing.assert_array_equal(c["decision_trigger"], [Trigger.PARTNER_LEFT, -1, Trigger.PARTNER_LEFT])
    assert b.s.partnership["outcome"][0] == RUNNING


def test_a_partnership_left_with_too_few_collapses_with_the_first_leavers_cause_and_trigger(running):
    b = running(k=3)
    b.s.council["notice"][0] = [0, 1, 1]
    b.s.council["notice_cause"][0] = [-1, CASE03, CASE01]
    b.s.council["notice_trigger"][0] = [-1, Trigger.BUDGET_SHOCK, Trigger.ELECTION]
    exits(b, PLAIN)
    p = b.s.partnership[0]
    assert (p["outcome"], p["phase"], p["end_month"], p["end_cause"], p["end_trigger"]) == (COLLAPSED, ENDED, PLAIN + 1, CASE03, Trigger.BUDGET_SHOCK)


def test_a_mechanism_that_ends_the_partnership_books_its_own_cause_and_trigger(running):
    b = running()
    exits(b, PLAIN, C["case05_commercial_venture"], Trigger.END_OF_GUARANTEE)
    p = b.s.partnership[0]
    assert (p["outcome"], p["end_cause"], p["end_trigger"]) == (COLLAPSED, C["case05_commercial_venture"], Trigger.END_OF_GUARANTEE)
    assert b.s.council["active"].all()


def test_decisions_a_mechanism_opens_fall_due_this_month_unless_one_is_due_sooner(running):
    b = running(k=3)
    b.s.active[0, 2] = False
    b.s.council["decision_due"][0, 1] = PLAIN - 1
    b.s.council["decision_trigger"][0, 1] = Trigger.BUDGET_SHOCK
    opens = np.array([Trigger.REBRAND, Trigger.REBRAND, Trigger.REBRAND], np.int64)
    decisions.open_from(b.s.arrays, 0, PLAIN, opens)
    np.testing.assert_array_equal(b.s.council["decision_due"][0], [PLAIN, PLAIN - 1, -1])
    np.testing.assert_array_equal(b.s.council["decision_trigger"][0], [Trigger.REBRAND, Trigger.BUDGET_SHOCK, -1])
    np.testing.assert_array_equal(opens, [-1, -1, Trigger.REBRAND])  # read and cleared for the councils still in


# In the kernel ------------------------------------------------------------------------------


def test_the_view_follows_experience_with_memory(bench, launched):
    b = bench(mechanisms={**OFF, "coordination": {"enabled": True}}, partnership={"promised_savings": 0.0})
    launched(b, 30, OPERATING)
    for n in range(1, 4):
        kernel.step(b.s, b.P, b.seed)
        np.testing.assert_allclose(b.s.value_lost[C["coordination"], 0], 0.03 * (1 - 0.92**n))


def test_a_savings_shortfall_weighs_more_under_budget_pressure(bench, launched):
    lost = []
    for pressure in (0.0, 0.5):
        b = bench(mechanisms={**OFF, "case03": {"enabled": True}}, columns={"orientation": [0.2, 0.8]}, state={"month": 40})
        launched(b, 30, OPERATING)  # launched on the planned date (month 10), 30 months ago
        b.s.partnership["harmonisation"][0] = 1 - (17 / 18) ** 30  # on plan: the potential is the plan
        b.s.council["pressure"][0] = pressure
        kernel.step(b.s, b.P, b.seed)
        lost.append(b.s.value_lost[CASE03, 0, 0])
    # fit 0.25 x 0.5 x 0.6, and savings: weight 0.4 x (1 + pressure, fading by 1/24 a month) x the share case 03 took (0.5 x 0.6); memory 0.08
    fit = 0.25 * 0.5 * 0.6
    np.testing.assert_allclose(lost, [0.08 * (fit + 0.4 * 0.3), 0.08 * (fit + 0.4 * (1 + 0.5 * (1 - 1 / 24)) * 0.3)], rtol=1e-9)
    assert lost[1] > lost[0]


def test_a_council_that_leaves_opens_the_others_decisions_in_the_kernel(bench, launched):
    b = bench(k=3, mechanisms=OFF)
    launched(b, 30, OPERATING)
    b.s.council["notice"][0] = [1, 0, 0]
    b.s.council["notice_cause"][0, 0], b.s.council["notice_trigger"][0, 0] = CASE01, Trigger.ELECTION
    log: list[kernel.Event] = []
    kernel.step(b.s, b.P, b.seed, log)
    c = b.s.council[0]
    assert not c["active"][0] and c["exit_month"][0] == 31 and c["exit_trigger"][0] == Trigger.ELECTION
    np.testing.assert_array_equal(c["decision_trigger"][1:], [Trigger.PARTNER_LEFT] * 2)
    left = [e for e in log if e.what == decisions.EVENTS[Ev.LEFT].what]
    assert [(e.council, e.cause, e.trigger) for e in left] == [(0, "case01_key_person", "election")]
    kernel.step(b.s, b.P, b.seed)
    assert (b.s.council["decision_due"][0] == -1).all()  # weighed, and cleared


@pytest.fixture(scope="module")
def baseline():
    """Three thousand baseline partnerships over ten years."""
    cfg = load("baseline", "none")
    reps = np.arange(3000)
    return kernel.run(population.build(cfg, 11, reps), reps, 11, workers=2)


def test_no_clockwork_collapses_are_spread_over_the_months_after_launch(baseline):
    s = baseline
    collapsed = s.partnership["outcome"] == COLLAPSED
    assert collapsed.sum() >= 100
    since = s.partnership["end_month"][collapsed] - s.partnership["launch_month"][collapsed]
    _, counts = np.unique(since, return_counts=True)
    assert counts.max() <= 0.05 * collapsed.sum()


def test_collapses_have_varied_triggers_and_every_exit_and_collapse_records_one(baseline):
    s = baseline
    collapsed = s.partnership["outcome"] == COLLAPSED
    labels, counts = np.unique(s.partnership["end_trigger"][collapsed], return_counts=True)
    assert (labels >= 0).all()
    common = [triggers.label(int(t)) for t, n in zip(labels, counts, strict=True) if n >= 0.05 * collapsed.sum()]
    assert len(common) >= 3, common
    left = ~s.council["active"]
    assert (s.council["exit_trigger"][left] >= 0).all() and (s.council["exit_cause"][left] >= 0).all()
    assert (s.council["exit_trigger"][~left] == -1).all()
    shelved = s.partnership["outcome"] == 1
    assert (s.partnership["end_trigger"][shelved] >= 0).all() and (s.partnership["end_cause"][shelved] >= 0).all()
    # no trigger is a fixed share of exits: councils leave after budgets, reviews and events alike
    exit_labels = set(np.unique(s.council["exit_trigger"][left]).tolist())
    assert {Trigger.BUDGET_SETTING, Trigger.AGREEMENT_REVIEW, Trigger.ELECTION, Trigger.NEW_CHIEF_EXECUTIVE, Trigger.PARTNER_LEFT} <= exit_labels


def test_notices_are_sometimes_withdrawn(baseline):
    s = baseline
    left = ~s.council["active"]
    assert (s.council["notices"][left] > 0).all()  # councils leave only after notice
    withdrawn = s.council["active"] & (s.council["notice"] == 0) & (s.council["notices"] > 0)
    assert withdrawn.sum() > 0


def test_a_decision_an_event_opened_before_launch_lapses_when_due_and_is_not_taken_after_launch(bench):
    b = bench()
    assert b.s.partnership["phase"][0] == 0  # a proposal
    b.s.council["decision_due"][0] = [b.s.month, b.s.month + 3]
    b.s.council["decision_trigger"][0] = [Trigger.ELECTION, Trigger.NEW_CHIEF_EXECUTIVE]
    done = Weighed(b, choice=0.0)
    assert list(done.council["decision_due"]) == [-1, b.s.month + 3]  # the one due lapses; the later one still stands
    assert list(done.council["decision_trigger"]) == [-1, Trigger.NEW_CHIEF_EXECUTIVE]
    assert not done.fired(Ev.GAVE_NOTICE).any() and (done.council["notice"] == 0).all()
