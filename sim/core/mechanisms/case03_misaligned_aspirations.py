"""Case 03, misaligned aspirations (Guide 08).

Partners want different things from sharing: one a smaller, leaner council, another a
commercial one. The mismatch limits what is shared and saved: the potential of sharing is
never fully explored, so savings stay below the business case, and a misaligned partner
finds the partnership a poorer fit for its strategy. The mismatch matters most when a change
hits (an election, a new chief executive, a budget shock, a reorganisation): without
stated priorities the change is hard to quantify, and the misaligned partner is unsettled
for a while, which can leave it feeling unable to continue. In the case itself the
partnership survived and never reached its potential. Key learning: be open about
motivations and no-go areas from the start; a significant mismatch calls for a more cautious
approach (lever ``open_motivations``): openness makes a change easier to quantify, and where
the mismatch is large the partners take the cautious path of sharing IT only (no deeper
sharing), within no-go areas the others know about.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import Any

import numpy as np

from sim.core.contract import Effect, Event, Mechanism, MechanismParams, Month, Own, OwnState, Reading, note, take_savings
from sim.core.declare import G08, param, uniform
from sim.core.jit import compiled
from sim.core.levers import OPEN_MOTIVATIONS
from sim.core.state import PROPOSAL, StateArrays, launched

CASE = f"{G08} case 03"


@dataclass
class Params(MechanismParams):
    """Case 03 parameters."""

    potential_loss: float = param(
        0.5,
        0,
        1,
        "share of savings",
        "share of savings lost at full misalignment (the potential never fully explored)",
        concept=f"{CASE} (never fully reached its potential)",
        prior=uniform(0.25, 0.75),
    )
    misfit: float = param(
        0.5,
        0,
        2,
        "share",
        "fit lost by a fully misaligned council, as a share of the fit component of value",
        concept=f"{CASE}; problem 06",
        prior=uniform(0.25, 1.0),
    )
    change_sensitivity: float = param(
        1.0,
        0,
        5,
        "share",
        "how much a change, felt by a fully misaligned council, adds to its loss of fit (fading over the months after)",
        concept=f"{CASE} (a partner feels unable to continue when changes happen)",
        prior=uniform(0.5, 2.0),
    )
    unsettled_months: float = param(
        12, 1, 120, "months", "time constant over which the unsettling effect of a change fades", concept=CASE, prior=uniform(6, 24)
    )
    openness_effect: float = param(
        0.5,
        0,
        1,
        "share",
        "share of a change's unsettling effect that full openness about motivations prevents (the change can be quantified)",
        concept=f"{CASE} key learning",
        prior=uniform(0.2, 0.8),
    )
    caution_threshold: float = param(
        0.3,
        0,
        1,
        "misalignment",
        "mismatch above which open partners take the cautious approach (IT only, within known no-go areas)",
        concept=f"{CASE} key learning (a significant mismatch)",
        prior=uniform(0.2, 0.45),
    )
    caution_relief: float = param(
        0.5,
        0,
        1,
        "share",
        "share of the loss of fit and potential that the cautious approach avoids",
        concept=f"{CASE} key learning (a more cautious approach)",
        prior=uniform(0.25, 0.75),
    )


class Ev(IntEnum):
    """Kinds of event."""

    EXPOSED = 0
    CAUTIOUS = 1


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
def overall(s: StateArrays, P: Any, i: int) -> float:
    """The partnership's size-weighted mean misalignment."""
    total, weights = 0.0, 0.0
    for k in range(s.council.shape[1]):
        if s.council[i, k].active:
            size = P.council[i, k].size
            total += misalignment(s, P, i, k) * size
            weights += size
    return total / weights if weights > 0 else 0.0


@compiled
def step(s: StateArrays, P: Any, m: Month, q: Any, own: Own, fx: Effect) -> None:
    """Misalignment caps the savings and the fit each council sees; a change unsettles a misaligned council for a while.

    Reads strategic orientation (moved by elections and reorganisation), sizes, this
    month's signals and openness about motivations; changes savings, the value (fit) each
    council sees, and (cautious approach) whether sharing may deepen beyond IT.
    """
    i = m.i
    if not q.enabled:
        return
    open_ = m.levers[OPEN_MOTIVATIONS]
    p = s.partnership[i]
    if p.phase == PROPOSAL:
        if open_ > 0 and overall(s, P, i) > q.caution_threshold and not p.it_only:
            p.it_only = True
            for k in range(s.council.shape[1]):
                note(fx, Ev.CAUTIOUS, k, overall(s, P, i))
        return
    if not launched(s, i):
        return
    relief = q.caution_relief * open_ if p.it_only else 0.0
    fit = P.decisions[i].weight_fit
    for k in range(s.council.shape[1]):
        if not s.council[i, k].active:
            continue
        mis = misalignment(s, P, i, k)
        council = own.council[i, k]
        council.unsettled -= council.unsettled / q.unsettled_months
        if m.signals[k] != 0 and mis > 0:
            jolt = q.change_sensitivity * mis * (1.0 - q.openness_effect * open_)
            council.unsettled += jolt
            note(fx, Ev.EXPOSED, k, fit * jolt)
        fx.value[k] = fit * min((q.misfit * mis + council.unsettled) * (1.0 - relief), 1.0)
    take_savings(fx, q.potential_loss * overall(s, P, i) * (1.0 - relief))


MECHANISM = Mechanism(
    name="case03",
    cause="case03_misaligned_aspirations",
    case="03",
    title="Misaligned aspirations",
    params=Params,
    step=step,
    value="misalignment takes savings (the potential never explored) and fit; a change unsettles a misaligned council for months",
    events={
        Ev.EXPOSED: Event(
            "a change exposed aims that differ from its partners'",
            Reading(
                "a poorer fit with its aims took {size:.2f} of the promise from the value it sees",
                several="a poorer fit with their aims took {size:.2f} of the promise from the value each sees",
            ),
            several="a change exposed aims that differ from their partners'",
        ),
        Ev.CAUTIOUS: Event(
            "with motivations open, the partners took the cautious approach: IT only, within known no-go areas",
            Reading("the mismatch between their aims is {size:level}", adds_up=False),
        ),
    },
    reads=("orientation", "size", "active", "phase", "it_only"),
    shares=("it_only",),
    own=OwnState(council={"unsettled": (np.float64, 0.0)}),
)
