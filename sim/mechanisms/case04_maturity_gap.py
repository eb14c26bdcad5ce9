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

from collections import namedtuple
from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.jit import compiled
from sim.levers import COMMERCIAL_CAPABILITY
from sim.mechanisms.base import Effect, MechanismParams, Month, field_names, lifted, note
from sim.params import ASSUMPTION, G08, GIR, GOVERNANCE, param
from sim.state import launched, months_since_launch

NAME = "case04"
CAUSE = "case04_maturity_gap"
CASE = "04"
TITLE = "Local authority trading company: maturity gap and no commercial edge"
STREAMS: tuple[str, ...] = ()
TAKES_TRUST = True
EVENTS = ("felt held back by a less mature partner",)
SHARED: tuple[str, ...] = ()
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


ParamArrays = namedtuple("ParamArrays", field_names(Params))
Own = namedtuple("Own", ["widen"])


def init(P: Any, n_reps: int, n_councils: int) -> dict[str, np.ndarray]:
    """How much each pair's risk-appetite gap widens the effect of their IT gap (fixed for the run)."""
    risk_gap = np.abs(P.council.risk_appetite[:, :, None] - P.council.risk_appetite[:, None, :])
    return {"widen": 1.0 - P.mech.case04.risk_gap_weight[:, None, None] * (1.0 - risk_gap)}


@compiled
def gap(s: Any, own: Own, i: int, k: int, j: int) -> float:
    """How far council k is ahead of council j in row ``i``, widened by their risk-appetite gap (0 unless both are in)."""
    return max(s.it_maturity[i, k] - s.it_maturity[i, j], 0.0) * own.widen[i, k, j] * s.pairs[i, k, j]


@compiled
def step(s: Any, own: Own, P: Any, q: ParamArrays, m: Month, fx: Effect) -> tuple[float, float, bool, bool]:
    """The leader's trust in laggards erodes and savings leak while the estate is unharmonised.

    Reads pairwise IT-maturity and risk-appetite gaps, harmonisation progress, governance
    form and commercial capability; changes trust and savings.
    """
    i, t = m.i, m.t
    n = s.active.shape[1]
    if not (q.enabled[i] and launched(s, i)):
        return 0.0, 0.0, False, False
    unharmonised = 1.0 - s.harmonisation[i]
    widest = 0.0
    for k in range(n):
        held_back, laggard = 0.0, -1
        for j in range(n):
            g = gap(s, own, i, k, j)
            if g > 0 and (laggard < 0 or g > gap(s, own, i, k, laggard)):
                laggard = j  # the partner holding council k back most
            widest = max(widest, g)
            fx.trust[k, j] = q.frustration[i] * g * unharmonised
            held_back = fx.trust[k, j] if j == 0 else held_back + fx.trust[k, j]
        if held_back > 0.01:
            note(fx, 0, k, held_back, laggard)
    gap_share = q.gap_savings_loss[i] * widest * unharmonised
    stagnant = 0.0
    if P.partnership.governance[i] == TRADING_COMPANY:
        ramp = min(max(months_since_launch(s, i, t) / q.stagnation_months[i], 0.0), 1.0)
        stagnant = q.stagnation[i] * (1.0 - lifted(P.partnership.commercial_capability[i], m.levers[COMMERCIAL_CAPABILITY])) * ramp
    return 1.0 - (1.0 - gap_share) * (1.0 - stagnant), 0.0, False, False
