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

from dataclasses import dataclass

import numpy as np

from sim.mechanisms.base import Arrays, Effect, Events, MechanismParams, Month, any_k, max_k
from sim.params import G08, param
from sim.state import OPERATING, State

NAME = "case06"
CAUSE = "case06_scope_tension"
CASE = "06"
TITLE = "District and county: deeper sharing unpicks the IT sharing"
STREAMS: tuple[str, ...] = ()


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


def init(P: Arrays, n_reps: int, n_councils: int) -> dict[str, np.ndarray]:
    """How much larger council j is than council k (fixed for the run)."""
    size = P.council.size
    return {"larger": np.maximum(1.0 - size[:, :, None] / size[:, None, :], 0.0)}


def asymmetry(s: State, P: Arrays) -> np.ndarray:
    """``(R, K, K)``: how much larger council j is than council k (0 when not larger or gone), in [0, 1)."""
    return s.mech[NAME]["larger"] * s.pairs


def step(s: State, P: Arrays, m: Month) -> Effect:
    """During deeper sharing the smaller partner's fear of being subsumed costs commitment and trust.

    Reads size asymmetry, sovereignty concern, scope stage and agreed priorities; changes
    commitment, trust and (with staged scope) halts the deeper stage.
    """
    q = P.mech.case06
    staged = m.levers["staged_scope"]
    deeper = s.running & (s.scope == 1) & q.enabled
    if not deeper.any():
        return Effect()
    a = asymmetry(s, P)
    unresolved = (1.0 - staged)[:, None]
    fear = np.where(deeper[:, None] & s.active, s.sovereignty * max_k(a) * unresolved, 0.0)
    commitment = q.tension[:, None] * fear
    trust_k = q.trust_loss[:, None, None] * fear[:, :, None] * (a > 0)
    trust = trust_k + trust_k.transpose(0, 2, 1)
    margin = P.council.exit_threshold + q.halt_margin[:, None]
    halt = deeper & (staged > 0) & any_k(s.active & (s.commitment - commitment < margin))
    return Effect(
        commitment=commitment,
        trust=trust,
        shared={"scope": np.where(halt, 0, s.scope), "phase": np.where(halt, OPERATING, s.phase)},
        events=[
            Events("feared being subsumed by a larger partner", fear > 0.05, commitment),
            Events("deeper sharing halted; the IT sharing carries on alone", halt[:, None] & s.active, np.zeros_like(commitment)),
        ],
    )
