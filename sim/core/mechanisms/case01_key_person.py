"""Case 01, over-dependency on key personnel (Guide 08).

Each council has a champion: its chief executive, its political leader, or a specialist
(technology, contracts, negotiation), who advocates and drives the partnership. The
champion goes when the chief executive leaves, when an election changes political control,
when the council is reorganised, or (a specialist) when they move on. The trust built
between individuals then drops; and while nobody takes their place the council's part in the
partnership erodes, gradually, and so, as far as the champion's reach went, does the part of
partners whose colleagues leaned on them (the case's leader is at the heart of the shared
programme, cajoling others): the champion's advocacy, which carried the more cautious
colleagues, is missed, and effectiveness falls (savings and the service the council
receives), a specialist's capability going with them. The case's example of a chief
executive's departure leading to a gradual erosion and finally a collapse is one possible
path (through the councils' decisions); a mature, bedded-in arrangement is usually
resilient, so exposure shrinks as the partnership matures. A new champion emerges in time.
Key learning: a champion is valuable, but assess the risk and keep a continuity plan for
the loss of key people (lever ``continuity_plan``: less trust lost, a successor sooner; each
is an event where the plan made the difference).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import Any

import numpy as np

from sim.core.contract import Effect, Event, Mechanism, MechanismParams, Month, Own, OwnState, Reading, note, take_savings
from sim.core.declare import G08, param, uniform
from sim.core.exogenous import Signal
from sim.core.jit import compiled
from sim.core.levers import CONTINUITY_PLAN
from sim.core.params import CHAMPIONS
from sim.core.state import StateArrays, launched

CASE = f"{G08} case 01"
CHIEF_EXECUTIVE, POLITICAL_LEADER = (CHAMPIONS.index(c) for c in ("chief_executive", "political_leader"))


@dataclass
class Params(MechanismParams):
    """Case 01 parameters."""

    specialist_hazard: float = param(
        1 / 60, 0, 1, "per month", "monthly chance a specialist champion moves on", concept=CASE, prior={"dist": "uniform", "low": 1 / 120, "high": 1 / 36}
    )
    succession: float = param(
        1 / 24,
        0,
        1,
        "per month",
        "monthly chance a new champion takes up the role once the post is empty (trust between individuals takes time)",
        concept=f"{CASE} (trust developed between individuals)",
        prior=uniform(1 / 48, 1 / 12),
    )
    trust_drop: float = param(
        0.3,
        0,
        1,
        "trust",
        "trust lost between the council and each partner when its champion leaves, at full exposure",
        concept=f"{CASE} (trust breaks down when they move on)",
        prior=uniform(0.1, 0.5),
    )
    erosion_months: float = param(
        12,
        1,
        120,
        "months",
        "time constant of the erosion of the council's part while nobody champions it",
        concept=f"{CASE} (a gradual erosion)",
        prior=uniform(6, 24),
    )
    advocacy: float = param(
        0.5,
        0,
        1,
        "value",
        "value the champion's advocacy adds for a council fully dependent on it (lost as the council's part erodes)",
        concept=f"{CASE} (a catalyst for the faint-hearted or more cautious colleagues)",
        prior=uniform(0.25, 0.7),
    )
    effectiveness: float = param(
        0.3,
        0,
        1,
        "share",
        "effectiveness lost at full exposure and full erosion (share of its savings and of the service it receives)",
        concept=f"{CASE} (significantly reduced effectiveness)",
        prior=uniform(0.2, 0.6),
    )
    reach: float = param(
        0.5,
        0,
        1,
        "share",
        "how much of a champion's advocacy the partner councils' colleagues also lean on (0: only their own council's)",
        concept=f"{CASE} (a leader at the heart of change, cajoling others; sponsors or managers of the shared service)",
        prior=uniform(0.2, 0.8),
        reason="the case's champion drives the shared programme, not one council's part; how far partners lean on them is not stated",
    )
    resilience: float = param(
        0.8,
        0,
        1,
        "share",
        "share of the exposure a fully mature arrangement absorbs",
        concept=f"{CASE} (a successful model is usually resilient)",
        prior=uniform(0.5, 0.95),
    )
    continuity_trust_kept: float = param(
        0.5, 0, 1, "share", "share of the trust drop a full continuity plan prevents", concept=f"{CASE} key learning", prior=uniform(0.2, 0.8)
    )
    continuity_succession: float = param(
        2.0,
        0,
        10,
        "share",
        "how much a full continuity plan raises the monthly chance of a successor (1: doubles it)",
        concept=f"{CASE} key learning",
        prior=uniform(0.5, 3.0),
    )


class Stream(IntEnum):
    """Random streams."""

    LEAVE = 0
    SUCCEED = 1


#: How far a council's part had eroded while its champion's role was empty, where a successor took it up.
ERODED = Reading(
    "while the role was empty its part in the partnership had eroded; the erosion was {size:level}",
    adds_up=False,
    several="while the roles were empty their part in the partnership had eroded; the erosion was {size:level}",
)


class Ev(IntEnum):
    """Kinds of event."""

    CHAMPION_LEFT = 0
    TRUST_KEPT = 1
    SUCCESSOR_ARRIVED = 2
    HANDED_OVER = 3


@compiled
def exposure(s: StateArrays, P: Any, q: Any, i: int, k: int) -> float:
    """How exposed council k's part is to losing its champion: its dependency, less what the arrangement's maturity absorbs."""
    return P.council[i, k].key_person_dependency * (1.0 - q.resilience * s.partnership[i].maturity)


@compiled
def champion_goes(P: Any, m: Month, q: Any, k: int) -> bool:
    """Council k's champion goes this month: with the chief executive, with a change of control, with a reorganisation, or (a specialist) by chance."""
    kind = P.council[m.i, k].champion
    signals = m.signals[k]
    if signals & Signal.REORGANISED:
        return True
    if kind == CHIEF_EXECUTIVE:
        return signals & Signal.CHIEF_EXECUTIVE_LEFT != 0
    if kind == POLITICAL_LEADER:
        return signals & Signal.CONTROL_CHANGED != 0
    return m.draws[Stream.LEAVE, k] < q.specialist_hazard


@compiled
def felt_erosion(s: StateArrays, q: Any, own: Own, i: int, k: int) -> float:
    """The erosion council k feels: its own, or the reach of a partner's missing champion, whichever is larger."""
    felt = own.council[i, k].erosion
    for j in range(s.council.shape[1]):
        if j != k and s.council[i, j].active:
            felt = max(felt, q.reach * own.council[i, j].erosion)
    return felt


@compiled
def step(s: StateArrays, P: Any, m: Month, q: Any, own: Own, fx: Effect) -> None:
    """A champion goes; trust drops and the council's part erodes until a successor takes up the role.

    Reads key-person dependency, who the champion is, pairwise trust, the arrangement's
    maturity, this month's signals and the continuity plan; changes trust, the savings the
    partnership realises, and the value (service) each council sees.
    """
    i = m.i
    n = s.council.shape[1]
    if not q.enabled:
        return
    plan = m.levers[CONTINUITY_PLAN]
    weight = P.decisions[i].weight_service
    lost, sizes = 0.0, 0.0
    for k in range(n):
        if not s.council[i, k].active:
            continue
        mine = own.council[i, k]
        exposed = exposure(s, P, q, i, k)
        if mine.present and champion_goes(P, m, q, k):
            mine.present = False
            drop, kept = 0.0, 0.0
            if launched(s, i):
                full = q.trust_drop * exposed
                drop = full * (1.0 - q.continuity_trust_kept * plan)
                kept = full - drop
                for j in range(n):
                    if s.pairs[i, k, j]:  # trust between individuals breaks down both ways
                        fx.trust[k, j] += drop
                        fx.trust[j, k] += drop
            note(fx, Ev.CHAMPION_LEFT, k, drop)
            if kept > 0.0:  # the plan kept part of the trust the departure would have taken
                note(fx, Ev.TRUST_KEPT, k, kept)
        elif not mine.present and m.draws[Stream.SUCCEED, k] < q.succession * (1.0 + q.continuity_succession * plan):
            mine.present = True
            if m.draws[Stream.SUCCEED, k] < q.succession:
                note(fx, Ev.SUCCESSOR_ARRIVED, k, mine.erosion)
            else:  # without the plan nobody would have taken up the role this month
                note(fx, Ev.HANDED_OVER, k, mine.erosion)
        if mine.present:
            mine.erosion -= mine.erosion / q.erosion_months
        else:
            mine.erosion += (exposed - mine.erosion) / q.erosion_months
    if not launched(s, i):
        return
    for k in range(n):
        if not s.council[i, k].active:
            continue
        felt = felt_erosion(s, q, own, i, k)
        fx.value[k] = (q.advocacy + weight * q.effectiveness) * felt
        size = P.council[i, k].size
        lost += q.effectiveness * felt * size
        sizes += size
    if sizes > 0:
        take_savings(fx, lost / sizes)


MECHANISM = Mechanism(
    name="case01",
    cause="case01_key_person",
    case="01",
    title="Over-dependency on key personnel",
    params=Params,
    step=step,
    value="a champion's departure takes trust between individuals, then erodes effectiveness (savings and service) until a successor takes up the role",
    streams=Stream,
    events={
        Ev.CHAMPION_LEFT: Event(
            "its champion left",
            Reading(
                "on a 0-1 scale, trust between its people and each partner's fell by {size:.2f}",
                several="on a 0-1 scale, trust between their people and each partner's fell by {size:.2f}",
            ),
            several="their champions left",
        ),
        Ev.TRUST_KEPT: Event(
            "its continuity plan kept part of the trust between its people and its partners'",
            Reading("on a 0-1 scale, trust fell by {size:.2f} less than without the plan"),
            several="their continuity plans kept part of the trust between their people and their partners'",
        ),
        Ev.SUCCESSOR_ARRIVED: Event(
            "a new champion took up the role",
            ERODED,
            several="new champions took up the role",
        ),
        Ev.HANDED_OVER: Event(
            "its continuity plan handed the departed champion's role to a successor",
            ERODED,
            several="their continuity plans handed the departed champions' roles to successors",
        ),
    },
    reads=("key_person_dependency", "champion", "size", "active", "maturity"),
    takes_trust=True,
    own=OwnState(council={"present": (np.bool_, True), "erosion": (np.float64, 0.0)}),
)
