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

from dataclasses import dataclass

import numpy as np

from sim.mechanisms.base import Arrays, Effect, Events, MechanismParams, Month, size_weighted_mean
from sim.params import G08, param
from sim.state import State

NAME = "case03"
CAUSE = "case03_misaligned_aspirations"
CASE = "03"
TITLE = "Misaligned aspirations"
STREAMS: tuple[str, ...] = ()


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


def init(P: Arrays, n_reps: int, n_councils: int) -> dict[str, np.ndarray]:
    """Case 03 keeps no state of its own."""
    return {}


def misalignment(s: State, P: Arrays) -> np.ndarray:
    """``(R, K)``: size-weighted mean distance of each council's aims from its partners'."""
    pairs = s.pairs
    distance = np.abs(s.orientation[:, :, None] - s.orientation[:, None, :])
    weights = np.where(pairs, P.council.size[:, None, :], 0.0)
    return size_weighted_mean(distance, weights)


def step(s: State, P: Arrays, m: Month) -> Effect:
    """A change hits a misaligned partner's commitment; misalignment caps the savings.

    Reads strategic orientation (moved by elections), sizes, this month's exogenous
    changes and openness about motivations; changes commitment and savings.
    """
    q = P.mech.case03
    live = s.running & q.enabled
    openness = 1.0 - q.openness_relief * m.levers["open_motivations"]
    mis = misalignment(s, P)
    hit = m.changed & s.active & live[:, None]
    loss = np.where(hit, q.change_sensitivity[:, None] * mis * openness[:, None], 0.0)
    overall = size_weighted_mean(mis, np.where(s.active, P.council.size, 0.0))
    savings = np.where(live & s.launched, q.potential_loss * overall * openness, 0.0)
    return Effect(commitment=loss, savings=savings, events=[Events("a change exposed aims that differ from its partners'", hit & (loss > 0), loss)])
