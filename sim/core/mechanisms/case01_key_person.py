"""Case 01, over-dependency on key personnel (Guide 08).

A champion (a political or executive sponsor, or a specialist in technology, contracts or
negotiation) can leave at any time. The trust built between individuals then drops, and
the council's commitment keeps eroding while the post is empty; a mature, bedded-in
arrangement is usually resilient, so the blow shrinks as the partnership matures. Key
learning: assess the risk and keep a continuity plan for the loss of key people (lever
``continuity_plan``).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import Any

import numpy as np

from sim.core.contract import Effect, Event, Mechanism, MechanismParams, Month, Own, OwnState, Reading, note
from sim.core.declare import G08, param
from sim.core.jit import compiled
from sim.core.levers import CONTINUITY_PLAN
from sim.core.state import StateArrays

CASE = f"{G08} case 01"


@dataclass
class Params(MechanismParams):
    """Case 01 parameters."""

    leave_hazard: float = param(
        1 / 72, 0, 1, "per month", "monthly chance a council's champion leaves", concept=CASE, value="assumption (a champion moves on after about six years)"
    )
    trust_drop: float = param(
        0.3,
        0,
        1,
        "trust",
        "trust lost between the council and each partner when its champion leaves, at full dependency",
        concept=f"{CASE} (trust breaks down when they move on)",
    )
    erosion: float = param(
        0.01,
        0,
        1,
        "commitment per month",
        "commitment eroded each month the post stays empty, at full dependency",
        concept=f"{CASE} (gradual erosion after a chief executive left)",
    )
    vacancy_months: float = param(12, 0, 120, "months", "months until a successor champion is in post", concept=CASE, integer=True)
    resilience: float = param(
        0.8, 0, 1, "share", "share of the blow a fully mature arrangement absorbs", concept=f"{CASE} (a successful model is usually resilient)"
    )
    continuity_trust_kept: float = param(0.7, 0, 1, "share", "share of the trust drop a full continuity plan prevents", concept=f"{CASE} key learning")
    continuity_vacancy_cut: float = param(0.6, 0, 1, "share", "share of the vacancy a full continuity plan removes", concept=f"{CASE} key learning")


class Stream(IntEnum):
    """Random streams."""

    LEAVE = 0


class Ev(IntEnum):
    """Kinds of event."""

    CHAMPION_LEFT = 0
    SUCCESSOR_ARRIVED = 1


@compiled
def step(s: StateArrays, P: Any, m: Month, q: Any, own: Own, fx: Effect) -> None:
    """A champion leaves; trust drops and commitment erodes until a successor arrives.

    Reads key-person dependency, pairwise trust, the arrangement's maturity and the
    continuity plan; changes trust, commitment and the council's vacancy.
    """
    i = m.i
    n = s.council.shape[1]
    if not q.enabled:
        return
    plan = m.levers[CONTINUITY_PLAN]
    for k in range(n):
        if not s.council[i, k].active:
            continue
        exposure = P.council[i, k].key_person_dependency * (1.0 - q.resilience * s.partnership[i].maturity)
        mine = own.council[i, k]
        if mine.present and m.draws[Stream.LEAVE, k] < q.leave_hazard:
            drop = q.trust_drop * exposure * (1.0 - q.continuity_trust_kept * plan)
            for j in range(n):
                if s.pairs[i, k, j]:  # trust breaks down both ways
                    fx.trust[k, j] += drop
                    fx.trust[j, k] += drop
            mine.present = False
            mine.vacancy = max(np.int64(np.rint(q.vacancy_months * (1.0 - q.continuity_vacancy_cut * plan))), 0)
            note(fx, Ev.CHAMPION_LEFT, k, drop)
        elif not mine.present:
            fx.commitment[k] = q.erosion * exposure
            vacancy = mine.vacancy - 1
            if vacancy <= 0:
                mine.present = True
                note(fx, Ev.SUCCESSOR_ARRIVED, k, 0.0)
            mine.vacancy = max(vacancy, 0)


MECHANISM = Mechanism(
    name="case01",
    cause="case01_key_person",
    case="01",
    title="Over-dependency on key personnel",
    params=Params,
    step=step,
    streams=Stream,
    events={
        Ev.CHAMPION_LEFT: Event("its champion left", Reading("trust with partners -{size:.2f}")),
        Ev.SUCCESSOR_ARRIVED: Event("a new champion took up post"),
    },
    reads=("key_person_dependency",),
    takes_trust=True,
    own=OwnState(council={"present": (np.bool_, True), "vacancy": (np.int64, 0)}),
)
