"""Councils that decide: the value a council sees, its outside option, and its choice at each decision point.

**The value a council sees.** Each month a council experiences the partnership: the
savings it realises against the promise (weighted more under budget pressure), the service
it receives, how well the partnership fits its strategy and politics, and its trust in its
partners. Every shortfall is booked to the cause that made it (a mechanism, a new
administration's doctrine, legacy IT, an unclear business case, ...). The council's view
follows that experience with a lag (``memory``): ``value_lost[c, k]`` is the part of the
value council k sees that cause c has taken. The value it sees is ``1`` (the promise) plus
its early enthusiasm, fading, less everything taken.

**The outside option.** Going alone, or another arrangement, is worth ``outside_option``
(relative to the promise), less the cost of leaving: an exit penalty that depends on the
governance form (an MOU is easy to leave, a company is not) and the cost of unpicking a
harmonised service.

**Decisions.** A council weighs staying against its outside option at its decision points:
its annual budget setting (a routine decision, with a status-quo bias), scheduled reviews of
the agreement, and whenever an event reopens the question (:mod:`sim.core.triggers`). It
gives notice with a logistic probability in the net value, so no scenario sits on a
deterministic threshold; the notice runs for between half and one and a half times the
usual length for the governance form (drawn); a council under notice may withdraw it at a
later decision point, and leaves when the notice ends. Each notice records its trigger (the event that opened the
decision) and its cause (the cause that had taken most of the value the council saw).
:func:`approval_probability` is the same kind of choice before launch (used by case 02's
decision meetings).
"""

from __future__ import annotations

import math
from enum import IntEnum
from typing import Any

import numpy as np

from sim.core.contract import Event, Reading
from sim.core.jit import compiled
from sim.core.params import GOVERNANCE
from sim.core.state import StateArrays, launched
from sim.core.triggers import NONE, ROUTINE, Trigger

NAME = "decide"
MOU, JOINT_COMMITTEE, LEAD_AUTHORITY, TRADING_COMPANY, VENTURE = range(len(GOVERNANCE))
BUDGET_SETTING = Trigger.BUDGET_SETTING
ROUTINE_TRIGGER = ROUTINE[0]


class Stream(IntEnum):
    """Random streams of the councils' choices (full names ``decide.<member in lower case>``)."""

    CHOICE = 0
    NOTICE = 1


class Ev(IntEnum):
    """Kinds of event a decision records (each with its own cause and trigger)."""

    GAVE_NOTICE = 0
    WITHDREW = 1
    LEFT = 2


#: How the value a deciding council sees reads (it can fall below zero: said in words, never with a sign).
SEES = Reading(
    "the value it sees is {size:.2f} of the promise{size:/ below nothing}",
    adds_up=False,
    several="the value each sees is {size:.2f} of the promise{size:/ below nothing}",
)
SAW = Reading(
    "the value it saw was {size:.2f} of the promise{size:/ below nothing}",
    adds_up=False,
    several="the value each saw was {size:.2f} of the promise{size:/ below nothing}",
)
EVENTS: dict[Ev, Event] = {
    Ev.GAVE_NOTICE: Event("weighed the partnership and gave notice to leave", SEES),
    Ev.WITHDREW: Event("withdrew its notice", SEES, several="withdrew their notices"),
    Ev.LEFT: Event("left the partnership", SAW),
}
STREAM_NAMES: tuple[str, ...] = tuple(f"{NAME}.{member.name.lower()}" for member in Stream)


@compiled
def logistic(x: float) -> float:
    """``1 / (1 + exp(-x))`` without overflow."""
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


@compiled
def exit_cost(d: Any, governance: int) -> float:
    """The cost of leaving a partnership of this governance form (value units)."""
    if governance == MOU:
        return d.exit_cost_mou
    if governance == JOINT_COMMITTEE:
        return d.exit_cost_joint_committee
    if governance == LEAD_AUTHORITY:
        return d.exit_cost_lead_authority
    return d.exit_cost_company


@compiled
def notice_months(d: Any, governance: int) -> int:
    """Months of notice before a council leaves a partnership of this governance form."""
    if governance == MOU:
        return d.notice_mou
    if governance == JOINT_COMMITTEE or governance == LEAD_AUTHORITY:
        return d.notice_committee
    return d.notice_company


@compiled
def enthusiasm(P: Any, i: int, t: int) -> float:
    """What early enthusiasm still adds to the value every council sees in month ``t``."""
    return P.partnership[i].enthusiasm * math.exp(-t / P.decisions[i].enthusiasm_months)


@compiled
def value_seen(s: StateArrays, P: Any, i: int, k: int, t: int) -> float:
    """The value council k sees in the partnership in month ``t``, relative to the promise (1): enthusiasm added, every cause's take removed."""
    taken = 0.0
    for c in range(s.value_lost.shape[0]):
        taken += s.value_lost[c, i, k]
    return 1.0 + enthusiasm(P, i, t) - taken


@compiled
def outside(s: StateArrays, P: Any, i: int) -> float:
    """What leaving is worth to a council: going alone, less the cost of leaving this partnership now."""
    d = P.decisions[i]
    return d.outside_option - exit_cost(d, P.partnership[i].governance) - d.unpick_cost * s.partnership[i].harmonisation


@compiled
def net_value(s: StateArrays, P: Any, i: int, k: int, t: int) -> float:
    """Staying against leaving for council k: the value it sees less its outside option (positive: staying is better)."""
    return value_seen(s, P, i, k, t) - outside(s, P, i)


@compiled
def leading_cause(s: StateArrays, i: int, k: int) -> int:
    """The cause that has taken most of the value council k sees (the first on a tie), or -1 when none has taken any."""
    best = 0
    for c in range(1, s.value_lost.shape[0]):
        if s.value_lost[c, i, k] > s.value_lost[best, i, k]:
            best = c
    return best if s.value_lost[best, i, k] > 0 else NONE


@compiled
def leave_probability(s: StateArrays, P: Any, i: int, k: int, t: int, trigger: int) -> float:
    """The chance council k gives notice at a decision opened by ``trigger``: logistic in the shortfall of staying against leaving."""
    d = P.decisions[i]
    inertia = d.inertia_routine if trigger == ROUTINE_TRIGGER else d.inertia_reopened
    return logistic((-net_value(s, P, i, k, t) - inertia) / d.noise)


@compiled
def stay_probability(s: StateArrays, P: Any, i: int, k: int, t: int) -> float:
    """The chance a council under notice withdraws it at a decision point: logistic in the advantage of staying."""
    d = P.decisions[i]
    return logistic((net_value(s, P, i, k, t) - d.inertia_reopened) / d.noise)


@compiled
def business_case_strength(P: Any, i: int, clarity: float) -> float:
    """How compelling the business case is, 0 .. 1: its promised savings against a reference, times its clarity."""
    pp, d = P.partnership[i], P.decisions[i]
    return clarity * pp.promised_savings / (pp.promised_savings + d.reference_savings)


@compiled
def approval_probability(P: Any, i: int, clarity: float, concern: float, fatigue: float) -> float:
    """The chance a council approves the proposal at a decision meeting.

    A compelling business case raises it (``approval_case`` per unit of strength) without
    being enough: a voiced concern (sovereignty, doubt in the in-house team) lowers it by
    ``approval_concern`` per unit, and ``fatigue`` (log-odds) with a decision that keeps slipping
    lowers it whatever the weight of a concern.
    """
    d = P.decisions[i]
    return logistic(d.approval_base + d.approval_case * business_case_strength(P, i, clarity) - d.approval_concern * concern - fatigue)


@compiled
def record(events: Any, kind: int, i: int, k: int, size: float, cause: int, trigger: int) -> None:
    """Log a decision's event (when a log is kept) with its own cause and trigger."""
    mask, sizes, partner, causes, triggers = events
    if mask.shape[1] == 0:
        return
    mask[kind, i, k] = True
    sizes[kind, i, k] = size
    partner[kind, i, k] = -1
    causes[kind, i, k] = cause
    triggers[kind, i, k] = trigger


@compiled
def weigh(s: StateArrays, P: Any, i: int, t: int, draws: np.ndarray, first_event: int, events: Any) -> None:
    """Every council with a decision point this month weighs the partnership (launched partnerships).

    Decision points: an event's pending decision falling due, the council's budget month,
    and the partnership's review of the agreement. Before launch there is nothing to leave: a
    decision an event opened lapses when it falls due (the proposal's own decisions are case 02's). A council in gives notice with
    :func:`leave_probability`; a council under notice withdraws it with
    :func:`stay_probability`; notices count down and a council whose notice ends leaves
    (see :func:`sim.core.kernel._exits_and_endings`).
    """
    if not launched(s, i):
        for k in range(s.council.shape[1]):  # an event before launch prompts no decision to leave: it lapses when due
            c = s.council[i, k]
            if 0 <= c.decision_due <= t:
                c.decision_due = NONE
                c.decision_trigger = NONE
        return
    if t == s.partnership[i].launch_month:  # the first launched month, whatever began in it (deeper sharing proposed at once)
        return
    p = s.partnership[i]
    review = t == p.review_due
    if review:
        p.review_due = t + P.partnership[i].review_months
    governance = P.partnership[i].governance
    for k in range(s.council.shape[1]):
        c = s.council[i, k]
        if not c.active:
            continue
        trigger = NONE
        if c.decision_due >= 0 and c.decision_due <= t:
            trigger = c.decision_trigger
            c.decision_due = NONE
            c.decision_trigger = NONE
        elif review:
            trigger = Trigger.AGREEMENT_REVIEW
        elif t % 12 == P.council[i, k].budget_month:
            trigger = BUDGET_SETTING
        if trigger == NONE:
            continue
        u = draws[Stream.CHOICE, k]
        if c.notice == 0:
            if u < leave_probability(s, P, i, k, t, trigger):
                span = notice_months(P.decisions[i], governance) * (0.5 + draws[Stream.NOTICE, k])  # notices vary around the form's usual length
                c.notice = max(np.int64(np.rint(span)), 1)
                c.notice_cause = leading_cause(s, i, k)
                c.notice_trigger = trigger
                c.notices += 1
                record(events, first_event + Ev.GAVE_NOTICE, i, k, value_seen(s, P, i, k, t), c.notice_cause, trigger)
        elif u < stay_probability(s, P, i, k, t):
            c.notice = 0
            record(events, first_event + Ev.WITHDREW, i, k, value_seen(s, P, i, k, t), c.notice_cause, trigger)


@compiled
def open_from(s: StateArrays, i: int, t: int, opens: np.ndarray) -> None:
    """Open the decisions a mechanism asked for this month (an earlier pending decision stands)."""
    for k in range(opens.shape[0]):
        if opens[k] >= 0 and s.council[i, k].active:
            c = s.council[i, k]
            if c.decision_due < 0 or t < c.decision_due:
                c.decision_due = t
                c.decision_trigger = opens[k]
            opens[k] = NONE
