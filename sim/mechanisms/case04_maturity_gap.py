"""Case 04, the local authority trading company (Guide 08).

A gap in IT maturity and investment between partners, together with a different
appetite for risk, makes rationalising the IT estate and agreeing a risk-and-reward
model hard; the partner that is further ahead will not be held back by the one that
under-invested, so its trust in that laggard erodes while the estate is not yet
harmonised. A trading company staffed by a team without commercial skills or
incentives stagnates: solutions grow unresponsive and expensive and the savings never
come. Key learning: a trading company needs to trade, with a sound commercial model
and leadership (lever ``commercial_capability``); *Getting IT right* adds: harmonise IT
first (lever ``it_harmonisation_first``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.mechanisms.base import Arrays, Effect, Events, MechanismParams, Month, commercial_capability, max_k, sum_k
from sim.params import ASSUMPTION, G08, GIR, GOVERNANCE, param
from sim.state import State

NAME = "case04"
CAUSE = "case04_maturity_gap"
CASE = "04"
TITLE = "Local authority trading company: maturity gap and no commercial edge"
STREAMS: tuple[str, ...] = ()
TRADING_COMPANY = GOVERNANCE.index("trading_company")


@dataclass
class Params(MechanismParams):
    """Case 04 parameters."""

    frustration: float = param(
        0.03,
        0,
        1,
        "trust per month",
        f"{G08} case 04 (the advanced partner did not want to be held back)",
        "trust the leader loses each month in a laggard one full unit of maturity behind, estate unharmonised",
    )
    gap_savings_loss: float = param(
        0.6,
        0,
        1,
        "share of savings",
        f"{G08} case 04; {GIR} (harmonise, simplify, standardise)",
        "share of savings lost to the widest gap while the estate is unharmonised",
    )
    risk_gap_weight: float = param(
        0.5,
        0,
        1,
        "share",
        f"{G08} case 04 (a very different appetite for risk); problem 13",
        "how much a full gap in risk appetite widens the effect of the IT gap",
    )
    stagnation: float = param(
        0.45,
        0,
        1,
        "share of savings",
        f"{G08} case 04 (stagnation and complacency)",
        "share of savings a trading company with no commercial capability loses once stagnant",
    )
    stagnation_months: float = param(36, 1, 240, "months", ASSUMPTION, "months after launch for a trading company to stagnate fully", integer=True)


def init(P: Arrays, n_reps: int, n_councils: int) -> dict[str, np.ndarray]:
    """How much each pair's risk-appetite gap widens the effect of their IT gap (fixed for the run)."""
    risk_gap = np.abs(P.council.risk_appetite[:, :, None] - P.council.risk_appetite[:, None, :])
    return {"widen": 1.0 - P.mech.case04.risk_gap_weight[:, None, None] * (1.0 - risk_gap)}


def gaps(s: State, P: Arrays, q: Arrays) -> np.ndarray:
    """``(R, K, K)``: how far council k is ahead of council j, widened by their risk-appetite gap."""
    ahead = np.maximum(s.it_maturity[:, :, None] - s.it_maturity[:, None, :], 0.0)
    return ahead * s.mech[NAME]["widen"] * s.pairs


def step(s: State, P: Arrays, m: Month) -> Effect:
    """The leader's trust in laggards erodes and savings leak while the estate is unharmonised.

    Reads pairwise IT-maturity and risk-appetite gaps, harmonisation progress, governance
    form and commercial capability; changes trust and savings.
    """
    q = P.mech.case04
    live = s.running & s.launched & q.enabled
    unharmonised = np.where(live, 1.0 - s.harmonisation, 0.0)
    g = gaps(s, P, q)
    trust = q.frustration[:, None, None] * g * unharmonised[:, None, None]
    widest = max_k(max_k(g))
    gap_share = q.gap_savings_loss * widest * unharmonised
    trading = live & (P.partnership.governance == TRADING_COMPANY)
    ramp = np.clip(s.months_since_launch / q.stagnation_months, 0.0, 1.0)
    stagnant = np.where(trading, q.stagnation * (1.0 - commercial_capability(P, m)) * ramp, 0.0)
    savings = 1.0 - (1.0 - gap_share) * (1.0 - stagnant)
    held_back = sum_k(trust)
    return Effect(trust=trust, savings=savings, events=[Events("felt held back by a less mature partner", held_back > 0.01, held_back)])
