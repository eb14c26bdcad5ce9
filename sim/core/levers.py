"""Policy levers: one per key learning of Guide 08, two from *Getting IT right* and a communications plan (Guide 08 problem 14).

Each lever has a cost, a start month and a strength (:class:`sim.core.params.LeverParams`).
A lever changes the state its learning targets; the mechanism or process that reads
that state is named in :data:`LEVERS`. This module turns lever parameters into the
strengths in force each month, their costs, and the one lever with a process of its own
(:func:`catch_up`, which the kernel runs each month).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.core.jit import compiled


@dataclass(frozen=True)
class Lever:
    """A lever: what it does, where it comes from and its default costs."""

    name: str
    source: str
    learning: str
    targets: str
    cost_upfront: float
    cost_per_year: float


LEVERS: tuple[Lever, ...] = (
    Lever(
        "continuity_plan",
        "Guide 08 case 01",
        "assess the risk of dependence on key people and keep a business continuity plan for their loss",
        "case 01: less of the trust between individuals goes with a departing champion, and a successor takes up the role sooner",
        0.02,
        0.01,
    ),
    Lever(
        "agreed_decision_process",
        "Guide 08 case 02",
        "agree the decision process (timescale, approval level) in advance; watch for warning signals such as a change of decision-maker or repeated slippage",
        "case 02: concerns are voiced at the start and settled; meetings come sooner; a council whose chief executive is leaving involves the"
        " successor or the decision is re-timed to the successor's arrival; after repeated slippage the process escalates",
        0.03,
        0.0,
    ),
    Lever(
        "open_motivations",
        "Guide 08 case 03",
        "be open about motivations, drivers and no-go areas from the start; a significant mismatch calls for a more cautious approach",
        "case 03: a change is easier to quantify (less unsettling); where the mismatch is large, the partners share IT only, within known no-go areas",
        0.02,
        0.0,
    ),
    Lever(
        "commercial_capability",
        "Guide 08 case 04",
        "a trading company needs to trade: a sound commercial model, leadership and business capability",
        "cases 04 and 05: commercial capability of the service (less stagnation, a better chance of winning partners and outside business)",
        0.1,
        0.15,
    ),
    Lever(
        "market_testing",
        "Guide 08 case 05",
        "market testing and due diligence of the commercial model and its business risk before going commercial",
        "case 05: information, not customers: a venture whose guaranteed base cannot carry it does not go commercial; "
        "one that falls short is sized to its base",
        0.08,
        0.0,
    ),
    Lever(
        "staged_scope",
        "Guide 08 case 06",
        "agree target service priorities in advance; recognise that each stage may need to be sustainable on its own",
        "case 06: concerns about deeper sharing are settled before the stage begins; a council that comes to see the "
        "deeper stage as not worth it halts it instead of leaving",
        0.03,
        0.0,
    ),
    Lever(
        "reputation_first",
        "Guide 08 case 07",
        "build reputation through good service first; rebrand only when mature, and avoid the wrong outcome",
        "case 07: the rebrand waits for the service to mature, and keeps a public-service identity",
        0.02,
        0.0,
    ),
    Lever(
        "it_harmonisation_first",
        "Getting IT right (audit, standardise, single IT strategy, strong IT lead early)",
        "audit licences, hardware and contracts, agree a single IT strategy, involve a strong IT lead early",
        "laggards' IT maturity catches up with the leader; harmonisation runs faster (case 04 gaps close)",
        0.15,
        0.05,
    ),
    Lever(
        "neutral_cloud_platform",
        "Getting IT right (use the cloud)",
        "a neutral, scalable cloud platform avoids the battle over whose systems to use",
        "legacy IT and outsourcing lock-in slow harmonisation less",
        0.1,
        0.08,
    ),
    Lever(
        "communications_plan",
        "Guide 08 problem 14",
        "communicate with staff and users so that worries do not grow",
        "communications quality: smaller goodwill shocks (case 07), less disruption during integration, faster trust recovery",
        0.01,
        0.02,
    ),
)

NAMES: tuple[str, ...] = tuple(lever.name for lever in LEVERS)


# Index of each lever in :data:`NAMES` (and in the strengths the compiled kernel passes around).
CONTINUITY_PLAN = NAMES.index("continuity_plan")
AGREED_DECISION_PROCESS = NAMES.index("agreed_decision_process")
OPEN_MOTIVATIONS = NAMES.index("open_motivations")
COMMERCIAL_CAPABILITY = NAMES.index("commercial_capability")
MARKET_TESTING = NAMES.index("market_testing")
STAGED_SCOPE = NAMES.index("staged_scope")
REPUTATION_FIRST = NAMES.index("reputation_first")
IT_HARMONISATION_FIRST = NAMES.index("it_harmonisation_first")
NEUTRAL_CLOUD_PLATFORM = NAMES.index("neutral_cloud_platform")
COMMUNICATIONS_PLAN = NAMES.index("communications_plan")


@compiled
def in_force(P: Any, i: int, month: int, out: np.ndarray) -> None:
    """Strength ``out[l]`` of every lever in force at ``month`` in row ``i`` (0 where off or not started)."""
    for lever in range(out.shape[0]):
        p = P.lever[i, lever]
        out[lever] = p.strength if p.enabled and month >= p.start_month else 0.0


@compiled
def cost(P: Any, i: int, month: int) -> float:
    """Cost (GBP m) of all enabled levers in ``month`` in row ``i``."""
    total = 0.0
    for lever in range(P.lever.shape[1]):
        p = P.lever[i, lever]
        if p.enabled and month >= p.start_month:
            total += p.cost_per_year / 12.0 + (p.cost_upfront if month == p.start_month else 0.0)
    return total


@compiled
def catch_up(s: Any, i: int, rate: float, strength: float) -> None:
    """Laggards close part of their IT-maturity gap to the most mature partner (row ``i``, launched).

    The ``it_harmonisation_first`` lever's own process (*Getting IT right*: audit,
    standardise, a single IT strategy): it changes IT maturity, the state case 04 reads.
    """
    c = s.council[i]
    leader = c[0].it_maturity * c[0].active
    for k in range(1, c.shape[0]):
        leader = max(leader, c[k].it_maturity * c[k].active)
    for k in range(c.shape[0]):
        if c[k].active:
            c[k].it_maturity = c[k].it_maturity + (rate * strength) * max(leader - c[k].it_maturity, 0.0)
