"""Summaries of a replication table: outcome shares, timing of collapse, causes and savings.

:func:`summarise` gives plain data (for ``summary.json``), :func:`render` the compact
table ``sim-run`` prints. Every interval is two-sided at the summary's confidence level:
Wilson for shares, Kaplan-Meier with a log-log band for timing (see :mod:`sim.survival`
for how shelved partnerships enter it), Student t for mean money figures and the delta
method for realised savings over the business case.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from sim.analysis.stats import Estimate, mean_interval, ratio_of_means, shares, wilson
from sim.analysis.survival import SurvivalCurve, collapse_curve
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


def _interval(e: Estimate) -> dict[str, float]:
    return {"value": e.value, "low": e.low, "high": e.high}


def _horizon(table: pd.DataFrame, horizon: int | None) -> int:
    """The horizon given, or the latest end month (exact for the curve up to the last collapse)."""
    return int(table["end_month"].max()) if horizon is None else int(horizon)


def _causes(labels: pd.Series, confidence: float) -> list[dict[str, Any]]:
    case = {c.label: c.case for c in layout().causes}
    return [{"cause": s.label, "case": case.get(s.label, ""), "count": s.count, **_interval(s.share)} for s in shares(labels.to_numpy(str), confidence)]


def summarise(table: pd.DataFrame, horizon: int | None = None, confidence: float = 0.95) -> dict[str, Any]:
    """Every figure of a run's summary as plain data.

    Parameters
    ----------
    table
        Replication table (:func:`sim.outcomes.replication_table`), at least the columns
        ``outcome``, ``end_month``, ``cause`` and the money columns in :data:`MONEY`.
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
    n = len(table)
    horizon = _horizon(table, horizon)
    counts = table["outcome"].value_counts()
    outcomes = {o: {"count": int(counts.get(o, 0)), **_interval(wilson(int(counts.get(o, 0)), n, confidence))} for o in OUTCOMES[1:]}
    curve = collapse_curve(table, horizon, confidence)
    within = {}
    for years in YEARS:
        e = curve.failure_by(12 * years) if 12 * years <= horizon else None
        within[f"{years} years"] = None if e is None else {"month": 12 * years, **_interval(e)}
    median = curve.median()
    failed = table["outcome"].isin(FAILURES)
    savings = {name: _interval(mean_interval(table[name], confidence)) for name in MONEY}
    if table["business_case"].mean() > 0:
        savings["realised_over_business_case"] = _interval(ratio_of_means(table["realised_savings"], table["business_case"], confidence))
    return {
        "replications": n,
        "confidence": confidence,
        "horizon_months": horizon,
        "outcomes": outcomes,
        "collapse_within": within,
        "median_months_to_collapse": {"value": median.value, "low": median.low, "high": median.high},
        "causes_of_failure": _causes(table.loc[failed, "cause"], confidence),
        "causes_of_collapse": _causes(table.loc[table["outcome"] == "collapsed", "cause"], confidence),
        "savings": savings,
        "survival_curve": _curve(curve),
    }


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


#: Columns of the replication table the summary reads.
SUMMARY_COLUMNS = ("rep", "outcome", "end_month", "cause", "case", *MONEY)


class Collector:
    """A sink keeping the columns the summary reads, block after block."""

    def __init__(self) -> None:
        self.parts: list[Table] = []

    def write(self, table: Table) -> None:
        """Keep the summary columns of one block."""
        self.parts.append(table.select(SUMMARY_COLUMNS))

    def frame(self) -> pd.DataFrame:
        """The kept columns of every block as one DataFrame."""
        return Table.concat(self.parts).to_pandas()
