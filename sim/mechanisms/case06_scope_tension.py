"""Case 06, a district and a county council (Guide 08).

Simple IT sharing, run by the heads of IT under an MOU and politically low-key, works.
Deepening it into other services brings in non-IT service heads and members, and with
them the smaller partner's fear that its identity and priorities will be subsumed by
the larger one. From the month sharing deepens, that fear erodes the smaller partner's
commitment and the trust between the two, and can unpick even the IT sharing. Key
learning: agree target service priorities in advance, and make each stage sustainable
on its own so the journey can halt without breaking what works (lever ``staged_scope``).
"""

from __future__ import annotations

from collections import namedtuple
from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.jit import compiled
from sim.levers import STAGED_SCOPE
from sim.mechanisms.base import Effect, MechanismParams, Month, field_names, note
from sim.params import G08, param
from sim.state import OPERATING

NAME = "case06"
CAUSE = "case06_scope_tension"
CASE = "06"
TITLE = "District and county: deeper sharing unpicks the IT sharing"
STREAMS: tuple[str, ...] = ()
TAKES_TRUST = True
EVENTS = ("feared being subsumed by a larger partner", "deeper sharing halted; the IT sharing carries on alone")
SHARED = ("scope", "phase")


@dataclass
class Params(MechanismParams):
    """Case 06 parameters."""

    tension: float = param(
        0.03,
        0,
        1,
        "commitment per month",
        f"{G08} case 06 (members' and officers' concerns)",
        "commitment a fully fearful, much smaller partner loses each month of deeper sharing",
    )
    trust_loss: float = param(
        0.03,
        0,
        1,
        "trust per month",
        f"{G08} case 06 (tensions between county and district teams)",
        "trust lost each month between a fully fearful smaller partner and the larger one",
    )
    halt_margin: float = param(
        0.1,
        0,
        1,
        "commitment",
        f"{G08} case 06 key learning (the journey may halt)",
        "with staged scope, deeper sharing halts when a partner's commitment comes this close to its exit threshold",
    )


ParamArrays = namedtuple("ParamArrays", field_names(Params))
Own = namedtuple("Own", ["larger"])


def init(P: Any, n_reps: int, n_councils: int) -> dict[str, np.ndarray]:
    """How much larger council j is than council k (fixed for the run)."""
    size = P.council.size
    return {"larger": np.maximum(1.0 - size[:, :, None] / size[:, None, :], 0.0)}


@compiled
def step(s: Any, own: Own, P: Any, q: ParamArrays, m: Month, fx: Effect) -> tuple[float, float, bool, bool]:
    """During deeper sharing the smaller partner's fear of being subsumed costs commitment and trust.

    Reads size asymmetry, sovereignty concern, scope stage and agreed priorities; changes
    commitment, trust and (with staged scope) halts the deeper stage.
    """
    i = m.i
    n = s.active.shape[1]
    if not (q.enabled[i] and s.scope[i] == 1):
        return 0.0, 0.0, False, False
    staged = m.levers[STAGED_SCOPE]
    halt = False
    for k in range(n):
        if not s.active[i, k]:
            continue
        larger, largest = own.larger[i, k, 0] * s.pairs[i, k, 0], 0
        for j in range(1, n):
            if own.larger[i, k, j] * s.pairs[i, k, j] > larger:
                larger, largest = own.larger[i, k, j] * s.pairs[i, k, j], j
        fear = s.sovereignty[i, k] * larger * (1.0 - staged)
        fx.commitment[k] = q.tension[i] * fear
        for j in range(n):
            if own.larger[i, k, j] * s.pairs[i, k, j] > 0:  # felt towards a larger partner, and shared by it
                fx.trust[k, j] += q.trust_loss[i] * fear
                fx.trust[j, k] += q.trust_loss[i] * fear
        if fear > 0.05:
            note(fx, 0, k, fx.commitment[k], largest)  # the partner it fears being subsumed by
        halt = halt or s.commitment[i, k] - fx.commitment[k] < P.council.exit_threshold[i, k] + q.halt_margin[i]
    if halt and staged > 0:
        s.scope[i] = 0
        s.phase[i] = OPERATING
        for k in range(n):
            if s.active[i, k]:
                note(fx, 1, k, 0.0)
    return 0.0, 0.0, False, False
