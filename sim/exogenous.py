"""Change from outside the partnership: elections, new chief executives, budget shocks, reorganisation.

The cases keep returning to change from outside: "when changes inevitably happen"
(case 03), a chief executive soon to retire (case 02), a regional government restructure
(case 05). Each kind of change is booked to its own cause, and marks the councils it hit
in ``changed`` so that mechanisms (case 03) can react to it. Rates are assumptions,
labelled in :class:`sim.params.ExogenousParams`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from sim.jit import compiled
from sim.mechanisms.base import Effect, Month, note
from sim.params import ELECTION_CYCLES

STREAMS = ("exo.election", "exo.new_orientation", "exo.new_concern", "exo.turnover", "exo.budget", "exo.reorganisation")
ELECTION, NEW_ORIENTATION, NEW_CONCERN, TURNOVER, BUDGET, REORGANISATION = range(len(STREAMS))
CAUSES: dict[str, str] = {
    "election": "An election changed political control",
    "leadership_turnover": "A chief executive left and a successor arrived",
    "budget_shock": "A budget shock",
    "reorganisation": "Local government reorganisation",
}
#: Kinds of event, with the index of the cause (in :data:`CAUSES`) each is booked to.
EVENTS = (
    ("an election changed political control", 0),
    ("its chief executive announced their departure", 1),
    ("a new chief executive arrived", 1),
    ("a budget shock hit", 2),
    ("local government reorganisation", 3),
)
THIRDS = ELECTION_CYCLES.index("thirds")
CYCLE_MONTHS = 48


@compiled
def election_due(P: Any, i: int, k: int, month: int) -> bool:
    """Council k of row ``i`` holds an election this month.

    All-out councils elect every four years from their first election month; councils
    electing by thirds elect in three years of every four.
    """
    since = month - P.council.first_election_month[i, k]
    if since < 0 or since % 12 != 0:
        return False
    if P.council.election_cycle[i, k] == THIRDS:
        return (since // 12) % 4 != 3
    return since % CYCLE_MONTHS == 0


@compiled
def step(s: Any, P: Any, m: Month, losses: np.ndarray, fx: Effect) -> None:
    """This month's exogenous changes in row ``m.i``.

    Writes the commitment each council loses to each cause of :data:`CAUSES` into
    ``losses`` ``(4, K)``, marks the councils hit in ``m.changed``, records the
    :data:`EVENTS` in ``fx``, and updates orientation, sovereignty concern and the
    notice a departing chief executive has given.
    """
    i, t, u = m.i, m.t, m.draws
    x = P.exogenous
    realised, planned = s.realised_savings[i], s.business_case[i]
    lag = min(max(1.0 - (realised / planned if planned > 0 else 1.0), 0.0), 1.0)
    for k in range(s.active.shape[1]):
        if not s.active[i, k]:
            s.notice[i, k] = 0
            continue
        p_change = x.control_change_thirds[i] if P.council.election_cycle[i, k] == THIRDS else x.control_change_all_out[i]
        if election_due(P, i, k, t) and u[ELECTION, k] < p_change:
            swing = x.control_change_swing[i]
            s.orientation[i, k] = (1.0 - swing) * s.orientation[i, k] + swing * u[NEW_ORIENTATION, k]
            s.sovereignty[i, k] = s.sovereignty[i, k] + x.control_change_concern[i] * u[NEW_CONCERN, k] * (1.0 - s.sovereignty[i, k])
            losses[0, k] = x.control_change_shock[i] * (0.5 + s.sovereignty[i, k])
            m.changed[k] = True
            note(fx, 0, k, losses[0, k])

        notice = s.notice[i, k]
        if notice == 0 and u[TURNOVER, k] < x.turnover_hazard[i]:
            s.notice[i, k] = max(x.turnover_notice_months[i], 1)
            note(fx, 1, k, 0.0)
        else:
            s.notice[i, k] = max(notice - 1, 0)
        if notice == 1:
            losses[1, k] = x.turnover_shock[i]
            m.changed[k] = True
            note(fx, 2, k, losses[1, k])

        if u[BUDGET, k] < x.budget_shock_hazard[i]:
            losses[2, k] = x.budget_shock_size[i] * (0.5 + lag)
            m.changed[k] = True
            note(fx, 3, k, losses[2, k])

        if u[REORGANISATION, 0] < x.reorganisation_hazard[i]:
            losses[3, k] = x.reorganisation_shock[i]
            m.changed[k] = True
            note(fx, 4, k, losses[3, k])
