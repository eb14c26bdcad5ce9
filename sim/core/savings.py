"""The savings model: the business case, IT harmonisation, realised savings and who took the rest.

Promised savings (GBP m a year at full scope) come in two parts. The IT part (*Getting IT
right*: about half of merger value is IT synergies, a private-sector figure) ramps up as IT is
harmonised; the rest (shared management, processes, other services) ramps up with
integration, whatever the state of the IT. Where deeper sharing is planned, the rest waits
for it: the IT stage comes first, and the other services only once the councils accept the
deeper stage. The business case assumes approval on the planned date and a harmonisation
that allows for the councils' known legacy IT, skills and services in proportion to its
clarity (an unclear business case plans as if nothing were in the way). Every pound short
of it is booked to a cause: a late approval (case 02), a halted deeper stage (case 06),
partners who left (the cause of their exit), legacy IT and lock-in beyond what the plan
allowed for, an unclear business case that promised more than sharing could deliver (Guide
08 problem 01), a shortfall that even a clear business case could not have foreseen, and the
shares of potential each mechanism took this month. What sharing can deliver is uncertain
(``delivery``, drawn per partnership; many programmes fail to deliver the promised benefits,
*Getting IT right*): realised savings can fall short of the plan or exceed it. Where the
optimism of an unclear business case and a delivery shortfall both take from the same
savings, their joint loss is split in proportion to each one's share, the rule the
mechanisms' shares follow.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from sim.core.contract import lifted
from sim.core.jit import compiled
from sim.core.levers import IT_HARMONISATION_FIRST, NEUTRAL_CLOUD_PLATFORM
from sim.core.state import StateArrays, launched, months_since_launch

#: Where the savings model books what it cannot attribute to a mechanism's monthly share: the
#: cause index of a late approval (case 02), of a halted deeper stage (case 06), of legacy IT,
#: of an unclear business case and of a delivery shortfall (:mod:`sim.core.causes`); filled by
#: the kernel from its layout.
CAUSE_INDEX = np.dtype([("delay", np.int64), ("scope", np.int64), ("legacy", np.int64), ("business_case", np.int64), ("delivery", np.int64)], align=True)


@compiled
def ramp(months_since_launch: int, time_constant: float) -> float:
    """Share reached after ``n`` full months with nothing in the way: ``1 - (1 - 1/T)**n`` (0 before launch).

    Month ``n = 0`` is the first month after approval; harmonisation advances at the end
    of each month, so it is 0 during that first month.
    """
    if months_since_launch < 0:
        return 0.0
    return 1.0 - (1.0 - 1.0 / max(time_constant, 1.0)) ** float(months_since_launch)


@compiled
def known_drag(P: Any, i: int) -> float:
    """How much the councils' known legacy IT, ICT skills and service quality slow harmonisation (the factor on its rate, 0 .. 1)."""
    c0, d = P.council[i], P.dynamics[i]
    weights, legacy_it, skills, worst = 0.0, 0.0, 0.0, 0.0
    for k in range(c0.shape[0]):
        c = c0[k]
        weights += c.size
        legacy_it += c.legacy_it * c.size
        skills += c.ict_skills * c.size
        worst = max(worst, 1.0 - c.service_quality)
    if weights <= 0:
        return 1.0
    return (1.0 - d.legacy_drag * legacy_it / weights) * (1.0 - d.skills_drag * (1.0 - skills / weights)) * (1.0 - d.service_drag * worst)


@compiled
def lock_months(P: Any, i: int) -> float:
    """Size-weighted mean months, after the planned launch, that councils stay locked into outsourcing contracts (known when the business case is made)."""
    c0 = P.council[i]
    launch = P.partnership[i].approval_months + 1
    weights, locked = 0.0, 0.0
    for k in range(c0.shape[0]):
        weights += c0[k].size
        locked += max(c0[k].contract_end_month - launch, 0) * c0[k].size
    return locked / weights if weights > 0 else 0.0


@compiled
def it_planned(P: Any, i: int, since: int) -> float:
    """The IT part of the promise the business case plans ``since`` months after launch.

    A clear business case allows for known lock-in, legacy IT, skills and services.
    """
    clarity = P.partnership[i].business_case_clarity
    delayed = since - np.int64(np.rint(clarity * lock_months(P, i))) if since >= 0 else since
    return P.partnership[i].it_share_of_savings * ramp(delayed, plan_months(P, i))


@compiled
def plan_months(P: Any, i: int) -> float:
    """Time constant of harmonisation the business case plans with.

    A clear business case allows for the known legacy IT, skills and services; an unclear one does not.
    Infinite where the plan expects no harmonisation at all: a clear business case for an estate
    the known drag stops entirely (it then plans no IT savings).
    """
    clarity = P.partnership[i].business_case_clarity
    pace = 1.0 - clarity * (1.0 - known_drag(P, i))
    return P.dynamics[i].harmonisation_months / pace if pace > 0.0 else np.inf


@compiled
def other_months(since: int, P: Any, i: int) -> int:
    """Months the non-IT part of the savings has been coming in by ``since`` months after launch (-1 before it starts).

    It comes in from launch, or from the deeper stage's month where deeper sharing is planned.
    """
    start = P.partnership[i].deepening_month
    return since - max(start, 0) if since >= 0 else -1


@compiled
def other_share(P: Any, i: int, since: int, deeper: bool) -> float:
    """The non-IT part of the promise reached by ``since`` months after launch, if that part is in scope (``deeper``, or no deeper stage planned)."""
    pp = P.partnership[i]
    if since < 0 or not (pp.deepening_month < 0 or deeper):
        return 0.0
    return (1.0 - pp.it_share_of_savings) * ramp(other_months(since, P, i), pp.integration_months)


@compiled
def deepening_planned(s: StateArrays, P: Any, i: int, since: int) -> bool:
    """The business case counts on deeper sharing by now: the councils accepted it, and its planned month has come.

    Deeper sharing enters the plan only once accepted (a proposal that falls costs nothing
    against the plan); a deeper stage that halts later falls short of it.
    """
    pp = P.partnership[i]
    return s.partnership[i].deepened and since >= pp.deepening_month


@compiled
def planned(s: StateArrays, P: Any, i: int, month: int) -> float:
    """Savings (GBP m) the business case of row ``i`` plans for ``month``."""
    pp = P.partnership[i]
    since = month - (pp.approval_months + 1)
    return pp.promised_savings / 12.0 * (it_planned(P, i, since) + other_share(P, i, since, deepening_planned(s, P, i, since)))


@compiled
def harmonisation_rate(s: StateArrays, P: Any, i: int, month: int, levers: np.ndarray) -> float:
    """Monthly harmonisation rate of row ``i``, slowed by legacy IT, missing ICT skills, lock-in and poor services.

    *Getting IT right*: legacy IT makes integration hard; outsourcing locks councils in
    until their contracts end; IT skills must be retained. Guide 08 (problem 10): poor
    services in one partner make integration hard, so the poorest partner's service
    quality counts. A neutral cloud platform eases legacy and lock-in; harmonising IT
    first (audit, single strategy) speeds it up.
    """
    d = P.dynamics[i]
    weights, legacy_it, skills, unlocked, worst = 0.0, 0.0, 0.0, 0.0, 0.0
    for k in range(s.council.shape[1]):
        if s.council[i, k].active:
            c = P.council[i, k]
            weights += c.size
            legacy_it += c.legacy_it * c.size
            skills += c.ict_skills * c.size
            unlocked += (1.0 if month >= c.contract_end_month else 0.0) * c.size
            worst = max(worst, 1.0 - c.service_quality)
    cloud = levers[NEUTRAL_CLOUD_PLATFORM]
    legacy = (legacy_it / weights if weights > 0 else 0.0) * (1.0 - d.cloud_relief * cloud)
    skills = skills / weights if weights > 0 else 0.0
    free = lifted(unlocked / weights if weights > 0 else 0.0, d.cloud_relief * cloud)
    poorest = 1.0 - worst
    return (
        (1.0 - d.legacy_drag * legacy)
        * (1.0 - d.skills_drag * (1.0 - skills))
        * (1.0 - d.service_drag * (1.0 - poorest))
        * free
        * (1.0 + levers[IT_HARMONISATION_FIRST])
        / d.harmonisation_months
    )


@compiled
def account(s: StateArrays, P: Any, i: int, month: int, shares: np.ndarray, lost: np.ndarray, index: Any) -> tuple[float, float]:
    """This month's planned and realised savings of row ``i``; the savings lost by cause go to ``lost``.

    Parameters
    ----------
    shares
        ``(C,)`` share of potential savings each cause took this month.
    lost
        ``(C,)`` zeros, filled with the savings (GBP m) lost to each cause.
    index
        A :data:`CAUSE_INDEX` record.

    Returns
    -------
    planned_now, realised
        GBP m.
    """
    pp = P.partnership[i]
    n = s.council.shape[1]
    per_month = pp.promised_savings / 12.0
    since = months_since_launch(s, i, month)
    plan = planned(s, P, i, month)
    it_ideal = it_planned(P, i, since)
    other_expected = other_share(P, i, since, deepening_planned(s, P, i, since))
    lost[index.delay] = max(plan - per_month * (it_ideal + other_expected), 0.0)
    if not launched(s, i):
        return plan, 0.0
    other_now = other_share(P, i, since, s.partnership[i].scope == 1)
    lost[index.scope] = per_month * max(other_expected - other_now, 0.0)

    total = 0.0
    for k in range(n):
        total += P.council[i, k].size
    base = per_month * (it_ideal + other_now)
    gone_total = 0.0
    for k in range(n):
        c = s.council[i, k]
        gone = P.council[i, k].size * (not c.active) / total
        gone_total += gone
        if gone > 0 and c.exit_cause >= 0:
            lost[c.exit_cause] += base * gone
    share_in = 1.0 - gone_total
    it_now = pp.it_share_of_savings * s.partnership[i].harmonisation
    lost[index.legacy] += per_month * max(it_ideal - it_now, 0.0) * share_in
    potential = per_month * (min(it_now, it_ideal) + other_now) * share_in
    optimism = P.dynamics[i].optimism_bias * (1.0 - pp.business_case_clarity)
    short = max(1.0 - pp.delivery, 0.0)
    achievable = (1.0 - optimism) * pp.delivery
    if achievable < 1.0:
        gap = potential * (1.0 - achievable) / (optimism + short)
        lost[index.business_case] += optimism * gap
        lost[index.delivery] += short * gap
    potential = potential * achievable + per_month * max(it_now - it_ideal, 0.0) * share_in * achievable

    kept = 1.0 - shares[0]
    taken = shares[0]
    for c in range(1, shares.shape[0]):
        kept *= 1.0 - shares[c]
        taken += shares[c]
    spread = potential * (1.0 - kept) / taken if taken > 0 else 0.0
    for c in range(shares.shape[0]):
        lost[c] += shares[c] * spread
    return plan, potential * kept
