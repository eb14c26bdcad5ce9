"""Change from outside the partnership: elections, chief executives, budget shocks, reorganisation.

The cases keep returning to change from outside: "when changes inevitably happen" (case
03), a chief executive soon to retire (case 02), the departure of a chief executive (case
01), a regional government restructure (case 05). Each kind of change opens the affected
council's decision (:mod:`sim.core.triggers`) and tells the mechanisms what happened
through ``signals`` (:class:`Signal`): case 01 loses a champion who was the chief executive
or the political leader, case 03 feels a change of aims. Its own causes are few: a new
administration's doctrine on sharing (political dogma, Guide 08 problem 12) and a successor
council's lower regard for a partnership it did not choose (reorganisation). Exogenous
change runs before the mechanisms every month (see :mod:`sim.core.kernel`). Rates are
labelled in :class:`sim.core.params.ExogenousParams`; each kind can be switched off.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any

import numpy as np

from sim.core.contract import Effect, Event, Month, Reading, note
from sim.core.jit import compiled
from sim.core.params import ELECTION_CYCLES
from sim.core.state import StateArrays
from sim.core.triggers import Trigger

NAME = "exo"


class Stream(IntEnum):
    """Random streams of exogenous change (full names ``exo.<member in lower case>``)."""

    ELECTION = 0
    NEW_ORIENTATION = 1
    NEW_CONCERN = 2
    TURNOVER = 3
    BUDGET = 4
    REORGANISATION = 5
    NEW_STANCE = 6
    DELAY = 7


class Signal(IntEnum):
    """What happened to a council from outside this month (flags, added up in ``Month.signals``)."""

    CONTROL_CHANGED = 1
    CHIEF_EXECUTIVE_LEFT = 2
    BUDGET_SHOCK = 4
    REORGANISED = 8


class Cause(IntEnum):
    """The causes exogenous change is booked to (in the order of :data:`CAUSES`)."""

    POLITICAL_CONTROL = 0
    REORGANISATION = 1


#: Cause label and title of each :class:`Cause`.
CAUSES: dict[Cause, tuple[str, str]] = {
    Cause.POLITICAL_CONTROL: ("political_control", "A new administration's doctrine on sharing (political dogma)"),
    Cause.REORGANISATION: ("reorganisation", "Local government reorganisation: a successor council with its own priorities"),
}


class Ev(IntEnum):
    """Kinds of event exogenous change records."""

    CONTROL_CHANGED = 0
    CEO_ANNOUNCED = 1
    CEO_ARRIVED = 2
    BUDGET_SHOCK = 3
    REORGANISED = 4


#: Each kind of event with its sentence and reading, the cause it is booked to (None: it takes no value
#: itself) and the trigger it records (an announced departure opens no decision itself: case 02 and the
#: decision meetings read it).
EVENTS: dict[Ev, tuple[Event, Cause | None, Trigger | None]] = {
    Ev.CONTROL_CHANGED: (
        Event(
            "an election changed political control",
            Reading(
                "its new administration's doctrine on sharing {size:takes/adds} {size:.2f} of the promise {size:from/to} the value it sees",
                several="the new administrations' doctrine on sharing {size:takes/adds} {size:.2f} of the promise {size:from/to} the value each sees",
            ),
            several="elections changed political control",
        ),
        Cause.POLITICAL_CONTROL,
        Trigger.ELECTION,
    ),
    Ev.CEO_ANNOUNCED: (
        Event("its chief executive announced their departure", several="their chief executives announced their departure"),
        None,
        Trigger.CHIEF_EXECUTIVE_LEAVING,
    ),
    Ev.CEO_ARRIVED: (Event("a new chief executive took up post"), None, Trigger.NEW_CHIEF_EXECUTIVE),
    Ev.BUDGET_SHOCK: (
        Event(
            "a budget shock hit",
            Reading(
                "savings now count for {size:.0%} more when it weighs the partnership (easing over about two years)",
                adds_up=False,
                several="savings now count for {size:.0%} more when each weighs the partnership (easing over about two years)",
            ),
        ),
        None,
        Trigger.BUDGET_SHOCK,
    ),
    Ev.REORGANISED: (
        Event(
            "the council was reorganised into a successor council",
            Reading(
                "the successor council values the partnership {size:.2f} of the promise less",
                several="each successor council values the partnership {size:.2f} of the promise less",
            ),
            several="the councils were reorganised into successor councils",
        ),
        Cause.REORGANISATION,
        Trigger.REORGANISATION,
    ),
}
STREAM_NAMES: tuple[str, ...] = tuple(f"{NAME}.{member.name.lower()}" for member in Stream)
#: The flag ``felt`` keeps for a chief executive's announced departure (not a signal: nothing has changed yet).
ANNOUNCED = 16
THIRDS = ELECTION_CYCLES.index("thirds")
CYCLE_MONTHS = 48
#: Months over which a budget shock's pressure on savings fades (time constant).
PRESSURE_MONTHS = 24.0


@compiled
def election_due(P: Any, i: int, k: int, month: int) -> bool:
    """Council k of row ``i`` holds an election this month.

    All-out councils elect every four years from their first election month; councils
    electing by thirds elect in three years of every four.
    """
    c = P.council[i, k]
    since = month - c.first_election_month
    if since < 0 or since % 12 != 0:
        return False
    if c.election_cycle == THIRDS:
        return (since // 12) % 4 != 3
    return since % CYCLE_MONTHS == 0


@compiled
def open_decision(s: StateArrays, i: int, k: int, trigger: int, due: int) -> None:
    """Council k will weigh the partnership in month ``due`` because of ``trigger`` (an earlier pending decision stands)."""
    c = s.council[i, k]
    if c.decision_due < 0 or due < c.decision_due:
        c.decision_due = due
        c.decision_trigger = trigger


@compiled
def step(s: StateArrays, P: Any, m: Month, jolts: np.ndarray, fx: Effect) -> None:
    """This month's exogenous changes in row ``m.i``.

    Sets each council's ``m.signals``, opens the decisions they trigger, writes a
    successor council's lower regard into ``jolts`` ``(2, K)`` (by :class:`Cause`),
    records the :data:`EVENTS` in ``fx``, and updates orientation, sovereignty concern,
    doctrine on sharing, budget pressure and the notice of a departing chief executive.
    """
    i, t, u = m.i, m.t, m.draws
    x = P.exogenous[i]
    settle = P.decisions[i].settle_months
    for k in range(s.council.shape[1]):
        c = s.council[i, k]
        m.signals[k] = 0
        if not c.active:
            c.ceo_notice = 0
            continue
        delay = np.int64(u[Stream.DELAY, k] * (settle + 1))
        p_change = x.control_change_thirds if P.council[i, k].election_cycle == THIRDS else x.control_change_all_out
        if x.elections and election_due(P, i, k, t) and u[Stream.ELECTION, k] < p_change:
            c.orientation = (1.0 - x.control_change_swing) * c.orientation + x.control_change_swing * u[Stream.NEW_ORIENTATION, k]
            c.sovereignty = c.sovereignty + x.control_change_concern * (u[Stream.NEW_CONCERN, k] - c.sovereignty)
            c.stance = x.stance * (2.0 * u[Stream.NEW_STANCE, k] - 1.0)
            m.signals[k] += Signal.CONTROL_CHANGED
            open_decision(s, i, k, Trigger.ELECTION, t + delay)
            note(fx, Ev.CONTROL_CHANGED, k, c.stance)

        notice = c.ceo_notice
        if x.chief_executives and notice == 0 and u[Stream.TURNOVER, k] < x.turnover_hazard:
            c.ceo_notice = max(x.turnover_notice_months, 1)
            c.felt |= ANNOUNCED
            note(fx, Ev.CEO_ANNOUNCED, k, 0.0)
        else:
            c.ceo_notice = max(notice - 1, 0)
        if notice == 1:
            m.signals[k] += Signal.CHIEF_EXECUTIVE_LEFT
            open_decision(s, i, k, Trigger.NEW_CHIEF_EXECUTIVE, t + delay)
            note(fx, Ev.CEO_ARRIVED, k, 0.0)

        c.pressure = c.pressure * (1.0 - 1.0 / PRESSURE_MONTHS)
        if x.budget_shocks and u[Stream.BUDGET, k] < x.budget_shock_hazard:
            c.pressure += x.budget_pressure
            m.signals[k] += Signal.BUDGET_SHOCK
            open_decision(s, i, k, Trigger.BUDGET_SHOCK, t)
            note(fx, Ev.BUDGET_SHOCK, k, x.budget_pressure)

        if x.reorganisation and u[Stream.REORGANISATION, k] < x.reorganisation_hazard:
            c.orientation = u[Stream.NEW_ORIENTATION, k]
            c.sovereignty = u[Stream.NEW_CONCERN, k]
            c.stance = x.stance * (2.0 * u[Stream.NEW_STANCE, k] - 1.0)
            c.ceo_notice = 0
            jolts[Cause.REORGANISATION, k] = x.successor_stay
            m.signals[k] += Signal.REORGANISED + (Signal.CHIEF_EXECUTIVE_LEFT if not m.signals[k] & Signal.CHIEF_EXECUTIVE_LEFT else 0)
            open_decision(s, i, k, Trigger.REORGANISATION, t)
            note(fx, Ev.REORGANISED, k, x.successor_stay)
        c.felt |= m.signals[k]
