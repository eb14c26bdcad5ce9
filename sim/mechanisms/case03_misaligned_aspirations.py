"""Case 03, misaligned aspirations (Guide 08).

Partners want different things from sharing: one a smaller, leaner council, another a
commercial one. That is no problem until a change hits; a partner whose aims differ
from the rest then finds it hard to quantify the change and may feel unable to
continue. Even if the partnership survives, the potential of sharing is never fully
explored, so savings stay below the business case. Key learning: be open about
motivations and "no-go" areas from the start; a big mismatch calls for caution
(lever ``open_motivations``).
"""

from __future__ import annotations

from collections import namedtuple
from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.jit import compiled
from sim.levers import OPEN_MOTIVATIONS
from sim.mechanisms.base import Effect, MechanismParams, Month, field_names, note
from sim.params import G08, param
from sim.state import launched

NAME = "case03"
CAUSE = "case03_misaligned_aspirations"
CASE = "03"
TITLE = "Misaligned aspirations"
STREAMS: tuple[str, ...] = ()
TAKES_TRUST = False
EVENTS = ("a change exposed aims that differ from its partners'",)
SHARED: tuple[str, ...] = ()


@dataclass
class Params(MechanismParams):
    """Case 03 parameters."""

    change_sensitivity: float = param(
        0.4,
        0,
        2,
        "commitment",
        f"{G08} case 03 (a partner feels unable to continue when changes happen)",
        "commitment a fully misaligned council loses when a change hits it",
    )
    potential_loss: float = param(
        0.5, 0, 1, "share of savings", f"{G08} case 03 (never fully reached its potential)", "share of savings lost at full misalignment"
    )
    openness_relief: float = param(0.7, 0, 1, "share", f"{G08} case 03 key learning", "share of the harm that full openness about motivations prevents")


ParamArrays = namedtuple("ParamArrays", field_names(Params))
Own = namedtuple("Own", [])


def init(P: Any, n_reps: int, n_councils: int) -> dict[str, np.ndarray]:
    """Case 03 keeps no state of its own."""
    return {}


@compiled
def misalignment(s: Any, P: Any, i: int, k: int) -> float:
    """Size-weighted mean distance of council k's aims from its partners' in row ``i``."""
    distance, weights = 0.0, 0.0
    for j in range(s.active.shape[1]):
        if s.pairs[i, k, j]:
            distance += abs(s.orientation[i, k] - s.orientation[i, j]) * P.council.size[i, j]
            weights += P.council.size[i, j]
    return distance / weights if weights > 0 else 0.0


@compiled
def step(s: Any, own: Own, P: Any, q: ParamArrays, m: Month, fx: Effect) -> tuple[float, float, bool, bool]:
    """A change hits a misaligned partner's commitment; misalignment caps the savings.

    Reads strategic orientation (moved by elections), sizes, this month's exogenous
    changes and openness about motivations; changes commitment and savings.
    """
    i = m.i
    if not q.enabled[i]:
        return 0.0, 0.0, False, False
    openness = 1.0 - q.openness_relief[i] * m.levers[OPEN_MOTIVATIONS]
    overall, weights = 0.0, 0.0
    for k in range(s.active.shape[1]):
        if not s.active[i, k]:
            continue
        mis = misalignment(s, P, i, k)
        overall += mis * P.council.size[i, k]
        weights += P.council.size[i, k]
        if m.changed[k]:
            fx.commitment[k] = q.change_sensitivity[i] * mis * openness
            if fx.commitment[k] > 0:
                note(fx, 0, k, fx.commitment[k])
    if not launched(s, i):
        return 0.0, 0.0, False, False
    return q.potential_loss[i] * (overall / weights if weights > 0 else 0.0) * openness, 0.0, False, False
