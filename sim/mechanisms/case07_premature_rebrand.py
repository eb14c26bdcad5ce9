"""Case 07, a marketing mistake (Guide 08).

An immature shared service that runs on the goodwill of its staff and users is
rebranded with a fresh identity. Internal customers start to treat it as an outsourced
supplier, motivated by income rather than public service: goodwill falls, more the less
mature the service, trust between the partners erodes while goodwill is missing, the
service's effectiveness (its savings) drops, and the branding effort itself costs money
and attention. Nothing happens without a rebrand. Key learning: build reputation through
good service first and rebrand only when mature (lever ``reputation_first``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.mechanisms.base import Arrays, Effect, Events, MechanismParams, Month, lifted, sum_k
from sim.params import ASSUMPTION, G08, param
from sim.state import State

NAME = "case07"
CAUSE = "case07_premature_rebrand"
CASE = "07"
TITLE = "A marketing mistake: a premature rebrand"
STREAMS: tuple[str, ...] = ()


@dataclass
class Params(MechanismParams):
    """Case 07 parameters."""

    maturity_needed: float = param(0.7, 0, 1, "maturity", f"{G08} case 07 (it was not mature)", "maturity at which a rebrand no longer costs goodwill")
    goodwill_shock: float = param(
        0.8, 0, 1, "goodwill", f"{G08} case 07 (treated as an untrusted supplier)", "goodwill lost by rebranding a brand-new service, before communications"
    )
    communications_relief: float = param(
        0.5, 0, 1, "share", f"{G08} problem 14 (weak communications)", "share of the goodwill shock that full-strength communications prevent"
    )
    trust_erosion: float = param(
        0.04, 0, 1, "trust per month", f"{G08} case 07 (cultural difficulties)", "trust lost between every pair of partners each month with no goodwill left"
    )
    effectiveness_loss: float = param(
        0.7, 0, 1, "share of savings", f"{G08} case 07 (the service's effectiveness reduced)", "share of savings lost with no goodwill left"
    )
    goodwill_recovery: float = param(
        0.02, 0, 1, "share per month", ASSUMPTION, "monthly recovery of lost goodwill through good service, at full service quality"
    )
    rebrand_cost: float = param(0.1, 0, 10, "GBP m", f"{G08} case 07 (a distraction)", "cost of the branding effort")


def init(P: Arrays, n_reps: int, n_councils: int) -> dict[str, np.ndarray]:
    """No rebrand yet and no goodwill lost."""
    return {"rebranded": np.zeros(n_reps, bool), "deficit": np.zeros(n_reps)}


def step(s: State, P: Arrays, m: Month) -> Effect:
    """Rebrand when planned (after maturity, with the lever) and pay for lost goodwill.

    Reads the planned rebrand month, the service's maturity, service quality and
    communications; changes goodwill, trust, savings and costs.
    """
    q = P.mech.case07
    own = s.mech[NAME]
    live = s.running & s.launched & q.enabled
    planned = P.partnership.rebrand_month
    ready = s.maturity >= m.levers["reputation_first"] * q.maturity_needed
    rebrand = live & ~own["rebranded"] & (planned >= 0) & (s.months_since_launch >= planned) & ready
    if not (rebrand.any() or own["deficit"].any()):
        return Effect()
    comms = lifted(P.partnership.communications, m.levers["communications_plan"])
    immaturity = np.clip(1.0 - np.divide(s.maturity, q.maturity_needed, out=np.ones_like(s.maturity), where=q.maturity_needed > s.maturity), 0.0, 1.0)
    shock = np.where(rebrand, q.goodwill_shock * immaturity * (1.0 - q.communications_relief * comms), 0.0)
    quality = sum_k(P.council.service_quality * s.active) / np.maximum(sum_k(s.active), 1)
    deficit = np.where(live, own["deficit"] * (1.0 - q.goodwill_recovery * quality), own["deficit"])
    deficit = np.minimum(deficit + shock, 1.0)
    pairs = s.pairs
    trust = np.where(pairs & live[:, None, None], (q.trust_erosion * deficit)[:, None, None], 0.0)
    savings = np.where(live, q.effectiveness_loss * deficit, 0.0)
    return Effect(
        trust=trust,
        savings=savings,
        cost=np.where(rebrand, q.rebrand_cost, 0.0),
        own={"rebranded": own["rebranded"] | rebrand, "deficit": deficit},
        events=[
            Events(
                "the service was rebranded; users began to treat it as an outside supplier",
                rebrand[:, None] & s.active,
                np.broadcast_to(shock[:, None], s.active.shape),
            )
        ],
    )
