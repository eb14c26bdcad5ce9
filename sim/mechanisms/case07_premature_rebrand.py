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

from collections import namedtuple
from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.jit import compiled
from sim.levers import COMMUNICATIONS_PLAN, REPUTATION_FIRST
from sim.mechanisms.base import Effect, MechanismParams, Month, field_names, lifted, note
from sim.params import ASSUMPTION, G08, param
from sim.state import launched, months_since_launch

NAME = "case07"
CAUSE = "case07_premature_rebrand"
CASE = "07"
TITLE = "A marketing mistake: a premature rebrand"
STREAMS: tuple[str, ...] = ()
TAKES_TRUST = True
EVENTS = ("the service was rebranded; users began to treat it as an outside supplier",)
SHARED: tuple[str, ...] = ()


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


ParamArrays = namedtuple("ParamArrays", field_names(Params))
Own = namedtuple("Own", ["rebranded", "deficit"])


def init(P: Any, n_reps: int, n_councils: int) -> dict[str, np.ndarray]:
    """No rebrand yet and no goodwill lost."""
    return {"rebranded": np.zeros(n_reps, bool), "deficit": np.zeros(n_reps)}


@compiled
def step(s: Any, own: Own, P: Any, q: ParamArrays, m: Month, fx: Effect) -> tuple[float, float, bool, bool]:
    """Rebrand when planned (after maturity, with the lever) and pay for lost goodwill.

    Reads the planned rebrand month, the service's maturity, service quality and
    communications; changes goodwill, trust, savings and costs.
    """
    i, t = m.i, m.t
    n = s.active.shape[1]
    if not (q.enabled[i] and launched(s, i)):
        return 0.0, 0.0, False, False
    planned = P.partnership.rebrand_month[i]
    maturity, needed = s.maturity[i], q.maturity_needed[i]
    rebrand = not own.rebranded[i] and planned >= 0 and months_since_launch(s, i, t) >= planned and maturity >= m.levers[REPUTATION_FIRST] * needed
    shock = 0.0
    if rebrand:
        comms = lifted(P.partnership.communications[i], m.levers[COMMUNICATIONS_PLAN])
        immaturity = min(max(1.0 - (maturity / needed if needed > maturity else 1.0), 0.0), 1.0)
        shock = q.goodwill_shock[i] * immaturity * (1.0 - q.communications_relief[i] * comms)
        own.rebranded[i] = True
    total = P.council.service_quality[i, 0] * s.active[i, 0]
    partners = 1.0 if s.active[i, 0] else 0.0
    for k in range(1, n):
        total += P.council.service_quality[i, k] * s.active[i, k]
        partners += 1.0 if s.active[i, k] else 0.0
    quality = total / max(partners, 1.0)
    own.deficit[i] = min(own.deficit[i] * (1.0 - q.goodwill_recovery[i] * quality) + shock, 1.0)
    for k in range(n):
        if rebrand and s.active[i, k]:
            note(fx, 0, k, shock)
        for j in range(n):
            if s.pairs[i, k, j]:
                fx.trust[k, j] = q.trust_erosion[i] * own.deficit[i]
    return q.effectiveness_loss[i] * own.deficit[i], (q.rebrand_cost[i] if rebrand else 0.0), False, False
