"""The validation evidence: what the model shows for each of the seven cases, measured, never asserted.

For each case scenario (Guide 08, cases 01 to 07): the shares of its outcomes with
intervals and the spread of its collapse months; which cause leads among the failures the
case ended in (the cause that had taken most of the value the council saw, or the savings)
and how often the case's own mechanism was *necessary* for them (counterfactual reruns);
the triggers of those failures; each lever's paired effect on them (common random
numbers), the matching lever's and the best; and **robustness**: whether the own mechanism
still leads, and the matching lever still helps, with each main assumption set to each end
of its plausible range (its declared prior). Nothing here is tuned to pass: where the
model does not show what the case says, the evidence says so. ``experiments/validation.py``
turns the evidence into ``docs/validation.md``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sim import population
from sim.analysis.attribution import Attribution
from sim.analysis.stats import Estimate, paired_difference, wilson
from sim.analysis.summary import FAILURES
from sim.config.cases import CASES, Case
from sim.config.model import ModelConfig
from sim.config.scenarios import load
from sim.core import kernel, triggers
from sim.core.declare import spec_of
from sim.core.layout import layout
from sim.core.levers import NAMES as LEVERS
from sim.core.params import DecisionParams, DynamicsParams, ExogenousParams, PartnershipParams
from sim.core.state import OUTCOMES, State

#: The main assumptions whose plausible range the robustness check spans: (section, name).
ASSUMPTIONS: tuple[tuple[str, str], ...] = (
    ("decisions", "outside_option"),
    ("decisions", "memory"),
    ("decisions", "inertia_routine"),
    ("decisions", "noise"),
    ("decisions", "coordination_cost"),
    ("dynamics", "optimism_bias"),
    ("partnership", "enthusiasm"),
    ("exogenous", "turnover_hazard"),
    ("exogenous", "control_change_all_out"),
    ("exogenous", "reorganisation_hazard"),
)
SECTION_CLASSES = {"decisions": DecisionParams, "dynamics": DynamicsParams, "partnership": PartnershipParams, "exogenous": ExogenousParams}


@dataclass
class Run:
    """One finished ensemble: its final state and outcome labels."""

    state: State
    outcome: np.ndarray

    def failed(self, outcomes: Sequence[str]) -> np.ndarray:
        """Per replication: the outcome is one of ``outcomes``."""
        return np.isin(self.outcome, outcomes)


Runner = Callable[[str, str, Sequence[str]], Run]


def make_runner(replications: int, seed: int, workers: int = 1) -> Runner:
    """A cached runner: ``(scenario, policy, overrides) -> Run``."""
    cache: dict[tuple[str, str, tuple[str, ...]], Run] = {}

    def run(scenario: str, policy: str = "none", overrides: Sequence[str] = ()) -> Run:
        key = (scenario, policy, tuple(overrides))
        if key not in cache:
            config = load(scenario, policy, list(overrides))
            reps = np.arange(replications, dtype=np.int64)
            s = kernel.run(population.build(config, seed, reps), reps, seed, workers=workers)
            cache[key] = Run(s, np.array(OUTCOMES, dtype=object)[s.partnership["outcome"]])
        return cache[key]

    return run


def leading(run: Run, outcomes: Sequence[str]) -> tuple[dict[str, float], dict[str, float]]:
    """Shares of each cause and each trigger among the replications ending in ``outcomes``."""
    plan = layout()
    mask = run.failed(outcomes)
    n = max(int(mask.sum()), 1)
    causes: dict[str, float] = {}
    for c in run.state.partnership["end_cause"][mask]:
        label = plan.label(int(c))
        causes[label] = causes.get(label, 0.0) + 1.0 / n
    found: dict[str, float] = {}
    for t in run.state.partnership["end_trigger"][mask]:
        label = triggers.label(int(t))
        found[label] = found.get(label, 0.0) + 1.0 / n
    return dict(sorted(causes.items(), key=lambda x: -x[1])), dict(sorted(found.items(), key=lambda x: -x[1]))


def spread(run: Run) -> dict[str, float]:
    """Months from launch to collapse: 10th, 50th and 90th percentiles, and the largest share on one month."""
    p = run.state.partnership
    collapsed = run.outcome == "collapsed"
    months = (p["end_month"] - p["launch_month"])[collapsed]
    if not len(months):
        return {"collapses": 0}
    _, counts = np.unique(months, return_counts=True)
    q10, q50, q90 = np.percentile(months, [10, 50, 90])
    return {"collapses": int(len(months)), "p10": float(q10), "p50": float(q50), "p90": float(q90), "largest_month_share": float(counts.max() / len(months))}


@dataclass
class Robustness:
    """Whether a case's own mechanism still leads, and its lever still helps, at one end of one assumption's range."""

    section: str
    name: str
    end: str
    value: float
    own_share: float
    leads: bool
    lever_effect: Estimate

    @property
    def lever_helps(self) -> bool:
        """The matching lever lowers the case's failure, with a 95% interval excluding zero."""
        return self.lever_effect.high < 0


@dataclass
class CaseEvidence:
    """What the runs show for one case scenario."""

    case: Case
    outcomes: dict[str, Estimate]
    failure: Estimate
    causes: dict[str, float]
    triggers: dict[str, float]
    necessary: dict[str, float]
    lever_effects: dict[str, Estimate]
    timing: dict[str, float]
    robustness: list[Robustness] = field(default_factory=list)

    @property
    def leading_cause(self) -> str:
        """The most frequent cause among the failures the case ended in."""
        return next(iter(self.causes), "none")

    @property
    def own_share(self) -> float:
        """The case's own cause's share of those failures."""
        return self.causes.get(self.case.cause, 0.0)

    @property
    def own_leads(self) -> bool:
        """The case's own cause leads among its failures."""
        return self.leading_cause == self.case.cause

    @property
    def matching(self) -> str:
        """The matching lever that lowers failure most."""
        return min(self.case.levers, key=lambda name: self.lever_effects[name].value)

    @property
    def best_lever(self) -> str:
        """The single lever that lowers failure most."""
        return min(self.lever_effects, key=lambda name: self.lever_effects[name].value)


@dataclass
class Evidence:
    """All the evidence of one validation run."""

    replications: int
    seed: int
    robustness_replications: int
    cases: list[CaseEvidence] = field(default_factory=list)
    baseline: dict[str, Any] = field(default_factory=dict)


def plausible_ends(section: str, name: str) -> tuple[float, float]:
    """The ends of an assumption's plausible range (its declared prior)."""
    prior = spec_of(SECTION_CLASSES[section], name).prior
    if prior is None:
        raise ValueError(f"{section}.{name} has no plausible range declared")
    return float(prior["low"]), float(prior["high"])


def necessary_shares(config: ModelConfig, run: Run, outcomes: Sequence[str], seed: int, workers: int) -> dict[str, float]:
    """For the failures ending in ``outcomes``: the share each mechanism and outside process was necessary for (counterfactual reruns)."""
    attribution = Attribution(config, seed, workers)
    attribution.add(run.state)
    report = attribution.report()
    total = max(int(run.failed(outcomes).sum()), 1)
    keep = {"collapsed": "collapses", "shelved": "failures", "underperforming": "failures"}
    if tuple(outcomes) == ("collapsed",):
        return {row["switch"]: row["collapses"] / total for row in report["necessary"]}
    return {row["switch"]: row[keep["shelved"]] / max(report["failures"], 1) for row in report["necessary"]}


def case_evidence(case: Case, run: Runner, seed: int, workers: int, robust: Runner | None) -> CaseEvidence:
    """Everything the evidence shows for one case scenario."""
    base = run(case.scenario, "none", ())
    n = len(base.outcome)
    outcomes = {o: wilson(int((base.outcome == o).sum()), n) for o in OUTCOMES[1:]}
    f0 = base.failed(case.failure)
    causes, found = leading(base, case.failure)
    necessary = necessary_shares(load(case.scenario), base, case.failure, seed, workers)
    effects = {lever: paired_difference(f0, run(case.scenario, lever, ()).failed(case.failure)) for lever in LEVERS}
    evidence = CaseEvidence(case, outcomes, wilson(int(f0.sum()), n), causes, found, necessary, effects, spread(base))
    if robust is not None:
        lever = evidence.matching
        for section, name in ASSUMPTIONS:
            for end, value in zip(("low", "high"), plausible_ends(section, name), strict=True):
                override = (f"{section}.{name}={value!r}",)
                r0 = robust(case.scenario, "none", override)
                r1 = robust(case.scenario, lever, override)
                c, _ = leading(r0, case.failure)
                own = c.get(case.cause, 0.0)
                leads = bool(c) and next(iter(c)) == case.cause
                evidence.robustness.append(
                    Robustness(section, name, end, value, own, leads, paired_difference(r0.failed(case.failure), r1.failed(case.failure)))
                )
    return evidence


def collect(replications: int = 3000, seed: int = 1, robustness_replications: int = 1500, workers: int = 1) -> Evidence:
    """Run everything the evidence needs (``robustness_replications=0`` skips the robustness table)."""
    run = make_runner(replications, seed, workers)
    robust = make_runner(robustness_replications, seed, workers) if robustness_replications else None
    evidence = Evidence(replications, seed, robustness_replications)
    evidence.cases = [case_evidence(case, run, seed, workers, robust) for case in CASES]
    base, every = run("baseline", "none", ()), run("baseline", "all_levers", ())
    causes, found = leading(base, ("collapsed",))
    n = len(base.outcome)
    net = every.state.partnership["realised_savings"] - every.state.partnership["investment_cost"] - every.state.partnership["lever_cost"]
    net -= every.state.partnership["other_cost"]
    net0 = base.state.partnership["realised_savings"] - base.state.partnership["investment_cost"] - base.state.partnership["other_cost"]
    difference = net - net0
    half = 1.96 * difference.std(ddof=1) / np.sqrt(len(difference))
    evidence.baseline = {
        "outcomes": {o: wilson(int((base.outcome == o).sum()), n) for o in OUTCOMES[1:]},
        "collapse_causes": causes,
        "collapse_triggers": found,
        "timing": spread(base),
        "all_levers_collapse": paired_difference(base.failed(("collapsed",)), every.failed(("collapsed",))),
        "all_levers_failure": paired_difference(base.failed(FAILURES), every.failed(FAILURES)),
        "all_levers_net_savings": Estimate(float(difference.mean()), float(difference.mean() - half), float(difference.mean() + half)),
        "all_levers_cost": float(every.state.partnership["lever_cost"].mean()),
    }
    return evidence
