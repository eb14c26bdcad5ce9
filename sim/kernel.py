"""The month's order: one implementation of the model, shared by the ensemble and the Mesa model.

Each month, for each replication still running (compiled with numba, one replication at
a time, so a replication's numbers never depend on the batch it runs in):

1. draw every random stream (counter-based, so policies share their shocks);
2. levers in force; their own processes (IT catch-up);
3. exogenous change (elections, chief executives, budget shocks, reorganisation);
4. scheduled transitions (integration ends, sharing deepens);
5. every mechanism, in registry order, against the same state;
6. savings: planned, realised, and the rest booked by cause;
7. commitment and trust: losses booked by cause, then recovery;
8. exits (costs shared out again among those who stay), collapse, shelving, insolvency;
9. at the horizon, survivors are classed as sustained or underperforming.
"""

from __future__ import annotations

import functools
from collections import namedtuple
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from sim import causes, exogenous, levers, rng, savings
from sim.arrays import ParamArrays
from sim.jit import compiled
from sim.mechanisms import MECHANISMS
from sim.mechanisms import case01_key_person as case01
from sim.mechanisms import case02_decision_slippage as case02
from sim.mechanisms import case03_misaligned_aspirations as case03
from sim.mechanisms import case04_maturity_gap as case04
from sim.mechanisms import case05_commercial_venture as case05
from sim.mechanisms import case06_scope_tension as case06
from sim.mechanisms import case07_premature_rebrand as case07
from sim.mechanisms.base import Effect, Month, empty_effect, lifted
from sim.state import (
    COLLAPSED,
    ENDED,
    EXPANSION,
    INTEGRATION,
    OPERATING,
    PROPOSAL,
    RUNNING,
    SHELVED,
    SUSTAINED,
    UNDERPERFORMING,
    State,
    as_arrays,
    launched,
    months_since_launch,
    pair_mask,
)

STREAMS: tuple[str, ...] = exogenous.STREAMS + tuple(s for m in MECHANISMS for s in m.STREAMS)
STREAM_IDS = rng.stream_ids(STREAMS)


def _span(names: tuple[str, ...], before: int) -> tuple[int, int]:
    return before, before + len(names)


# Where each mechanism's draws, events and cause sit (the kernel calls the mechanisms by name, in registry order).
_S01 = _span(case01.STREAMS, len(exogenous.STREAMS))
_S02 = _span(case02.STREAMS, _S01[1])
_S03 = _span(case03.STREAMS, _S02[1])
_S04 = _span(case04.STREAMS, _S03[1])
_S05 = _span(case05.STREAMS, _S04[1])
_S06 = _span(case06.STREAMS, _S05[1])
_S07 = _span(case07.STREAMS, _S06[1])
_E01 = _span(case01.EVENTS, len(exogenous.EVENTS))
_E02 = _span(case02.EVENTS, _E01[1])
_E03 = _span(case03.EVENTS, _E02[1])
_E04 = _span(case04.EVENTS, _E03[1])
_E05 = _span(case05.EVENTS, _E04[1])
_E06 = _span(case06.EVENTS, _E05[1])
_E07 = _span(case07.EVENTS, _E06[1])
_C01, _C02, _C03, _C04, _C05, _C06, _C07 = (causes.INDEX[m.CAUSE] for m in (case01, case02, case03, case04, case05, case06, case07))
_EXO_CAUSES = np.array([causes.INDEX[name] for name in exogenous.CAUSES], np.int64)
N_CAUSES = len(causes.LABELS)
NONE = causes.NONE
MOST_EVENTS = max(len(exogenous.EVENTS), *(len(m.EVENTS) for m in MECHANISMS))

#: Every kind of event, in the order the log lists them: ``(cause, what)``.
EVENT_KINDS: tuple[tuple[str, str], ...] = (
    *((list(exogenous.CAUSES)[c], what) for what, c in exogenous.EVENTS),
    *((m.CAUSE, what) for m in MECHANISMS for what in m.EVENTS),
)
_CASE_OF = {c.label: c.case for c in causes.CAUSES}
if (case01, case02, case03, case04, case05, case06, case07) != MECHANISMS:
    raise ImportError("sim.kernel calls the mechanisms by name: add a new one to _replication_month as well as to MECHANISMS")


@dataclass
class Event:
    """One entry of the event log."""

    rep: int
    month: int
    council: int
    cause: str
    case: str
    what: str
    size: float
    partner: int = -1


def init_state(P: ParamArrays, reps: np.ndarray) -> State:
    """The state at month 0 for replications ``reps``."""
    reps = np.asarray(reps, np.int64)
    n, k = P.council.size.shape
    pp = P.partnership
    active = np.ones((n, k), bool)
    pairs = pair_mask(active)
    trust = np.where(pairs, pp.initial_trust[:, None, None], 0.0)
    return State(
        month=0,
        reps=reps,
        active=active,
        pairs=pairs,
        commitment=np.repeat(pp.initial_commitment[:, None], k, axis=1).astype(float),
        trust=trust,
        it_maturity=P.council.it_maturity.copy(),
        orientation=P.council.orientation.copy(),
        sovereignty=P.council.sovereignty_concern.copy(),
        phase=np.full(n, PROPOSAL, np.int64),
        launch_month=np.full(n, -1, np.int64),
        approval_due=pp.approval_months.copy(),
        scope=np.zeros(n, np.int64),
        harmonisation=np.zeros(n),
        maturity=np.zeros(n),
        outcome=np.full(n, RUNNING, np.int64),
        end_month=np.full(n, -1, np.int64),
        end_cause=np.full(n, causes.NONE, np.int64),
        exit_month=np.full((n, k), -1, np.int64),
        exit_cause=np.full((n, k), causes.NONE, np.int64),
        commitment_lost=np.zeros((len(causes.LABELS), n, k)),
        savings_lost=np.zeros((len(causes.LABELS), n)),
        savings_month=np.zeros(n),
        planned_month=np.zeros(n),
        realised_savings=np.zeros(n),
        business_case=np.zeros(n),
        investment_cost=np.zeros(n),
        lever_cost=np.zeros(n),
        other_cost=np.zeros(n),
        notice=np.zeros((n, k), np.int64),
        mech={m.NAME: m.init(P, n, k) for m in MECHANISMS},
    )


@compiled
def _book(s: Any, i: int, c: int, fx: Effect, result: tuple[float, float, bool, bool], w: Any, events: Any, kinds: tuple[int, int], takes_trust: bool) -> None:
    """Add one cause's effect to the month's books and empty its buffers; record its events as kinds ``kinds[0]`` up to ``kinds[1]``.

    Trust lost is clipped to the trust there is and also costs commitment, booked to the
    same cause. ``takes_trust`` is false for mechanisms that never touch trust (their
    trust buffer stays zero, so it is not read).
    """
    loss, trust_loss, shares, totals, flags, trust_weight = w.loss, w.trust_loss, w.shares, w.totals, w.flags, w.trust_weight
    savings_share, cost, launch, ends = result
    n = fx.commitment.shape[0]
    for k in range(n):
        loss[c, k] += fx.commitment[k]
        fx.commitment[k] = 0.0
        if takes_trust:
            lost = 0.0
            for j in range(n):
                taken = min(fx.trust[k, j] * s.pairs[i, k, j], s.trust[i, k, j])
                fx.trust[k, j] = 0.0
                trust_loss[k, j] += taken
                lost += taken
            loss[c, k] += trust_weight[k] * lost
    shares[c] = min(max(savings_share, 0.0), 1.0)
    totals[0] += cost
    s.savings_lost[c, i] += cost
    if launch:
        flags[0] = 1
    if ends and flags[1] == NONE:
        flags[1] = c
    _record(events, i, fx, kinds)


@compiled
def _record(events: Any, i: int, fx: Effect, kinds: tuple[int, int]) -> None:
    """Move the events in ``fx`` to the month's log as kinds ``kinds[0]`` up to ``kinds[1]`` (when a log is kept)."""
    mask, size, partner = events
    if mask.shape[1] == 0:
        return
    for e in range(kinds[1] - kinds[0]):
        for k in range(fx.event_mask.shape[1]):
            mask[kinds[0] + e, i, k] = fx.event_mask[e, k]
            size[kinds[0] + e, i, k] = fx.event_size[e, k]
            partner[kinds[0] + e, i, k] = fx.event_partner[e, k]
            fx.event_mask[e, k] = False
            fx.event_size[e, k] = 0.0
            fx.event_partner[e, k] = -1


Scratch = namedtuple("Scratch", ["draws", "strengths", "changed", "fx", "exo_loss", "loss", "trust_loss", "shares", "lost", "trust_weight", "totals", "flags"])
Scratch.__doc__ = "Work arrays for one replication's month, made once per number of councils and reused row after row."


@functools.cache
def _scratch(n_councils: int) -> Scratch:
    """Work arrays for a month of K councils (made once per K: each replication's month resets what it uses)."""
    return Scratch(
        np.empty((len(STREAMS), n_councils)),
        np.empty(len(levers.NAMES)),
        np.zeros(n_councils, np.bool_),
        empty_effect(n_councils, MOST_EVENTS),
        np.zeros((len(_EXO_CAUSES), n_councils)),
        np.zeros((N_CAUSES, n_councils)),
        np.zeros((n_councils, n_councils)),
        np.zeros(N_CAUSES),
        np.zeros(N_CAUSES),
        np.zeros(n_councils),
        np.zeros(1),
        np.zeros(2, np.int64),
    )


@compiled
def _month(s: Any, own: tuple, P: Any, t: int, keys: np.ndarray, reps: np.ndarray, events: Any, w: Scratch) -> None:
    """Advance every running replication by one month, in place; fired events go to ``events`` if it has rows."""
    for i in range(s.active.shape[0]):
        if s.outcome[i] == RUNNING:
            _replication_month(s, own, P, i, t, keys, reps[i], events, w)


@compiled
def _whole_runs(s: Any, own: tuple, P: Any, keys: np.ndarray, reps: np.ndarray, events: Any, w: Scratch) -> None:
    """Run every replication from month 0 to its end, one replication at a time.

    ``keys[t]`` holds month t's stream keys. Each replication's arrays stay in the
    processor's cache for all its months, which makes this several times faster than
    advancing all of them month by month; the numbers are the same.
    """
    for i in range(s.active.shape[0]):
        for t in range(keys.shape[0]):
            if s.outcome[i] != RUNNING:
                break
            _replication_month(s, own, P, i, t, keys[t], reps[i], events, w)


@compiled
def _replication_month(s: Any, own: tuple, P: Any, i: int, t: int, keys: np.ndarray, rep: int, events: Any, w: Scratch) -> None:
    """One month of the replication in row ``i`` (which must still be running), in the order the module docstring gives."""
    n = s.active.shape[1]
    draws, strengths, changed, fx = w.draws, w.strengths, w.changed, w.fx
    rng.fill(keys, rep, draws)
    levers.in_force(P, i, t, strengths)
    if launched(s, i):
        levers.catch_up(s, i, P.dynamics.catch_up_rate[i], strengths[levers.IT_HARMONISATION_FIRST])

    changed[:] = False
    w.exo_loss[:] = 0.0
    exogenous.step(s, P, Month(i, t, draws[: len(exogenous.STREAMS)], strengths, changed), w.exo_loss, fx)
    since = _scheduled_transitions(s, P, i, t)

    w.loss[:] = 0.0
    w.trust_loss[:] = 0.0
    w.shares[:] = 0.0
    w.totals[:] = 0.0
    w.flags[0] = 0
    w.flags[1] = NONE
    for k in range(n):
        partners = 0.0
        for j in range(n):
            partners += s.pairs[i, k, j]
        w.trust_weight[k] = P.dynamics.trust_to_commitment[i] / max(partners, 1.0)
    for c in range(len(_EXO_CAUSES)):
        for k in range(n):
            w.loss[_EXO_CAUSES[c], k] += w.exo_loss[c, k]
    _record(events, i, fx, (0, len(exogenous.EVENTS)))

    result = case01.step(s, own[0], P, P.mech.case01, Month(i, t, draws[_S01[0] : _S01[1]], strengths, changed), fx)
    _book(s, i, _C01, fx, result, w, events, _E01, case01.TAKES_TRUST)
    result = case02.step(s, own[1], P, P.mech.case02, Month(i, t, draws[_S02[0] : _S02[1]], strengths, changed), fx)
    _book(s, i, _C02, fx, result, w, events, _E02, case02.TAKES_TRUST)
    result = case03.step(s, own[2], P, P.mech.case03, Month(i, t, draws[_S03[0] : _S03[1]], strengths, changed), fx)
    _book(s, i, _C03, fx, result, w, events, _E03, case03.TAKES_TRUST)
    result = case04.step(s, own[3], P, P.mech.case04, Month(i, t, draws[_S04[0] : _S04[1]], strengths, changed), fx)
    _book(s, i, _C04, fx, result, w, events, _E04, case04.TAKES_TRUST)
    result = case05.step(s, own[4], P, P.mech.case05, Month(i, t, draws[_S05[0] : _S05[1]], strengths, changed), fx)
    _book(s, i, _C05, fx, result, w, events, _E05, case05.TAKES_TRUST)
    result = case06.step(s, own[5], P, P.mech.case06, Month(i, t, draws[_S06[0] : _S06[1]], strengths, changed), fx)
    _book(s, i, _C06, fx, result, w, events, _E06, case06.TAKES_TRUST)
    result = case07.step(s, own[6], P, P.mech.case07, Month(i, t, draws[_S07[0] : _S07[1]], strengths, changed), fx)
    _book(s, i, _C07, fx, result, w, events, _E07, case07.TAKES_TRUST)

    w.lost[:] = 0.0
    _account_savings(s, P, i, t, since, w.shares, w.lost, w.loss)
    s.lever_cost[i] += levers.cost(P, i, t)
    s.other_cost[i] += w.totals[0]
    _update_commitment_and_trust(s, P, i, w.loss, w.trust_loss, strengths)
    if launched(s, i):
        _update_harmonisation_and_maturity(s, P, i, t, strengths)
    if w.flags[0] and s.phase[i] == PROPOSAL:
        s.phase[i] = INTEGRATION
    if w.flags[0] and s.launch_month[i] < 0:
        s.launch_month[i] = t + 1
    _exits_and_endings(s, P, i, t, w.flags[1])
    _finish_at_horizon(s, P, i, t + 1)


@compiled
def _scheduled_transitions(s: Any, P: Any, i: int, t: int) -> int:
    """Integration ends and sharing deepens when planned; returns the full months since launch (-1 before)."""
    pp = P.partnership
    since = months_since_launch(s, i, t)
    if s.phase[i] == INTEGRATION and since >= pp.integration_months[i]:
        s.phase[i] = OPERATING
    if launched(s, i) and pp.expansion_month[i] >= 0 and since == pp.expansion_month[i] and s.scope[i] == 0:
        s.scope[i] = 1
        s.phase[i] = EXPANSION
    return since


@compiled
def _account_savings(s: Any, P: Any, i: int, t: int, since: int, shares: np.ndarray, lost: np.ndarray, loss: np.ndarray) -> None:
    """Book the month's savings, the upfront investment, and the disappointment at a shortfall (felt by every council)."""
    plan, realised = savings.account(s, P, i, t, shares, lost)
    s.planned_month[i] = plan
    s.savings_month[i] = realised
    s.business_case[i] += plan
    s.realised_savings[i] += realised
    total = lost[0]
    s.savings_lost[0, i] += lost[0]
    for c in range(1, lost.shape[0]):
        s.savings_lost[c, i] += lost[c]
        total += lost[c]
    shortfall = min(max(1.0 - (realised / plan if plan > 0 else 1.0), 0.0), 1.0)
    if s.phase[i] != INTEGRATION and total > 0:
        felt = P.dynamics.disappointment[i] * shortfall / max(total, 1e-300)
        for c in range(lost.shape[0]):
            for k in range(loss.shape[1]):
                loss[c, k] += lost[c] * felt
    pp = P.partnership
    if launched(s, i) and 0 <= since < pp.integration_months[i]:
        s.investment_cost[i] += pp.upfront_investment[i] / pp.integration_months[i]


@compiled
def _update_commitment_and_trust(s: Any, P: Any, i: int, loss: np.ndarray, trust_loss: np.ndarray, strengths: np.ndarray) -> None:
    """Apply the month's losses (booked by cause, never below zero), then trust and commitment recover."""
    n = s.active.shape[1]
    d = P.dynamics
    for k in range(n):
        if not s.active[i, k]:
            continue
        total = loss[0, k]
        for c in range(1, loss.shape[0]):
            total += loss[c, k]
        over = total > s.commitment[i, k]
        scale = s.commitment[i, k] / total if over else 1.0
        for c in range(loss.shape[0]):
            s.commitment_lost[c, i, k] += loss[c, k] * scale if over else loss[c, k]
        s.commitment[i, k] = 0.0 if over else s.commitment[i, k] - total

    comms = lifted(P.partnership.communications[i], strengths[levers.COMMUNICATIONS_PLAN])
    rate = d.trust_recovery[i] * (0.5 + comms)
    for k in range(n):
        for j in range(n):
            if s.pairs[i, k, j]:
                recover = rate * max(P.partnership.initial_trust[i] - s.trust[i, k, j], 0.0)
                s.trust[i, k, j] = min(max(s.trust[i, k, j] - trust_loss[k, j] + recover, 0.0), 1.0)
    for k in range(n):
        if not s.active[i, k]:
            continue
        partners = 0.0
        held = 0.0
        for j in range(n):
            partners += s.pairs[i, k, j]
            held = s.trust[i, k, j] * s.pairs[i, k, j] if j == 0 else held + s.trust[i, k, j] * s.pairs[i, k, j]
        target = d.resting_base[i] + d.resting_trust[i] * held / max(partners, 1.0)
        s.commitment[i, k] = s.commitment[i, k] + d.commitment_recovery[i] * max(target - s.commitment[i, k], 0.0)


@compiled
def _update_harmonisation_and_maturity(s: Any, P: Any, i: int, t: int, strengths: np.ndarray) -> None:
    """IT harmonisation and the arrangement's maturity advance (launched partnerships)."""
    rate = savings.harmonisation_rate(s, P, i, t, strengths)
    s.harmonisation[i] = min(s.harmonisation[i] + rate * (1.0 - s.harmonisation[i]), 1.0)
    s.maturity[i] = s.maturity[i] + (1.0 - s.maturity[i]) / P.dynamics.maturity_months[i]


@compiled
def _dominant_loss(s: Any, i: int, k: int) -> int:
    """The cause that took most of council k's commitment (the first on a tie), or NONE."""
    best = 0
    for c in range(1, s.commitment_lost.shape[0]):
        if s.commitment_lost[c, i, k] > s.commitment_lost[best, i, k]:
            best = c
    return best if s.commitment_lost[best, i, k] > 0 else NONE


@compiled
def _dominant_shortfall(s: Any, i: int) -> int:
    """The cause that took most of the savings of row ``i`` (the first on a tie), or NONE."""
    best = 0
    for c in range(1, s.savings_lost.shape[0]):
        if s.savings_lost[c, i] > s.savings_lost[best, i]:
            best = c
    return best if s.savings_lost[best, i] > 0 else NONE


@compiled
def _dominant_among_leavers(s: Any, i: int, month: int) -> int:
    """The cause that took most commitment from the councils that left in ``month``, or NONE."""
    best, most = NONE, 0.0
    for c in range(s.commitment_lost.shape[0]):
        total = 0.0
        for k in range(s.active.shape[1]):
            total += s.commitment_lost[c, i, k] * (s.exit_month[i, k] == month)
        if total > most:
            best, most = c, total
    return best


@compiled
def _exits_and_endings(s: Any, P: Any, i: int, t: int, ended_by: int) -> None:
    """Councils below their exit threshold leave; the partnership ends when too few remain or a mechanism ends it.

    ``ended_by`` is the cause of a mechanism that ends it outright this month, or NONE.
    A council that leaves has its costs shared out again among those who stay, booked to
    the cause of its exit.
    """
    n = s.active.shape[1]
    size = P.council.size
    before = 0.0
    leavers = 0
    for k in range(n):
        before += size[i, k] * s.active[i, k]
        if s.active[i, k] and s.commitment[i, k] < P.council.exit_threshold[i, k]:
            s.exit_month[i, k] = t + 1
            s.exit_cause[i, k] = _dominant_loss(s, i, k)
            leavers += 1
    if leavers:
        for k in range(n):
            if s.exit_month[i, k] == t + 1:
                s.active[i, k] = False
        for k in range(n):
            for j in range(n):
                s.pairs[i, k, j] = s.active[i, k] and s.active[i, j] and k != j
        for k in range(n):
            cause = s.exit_cause[i, k]
            if s.exit_month[i, k] != t + 1 or cause == NONE:
                continue
            amount = P.dynamics.cost_resharing[i] * size[i, k] / before
            for j in range(n):
                if s.active[i, j]:
                    taken = min(amount, s.commitment[i, j])
                    s.commitment_lost[cause, i, j] += taken
                    s.commitment[i, j] -= taken

    remaining = 0
    for k in range(n):
        remaining += s.active[i, k]
    if remaining >= P.partnership.min_partners[i] and ended_by == NONE:
        return
    s.end_cause[i] = ended_by if ended_by != NONE else _dominant_among_leavers(s, i, t + 1)
    s.outcome[i] = SHELVED if s.phase[i] == PROPOSAL else COLLAPSED
    s.end_month[i] = t + 1
    s.phase[i] = ENDED


@compiled
def _finish_at_horizon(s: Any, P: Any, i: int, month: int) -> None:
    """Class a partnership still running at its horizon."""
    if s.outcome[i] != RUNNING or month < P.partnership.horizon_months[i]:
        return
    if s.phase[i] == PROPOSAL:
        s.outcome[i] = SHELVED
        s.end_cause[i] = causes.DELAY
    elif s.realised_savings[i] < P.dynamics.underperformance_ratio[i] * s.business_case[i]:
        s.outcome[i] = UNDERPERFORMING
        s.end_cause[i] = _dominant_shortfall(s, i)
    else:
        s.outcome[i] = SUSTAINED
    s.end_month[i] = month
    s.phase[i] = ENDED


def _own(s: State) -> tuple:
    return tuple(m.Own(**s.mech[m.NAME]) for m in MECHANISMS)


def step(s: State, P: ParamArrays, seed: int, log: list[Event] | None = None) -> None:
    """Advance every replication by one month, in place; append fired events to ``log``."""
    events = _events(s, s.active.shape[0] if log is not None else 0)
    keys = rng.month_keys(np.uint64(seed), s.month, STREAM_IDS)
    w = _scratch(s.active.shape[1])
    if log is not None:  # events a run without a log left in the shared buffers
        w.fx.event_mask[:] = False
        w.fx.event_size[:] = 0.0
        w.fx.event_partner[:] = -1
    _month(as_arrays(s), _own(s), P, s.month, keys, s.reps, events, w)
    s.month += 1
    if log is not None:
        _log(log, s, events)


def _events(s: State, rows: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A month's event arrays (fired, size, partner) for ``rows`` replications; with no rows the compiled month keeps no log."""
    shape = (len(EVENT_KINDS), rows, s.active.shape[1])
    return np.zeros(shape, np.bool_), np.zeros(shape), np.full(shape, -1, np.int64)


def _log(log: list[Event], s: State, events: tuple[np.ndarray, np.ndarray, np.ndarray]) -> None:
    mask, size, partner = events
    for e, r, k in zip(*np.nonzero(mask), strict=True):
        cause, what = EVENT_KINDS[e]
        log.append(Event(int(s.reps[r]), s.month, int(k), cause, _CASE_OF[cause], what, float(size[e, r, k]), int(partner[e, r, k])))


def run(P: ParamArrays, reps: np.ndarray, seed: int, log: list[Event] | None = None, observe: Callable[[State, np.ndarray], None] | None = None) -> State:
    """Run replications ``reps`` to their horizons and return the final state.

    ``observe(state, rows)``, if given, sees the initial state and the state after every
    month, with ``rows`` marking the replications that were running during it.
    """
    s = init_state(P, reps)
    horizon = int(P.partnership.horizon_months.max())
    if log is None and observe is None:
        keys = np.stack([rng.month_keys(np.uint64(seed), t, STREAM_IDS) for t in range(horizon)])
        _whole_runs(as_arrays(s), _own(s), P, keys, s.reps, _events(s, 0), _scratch(s.active.shape[1]))
        s.month = int(s.end_month.max()) if len(s.reps) else 0
        return s
    if observe is not None:
        observe(s, s.running)
    while s.month < horizon and s.running.any():
        was_running = s.running
        step(s, P, seed, log)
        if observe is not None:
            observe(s, was_running)
    return s
