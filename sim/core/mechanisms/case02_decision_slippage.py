"""Case 02, two neighbouring district councils: the business case slips and is shelved (Guide 08).

At each decision point every council that has not yet approved decides; the proposal
goes ahead once all have approved. A council whose chief executive is about to change
defers; concerns that were not voiced early (loss of sovereignty, doubt that the in-house
team can lead the change) surface after the first slip and lower the chance of approval.
Each slip costs the councils' patience, more for a fast-paced one; after too many slips
the proposal is shelved. Key learning: agree the decision process (timescale and approval
level) in advance and watch for warning signals such as a change of decision-maker or
repeated slippage (lever ``agreed_decision_process``).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import Any

import numpy as np

from sim.core.contract import LOST_COMMITMENT, Effect, Event, Mechanism, MechanismParams, Month, Own, OwnState, approve, end_partnership, lifted, note
from sim.core.declare import G08, param
from sim.core.jit import compiled
from sim.core.levers import AGREED_DECISION_PROCESS
from sim.core.state import PROPOSAL, StateArrays

CASE = f"{G08} case 02"


@dataclass
class Params(MechanismParams):
    """Case 02 parameters."""

    iteration_months: float = param(
        3, 1, 24, "months", "months one more iteration of the business case takes", concept=f"{CASE} (many iterations and refinements)", integer=True
    )
    refusal: float = param(
        0.5,
        0,
        1,
        "probability",
        "chance a council does not approve at a decision point when nothing of the decision process is agreed and no concern has surfaced",
        concept=CASE,
    )
    concern_weight: float = param(
        0.8, 0, 1, "probability", "chance of approval lost to a fully surfaced, unvoiced concern", concept=f"{CASE} (political concerns not voiced early)"
    )
    fatigue: float = param(
        0.04,
        0,
        1,
        "commitment per slip",
        "commitment a council of middling pace loses at each slip",
        concept=f"{CASE} (after many months the ideas were shelved)",
    )
    clarity_speedup: float = param(
        0.5, 0, 1, "share", "share of an iteration's length a fully agreed decision process saves", concept=f"{CASE} key learning (agree the timescale)"
    )
    max_slips: float = param(
        6,
        1,
        100,
        "slips",
        "slips after which the proposal is shelved",
        concept=f"{CASE} (after many months of preparation the ideas were shelved)",
        integer=True,
    )
    fatigue_growth: float = param(0.25, 0, 2, "share per slip", "how much each further slip adds to the fatigue", concept=f"{G08} problem 04 (frustration)")


class Stream(IntEnum):
    """Random streams."""

    APPROVE = 0
    FOREWARNED = 1


class Ev(IntEnum):
    """Kinds of event."""

    SLIPPED = 0
    DEFERRED = 1


@compiled
def clarity(P: Any, i: int, strength: float) -> float:
    """Decision-process clarity of row ``i`` with the ``agreed_decision_process`` lever at ``strength``."""
    return lifted(P.partnership[i].decision_clarity, strength)


@compiled
def pending(s: StateArrays, m: Month, i: int, k: int, watched: float) -> bool:
    """Council k defers: its chief executive is about to change and it was not forewarned to decide anyway."""
    return s.council[i, k].notice > 0 and not m.draws[Stream.FOREWARNED, k] < watched


@compiled
def step(s: StateArrays, P: Any, m: Month, q: Any, own: Own, fx: Effect) -> None:
    """Decide at each decision point: approve (launch) or slip, with fatigue booked here.

    Reads decision-process clarity, sovereignty concern, confidence in the in-house team,
    pace and a pending change of chief executive; changes the approval date and commitment.
    """
    i, t = m.i, m.t
    n = s.council.shape[1]
    if not (s.partnership[i].phase == PROPOSAL and t >= s.partnership[i].approval_due):
        return
    if not q.enabled:
        approve(fx)  # with the process switched off, approval comes on the planned date
        return
    watched = m.levers[AGREED_DECISION_PROCESS]
    c = clarity(P, i, watched)
    approved = True
    slips = own.partnership[i].slips
    for k in range(n):
        mine = own.council[i, k]
        hidden = max(s.council[i, k].sovereignty, 1.0 - P.council[i, k].inhouse_confidence) * (1.0 - c)
        p_approve = 1.0 - q.refusal * (1.0 - c) - q.concern_weight * hidden * mine.surfaced
        mine.approved = mine.approved or (m.draws[Stream.APPROVE, k] < p_approve and not pending(s, m, i, k, watched))
        approved = approved and (mine.approved or not s.council[i, k].active)
    if approved:
        approve(fx)
        return
    for k in range(n):
        mine = own.council[i, k]
        if s.council[i, k].active and not mine.approved:
            fx.commitment[k] = q.fatigue * (0.5 + P.council[i, k].pace) * (1.0 + q.fatigue_growth * slips)
            mine.surfaced = True
            note(fx, Ev.DEFERRED if pending(s, m, i, k, watched) else Ev.SLIPPED, k, fx.commitment[k])
    s.partnership[i].approval_due = t + max(1, np.int64(np.rint(q.iteration_months * (1.0 - q.clarity_speedup * c))))
    own.partnership[i].slips = slips + 1
    if slips + 1 >= q.max_slips:
        end_partnership(fx)


MECHANISM = Mechanism(
    name="case02",
    cause="case02_decision_slippage",
    case="02",
    title="Decision slippage: two neighbouring district councils",
    params=Params,
    step=step,
    streams=Stream,
    events={
        Ev.SLIPPED: Event("the business case slipped again", LOST_COMMITMENT),
        Ev.DEFERRED: Event("deferred the decision until its new chief executive arrives", LOST_COMMITMENT),
    },
    reads=("sovereignty", "inhouse_confidence", "pace", "notice"),
    shares=("approval_due",),
    own=OwnState(partnership={"slips": (np.int64, 0)}, council={"surfaced": (np.bool_, False), "approved": (np.bool_, False)}),
)
