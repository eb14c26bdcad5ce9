"""Case 07, a marketing mistake (Guide 08).

An immature shared service that runs on the goodwill of its staff and users is rebranded
with a fresh identity. Internal customers start to treat it as an outsourced supplier,
motivated by income rather than public service: goodwill falls, more the less mature the
service, trust between the partners erodes while goodwill is missing, the service's
effectiveness (its savings) drops, and the branding effort itself costs money and
attention. Nothing happens without a rebrand. Key learning: build reputation through good
service first and rebrand only when mature (lever ``reputation_first``).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import Any

import numpy as np

from sim.core.contract import Effect, Event, Mechanism, MechanismParams, Month, Own, OwnState, Reading, charge, lifted, note, take_savings
from sim.core.declare import G08, param
from sim.core.jit import compiled
from sim.core.levers import COMMUNICATIONS_PLAN, REPUTATION_FIRST
from sim.core.state import StateArrays, launched, months_since_launch

CASE = f"{G08} case 07"


@dataclass
class Params(MechanismParams):
    """Case 07 parameters."""

    maturity_needed: float = param(0.7, 0, 1, "maturity", "maturity at which a rebrand no longer costs goodwill", concept=f"{CASE} (it was not mature)")
    goodwill_shock: float = param(
        0.8, 0, 1, "goodwill", "goodwill lost by rebranding a brand-new service, before communications", concept=f"{CASE} (treated as an untrusted supplier)"
    )
    communications_relief: float = param(
        0.5, 0, 1, "share", "share of the goodwill shock that full-strength communications prevent", concept=f"{G08} problem 14 (weak communications)"
    )
    trust_erosion: float = param(
        0.04, 0, 1, "trust per month", "trust lost between every pair of partners each month with no goodwill left", concept=f"{CASE} (cultural difficulties)"
    )
    effectiveness_loss: float = param(
        0.7, 0, 1, "share of savings", "share of savings lost with no goodwill left", concept=f"{CASE} (the service's effectiveness reduced)"
    )
    goodwill_recovery: float = param(
        0.02, 0, 1, "share per month", "monthly recovery of lost goodwill through good service, at full service quality", concept=CASE
    )
    rebrand_cost: float = param(0.1, 0, 10, "GBP m", "cost of the branding effort", concept=f"{CASE} (a distraction)")


class Ev(IntEnum):
    """Kinds of event."""

    REBRANDED = 0


@compiled
def step(s: StateArrays, P: Any, m: Month, q: Any, own: Own, fx: Effect) -> None:
    """Rebrand when planned (after maturity, with the lever) and pay for lost goodwill.

    Reads the planned rebrand month, the service's maturity, service quality and
    communications; changes goodwill, trust, savings and costs.
    """
    i, t = m.i, m.t
    n = s.council.shape[1]
    if not (q.enabled and launched(s, i)):
        return
    mine = own.partnership[i]
    planned = P.partnership[i].rebrand_month
    maturity, needed = s.partnership[i].maturity, q.maturity_needed
    rebrand = not mine.rebranded and planned >= 0 and months_since_launch(s, i, t) >= planned and maturity >= m.levers[REPUTATION_FIRST] * needed
    shock = 0.0
    if rebrand:
        comms = lifted(P.partnership[i].communications, m.levers[COMMUNICATIONS_PLAN])
        immaturity = min(max(1.0 - (maturity / needed if needed > maturity else 1.0), 0.0), 1.0)
        shock = q.goodwill_shock * immaturity * (1.0 - q.communications_relief * comms)
        mine.rebranded = True
        charge(fx, q.rebrand_cost)
    total = P.council[i, 0].service_quality * s.council[i, 0].active
    partners = 1.0 if s.council[i, 0].active else 0.0
    for k in range(1, n):
        total += P.council[i, k].service_quality * s.council[i, k].active
        partners += 1.0 if s.council[i, k].active else 0.0
    quality = total / max(partners, 1.0)
    mine.deficit = min(mine.deficit * (1.0 - q.goodwill_recovery * quality) + shock, 1.0)
    for k in range(n):
        if rebrand and s.council[i, k].active:
            note(fx, Ev.REBRANDED, k, shock)
        for j in range(n):
            if s.pairs[i, k, j]:
                fx.trust[k, j] = q.trust_erosion * mine.deficit
    take_savings(fx, q.effectiveness_loss * mine.deficit)


MECHANISM = Mechanism(
    name="case07",
    cause="case07_premature_rebrand",
    case="07",
    title="A marketing mistake: a premature rebrand",
    params=Params,
    step=step,
    events={Ev.REBRANDED: Event("the service was rebranded; users began to treat it as an outside supplier", Reading("goodwill -{size:.2f}"))},
    reads=("service_quality",),
    takes_trust=True,
    own=OwnState(partnership={"rebranded": (np.bool_, False), "deficit": (np.float64, 0.0)}),
)
