"""Case 01, over-dependency on key personnel (Guide 08).

A champion (a political or executive sponsor, or a specialist in technology, contracts or
negotiation) can leave at any time. The trust built between individuals then drops, and
the council's commitment keeps eroding while the post is empty; a mature, bedded-in arrangement is usually
resilient, so the blow shrinks as the partnership matures. Key learning: assess the
risk and keep a continuity plan for the loss of key people (lever ``continuity_plan``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.mechanisms.base import Arrays, Effect, Events, MechanismParams, Month
from sim.params import ASSUMPTION, G08, param
from sim.state import State

NAME = "case01"
CAUSE = "case01_key_person"
CASE = "01"
TITLE = "Over-dependency on key personnel"
STREAMS = ("case01.leave",)


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


def init(P: Arrays, n_reps: int, n_councils: int) -> dict[str, np.ndarray]:
    """Every council starts with its champion in post and no vacancy."""
    return {"present": np.ones((n_reps, n_councils), bool), "vacancy": np.zeros((n_reps, n_councils), np.int64)}


def step(s: State, P: Arrays, m: Month) -> Effect:
    """A champion leaves; trust drops and commitment erodes until a successor arrives.

    Reads key-person dependency, pairwise trust, the arrangement's maturity and the
    continuity plan; changes trust, commitment and the council's vacancy.
    """
    q = P.mech.case01
    own = s.mech[NAME]
    live = (s.active & s.running[:, None]) & q.enabled[:, None]
    plan = m.levers["continuity_plan"][:, None]
    exposure = P.council.key_person_dependency * (1.0 - q.resilience[:, None] * s.maturity[:, None])

    leaves = live & own["present"] & (m.draws["case01.leave"] < q.leave_hazard[:, None])
    drop = np.where(leaves, q.trust_drop[:, None] * exposure * (1.0 - q.continuity_trust_kept[:, None] * plan), 0.0)
    pairs = s.pairs
    trust = np.where(pairs, drop[:, :, None] + drop[:, None, :], 0.0)

    vacant = live & ~own["present"]
    erosion = np.where(vacant, q.erosion[:, None] * exposure, 0.0)
    vacancy_length = np.rint(q.vacancy_months[:, None] * (1.0 - q.continuity_vacancy_cut[:, None] * plan)).astype(np.int64)
    vacancy = np.where(leaves, vacancy_length, np.where(vacant, own["vacancy"] - 1, own["vacancy"]))
    arrives = vacant & (vacancy <= 0)
    present = (own["present"] & ~leaves) | arrives
    return Effect(
        commitment=erosion,
        trust=trust,
        own={"present": present, "vacancy": np.maximum(vacancy, 0)},
        events=[Events("its champion left", leaves, drop), Events("a new champion took up post", arrives, np.zeros_like(drop))],
    )
