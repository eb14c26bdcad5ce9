"""The savings model: the business case, IT harmonisation, realised savings and who took the rest.

Promised savings (GBP m a year at full scope) ramp up as IT is harmonised after launch:
the IT stage gives its share of the value (*Getting IT right*: about half of merger value
is IT synergies, a private-sector figure) and deeper sharing the rest. The business case
assumes approval on the planned date and harmonisation unhindered by legacy IT. Every
pound short of it is booked to a cause: a late approval (case 02), a halted deeper stage
(case 06), partners who left (the cause of their exit), legacy IT and lock-in, an unclear
business case that promised more than sharing could deliver (Guide 08 problem 01), and
the shares of potential each mechanism took this month.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from sim.core.contract import lifted
from sim.core.jit import compiled
from sim.core.levers import IT_HARMONISATION_FIRST, NEUTRAL_CLOUD_PLATFORM
from sim.core.state import StateArrays, launched, months_since_launch

#: Where the savings model books what it cannot attribute to a mechanism's monthly share: the
#: cause index of a late approval (case 02), of a halted deeper stage (case 06), of legacy IT
#: and of an unclear business case (:mod:`sim.core.causes`); filled by the kernel from its layout.
CAUSE_INDEX = np.dtype([("delay", np.int64), ("scope", np.int64), ("legacy", np.int64), ("business_case", np.int64)], align=True)


@compiled
def ramp(months_since_launch: int, time_constant: float) -> float:
    """Harmonisation reached after ``n`` full months with nothing in the way: ``1 - (1 - 1/T)**n`` (0 before launch).

    Month ``n = 0`` is the first month after approval; harmonisation advances at the end
    of each month, so it is 0 during that first month.
    """
    if months_since_launch < 0:
        return 0.0
    return 1.0 - (1.0 - 1.0 / max(time_constant, 1.0)) ** float(months_since_launch)


@compiled
def scope_factor(P: Any, i: int, months_since_launch: int, deeper: bool) -> float:
    """Share of promised savings within the current scope: the IT share until sharing deepens (0 before launch)."""
    if months_since_launch < 0:
        return 0.0
    pp = P.partnership[i]
    return pp.it_share_of_savings if pp.expansion_month >= 0 and not deeper else 1.0


@compiled
def planned(P: Any, i: int, month: int) -> float:
    """Savings (GBP m) the business case of row ``i`` plans for ``month``."""
    pp = P.partnership[i]
    since = month - (pp.approval_months + 1)
    deeper = pp.expansion_month >= 0 and since >= pp.expansion_month
    return pp.promised_savings / 12.0 * ramp(since, P.dynamics[i].harmonisation_months) * scope_factor(P, i, since, deeper)


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
    plan = planned(P, i, month)
    ideal = ramp(since, P.dynamics[i].harmonisation_months)
    scope_expected = scope_factor(P, i, since, pp.expansion_month >= 0 and since >= pp.expansion_month)
    scope_now = scope_factor(P, i, since, s.partnership[i].scope == 1)
    lost[index.delay] = max(plan - per_month * ideal * scope_expected, 0.0)
    if not launched(s, i):
        return plan, 0.0
    lost[index.scope] = per_month * ideal * max(scope_expected - scope_now, 0.0)

    total = 0.0
    for k in range(n):
        total += P.council[i, k].size
    base = per_month * ideal * scope_now
    gone_total = 0.0
    for k in range(n):
        c = s.council[i, k]
        gone = P.council[i, k].size * (not c.active) / total
        gone_total += gone
        if gone > 0 and c.exit_cause >= 0:
            lost[c.exit_cause] += base * gone
    share_in = 1.0 - gone_total
    potential = per_month * s.partnership[i].harmonisation * scope_now * share_in
    lost[index.legacy] += max(base * share_in - potential, 0.0)
    optimism = P.dynamics[i].optimism_bias * (1.0 - pp.business_case_clarity)
    lost[index.business_case] += potential * optimism
    potential = potential * (1.0 - optimism)

    kept = 1.0 - shares[0]
    taken = shares[0]
    for c in range(1, shares.shape[0]):
        kept *= 1.0 - shares[c]
        taken += shares[c]
    spread = potential * (1.0 - kept) / taken if taken > 0 else 0.0
    for c in range(shares.shape[0]):
        lost[c] += shares[c] * spread
    return plan, potential * kept
