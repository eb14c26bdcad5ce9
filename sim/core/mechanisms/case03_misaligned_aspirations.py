"""Case 03, misaligned aspirations (Guide 08).

Partners want different things from sharing: one a smaller, leaner council, another a
commercial one. That is no problem until a change hits; a partner whose aims differ from
the rest then finds it hard to quantify the change and may feel unable to continue. Even
if the partnership survives, the potential of sharing is never fully explored, so savings
stay below the business case. Key learning: be open about motivations and "no-go" areas
from the start; a big mismatch calls for caution (lever ``open_motivations``).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from sim.core.contract import LOST_COMMITMENT, Effect, Event, Mechanism, MechanismParams, Month, Own, note, take_savings
from sim.core.declare import G08, param
from sim.core.jit import compiled
from sim.core.levers import OPEN_MOTIVATIONS
from sim.core.state import StateArrays, launched

CASE = f"{G08} case 03"


@dataclass
class Params(MechanismParams):
    """Case 03 parameters."""

    change_sensitivity: float = param(
        0.4,
        0,
        2,
        "commitment",
        "commitment a fully misaligned council loses when a change hits it",
        concept=f"{CASE} (a partner feels unable to continue when changes happen)",
    )
    potential_loss: float = param(
        0.5, 0, 1, "share of savings", "share of savings lost at full misalignment", concept=f"{CASE} (never fully reached its potential)"
    )
    openness_relief: float = param(0.7, 0, 1, "share", "share of the harm that full openness about motivations prevents", concept=f"{CASE} key learning")


class Ev(IntEnum):
    """Kinds of event."""

    EXPOSED = 0


@compiled
def misalignment(s: StateArrays, P: Any, i: int, k: int) -> float:
    """Size-weighted mean distance of council k's aims from its partners' in row ``i``."""
    distance, weights = 0.0, 0.0
    for j in range(s.council.shape[1]):
        if s.pairs[i, k, j]:
            size = P.council[i, j].size
            distance += abs(s.council[i, k].orientation - s.council[i, j].orientation) * size
            weights += size
    return distance / weights if weights > 0 else 0.0


@compiled
def step(s: StateArrays, P: Any, m: Month, q: Any, own: Own, fx: Effect) -> None:
    """A change hits a misaligned partner's commitment; misalignment caps the savings.

    Reads strategic orientation (moved by elections), sizes, this month's exogenous
    changes and openness about motivations; changes commitment and savings.
    """
    i = m.i
    if not q.enabled:
        return
    openness = 1.0 - q.openness_relief * m.levers[OPEN_MOTIVATIONS]
    overall, weights = 0.0, 0.0
    for k in range(s.council.shape[1]):
        if not s.council[i, k].active:
            continue
        mis = misalignment(s, P, i, k)
        size = P.council[i, k].size
        overall += mis * size
        weights += size
        if m.changed[k]:
            fx.commitment[k] = q.change_sensitivity * mis * openness
            if fx.commitment[k] > 0:
                note(fx, Ev.EXPOSED, k, fx.commitment[k])
    if launched(s, i):
        take_savings(fx, q.potential_loss * (overall / weights if weights > 0 else 0.0) * openness)


MECHANISM = Mechanism(
    name="case03",
    cause="case03_misaligned_aspirations",
    case="03",
    title="Misaligned aspirations",
    params=Params,
    step=step,
    events={Ev.EXPOSED: Event("a change exposed aims that differ from its partners'", LOST_COMMITMENT)},
    reads=("orientation", "size"),
)
