"""Summaries of a run: outcome shares, timing of collapse, causes and savings, accumulated block by block.

A :class:`Tally` takes the replication table block by block (it is a sink of
:func:`sim.frontends.runner.run_blocks`) and keeps only counts and moments: outcome counts,
collapses per month, causes per outcome, and the moments of each money figure. Its memory
does not depend on the number of replications, and the summary is the same however the
replications were split into blocks. :func:`summarise` gives plain data (for
``summary.json``), :func:`render` the compact table ``sim-run`` prints. Every interval is
two-sided at the summary's confidence level: Wilson for shares, Kaplan-Meier with a log-log
band for timing (see :mod:`sim.analysis.survival` for how shelved partnerships enter it),
normal-approximation intervals for mean money figures and the delta method for realised
savings over the business case.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from sim.analysis.stats import CoMoments, Estimate, Moments, wilson
from sim.analysis.survival import SurvivalCurve, kaplan_meier_counts
from sim.core.layout import layout
from sim.core.state import OUTCOMES
from sim.frontends.table import Table

FAILURES = ("shelved", "collapsed", "underperforming")
YEARS = (2, 5, 10)
MONEY = {
    "business_case": "business case",
    "realised_savings": "realised savings",
    "investment_cost": "investment",
    "lever_cost": "lever costs",
    "other_cost": "other costs",
    "net_savings": "net savings",
}
#: Columns of the replication table the summary reads.
SUMMARY_COLUMNS = ("outcome", "end_month", "cause", *MONEY)


def _interval(e: Estimate) -> dict[str, float]:
    return {"value": e.value, "low": e.low, "high": e.high}


def _as_table(table: Any) -> Table:
    """A :class:`~sim.frontends.table.Table` of the summary's columns, from a Table or a pandas DataFrame."""
    if isinstance(table, Table):
        return table
    columns, labels = {}, {}
    for name in SUMMARY_COLUMNS:
        column = table[name]
        if hasattr(column, "cat"):
            labels[name] = tuple(str(c) for c in column.cat.categories)
            columns[name] = column.cat.codes.to_numpy(np.int64)
        elif column.dtype == object:
            labels[name] = tuple(sorted(set(column.astype(str))))
            columns[name] = np.array([labels[name].index(v) for v in column.astype(str)], np.int64)
        else:
            columns[name] = column.to_numpy()
    return Table(columns, labels)


class Tally:
    """What a summary needs, accumulated block by block (a sink of the block runner).

    Parameters
    ----------
    horizon
        Months simulated (collapses later than this are refused).
    """

    def __init__(self, horizon: int) -> None:
        self.horizon = int(horizon)
        self.n = 0
        self.outcomes = dict.fromkeys(OUTCOMES[1:], 0)
        self.collapses = np.zeros(self.horizon + 1, np.int64)
        self.causes: dict[str, dict[str, int]] = {o: {} for o in OUTCOMES[1:]}
        self.money = {name: Moments() for name in MONEY}
        self.ratio = CoMoments()

    def write(self, table: Any) -> None:
        """Add one block of the replication table (a :class:`~sim.frontends.table.Table` or a DataFrame)."""
        table = _as_table(table)
        if not len(table):
            return
        outcome = table.values("outcome").astype(str)
        end = np.asarray(table.columns["end_month"], np.int64)
        collapsed = outcome == "collapsed"
        if collapsed.any() and end[collapsed].max() > self.horizon:
            raise ValueError(f"a collapse after the horizon ({self.horizon} months)")
        self.n += len(outcome)
        for o in self.outcomes:
            self.outcomes[o] += int((outcome == o).sum())
        self.collapses += np.bincount(end[collapsed], minlength=self.horizon + 1)[: self.horizon + 1]
        cause = table.values("cause").astype(str)
        for o in self.causes:
            labels, counts = np.unique(cause[outcome == o], return_counts=True)
            for label, count in zip(labels, counts, strict=True):
                self.causes[o][str(label)] = self.causes[o].get(str(label), 0) + int(count)
        for name in MONEY:
            self.money[name] += Moments.of(table.columns[name])
        self.ratio += CoMoments.of(table.columns["realised_savings"], table.columns["business_case"])

    def curve(self, confidence: float = 0.95) -> SurvivalCurve:
        """The Kaplan-Meier curve of partnerships not yet collapsed (all others censored at the horizon)."""
        censored = np.zeros(self.horizon + 1, np.int64)
        censored[self.horizon] = self.n - int(self.collapses.sum())
        return kaplan_meier_counts(self.collapses, censored, confidence)

    def summary(self, confidence: float = 0.95) -> dict[str, Any]:
        """Every figure of the run's summary as plain data (see :func:`summarise`)."""
        if self.n == 0:
            raise ValueError("nothing to summarise: no replications")
        n, horizon = self.n, self.horizon
        outcomes = {o: {"count": c, **_interval(wilson(c, n, confidence))} for o, c in self.outcomes.items()}
        curve = self.curve(confidence)
        within = {}
        for years in YEARS:
            e = curve.failure_by(12 * years) if 12 * years <= horizon else None
            within[f"{years} years"] = None if e is None else {"month": 12 * years, **_interval(e)}
        median = curve.median()
        savings = {name: _interval(m.interval(confidence)) for name, m in self.money.items()}
        if self.ratio.y.mean > 0:
            savings["realised_over_business_case"] = _interval(self.ratio.ratio(confidence))
        failed: dict[str, int] = {}
        for o in FAILURES:
            for label, count in self.causes[o].items():
                failed[label] = failed.get(label, 0) + count
        return {
            "replications": n,
            "confidence": confidence,
            "horizon_months": horizon,
            "outcomes": outcomes,
            "collapse_within": within,
            "median_months_to_collapse": {"value": median.value, "low": median.low, "high": median.high},
            "causes_of_failure": _causes(failed, confidence),
            "causes_of_collapse": _causes(self.causes["collapsed"], confidence),
            "savings": savings,
            "survival_curve": _curve(curve),
        }


def _causes(counts: dict[str, int], confidence: float) -> list[dict[str, Any]]:
    """Each cause's count and share with a Wilson interval, most frequent first (ties by label)."""
    case = {c.label: c.case for c in layout().causes}
    total = sum(counts.values())
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [{"cause": label, "case": case.get(label, ""), "count": count, **_interval(wilson(count, total, confidence))} for label, count in ordered]


def summarise(table: Any, horizon: int | None = None, confidence: float = 0.95) -> dict[str, Any]:
    """Every figure of a run's summary as plain data.

    Parameters
    ----------
    table
        Replication table (a pandas DataFrame from :func:`sim.run_ensemble`, or a
        :class:`~sim.frontends.table.Table`), with at least :data:`SUMMARY_COLUMNS`.
    horizon
        Months simulated; defaults to the latest end month.
    confidence
        Level of every interval.

    Returns
    -------
    dict
        ``replications``, ``confidence``, ``horizon_months``, ``outcomes`` (count and share
        with interval), ``collapse_within`` (by years; None beyond the horizon),
        ``median_months_to_collapse``, ``causes_of_failure`` and ``causes_of_collapse``
        (count and share with interval, most frequent first), ``savings`` (mean GBP m per
        partnership over the horizon, and realised over business case) and
        ``survival_curve`` (months, survival, low, high).
    """
    tally = Tally(int(np.max(np.asarray(table["end_month"] if not isinstance(table, Table) else table.columns["end_month"]))) if horizon is None else horizon)
    tally.write(table)
    return tally.summary(confidence)


def _curve(curve: SurvivalCurve) -> dict[str, list[float]]:
    return {"months": curve.months.tolist(), "survival": curve.survival.tolist(), "low": curve.low.tolist(), "high": curve.high.tolist()}


LABEL = 32
FIGURES = 30


def _row(label: str, d: dict[str, Any] | None = None, count: int | None = None, source: str = "") -> str:
    """One line of the table: label, share, interval, count and source in fixed columns."""
    figures = "beyond the horizon" if d is None else f"{d['value']:6.1%}  [{d['low']:6.1%}, {d['high']:6.1%}]"
    return f"  {label:<{LABEL}}{figures:<{FIGURES}}{'' if count is None else count:>6}  {source}".rstrip()


def _heading(title: str, interval: str, counted: bool = True, source: bool = False) -> str:
    return f"{title:<{LABEL + 2}} {interval:<{FIGURES - 1}}{'count' if counted else '':>6}  {'source' if source else ''}".rstrip()


def case_label(case: str) -> str:
    """``"01"`` as ``"case 01"``; other sources (``exogenous``, ``Getting IT right``) as they are."""
    return f"case {case}" if case.isdigit() else case


def _money(d: dict[str, float]) -> str:
    if np.isnan(d["low"]):
        return f"{d['value']:6.2f}"
    return f"{d['value']:6.2f}  [{d['low']:6.2f}, {d['high']:6.2f}]"


def render(summary: dict[str, Any], top: int = 5) -> str:
    """The summary as a compact plain-text table for a terminal."""
    level = f"{summary['confidence']:.0%}"
    horizon = summary["horizon_months"]
    lines = [_heading(f"Outcome of {summary['replications']} partnerships", f"share  {level} CI (Wilson)")]
    lines += [_row(outcome, d, d["count"]) for outcome, d in summary["outcomes"].items()]
    lines.append(_heading("Collapse within", f"prob.  {level} CI (Kaplan-Meier)", counted=False))
    lines += [_row(label, d) for label, d in summary["collapse_within"].items()]
    m = summary["median_months_to_collapse"]
    if m["value"] is None:
        lines.append(f"Median months to collapse: not reached (fewer than half collapse within {horizon} months)")
    else:
        lines.append(f"Median months to collapse: {m['value']}  [{m['low']}, {'not reached' if m['high'] is None else m['high']}]")
    failures = sum(summary["outcomes"][o]["count"] for o in FAILURES)
    lines.append(_heading(f"Leading causes of {failures} failures", f"share  {level} CI (Wilson)", source=True))
    lines += [_row(c["cause"], c, c["count"], case_label(c["case"])) for c in summary["causes_of_failure"][:top]]
    lines.append(f"Money per partnership over {horizon} months (GBP m, mean and {level} CI)")
    money = {**MONEY, "realised_over_business_case": "realised / business case"}
    lines += [f"  {label:<{LABEL}}{_money(summary['savings'][name])}" for name, label in money.items() if name in summary["savings"]]
    return "\n".join(lines)
