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

import numpy as np

from sim import causes
from sim.mechanisms.base import Arrays, lifted, max_k, prod_c, size_weighted_mean, sum_c, sum_k
from sim.state import State


def ramp(months_since_launch: np.ndarray, time_constant: np.ndarray) -> np.ndarray:
    """Harmonisation reached after ``n`` full months with nothing in the way: ``1 - (1 - 1/T)**n`` (0 before launch).

    Month ``n = 0`` is the first month after approval; harmonisation advances at the end
    of each month, so it is 0 during that first month.
    """
    n = np.maximum(months_since_launch, 0)
    return np.where(months_since_launch >= 0, 1.0 - (1.0 - 1.0 / np.maximum(time_constant, 1.0)) ** n, 0.0)


def scope_factor(P: Arrays, months_since_launch: np.ndarray, deeper: np.ndarray) -> np.ndarray:
    """Share of promised savings within the current scope: the IT share until sharing deepens."""
    pp = P.partnership
    planned_deeper = pp.expansion_month >= 0
    return np.where(planned_deeper & ~deeper, pp.it_share_of_savings, 1.0) * (months_since_launch >= 0)


def planned(P: Arrays, month: int) -> np.ndarray:
    """Savings (GBP m) the business case plans for ``month``, ``(R,)``."""
    pp = P.partnership
    since = month - (pp.approval_months + 1)
    deeper = (pp.expansion_month >= 0) & (since >= pp.expansion_month)
    return pp.promised_savings / 12.0 * ramp(since, P.dynamics.harmonisation_months) * scope_factor(P, since, deeper)


def harmonisation_rate(s: State, P: Arrays, month: int, strengths: dict[str, np.ndarray]) -> np.ndarray:
    """Monthly harmonisation rate ``(R,)``, slowed by legacy IT, missing ICT skills, lock-in and poor services.

    *Getting IT right*: legacy IT makes integration hard; outsourcing locks councils in
    until their contracts end; IT skills must be retained. Guide 08 (problem 10): poor
    services in one partner make integration hard, so the poorest partner's service
    quality counts. A neutral cloud platform eases legacy and lock-in; harmonising IT
    first (audit, single strategy) speeds it up.
    """
    c, d = P.council, P.dynamics
    weights = np.where(s.active, c.size, 0.0)
    cloud = strengths["neutral_cloud_platform"]
    legacy = size_weighted_mean(c.legacy_it, weights) * (1.0 - d.cloud_relief * cloud)
    skills = size_weighted_mean(c.ict_skills, weights)
    unlocked = size_weighted_mean((month >= c.contract_end_month).astype(float), weights)
    unlocked = lifted(unlocked, d.cloud_relief * cloud)
    poorest = 1.0 - max_k((1.0 - c.service_quality) * s.active)
    return (
        (1.0 - d.legacy_drag * legacy)
        * (1.0 - d.skills_drag * (1.0 - skills))
        * (1.0 - d.service_drag * (1.0 - poorest))
        * unlocked
        * (1.0 + strengths["it_harmonisation_first"])
        / d.harmonisation_months
    )


def account(s: State, P: Arrays, month: int, shares: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """This month's planned and realised savings and the savings lost by cause.

    Parameters
    ----------
    shares
        ``(C, R)`` share of potential savings each cause took this month.

    Returns
    -------
    planned_now, realised, lost
        ``(R,)``, ``(R,)`` and ``(C, R)`` in GBP m.
    """
    pp = P.partnership
    per_month = pp.promised_savings / 12.0
    since = s.months_since_launch
    live = s.running & s.launched
    plan = planned(P, month)
    ideal = ramp(since, P.dynamics.harmonisation_months)
    expected_deeper = (pp.expansion_month >= 0) & (since >= pp.expansion_month)
    scope_expected = scope_factor(P, since, expected_deeper)
    scope_now = scope_factor(P, since, s.scope == 1)
    lost = np.zeros((len(causes.LABELS), len(plan)))
    lost[causes.DELAY] = np.where(s.running, np.maximum(plan - per_month * ideal * scope_expected, 0.0), 0.0)
    lost[causes.SCOPE] = np.where(live, per_month * ideal * np.maximum(scope_expected - scope_now, 0.0), 0.0)

    size = P.council.size
    gone = size * (~s.active & live[:, None]) / sum_k(size)[:, None]
    base = per_month * ideal * scope_now * live
    booked = (gone > 0) & (s.exit_cause >= 0)
    np.add.at(lost, (s.exit_cause[booked], np.nonzero(booked)[0]), (base[:, None] * gone)[booked])
    share_in = 1.0 - sum_k(gone)
    potential = per_month * s.harmonisation * scope_now * share_in * live
    lost[causes.LEGACY] += np.maximum(base * share_in - potential, 0.0)
    optimism = P.dynamics.optimism_bias * (1.0 - pp.business_case_clarity)
    lost[causes.BUSINESS_CASE] += potential * optimism
    potential = potential * (1.0 - optimism)

    kept = prod_c(1.0 - shares)
    taken = sum_c(shares)
    lost += shares * np.divide(potential * (1.0 - kept), taken, out=np.zeros_like(taken), where=taken > 0)
    return plan, potential * kept, lost
