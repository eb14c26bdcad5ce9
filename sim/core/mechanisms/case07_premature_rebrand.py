"""Case 07, a marketing mistake (Guide 08).

A shared service that is operating satisfactorily but is not yet mature, and depends on the
goodwill of its staff and of the public-service users, is rebranded with a new, separate
identity. Internal customers start to view and treat it as an outsourced company: an
untrusted supplier, motivated by income rather than a public-service ethos. The damage is in
that relationship between the service and its internal customers, not between the partner
councils: goodwill falls (more the less mature the service, and the more the new identity
says "outsourced company"), the service's effectiveness drops (savings) and the councils
receive a worse service; the branding effort is a cost and a distraction. Goodwill comes
back slowly through good service. Key learning: a brand can help, but it is a distraction
and a risk if the wrong outcome is agreed (lever ``reputation_first``: build reputation
through good service first, rebrand only once mature, and keep a public-service identity).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import Any

import numpy as np

from sim.core.contract import Effect, Event, Mechanism, MechanismParams, Month, Own, OwnState, Reading, charge, lifted, note, open_decision, take_savings
from sim.core.declare import G08, param, uniform
from sim.core.jit import compiled
from sim.core.levers import COMMUNICATIONS_PLAN, REPUTATION_FIRST
from sim.core.state import StateArrays, launched, months_since_launch
from sim.core.triggers import Trigger

CASE = f"{G08} case 07"


@dataclass
class Params(MechanismParams):
    """Case 07 parameters."""

    identity: float = param(
        {"dist": "beta", "a": 2, "b": 2},
        0,
        1,
        "0 public service .. 1 separate company",
        "how far the new identity signals an outsourced, income-motivated company rather than a public service",
        concept=f"{CASE} (the wrong outcome agreed)",
        distributable=True,
        prior=uniform(0.2, 0.8),
    )
    maturity_needed: float = param(
        0.7, 0, 1, "maturity", "maturity at which a rebrand no longer costs goodwill", concept=f"{CASE} (it was not mature)", prior=uniform(0.5, 0.9)
    )
    goodwill_shock: float = param(
        1.0,
        0,
        1,
        "goodwill",
        "goodwill lost by rebranding a brand-new service as a separate company, before communications",
        concept=f"{CASE} (treated like an untrusted private sector supplier)",
        prior=uniform(0.6, 1.0),
    )
    communications_relief: float = param(
        0.4,
        0,
        1,
        "share",
        "share of the goodwill shock that full-strength communications prevent",
        concept=f"{G08} problem 14 (weak communications)",
        prior=uniform(0.2, 0.6),
    )
    effectiveness_loss: float = param(
        0.5,
        0,
        1,
        "share of savings",
        "share of savings lost with no goodwill left",
        concept=f"{CASE} (the effectiveness of the service reduced)",
        prior=uniform(0.3, 0.7),
    )
    service_loss: float = param(
        1.0,
        0,
        2,
        "share",
        "share of the service component of value lost with no goodwill left",
        concept=f"{CASE} (cultural difficulties)",
        prior=uniform(0.5, 1.0),
    )
    goodwill_recovery: float = param(
        0.015,
        0,
        1,
        "share per month",
        "monthly recovery of lost goodwill through good service, at full service quality (cultural difficulties are slow to mend)",
        concept=f"{CASE} (unnecessary cultural difficulties)",
        prior=uniform(0.005, 0.04),
    )
    rebrand_cost: float = param(0.1, 0, 10, "GBP m", "cost of the branding effort", concept=f"{CASE} (a distraction)", prior=uniform(0.05, 0.3))
    public_identity: float = param(
        0.7,
        0,
        1,
        "share",
        "share of the identity's 'outsourced company' signal a full reputation-first lever avoids (a public-service identity)",
        concept=f"{CASE} key learning",
        prior=uniform(0.4, 0.9),
    )


class Ev(IntEnum):
    """Kinds of event."""

    REBRANDED = 0
    WAITED = 1


@compiled
def step(s: StateArrays, P: Any, m: Month, q: Any, own: Own, fx: Effect) -> None:
    """Rebrand when proposed (once mature enough, with the lever), then pay for the goodwill lost with internal customers.

    Reads the rebrand month, the identity chosen, the service's maturity, service quality
    and communications; changes the service's goodwill, savings, costs, the value (service)
    each council sees, and the decisions a rebrand opens.
    """
    i, t = m.i, m.t
    n = s.council.shape[1]
    if not (q.enabled and launched(s, i)):
        return
    mine = own.partnership[i]
    planned = P.partnership[i].rebrand_month
    maturity, needed = s.partnership[i].maturity, q.maturity_needed
    wait = m.levers[REPUTATION_FIRST]
    due = not mine.rebranded and planned >= 0 and months_since_launch(s, i, t) >= planned
    if due and maturity < wait * needed:
        if not mine.waited:
            mine.waited = True
            for k in range(n):
                if s.council[i, k].active:
                    note(fx, Ev.WAITED, k, maturity)
        due = False
    if due:
        comms = lifted(P.partnership[i].communications, m.levers[COMMUNICATIONS_PLAN])
        immaturity = min(max(1.0 - maturity / needed, 0.0), 1.0) if needed > 0.0 else 0.0  # nothing needed: never premature
        identity = q.identity * (1.0 - q.public_identity * wait)
        shock = q.goodwill_shock * immaturity * identity * (1.0 - q.communications_relief * comms)
        mine.rebranded = True
        mine.deficit = min(mine.deficit + shock, 1.0)
        charge(fx, q.rebrand_cost)
        for k in range(n):
            if s.council[i, k].active:
                note(fx, Ev.REBRANDED, k, shock)
                open_decision(fx, k, Trigger.REBRAND)
    total, partners = 0.0, 0.0
    for k in range(n):
        if s.council[i, k].active:
            total += P.council[i, k].service_quality
            partners += 1.0
    quality = total / max(partners, 1.0)
    mine.deficit = mine.deficit * (1.0 - q.goodwill_recovery * quality)
    service = P.decisions[i].weight_service
    for k in range(n):
        if s.council[i, k].active:
            fx.value[k] = service * min(q.service_loss * mine.deficit, 1.0)
    take_savings(fx, q.effectiveness_loss * mine.deficit)


MECHANISM = Mechanism(
    name="case07",
    cause="case07_premature_rebrand",
    case="07",
    title="A marketing mistake: a premature rebrand",
    params=Params,
    step=step,
    value="a premature rebrand costs the service its internal customers' goodwill: effectiveness (savings) and the service each council receives suffer",
    opens=(Trigger.REBRAND,),
    events={
        Ev.REBRANDED: Event(
            "the service was rebranded; internal customers began to treat it as an outside supplier",
            Reading("on a 0-1 scale, internal customers' goodwill fell by {size:.2f}", adds_up=False),
        ),
        Ev.WAITED: Event("the rebrand waits until the service has built its reputation", Reading("the service's maturity is {size:level}", adds_up=False)),
    },
    reads=("service_quality", "active", "rebrand_month", "maturity", "communications"),
    own=OwnState(partnership={"rebranded": (np.bool_, False), "waited": (np.bool_, False), "deficit": (np.float64, 0.0)}),
)
