"""The month's order: one implementation of the model, shared by the ensemble and the Mesa model.

Each month, for all replications at once:

1. draw every random stream (whatever the state, so policies share their shocks);
2. levers in force; their own processes (IT catch-up);
3. exogenous change (elections, chief executives, budget shocks, reorganisation);
4. scheduled transitions (integration ends, sharing deepens);
5. every enabled mechanism, in registry order, against the same state;
6. savings: planned, realised, and the rest booked by cause;
7. commitment and trust: losses booked by cause, then recovery;
8. exits (costs shared out again among those who stay), collapse, shelving, insolvency;
9. at the horizon, survivors are classed as sustained or underperforming.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from sim import causes, exogenous, levers, population, rng, savings
from sim.mechanisms import MECHANISMS
from sim.mechanisms.base import Arrays, Effect, Month, lifted, pair_mask, sum_c, sum_k
from sim.state import COLLAPSED, ENDED, EXPANSION, INTEGRATION, OPERATING, PROPOSAL, RUNNING, SHELVED, SUSTAINED, UNDERPERFORMING, State

STREAMS: tuple[str, ...] = exogenous.STREAMS + tuple(s for m in MECHANISMS for s in m.STREAMS)


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


def init_state(P: Arrays, reps: np.ndarray) -> State:
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


def _apply_shared(s: State, shared: dict[str, np.ndarray]) -> None:
    for name, value in shared.items():
        setattr(s, name, value)


def _log(log: list[Event] | None, s: State, cause: str, effect: Effect, running: np.ndarray) -> None:
    if log is None:
        return
    case = causes.CAUSES[causes.INDEX[cause]].case
    for ev in effect.events:
        rows, cols = np.nonzero(ev.mask & running[:, None])
        log.extend(Event(int(s.reps[r]), s.month + 1, int(k), cause, case, ev.what, float(ev.size[r, k])) for r, k in zip(rows, cols, strict=True))


def step(s: State, P: Arrays, seed: int, log: list[Event] | None = None) -> None:
    """Advance every replication by one month, in place; append fired events to ``log``."""
    t = s.month
    n, k = s.active.shape
    running = s.running
    draws = rng.uniform_streams(seed, s.reps, t, k, STREAMS)
    strengths = levers.in_force(P, t)
    s.it_maturity = levers.catch_up(s, P.dynamics.catch_up_rate, strengths["it_harmonisation_first"])

    exo_effects, changed, exo_shared = exogenous.step(s, P, t, draws)
    _apply_shared(s, exo_shared)
    month = Month(t, draws, changed, strengths)

    since = s.months_since_launch
    s.phase = np.where((s.phase == INTEGRATION) & (since >= P.partnership.integration_months), OPERATING, s.phase)
    deepen = s.launched & (P.partnership.expansion_month >= 0) & (since == P.partnership.expansion_month) & (s.scope == 0)
    s.scope = np.where(deepen, 1, s.scope)
    s.phase = np.where(deepen, EXPANSION, s.phase)

    effects = [(None, cause, effect) for cause, effect in exo_effects.items()]
    effects += [(mech.NAME, mech.CAUSE, mech.step(s, P, month)) for mech in MECHANISMS]

    n_causes = len(causes.LABELS)
    loss = np.zeros((n_causes, n, k))
    trust_loss = np.zeros_like(s.trust)
    shares = np.zeros((n_causes, n))
    extra_cost = np.zeros(n)
    launch = np.zeros(n, bool)
    ended_by = np.full(n, causes.NONE)
    trust_weight = P.dynamics.trust_to_commitment[:, None] / np.maximum(sum_k(s.pairs), 1)
    for owner, cause, effect in effects:
        c = causes.INDEX[cause]
        if effect.commitment is not None:
            loss[c] += effect.commitment
        if effect.trust is not None:
            lost_trust = np.minimum(effect.trust * s.pairs, s.trust)
            trust_loss += lost_trust
            loss[c] += trust_weight * sum_k(lost_trust)
        if effect.savings is not None:
            shares[c] = np.clip(effect.savings, 0.0, 1.0)
        if effect.cost is not None:
            extra_cost += effect.cost
            s.savings_lost[c] += effect.cost * running
        if effect.launch is not None:
            launch |= effect.launch
        if effect.ends is not None:
            ended_by = np.where(effect.ends & (ended_by == causes.NONE), c, ended_by)
        if owner is not None:
            s.mech[owner].update(effect.own)
        _apply_shared(s, effect.shared)
        _log(log, s, cause, effect, running)

    plan, realised, lost = savings.account(s, P, t, shares)
    s.planned_month = np.where(running, plan, 0.0)
    s.savings_month = realised
    s.business_case += s.planned_month
    s.realised_savings += realised
    s.savings_lost += lost
    shortfall = np.clip(1.0 - np.divide(realised, plan, out=np.ones_like(plan), where=plan > 0), 0.0, 1.0)
    lost_total = sum_c(lost)
    felt = np.where((s.phase == INTEGRATION) | (lost_total <= 0), 0.0, P.dynamics.disappointment * shortfall / np.maximum(lost_total, 1e-300))
    loss += (lost * felt)[:, :, None]

    invest = s.launched & (since >= 0) & (since < P.partnership.integration_months)
    s.investment_cost += np.where(invest & running, P.partnership.upfront_investment / P.partnership.integration_months, 0.0)
    s.lever_cost += levers.cost(P, t, running)
    s.other_cost += np.where(running, extra_cost, 0.0)

    _update_commitment_and_trust(s, P, loss, trust_loss, running, strengths)
    _update_harmonisation_and_maturity(s, P, t, strengths, running)
    s.phase = np.where(launch & running & (s.phase == PROPOSAL), INTEGRATION, s.phase)
    s.launch_month = np.where(launch & running & (s.launch_month < 0), t + 1, s.launch_month)
    _exits_and_endings(s, P, np.where(running, ended_by, causes.NONE), running)
    s.month = t + 1
    _finish_at_horizon(s, P)


def _update_commitment_and_trust(s: State, P: Arrays, loss: np.ndarray, trust_loss: np.ndarray, running: np.ndarray, strengths: dict[str, np.ndarray]) -> None:
    live = s.active & running[:, None]
    loss *= live
    total = sum_c(loss)
    over = total > s.commitment
    loss *= np.divide(s.commitment, total, out=np.ones_like(total), where=over)
    s.commitment_lost += loss
    s.commitment = np.where(over, 0.0, s.commitment - total)

    pairs = s.pairs & running[:, None, None]
    d = P.dynamics
    comms = lifted(P.partnership.communications, strengths["communications_plan"])
    recover = (d.trust_recovery * (0.5 + comms))[:, None, None] * np.maximum(P.partnership.initial_trust[:, None, None] - s.trust, 0.0)
    s.trust = np.where(pairs, np.clip(s.trust - trust_loss + recover, 0.0, 1.0), s.trust)
    n_partners = np.maximum(sum_k(pairs), 1)
    target = d.resting_base[:, None] + d.resting_trust[:, None] * sum_k(s.trust * pairs) / n_partners
    s.commitment = np.where(live, s.commitment + d.commitment_recovery[:, None] * np.maximum(target - s.commitment, 0.0), s.commitment)


def _update_harmonisation_and_maturity(s: State, P: Arrays, month: int, strengths: dict[str, np.ndarray], running: np.ndarray) -> None:
    live = s.launched & running
    rate = savings.harmonisation_rate(s, P, month, strengths)
    s.harmonisation = np.where(live, np.minimum(s.harmonisation + rate * (1.0 - s.harmonisation), 1.0), s.harmonisation)
    s.maturity = np.where(live, s.maturity + (1.0 - s.maturity) / P.dynamics.maturity_months, s.maturity)


def _dominant(loss: np.ndarray) -> np.ndarray:
    """Index of the largest loss along the first (cause) axis, or NONE where nothing was lost."""
    return np.where(loss.max(axis=0) > 0, loss.argmax(axis=0), causes.NONE)


def _exits_and_endings(s: State, P: Arrays, ended_by: np.ndarray, running: np.ndarray) -> None:
    """Councils below their exit threshold leave; the partnership ends when too few remain or a mechanism ends it.

    ``ended_by`` holds, per replication, the cause of a mechanism that ends it outright this month (or NONE).
    """
    t = s.month
    leaving = s.active & running[:, None] & (s.commitment < P.council.exit_threshold)
    if leaving.any():
        rows, cols = np.nonzero(leaving)
        s.exit_month[rows, cols] = t + 1
        s.exit_cause[rows, cols] = _dominant(s.commitment_lost[:, rows, cols])
        size = P.council.size
        before = sum_k(size * s.active)
        s.active = s.active & ~leaving
        s.pairs = pair_mask(s.active)
        reshare = P.dynamics.cost_resharing[rows] * size[rows, cols] / before[rows]
        for r, j, amount in zip(rows, cols, reshare, strict=True):
            cause = s.exit_cause[r, j]
            if cause == causes.NONE:
                continue
            stay = np.nonzero(s.active[r])[0]
            taken = np.minimum(amount, s.commitment[r, stay])
            s.commitment_lost[cause, r, stay] += taken
            s.commitment[r, stay] -= taken

    too_few = running & (sum_k(s.active) < P.partnership.min_partners)
    outright = ended_by != causes.NONE
    ending = too_few | outright
    if not ending.any():
        return
    rows = np.nonzero(too_few & ~outright)[0]
    s.end_cause[rows] = _dominant(sum_k(s.commitment_lost[:, rows] * leaving[rows]))
    s.end_cause = np.where(outright, ended_by, s.end_cause)
    s.outcome = np.where(ending, np.where(s.phase == PROPOSAL, SHELVED, COLLAPSED), s.outcome)
    s.end_month = np.where(ending, t + 1, s.end_month)
    s.phase = np.where(ending, ENDED, s.phase)


def _finish_at_horizon(s: State, P: Arrays) -> None:
    """Class partnerships still running at their horizon."""
    done = s.running & (s.month >= P.partnership.horizon_months)
    if not done.any():
        return
    in_proposal = s.phase == PROPOSAL
    short = s.realised_savings < P.dynamics.underperformance_ratio * s.business_case
    s.outcome = np.where(done, np.where(in_proposal, SHELVED, np.where(short, UNDERPERFORMING, SUSTAINED)), s.outcome)
    s.end_cause = np.where(done & in_proposal, causes.DELAY, s.end_cause)
    s.end_cause = np.where(done & ~in_proposal & short, _dominant(s.savings_lost), s.end_cause)
    s.end_month = np.where(done, s.month, s.end_month)
    s.phase = np.where(done, ENDED, s.phase)


COMPACT_BELOW = 0.95  # drop ended replications from the arrays once fewer than this share still run


def run(P: Arrays, reps: np.ndarray, seed: int, log: list[Event] | None = None, observe: Callable[[State, np.ndarray], None] | None = None) -> State:
    """Run replications ``reps`` to their horizons and return the final state.

    ``observe(state, rows)``, if given, sees the initial state and the state after every
    month, with ``rows`` marking the replications that were running during it.
    Replications that have ended are set aside once they are a twentieth of the arrays, so
    the months that remain are spent on partnerships still running; each replication's
    numbers are the same either way.
    """
    s = init_state(P, reps)
    n_reps = len(s.reps)
    horizon = int(P.partnership.horizon_months.max())
    position = np.arange(n_reps)
    finished: list[tuple[np.ndarray, State]] = []
    if observe is not None:
        observe(s, s.running)
    while s.month < horizon and s.running.any():
        was_running = s.running
        step(s, P, seed, log)
        if observe is not None:
            observe(s, was_running)
        going = s.running
        if going.mean() < COMPACT_BELOW:
            finished.append((position[~going], s.take(~going)))
            s, P, position = s.take(going), population.take(P, going), position[going]
    return State.gather([*finished, (position, s)], n_reps) if finished else s
