"""Case 05, a commercial experiment (Guide 08).

A shared service set up as a commercial venture needs enough guaranteed business for long
enough to get established. Each council guarantees some of its own business, for its own
period (the guarantee belongs to the authority that gave it); after its guarantee ends it
keeps buying only part of it. Outside business grows with the venture's commercial
capability, more slowly the more its revenue depends on one customer ("all your eggs in one
basket"), with demand that goes up and down; a venture that cannot scale stays small.
Revenue below break-even eats the venture's reserves, and the partners cover part of the
loss (their savings fall, and they worry); when the reserves are gone the venture is
unsustainable and the partnership collapses. Its trigger is what started the losses, or the
latest event that deepened them: the end of a council's guarantee, the loss of a customer, or
neither (a base below break-even, thin or falling outside demand: a revenue shortfall). Key
learning: do not move quickly to a commercial model without rigour in market testing and due
diligence (lever ``market_testing``): testing produces information, never customers; a tested
venture whose guaranteed base cannot carry it does not go commercial, and one whose base falls
short is sized to it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import Any

import numpy as np

from sim.core.contract import (
    Effect,
    Event,
    Mechanism,
    MechanismParams,
    Month,
    Own,
    OwnState,
    Reading,
    end_partnership,
    lifted,
    note,
    open_decision,
    take_savings,
)
from sim.core.declare import G08, param, uniform
from sim.core.jit import compiled
from sim.core.levers import COMMERCIAL_CAPABILITY, MARKET_TESTING
from sim.core.params import GOVERNANCE
from sim.core.state import StateArrays, launched, months_since_launch
from sim.core.triggers import Trigger

CASE = f"{G08} case 05"
VENTURE = GOVERNANCE.index("commercial_venture")


@dataclass
class Params(MechanismParams):
    """Case 05 parameters."""

    reserve_months: float = param(
        12, 0, 120, "months of full deficit", "reserves the venture starts with, in months of running at no revenue at all", concept=CASE, prior=uniform(6, 24)
    )
    market_growth: float = param(
        0.012,
        0,
        1,
        "share of break-even per month",
        "monthly growth of outside business at full commercial capability and no concentration",
        concept=f"{CASE} (the inability to grow)",
        prior=uniform(0.004, 0.02),
    )
    market_noise: float = param(
        0.08, 0, 1, "share of break-even", "month-to-month spread of outside demand", concept=f"{CASE} (business risk)", prior=uniform(0.03, 0.15)
    )
    market_cap: float = param(
        1.5,
        0,
        5,
        "share of break-even",
        "most outside business a venture that can scale can win",
        concept=f"{CASE} (the inability to scale)",
        prior=uniform(0.8, 2.0),
    )
    scale_chance: float = param(
        0.5,
        0,
        1,
        "probability",
        "chance the venture can scale at all (else its outside business stays small)",
        concept=f"{CASE} (the inability to scale)",
        prior=uniform(0.2, 0.8),
    )
    small_cap: float = param(
        0.3,
        0,
        5,
        "share of break-even",
        "most outside business a venture that cannot scale wins",
        concept=f"{CASE} (the inability to scale)",
        prior=uniform(0.1, 0.5),
    )
    retention: float = param(
        0.75,
        0,
        1,
        "share",
        "share of its guaranteed business a council keeps buying after its guarantee ends",
        concept=f"{CASE} (not enough business for long enough)",
        prior=uniform(0.5, 0.95),
    )
    deficit_cost: float = param(
        0.8, 0, 2, "share of savings per unit of deficit", "savings the partners lose covering the venture's deficit", concept=CASE, prior=uniform(0.4, 1.0)
    )
    anxiety: float = param(0.5, 0, 2, "share", "fit the partners lose at a full deficit (worry about the venture)", concept=CASE, prior=uniform(0.2, 1.0))
    no_go: float = param(
        0.6,
        0,
        2,
        "share of break-even",
        "expected revenue after the guarantees below which a tested venture does not go commercial",
        concept=f"{CASE} key learning (market testing and due diligence)",
        prior=uniform(0.4, 0.8),
    )
    sizing: float = param(
        0.7,
        0,
        1,
        "share",
        "share of the shortfall of its expected revenue that a tested venture removes by sizing its costs to its guaranteed base",
        concept=f"{CASE} key learning (due diligence of the commercial model)",
        prior=uniform(0.4, 0.9),
    )


class Stream(IntEnum):
    """Random streams."""

    DEMAND = 0
    SCALE = 1
    TEST = 2


class Ev(IntEnum):
    """Kinds of event."""

    GUARANTEE_ENDED = 0
    LOSSES = 1
    UNSUSTAINABLE = 2
    NOT_COMMERCIAL = 3
    SIZED = 4


@compiled
def guaranteed(s: StateArrays, P: Any, q: Any, i: int, t: int) -> float:
    """Revenue from the partners' own business this month, as a share of break-even: each council's guarantee while it lasts, then the share it keeps."""
    since = months_since_launch(s, i, t)
    revenue, total = 0.0, 0.0
    for k in range(s.council.shape[1]):
        c = P.council[i, k]
        total += c.size
        if s.council[i, k].active:
            revenue += c.size * c.guarantee * (1.0 if since < c.guarantee_months else q.retention)
    return revenue / total if total > 0 else 0.0


@compiled
def expected_after(s: StateArrays, P: Any, q: Any, i: int) -> float:
    """What market testing shows: revenue once every guarantee has ended, with the outside business it can expect to win."""
    revenue, total = 0.0, 0.0
    for k in range(s.council.shape[1]):
        c = P.council[i, k]
        total += c.size
        revenue += c.size * c.guarantee * q.retention
    return (revenue / total if total > 0 else 0.0) + P.partnership[i].market_volume


@compiled
def step(s: StateArrays, P: Any, m: Month, q: Any, own: Own, fx: Effect) -> None:
    """Test the model (with the lever), grow outside business, run down reserves below break-even, and declare the venture unsustainable when they are gone.

    Reads governance form, each council's guarantee and its length, sizes, commercial
    capability, outside demand and market testing; changes savings, the value (fit) the
    partners see, the decisions the end of a guarantee opens, and solvency.
    """
    i, t = m.i, m.t
    n = s.council.shape[1]
    pp = P.partnership[i]
    if not (q.enabled and pp.governance == VENTURE and launched(s, i)):
        return
    mine = own.partnership[i]
    since = months_since_launch(s, i, t)
    if since == 0:
        mine.commercial = True
        mine.scale = 1.0
        mine.reserve = q.reserve_months
        mine.market = pp.market_volume
        mine.scalable = m.draws[Stream.SCALE, 0] < q.scale_chance
        testing = m.levers[MARKET_TESTING]
        if m.draws[Stream.TEST, 0] < testing:
            expected = expected_after(s, P, q, i)
            sized = 1.0 - q.sizing * (1.0 - expected) if expected < 1.0 else 1.0
            if expected < q.no_go or sized <= 0.0:  # the base cannot carry a venture, or sized to it nothing is left to run
                mine.commercial = False
                for k in range(n):
                    note(fx, Ev.NOT_COMMERCIAL, k, expected)
            elif expected < 1.0:
                mine.scale = sized
                for k in range(n):
                    note(fx, Ev.SIZED, k, mine.scale)
    if not mine.commercial:
        return
    event = -1
    for k in range(n):
        if s.council[i, k].active and P.council[i, k].guarantee > 0 and since == P.council[i, k].guarantee_months:
            note(fx, Ev.GUARANTEE_ENDED, k, P.council[i, k].guarantee)
            open_decision(fx, k, Trigger.END_OF_GUARANTEE)
            event = Trigger.END_OF_GUARANTEE
        if not s.council[i, k].active and s.council[i, k].exit_month == t:
            event = Trigger.LOSS_OF_CUSTOMER
    if event >= 0:
        mine.recent = event
        if mine.losing:
            mine.started = event  # it deepens running losses: the episode's trigger now
    capability = lifted(pp.commercial_capability, m.levers[COMMERCIAL_CAPABILITY])
    inside = guaranteed(s, P, q, i, t)
    concentration = inside / (inside + mine.market) if inside + mine.market > 0 else 1.0
    cap = q.market_cap if mine.scalable else q.small_cap
    shock = q.market_noise * (2.0 * m.draws[Stream.DEMAND, 0] - 1.0) * 1.7320508075688772  # uniform with this spread
    mine.market = min(max(mine.market + q.market_growth * capability * (1.0 - concentration) + shock * 0.1, 0.0), cap)
    revenue = inside + mine.market + shock
    deficit = min(max(mine.scale - revenue, 0.0) / mine.scale, 1.0)
    if deficit > 0 and not mine.losing:
        mine.losing = True
        mine.started = mine.recent if mine.recent >= 0 else Trigger.REVENUE_SHORTFALL
        for k in range(n):
            if s.council[i, k].active:
                note(fx, Ev.LOSSES, k, deficit)
    elif deficit == 0 and mine.losing and mine.reserve >= q.reserve_months:
        mine.losing = False  # reserves fully rebuilt: later losses are a new episode
    mine.reserve = min(mine.reserve - deficit + 0.5 * max(revenue - mine.scale, 0.0), q.reserve_months)
    fit = P.decisions[i].weight_fit
    for k in range(n):
        if s.council[i, k].active:
            fx.value[k] = fit * q.anxiety * deficit
    take_savings(fx, min(q.deficit_cost * deficit, 1.0))
    if mine.reserve < 0:
        for k in range(n):
            if s.council[i, k].active:
                note(fx, Ev.UNSUSTAINABLE, k, deficit)
        end_partnership(fx, mine.started)


MECHANISM = Mechanism(
    name="case05",
    cause="case05_commercial_venture",
    case="05",
    title="A commercial experiment without enough guaranteed business",
    params=Params,
    step=step,
    value="a venture below break-even takes the partners' savings and worries them; with its reserves gone it is unsustainable",
    opens=(Trigger.END_OF_GUARANTEE,),
    streams=Stream,
    events={
        Ev.GUARANTEE_ENDED: Event(
            "its guarantee of business to the venture ended",
            Reading("it had guaranteed {size:.0%} of its business", adds_up=False, several="each had guaranteed {size:.0%} of its business"),
            several="their guarantees of business to the venture ended",
        ),
        Ev.LOSSES: Event("the venture began to run below break-even", Reading("the venture's revenue is {size:.0%} short of break-even", adds_up=False)),
        Ev.UNSUSTAINABLE: Event(
            "the venture's reserves ran out: it is unsustainable", Reading("the venture's revenue is {size:.0%} short of break-even", adds_up=False)
        ),
        Ev.NOT_COMMERCIAL: Event(
            "market testing showed the guaranteed base could not carry a venture: it did not go commercial",
            Reading("its revenue was expected to reach only {size:.0%} of break-even", adds_up=False),
        ),
        Ev.SIZED: Event("market testing sized the venture to its guaranteed base", Reading("its costs were set at {size:.0%} of the plan", adds_up=False)),
    },
    reads=("size", "guarantee", "guarantee_months", "active", "exit_month", "market_volume", "commercial_capability", "governance"),
    own=OwnState(
        partnership={
            "commercial": (np.bool_, False),
            "scalable": (np.bool_, False),
            "losing": (np.bool_, False),
            "scale": (np.float64, 1.0),
            "reserve": (np.float64, 0.0),
            "market": (np.float64, 0.0),
            "recent": (np.int64, -1),
            "started": (np.int64, -1),
        }
    ),
)
