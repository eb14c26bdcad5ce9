"""Case 05, a commercial experiment (Guide 08).

A shared service set up as a commercial venture needs enough guaranteed business for long
enough to get established. Revenue (as a share of break-even) is the partners' guaranteed
volume while the guarantee lasts, then the share of it they keep buying, plus outside
business that grows slowly, and more slowly still for a venture whose business is
concentrated on one customer (it cannot scale or grow). Below break-even for too long, the
venture is unsustainable: the partnership collapses by insolvency. Key learning: do not
move quickly to a commercial model without market testing and due diligence (lever
``market_testing``: a longer and larger volume guarantee, a diversified customer base and
a tested commercial model that grows faster).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import Any

import numpy as np

from sim.core.contract import Effect, Event, Mechanism, MechanismParams, Month, Own, OwnState, Reading, end_partnership, lifted, note, take_savings
from sim.core.declare import G08, param
from sim.core.jit import compiled
from sim.core.levers import COMMERCIAL_CAPABILITY, MARKET_TESTING
from sim.core.params import GOVERNANCE
from sim.core.state import StateArrays, launched, months_since_launch

CASE = f"{G08} case 05"
VENTURE = GOVERNANCE.index("commercial_venture")


@dataclass
class Params(MechanismParams):
    """Case 05 parameters."""

    market_growth: float = param(
        0.012, 0, 1, "share of break-even per month", "monthly growth of outside business at full commercial capability and no concentration", concept=CASE
    )
    market_cap: float = param(1.5, 0, 5, "share of break-even", "most outside business the venture can win", concept=CASE)
    retention: float = param(
        0.75, 0, 1, "share", "share of guaranteed volume partners keep buying after the guarantee ends", concept=f"{CASE} (not enough business for long enough)"
    )
    deficit_cost: float = param(0.8, 0, 2, "share of savings per unit of deficit", "savings the partners lose covering the venture's deficit", concept=CASE)
    anxiety: float = param(0.01, 0, 1, "commitment per month", "commitment lost each month at a full deficit", concept=CASE)
    extra_guarantee_months: float = param(36, 0, 240, "months", "months a full market-testing lever adds to the guarantee", concept=f"{CASE} key learning")
    extra_guaranteed_volume: float = param(
        0.25, 0, 2, "share", "relative rise in guaranteed volume a full market-testing lever secures", concept=f"{CASE} key learning"
    )
    diversification: float = param(
        0.5, 0, 1, "share", "share of customer concentration a full market-testing lever removes", concept=f"{CASE} key learning (not all eggs in one basket)"
    )


class Ev(IntEnum):
    """Kinds of event."""

    UNSUSTAINABLE = 0


def _start(P: Any, own: Own) -> None:
    """Outside business starts at the partnership's market volume."""
    own.partnership["market"] = P.partnership["market_volume"]


@compiled
def revenue(s: StateArrays, P: Any, q: Any, m: Month, market: float) -> float:
    """Revenue of row ``m.i`` as a share of break-even."""
    i = m.i
    pp = P.partnership[i]
    testing = m.levers[MARKET_TESTING]
    inside = P.council[i, 0].size * s.council[i, 0].active
    total = P.council[i, 0].size
    for k in range(1, s.council.shape[1]):
        inside += P.council[i, k].size * s.council[i, k].active
        total += P.council[i, k].size
    guaranteed = months_since_launch(s, i, m.t) < pp.guarantee_months + np.rint(testing * q.extra_guarantee_months)
    kept = 1.0 if guaranteed else q.retention
    return pp.guaranteed_volume * (1.0 + q.extra_guaranteed_volume * testing) * (inside / total) * kept + market


@compiled
def step(s: StateArrays, P: Any, m: Month, q: Any, own: Own, fx: Effect) -> None:
    """Grow outside business, count months below break-even and declare insolvency.

    Reads governance form, guaranteed volume and its duration, customer concentration,
    commercial capability and break-even; changes commitment, savings and solvency.
    """
    i = m.i
    pp = P.partnership[i]
    if not (q.enabled and launched(s, i) and pp.governance == VENTURE):
        return
    mine = own.partnership[i]
    testing = m.levers[MARKET_TESTING]
    capability = lifted(pp.commercial_capability, m.levers[COMMERCIAL_CAPABILITY])
    concentration = pp.customer_concentration * (1.0 - q.diversification * testing)
    growth = q.market_growth * capability * (1.0 - concentration) * (1.0 + testing)
    mine.market = min(mine.market + growth, q.market_cap)
    deficit = min(max(1.0 - revenue(s, P, q, m, mine.market), 0.0), 1.0)
    mine.below = mine.below + 1 if deficit > 0 else 0
    insolvent = mine.below >= pp.break_even_months
    for k in range(s.council.shape[1]):
        if s.council[i, k].active:
            fx.commitment[k] = q.anxiety * deficit
            if insolvent:
                note(fx, Ev.UNSUSTAINABLE, k, deficit)
    take_savings(fx, min(q.deficit_cost * deficit, 1.0))
    if insolvent:
        end_partnership(fx)


MECHANISM = Mechanism(
    name="case05",
    cause="case05_commercial_venture",
    case="05",
    title="A commercial experiment without enough guaranteed business",
    params=Params,
    step=step,
    events={Ev.UNSUSTAINABLE: Event("the venture is unsustainable below break-even", Reading("revenue {size:.0%} short of break-even", adds_up=False))},
    reads=("size",),
    own=OwnState(partnership={"market": (np.float64, 0.0), "below": (np.int64, 0)}, start=_start),
)
