"""Case 02, two neighbouring district councils: the business case slips and is shelved (Guide 08).

At each decision point every council that has not yet approved decides; the proposal
goes ahead once all have approved. A council whose chief executive is about to change
defers; concerns that were not voiced early (loss of sovereignty, doubt
that the in-house team can lead the change) surface after the first slip and lower the
chance of approval. Each slip costs the councils' patience, more for a fast-paced one;
after too many slips the proposal is shelved. Key learning: agree the decision process (timescale and
approval level) in advance and watch for warning signals such as a change of
decision-maker or repeated slippage (lever ``agreed_decision_process``).
"""

from __future__ import annotations

from collections import namedtuple
from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.jit import compiled
from sim.levers import AGREED_DECISION_PROCESS
from sim.mechanisms.base import Effect, MechanismParams, Month, field_names, lifted, note
from sim.params import ASSUMPTION, G08, param
from sim.state import PROPOSAL

NAME = "case02"
CAUSE = "case02_decision_slippage"
CASE = "02"
TITLE = "Decision slippage: two neighbouring district councils"
STREAMS = ("case02.approve", "case02.forewarned")
TAKES_TRUST = False
EVENTS = ("the business case slipped again", "deferred the decision until its new chief executive arrives")
SHARED = ("approval_due",)


@dataclass
class Params(MechanismParams):
    """Case 02 parameters."""

    iteration_months: float = param(
        3, 1, 24, "months", f"{G08} case 02 (many iterations and refinements)", "months one more iteration of the business case takes", integer=True
    )
    refusal: float = param(
        0.5,
        0,
        1,
        "probability",
        ASSUMPTION,
        "chance a council does not approve at a decision point when nothing of the decision process is agreed and no concern has surfaced",
    )
    concern_weight: float = param(
        0.8, 0, 1, "probability", f"{G08} case 02 (political concerns not voiced early)", "chance of approval lost to a fully surfaced, unvoiced concern"
    )
    fatigue: float = param(
        0.04,
        0,
        1,
        "commitment per slip",
        f"{G08} case 02 (after many months the ideas were shelved)",
        "commitment a council of middling pace loses at each slip",
    )
    clarity_speedup: float = param(
        0.5, 0, 1, "share", f"{G08} case 02 key learning (agree the timescale)", "share of an iteration's length a fully agreed decision process saves"
    )
    max_slips: float = param(
        6,
        1,
        100,
        "slips",
        f"{G08} case 02 (after many months of preparation the ideas were shelved)",
        "slips after which the proposal is shelved",
        integer=True,
    )
    fatigue_growth: float = param(0.25, 0, 2, "share per slip", f"{G08} problem 04 (frustration)", "how much each further slip adds to the fatigue")


ParamArrays = namedtuple("ParamArrays", field_names(Params))
Own = namedtuple("Own", ["slips", "surfaced", "approved"])


def init(P: Any, n_reps: int, n_councils: int) -> dict[str, np.ndarray]:
    """No slips yet and no concern has surfaced."""
    return {"slips": np.zeros(n_reps, np.int64), "surfaced": np.zeros((n_reps, n_councils), bool), "approved": np.zeros((n_reps, n_councils), bool)}


@compiled
def clarity(P: Any, i: int, strength: float) -> float:
    """Decision-process clarity of row ``i`` with the ``agreed_decision_process`` lever at ``strength``."""
    return lifted(P.partnership.decision_clarity[i], strength)


@compiled
def pending(s: Any, m: Month, i: int, k: int, watched: float) -> bool:
    """Council k defers: its chief executive is about to change and it was not forewarned to decide anyway."""
    return s.notice[i, k] > 0 and not m.draws[1, k] < watched


@compiled
def step(s: Any, own: Own, P: Any, q: ParamArrays, m: Month, fx: Effect) -> tuple[float, float, bool, bool]:
    """Decide at each decision point: approve (launch) or slip, with fatigue booked here.

    Reads decision-process clarity, sovereignty concern, confidence in the in-house team,
    pace and a pending change of chief executive; changes the approval date and commitment.
    """
    i, t = m.i, m.t
    n = s.active.shape[1]
    due = s.phase[i] == PROPOSAL and t >= s.approval_due[i]
    if not due:
        return 0.0, 0.0, False, False
    if not q.enabled[i]:
        return 0.0, 0.0, True, False  # with the process switched off, approval comes on the planned date
    watched = m.levers[AGREED_DECISION_PROCESS]
    c = clarity(P, i, watched)
    approved = True
    for k in range(n):
        hidden = max(s.sovereignty[i, k], 1.0 - P.council.inhouse_confidence[i, k]) * (1.0 - c)
        p_approve = 1.0 - q.refusal[i] * (1.0 - c) - q.concern_weight[i] * hidden * own.surfaced[i, k]
        own.approved[i, k] = own.approved[i, k] or (m.draws[0, k] < p_approve and not pending(s, m, i, k, watched))
        approved = approved and (own.approved[i, k] or not s.active[i, k])
    if approved:
        return 0.0, 0.0, True, False
    for k in range(n):
        if s.active[i, k] and not own.approved[i, k]:
            fx.commitment[k] = q.fatigue[i] * (0.5 + P.council.pace[i, k]) * (1.0 + q.fatigue_growth[i] * own.slips[i])
            own.surfaced[i, k] = True
            note(fx, 1 if pending(s, m, i, k, watched) else 0, k, fx.commitment[k])
    step_months = max(1, np.int64(np.rint(q.iteration_months[i] * (1.0 - q.clarity_speedup[i] * c))))
    s.approval_due[i] = t + step_months
    own.slips[i] += 1
    return 0.0, 0.0, False, own.slips[i] >= q.max_slips[i]
