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

from dataclasses import dataclass

import numpy as np

from sim.mechanisms.base import Arrays, Effect, Events, MechanismParams, Month, any_k, lifted
from sim.params import ASSUMPTION, G08, param
from sim.state import PROPOSAL, State

NAME = "case02"
CAUSE = "case02_decision_slippage"
CASE = "02"
TITLE = "Decision slippage: two neighbouring district councils"
STREAMS = ("case02.approve", "case02.forewarned")


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


def init(P: Arrays, n_reps: int, n_councils: int) -> dict[str, np.ndarray]:
    """No slips yet and no concern has surfaced."""
    return {"slips": np.zeros(n_reps, np.int64), "surfaced": np.zeros((n_reps, n_councils), bool), "approved": np.zeros((n_reps, n_councils), bool)}


def clarity(P: Arrays, m: Month) -> np.ndarray:
    """Decision-process clarity with the ``agreed_decision_process`` lever applied, ``(R,)``."""
    return lifted(P.partnership.decision_clarity, m.levers["agreed_decision_process"])


def step(s: State, P: Arrays, m: Month) -> Effect:
    """Decide at each decision point: approve (launch) or slip, with fatigue booked here.

    Reads decision-process clarity, sovereignty concern, confidence in the in-house team,
    pace and a pending change of chief executive; changes the approval date and commitment.
    """
    q = P.mech.case02
    own = s.mech[NAME]
    deciding = s.running & (s.phase == PROPOSAL) & (m.t >= s.approval_due) & q.enabled
    c = clarity(P, m)
    watched = m.levers["agreed_decision_process"][:, None]
    pending = (s.notice > 0) & ~(m.draws["case02.forewarned"] < watched)
    hidden = np.maximum(s.sovereignty, 1.0 - P.council.inhouse_confidence) * (1.0 - c[:, None])
    p_approve = 1.0 - q.refusal[:, None] * (1.0 - c[:, None]) - q.concern_weight[:, None] * hidden * own["surfaced"]
    agreed = own["approved"] | (deciding[:, None] & (m.draws["case02.approve"] < p_approve) & ~pending)
    approved = deciding & ~any_k(~agreed & s.active)
    slipped = deciding & ~approved

    slip_cols = slipped[:, None] & s.active & ~agreed
    fatigue = q.fatigue[:, None] * (0.5 + P.council.pace) * (1.0 + q.fatigue_growth[:, None] * own["slips"][:, None])
    loss = np.where(slip_cols, fatigue, 0.0)
    step_months = np.maximum(1, np.rint(q.iteration_months * (1.0 - q.clarity_speedup * c))).astype(np.int64)
    # When the process is switched off, approval comes on the planned date.
    launch = approved | (s.running & (s.phase == PROPOSAL) & (m.t >= s.approval_due) & ~q.enabled)
    return Effect(
        commitment=loss,
        launch=launch,
        ends=slipped & (own["slips"] + slipped >= q.max_slips),
        own={"slips": own["slips"] + slipped, "surfaced": own["surfaced"] | slip_cols, "approved": agreed},
        shared={"approval_due": np.where(slipped, m.t + step_months, s.approval_due)},
        events=[
            Events("the business case slipped again", slip_cols & ~(pending & slip_cols), loss),
            Events("deferred the decision until its new chief executive arrives", slip_cols & pending, loss),
        ],
    )
