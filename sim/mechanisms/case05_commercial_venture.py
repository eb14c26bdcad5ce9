"""Case 05, a commercial experiment (Guide 08).

A shared service set up as a commercial venture needs enough guaranteed business for
long enough to get established. Revenue (as a share of break-even) is the partners'
guaranteed volume while the guarantee lasts, then the share of it they keep buying, plus
outside business that grows slowly, and more slowly still for a venture whose business
is concentrated on one customer (it cannot scale or grow). Below break-even for too long, the venture is
unsustainable: the partnership collapses by insolvency. Key learning: do not move
quickly to a commercial model without market testing and due diligence (lever
``market_testing``: a longer and larger volume guarantee, a diversified customer base and
a tested commercial model that grows faster).
"""

from __future__ import annotations

from collections import namedtuple
from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.jit import compiled
from sim.levers import COMMERCIAL_CAPABILITY, MARKET_TESTING
from sim.mechanisms.base import Effect, MechanismParams, Month, field_names, lifted, note
from sim.params import ASSUMPTION, G08, GOVERNANCE, param
from sim.state import launched, months_since_launch

NAME = "case05"
CAUSE = "case05_commercial_venture"
CASE = "05"
TITLE = "A commercial experiment without enough guaranteed business"
STREAMS: tuple[str, ...] = ()
TAKES_TRUST = False
EVENTS = ("the venture is unsustainable below break-even",)
SHARED: tuple[str, ...] = ()
VENTURE = GOVERNANCE.index("commercial_venture")


@dataclass
class Params(MechanismParams):
    """Case 05 parameters."""

    market_growth: float = param(
        0.012, 0, 1, "share of break-even per month", ASSUMPTION, "monthly growth of outside business at full commercial capability and no concentration"
    )
    market_cap: float = param(1.5, 0, 5, "share of break-even", ASSUMPTION, "most outside business the venture can win")
    retention: float = param(
        0.75, 0, 1, "share", f"{G08} case 05 (not enough business for long enough)", "share of guaranteed volume partners keep buying after the guarantee ends"
    )
    deficit_cost: float = param(0.8, 0, 2, "share of savings per unit of deficit", ASSUMPTION, "savings the partners lose covering the venture's deficit")
    anxiety: float = param(0.01, 0, 1, "commitment per month", ASSUMPTION, "commitment lost each month at a full deficit")
    extra_guarantee_months: float = param(36, 0, 240, "months", f"{G08} case 05 key learning", "months a full market-testing lever adds to the guarantee")
    extra_guaranteed_volume: float = param(
        0.25, 0, 2, "share", f"{G08} case 05 key learning", "relative rise in guaranteed volume a full market-testing lever secures"
    )
    diversification: float = param(
        0.5, 0, 1, "share", f"{G08} case 05 key learning (not all eggs in one basket)", "share of customer concentration a full market-testing lever removes"
    )


ParamArrays = namedtuple("ParamArrays", field_names(Params))
Own = namedtuple("Own", ["market", "below"])


def init(P: Any, n_reps: int, n_councils: int) -> dict[str, np.ndarray]:
    """Outside business starts at the partnership's market volume; no months below break-even."""
    return {"market": P.partnership.market_volume.astype(float).copy(), "below": np.zeros(n_reps, np.int64)}


@compiled
def revenue(s: Any, P: Any, q: ParamArrays, m: Month, market: float) -> float:
    """Revenue of row ``m.i`` as a share of break-even."""
    i = m.i
    pp = P.partnership
    testing = m.levers[MARKET_TESTING]
    inside = P.council.size[i, 0] * s.active[i, 0]
    total = P.council.size[i, 0]
    for k in range(1, s.active.shape[1]):
        inside += P.council.size[i, k] * s.active[i, k]
        total += P.council.size[i, k]
    guaranteed = months_since_launch(s, i, m.t) < pp.guarantee_months[i] + np.rint(testing * q.extra_guarantee_months[i])
    kept = 1.0 if guaranteed else q.retention[i]
    return pp.guaranteed_volume[i] * (1.0 + q.extra_guaranteed_volume[i] * testing) * (inside / total) * kept + market


@compiled
def step(s: Any, own: Own, P: Any, q: ParamArrays, m: Month, fx: Effect) -> tuple[float, float, bool, bool]:
    """Grow outside business, count months below break-even and declare insolvency.

    Reads governance form, guaranteed volume and its duration, customer concentration,
    commercial capability and break-even; changes commitment, savings and solvency.
    """
    i = m.i
    if not (q.enabled[i] and launched(s, i) and P.partnership.governance[i] == VENTURE):
        return 0.0, 0.0, False, False
    testing = m.levers[MARKET_TESTING]
    capability = lifted(P.partnership.commercial_capability[i], m.levers[COMMERCIAL_CAPABILITY])
    concentration = P.partnership.customer_concentration[i] * (1.0 - q.diversification[i] * testing)
    growth = q.market_growth[i] * capability * (1.0 - concentration) * (1.0 + testing)
    own.market[i] = min(own.market[i] + growth, q.market_cap[i])
    deficit = min(max(1.0 - revenue(s, P, q, m, own.market[i]), 0.0), 1.0)
    own.below[i] = own.below[i] + 1 if deficit > 0 else 0
    insolvent = own.below[i] >= P.partnership.break_even_months[i]
    for k in range(s.active.shape[1]):
        if s.active[i, k]:
            fx.commitment[k] = q.anxiety[i] * deficit
            if insolvent:
                note(fx, 0, k, deficit)
    return min(q.deficit_cost[i] * deficit, 1.0), 0.0, False, insolvent
