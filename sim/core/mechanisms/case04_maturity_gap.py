"""Case 04, the local authority trading company (Guide 08).

A council's trading company is joined early on by a second council. Once the second
council is in, the gap in IT maturity and investment between them, together with a
different appetite for risk, makes rationalising the IT estate hard (savings leak while
the estate is unharmonised) and the risk-and-reward model contested (both see a poorer fit);
the council further ahead will not be held back by the one that under-invested (its trust in
that laggard erodes, and the partnership fits it less). An immature estate, whoever owns it,
delivers less. A trading company whose team lacks commercial skills or incentives
stagnates: its IT grows unresponsive (the service each council receives suffers) and
expensive (costs rise), and the savings do not come; and the new partners the company hoped
to win, a chance that grows with its commercial success, never come, so the shareholders'
hopes of growth go unmet. Key learning: a trading company needs to trade, with a sound
commercial model and leadership (lever ``commercial_capability``); *Getting IT right* adds:
harmonise IT first (lever ``it_harmonisation_first``).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import Any

import numpy as np

from sim.core.contract import Effect, Event, Mechanism, MechanismParams, Month, Own, OwnState, Reading, charge, lifted, note, take_savings
from sim.core.declare import G08, GIR, param, uniform
from sim.core.jit import compiled
from sim.core.levers import COMMERCIAL_CAPABILITY
from sim.core.params import GOVERNANCE
from sim.core.state import StateArrays, launched, months_since_launch

CASE = f"{G08} case 04"
TRADING_COMPANY = GOVERNANCE.index("trading_company")


@dataclass
class Params(MechanismParams):
    """Case 04 parameters."""

    join_months: float = param(
        6,
        0,
        120,
        "months after launch",
        "when the gap between the partners comes to light (a trading company's second council joins early on)",
        concept=f"{CASE} (early on, a second neighbouring council joined)",
        integer=True,
        prior=uniform(0, 18),
        reason="the gap shows within the first year or so, once the partners try to rationalise their estates",
    )
    frustration: float = param(
        0.6,
        0,
        2,
        "share",
        "fit the more mature council loses, per unit of maturity gap, while the estate is unharmonised",
        concept=f"{CASE} (the council further ahead did not want to be held back)",
        prior=uniform(0.3, 1.0),
    )
    trust_erosion: float = param(
        0.02,
        0,
        1,
        "trust per month",
        "trust the more mature council loses each month in a laggard one full unit behind, estate unharmonised",
        concept=f"{CASE} (held back by a council that had under-invested)",
        prior=uniform(0.01, 0.04),
    )
    contest: float = param(
        0.4,
        0,
        2,
        "share",
        "fit each council loses per unit of gap in risk appetite while the risk-and-reward model is unsettled (estate unharmonised)",
        concept=f"{CASE} (agreeing a suitable risk and reward model); problem 13",
        prior=uniform(0.2, 0.8),
    )
    gap_savings_loss: float = param(
        0.6,
        0,
        1,
        "share of savings",
        "share of savings lost to the widest gap while the estate is unharmonised",
        concept=f"{CASE}; {GIR} (harmonise, simplify, standardise)",
        prior=uniform(0.3, 0.9),
    )
    risk_gap_weight: float = param(
        0.5,
        0,
        1,
        "share",
        "how much a full gap in risk appetite widens the effect of the IT gap",
        concept=f"{CASE} (a very different appetite for risk)",
        prior=uniform(0.25, 0.75),
    )
    immaturity_loss: float = param(
        0.3,
        0,
        1,
        "share of savings",
        "share of savings an entirely immature estate (maturity 0) cannot deliver while unharmonised",
        concept=f"{CASE} (existing IT maturity and investment level); {GIR}",
        prior=uniform(0.1, 0.5),
    )
    stagnation: float = param(
        0.45,
        0,
        1,
        "share",
        "share of savings, and of the service's responsiveness, a trading company with no commercial capability loses once stagnant",
        concept=f"{CASE} (stagnation and complacency)",
        prior=uniform(0.25, 0.65),
    )
    stagnation_months: float = param(
        36, 1, 240, "months", "months after launch for a trading company to stagnate fully", concept=CASE, integer=True, prior=uniform(18, 60)
    )
    cost_rise: float = param(
        0.2,
        0,
        2,
        "share of promised savings",
        "extra running cost of a fully stagnant company, as a share of the promised savings",
        concept=f"{CASE} (IT solutions became unresponsive and expensive)",
        prior=uniform(0.05, 0.4),
    )
    win_rate: float = param(
        0.02,
        0,
        1,
        "per month",
        "monthly chance a trading company with full commercial capability wins a new partner council",
        concept=f"{CASE} (hopes of bringing many new partners into the fold)",
        prior=uniform(0.005, 0.05),
    )
    growth_hope: float = param(
        0.3,
        0,
        2,
        "share",
        "fit a shareholder council loses when, three years on, the hoped-for new partners have not come",
        concept=f"{CASE} (the initial enthusiasm and hopes were never fulfilled)",
        prior=uniform(0.1, 0.6),
    )


class Stream(IntEnum):
    """Random streams."""

    WIN = 0


class Ev(IntEnum):
    """Kinds of event."""

    HELD_BACK = 0
    GAP_FOUND = 1
    WON_PARTNER = 2


@compiled
def gap(s: StateArrays, P: Any, q: Any, i: int, k: int, j: int) -> float:
    """How far council k is ahead of council j in row ``i``, widened by their risk-appetite gap (0 unless both are in)."""
    widen = 1.0 - q.risk_gap_weight * (1.0 - abs(P.council[i, k].risk_appetite - P.council[i, j].risk_appetite))
    return max(s.council[i, k].it_maturity - s.council[i, j].it_maturity, 0.0) * widen * s.pairs[i, k, j]


@compiled
def step(s: StateArrays, P: Any, m: Month, q: Any, own: Own, fx: Effect) -> None:
    """Once the gap is known: the leader is held back, the risk-and-reward model is contested, savings leak.

    A trading company may stagnate, cost more and fail to grow.

    Reads pairwise IT-maturity and risk-appetite gaps, IT maturity, harmonisation
    progress, governance form and commercial capability; changes trust, savings, costs
    and the value (fit and service) each council sees.
    """
    i, t = m.i, m.t
    n = s.council.shape[1]
    if not (q.enabled and launched(s, i)):
        return
    since = months_since_launch(s, i, t)
    mine = own.partnership[i]
    if since < q.join_months:
        return
    unharmonised = 1.0 - s.partnership[i].harmonisation
    d = P.decisions[i]
    if not mine.found:
        mine.found = True
        for k in range(n):
            if s.council[i, k].active:
                note(fx, Ev.GAP_FOUND, k, 0.0)
    widest, maturity, count = 0.0, 0.0, 0.0
    for k in range(n):
        c = s.council[i, k]
        if not c.active:
            continue
        maturity += c.it_maturity
        count += 1.0
        held_back, laggard, behind, risk_gap = 0.0, -1, 0.0, 0.0
        for j in range(n):
            g = gap(s, P, q, i, k, j)
            if g > behind:
                laggard, behind = j, g  # the partner holding council k back most
            widest = max(widest, g)
            fx.trust[k, j] = q.trust_erosion * g * unharmonised
            held_back += fx.trust[k, j]
            if s.pairs[i, k, j]:
                risk_gap = max(risk_gap, abs(P.council[i, k].risk_appetite - P.council[i, j].risk_appetite))
        fx.value[k] = d.weight_fit * min((q.frustration * behind + q.contest * risk_gap) * unharmonised, 1.0)
        if held_back > 0.005:
            note(fx, Ev.HELD_BACK, k, held_back, laggard)
    immature = 1.0 - (maturity / count if count > 0 else 1.0)
    leak = 1.0 - (1.0 - q.gap_savings_loss * widest * unharmonised) * (1.0 - q.immaturity_loss * immature * unharmonised)
    if P.partnership[i].governance == TRADING_COMPANY:
        capability = lifted(P.partnership[i].commercial_capability, m.levers[COMMERCIAL_CAPABILITY])
        stagnant = q.stagnation * (1.0 - capability) * min(max((since - q.join_months) / q.stagnation_months, 0.0), 1.0)
        leak = 1.0 - (1.0 - leak) * (1.0 - stagnant)
        charge(fx, q.cost_rise * stagnant * P.partnership[i].promised_savings / 12.0)
        if not mine.won and m.draws[Stream.WIN, 0] < q.win_rate * capability * (1.0 - stagnant / max(q.stagnation, 1e-9)):
            mine.won = True
            for k in range(n):
                if s.council[i, k].active:
                    note(fx, Ev.WON_PARTNER, k, capability)
        hope = 0.0 if mine.won else q.growth_hope * min((since - q.join_months) / 36.0, 1.0)
        for k in range(n):
            if s.council[i, k].active:
                fx.value[k] += d.weight_service * stagnant + d.weight_fit * hope
    take_savings(fx, leak)


MECHANISM = Mechanism(
    name="case04",
    cause="case04_maturity_gap",
    case="04",
    title="Maturity gap and no commercial edge",
    params=Params,
    step=step,
    value=(
        "a maturity gap holds the leader back and leaks savings; a contested risk-and-reward model and a stagnant company spoil fit and service and raise costs"
    ),
    streams=Stream,
    events={
        Ev.HELD_BACK: Event(
            "felt held back by a less mature partner",
            Reading(
                "on a 0-1 scale, its trust in its partners fell by {size:.2f}",
                naming="most by {partner}: on a 0-1 scale, its trust in its partners fell by {size:.2f}",
                several="on a 0-1 scale, the trust each has in its partners fell by {size:.2f}",
                several_naming="most by {partner}: on a 0-1 scale, the trust each has in its partners fell by {size:.2f}",
            ),
        ),
        Ev.GAP_FOUND: Event("a gap in IT maturity, investment and appetite for risk came to light"),
        Ev.WON_PARTNER: Event("the trading company won a new partner council"),
    },
    reads=("it_maturity", "risk_appetite", "active", "harmonisation", "governance", "commercial_capability", "promised_savings"),
    takes_trust=True,
    own=OwnState(partnership={"found": (np.bool_, False), "won": (np.bool_, False)}),
)
