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

from sim.causes import BUSINESS_CASE, DELAY, LEGACY, SCOPE
from sim.jit import compiled
from sim.levers import IT_HARMONISATION_FIRST, NEUTRAL_CLOUD_PLATFORM
from sim.mechanisms.base import lifted
from sim.state import launched, months_since_launch


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
    pp = P.partnership
    return pp.it_share_of_savings[i] if pp.expansion_month[i] >= 0 and not deeper else 1.0


@compiled
def planned(P: Any, i: int, month: int) -> float:
    """Savings (GBP m) the business case of row ``i`` plans for ``month``."""
    pp = P.partnership
    since = month - (pp.approval_months[i] + 1)
    deeper = pp.expansion_month[i] >= 0 and since >= pp.expansion_month[i]
    return pp.promised_savings[i] / 12.0 * ramp(since, P.dynamics.harmonisation_months[i]) * scope_factor(P, i, since, deeper)


@compiled
def harmonisation_rate(s: Any, P: Any, i: int, month: int, levers: np.ndarray) -> float:
    """Monthly harmonisation rate of row ``i``, slowed by legacy IT, missing ICT skills, lock-in and poor services.

    *Getting IT right*: legacy IT makes integration hard; outsourcing locks councils in
    until their contracts end; IT skills must be retained. Guide 08 (problem 10): poor
    services in one partner make integration hard, so the poorest partner's service
    quality counts. A neutral cloud platform eases legacy and lock-in; harmonising IT
    first (audit, single strategy) speeds it up.
    """
    c, d = P.council, P.dynamics
    weights, legacy_it, skills, unlocked, worst = 0.0, 0.0, 0.0, 0.0, 0.0
    for k in range(s.active.shape[1]):
        if s.active[i, k]:
            size = c.size[i, k]
            weights += size
            legacy_it += c.legacy_it[i, k] * size
            skills += c.ict_skills[i, k] * size
            unlocked += (1.0 if month >= c.contract_end_month[i, k] else 0.0) * size
            worst = max(worst, 1.0 - c.service_quality[i, k])
    cloud = levers[NEUTRAL_CLOUD_PLATFORM]
    legacy = (legacy_it / weights if weights > 0 else 0.0) * (1.0 - d.cloud_relief[i] * cloud)
    skills = skills / weights if weights > 0 else 0.0
    free = lifted(unlocked / weights if weights > 0 else 0.0, d.cloud_relief[i] * cloud)
    poorest = 1.0 - worst
    return (
        (1.0 - d.legacy_drag[i] * legacy)
        * (1.0 - d.skills_drag[i] * (1.0 - skills))
        * (1.0 - d.service_drag[i] * (1.0 - poorest))
        * free
        * (1.0 + levers[IT_HARMONISATION_FIRST])
        / d.harmonisation_months[i]
    )


@compiled
def account(s: Any, P: Any, i: int, month: int, shares: np.ndarray, lost: np.ndarray) -> tuple[float, float]:
    """This month's planned and realised savings of row ``i``; the savings lost by cause go to ``lost``.

    Parameters
    ----------
    shares
        ``(C,)`` share of potential savings each cause took this month.
    lost
        ``(C,)`` zeros, filled with the savings (GBP m) lost to each cause.

    Returns
    -------
    planned_now, realised
        GBP m.
    """
    pp = P.partnership
    n = s.active.shape[1]
    per_month = pp.promised_savings[i] / 12.0
    since = months_since_launch(s, i, month)
    live = launched(s, i)
    plan = planned(P, i, month)
    ideal = ramp(since, P.dynamics.harmonisation_months[i])
    scope_expected = scope_factor(P, i, since, pp.expansion_month[i] >= 0 and since >= pp.expansion_month[i])
    scope_now = scope_factor(P, i, since, s.scope[i] == 1)
    lost[DELAY] = max(plan - per_month * ideal * scope_expected, 0.0)
    if not live:
        return plan, 0.0
    lost[SCOPE] = per_month * ideal * max(scope_expected - scope_now, 0.0)

    size = P.council.size
    total = 0.0
    for k in range(n):
        total += size[i, k]
    base = per_month * ideal * scope_now
    gone_total = 0.0
    for k in range(n):
        gone = size[i, k] * (not s.active[i, k]) / total
        gone_total = gone if k == 0 else gone_total + gone
        if gone > 0 and s.exit_cause[i, k] >= 0:
            lost[s.exit_cause[i, k]] += base * gone
    share_in = 1.0 - gone_total
    potential = per_month * s.harmonisation[i] * scope_now * share_in
    lost[LEGACY] += max(base * share_in - potential, 0.0)
    optimism = P.dynamics.optimism_bias[i] * (1.0 - pp.business_case_clarity[i])
    lost[BUSINESS_CASE] += potential * optimism
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
