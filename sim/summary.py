"""Summaries of a replication table: outcome shares with intervals, timing and leading causes."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from sim.causes import CAUSES
from sim.state import OUTCOMES
from sim.stats import wilson

FAILURES = ("shelved", "collapsed", "underperforming")


def median_months_to_collapse(table: pd.DataFrame) -> float | None:
    """Month by which half the partnerships had collapsed, or None if fewer than half ever did."""
    months = np.sort(table.loc[table["outcome"] == "collapsed", "end_month"].to_numpy())
    half = (len(table) + 1) // 2
    return float(months[half - 1]) if len(months) >= half else None


def summarise(table: pd.DataFrame, top: int = 5) -> dict[str, Any]:
    """Outcome shares with 95% Wilson intervals, median months to collapse and leading causes."""
    n = len(table)
    counts = table["outcome"].value_counts()
    shares = {o: wilson(int(counts.get(o, 0)), n) for o in OUTCOMES[1:]}
    failed = table[table["outcome"].isin(FAILURES)]
    case_of = {c.label: c.case for c in CAUSES}
    leading = [
        {"cause": cause, "case": case_of.get(cause, ""), "share_of_failures": count / len(failed), "count": int(count)}
        for cause, count in failed["cause"].value_counts().head(top).items()
    ]
    return {
        "replications": n,
        "shares": {o: vars(e) for o, e in shares.items()},
        "median_months_to_collapse": median_months_to_collapse(table),
        "leading_causes": leading,
        "realised_over_business_case": float(table["realised_savings"].sum() / max(table["business_case"].sum(), 1e-12)),
        "mean_net_savings": float(table["net_savings"].mean()),
    }


def render(summary: dict[str, Any]) -> str:
    """The summary as plain text for a terminal."""
    lines = [f"Outcomes over {summary['replications']} replications (95% Wilson intervals):"]
    for outcome, e in summary["shares"].items():
        lines.append(f"  {outcome:<16} {e['value']:6.1%}  [{e['low']:6.1%}, {e['high']:6.1%}]")
    median = summary["median_months_to_collapse"]
    lines.append(f"Median months to collapse: {'not reached' if median is None else f'{median:.0f}'}")
    lines.append("Leading causes of failure (shelved, collapsed or underperforming):")
    for c in summary["leading_causes"]:
        case = f"case {c['case']}" if c["case"].isdigit() else c["case"]
        lines.append(f"  {c['cause']:<32} {c['share_of_failures']:6.1%}  ({case})")
    lines.append(f"Realised savings / business case: {summary['realised_over_business_case']:.2f}; mean net savings GBP {summary['mean_net_savings']:.2f}m")
    return "\n".join(lines)
