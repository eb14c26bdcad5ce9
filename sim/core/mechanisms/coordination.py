"""Working together: coordination costs, early disruption and an imbalance of pace (Elston, Rackwitz and Bel 2024; Guide 08 problems 03, 04, 08).

After launch, partners pay for working together: joint decisions, vetoes, compromises and
delays, which grow with the number of partners and with the scope shared (Elston, Rackwitz
and Bel, "Going separate ways: ex-post interdependence and the dissolution of
collaborative relations", *International Public Management Journal* 27(4), 2024). Early on,
integration disrupts the services councils receive (Guide 08 problem 03: early unplanned
disruption, or the fear of it). And a partner with more energy and pace than the others is
held back and frustrated (Guide 08 problems 04 and 08). Each takes value from the councils
every month it lasts; none is one of Guide 08's seven cases, so this mechanism has no
matching key learning, but good communications (problem 14) soften the disruption.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from sim.core.contract import Effect, Event, Mechanism, MechanismParams, Month, Own, Reading, lifted, note
from sim.core.declare import G08, param, uniform
from sim.core.jit import compiled
from sim.core.levers import COMMUNICATIONS_PLAN
from sim.core.state import INTEGRATION, StateArrays, launched


@dataclass
class Params(MechanismParams):
    """Parameters of working together."""

    disruption: float = param(
        0.3,
        0,
        1,
        "share",
        "share of the service component of value lost during integration with weak communications",
        concept=f"{G08} problem 03 (early unplanned disruption)",
        prior=uniform(0.1, 0.5),
    )
    disruption_relief: float = param(
        0.5, 0, 1, "share", "share of the disruption that full-strength communications prevent", concept=f"{G08} problem 14", prior=uniform(0.2, 0.8)
    )
    frustration: float = param(
        0.5,
        0,
        2,
        "share",
        "fit a council loses per unit by which its pace exceeds its slowest partner's",
        concept=f"{G08} problems 04 and 08 (being held back)",
        prior=uniform(0.2, 1.0),
    )


class Ev(IntEnum):
    """Kinds of event."""

    FRUSTRATED = 0


@compiled
def step(s: StateArrays, P: Any, m: Month, q: Any, own: Own, fx: Effect) -> None:
    """Coordination costs grow with the partners and the scope; integration disrupts the service; a faster partner is held back.

    Reads the number of partners, the scope of sharing, the phase, communications and each
    council's pace; changes the value (fit and service) each council sees.
    """
    i = m.i
    n = s.council.shape[1]
    if not (q.enabled and launched(s, i)):
        return
    d = P.decisions[i]
    partners = 0
    slowest = 1.0
    for k in range(n):
        if s.council[i, k].active:
            partners += 1
            slowest = min(slowest, P.council[i, k].pace)
    cost = d.coordination_cost * max(partners - 1, 0) * (1.0 + d.deeper_coordination * s.partnership[i].scope)
    comms = lifted(P.partnership[i].communications, m.levers[COMMUNICATIONS_PLAN])
    disrupted = q.disruption * (1.0 - q.disruption_relief * comms) if s.partnership[i].phase == INTEGRATION else 0.0
    for k in range(n):
        if not s.council[i, k].active:
            continue
        ahead = P.council[i, k].pace - slowest
        fx.value[k] = cost + d.weight_service * disrupted + d.weight_fit * min(q.frustration * ahead, 1.0)
        if ahead > 0.3 and m.t % 12 == P.council[i, k].budget_month:
            note(fx, Ev.FRUSTRATED, k, ahead)


MECHANISM = Mechanism(
    name="coordination",
    cause="coordination",
    case="Elston et al. 2024",
    title="Working together: coordination costs, early disruption, imbalance of pace",
    params=Params,
    step=step,
    value=(
        "joint decisions, vetoes and delays (more with more partners and deeper scope), early disruption and a "
        "partner held back by a slower one take value every month"
    ),
    events={
        Ev.FRUSTRATED: Event(
            "felt held back by a slower partner",
            Reading(
                "on a 0-1 scale of pace, it is {size:.2f} ahead of its slowest partner",
                adds_up=False,
                several="on a 0-1 scale of pace, each is {size:.2f} ahead of its slowest partner",
            ),
        )
    },
    reads=("pace", "budget_month", "active", "communications", "phase", "scope"),
)
