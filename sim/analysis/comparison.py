"""Paired comparison of policies run on common random numbers (same seed, same replications).

Every policy runs replications ``0 .. n-1`` with one seed, so replication ``r`` meets the
same shocks under each policy and the outcomes are paired. Each policy's difference from
the first (the reference) in the probability of collapse and of failure (shelved,
collapsed or underperforming) gets the paired (McNemar-type) interval, next to the
interval two independent runs of the same size would give, how much narrower pairing
made it, and the exact McNemar p-value; money figures get paired t intervals.

With parameter draws (``uncertainty=prior`` or ``posterior``: the tables have a ``draw``
column), every policy runs the same draws, so each draw is a paired comparison of its own:
the tally keeps each policy's outcomes and paired differences per half-draw (the
replications of draw ``d`` with even and odd indices), which gives each figure its total
interval (:func:`sim.analysis.stats.total_interval`), the distribution of each lever's effect
across draws, and how often the ranking of the levers changes from draw to draw.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from sim.analysis.stats import (
    DrawMoments,
    Estimate,
    Moments,
    PairedComparison,
    between_draws,
    mcnemar_p,
    paired_counts,
    total_interval,
    unpaired_counts,
    wilson,
)
from sim.analysis.summary import FAILURES
from sim.config.model import ModelConfig
from sim.config.uncertainty import Uncertainty
from sim.frontends.ensemble import blocks, simulate
from sim.frontends.table import Table

MEASURES: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "collapse": lambda outcome: outcome == "collapsed",
    "failure": lambda outcome: np.isin(outcome, FAILURES),
}
MONEY = ("lever_cost", "net_savings")
#: Per-replication quantities kept per half-draw for each policy: each measure's event and paired difference, net savings and its difference.
DRAW_COLUMNS = (*MEASURES, *(f"{m}_difference" for m in MEASURES), "net_savings", "net_savings_difference")
#: Quantiles of a lever's effect across parameter draws reported by the comparison.
EFFECT_QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)


def _put(row: dict[str, Any], name: str, e: Estimate | None) -> None:
    row[name], row[f"{name}_low"], row[f"{name}_high"] = (np.nan,) * 3 if e is None else (e.value, e.low, e.high)


def _columns(table: Any) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """Replication indices, outcome labels and money columns of a Table or a DataFrame."""
    if isinstance(table, Table):
        return table.columns["rep"], table.values("outcome").astype(str), {m: table.columns[m] for m in MONEY}
    return table["rep"].to_numpy(), table["outcome"].astype(str).to_numpy(), {m: table[m].to_numpy(float) for m in MONEY}


def _draws(table: Any) -> np.ndarray | None:
    """The ``draw`` column of a Table or a DataFrame, None without one."""
    if isinstance(table, Table):
        return table.columns.get("draw")
    return table["draw"].to_numpy(np.int64) if "draw" in table else None


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
        # per half-draw 2 d + (rep % 2), with parameter draws
        self.by_draw: dict[str, DrawMoments] | None = None

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
        draw = _draws(tables[reference])
        if draw is not None:
            self._add_draws(np.asarray(draw, np.int64), ref_reps, ref_outcome, ref_money["net_savings"], tables)
        elif self.by_draw is not None:
            raise ValueError("a block without parameter draws after blocks with them")
        self.n += len(ref_reps)

    def _add_draws(self, draw: np.ndarray, reps: np.ndarray, ref_outcome: np.ndarray, ref_net: np.ndarray, tables: Mapping[str, Any]) -> None:
        """Accumulate a block per half-draw: each policy's events, paired differences and net savings."""
        if self.by_draw is None:
            if self.n:
                raise ValueError("a block with parameter draws after blocks without them")
            self.by_draw = {p: DrawMoments(len(DRAW_COLUMNS)) for p in self.policies}
        key = 2 * draw + np.asarray(reps, np.int64) % 2
        for policy in self.policies:
            _, outcome, money = _columns(tables[policy])
            columns = {}
            for measure, event in MEASURES.items():
                b = event(outcome).astype(float)
                columns[measure] = b
                columns[f"{measure}_difference"] = b - event(ref_outcome)
            columns["net_savings"] = money["net_savings"]
            columns["net_savings_difference"] = money["net_savings"] - ref_net
            self.by_draw[policy].add(key, np.column_stack([columns[c] for c in DRAW_COLUMNS]))

    def draws(self, policy: str, halves: bool = False) -> DrawMoments:
        """A policy's per-draw moments of :data:`DRAW_COLUMNS` (``halves``: per half-draw ``2 d + rep % 2``)."""
        if self.by_draw is None:
            raise ValueError("no parameter draws: this comparison ran with uncertainty=none")
        return self.by_draw[policy] if halves else self.by_draw[policy].grouped(2)

    def _effects(self, measure: str, halves: bool = False) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Draws (or half-draws) every policy ran at least twice, and each lever's paired effect on ``measure`` and its noise there ``(D, L)``.

        The levers are every policy but the reference, in order.
        """
        levers = self.policies[1:]
        moments = [self.draws(p, halves) for p in levers]
        common = set(moments[0].used().tolist())
        for m in moments[1:]:
            common &= set(m.used().tolist())
        rows = np.array(sorted(common), np.int64)
        column = DRAW_COLUMNS.index(f"{measure}_difference")
        effects = np.column_stack([m.mean[rows, column] for m in moments])
        noise = np.column_stack([m.m2[rows, column] / (m.n[rows] * (m.n[rows] - 1.0)) for m in moments])
        return rows, effects, noise

    def ranking(self, measure: str) -> dict[str, Any] | None:
        """How often the ranking of the levers by their effect on ``measure`` changes across parameter draws (None with fewer than two levers).

        Returns
        -------
        dict
            ``order``: the levers from the largest reduction to the smallest, over the whole
            run; ``same_ranking``: share of draws ranking them the same way, each lever's
            effect in a draw corrected for Monte Carlo noise (:func:`sim.analysis.stats.between_draws`);
            ``best``: share of draws in which each lever ranks first (corrected likewise);
            ``raw_same_ranking``: the share without the correction; ``halves_same_ranking``:
            share of draws whose two halves (even and odd replications) rank them the same way,
            the agreement Monte Carlo noise alone allows at half the replications; ``draws``.
        """
        if self.by_draw is None or len(self.policies) < 3:
            return None
        levers = self.policies[1:]
        _, effects, noise = self._effects(measure)
        pooled = np.array([(self.only_policy[p][measure] - self.only_reference[p][measure]) / self.n for p in levers])
        order = np.argsort(pooled, kind="stable")
        _, shrunk = between_draws(effects, noise)
        corrected = np.argsort(shrunk, axis=1, kind="stable")
        raw = np.argsort(effects, axis=1, kind="stable")
        keys, halves, _ = self._effects(measure, halves=True)
        even = np.flatnonzero((keys % 2 == 0) & np.isin(keys + 1, keys))
        odd = np.searchsorted(keys, keys[even] + 1)
        pairs = len(even)
        agree = (np.argsort(halves[even], axis=1, kind="stable") == np.argsort(halves[odd], axis=1, kind="stable")).all(axis=1)
        return {
            "order": [levers[i] for i in order],
            "draws": len(effects),
            "same_ranking": float((corrected == order).all(axis=1).mean()),
            "best": {lever: float((corrected[:, 0] == i).mean()) for i, lever in enumerate(levers)},
            "raw_same_ranking": float((raw == order).all(axis=1).mean()),
            "halves_same_ranking": float(agree.mean()) if pairs else np.nan,
        }

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
            if self.by_draw is not None:
                self._totals(row, policy, i == 0, confidence)
            rows.append(row)
        frame = pd.DataFrame(rows)
        if self.by_draw is not None:
            for measure in MEASURES:
                ranking = self.ranking(measure)
                best = {} if ranking is None else ranking["best"]
                frame[f"{measure}_best_share"] = [best.get(p, np.nan) for p in self.policies]
        return frame

    def _totals(self, row: dict[str, Any], policy: str, reference: bool, confidence: float) -> None:
        """Add to a policy's row the total intervals and, for a lever, its effect's distribution across parameter draws."""
        moments = self.draws(policy)
        means, noise = moments.estimates()
        column = {name: i for i, name in enumerate(DRAW_COLUMNS)}

        def total(name: str, mc: Estimate, bounds: tuple[float, float] = (-np.inf, np.inf)) -> None:
            t = total_interval(means[:, column[name]], noise[:, column[name]], mc, confidence, bounds)
            row[f"{name}_total_low"], row[f"{name}_total_high"], row[f"{name}_parameter_share"] = t.low, t.high, t.parameter_share

        for measure in MEASURES:
            total(measure, Estimate(row[measure], row[f"{measure}_low"], row[f"{measure}_high"]), (0.0, 1.0))
            name = f"{measure}_difference"
            if reference:
                row.update({f"{name}_total_low": np.nan, f"{name}_total_high": np.nan, f"{name}_parameter_share": np.nan, f"{name}_helps": np.nan})
                row.update({f"{name}_q{round(100 * q):02d}": np.nan for q in EFFECT_QUANTILES})
                continue
            total(name, Estimate(row[name], row[f"{name}_low"], row[f"{name}_high"]), (-1.0, 1.0))
            _, shrunk = between_draws(means[:, column[name]], noise[:, column[name]])
            row[f"{name}_helps"] = float((shrunk < 0).mean())
            for q, value in zip(EFFECT_QUANTILES, np.quantile(shrunk, EFFECT_QUANTILES), strict=True):
                row[f"{name}_q{round(100 * q):02d}"] = float(value)
        if reference:
            row.update(
                {"net_savings_difference_total_low": np.nan, "net_savings_difference_total_high": np.nan, "net_savings_difference_parameter_share": np.nan}
            )
        else:
            d = "net_savings_difference"
            total(d, Estimate(row[d], row[f"{d}_low"], row[f"{d}_high"]))
        row["draws"] = len(means)


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
    uncertainty: Uncertainty | None = None,
) -> PairedTally:
    """Run every configuration on the same replications and seed, block by block, and compare each with the first.

    With ``uncertainty``, replication ``r`` of every policy runs parameter draw ``r // M``
    (the same drawn values wherever the policies share a parameter).
    """
    tally = PairedTally(list(configs))
    for reps in blocks(replications, block_size):
        if engine is None:
            tables = {name: simulate(config, reps, seed, workers=workers, uncertainty=uncertainty) for name, config in configs.items()}
        elif uncertainty is None:
            tables = {name: engine(config, reps, seed) for name, config in configs.items()}
        else:
            tables = {name: engine(config, reps, seed, uncertainty=uncertainty) for name, config in configs.items()}
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


def render_uncertainty(comparison: Any, rankings: Mapping[str, dict[str, Any] | None], mode: str, confidence: float = 0.95) -> str:
    """Which uncertainty the comparison carries and, with parameter draws, each lever's paired effect across draws and how stable the ranking is."""
    if mode == "none" or "draws" not in comparison:
        return (
            "Uncertainty: none. The assumptions are held at their stated values, so every interval above is Monte Carlo noise only;"
            " uncertainty=prior shows how the effects and their ranking move across the assumptions' plausible ranges."
        )
    level = f"{confidence:.0%}"
    reference = comparison["policy"].iloc[0]
    width = max(24, int(comparison["policy"].str.len().max()) + 4)
    draws = int(comparison["draws"].iloc[0])
    lines = [f"Uncertainty: {mode}. Every policy ran the same {draws:,} parameter draws; effects are paired differences from {reference}."]
    for measure in MEASURES:
        name = f"{measure}_difference"
        lines.append(
            f"{'Effect on P(' + measure + ')':<{width}}{'effect':>10}  {'total ' + level:<18}{'middle half of draws':<22}"
            f"{'helps in':>9}{'ranked first':>14}{'from parameters':>17}"
        )
        for row in comparison.iloc[1:].itertuples(index=False):
            r = row._asdict()
            total = f"[{100 * r[name + '_total_low']:+5.1f}, {100 * r[name + '_total_high']:+5.1f}]"
            middle = f"[{100 * r[name + '_q25']:+5.1f}, {100 * r[name + '_q75']:+5.1f}]"
            best = f"{r[measure + '_best_share']:.0%}" if np.isfinite(r[measure + "_best_share"]) else "-"
            lines.append(
                f"  {r['policy']:<{width - 2}}{100 * r[name]:+7.1f} pts  {total:<18}{middle:<22}{r[name + '_helps']:>9.0%}{best:>14}"
                f"{r[name + '_parameter_share']:>17.0%}"
            )
        ranking = rankings.get(measure)
        if ranking is not None:
            lines.append(
                f"  Ranking of the {len(ranking['order'])} levers by effect on {measure} (best first: {', '.join(ranking['order'])}):"
                f" the same in {ranking['same_ranking']:.0%} of draws, corrected for Monte Carlo noise ({ranking['raw_same_ranking']:.0%} uncorrected);"
                f" the two halves of one draw agree in {ranking['halves_same_ranking']:.0%} (Monte Carlo noise alone)."
            )
    return "\n".join(lines)
