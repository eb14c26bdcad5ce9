"""Paired comparison of policies run on common random numbers (same seed, same replications).

Every policy runs replications ``0 .. n-1`` with one seed, so replication ``r`` meets the
same shocks under each policy and the outcomes are paired. Each policy's difference from
the first (the reference) in the probability of collapse and of failure (shelved,
collapsed or underperforming) gets the paired (McNemar-type) interval, next to the
interval two independent runs of the same size would give, how much narrower pairing
made it, and the exact McNemar p-value; money figures get paired t intervals.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from sim.analysis.stats import Estimate, compare_paired, mean_interval, wilson
from sim.analysis.summary import FAILURES

MEASURES: dict[str, Callable[[pd.DataFrame], np.ndarray]] = {
    "collapse": lambda t: (t["outcome"] == "collapsed").to_numpy(),
    "failure": lambda t: t["outcome"].isin(FAILURES).to_numpy(),
}
MONEY = ("lever_cost", "net_savings")


def _put(row: dict[str, Any], name: str, e: Estimate | None) -> None:
    row[name], row[f"{name}_low"], row[f"{name}_high"] = (np.nan,) * 3 if e is None else (e.value, e.low, e.high)


def compare_policies(tables: Mapping[str, pd.DataFrame], confidence: float = 0.95) -> pd.DataFrame:
    """One row per policy comparing it with the first on the same replications.

    Parameters
    ----------
    tables
        Replication tables by policy name, in order; the first is the reference. Each
        needs ``rep``, ``outcome``, ``lever_cost`` and ``net_savings``, with the same
        replications in the same order.
    confidence
        Level of every interval.

    Returns
    -------
    pandas.DataFrame
        ``policy``, ``replications``; per measure in :data:`MEASURES` the probability
        (``collapse``, ``collapse_low``, ``collapse_high``), the paired difference from the
        reference (``collapse_difference`` with ``_low``, ``_high``), the unpaired interval
        (``collapse_unpaired_low``, ``_high``), ``collapse_narrower`` (1 - paired width /
        unpaired width), ``collapse_efficiency`` (replications an unpaired comparison would
        need per paired one), the discordant counts ``collapse_only_reference`` and
        ``collapse_only_policy`` and ``collapse_p_value``; and for money (GBP m per
        partnership) ``lever_cost``, ``net_savings`` and ``net_savings_difference``, each
        with ``_low`` and ``_high``. Difference columns are nan on the reference's row.
    """
    names = list(tables)
    reference = tables[names[0]]
    rows = []
    for name, table in tables.items():
        if not np.array_equal(table["rep"].to_numpy(), reference["rep"].to_numpy()):
            raise ValueError(f"policy {name!r} was not run on the same replications as {names[0]!r}")
        row: dict[str, Any] = {"policy": name, "replications": len(table)}
        for measure, event in MEASURES.items():
            a, b = event(reference), event(table)
            _put(row, measure, wilson(int(b.sum()), len(b), confidence))
            c = None if name == names[0] else compare_paired(a, b, confidence)
            _put(row, f"{measure}_difference", None if c is None else c.paired)
            row[f"{measure}_unpaired_low"], row[f"{measure}_unpaired_high"] = (np.nan, np.nan) if c is None else (c.unpaired.low, c.unpaired.high)
            row[f"{measure}_narrower"] = np.nan if c is None else 1.0 - c.width_ratio
            row[f"{measure}_efficiency"] = np.nan if c is None else c.efficiency
            row[f"{measure}_only_reference"] = 0 if c is None else c.only_a
            row[f"{measure}_only_policy"] = 0 if c is None else c.only_b
            row[f"{measure}_p_value"] = np.nan if c is None else c.p_value
        for column in MONEY:
            _put(row, column, mean_interval(table[column], confidence))
        difference = table["net_savings"].to_numpy() - reference["net_savings"].to_numpy()
        _put(row, "net_savings_difference", None if name == names[0] else mean_interval(difference, confidence))
        rows.append(row)
    return pd.DataFrame(rows)


def _points(value: float, low: float, high: float) -> str:
    return f"{100 * value:+6.1f} pts [{100 * low:+6.1f}, {100 * high:+6.1f}]"


def render(comparison: pd.DataFrame, confidence: float = 0.95) -> str:
    """The comparison as plain text: one block per measure, then money."""
    level = f"{confidence:.0%}"
    reference = comparison["policy"].iloc[0]
    width = max(24, int(comparison["policy"].str.len().max()) + 4)
    lines = []
    for measure in MEASURES:
        lines.append(
            f"{'P(' + measure + ')':<{width}}{'share  ' + level + ' CI':<26}{'vs ' + reference + ', paired ' + level + ' CI':<34}"
            f"{'unpaired ' + level + ' CI':<22}narrower  p (McNemar)"
        )
        for row in comparison.itertuples(index=False):
            r = row._asdict()
            share = f"{r[measure]:6.1%} [{r[measure + '_low']:6.1%}, {r[measure + '_high']:6.1%}]"
            if r["policy"] == reference:
                lines.append(f"  {r['policy']:<{width - 2}}{share:<26}(reference)")
                continue
            difference = _points(r[f"{measure}_difference"], r[f"{measure}_difference_low"], r[f"{measure}_difference_high"])
            unpaired = f"[{100 * r[measure + '_unpaired_low']:+6.1f}, {100 * r[measure + '_unpaired_high']:+6.1f}]"
            narrower = f"{r[measure + '_narrower']:.0%}" if np.isfinite(r[measure + "_narrower"]) else "-"
            lines.append(f"  {r['policy']:<{width - 2}}{share:<26}{difference:<34}{unpaired:<22}{narrower:>8}  {r[measure + '_p_value']:.3g}")
    heading = f"{'GBP m per partnership':<{width}}{'lever cost':<12}{'net savings  ' + level + ' CI':<30}"
    lines.append(f"{heading}net savings vs {reference}, paired {level} CI")
    for row in comparison.itertuples(index=False):
        r = row._asdict()
        net = f"{r['net_savings']:6.2f} [{r['net_savings_low']:6.2f}, {r['net_savings_high']:6.2f}]"
        d = (r["net_savings_difference"], r["net_savings_difference_low"], r["net_savings_difference_high"])
        diff = "(reference)" if r["policy"] == reference else f"{d[0]:+6.2f} [{d[1]:+6.2f}, {d[2]:+6.2f}]"
        lines.append(f"  {r['policy']:<{width - 2}}{r['lever_cost']:<12.2f}{net:<30}{diff}")
    return "\n".join(lines)
