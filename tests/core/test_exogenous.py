"""Exogenous change: elections on each council's cycle, chief executives, budget shocks, reorganisation; the signals it sends and the decisions it opens."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pytest
from conftest import OFF, Bench

from sim.core import exogenous, kernel, levers
from sim.core.contract import Month, empty_effect
from sim.core.exogenous import ANNOUNCED, Ev, Signal
from sim.core.layout import layout
from sim.core.state import COLLAPSED, pair_mask
from sim.core.triggers import Trigger

C = layout().cause_index
#: Every stream drawn high: nothing happens.
CALM = {name: 0.999 for name in exogenous.STREAM_NAMES}
ALL_ON = {
    "control_change_all_out": 0.5,
    "control_change_thirds": 0.2,
    "control_change_swing": 0.5,
    "control_change_concern": 0.5,
    "stance": 0.2,
    "turnover_hazard": 0.1,
    "turnover_notice_months": 3,
    "budget_shock_hazard": 0.1,
    "budget_pressure": 0.5,
    "reorganisation_hazard": 0.01,
    "successor_stay": 0.25,
}


def due_months(bench, cycle: str, first: int) -> list[int]:
    b = bench(columns={"election_cycle": [cycle, cycle], "first_election_month": [first, first]})
    return [m for m in range(120) if exogenous.election_due(b.P, 0, 0, m)]


def test_all_out_councils_elect_every_four_years(bench):
    assert due_months(bench, "all_out", 5) == [5, 53, 101]


def test_councils_electing_by_thirds_elect_three_years_in_four(bench):
    assert due_months(bench, "thirds", 5) == [5, 17, 29, 53, 65, 77, 101, 113]


class Exo(NamedTuple):
    """One month of exogenous change in replication 0.

    Signals ``(K,)``, a successor's lower regard ``(2, K)`` by cause, the events fired and the council records after it.
    """

    signals: np.ndarray
    jolts: np.ndarray
    events: dict[Ev, np.ndarray]
    sizes: np.ndarray
    council: np.ndarray


def step(b: Bench, draws: dict[str, object] | None = None, apply: bool = False) -> Exo:
    """Exogenous change in replication 0 this month; on a copy of the state unless ``apply``.

    ``draws`` maps streams to ``(K,)`` uniforms (0.999 unless given); no lever is in force.
    """
    n = b.s.active.shape[1]
    u = {**{name: np.full(n, value) for name, value in CALM.items()}, **{k: np.broadcast_to(np.asarray(v, float), n) for k, v in (draws or {}).items()}}
    s = b.s if apply else b.s.copy()
    signals = np.full(n, -1, np.int64)
    jolts = np.zeros((len(exogenous.CAUSES), n))
    fx = empty_effect(n, len(exogenous.EVENTS))
    m = Month(0, b.s.month, np.stack([np.asarray(u[name], float) for name in exogenous.STREAM_NAMES]), np.zeros(len(levers.NAMES)), signals)
    exogenous.step(s.arrays, b.P, m, jolts, fx)
    return Exo(signals, jolts, {ev: fx.event_mask[ev].copy() for ev in Ev}, fx.event_size.copy(), s.council[0].copy())


def test_no_draw_below_a_hazard_means_no_change(bench):
    b = bench(exogenous=ALL_ON)
    out = step(b)
    np.testing.assert_array_equal(out.signals, 0)  # written every month, even when nothing happens
    assert not out.jolts.any() and not any(mask.any() for mask in out.events.values())
    for name in ("orientation", "sovereignty", "stance", "pressure", "ceo_notice", "decision_due", "decision_trigger", "felt"):
        np.testing.assert_array_equal(out.council[name], b.s.council[name][0], err_msg=name)


def test_a_change_of_control_moves_aims_concern_and_doctrine_and_opens_a_decision_after_it_settles(bench):
    b = bench(exogenous=ALL_ON, columns={"orientation": [0.2, 0.2], "sovereignty_concern": [0.4, 0.4], "election_cycle": ["all_out", "thirds"]})
    draws = {"exo.election": 0.3, "exo.new_orientation": 0.8, "exo.new_concern": 0.5, "exo.new_stance": 0.75, "exo.delay": 0.5}
    out = step(b, draws)
    # council 0 (all out, chance 0.5) changes control; council 1 (by thirds, chance 0.2) does not
    np.testing.assert_array_equal(out.signals, [Signal.CONTROL_CHANGED, 0])
    np.testing.assert_allclose(out.council["orientation"], [0.5 * 0.2 + 0.5 * 0.8, 0.2])
    np.testing.assert_allclose(out.council["sovereignty"], [0.4 + 0.5 * (0.5 - 0.4), 0.4])
    np.testing.assert_allclose(out.council["stance"], [0.2 * (2 * 0.75 - 1), 0.0])
    # the new administration weighs the partnership once it has settled in: int(0.5 * (6 + 1)) = 3 months on
    np.testing.assert_array_equal(out.council["decision_due"], [3, -1])
    np.testing.assert_array_equal(out.council["decision_trigger"], [Trigger.ELECTION, -1])
    np.testing.assert_array_equal(out.events[Ev.CONTROL_CHANGED], [True, False])
    assert out.sizes[Ev.CONTROL_CHANGED, 0] == pytest.approx(0.1)
    np.testing.assert_array_equal(out.council["felt"], [Signal.CONTROL_CHANGED, 0])


def test_no_election_is_held_outside_the_cycle_and_switched_off_none_changes_control(bench):
    b = bench(exogenous={**ALL_ON, "control_change_all_out": 1.0}, columns={"first_election_month": [0, 1]})
    np.testing.assert_array_equal(step(b, {"exo.election": 0.0}).signals, [Signal.CONTROL_CHANGED, 0])
    off = bench(exogenous={**ALL_ON, "control_change_all_out": 1.0, "elections": False})
    assert not step(off, {"exo.election": 0.0}).signals.any()


def test_a_chief_executive_announces_their_departure_and_the_successor_arrives_after_the_notice(bench):
    b = bench(exogenous=ALL_ON)
    out = step(b, {"exo.turnover": [0.05, 0.5]}, apply=True)
    np.testing.assert_array_equal(out.council["ceo_notice"], [3, 0])
    np.testing.assert_array_equal(out.council["felt"], [ANNOUNCED, 0])  # not a signal: nothing has changed yet
    assert not out.signals.any() and (out.council["decision_due"] == -1).all()
    np.testing.assert_array_equal(out.events[Ev.CEO_ANNOUNCED], [True, False])
    for month, left in ((1, 2), (2, 1)):
        b.s.month = month
        out = step(b, {"exo.turnover": [0.0, 0.999]}, apply=True)  # a chief executive who is leaving does not announce again
        np.testing.assert_array_equal(out.council["ceo_notice"], [left, 0])
        assert not out.signals.any() and not out.events[Ev.CEO_ANNOUNCED].any()
    b.s.month = 3
    out = step(b, {"exo.delay": 0.0}, apply=True)
    np.testing.assert_array_equal(out.signals, [Signal.CHIEF_EXECUTIVE_LEFT, 0])
    np.testing.assert_array_equal(out.council["ceo_notice"], [0, 0])
    np.testing.assert_array_equal(out.council["decision_due"], [3, -1])
    np.testing.assert_array_equal(out.council["decision_trigger"], [Trigger.NEW_CHIEF_EXECUTIVE, -1])
    np.testing.assert_array_equal(out.events[Ev.CEO_ARRIVED], [True, False])
    assert out.council["felt"][0] == ANNOUNCED | Signal.CHIEF_EXECUTIVE_LEFT


def test_a_budget_shock_raises_the_weight_on_savings_which_fades_and_opens_a_decision_now(bench):
    b = bench(exogenous=ALL_ON, state={"month": 7})
    b.s.council["pressure"][0] = [0.24, 0.0]
    out = step(b, {"exo.budget": [0.05, 0.5]})
    np.testing.assert_array_equal(out.signals, [Signal.BUDGET_SHOCK, 0])
    np.testing.assert_allclose(out.council["pressure"], [0.24 * (1 - 1 / 24) + 0.5, 0.0])
    np.testing.assert_array_equal(out.council["decision_due"], [7, -1])
    np.testing.assert_array_equal(out.council["decision_trigger"], [Trigger.BUDGET_SHOCK, -1])
    assert out.sizes[Ev.BUDGET_SHOCK, 0] == 0.5


def test_a_reorganisation_brings_a_successor_council_with_its_own_aims_and_lower_regard(bench):
    b = bench(k=3, exogenous=ALL_ON, state={"month": 5})
    b.s.council["ceo_notice"][0] = [2, 0, 0]
    b.s.council["stance"][0] = [0.1, 0.0, 0.0]
    draws = {"exo.reorganisation": [0.005, 0.9, 0.9], "exo.new_orientation": 0.9, "exo.new_concern": 0.7, "exo.new_stance": 0.25}
    out = step(b, draws)
    reorganised = Signal.REORGANISED | Signal.CHIEF_EXECUTIVE_LEFT
    np.testing.assert_array_equal(out.signals, [reorganised, 0, 0])
    np.testing.assert_allclose(out.council["orientation"], [0.9, 0.5, 0.5])
    np.testing.assert_allclose(out.council["sovereignty"], [0.7, 0.0, 0.0])
    np.testing.assert_allclose(out.council["stance"], [0.2 * (2 * 0.25 - 1), 0.0, 0.0])
    np.testing.assert_array_equal(out.council["ceo_notice"], [0, 0, 0])  # the abolished council's chief executive goes with it
    np.testing.assert_allclose(out.jolts[exogenous.Cause.REORGANISATION], [0.25, 0.0, 0.0])
    assert not out.jolts[exogenous.Cause.POLITICAL_CONTROL].any()
    np.testing.assert_array_equal(out.council["decision_due"], [5, -1, -1])
    np.testing.assert_array_equal(out.council["decision_trigger"], [Trigger.REORGANISATION, -1, -1])


def test_a_successor_arriving_in_the_month_of_a_reorganisation_is_signalled_once(bench):
    b = bench(exogenous=ALL_ON)
    b.s.council["ceo_notice"][0] = [1, 0]
    out = step(b, {"exo.reorganisation": [0.0, 0.9]})
    assert out.signals[0] == Signal.REORGANISED | Signal.CHIEF_EXECUTIVE_LEFT


def test_an_earlier_pending_decision_stands(bench):
    b = bench(exogenous={**ALL_ON, "control_change_all_out": 1.0, "budget_shock_hazard": 1.0}, state={"month": 0})
    out = step(b, {"exo.election": 0.0, "exo.budget": 0.0, "exo.delay": 0.9})
    # the budget shock's decision (now) comes before the election's (in 6 months)
    np.testing.assert_array_equal(out.council["decision_due"], [0, 0])
    np.testing.assert_array_equal(out.council["decision_trigger"], [Trigger.BUDGET_SHOCK] * 2)
    b.s.council["decision_due"][0], b.s.council["decision_trigger"][0] = 0, Trigger.REBRAND
    exogenous.open_decision(b.s.arrays, 0, 0, Trigger.ELECTION, 4)
    exogenous.open_decision(b.s.arrays, 0, 1, Trigger.ELECTION, 4)
    np.testing.assert_array_equal(b.s.council["decision_due"][0], [0, 0])
    np.testing.assert_array_equal(b.s.council["decision_trigger"][0], [Trigger.REBRAND, Trigger.REBRAND])
    b.s.council["decision_due"][0, 1] = -1
    exogenous.open_decision(b.s.arrays, 0, 1, Trigger.ELECTION, 4)
    assert (b.s.council["decision_due"][0, 1], b.s.council["decision_trigger"][0, 1]) == (4, Trigger.ELECTION)


@pytest.mark.parametrize("switch", ["elections", "chief_executives", "budget_shocks", "reorganisation"])
def test_each_kind_of_change_can_be_switched_off(bench, switch):
    certain = {"control_change_all_out": 1.0, "turnover_hazard": 1.0, "turnover_notice_months": 1, "budget_shock_hazard": 1.0, "reorganisation_hazard": 1.0}
    flag = {"elections": Signal.CONTROL_CHANGED, "chief_executives": ANNOUNCED, "budget_shocks": Signal.BUDGET_SHOCK, "reorganisation": Signal.REORGANISED}
    zero = dict.fromkeys(exogenous.STREAM_NAMES, 0.0)
    on, off = bench(exogenous=certain), bench(exogenous={**certain, switch: False})
    assert (step(on, zero).council["felt"] & flag[switch]).all()
    assert not (step(off, zero).council["felt"] & flag[switch]).any()


def test_departed_councils_and_ended_partnerships_are_untouched(bench):
    b = bench(exogenous=ALL_ON)
    b.s.active[:] = [[True, False]]
    b.s.pairs[:] = pair_mask(b.s.active)
    b.s.council["ceo_notice"][:] = [[0, 2]]
    zero = dict.fromkeys(exogenous.STREAM_NAMES, 0.0)
    out = step(b, zero)
    assert out.signals[0] and out.signals[1] == 0
    assert not out.jolts[:, 1].any() and not any(mask[1] for mask in out.events.values())
    assert out.council["ceo_notice"][1] == 0 and out.council["orientation"][1] == b.s.council["orientation"][0, 1]
    assert out.council["decision_due"][1] == -1 and out.council["felt"][1] == 0
    # the kernel leaves an ended partnership alone (exogenous.step assumes a running one): every hazard certain
    certain = {**ALL_ON, "control_change_all_out": 1.0, "turnover_hazard": 1.0, "budget_shock_hazard": 1.0, "reorganisation_hazard": 1.0}
    running, ended = bench(exogenous=certain), bench(exogenous=certain)
    ended.s.partnership["outcome"][:] = COLLAPSED
    for e in (running, ended):
        kernel.step(e.s, e.P, e.seed)
    assert running.s.value_lost[C["reorganisation"]].all() and running.s.council["felt"].all()
    assert not ended.s.value_lost.any() and not ended.s.council["felt"].any() and not ended.s.council["ceo_notice"].any()
    np.testing.assert_array_equal(ended.s.council["orientation"], ended.P.council["orientation"])
    np.testing.assert_array_equal(ended.s.council["sovereignty"], ended.P.council["sovereignty_concern"])


def test_a_reorganised_council_sees_the_successors_lower_regard_booked_to_reorganisation(bench):
    b = bench(exogenous={"reorganisation_hazard": 1.0, "successor_stay": 0.25}, mechanisms=OFF)
    kernel.step(b.s, b.P, b.seed)
    # the view moves by memory towards the month's experience (nothing yet), then the successor's regard is added
    np.testing.assert_allclose(b.s.value_lost[C["reorganisation"]], [[0.25, 0.25]])
    # the successor's doctrine on sharing (drawn) is booked to political control, with memory 0.08
    np.testing.assert_allclose(b.s.value_lost[C["political_control"]], 0.08 * b.s.council["stance"])
    assert b.s.value_lost.sum() == pytest.approx(0.5 + 0.08 * b.s.council["stance"].sum())


def test_a_new_administrations_doctrine_is_booked_to_political_control_every_month(bench):
    b = bench(mechanisms=OFF)
    b.s.council["stance"][0] = [0.1, -0.1]
    for _ in range(2):
        kernel.step(b.s, b.P, b.seed)
    # the view follows the doctrine with memory 0.08: 0.1 * (1 - 0.92 ** 2); a doctrine for sharing adds value
    np.testing.assert_allclose(b.s.value_lost[C["political_control"]], [[0.1 * (1 - 0.92**2), -0.1 * (1 - 0.92**2)]])
    others = np.delete(b.s.value_lost, C["political_control"], axis=0)
    assert not others.any()
