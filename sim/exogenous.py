"""Change from outside the partnership: elections, new chief executives, budget shocks, reorganisation.

The cases keep returning to change from outside: "when changes inevitably happen"
(case 03), a chief executive soon to retire (case 02), a regional government restructure
(case 05). Each kind of change is booked to its own cause, and marks the councils it hit
in ``changed`` so that mechanisms (case 03) can react to it. Rates are assumptions,
labelled in :class:`sim.params.ExogenousParams`.
"""

from __future__ import annotations

import numpy as np

from sim.mechanisms.base import Arrays, Effect, Events
from sim.params import ELECTION_CYCLES
from sim.state import State

STREAMS = ("exo.election", "exo.new_orientation", "exo.new_concern", "exo.turnover", "exo.budget", "exo.reorganisation")
CAUSES: dict[str, str] = {
    "election": "An election changed political control",
    "leadership_turnover": "A chief executive left and a successor arrived",
    "budget_shock": "A budget shock",
    "reorganisation": "Local government reorganisation",
}
THIRDS = ELECTION_CYCLES.index("thirds")
CYCLE_MONTHS = 48


def election_due(P: Arrays, month: int) -> np.ndarray:
    """``(R, K)``: the council holds an election this month.

    All-out councils elect every four years from their first election month; councils
    electing by thirds elect in three years of every four.
    """
    since = month - P.council.first_election_month
    yearly = (since >= 0) & (since % 12 == 0)
    all_out = (since % CYCLE_MONTHS) == 0
    thirds_year = (since // 12) % 4 != 3
    return yearly & np.where(P.council.election_cycle == THIRDS, thirds_year, all_out)


def step(s: State, P: Arrays, month: int, draws: dict[str, np.ndarray]) -> tuple[dict[str, Effect], np.ndarray, dict[str, np.ndarray]]:
    """This month's exogenous changes.

    Returns
    -------
    effects
        One effect per cause in :data:`CAUSES`.
    changed
        ``(R, K)`` councils hit by a change this month.
    shared
        New values of ``orientation``, ``sovereignty`` and ``notice``.
    """
    x = P.exogenous
    live = s.active & s.running[:, None]

    p_change = np.where(P.council.election_cycle == THIRDS, x.control_change_thirds[:, None], x.control_change_all_out[:, None])
    flips = live & election_due(P, month) & (draws["exo.election"] < p_change)
    swing = x.control_change_swing[:, None]
    orientation = np.where(flips, (1.0 - swing) * s.orientation + swing * draws["exo.new_orientation"], s.orientation)
    sovereignty = np.where(flips, s.sovereignty + x.control_change_concern[:, None] * draws["exo.new_concern"] * (1.0 - s.sovereignty), s.sovereignty)
    election_loss = np.where(flips, x.control_change_shock[:, None] * (0.5 + sovereignty), 0.0)

    announced = live & (s.notice == 0) & (draws["exo.turnover"] < x.turnover_hazard[:, None])
    notice = np.where(announced, np.maximum(x.turnover_notice_months[:, None], 1), np.maximum(s.notice - 1, 0) * live)
    arrived = live & (s.notice == 1)
    turnover_loss = np.where(arrived, x.turnover_shock[:, None], 0.0)

    lag = np.clip(1.0 - np.divide(s.realised_savings, s.business_case, out=np.ones_like(s.realised_savings), where=s.business_case > 0), 0.0, 1.0)
    shocked = live & (draws["exo.budget"] < x.budget_shock_hazard[:, None])
    budget_loss = np.where(shocked, x.budget_shock_size[:, None] * (0.5 + lag[:, None]), 0.0)

    reorganised = live & (draws["exo.reorganisation"][:, :1] < x.reorganisation_hazard[:, None])
    reorganisation_loss = np.where(reorganised, x.reorganisation_shock[:, None], 0.0)

    effects = {
        "election": Effect(commitment=election_loss, events=[Events("an election changed political control", flips, election_loss)]),
        "leadership_turnover": Effect(
            commitment=turnover_loss,
            events=[
                Events("its chief executive announced their departure", announced, np.zeros_like(turnover_loss)),
                Events("a new chief executive arrived", arrived, turnover_loss),
            ],
        ),
        "budget_shock": Effect(commitment=budget_loss, events=[Events("a budget shock hit", shocked, budget_loss)]),
        "reorganisation": Effect(commitment=reorganisation_loss, events=[Events("local government reorganisation", reorganised, reorganisation_loss)]),
    }
    changed = flips | arrived | shocked | reorganised
    return effects, changed, {"orientation": orientation, "sovereignty": sovereignty, "notice": notice}
