"""Change from outside the partnership: elections, new chief executives, budget shocks, reorganisation.

The cases keep returning to change from outside: "when changes inevitably happen"
(case 03), a chief executive soon to retire (case 02), a regional government restructure
(case 05). Each kind of change is booked to its own cause, and marks the councils it hit
in ``changed`` so that mechanisms (case 03) can react to it. Rates are assumptions,
labelled in :class:`sim.core.params.ExogenousParams`. Exogenous change runs before the
mechanisms in every month (see :mod:`sim.core.kernel`).
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any

import numpy as np

from sim.core.contract import LOST_COMMITMENT, Effect, Event, Month, note
from sim.core.jit import compiled
from sim.core.params import ELECTION_CYCLES
from sim.core.state import StateArrays

NAME = "exo"


class Stream(IntEnum):
    """Random streams of exogenous change (full names ``exo.<member in lower case>``)."""

    ELECTION = 0
    NEW_ORIENTATION = 1
    NEW_CONCERN = 2
    TURNOVER = 3
    BUDGET = 4
    REORGANISATION = 5


class Cause(IntEnum):
    """The causes exogenous change is booked to (in the order of :data:`CAUSES`)."""

    ELECTION = 0
    LEADERSHIP_TURNOVER = 1
    BUDGET_SHOCK = 2
    REORGANISATION = 3


#: Cause label and title of each :class:`Cause`.
CAUSES: dict[Cause, tuple[str, str]] = {
    Cause.ELECTION: ("election", "An election changed political control"),
    Cause.LEADERSHIP_TURNOVER: ("leadership_turnover", "A chief executive left and a successor arrived"),
    Cause.BUDGET_SHOCK: ("budget_shock", "A budget shock"),
    Cause.REORGANISATION: ("reorganisation", "Local government reorganisation"),
}


class Ev(IntEnum):
    """Kinds of event exogenous change records."""

    CONTROL_CHANGED = 0
    CEO_ANNOUNCED = 1
    CEO_ARRIVED = 2
    BUDGET_SHOCK = 3
    REORGANISATION = 4


#: Each kind of event with its sentence and reading, and the cause it is booked to.
EVENTS: dict[Ev, tuple[Event, Cause]] = {
    Ev.CONTROL_CHANGED: (Event("an election changed political control", LOST_COMMITMENT), Cause.ELECTION),
    Ev.CEO_ANNOUNCED: (Event("its chief executive announced their departure"), Cause.LEADERSHIP_TURNOVER),
    Ev.CEO_ARRIVED: (Event("a new chief executive arrived", LOST_COMMITMENT), Cause.LEADERSHIP_TURNOVER),
    Ev.BUDGET_SHOCK: (Event("a budget shock hit", LOST_COMMITMENT), Cause.BUDGET_SHOCK),
    Ev.REORGANISATION: (Event("local government reorganisation", LOST_COMMITMENT), Cause.REORGANISATION),
}
STREAM_NAMES: tuple[str, ...] = tuple(f"{NAME}.{member.name.lower()}" for member in Stream)
THIRDS = ELECTION_CYCLES.index("thirds")
CYCLE_MONTHS = 48


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
def step(s: StateArrays, P: Any, m: Month, losses: np.ndarray, fx: Effect) -> None:
    """This month's exogenous changes in row ``m.i``.

    Writes the commitment each council loses to each :class:`Cause` into ``losses``
    ``(4, K)``, marks the councils hit in ``m.changed``, records the :data:`EVENTS` in
    ``fx``, and updates orientation, sovereignty concern and the notice a departing chief
    executive has given.
    """
    i, t, u = m.i, m.t, m.draws
    x = P.exogenous[i]
    p = s.partnership[i]
    realised, planned = p.realised_savings, p.business_case
    lag = min(max(1.0 - (realised / planned if planned > 0 else 1.0), 0.0), 1.0)
    for k in range(s.council.shape[1]):
        c = s.council[i, k]
        if not c.active:
            c.notice = 0
            continue
        p_change = x.control_change_thirds if P.council[i, k].election_cycle == THIRDS else x.control_change_all_out
        if election_due(P, i, k, t) and u[Stream.ELECTION, k] < p_change:
            swing = x.control_change_swing
            c.orientation = (1.0 - swing) * c.orientation + swing * u[Stream.NEW_ORIENTATION, k]
            c.sovereignty = c.sovereignty + x.control_change_concern * u[Stream.NEW_CONCERN, k] * (1.0 - c.sovereignty)
            losses[Cause.ELECTION, k] = x.control_change_shock * (0.5 + c.sovereignty)
            m.changed[k] = True
            note(fx, Ev.CONTROL_CHANGED, k, losses[Cause.ELECTION, k])

        notice = c.notice
        if notice == 0 and u[Stream.TURNOVER, k] < x.turnover_hazard:
            c.notice = max(x.turnover_notice_months, 1)
            note(fx, Ev.CEO_ANNOUNCED, k, 0.0)
        else:
            c.notice = max(notice - 1, 0)
        if notice == 1:
            losses[Cause.LEADERSHIP_TURNOVER, k] = x.turnover_shock
            m.changed[k] = True
            note(fx, Ev.CEO_ARRIVED, k, losses[Cause.LEADERSHIP_TURNOVER, k])

        if u[Stream.BUDGET, k] < x.budget_shock_hazard:
            losses[Cause.BUDGET_SHOCK, k] = x.budget_shock_size * (0.5 + lag)
            m.changed[k] = True
            note(fx, Ev.BUDGET_SHOCK, k, losses[Cause.BUDGET_SHOCK, k])

        if u[Stream.REORGANISATION, 0] < x.reorganisation_hazard:
            losses[Cause.REORGANISATION, k] = x.reorganisation_shock
            m.changed[k] = True
            note(fx, Ev.REORGANISATION, k, losses[Cause.REORGANISATION, k])
