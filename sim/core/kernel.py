"""The month's order: one implementation of the model, shared by the ensemble and the Mesa model.

Each month, for each replication still running (compiled with numba, one replication at a
time, so a replication's numbers never depend on the batch or the worker it runs in):

1. draw every random stream (counter-based, so policies share their shocks);
2. levers in force; their own process (IT catch-up), because it changes the state the
   mechanisms read this month;
3. change from outside (elections, chief executives, budget shocks, reorganisation), before
   the mechanisms, because they react to it in the same month (``signals``); it opens the
   decisions it triggers;
4. integration ends when planned;
5. every mechanism, in registry order (a later one sees what an earlier one changed this month), each booked to its cause
   (:func:`sim.core.schedule.each_mechanism`): the value councils see that it takes, trust,
   savings, costs, the decisions it opens;
6. savings: planned, realised, and the rest booked by cause; a shortfall takes value
   (more under budget pressure);
7. trust: losses booked by cause, then recovery; what is missing takes value;
8. each council's view of the value moves towards this month's experience, by cause;
9. councils with a decision point weigh staying against leaving (:mod:`sim.core.decisions`);
10. notices run down; councils whose notice ends leave; the partnership collapses when too
    few remain, or ends when a mechanism ends it (insolvency, a shelved proposal);
11. at the horizon, survivors are classed as sustained or underperforming.

:func:`run` takes a block of replications through all their months, shared out between
worker threads; :func:`step` advances them by one month (the Mesa model, event logs,
observers). Both apply the same compiled month.
"""

from __future__ import annotations

import functools
from collections import namedtuple
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.core import decisions, exogenous, levers, rng, savings, triggers
from sim.core.causes import NONE
from sim.core.contract import Month, empty_effect, lifted
from sim.core.jit import compiled
from sim.core.layout import Layout, layout
from sim.core.schedule import each_mechanism, record
from sim.core.schedule import schedule as schedule_of
from sim.core.state import (
    COLLAPSED,
    COUNCIL,
    ENDED,
    EXPANSION,
    INTEGRATION,
    OPERATING,
    PARTNERSHIP,
    PROPOSAL,
    RUNNING,
    SHELVED,
    SUSTAINED,
    UNDERPERFORMING,
    State,
    StateArrays,
    launched,
    months_since_launch,
    pair_mask,
)
from sim.core.triggers import Trigger

N_EXO_STREAMS = len(exogenous.STREAM_NAMES)
N_EXO_EVENTS = len(exogenous.EVENTS)
#: Where the councils' choices draw (after exogenous change's streams) and log (after its events).
DECIDE_STREAMS = (N_EXO_STREAMS, N_EXO_STREAMS + len(decisions.STREAM_NAMES))
DECIDE_EVENTS = N_EXO_EVENTS
#: The month's running totals besides losses: costs beyond levers, whether a mechanism
#: approved the proposal, and the cause and trigger of a mechanism that ended the partnership (or -1).
TOTALS = np.dtype([("cost", np.float64), ("launch", np.bool_), ("ended_by", np.int64), ("ended_trigger", np.int64)], align=True)

Scratch = namedtuple(
    "Scratch",
    ["draws", "strengths", "signals", "fx", "jolts", "exo_causes", "loss", "trust_loss", "shares", "lost", "totals", "index"],
)
Scratch.__doc__ = """Work arrays for one replication's month, reused row after row (one set per worker thread).

``draws`` ``(S, K)``, ``strengths`` ``(L,)``, ``signals`` ``(K,)``, ``fx`` the effect
buffers, ``jolts`` ``(2, K)`` and ``exo_causes`` (cause index of each exogenous cause),
``loss`` ``(C, K)`` the month's experienced shortfall by cause, ``trust_loss`` ``(C, K, K)``
trust taken by cause, ``shares`` and ``lost`` ``(C,)`` savings shares and amounts by cause,
``totals`` one :data:`TOTALS`
record, ``index`` one :data:`sim.core.savings.CAUSE_INDEX` record (each an array of one).
"""


@dataclass
class Event:
    """One entry of the event log: replication, month (from 1), council, cause label, case, words, size, partner and trigger label."""

    rep: int
    month: int
    council: int
    cause: str
    case: str
    what: str
    size: float
    partner: int = -1
    trigger: str = ""


def init_state(P: Any, reps: np.ndarray, plan: Layout | None = None) -> State:
    """The state at month 0 for replications ``reps`` of parameter arrays ``P``."""
    plan = plan or layout()
    reps = np.asarray(reps, np.int64)
    n, k = P.council.shape
    part = np.zeros(n, PARTNERSHIP)
    part["phase"] = PROPOSAL
    part["outcome"] = RUNNING
    part["launch_month"] = -1
    part["approval_due"] = P.partnership["approval_months"]
    part["review_due"] = -1
    part["end_month"] = -1
    part["end_cause"] = NONE
    part["end_trigger"] = NONE
    council = np.zeros((n, k), COUNCIL)
    council["active"] = True
    council["it_maturity"] = P.council["it_maturity"]
    council["orientation"] = P.council["orientation"]
    council["sovereignty"] = P.council["sovereignty_concern"]
    council["ceo_notice"] = P.council["ceo_leaving_in"]
    council["felt"] = np.where(council["ceo_notice"] > 0, exogenous.ANNOUNCED, 0)
    for name in ("exit_month", "exit_cause", "exit_trigger", "notice_cause", "notice_trigger", "decision_due", "decision_trigger"):
        council[name] = -1
    pairs = pair_mask(council["active"])
    n_causes = len(plan.causes)
    return State(
        month=0,
        reps=reps,
        partnership=part,
        council=council,
        trust=np.where(pairs, P.partnership["initial_trust"][:, None, None], 0.0),
        pairs=pairs,
        value_lost=np.zeros((n_causes, n, k)),
        trust_lost=np.zeros((n_causes, n, k)),
        savings_lost=np.zeros((n_causes, n)),
        own={m.name: m.own.initial(P, n, k) for m in plan.mechanisms},
    )


#: Rows of work arrays per worker: a worker uses the first, so that no two workers write to one cache line.
SPREAD = 8


def _scratch(plan: Layout, n_councils: int, workers: int = 1) -> Scratch:
    """Work arrays for a month of K councils, with a leading dimension of :data:`SPREAD` rows per worker (worker ``c`` uses row ``c * SPREAD``)."""
    n_causes = len(plan.causes)
    fx = empty_effect(n_councils, plan.most_events)
    index = np.zeros(1, savings.CAUSE_INDEX)
    where = plan.cause_index
    index[0] = (where["case02_decision_slippage"], where["case06_scope_tension"], where["legacy_it"], where["unclear_business_case"], where["short_delivery"])
    totals = np.zeros(1, TOTALS)

    def each(array: np.ndarray) -> np.ndarray:
        return np.repeat(array[None], workers * SPREAD, axis=0)

    return Scratch(
        each(np.empty((len(plan.streams), n_councils))),
        each(np.empty(len(levers.NAMES))),
        each(np.zeros(n_councils, np.int64)),
        type(fx)(*(each(a) for a in fx)),
        each(np.zeros((len(exogenous.CAUSES), n_councils))),
        plan.exogenous_causes,
        each(np.zeros((n_causes, n_councils))),
        each(np.zeros((n_causes, n_councils, n_councils))),
        each(np.zeros(n_causes)),
        each(np.zeros(n_causes)),
        each(totals),
        index,
    )


@compiled
def _worker(w: Scratch, c: int) -> Scratch:
    """Worker ``c``'s set of work arrays."""
    fx = w.fx
    return Scratch(
        w.draws[c],
        w.strengths[c],
        w.signals[c],
        type(fx)(fx.value[c], fx.trust[c], fx.opens[c], fx.event_mask[c], fx.event_size[c], fx.event_partner[c], fx.result[c]),
        w.jolts[c],
        w.exo_causes,
        w.loss[c],
        w.trust_loss[c],
        w.shares[c],
        w.lost[c],
        w.totals[c],
        w.index,
    )


@compiled(nogil=True)
def _whole_runs(
    plan: Any, s: StateArrays, owns: tuple, P: Any, keys: np.ndarray, reps: np.ndarray, events: Any, scratch: Scratch, worker: int, workers: int, first: int
) -> None:
    """Run worker ``worker``'s share of the rows (one contiguous run of ``ceil(n / workers)``) from month ``first`` for ``len(keys)`` months or to their end.

    ``keys[m]`` holds month ``first + m``'s stream keys. A whole run starts at month 0 with
    every month's keys; :func:`step` runs one month with one row of keys (so the month is
    compiled once, for both). Each worker thread runs this on its own rows
    with its own work arrays (the GIL is released); a replication's arrays stay in the
    processor's cache for all its months, and its numbers are the same whichever worker
    runs it. Contiguous rows and work arrays :data:`SPREAD` rows apart keep the workers off
    each other's cache lines: interleaved rows and adjacent work arrays made two workers
    slower than one (0.85x; now 1.9x on 2 cores).
    """
    w = _worker(scratch, worker * SPREAD)
    n = s.partnership.shape[0]
    size = (n + workers - 1) // workers
    for i in range(worker * size, min(n, (worker + 1) * size)):
        for m in range(keys.shape[0]):
            if s.partnership[i].outcome != RUNNING:
                break
            _replication_month(plan, s, owns, P, i, first + m, keys[m], reps[i], events, w)


@compiled
def _replication_month(plan: Any, s: StateArrays, owns: tuple, P: Any, i: int, t: int, keys: np.ndarray, rep: int, events: Any, w: Scratch) -> None:
    """One month of the replication in row ``i`` (which must still be running), in the order the module docstring gives."""
    rng.fill(keys, rep, w.draws)  # 1.
    levers.in_force(P, i, t, w.strengths)  # 2.
    if launched(s, i):
        levers.catch_up(s, i, P.dynamics[i].catch_up_rate, w.strengths[levers.IT_HARMONISATION_FIRST])
    w.jolts[:] = 0.0
    exogenous.step(s, P, Month(i, t, w.draws[:N_EXO_STREAMS], w.strengths, w.signals), w.jolts, w.fx)  # 3.
    since = _integration(s, P, i, t)  # 4.
    _open_books(w)
    record(events, i, w.fx, 0, N_EXO_EVENTS)
    each_mechanism(plan, s, P, i, t, owns, w, events)  # 5.
    _account_savings(s, P, i, t, since, w)  # 6.
    totals = w.totals[0]
    s.partnership[i].lever_cost += levers.cost(P, i, t)
    s.partnership[i].other_cost += totals.cost
    _update_trust(s, P, i, w)  # 7.
    _update_view(s, P, i, w)  # 8.
    if launched(s, i):
        _update_harmonisation_and_maturity(s, P, i, t, w.strengths)
    p = s.partnership[i]
    if totals.launch and p.phase == PROPOSAL:
        p.phase = INTEGRATION
        p.launch_month = t + 1
        p.review_due = t + 1 + P.partnership[i].review_months
    else:
        decisions.weigh(s, P, i, t, w.draws[DECIDE_STREAMS[0] : DECIDE_STREAMS[1]], DECIDE_EVENTS, events)  # 9.
    _exits_and_endings(s, P, i, t, totals.ended_by, totals.ended_trigger, events)  # 10.
    _finish_at_horizon(s, P, i, t + 1, w.index[0].delay)  # 11.


@compiled
def _open_books(w: Scratch) -> None:
    """Empty the month's books."""
    w.loss[:] = 0.0
    w.trust_loss[:] = 0.0
    w.shares[:] = 0.0
    totals = w.totals[0]
    totals.cost = 0.0
    totals.launch = False
    totals.ended_by = NONE
    totals.ended_trigger = NONE


@compiled
def _integration(s: StateArrays, P: Any, i: int, t: int) -> int:
    """Integration ends when planned, whenever deeper sharing began (operating, or expansion if it did); returns the full months since launch (-1 before)."""
    p = s.partnership[i]
    since = months_since_launch(s, i, t)
    if p.phase == INTEGRATION and since >= P.partnership[i].integration_months:
        p.phase = EXPANSION if p.scope == 1 else OPERATING
    return since


@compiled
def _account_savings(s: StateArrays, P: Any, i: int, t: int, since: int, w: Scratch) -> None:
    """Book the month's savings and the upfront investment; a shortfall against the plan takes value (more under budget pressure)."""
    lost, loss = w.lost, w.loss
    lost[:] = 0.0
    plan, realised = savings.account(s, P, i, t, w.shares, lost, w.index[0])
    p, pp = s.partnership[i], P.partnership[i]
    p.planned_month = plan
    p.savings_month = realised
    p.business_case += plan
    p.realised_savings += realised
    for c in range(lost.shape[0]):
        s.savings_lost[c, i] += lost[c]
    if launched(s, i) and plan > 0:
        weight = P.decisions[i].weight_savings
        for c in range(lost.shape[0]):
            share = lost[c] / plan  # a share of the plan (once per cause): finite even for a plan of a few pence
            for k in range(loss.shape[1]):
                loss[c, k] += weight * (1.0 + s.council[i, k].pressure) * share
    if launched(s, i) and 0 <= since < pp.integration_months:
        p.investment_cost += pp.upfront_investment / pp.integration_months


@compiled
def _update_trust(s: StateArrays, P: Any, i: int, w: Scratch) -> None:
    """Apply the month's trust losses (booked by cause), then trust recovers; what is missing takes value.

    ``trust_lost[c, k]`` keeps council k's loss of trust in its partners (their mean)
    booked to cause c; as trust recovers, every cause's part shrinks alike.
    """
    n = s.council.shape[1]
    pp, d = P.partnership[i], P.dynamics[i]
    comms = lifted(pp.communications, w.strengths[levers.COMMUNICATIONS_PLAN])
    rate = d.trust_recovery * (0.5 + comms)
    weight = P.decisions[i].weight_trust / max(pp.initial_trust, 1e-9)
    for k in range(n):
        if not s.council[i, k].active:
            continue
        partners = 0.0
        for j in range(n):
            partners += s.pairs[i, k, j]
        if partners == 0:
            continue
        for c in range(w.trust_loss.shape[0]):
            taken = 0.0
            for j in range(n):
                taken += w.trust_loss[c, k, j]
            s.trust_lost[c, i, k] += taken / partners
        gap = 0.0
        for j in range(n):
            if s.pairs[i, k, j]:
                lost = 0.0
                for c in range(w.trust_loss.shape[0]):
                    lost += w.trust_loss[c, k, j]
                recover = rate * max(pp.initial_trust - s.trust[i, k, j], 0.0)
                s.trust[i, k, j] = min(max(s.trust[i, k, j] - lost + recover, 0.0), 1.0)
                gap += max(pp.initial_trust - s.trust[i, k, j], 0.0)
        gap /= partners
        booked = 0.0
        for c in range(s.trust_lost.shape[0]):
            booked += s.trust_lost[c, i, k]
        scale = gap / booked if booked > 0 else 0.0
        for c in range(s.trust_lost.shape[0]):
            s.trust_lost[c, i, k] *= scale
            w.loss[c, k] += weight * s.trust_lost[c, i, k]


@compiled
def _update_view(s: StateArrays, P: Any, i: int, w: Scratch) -> None:
    """Each council's view of the value moves towards this month's experience, cause by cause.

    A new administration's doctrine and a successor's regard add theirs.
    """
    memory = P.decisions[i].memory
    politics, successor = w.exo_causes[exogenous.Cause.POLITICAL_CONTROL], w.exo_causes[exogenous.Cause.REORGANISATION]
    for k in range(s.council.shape[1]):
        c = s.council[i, k]
        if not c.active:
            continue
        w.loss[politics, k] += c.stance
        for cause in range(w.loss.shape[0]):
            s.value_lost[cause, i, k] += memory * (w.loss[cause, k] - s.value_lost[cause, i, k])
        s.value_lost[successor, i, k] += w.jolts[exogenous.Cause.REORGANISATION, k]


@compiled
def _update_harmonisation_and_maturity(s: StateArrays, P: Any, i: int, t: int, strengths: np.ndarray) -> None:
    """IT harmonisation and the arrangement's maturity advance (launched partnerships)."""
    rate = savings.harmonisation_rate(s, P, i, t, strengths)
    p = s.partnership[i]
    p.harmonisation = min(p.harmonisation + rate * (1.0 - p.harmonisation), 1.0)
    p.maturity = p.maturity + (1.0 - p.maturity) / P.dynamics[i].maturity_months


@compiled
def _dominant_shortfall(s: StateArrays, i: int) -> int:
    """The cause that took most of the savings of row ``i`` (the first on a tie), or NONE."""
    best = 0
    for c in range(1, s.savings_lost.shape[0]):
        if s.savings_lost[c, i] > s.savings_lost[best, i]:
            best = c
    return best if s.savings_lost[best, i] > 0 else NONE


@compiled
def _exits_and_endings(s: StateArrays, P: Any, i: int, t: int, ended_by: int, ended_trigger: int, events: Any) -> None:
    """Notices run down and councils whose notice ends leave; the partnership ends when too few remain or a mechanism ends it.

    ``ended_by`` is the cause of a mechanism that ends it outright this month (with
    ``ended_trigger``), or NONE. A partnership that collapses because partners left takes
    the cause and trigger of the first council to leave in its last month.
    """
    n = s.council.shape[1]
    first = -1
    for k in range(n):
        c = s.council[i, k]
        if not c.active or c.notice == 0:
            continue
        c.notice -= 1
        if c.notice == 0:
            c.active = False
            c.exit_month = t + 1
            c.exit_cause = c.notice_cause
            c.exit_trigger = c.notice_trigger
            first = k if first < 0 else first
            decisions.record(events, DECIDE_EVENTS + decisions.Ev.LEFT, i, k, decisions.value_seen(s, P, i, k, t), c.exit_cause, c.exit_trigger)
    if first >= 0:
        for k in range(n):
            for j in range(n):
                s.pairs[i, k, j] = s.council[i, k].active and s.council[i, j].active and k != j
        for k in range(n):  # the others weigh the partnership again without the partner who left
            if s.council[i, k].active:
                exogenous.open_decision(s, i, k, Trigger.PARTNER_LEFT, t + 1)
    remaining = 0
    for k in range(n):
        remaining += s.council[i, k].active
    if remaining >= P.partnership[i].min_partners and ended_by == NONE:
        return
    p = s.partnership[i]
    if ended_by != NONE:
        p.end_cause, p.end_trigger = ended_by, ended_trigger
    elif first >= 0:
        p.end_cause, p.end_trigger = s.council[i, first].exit_cause, s.council[i, first].exit_trigger
    p.outcome = SHELVED if p.phase == PROPOSAL else COLLAPSED
    p.end_month = t + 1
    p.phase = ENDED


@compiled
def _finish_at_horizon(s: StateArrays, P: Any, i: int, month: int, delay: int) -> None:
    """Class a partnership still running at its horizon (a proposal never approved is booked to ``delay``, case 02's cause)."""
    p = s.partnership[i]
    if p.outcome != RUNNING or month < P.partnership[i].horizon_months:
        return
    if p.phase == PROPOSAL:
        p.outcome = SHELVED
        p.end_cause = delay
        p.end_trigger = Trigger.REPEATED_SLIPPAGE
    elif p.realised_savings < P.dynamics[i].underperformance_ratio * p.business_case:
        p.outcome = UNDERPERFORMING
        p.end_cause = _dominant_shortfall(s, i)
    else:
        p.outcome = SUSTAINED
    p.end_month = month
    p.phase = ENDED


def _owns(s: State, plan: Layout) -> tuple:
    return tuple(s.own[m.name] for m in plan.mechanisms)


@functools.cache
def _cached_scratch(plan: Layout, n_councils: int, workers: int) -> Scratch:
    return _scratch(plan, n_councils, workers)


def _events(plan: Layout, rows: int, n_councils: int) -> tuple[np.ndarray, ...]:
    """A month's event arrays (fired, size, partner, cause, trigger) for ``rows`` replications; with no rows the compiled month keeps no log."""
    shape = (len(plan.events), rows, n_councils)
    return np.zeros(shape, np.bool_), np.zeros(shape), np.full(shape, -1, np.int64), np.full(shape, -1, np.int64), np.full(shape, -1, np.int64)


def _log(log: list[Event], s: State, plan: Layout, events: tuple[np.ndarray, ...]) -> None:
    mask, size, partner, cause, trigger = events
    for e, r, k in zip(*np.nonzero(mask), strict=True):
        kind = plan.events[e]
        label = plan.label(int(cause[e, r, k])) if cause[e, r, k] >= 0 else kind.cause
        case = plan.case(label, kind.event.what)
        why = triggers.label(int(trigger[e, r, k])) if trigger[e, r, k] >= 0 else kind.trigger
        log.append(
            Event(int(s.reps[r]), s.month, int(k), label if label != "none" else "", case, kind.event.what, float(size[e, r, k]), int(partner[e, r, k]), why)
        )


def step(s: State, P: Any, seed: int, log: list[Event] | None = None, plan: Layout | None = None) -> None:
    """Advance every replication of ``s`` by one month, in place; append the events fired to ``log``."""
    plan = plan or layout()
    n_councils = s.council.shape[1]
    events = _events(plan, s.partnership.shape[0] if log is not None else 0, n_councils)
    keys = rng.month_keys(np.uint64(seed), s.month, plan.stream_ids)
    w = _cached_scratch(plan, n_councils, 1)
    if log is not None:  # events a run without a log left in the shared buffers
        w.fx.event_mask[:] = False
        w.fx.event_size[:] = 0.0
        w.fx.event_partner[:] = -1
        w.fx.opens[:] = -1
    _whole_runs(schedule_of(plan), s.arrays, _owns(s, plan), P, keys[None], s.reps, events, w, 0, 1, s.month)
    s.month += 1
    if log is not None:
        _log(log, s, plan, events)


def run(
    P: Any,
    reps: np.ndarray,
    seed: int,
    log: list[Event] | None = None,
    observe: Callable[[State, np.ndarray], None] | None = None,
    workers: int = 1,
    plan: Layout | None = None,
) -> State:
    """Run replications ``reps`` to their horizons and return the final state.

    Parameters
    ----------
    P
        Parameter arrays (:func:`sim.population.build`) of the replications.
    reps
        Their global indices.
    seed
        The run's seed.
    log
        If given, the events fired are appended to it (the run then goes month by month).
    observe
        ``observe(state, rows)``, if given, sees the initial state and the state after every
        month, with ``rows`` marking the replications that were running during it.
    workers
        Threads sharing the replications (a run without log or observer); the numbers do
        not depend on it.
    plan
        The layout of the registry to run (default: the current registry).
    """
    plan = plan or layout()
    s = init_state(P, reps, plan)
    horizon = int(P.partnership["horizon_months"].max()) if len(s.reps) else 0
    if log is None and observe is None:
        keys = np.zeros((horizon, len(plan.streams)), np.uint64)
        for t in range(horizon):
            keys[t] = rng.month_keys(np.uint64(seed), t, plan.stream_ids)
        workers = max(1, min(workers, len(s.reps)))
        n_councils = s.council.shape[1]
        args = (schedule_of(plan), s.arrays, _owns(s, plan), P, keys, s.reps, _events(plan, 0, n_councils), _scratch(plan, n_councils, workers))
        if workers == 1:
            _whole_runs(*args, 0, 1, 0)
        else:
            for done in [_pool().submit(_whole_runs, *args, c, workers, 0) for c in range(workers)]:
                done.result()
        s.month = int(s.partnership["end_month"].max()) if len(s.reps) else 0
        return s
    if observe is not None:
        observe(s, s.running)
    while s.month < horizon and s.running.any():
        was_running = s.running
        step(s, P, seed, log, plan)
        if observe is not None:
            observe(s, was_running)
    return s


@functools.cache
def _pool() -> ThreadPoolExecutor:
    """The threads that share a block's replications (the compiled loop releases the GIL)."""
    return ThreadPoolExecutor(max_workers=1024, thread_name_prefix="sim-worker")
