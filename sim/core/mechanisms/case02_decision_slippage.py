"""Case 02, two neighbouring district councils: the decision slips and the proposal is shelved (Guide 08).

Before launch, the councils decide at decision meetings. Each council that has not yet
approved weighs the proposal (:func:`sim.core.decisions.approval_probability`): a compelling
business case raises the chance of approval without being enough; political concerns that
were not voiced early (loss of sovereignty, doubt that the in-house team can lead the
change) surface at a meeting and weigh against it; a council whose chief executive is about
to leave feels unable to decide and defers. When not every council approves, the decision
slips to a later meeting, each slip wearing down the proposal's appeal, and after repeated
slippage a council may withdraw: the proposal is shelved. Its trigger is what happened at
that decisive meeting: a chief executive about to leave, a concern that surfaced, or
repeated slippage. Key learning: agree the decision process (timescale, approval level) in
advance, and watch for warning signals (lever ``agreed_decision_process``): concerns are
voiced early and meetings come sooner; a council whose chief executive is leaving involves
the successor instead of deferring, or the decision is re-timed to the successor's
arrival rather than slipping; after repeated slippage the process escalates and the
concerns are settled openly. Each of these is an event where the agreed process made the
difference.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

import numpy as np

from sim.core.contract import Effect, Event, Mechanism, MechanismParams, Month, Own, OwnState, Reading, approve, end_partnership, lifted, note
from sim.core.decisions import approval_probability
from sim.core.declare import G08, param, uniform
from sim.core.jit import compiled
from sim.core.levers import AGREED_DECISION_PROCESS
from sim.core.state import PROPOSAL, StateArrays
from sim.core.triggers import Trigger

CASE = f"{G08} case 02"


@dataclass
class Params(MechanismParams):
    """Case 02 parameters."""

    iteration_months: float = param(
        3,
        1,
        24,
        "months",
        "months one more iteration of the business case takes",
        concept=f"{CASE} (many iterations and refinements)",
        integer=True,
        prior=uniform(2, 6),
        reason="a revised business case returns to members after one or two committee cycles of one to three months",
    )
    surfacing: float = param(
        0.25,
        0,
        1,
        "probability per meeting",
        "chance that a council's concern, not voiced early, surfaces at a decision meeting",
        concept=f"{CASE} (political concerns, not voiced early on)",
        prior=uniform(0.15, 0.6),
    )
    fatigue: float = param(
        0.25,
        0,
        5,
        "log-odds per slip",
        "how much each slip wears down the chance of approval",
        concept=f"{CASE} (after many months of preparation)",
        prior=uniform(0.1, 0.5),
    )
    clarity_speedup: float = param(
        0.5,
        0,
        1,
        "share",
        "share of an iteration's length a fully agreed decision process saves",
        concept=f"{CASE} key learning (agree the timescale)",
        prior=uniform(0.2, 0.7),
    )
    successor_involved: float = param(
        0.8,
        0,
        1,
        "share",
        "share of deferrals a watched process avoids by involving the successor of a departing chief executive",
        concept=f"{CASE} key learning (a change in key decision-makers is a warning signal)",
        prior=uniform(0.5, 1.0),
    )
    escalate_after: float = param(
        2,
        1,
        20,
        "slips",
        "slips after which a watched process escalates and settles the concerns openly",
        concept=f"{CASE} key learning (repeated slippage is a warning signal)",
        integer=True,
        prior={"dist": "randint", "low": 1, "high": 4},
        reason="a watchful process escalates after one to four slips",
    )
    settled: float = param(
        0.6,
        0,
        1,
        "share",
        "share of a concern's weight that escalating and settling it openly removes",
        concept=f"{CASE} key learning",
        prior=uniform(0.3, 0.9),
    )


class Stream(IntEnum):
    """Random streams."""

    APPROVE = 0
    SURFACE = 1
    WATCH = 2
    GIVE_UP = 3
    VOICE = 4


#: How a council's concern reads, where it surfaced, was voiced at the start or was settled openly.
CONCERN = Reading(
    "its concern (about sovereignty, or whether the in-house team can lead the change) is {size:level}",
    adds_up=False,
    several="the concern each has (about sovereignty, or whether the in-house team can lead the change) is {size:level}",
)
#: How long until a departing chief executive's successor arrives, where a council deferred or involved the successor.
SUCCESSOR = Reading("{size:months} before the successor arrives", adds_up=False, several="{size:months} before the successors arrive")


class Ev(IntEnum):
    """Kinds of event."""

    SLIPPED = 0
    SOONER = 1
    DEFERRED = 2
    SURFACED = 3
    RETIMED = 4
    INVOLVED = 5
    VOICED = 6
    ESCALATED = 7
    APPROVED = 8


@compiled
def concern(s: StateArrays, P: Any, i: int, k: int) -> float:
    """Council k's political concern, 0 .. 1: loss of sovereignty, or doubt that the in-house team can lead the change."""
    return max(s.council[i, k].sovereignty, 1.0 - P.council[i, k].inhouse_confidence)


@compiled
def next_meeting(q: Any, clarity: float) -> int:
    """Months from a slipped decision meeting to the next: the iteration, shortened by the decision process's clarity (at least 1)."""
    return max(1, np.int64(np.rint(q.iteration_months * (1.0 - q.clarity_speedup * clarity))))


@compiled
def step(s: StateArrays, P: Any, m: Month, q: Any, own: Own, fx: Effect) -> None:
    """Hold a decision meeting when one is due: each council approves, defers or lets the decision slip; after repeated slippage a council may withdraw.

    Reads the business case, decision-process clarity, sovereignty concern, confidence in
    the in-house team, a pending change of chief executive and the lever; changes the
    date of the next meeting and whether the proposal is approved or shelved.
    """
    i, t = m.i, m.t
    n = s.council.shape[1]
    p = s.partnership[i]
    if not (p.phase == PROPOSAL and t >= p.approval_due):
        return
    if not q.enabled:
        approve(fx)  # with the process switched off, approval comes on the planned date
        return
    watched = m.levers[AGREED_DECISION_PROCESS]
    raw = P.partnership[i].decision_clarity
    clarity = lifted(raw, watched)
    escalated = watched > 0 and p.slips >= q.escalate_after
    everyone = True
    retimed = False
    for k in range(n):
        c = s.council[i, k]
        mine = own.council[i, k]
        mine.trigger = -1
        if not c.active or c.approved:
            continue
        if c.ceo_notice > 0 and not m.draws[Stream.WATCH, k] < watched * q.successor_involved:
            everyone = False
            mine.trigger = Trigger.CHIEF_EXECUTIVE_LEAVING
            if watched > 0:  # a watched process waits for the successor instead of letting the decision slip
                retimed = True
                note(fx, Ev.RETIMED, k, float(c.ceo_notice))
            else:
                note(fx, Ev.DEFERRED, k, float(c.ceo_notice))
            continue
        if c.ceo_notice > 0:  # a watched process involved the successor: the council decides now
            note(fx, Ev.INVOLVED, k, float(c.ceo_notice))
        if p.slips == 0 and mine.trigger < 0 and not mine.voiced and m.draws[Stream.VOICE, k] < clarity:
            mine.voiced = True  # an agreed process brings concerns out at the start, where they are settled openly
            if not m.draws[Stream.VOICE, k] < raw:  # only the agreed process brought them out
                note(fx, Ev.VOICED, k, concern(s, P, i, k))
        elif not c.surfaced and not mine.voiced and m.draws[Stream.SURFACE, k] < q.surfacing:
            c.surfaced = True
            mine.trigger = Trigger.CONCERN_SURFACED
            note(fx, Ev.SURFACED, k, concern(s, P, i, k))
        if escalated and c.surfaced and not mine.voiced and not mine.escalated and q.settled > 0:
            mine.escalated = True  # the surfaced concern now weighs less: it was settled openly
            note(fx, Ev.ESCALATED, k, concern(s, P, i, k))
        weight = (1.0 - q.settled) if mine.voiced or (c.surfaced and escalated) else (1.0 if c.surfaced else 0.0)
        chance = approval_probability(P, i, P.partnership[i].business_case_clarity, concern(s, P, i, k) * weight, q.fatigue * p.slips)
        if m.draws[Stream.APPROVE, k] < chance:
            c.approved = True
            note(fx, Ev.APPROVED, k, chance)
        else:
            everyone = False
    if everyone:
        approve(fx)
        return
    ceo_wait = 0
    for k in range(n):
        if s.council[i, k].active and s.council[i, k].ceo_notice > ceo_wait:
            ceo_wait = s.council[i, k].ceo_notice
    if retimed:
        p.approval_due = t + ceo_wait + 1
        return
    p.slips += 1
    wait = next_meeting(q, clarity)
    sooner = watched > 0 and wait < next_meeting(q, raw)  # the agreed timescale brought the next meeting forward
    p.approval_due = t + wait
    least, decisive = 2.0, -1
    for k in range(n):
        c = s.council[i, k]
        if c.active and not c.approved:
            note(fx, Ev.SLIPPED, k, float(p.slips))
            if sooner:
                note(fx, Ev.SOONER, k, float(wait))
            chance = approval_probability(P, i, P.partnership[i].business_case_clarity, concern(s, P, i, k), 0.0)
            if chance < least:
                least, decisive = chance, k
    if decisive >= 0 and m.draws[Stream.GIVE_UP, 0] < 1.0 - math.exp(-P.decisions[i].give_up * (p.slips - 1)):
        trigger = own.council[i, decisive].trigger
        end_partnership(fx, trigger if trigger >= 0 else Trigger.REPEATED_SLIPPAGE)


MECHANISM = Mechanism(
    name="case02",
    cause="case02_decision_slippage",
    case="02",
    title="Decision slippage",
    params=Params,
    step=step,
    value="before launch only: concerns and slippage lower each council's chance of approving; repeated slippage can shelve the proposal",
    opens=(),
    streams=Stream,
    events={
        Ev.SLIPPED: Event("the decision slipped to a later meeting", Reading("the decision has now slipped {size:times}", adds_up=False)),
        Ev.SOONER: Event("the agreed timescale brought the next decision meeting forward", Reading("the next meeting is in {size:months}", adds_up=False)),
        Ev.DEFERRED: Event(
            "deferred its decision: its chief executive is about to leave",
            SUCCESSOR,
            several="deferred their decisions: their chief executives are about to leave",
        ),
        Ev.SURFACED: Event("a political concern not voiced early surfaced", CONCERN),
        Ev.RETIMED: Event(
            "the decision was re-timed to the new chief executive's arrival", Reading("the new chief executive arrives in {size:months}", adds_up=False)
        ),
        Ev.INVOLVED: Event(
            "its chief executive is about to leave: the agreed decision process involved the successor instead of deferring",
            SUCCESSOR,
            several="their chief executives are about to leave: the agreed decision process involved the successors instead of deferring",
        ),
        Ev.VOICED: Event(
            "voiced its concerns at the start, as the agreed decision process asks, where they can be settled openly",
            CONCERN,
            several="voiced their concerns at the start, as the agreed decision process asks, where they can be settled openly",
        ),
        Ev.ESCALATED: Event(
            "the decision process escalated after repeated slippage, and its concern was settled openly",
            CONCERN,
            several="the decision process escalated after repeated slippage, and their concerns were settled openly",
        ),
        Ev.APPROVED: Event(
            "approved the proposal",
            Reading("the chance it would approve was {size:.0%}", adds_up=False, several="the chance each would approve was {size:.0%}"),
        ),
    },
    reads=(
        "sovereignty",
        "inhouse_confidence",
        "ceo_notice",
        "approved",
        "surfaced",
        "active",
        "slips",
        "decision_clarity",
        "business_case_clarity",
        "phase",
        "approval_due",
    ),
    shares=("approval_due", "slips", "approved", "surfaced"),
    own=OwnState(council={"trigger": (np.int64, -1), "voiced": (np.bool_, False), "escalated": (np.bool_, False)}),
)
