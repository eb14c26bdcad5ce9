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

from dataclasses import dataclass

import numpy as np

from sim.mechanisms.base import Arrays, Effect, Events, MechanismParams, Month, commercial_capability, sum_k
from sim.params import ASSUMPTION, G08, GOVERNANCE, param
from sim.state import State

NAME = "case05"
CAUSE = "case05_commercial_venture"
CASE = "05"
TITLE = "A commercial experiment without enough guaranteed business"
STREAMS: tuple[str, ...] = ()
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


def init(P: Arrays, n_reps: int, n_councils: int) -> dict[str, np.ndarray]:
    """Outside business starts at the partnership's market volume; no months below break-even."""
    return {"market": P.partnership.market_volume.astype(float).copy(), "below": np.zeros(n_reps, np.int64)}


def revenue(s: State, P: Arrays, m: Month, market: np.ndarray) -> np.ndarray:
    """Revenue as a share of break-even, ``(R,)``."""
    q = P.mech.case05
    pp = P.partnership
    testing = m.levers["market_testing"]
    share = sum_k(P.council.size * s.active) / sum_k(P.council.size)
    guaranteed = s.months_since_launch < pp.guarantee_months + np.rint(testing * q.extra_guarantee_months)
    kept = np.where(guaranteed, 1.0, q.retention)
    return pp.guaranteed_volume * (1.0 + q.extra_guaranteed_volume * testing) * share * kept + market


def step(s: State, P: Arrays, m: Month) -> Effect:
    """Grow outside business, count months below break-even and declare insolvency.

    Reads governance form, guaranteed volume and its duration, customer concentration,
    commercial capability and break-even; changes commitment, savings and solvency.
    """
    q = P.mech.case05
    own = s.mech[NAME]
    live = s.running & s.launched & q.enabled & (P.partnership.governance == VENTURE)
    if not live.any():
        return Effect()
    testing = m.levers["market_testing"]
    concentration = P.partnership.customer_concentration * (1.0 - q.diversification * testing)
    growth = q.market_growth * commercial_capability(P, m) * (1.0 - concentration) * (1.0 + testing)
    market = np.where(live, np.minimum(own["market"] + growth, q.market_cap), own["market"])
    deficit = np.where(live, np.clip(1.0 - revenue(s, P, m, market), 0.0, 1.0), 0.0)
    below = np.where(live, np.where(deficit > 0, own["below"] + 1, 0), own["below"])
    insolvent = live & (below >= P.partnership.break_even_months)
    loss = np.where(s.active, (q.anxiety * deficit)[:, None], 0.0)
    return Effect(
        commitment=loss,
        savings=np.minimum(q.deficit_cost * deficit, 1.0),
        ends=insolvent,
        own={"market": market, "below": below},
        events=[Events("the venture is unsustainable below break-even", insolvent[:, None] & s.active, np.broadcast_to(deficit[:, None], s.active.shape))],
    )
