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

from sim.analysis.stats import Estimate, Moments, PairedComparison, mcnemar_p, paired_counts, unpaired_counts, wilson
from sim.analysis.summary import FAILURES
from sim.config.model import ModelConfig
from sim.frontends.ensemble import blocks, simulate
from sim.frontends.table import Table

MEASURES: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "collapse": lambda outcome: outcome == "collapsed",
    "failure": lambda outcome: np.isin(outcome, FAILURES),
}
MONEY = ("lever_cost", "net_savings")


def _put(row: dict[str, Any], name: str, e: Estimate | None) -> None:
    row[name], row[f"{name}_low"], row[f"{name}_high"] = (np.nan,) * 3 if e is None else (e.value, e.low, e.high)


def _columns(table: Any) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """Replication indices, outcome labels and money columns of a Table or a DataFrame."""
    if isinstance(table, Table):
        return table.columns["rep"], table.values("outcome").astype(str), {m: table.columns[m] for m in MONEY}
    return table["rep"].to_numpy(), table["outcome"].astype(str).to_numpy(), {m: table[m].to_numpy(float) for m in MONEY}


class PairedTally:
    """Policies run on the same replications, compared with the first, accumulated block by block.

    Keeps per policy the count of each measure, the discordant counts against the
    reference, and the moments of the money figures and of the paired difference in net
    savings: memory does not depend on the number of replications.
    """

    def __init__(self, policies: list[str]) -> None:
        self.policies = list(policies)
        self.n = 0
        self.count = {p: dict.fromkeys(MEASURES, 0) for p in self.policies}
        self.only_reference = {p: dict.fromkeys(MEASURES, 0) for p in self.policies}
        self.only_policy = {p: dict.fromkeys(MEASURES, 0) for p in self.policies}
        self.money = {p: {m: Moments() for m in MONEY} for p in self.policies}
        self.difference = {p: Moments() for p in self.policies}

    def add(self, tables: Mapping[str, Any]) -> None:
        """Add one block: each policy's table of the same replications."""
        reference = self.policies[0]
        ref_reps, ref_outcome, ref_money = _columns(tables[reference])
        for policy in self.policies:
            reps, outcome, money = _columns(tables[policy])
            if not np.array_equal(reps, ref_reps):
                raise ValueError(f"policy {policy!r} was not run on the same replications as {reference!r}")
            for measure, event in MEASURES.items():
                a, b = event(ref_outcome), event(outcome)
                self.count[policy][measure] += int(b.sum())
                self.only_reference[policy][measure] += int((a & ~b).sum())
                self.only_policy[policy][measure] += int((~a & b).sum())
            for m in MONEY:
                self.money[policy][m] += Moments.of(money[m])
            self.difference[policy] += Moments.of(money["net_savings"] - ref_money["net_savings"])
        self.n += len(ref_reps)

    def comparison(self, policy: str, measure: str, confidence: float = 0.95) -> PairedComparison:
        """The paired comparison of ``policy`` with the reference on ``measure``."""
        n, only_a, only_b = self.n, self.only_reference[policy][measure], self.only_policy[policy][measure]
        unpaired = unpaired_counts(self.count[self.policies[0]][measure], n, self.count[policy][measure], n, confidence)
        return PairedComparison(paired_counts(n, only_a, only_b, confidence), unpaired, only_a, only_b, mcnemar_p(only_a, only_b))

    def frame(self, confidence: float = 0.95) -> Any:
        """One row per policy, as :func:`compare_policies` describes (a pandas DataFrame)."""
        import pandas as pd

        rows = []
        for i, policy in enumerate(self.policies):
            row: dict[str, Any] = {"policy": policy, "replications": self.n}
            for measure in MEASURES:
                _put(row, measure, wilson(self.count[policy][measure], self.n, confidence))
                c = None if i == 0 else self.comparison(policy, measure, confidence)
                _put(row, f"{measure}_difference", None if c is None else c.paired)
                row[f"{measure}_unpaired_low"], row[f"{measure}_unpaired_high"] = (np.nan, np.nan) if c is None else (c.unpaired.low, c.unpaired.high)
                row[f"{measure}_narrower"] = np.nan if c is None else 1.0 - c.width_ratio
                row[f"{measure}_efficiency"] = np.nan if c is None else c.efficiency
                row[f"{measure}_only_reference"] = 0 if c is None else c.only_a
                row[f"{measure}_only_policy"] = 0 if c is None else c.only_b
                row[f"{measure}_p_value"] = np.nan if c is None else c.p_value
            for m in MONEY:
                _put(row, m, self.money[policy][m].interval(confidence))
            _put(row, "net_savings_difference", None if i == 0 else self.difference[policy].interval(confidence))
            rows.append(row)
        return pd.DataFrame(rows)


def compare_policies(tables: Mapping[str, Any], confidence: float = 0.95) -> Any:
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
    tally = PairedTally(list(tables))
    tally.add(tables)
    return tally.frame(confidence)


def run_comparison(
    configs: Mapping[str, ModelConfig],
    seed: int,
    replications: int,
    block_size: int = 10_000,
    workers: int = 1,
    on_block: Callable[[int], None] | None = None,
    engine: Callable[..., Table] | None = None,
) -> PairedTally:
    """Run every configuration on the same replications and seed, block by block, and compare each with the first."""
    tally = PairedTally(list(configs))
    for reps in blocks(replications, block_size):
        if engine is None:
            tables = {name: simulate(config, reps, seed, workers=workers) for name, config in configs.items()}
        else:
            tables = {name: engine(config, reps, seed) for name, config in configs.items()}
        tally.add(tables)
        if on_block is not None:
            on_block(int(reps[-1]) + 1)
    return tally


def _points(value: float, low: float, high: float) -> str:
    return f"{100 * value:+6.1f} pts [{100 * low:+6.1f}, {100 * high:+6.1f}]"


def render(comparison: Any, confidence: float = 0.95) -> str:
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
