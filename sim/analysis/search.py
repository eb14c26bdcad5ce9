"""The cheapest lever package that keeps a risk under a target, or the package of lowest risk within a budget: screened in one
batch, tuned with Optuna, confirmed on fresh seeds.

A *package* is a set of levers, each with a start month and a strength. Its *cost* is the mean
``lever_cost`` of a partnership (GBP m over the horizon, as the model counts it: an upfront
cost at the start month and a running cost while the partnership lasts); with
``scale_cost`` a lever's costs grow with its strength (the model itself does not tie cost to
strength, so without it Optuna would always choose full strength). Two risks:

- ``collapse``: collapse among *launched* partnerships. What a package does for partnerships
  that go ahead; a lever that made councils shelve more proposals would not look better.
- ``failure``: any failure (shelved, collapsed or underperforming) among *all*. What the
  councils get overall, counting proposals never approved and partnerships that survive but
  fall short of their business case.

The two can rank packages differently: a lever that keeps launched partnerships together but
leaves them short of their savings lowers the first and not the second.

Steps (:func:`search`): every on/off combination of the allowed levers (up to ``max_levers``)
at the policy's start month and strength, all in one batch (:func:`sim.population.build`
with many points); then Optuna (TPE, Optuna 5's ``trial.set_constraint``) tunes start months
and strengths of the cheapest packages that met the target; every candidate so far on the same
seed and replications (paired: differences between candidates are not noise of the draws). The
cheapest candidates are then run again on a fresh seed and more replications, and the winner
is the cheapest whose confirmed risk is at most the target. The shortlist holds the cheapest
that met the target on the screening seed, the cheapest that met it by at least one standard
error and the cheapest whose whole interval did: the cheapest of many candidates is often one
that was lucky on those replications (the winner's curse), and a margin is what keeps a
shortlist from holding only lucky ones.

With a budget instead of a target (:class:`Goal`) the same steps answer the other question: the
screen keeps the packages costing at most the budget, Optuna minimises the risk with ``cost -
budget <= 0`` as the constraint, the shortlist holds the lowest risks within the budget (and
those whose whole cost interval is within it), and the winner is the lowest confirmed risk whose
confirmed cost is within the budget. No lever costs nothing, so it always fits: it is the answer
when no package with levers fits or none lowers the risk below it.
"""

from __future__ import annotations

import copy
import itertools
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from sim.analysis.stats import Estimate, Moments, paired_share_difference, wilson, z_value
from sim.analysis.summary import FAILURES
from sim.config.model import ModelConfig
from sim.config.settings import DEFAULT_TARGET
from sim.core.state import OUTCOMES
from sim.frontends.design import batches, simulate_points
from sim.frontends.table import Table

RISKS = {
    "collapse": "collapse among launched partnerships",
    "failure": "any failure (shelved, collapsed or underperforming) among all partnerships",
}
#: How :func:`risk_difference` pairs two packages' risks, by risk.
DIFFERENCES = {
    "collapse": "paired on the same replications: the difference of two shares, each among its own launched partnerships"
    " (delta method with the Agresti-Min adjustment, sim.analysis.stats.paired_share_difference)",
    "failure": "paired on the same replications: the difference of two proportions among all partnerships"
    " (Wald with the Agresti-Min adjustment, sim.analysis.stats.paired_difference)",
}
_FAILED = tuple(OUTCOMES.index(o) - 1 for o in FAILURES)
_COLLAPSED = OUTCOMES.index("collapsed") - 1


@dataclass(frozen=True)
class Package:
    """Levers switched on, each with its start month and strength."""

    levers: tuple[tuple[str, int, float], ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        """The names of its levers, in order."""
        return tuple(name for name, _, _ in self.levers)

    def __str__(self) -> str:
        if not self.levers:
            return "no lever"
        return ", ".join(f"{name} (month {start}, strength {strength:.2f})" for name, start, strength in self.levers)


@dataclass
class Evaluation:
    """A package's risk and cost on some replications."""

    package: Package
    risk: Estimate
    cost: Estimate
    replications: int
    launched: int
    stage: str
    seed: int
    #: Whether each replication ended in the risk's event (see :func:`events`), for paired differences; ``None`` where not kept.
    events: np.ndarray | None = field(default=None, repr=False, compare=False)
    #: The replications the risk is among (launched ones for ``collapse``); ``None`` for all of them.
    among: np.ndarray | None = field(default=None, repr=False, compare=False)


@dataclass(frozen=True)
class Goal:
    """What a search asks for: the cheapest package keeping the risk at most ``target``, or the lowest risk costing at most ``budget``.

    Exactly one of the two is given (:meth:`of` supplies the default target). The search's steps
    are the same for both; the goal says what Optuna minimises (:meth:`objective`), what a
    package must stay within (:meth:`excess`, :meth:`fits`) and how packages rank (:meth:`rank`).
    """

    target: float | None = None
    budget: float | None = None

    def __post_init__(self) -> None:
        if (self.target is None) == (self.budget is None):
            raise ValueError(f"give one of target and budget (given: target={self.target}, budget={self.budget})")

    @classmethod
    def of(cls, target: float | None = None, budget: float | None = None) -> Goal:
        """The goal of ``target`` or ``budget``; :data:`~sim.config.settings.DEFAULT_TARGET` when neither is given."""
        return cls(DEFAULT_TARGET if target is None and budget is None else target, budget)

    @staticmethod
    def _risk(e: Evaluation) -> float:
        # Collapse among launched is undefined when nothing launched: as bad as can be.
        return math.inf if math.isnan(e.risk.value) else e.risk.value

    def objective(self, e: Evaluation) -> float:
        """What Optuna minimises: the cost under a target, the risk within a budget."""
        return e.cost.value if self.budget is None else self._risk(e)

    def excess(self, e: Evaluation) -> float:
        """How far ``e`` is beyond the limit (risk minus target, or cost minus budget): at most 0 when it fits (Optuna's constraint)."""
        return self._risk(e) - self.target if self.target is not None else e.cost.value - self.budget

    def fits(self, e: Evaluation) -> bool:
        """Whether ``e``'s estimate is within the limit."""
        return self.excess(e) <= 0

    def answers(self, e: Evaluation) -> bool:
        """Whether ``e`` answers the question: it fits, and within a budget it has levers (no lever costs nothing, so it always fits one)."""
        return self.fits(e) and (self.target is not None or bool(e.package.levers))

    @property
    def met(self) -> str:
        """What a package that answers did, in words: ``met the target`` or ``fit the budget``."""
        return "met the target" if self.target is not None else "fit the budget"

    @property
    def nothing(self) -> str:
        """That no package answered, in words: ``No package met the target`` or ``No package with levers fit the budget``."""
        return "No package met the target" if self.target is not None else "No package with levers fit the budget"

    @property
    def nearest(self) -> str:
        """Which packages are nearest to answering, in words: ``of lowest risk`` or ``of lowest cost``."""
        return "of lowest risk" if self.target is not None else "of lowest cost"

    def surely_fits(self, e: Evaluation) -> bool:
        """Whether ``e``'s whole 95% interval is within the limit (a margin against the winner's curse)."""
        return e.risk.high <= self.target if self.target is not None else e.cost.high <= self.budget

    def clears(self, e: Evaluation) -> bool:
        """Whether ``e``'s estimate is within the limit by at least one standard error (a quarter of its 95% interval's width, 1.96 a
        side, taken as about 2): a margin between fitting on the estimate and fitting on the whole interval."""
        estimate = e.risk if self.target is not None else e.cost
        return self.excess(e) + (estimate.high - estimate.low) / (2 * z_value(0.95)) <= 0

    @property
    def margins(self) -> tuple[Callable[[Evaluation], bool], ...]:
        """The tests a shortlist's groups pass, from the least margin to the most (see :func:`search`): under a target, the
        estimate fits, fits by one standard error, the whole interval fits; within a budget the first and the last (a cost's
        interval is narrow, so a margin in it is no margin against a lucky risk, and the winner is the lowest confirmed risk)."""
        if self.target is not None:
            return (self.fits, self.clears, self.surely_fits)
        return (self.fits, self.surely_fits)

    def undecided(self, e: Evaluation) -> bool:
        """Whether ``e``'s 95% interval holds the limit (reaches from within it to beyond it): on its replications it cannot be told
        whether ``e`` is within the limit, whichever side its estimate is on. Never for a risk without a value (nothing launched)."""
        if self.target is not None:
            return not math.isnan(e.risk.value) and e.risk.low <= self.target < e.risk.high
        return e.cost.low <= self.budget < e.cost.high

    def rank(self, e: Evaluation) -> tuple[float, ...]:
        """Sort key, best first: cheapest (then fewest levers) under a target; lowest risk (then cheapest, fewest levers) within a budget."""
        if self.budget is None:
            return (e.cost.value, len(e.package.levers))
        return (self._risk(e), e.cost.value, len(e.package.levers))

    def describe(self, risk: str) -> str:
        """The question in words: ``the cheapest lever package keeping ... at most 20.0%``, or ``the lever package with the lowest risk of
        ..., costing at most GBP 1.500 m per partnership``."""
        if self.target is not None:
            return f"the cheapest lever package keeping {RISKS[risk]} at most {self.target:.1%}"
        return f"the lever package with the lowest risk of {RISKS[risk]}, costing at most GBP {self.budget:.3f} m per partnership"


@dataclass
class Result:
    """What :func:`search` found."""

    risk: str
    goal: Goal
    winner: Evaluation | None
    confirmed: list[Evaluation]
    reference: Evaluation
    screened: list[Evaluation] = field(default_factory=list)
    tuned: list[Evaluation] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def replications_ran(self) -> int:
        """The replications the search ran in all: every package screened, tuned and confirmed, and no lever's confirmation."""
        return sum(e.replications for e in [*self.screened, *self.tuned, *self.confirmed, self.reference])

    @property
    def found(self) -> bool:
        """Whether the search answered its question: a package (no lever too) met the target, or, within a budget, a package with levers lowered the risk."""
        return self.winner is not None and self.goal.answers(self.winner)


def configure(base: ModelConfig, package: Package, scale_cost: bool = True) -> ModelConfig:
    """``base`` with exactly the package's levers switched on at their start months and strengths."""
    cfg = copy.deepcopy(base)
    chosen = {name: (start, strength) for name, start, strength in package.levers}
    for name, lever in cfg.levers.items():
        lever.enabled = name in chosen
        if name not in chosen:
            continue
        start, strength = chosen[name]
        base_strength = float(base.levers[name].strength)
        lever.start_month, lever.strength = int(start), float(strength)
        if scale_cost and base_strength > 0:
            ratio = float(strength) / base_strength
            lever.cost_upfront = float(base.levers[name].cost_upfront) * ratio
            lever.cost_per_year = float(base.levers[name].cost_per_year) * ratio
    return cfg


def default_package(base: ModelConfig, names: Sequence[str]) -> Package:
    """The levers ``names`` at the base configuration's start months and strengths."""
    return Package(tuple((n, int(base.levers[n].start_month), float(base.levers[n].strength)) for n in names))


def events(table: Table, risk: str) -> tuple[np.ndarray, np.ndarray | None]:
    """Whether each replication ended in the risk's event, and the replications the risk is among: for ``failure`` any failure, among
    all (``None``); for ``collapse`` a collapse, among the launched partnerships. Two packages on the same replications give paired
    shares either way (:func:`risk_difference`)."""
    outcome = np.asarray(table.columns["outcome"])
    if risk == "failure":
        return np.isin(outcome, _FAILED), None
    launched = np.asarray(table.columns["launch_month"]) >= 0
    return launched & (outcome == _COLLAPSED), launched


def measure(table: Table, risk: str, confidence: float = 0.95) -> tuple[Estimate, Estimate, int, np.ndarray, np.ndarray | None]:
    """Risk (Wilson interval), mean lever cost (normal interval), launched count and :func:`events` of one candidate's replications."""
    hit, among = events(table, risk)
    hits, n = int(hit.sum()), (hit.size if among is None else int(among.sum()))
    estimate = wilson(hits, n, confidence) if n else Estimate(float("nan"), 0.0, 1.0)
    launched = int((np.asarray(table.columns["launch_month"]) >= 0).sum())
    return estimate, Moments.of(np.asarray(table.columns["lever_cost"], float)).interval(confidence), launched, hit, among


def risk_difference(a: Evaluation, b: Evaluation, confidence: float = 0.95) -> Estimate | None:
    """The paired difference in risk ``b - a`` when both were measured on the same replications of the same seed with their events
    kept; ``None`` otherwise, or where one launched nothing (collapse among launched has no value then).

    Any failure among all is a difference of paired proportions (:func:`~sim.analysis.stats.paired_difference`); collapse among
    launched one of two shares each among its own launched replications (:func:`~sim.analysis.stats.paired_share_difference`).
    """
    if a.events is None or b.events is None or a.seed != b.seed or a.events.shape != b.events.shape:
        return None
    among_a, among_b = (np.ones(e.events.shape, bool) if e.among is None else e.among for e in (a, b))
    if not among_a.any() or not among_b.any():
        return None
    return paired_share_difference(a.events, among_a, b.events, among_b, confidence)


def measurably_lower(a: Evaluation, b: Evaluation, confidence: float = 0.95) -> bool:
    """Whether ``a``'s risk is measurably lower than ``b``'s: the paired interval of ``b - a`` (:func:`risk_difference`) lies above
    zero, or, where the two are not paired, ``a``'s interval lies wholly below ``b``'s."""
    difference = risk_difference(a, b, confidence)
    return difference.low > 0 if difference is not None else a.risk.high < b.risk.low


def evaluate(
    base: ModelConfig,
    packages: Sequence[Package],
    *,
    risk: str,
    seed: int,
    replications: int,
    stage: str,
    scale_cost: bool = True,
    block_size: int = 100_000,
    workers: int = 1,
    on_batch: Callable[[int], None] | None = None,
) -> list[Evaluation]:
    """Every package on the same replications ``0 .. replications-1`` of ``seed`` (paired), as few batches as ``block_size`` allows."""
    configs = [configure(base, p, scale_cost) for p in packages]
    out: list[Evaluation | None] = [None] * len(packages)
    for group, rep_blocks in batches(range(len(packages)), replications, block_size):
        parts: list[list[Table]] = [[] for _ in group]
        for reps in rep_blocks:
            for j, table in enumerate(simulate_points([configs[i] for i in group], reps, seed, workers)):
                parts[j].append(table)
            if on_batch is not None:
                on_batch(len(group) * len(reps))
        for j, i in enumerate(group):
            table = Table.concat(parts[j])
            estimate, cost, launched, hit, among = measure(table, risk)
            out[i] = Evaluation(packages[i], estimate, cost, replications, launched, stage, seed, hit, among)
    return [e for e in out if e is not None]


def combinations(pool: Sequence[str], max_levers: int) -> list[tuple[str, ...]]:
    """Every set of at most ``max_levers`` levers from ``pool`` (the empty set first)."""
    return [c for k in range(0, min(max_levers, len(pool)) + 1) for c in itertools.combinations(pool, k)]


def confirming_line(candidates: int, met: bool, replications: int, seed: int, goal: Goal | None = None) -> str:
    """The line a search says as it confirms its shortlist: whether any package met the target on screening, and what is confirmed.

    Parameters
    ----------
    candidates
        How many packages with levers are confirmed (no lever is confirmed besides them, as the reference).
    met
        Whether any package (no lever included) met the target on the screening replications or in tuning.
    replications, seed
        The fresh replications and seed of the confirmation.
    goal
        The search's question (default :meth:`Goal.of`'s): within a budget, a package "fit the budget"
        (no lever always does) and the nearest are the cheapest.

    Returns
    -------
    str
        ``Confirming 2 packages that met the target, and no lever, on ...``; when nothing met
        it, ``No package met the target on screening: confirming the 2 of lowest risk, and no
        lever, on ...`` (it said "Confirming 0 candidates and no lever" when none was left).
    """
    goal = goal or Goal.of()
    fresh = f"on {replications:,} fresh replications (seed {seed})"
    packages = f"{candidates} package{'s' if candidates != 1 else ''}"
    if met:
        if candidates:
            return f"Confirming {packages} that {goal.met} on screening, and no lever, {fresh}"
        return f"No lever met the target on screening, at no cost: confirming it alone {fresh}"
    if candidates:
        return f"{goal.nothing} on screening: confirming the {packages} {goal.nearest}, and no lever, {fresh}"
    return f"No package met the target on screening, and none with levers had a lower risk than no lever: confirming no lever alone {fresh}"


def shortlisted(evaluations: Sequence[Evaluation], goal: Goal, runners_up: int) -> list[Package]:
    """The packages with levers a search confirms: in each of the goal's margins (:attr:`Goal.margins`), the best that passes it.

    The best that met the goal on the screening seed, then the best that met it by a margin: the best of many is often
    lucky, and under a target the cheapest that met it on 1,000 replications can all miss it on fresh ones (the winner's
    curse). Where nothing met the goal, those nearest to it. No lever is left out: it is confirmed once, as the reference.

    Parameters
    ----------
    evaluations
        Every package screened and tuned, on the same replications.
    goal
        The search's question.
    runners_up
        Packages besides the best in each group.

    Returns
    -------
    list of Package
        Each package once, the groups in the order of their margins and each group best first.
    """
    answering = [e for e in sorted(evaluations, key=goal.rank) if goal.answers(e)]
    shortlist: list[Package] = []
    for margin in goal.margins:
        shortlist += [p for p in dict.fromkeys(e.package for e in answering if margin(e)) if p not in shortlist][: 1 + runners_up]
    if not shortlist:
        shortlist = list(dict.fromkeys(e.package for e in sorted(evaluations, key=goal.excess)))[: 1 + runners_up]
    return [p for p in shortlist if p.levers]


def tune(
    base: ModelConfig,
    names: tuple[str, ...],
    *,
    risk: str,
    goal: Goal,
    seed: int,
    replications: int,
    trials: int,
    latest_start: int,
    scale_cost: bool = True,
    block_size: int = 100_000,
    workers: int = 1,
    batch: int = 8,
    on_batch: Callable[[int], None] | None = None,
) -> list[Evaluation]:
    """Optuna's trials of start months and strengths for the levers ``names``: minimise ``goal``'s objective under its constraint.

    Under a target, the cost with ``risk - target <= 0``; within a budget, the risk with ``cost -
    budget <= 0`` (:meth:`Goal.objective`, :meth:`Goal.excess`, given to Optuna's
    ``trial.set_constraint``). Trials are asked ``batch`` at a time and run as one batch of the
    ensemble (paired with every other candidate: same seed and replications). Returns every
    trial's evaluation.
    """
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    sampler = optuna.samplers.TPESampler(seed=seed % (2**32))
    study = optuna.create_study(direction="minimize", sampler=sampler)
    start = default_package(base, names)
    study.enqueue_trial({**{f"{n}.start": s for n, s, _ in start.levers}, **{f"{n}.strength": min(max(v, 0.05), 1.0) for n, _, v in start.levers}})
    evaluations = []
    done = 0
    while done < trials:
        asked = [study.ask() for _ in range(min(batch, trials - done))]
        packages = [
            Package(tuple((n, t.suggest_int(f"{n}.start", 0, max(latest_start, 0)), round(t.suggest_float(f"{n}.strength", 0.05, 1.0), 3)) for n in names))
            for t in asked
        ]
        results = evaluate(
            base,
            packages,
            risk=risk,
            seed=seed,
            replications=replications,
            stage="tuned",
            scale_cost=scale_cost,
            block_size=block_size,
            workers=workers,
            on_batch=on_batch,
        )
        for t, e in zip(asked, results, strict=True):
            t.set_constraint("over_limit", goal.excess(e))
            study.tell(t, goal.objective(e))
        evaluations += results
        done += len(asked)
    return evaluations


def search(
    base: ModelConfig,
    *,
    pool: Sequence[str],
    risk: str = "failure",
    target: float | None = None,
    budget: float | None = None,
    seed: int = 0,
    replications: int = 1000,
    confirm_replications: int = 8000,
    max_levers: int = 3,
    tune_packages: int = 3,
    trials: int = 32,
    latest_start: int = 36,
    runners_up: int = 2,
    scale_cost: bool = True,
    block_size: int = 100_000,
    workers: int = 1,
    fresh_seed: int | None = None,
    on_batch: Callable[[int], None] | None = None,
    say: Callable[[str], None] = lambda line: None,
) -> Result:
    """Screen, tune and confirm (see the module's description): the cheapest package whose confirmed risk is at most ``target``,
    or the package of lowest confirmed risk whose confirmed cost is at most ``budget``.

    Parameters
    ----------
    base
        The configuration every package is applied to (its lever settings are the defaults).
    pool
        The levers a package may switch on.
    risk
        ``"failure"`` (any failure among all) or ``"collapse"`` (collapse among launched).
    target
        Highest acceptable risk, a share (default :data:`~sim.config.settings.DEFAULT_TARGET` when no ``budget`` is given).
    budget
        Instead of ``target``: the most a package may cost (mean lever cost per partnership over the horizon, GBP m).
    seed, replications
        The paired replications ``0 .. replications - 1`` of ``seed`` that screening and tuning run.
    confirm_replications
        Replications of the fresh seed each shortlisted package is confirmed on.
    max_levers
        Most levers in one screened combination.
    tune_packages
        How many of the best packages that met the goal (else of those nearest to it) Optuna tunes.
    trials
        Optuna trials per tuned package.
    latest_start
        Latest start month Optuna may choose.
    runners_up
        Packages shortlisted besides the cheapest, in each of the shortlist's groups (:attr:`Goal.margins`).
    scale_cost
        Scale a lever's costs with its strength.
    block_size, workers
        Replications per ensemble batch; worker threads.
    fresh_seed
        Seed of the confirmation (default: one derived from ``seed``).
    on_batch
        Called after each batch with the number of replications it ran (summed over its packages).
    say
        Called with a line on each step.

    Returns
    -------
    Result
        The winner (``None`` when neither a shortlisted package nor no lever met the target on
        confirmation; within a budget there is always one, no lever if nothing else), the confirmed packages with levers, the reference with no lever (confirmed
        once, as the reference, though it made the shortlist), and every screened and
        tuned evaluation.
    """
    if risk not in RISKS:
        raise ValueError(f"risk = {risk!r} must be one of {', '.join(RISKS)}")
    goal = Goal.of(target, budget)
    began = time.perf_counter()
    common = {"risk": risk, "scale_cost": scale_cost, "block_size": block_size, "workers": workers, "on_batch": on_batch}
    combos = combinations(list(pool), max_levers)
    say(f"Screening {len(combos)} lever combinations (up to {max_levers} of {len(pool)} levers) on {replications:,} paired replications each")
    screened = evaluate(base, [default_package(base, c) for c in combos], seed=seed, replications=replications, stage="screened", **common)
    fitting = [e for e in sorted(screened, key=goal.rank) if goal.answers(e)]
    tuned: list[Evaluation] = []
    to_tune = [e.package.names for e in fitting if e.package.levers][:tune_packages]
    if not fitting:
        # Nothing answers at the policy's settings: tune the packages nearest to the limit instead (lowest risk, or cheapest).
        to_tune = [e.package.names for e in sorted(screened, key=goal.excess) if e.package.levers][:tune_packages]
    for names in to_tune:
        say(f"Tuning start months and strengths of {', '.join(names)} with Optuna ({trials} trials)")
        tuned += tune(base, names, goal=goal, seed=seed, replications=replications, trials=trials, latest_start=latest_start, **common)
    shortlist = shortlisted([*screened, *tuned], goal, runners_up)
    fresh = fresh_seed if fresh_seed is not None else (seed + 1_000_003) % (2**63 - 1)
    say(confirming_line(len(shortlist), any(goal.answers(e) for e in [*screened, *tuned]), confirm_replications, fresh, goal))
    confirmed = evaluate(base, [Package(), *shortlist], seed=fresh, replications=confirm_replications, stage="confirmed", **common)
    reference, confirmed = confirmed[0], confirmed[1:]
    confirmed.sort(key=goal.rank)
    winner = next((e for e in confirmed if goal.fits(e)), None)
    if goal.fits(reference) and (winner is None or goal.rank(reference) <= goal.rank(winner)):
        winner = reference
    return Result(risk, goal, winner, confirmed, reference, screened, tuned, time.perf_counter() - began)
