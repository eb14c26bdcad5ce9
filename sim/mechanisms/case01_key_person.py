"""Case 01, over-dependency on key personnel (Guide 08).

A champion (a political or executive sponsor, or a specialist in technology, contracts or
negotiation) can leave at any time. The trust built between individuals then drops, and
the council's commitment keeps eroding while the post is empty; a mature, bedded-in arrangement is usually
resilient, so the blow shrinks as the partnership matures. Key learning: assess the
risk and keep a continuity plan for the loss of key people (lever ``continuity_plan``).
"""

from __future__ import annotations

from collections import namedtuple
from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.jit import compiled
from sim.levers import CONTINUITY_PLAN
from sim.mechanisms.base import Effect, MechanismParams, Month, field_names, note
from sim.params import ASSUMPTION, G08, param

NAME = "case01"
CAUSE = "case01_key_person"
CASE = "01"
TITLE = "Over-dependency on key personnel"
STREAMS = ("case01.leave",)
TAKES_TRUST = True
EVENTS = ("its champion left", "a new champion took up post")
SHARED: tuple[str, ...] = ()


@dataclass
class Params(MechanismParams):
    """Case 01 parameters."""

    leave_hazard: float = param(
        1 / 72, 0, 1, "per month", "assumption (a champion moves on after about six years)", "monthly chance a council's champion leaves"
    )
    trust_drop: float = param(
        0.3,
        0,
        1,
        "trust",
        f"{G08} case 01 (trust breaks down when they move on)",
        "trust lost between the council and each partner when its champion leaves, at full dependency",
    )
    erosion: float = param(
        0.01,
        0,
        1,
        "commitment per month",
        f"{G08} case 01 (gradual erosion after a chief executive left)",
        "commitment eroded each month the post stays empty, at full dependency",
    )
    vacancy_months: float = param(12, 0, 120, "months", ASSUMPTION, "months until a successor champion is in post", integer=True)
    resilience: float = param(
        0.8, 0, 1, "share", f"{G08} case 01 (a successful model is usually resilient)", "share of the blow a fully mature arrangement absorbs"
    )
    continuity_trust_kept: float = param(0.7, 0, 1, "share", f"{G08} case 01 key learning", "share of the trust drop a full continuity plan prevents")
    continuity_vacancy_cut: float = param(0.6, 0, 1, "share", f"{G08} case 01 key learning", "share of the vacancy a full continuity plan removes")


ParamArrays = namedtuple("ParamArrays", field_names(Params))
Own = namedtuple("Own", ["present", "vacancy"])


def init(P: Any, n_reps: int, n_councils: int) -> dict[str, np.ndarray]:
    """Every council starts with its champion in post and no vacancy."""
    return {"present": np.ones((n_reps, n_councils), bool), "vacancy": np.zeros((n_reps, n_councils), np.int64)}


@compiled
def step(s: Any, own: Own, P: Any, q: ParamArrays, m: Month, fx: Effect) -> tuple[float, float, bool, bool]:
    """A champion leaves; trust drops and commitment erodes until a successor arrives.

    Reads key-person dependency, pairwise trust, the arrangement's maturity and the
    continuity plan; changes trust, commitment and the council's vacancy.
    """
    i = m.i
    n = s.active.shape[1]
    if not q.enabled[i]:
        return 0.0, 0.0, False, False
    plan = m.levers[CONTINUITY_PLAN]
    for k in range(n):
        if not s.active[i, k]:
            continue
        exposure = P.council.key_person_dependency[i, k] * (1.0 - q.resilience[i] * s.maturity[i])
        present = own.present[i, k]
        if present and m.draws[0, k] < q.leave_hazard[i]:
            drop = q.trust_drop[i] * exposure * (1.0 - q.continuity_trust_kept[i] * plan)
            for j in range(n):
                if s.pairs[i, k, j]:  # trust breaks down both ways
                    fx.trust[k, j] += drop
                    fx.trust[j, k] += drop
            own.present[i, k] = False
            own.vacancy[i, k] = max(np.int64(np.rint(q.vacancy_months[i] * (1.0 - q.continuity_vacancy_cut[i] * plan))), 0)
            note(fx, 0, k, drop)
        elif not present:
            fx.commitment[k] = q.erosion[i] * exposure
            vacancy = own.vacancy[i, k] - 1
            if vacancy <= 0:
                own.present[i, k] = True
                note(fx, 1, k, 0.0)
            own.vacancy[i, k] = max(vacancy, 0)
    return 0.0, 0.0, False, False
