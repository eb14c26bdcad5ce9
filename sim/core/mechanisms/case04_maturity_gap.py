"""Case 04, the local authority trading company (Guide 08).

A gap in IT maturity and investment between partners, together with a different appetite
for risk, makes rationalising the IT estate and agreeing a risk-and-reward model hard;
the partner that is further ahead will not be held back by the one that under-invested,
so its trust in that laggard erodes while the estate is not yet harmonised. A trading
company staffed by a team without commercial skills or incentives stagnates: solutions
grow unresponsive and expensive and the savings never come. Key learning: a trading
company needs to trade, with a sound commercial model and leadership (lever
``commercial_capability``); *Getting IT right* adds: harmonise IT first (lever
``it_harmonisation_first``).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from sim.core.contract import Effect, Event, Mechanism, MechanismParams, Month, Own, Reading, lifted, note, take_savings
from sim.core.declare import G08, GIR, param
from sim.core.jit import compiled
from sim.core.levers import COMMERCIAL_CAPABILITY
from sim.core.params import GOVERNANCE
from sim.core.state import StateArrays, launched, months_since_launch

CASE = f"{G08} case 04"
TRADING_COMPANY = GOVERNANCE.index("trading_company")


@dataclass
class Params(MechanismParams):
    """Case 04 parameters."""

    frustration: float = param(
        0.03,
        0,
        1,
        "trust per month",
        "trust the leader loses each month in a laggard one full unit of maturity behind, estate unharmonised",
        concept=f"{CASE} (the advanced partner did not want to be held back)",
    )
    gap_savings_loss: float = param(
        0.6,
        0,
        1,
        "share of savings",
        "share of savings lost to the widest gap while the estate is unharmonised",
        concept=f"{CASE}; {GIR} (harmonise, simplify, standardise)",
    )
    risk_gap_weight: float = param(
        0.5,
        0,
        1,
        "share",
        "how much a full gap in risk appetite widens the effect of the IT gap",
        concept=f"{CASE} (a very different appetite for risk); problem 13",
    )
    stagnation: float = param(
        0.45,
        0,
        1,
        "share of savings",
        "share of savings a trading company with no commercial capability loses once stagnant",
        concept=f"{CASE} (stagnation and complacency)",
    )
    stagnation_months: float = param(36, 1, 240, "months", "months after launch for a trading company to stagnate fully", concept=CASE, integer=True)


class Ev(IntEnum):
    """Kinds of event."""

    HELD_BACK = 0


@compiled
def gap(s: StateArrays, P: Any, q: Any, i: int, k: int, j: int) -> float:
    """How far council k is ahead of council j in row ``i``, widened by their risk-appetite gap (0 unless both are in)."""
    widen = 1.0 - q.risk_gap_weight * (1.0 - abs(P.council[i, k].risk_appetite - P.council[i, j].risk_appetite))
    return max(s.council[i, k].it_maturity - s.council[i, j].it_maturity, 0.0) * widen * s.pairs[i, k, j]


@compiled
def step(s: StateArrays, P: Any, m: Month, q: Any, own: Own, fx: Effect) -> None:
    """The leader's trust in laggards erodes and savings leak while the estate is unharmonised.

    Reads pairwise IT-maturity and risk-appetite gaps, harmonisation progress, governance
    form and commercial capability; changes trust and savings.
    """
    i, t = m.i, m.t
    n = s.council.shape[1]
    if not (q.enabled and launched(s, i)):
        return
    unharmonised = 1.0 - s.partnership[i].harmonisation
    widest = 0.0
    for k in range(n):
        held_back, laggard = 0.0, -1
        for j in range(n):
            g = gap(s, P, q, i, k, j)
            if g > 0 and (laggard < 0 or g > gap(s, P, q, i, k, laggard)):
                laggard = j  # the partner holding council k back most
            widest = max(widest, g)
            fx.trust[k, j] = q.frustration * g * unharmonised
            held_back += fx.trust[k, j]
        if held_back > 0.01:
            note(fx, Ev.HELD_BACK, k, held_back, laggard)
    gap_share = q.gap_savings_loss * widest * unharmonised
    stagnant = 0.0
    if P.partnership[i].governance == TRADING_COMPANY:
        ramp = min(max(months_since_launch(s, i, t) / q.stagnation_months, 0.0), 1.0)
        stagnant = q.stagnation * (1.0 - lifted(P.partnership[i].commercial_capability, m.levers[COMMERCIAL_CAPABILITY])) * ramp
    take_savings(fx, 1.0 - (1.0 - gap_share) * (1.0 - stagnant))


MECHANISM = Mechanism(
    name="case04",
    cause="case04_maturity_gap",
    case="04",
    title="Local authority trading company: maturity gap and no commercial edge",
    params=Params,
    step=step,
    events={Ev.HELD_BACK: Event("felt held back by a less mature partner", Reading("trust in partners -{size:.2f}", naming="trust in {partner} -{size:.2f}"))},
    reads=("it_maturity", "risk_appetite"),
    takes_trust=True,
)
