"""Counterfactual attribution: for each failure, which mechanisms and outside processes it needed.

Each failed replication (shelved, collapsed or underperforming) is run again on the same
random numbers with one mechanism, or one process of change from outside, switched off; if
it no longer fails, that mechanism or process was *necessary* for the failure. The report
gives, for each, the share of failures (and of collapses) it was necessary for. Shares do
not add up to one: a failure can need several causes, or none alone.

Only what could have mattered is run again: a mechanism that took nothing (no value, trust
or savings booked to its cause, no shared state written) in a replication, or an outside
process that never reached any of its councils, leaves the replication exactly as it was
when switched off, so those reruns are skipped. The reruns of a block run as one batch, one
parameter point per switch.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sim import population
from sim.analysis.stats import wilson
from sim.analysis.summary import FAILURES, short_title
from sim.config.model import ModelConfig, checked
from sim.core import exogenous, kernel
from sim.core.layout import layout
from sim.core.state import COLLAPSED, SHELVED, UNDERPERFORMING, State

#: Outside processes that can be switched off: the flag in ``exogenous`` and the signals that show it acted.
PROCESSES: dict[str, tuple[str, int]] = {
    "elections": ("elections", exogenous.Signal.CONTROL_CHANGED),
    "chief_executives": ("chief_executives", exogenous.Signal.CHIEF_EXECUTIVE_LEFT | exogenous.ANNOUNCED),
    "budget_shocks": ("budget_shocks", exogenous.Signal.BUDGET_SHOCK),
    "reorganisation": ("reorganisation", exogenous.Signal.REORGANISED),
}
FAILED = (SHELVED, COLLAPSED, UNDERPERFORMING)


@dataclass
class Attribution:
    """Necessary-cause counts, accumulated block by block.

    ``outcomes`` are the outcome codes counted as failures (default: shelved, collapsed and
    underperforming); a rerun that ends in another of them still counts as a failure.
    """

    config: ModelConfig
    seed: int
    workers: int = 1
    outcomes: tuple[int, ...] = FAILED
    failures: int = 0
    collapses: int = 0
    necessary: dict[str, int] = field(default_factory=dict)
    necessary_collapse: dict[str, int] = field(default_factory=dict)
    reruns: int = 0
    seconds: float = 0.0

    def switches(self) -> list[str]:
        """Every switch: each registered mechanism, then each outside process."""
        return [m.name for m in layout().mechanisms] + list(PROCESSES)

    def _off(self, switch: str) -> ModelConfig:
        cfg = checked(self.config)
        if switch in PROCESSES:
            setattr(cfg.exogenous, PROCESSES[switch][0], False)
        else:
            cfg.mechanisms[switch].enabled = False
        return cfg

    def _relevant(self, s: State, switch: str, rows: np.ndarray) -> np.ndarray:
        """Which failed rows the switch could change (it acted in them)."""
        if switch in PROCESSES:
            return (s.council["felt"][rows] & PROCESSES[switch][1]).any(axis=1)
        plan = layout()
        mechanism = plan.mechanisms[[m.name for m in plan.mechanisms].index(switch)]
        if mechanism.shares:
            return np.ones(len(rows), bool)
        c = plan.cause_index[mechanism.cause]
        took = (s.value_lost[c][rows] != 0).any(axis=1) | (s.trust_lost[c][rows] != 0).any(axis=1) | (s.savings_lost[c][rows] != 0)
        return took | (s.partnership["end_cause"][rows] == c) | (s.council["exit_cause"][rows] == c).any(axis=1)

    def add(self, s: State) -> None:
        """Run again the failed replications of one finished block, once per switch that could matter."""
        started = time.perf_counter()
        outcome = s.partnership["outcome"]
        rows = np.flatnonzero(np.isin(outcome, self.outcomes))
        self.failures += len(rows)
        self.collapses += int((outcome[rows] == COLLAPSED).sum())
        switches = self.switches()
        reps, points, origin = [], [], []
        for p, switch in enumerate(switches):
            chosen = rows[self._relevant(s, switch, rows)]
            reps.append(s.reps[chosen])
            points.append(np.full(len(chosen), p, np.int64))
            origin.append(chosen)
        reps_all = np.concatenate(reps) if reps else np.zeros(0, np.int64)
        if len(reps_all):
            point_of_rep = np.concatenate(points)
            where = np.concatenate(origin)
            P = population.build([self._off(sw) for sw in switches], self.seed, reps_all, point_of_rep)
            again = kernel.run(P, reps_all, self.seed, workers=self.workers)
            still = np.isin(again.partnership["outcome"], self.outcomes)
            for p, switch in enumerate(switches):
                mine = point_of_rep == p
                saved = mine & ~still
                self.necessary[switch] = self.necessary.get(switch, 0) + int(saved.sum())
                self.necessary_collapse[switch] = self.necessary_collapse.get(switch, 0) + int((saved & (outcome[where] == COLLAPSED)).sum())
            self.reruns += len(reps_all)
        self.seconds += time.perf_counter() - started

    def report(self, confidence: float = 0.95) -> dict[str, Any]:
        """Each switch's share of failures (and of collapses) it was necessary for, with Wilson intervals; and what the reruns cost."""
        plan = layout()
        titles = {m.name: plan.causes[plan.cause_index[m.cause]].words for m in plan.mechanisms}
        titles |= {"elections": "Elections that change political control", "chief_executives": "Chief executives coming and going",
                   "budget_shocks": "Budget shocks", "reorganisation": "Local government reorganisation"}  # fmt: skip
        rows = []
        for switch in self.switches():
            n, c = self.necessary.get(switch, 0), self.necessary_collapse.get(switch, 0)
            row = {"switch": switch, "title": titles[switch], "failures": n, "collapses": c}
            if self.failures:
                e = wilson(n, self.failures, confidence)
                row |= {"share_of_failures": e.value, "low": e.low, "high": e.high}
            if self.collapses:
                e = wilson(c, self.collapses, confidence)
                row |= {"share_of_collapses": e.value, "collapses_low": e.low, "collapses_high": e.high}
            rows.append(row)
        rows.sort(key=lambda r: -r["failures"])
        return {
            "failures": self.failures,
            "collapses": self.collapses,
            "reruns": self.reruns,
            "seconds": self.seconds,
            "necessary": rows,
            "outcomes": list(FAILURES),
        }


def render(report: dict[str, Any], top: int = 8) -> str:
    """The attribution as plain text."""
    lines = [
        f"Necessary causes (counterfactual: each failure run again with one cause switched off; {report['failures']:,} failures,"
        f" {report['reruns']:,} reruns in {report['seconds']:.1f} s)",
        f"  {'switched off':<64}{'failures it was necessary for':<32}{'collapses':>10}",
    ]
    for row in report["necessary"][:top]:
        share = f"{row.get('share_of_failures', 0.0):6.1%}  [{row.get('low', 0.0):6.1%}, {row.get('high', 0.0):6.1%}]"
        collapses = f"{row.get('share_of_collapses', 0.0):6.1%}" if report["collapses"] else "-"
        lines.append(f"  {short_title(row['title'], 62):<64}{share:<32}{collapses:>10}")
    return "\n".join(lines)
