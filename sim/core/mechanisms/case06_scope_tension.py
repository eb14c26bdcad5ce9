"""Case 06, a district and a county council (Guide 08).

Simple IT sharing, run by the heads of IT under an MOU and politically low-key, works.
Then deeper sharing beyond IT is proposed and each council decides. Deeper integration is
more sensitive: it brings in members, executive officers and non-IT service heads on both
sides, with their concerns about sovereignty and about whose service priorities prevail;
the smaller partner fears its identity and priorities will be subsumed by the larger one,
the larger one that its own priorities will be diluted; and where the councils' aims differ,
either fears its service priorities will be displaced by its partner's. A council with strong concerns
rejects the deepening (the proposal falls, and the IT sharing carries on). If both accept,
the tensions between the teams take fit, service and trust on both sides for as long as
the deeper stage lasts, and can unpick even the IT sharing (through the councils' decisions). Yet
such an arrangement can work well when these issues are settled openly and in advance.
Key learning: agree target service priorities in advance, and make each stage sustainable
on its own, so the journey can halt without breaking what works (lever ``staged_scope``:
concerns are settled before the stage begins; a council that comes to see the deeper
stage as not worth it halts it instead of leaving; each is an event where staged scope made
the difference).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from sim.core.contract import Effect, Event, Mechanism, MechanismParams, Month, Own, Reading, note, open_decision
from sim.core.decisions import logistic, net_value
from sim.core.declare import G08, param, uniform
from sim.core.jit import compiled
from sim.core.levers import STAGED_SCOPE
from sim.core.state import EXPANSION, OPERATING, StateArrays, launched, months_since_launch
from sim.core.triggers import Trigger

CASE = f"{G08} case 06"


@dataclass
class Params(MechanismParams):
    """Case 06 parameters."""

    acceptance: float = param(
        1.5, -10, 10, "log-odds", "log-odds that a council with no concern accepts deeper sharing", concept=f"{CASE} (wider ambitions)", prior=uniform(0.5, 2.5)
    )
    reluctance: float = param(
        4.0,
        0,
        20,
        "log-odds per unit",
        "how much a council's concern about deeper sharing lowers the log-odds of accepting it",
        concept=f"{CASE} (members' and executive officers' concerns)",
        prior=uniform(2.0, 6.0),
    )
    tension: float = param(
        1.5,
        0,
        5,
        "share",
        "fit and service a council loses per unit of concern while the deeper stage lasts (as a share of those components of value)",
        concept=f"{CASE} (tensions between the county and district teams)",
        prior=uniform(0.75, 2.5),
    )
    priorities: float = param(
        0.5,
        0,
        2,
        "concern per unit",
        "concern a council feels, per unit of difference between its aims and a partner's, that its service priorities will be displaced"
        " once other services are integrated",
        concept=f"{CASE} (displacement of service priorities; tensions between the non-IT service heads)",
        prior=uniform(0.0, 1.0),
    )
    trust_loss: float = param(
        0.03,
        0,
        1,
        "trust per month",
        "trust lost each month between two partners per unit of their concerns during the deeper stage",
        concept=f"{CASE} (tensions between the teams)",
        prior=uniform(0.01, 0.05),
    )
    settled: float = param(
        0.7,
        0,
        1,
        "share",
        "share of the concerns settled openly in advance by agreeing target service priorities (full lever)",
        concept=f"{CASE} key learning (agree target service priorities in advance)",
        prior=uniform(0.4, 0.9),
    )


class Stream(IntEnum):
    """Random streams."""

    ACCEPT = 0


class Ev(IntEnum):
    """Kinds of event."""

    PROPOSED = 0
    SETTLED = 1
    REJECTED = 2
    DEEPENED = 3
    FEARED = 4
    HALTED = 5


@compiled
def concern(s: StateArrays, P: Any, q: Any, i: int, k: int) -> tuple[float, int]:
    """Council k's concern about deeper sharing, 0 .. 1, and the partner it concerns most.

    Two concerns about each partner, combined as independent ones (``1 - (1 - a)(1 - b)``):
    sovereignty, where a smaller council fears being subsumed by a larger one (its sovereignty
    concern times how much larger the partner is) and a larger one that its own priorities
    will be diluted (its sovereignty concern times how much smaller the partner is, half as
    strongly); and service priorities, which either fears the partner's will displace in
    proportion to how far apart their aims are (``priorities`` times the difference).
    """
    most, partner = 0.0, -1
    own_size = P.council[i, k].size
    sovereignty, aims = s.council[i, k].sovereignty, s.council[i, k].orientation
    for j in range(s.council.shape[1]):
        if not s.pairs[i, k, j]:
            continue
        other = P.council[i, j].size
        asymmetry = max(1.0 - own_size / other, 0.0) if other > own_size else 0.5 * max(1.0 - other / own_size, 0.0)
        displaced = min(q.priorities * abs(aims - s.council[i, j].orientation), 1.0)
        worry = 1.0 - (1.0 - sovereignty * asymmetry) * (1.0 - displaced)
        if worry > most:
            most, partner = worry, j
    return most, partner


@compiled
def unsettled(s: StateArrays, P: Any, q: Any, i: int, k: int, staged: float) -> tuple[float, float, int]:
    """Council k's :func:`concern` less the share settled openly in advance (``settled`` at the staged-scope lever's strength
    ``staged``), that share, and the partner the concern is about."""
    whole, partner = concern(s, P, q, i, k)
    worry = whole * (1.0 - q.settled * staged)
    return worry, whole - worry, partner


@compiled
def step(s: StateArrays, P: Any, m: Month, q: Any, own: Own, fx: Effect) -> None:
    """Propose deeper sharing when planned; each council accepts or rejects; during the deeper stage tensions take fit and trust; with staged scope it may halt.

    Reads the proposal month, size asymmetry, sovereignty concern, the councils' aims, the partnership's
    agreement to share IT only, and staged scope; changes the scope of sharing, trust, the
    value (fit) each council sees and the decisions the proposal opens.
    """
    i, t = m.i, m.t
    n = s.council.shape[1]
    p = s.partnership[i]
    if not (q.enabled and launched(s, i)):
        return
    staged = m.levers[STAGED_SCOPE]
    since = months_since_launch(s, i, t)
    planned = P.partnership[i].deepening_month
    if planned >= 0 and since == planned and p.scope == 0 and not p.it_only:
        accepted = True
        for k in range(n):
            if not s.council[i, k].active:
                continue
            worry, settled, partner = unsettled(s, P, q, i, k, staged)
            note(fx, Ev.PROPOSED, k, worry, partner)
            if settled > 0.0:  # staged scope settled part of the concern before the stage began
                note(fx, Ev.SETTLED, k, settled)
            open_decision(fx, k, Trigger.DEEPENING_PROPOSAL)
            if not m.draws[Stream.ACCEPT, k] < logistic(q.acceptance - q.reluctance * worry):
                accepted = False
                note(fx, Ev.REJECTED, k, worry, partner)
        if accepted:
            p.scope = 1
            p.deepened = True
            if p.phase == OPERATING:  # accepted during integration: the phase turns to expansion when integration ends
                p.phase = EXPANSION
            for k in range(n):
                if s.council[i, k].active:
                    note(fx, Ev.DEEPENED, k, 0.0)
        return
    if p.scope != 1:
        return
    spoilt = P.decisions[i].weight_fit + P.decisions[i].weight_service
    halt = False
    for k in range(n):
        if not s.council[i, k].active:
            continue
        worry, _, partner = unsettled(s, P, q, i, k, staged)
        fx.value[k] = spoilt * min(q.tension * worry, 1.0)
        for j in range(n):
            if s.pairs[i, k, j]:
                fx.trust[k, j] += q.trust_loss * worry
        if worry > 0.05:
            note(fx, Ev.FEARED, k, fx.value[k], partner)
        halt = halt or (staged > 0 and net_value(s, P, i, k, t) < 0.0)
    if halt:  # the deeper stage halts; the IT sharing carries on in its own right
        p.scope = 0
        if p.phase == EXPANSION:  # halted during integration: integration runs on
            p.phase = OPERATING
        for k in range(n):
            if s.council[i, k].active:
                note(fx, Ev.HALTED, k, 0.0)


MECHANISM = Mechanism(
    name="case06",
    cause="case06_scope_tension",
    case="06",
    title="Deeper sharing unpicks the IT sharing",
    params=Params,
    step=step,
    value="during a deeper stage of sharing, tensions over sovereignty and service priorities take fit and trust on both sides",
    opens=(Trigger.DEEPENING_PROPOSAL,),
    streams=Stream,
    events={
        Ev.PROPOSED: Event(
            "deeper sharing beyond IT was proposed",
            Reading(
                "its concern about sovereignty and service priorities is {size:level}",
                naming="its concern about sovereignty and service priorities, most about {partner}, is {size:level}",
                adds_up=False,
                several="the concern each has about sovereignty and service priorities is {size:level}",
                several_naming="the concern each has about sovereignty and service priorities, most about {partner}, is {size:level}",
            ),
        ),
        Ev.SETTLED: Event(
            "agreed target service priorities before the deeper stage began, settling part of its concern",
            Reading(
                "on a 0-1 scale, this took {size:.2f} off its concern",
                adds_up=False,
                several="on a 0-1 scale, this took {size:.2f} off the concern each has",
            ),
            several="agreed target service priorities before the deeper stage began, settling part of their concerns",
        ),
        Ev.REJECTED: Event(
            "rejected the deeper sharing; the IT sharing carries on",
            Reading(
                "its concern about sovereignty and service priorities was {size:level}",
                adds_up=False,
                several="the concern each had about sovereignty and service priorities was {size:level}",
            ),
        ),
        Ev.DEEPENED: Event("sharing deepened beyond IT into other services"),
        Ev.FEARED: Event(
            "tensions over sovereignty and service priorities",
            Reading(
                "this takes {size:.2f} of the promise from the value it sees",
                naming="most with {partner}; this takes {size:.2f} of the promise from the value it sees",
                adds_up=False,
                several="this takes {size:.2f} of the promise from the value each sees",
                several_naming="most with {partner}; this takes {size:.2f} of the promise from the value each sees",
            ),
        ),
        Ev.HALTED: Event("deeper sharing halted; the IT sharing carries on alone"),
    },
    reads=("size", "sovereignty", "orientation", "active", "deepening_month", "scope", "it_only", "phase"),
    takes_trust=True,
    shares=("scope", "deepened", "phase"),
)
