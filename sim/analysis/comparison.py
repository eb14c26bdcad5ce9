"""Paired comparison of policies run on common random numbers (same seed, same replications).

Every policy runs replications ``0 .. n-1`` with one seed, so replication ``r`` meets the
same shocks under each policy and the outcomes are paired. Each policy's difference from
the first (the reference) in the probability of being shelved, of collapse and of failure
(shelved, collapsed or underperforming) gets the paired (McNemar-type) interval, next to the
interval two independent runs of the same size would give, how much narrower pairing
made it, and the exact McNemar p-value; money figures get paired t intervals.
:func:`sentence` says in words what each policy changed, from those numbers only;
:func:`render` prints them first and the statistical detail only when asked.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from sim.analysis.stats import PILOT, STEP, Estimate, Moments, PairedComparison, mcnemar_p, paired_counts, unpaired_counts, wilson, z_value
from sim.analysis.summary import FAILURES
from sim.config.model import ModelConfig
from sim.core import kernel
from sim.frontends.ensemble import simulate
from sim.frontends.runner import Sinks, events_table
from sim.frontends.table import Table

MEASURES: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "shelved": lambda outcome: outcome == "shelved",
    "collapse": lambda outcome: outcome == "collapsed",
    "failure": lambda outcome: np.isin(outcome, FAILURES),
}
#: Each measure as the end of "the chance ...", for sentences.
CHANCE_OF = {
    "shelved": "that the proposal is shelved",
    "collapse": "that the partnership collapses",
    "failure": "of failure (shelved, collapsed or underperforming)",
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

    def planning_half_width(self, confidence: float = 0.95) -> float:
        """The largest conservative half-width of any policy's paired difference on any measure (0 with one policy).

        For each policy and measure, ``z * sqrt(d / n)`` with ``d`` the share of discordant
        pairs counted with one more (so that none seen yet does not read as perfect
        precision); never smaller than the paired interval's own half-width.
        """
        z = z_value(confidence)
        widest = 0.0
        for policy in self.policies[1:]:
            for measure in MEASURES:
                discordant = (self.only_reference[policy][measure] + self.only_policy[policy][measure] + 1) / (self.n + 1)
                widest = max(widest, z * math.sqrt(discordant / self.n))
        return widest

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


def _calling(callbacks: Any) -> Callable[[Any], None] | None:
    """One callback calling each of ``callbacks`` in turn (None if there are none)."""
    if not callbacks:
        return None

    def call(state: Any) -> None:
        for callback in callbacks:
            callback(state)

    return call


def next_paired_block(tally: PairedTally, precision: float | None, replications: int, block_size: int, confidence: float = 0.95) -> int:
    """Size of the next block of a comparison: a fixed count, or until :meth:`PairedTally.planning_half_width` is at most ``precision``.

    With a precision target: a pilot block first, then the replications the square-root law
    says are still missing, rounded up to a multiple of :data:`sim.analysis.stats.STEP`,
    between that step and ``block_size``. Depends only on the counts, so the stopping point
    is reproducible for a seed, a target and a block size.
    """
    if precision is None:
        return min(block_size, replications - tally.n)
    if tally.n == 0:
        return min(block_size, PILOT)
    widest = tally.planning_half_width(confidence)
    if widest <= precision:
        return 0
    missing = tally.n * ((widest / precision) ** 2 - 1)
    return int(min(block_size, max(STEP, STEP * math.ceil(missing / STEP))))


def run_comparison(
    configs: Mapping[str, ModelConfig],
    seed: int,
    replications: int,
    block_size: int = 10_000,
    workers: int = 1,
    on_block: Callable[[int], None] | None = None,
    engine: Callable[..., Table] | None = None,
    *,
    precision: float | None = None,
    sinks: Mapping[str, Sinks] | None = None,
) -> PairedTally:
    """Run every configuration on the same replications and seed, block by block, and compare each with the first.

    Parameters
    ----------
    configs
        Model configurations by policy name, the reference first.
    seed, replications, block_size, workers
        As for ``sim-compare``; ``replications`` is ignored when ``precision`` is given.
    on_block
        Called after each block with the replications done per policy.
    engine
        ``engine(config, reps, seed, log)`` instead of the compiled ensemble (the Mesa front-end).
    precision
        Target of :meth:`PairedTally.planning_half_width` (see :func:`next_paired_block`).
    sinks
        Per policy, where its tables, events and final states go (a summary tally, an event
        stream, a counterfactual attribution).
    """
    tally = PairedTally(list(configs))
    sinks = sinks or {}
    size = next_paired_block(tally, precision, replications, block_size)
    while size > 0:
        reps = np.arange(tally.n, tally.n + size, dtype=np.int64)
        tables = {}
        for name, config in configs.items():
            policy_sinks = sinks.get(name, Sinks())
            log: list[kernel.Event] | None = [] if policy_sinks.events is not None else None
            if engine is None:
                tables[name] = simulate(config, reps, seed, log=log, workers=workers, finished=_calling(policy_sinks.states))
            else:
                tables[name] = engine(config, reps, seed, log)
            for sink in policy_sinks.tables:
                sink.write(tables[name])
            if log and policy_sinks.events is not None:
                policy_sinks.events.write(events_table(log, [c.name for c in config.councils]))
        tally.add(tables)
        if on_block is not None:
            on_block(tally.n)
        size = next_paired_block(tally, precision, replications, block_size)
    return tally


def percent(p: float) -> str:
    """A probability as a percentage, with a decimal below 10% (``16%``, ``0.4%``)."""
    return f"{p:.0%}" if abs(p) >= 0.1 else f"{p:.1%}"


def _pts(x: float) -> str:
    return f"{100 * x:+.1f}"


def policy_words(policy: str) -> str:
    """A policy's name in words: ``agreed_decision_process`` as ``Agreed decision process``."""
    text = policy.replace("_", " ")
    return text[:1].upper() + text[1:]


def sentence(comparison: Any, policy: str, measures: tuple[str, ...] = ("shelved", "collapse")) -> str:
    """What a policy changed compared with the reference, in one sentence made from the comparison's numbers.

    A measure whose paired interval excludes zero "lowers" or "raises" the chance, from the
    reference's share to the policy's; a measure no replication changed is "unchanged";
    otherwise the policy "does not measurably change" it, and the interval of the difference
    is quoted. Then the lever cost and the change in net
    savings (GBP m per partnership over the horizon).
    """
    table = comparison.set_index("policy")
    reference = str(comparison["policy"].iloc[0])
    row, ref = table.loc[policy], table.loc[reference]
    clauses = []
    for m in measures:
        low, high = row[f"{m}_difference_low"], row[f"{m}_difference_high"]
        if row[f"{m}_only_reference"] == row[f"{m}_only_policy"] == 0:
            clauses.append(f"leaves the chance {CHANCE_OF[m]} unchanged in every simulated partnership ({percent(row[m])})")
        elif low > 0 or high < 0:
            verb = "lowers" if high < 0 else "raises"
            clauses.append(f"{verb} the chance {CHANCE_OF[m]} from {percent(ref[m])} to {percent(row[m])}")
        else:
            clauses.append(f"does not measurably change the chance {CHANCE_OF[m]} ({percent(row[m])}; difference {_pts(low)} to {_pts(high)} points)")
    cost = row["lever_cost"]
    clauses.append("costs nothing" if cost == 0 else f"costs GBP {cost:.2f} m per partnership")
    low, high, d = row["net_savings_difference_low"], row["net_savings_difference_high"], row["net_savings_difference"]
    if low > 0 or high < 0:
        clauses.append(f"{'raises' if d > 0 else 'lowers'} net savings by GBP {abs(d):.2f} m")
    else:
        clauses.append(f"does not measurably change net savings (difference GBP {low:+.2f} m to {high:+.2f} m)")
    return f"{policy_words(policy)}, compared with {reference.replace('_', ' ')}, " + ", ".join(clauses[:-1]) + f" and {clauses[-1]}."


def _points(value: float, low: float, high: float) -> str:
    return f"{100 * value:+6.1f} pts [{100 * low:+6.1f}, {100 * high:+6.1f}]"


def _share(r: Mapping[str, Any], measure: str) -> str:
    return f"{r[measure]:6.1%} [{r[measure + '_low']:6.1%}, {r[measure + '_high']:6.1%}]"


def render(comparison: Any, confidence: float = 0.95, detail: bool = False) -> str:
    """The comparison as plain text: a sentence per policy, the chances and their paired differences, money; with ``detail`` the tests too."""
    level = f"{confidence:.0%}"
    reference = comparison["policy"].iloc[0]
    width = max(24, int(comparison["policy"].str.len().max()) + 4)
    lines = [f"What each policy changed, compared with {reference} on the same simulated partnerships:"]
    lines += [f"  {sentence(comparison, p)}" for p in comparison["policy"].iloc[1:]]
    lines.append(f"Chance of each outcome (all partnerships; share and {level} interval)")
    lines.append(f"  {'':<{width - 2}}" + "".join(f"{m:<26}" for m in MEASURES).rstrip())
    for r in comparison.to_dict(orient="records"):
        lines.append(f"  {r['policy']:<{width - 2}}" + "".join(f"{_share(r, m):<26}" for m in MEASURES).rstrip())
    lines.append(f"Difference from {reference} (percentage points, paired {level} interval)")
    lines.append(f"  {'':<{width - 2}}" + "".join(f"{m:<32}" for m in MEASURES).rstrip())
    for r in comparison.iloc[1:].to_dict(orient="records"):
        cells = "".join(f"{_points(r[f'{m}_difference'], r[f'{m}_difference_low'], r[f'{m}_difference_high']):<32}" for m in MEASURES)
        lines.append(f"  {r['policy']:<{width - 2}}{cells}".rstrip())
    heading = f"{'GBP m per partnership':<{width}}{'lever cost':<12}{'net savings  ' + level + ' interval':<30}"
    lines.append(f"{heading}net savings vs {reference}, paired {level} interval")
    for r in comparison.to_dict(orient="records"):
        net = f"{r['net_savings']:6.2f} [{r['net_savings_low']:6.2f}, {r['net_savings_high']:6.2f}]"
        d = (r["net_savings_difference"], r["net_savings_difference_low"], r["net_savings_difference_high"])
        diff = "(reference)" if r["policy"] == reference else f"{d[0]:+6.2f} [{d[1]:+6.2f}, {d[2]:+6.2f}]"
        lines.append(f"  {r['policy']:<{width - 2}}{r['lever_cost']:<12.2f}{net:<30}{diff}")
    if detail:
        lines += render_tests(comparison, confidence).splitlines()
    return "\n".join(lines)


def render_tests(comparison: Any, confidence: float = 0.95) -> str:
    """The statistical detail: per measure the paired interval, the unpaired one, how much narrower pairing made it, and the exact McNemar p-value."""
    level = f"{confidence:.0%}"
    reference = comparison["policy"].iloc[0]
    width = max(24, int(comparison["policy"].str.len().max()) + 4)
    lines = [
        "Statistical detail: paired differences use the discordant pairs (McNemar-type normal interval); the unpaired interval is what two"
        " independent runs of the same size would give; p: exact McNemar test of no difference (two-sided binomial on the discordant pairs)."
    ]
    for measure in MEASURES:
        lines.append(
            f"{'P(' + measure + ')':<{width}}{'vs ' + reference + ', paired ' + level + ' CI':<34}{'unpaired ' + level + ' CI':<22}narrower  p (McNemar)"
        )
        for r in comparison.iloc[1:].to_dict(orient="records"):
            difference = _points(r[f"{measure}_difference"], r[f"{measure}_difference_low"], r[f"{measure}_difference_high"])
            unpaired = f"[{100 * r[measure + '_unpaired_low']:+6.1f}, {100 * r[measure + '_unpaired_high']:+6.1f}]"
            narrower = f"{r[measure + '_narrower']:.0%}" if np.isfinite(r[measure + "_narrower"]) else "-"
            lines.append(f"  {r['policy']:<{width - 2}}{difference:<34}{unpaired:<22}{narrower:>8}  {r[measure + '_p_value']:.3g}")
    return "\n".join(lines)
