"""Case 06, a district and a county council (Guide 08).

Simple IT sharing, run by the heads of IT under an MOU and politically low-key, works.
Deepening it into other services brings in non-IT service heads and members, and with them
the smaller partner's fear that its identity and priorities will be subsumed by the larger
one. From the month sharing deepens, that fear erodes the smaller partner's commitment and
the trust between the two, and can unpick even the IT sharing. Key learning: agree target
service priorities in advance, and make each stage sustainable on its own so the journey
can halt without breaking what works (lever ``staged_scope``).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from sim.core.contract import Effect, Event, Mechanism, MechanismParams, Month, Own, Reading, note
from sim.core.declare import G08, param
from sim.core.jit import compiled
from sim.core.levers import STAGED_SCOPE
from sim.core.state import OPERATING, StateArrays

CASE = f"{G08} case 06"


@dataclass
class Params(MechanismParams):
    """Case 06 parameters."""

    tension: float = param(
        0.03,
        0,
        1,
        "commitment per month",
        "commitment a fully fearful, much smaller partner loses each month of deeper sharing",
        concept=f"{CASE} (members' and officers' concerns)",
    )
    trust_loss: float = param(
        0.03,
        0,
        1,
        "trust per month",
        "trust lost each month between a fully fearful smaller partner and the larger one",
        concept=f"{CASE} (tensions between county and district teams)",
    )
    halt_margin: float = param(
        0.1,
        0,
        1,
        "commitment",
        "with staged scope, deeper sharing halts when a partner's commitment comes this close to its exit threshold",
        concept=f"{CASE} key learning (the journey may halt)",
    )


class Ev(IntEnum):
    """Kinds of event."""

    FEARED = 0
    HALTED = 1


@compiled
def larger(P: Any, i: int, k: int, j: int) -> float:
    """How much larger council j is than council k in row ``i`` (0 if it is not larger)."""
    return max(1.0 - P.council[i, k].size / P.council[i, j].size, 0.0)


@compiled
def step(s: StateArrays, P: Any, m: Month, q: Any, own: Own, fx: Effect) -> None:
    """During deeper sharing the smaller partner's fear of being subsumed costs commitment and trust.

    Reads size asymmetry, sovereignty concern, scope stage and agreed priorities; changes
    commitment, trust and (with staged scope) halts the deeper stage.
    """
    i = m.i
    n = s.council.shape[1]
    if not (q.enabled and s.partnership[i].scope == 1):
        return
    staged = m.levers[STAGED_SCOPE]
    halt = False
    for k in range(n):
        if not s.council[i, k].active:
            continue
        most, largest = larger(P, i, k, 0) * s.pairs[i, k, 0], 0
        for j in range(1, n):
            if larger(P, i, k, j) * s.pairs[i, k, j] > most:
                most, largest = larger(P, i, k, j) * s.pairs[i, k, j], j
        fear = s.council[i, k].sovereignty * most * (1.0 - staged)
        fx.commitment[k] = q.tension * fear
        for j in range(n):
            if larger(P, i, k, j) * s.pairs[i, k, j] > 0:  # felt towards a larger partner, and shared by it
                fx.trust[k, j] += q.trust_loss * fear
                fx.trust[j, k] += q.trust_loss * fear
        if fear > 0.05:
            note(fx, Ev.FEARED, k, fx.commitment[k], largest)  # the partner it fears being subsumed by
        halt = halt or s.council[i, k].commitment - fx.commitment[k] < P.council[i, k].exit_threshold + q.halt_margin
    if halt and staged > 0:
        s.partnership[i].scope = 0
        s.partnership[i].phase = OPERATING
        for k in range(n):
            if s.council[i, k].active:
                note(fx, Ev.HALTED, k, 0.0)


MECHANISM = Mechanism(
    name="case06",
    cause="case06_scope_tension",
    case="06",
    title="District and county: deeper sharing unpicks the IT sharing",
    params=Params,
    step=step,
    events={
        Ev.FEARED: Event("feared being subsumed by a larger partner", Reading("commitment -{size:.2f}", naming="fearing {partner}: commitment -{size:.2f}")),
        Ev.HALTED: Event("deeper sharing halted; the IT sharing carries on alone"),
    },
    reads=("size", "sovereignty", "commitment", "exit_threshold"),
    takes_trust=True,
    shares=("scope", "phase"),
)
