"""Paired comparison of policies run on common random numbers (same seed, same replications).

Every policy runs replications ``0 .. n-1`` with one seed, so replication ``r`` meets the
same shocks under each policy and the outcomes are paired. Each policy's difference from
the first (the reference) in the probability of being shelved, of collapse and of failure
(shelved, collapsed or underperforming) gets the paired interval (Wald with the Agresti-Min
adjustment, :func:`sim.analysis.stats.paired_counts`), next to the
interval two independent runs of the same size would give, how much narrower (or, rarely,
wider) pairing made it, and the exact McNemar p-value; money figures get paired t intervals.
:func:`sentence` says in words what each policy changed, from those numbers only;
:func:`render` prints them first and the statistical detail only when asked.

With parameter draws (``uncertainty=prior`` or ``posterior``: the tables have a ``draw``
column), every policy runs the same draws, so each draw is a paired comparison of its own:
the tally keeps each policy's outcomes and paired differences per half-draw (the
replications of draw ``d`` with even and odd indices), which gives each figure its total
interval (:func:`sim.analysis.stats.total_interval`), the distribution of each lever's effect
across draws, and how often the ranking of the levers changes from draw to draw.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from statistics import NormalDist
from typing import Any, Literal

import numpy as np

from sim.analysis.stats import (
    PILOT,
    STEP,
    CrossMoments,
    DrawMoments,
    Estimate,
    Moments,
    PairedComparison,
    between_draws,
    draw_centre,
    mcnemar_p,
    paired_counts,
    total_interval,
    undetected,
    unpaired_counts,
    wilson,
    z_value,
)
from sim.analysis.summary import DEFINITIONS, FAILURES, amount, horizon_words, listed, parameter_part, words
from sim.config.distributions import plain_words, sample
from sim.config.model import ModelConfig
from sim.config.settings import NO_POLICY
from sim.config.uncertainty import Uncertainty
from sim.core.declare import label_words, spec_of
from sim.core.levers import LEVERS
from sim.core.params import LeverParams
from sim.frontends.ensemble import simulate
from sim.frontends.runner import Sinks
from sim.frontends.table import Table
from sim.frontends.words import upper_first

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
    reference, and the moments of the money figures and of the paired differences in lever
    cost and net savings; for each measure, each lever's extra cost over the reference and its paired difference jointly
    (:class:`sim.analysis.stats.CrossMoments`, for :meth:`cheaper`). Without parameter draws memory
    does not depend on the number of replications; with them it grows with the draws (per-draw moments), never with the
    replications of a draw.
    """

    def __init__(self, policies: list[str]) -> None:
        self.policies = list(policies)
        self.n = 0
        self.count = {p: dict.fromkeys(MEASURES, 0) for p in self.policies}
        self.only_reference = {p: dict.fromkeys(MEASURES, 0) for p in self.policies}
        self.only_policy = {p: dict.fromkeys(MEASURES, 0) for p in self.policies}
        self.money = {p: {m: Moments() for m in MONEY} for p in self.policies}
        self.difference = {p: Moments() for p in self.policies}
        self.cost_difference = {p: Moments() for p in self.policies}
        # per half-draw 2 d + (rep % 2), with parameter draws
        self.by_draw: dict[str, DrawMoments] | None = None
        # by measure, per parameter draw (one group without draws): each lever's extra cost and paired difference in the measure, jointly
        levers = len(self.policies) - 1
        self.joint = {measure: CrossMoments(2 * levers) for measure in MEASURES} if levers else {}

    def add(self, tables: Mapping[str, Any]) -> None:
        """Add one block: each policy's table of the same replications."""
        reference = self.policies[0]
        ref_reps, ref_outcome, ref_money = _columns(tables[reference])
        costs: list[np.ndarray] = []  # each lever's extra cost over the reference, then its paired difference in each measure: the joint columns
        differences: dict[str, list[np.ndarray]] = {measure: [] for measure in MEASURES}
        for policy in self.policies:
            reps, outcome, money = _columns(tables[policy])
            if not np.array_equal(reps, ref_reps):
                raise ValueError(f"policy {policy!r} was not run on the same replications as {reference!r}")
            for measure, event in MEASURES.items():
                a, b = event(ref_outcome), event(outcome)
                self.count[policy][measure] += int(b.sum())
                self.only_reference[policy][measure] += int((a & ~b).sum())
                self.only_policy[policy][measure] += int((~a & b).sum())
                if policy != reference:
                    differences[measure].append(b.astype(float) - a)
            extra = money["lever_cost"] - ref_money["lever_cost"]
            if policy != reference:
                costs.append(extra)
            for m in MONEY:
                self.money[policy][m] += Moments.of(money[m])
            self.difference[policy] += Moments.of(money["net_savings"] - ref_money["net_savings"])
            self.cost_difference[policy] += Moments.of(extra)
        draw = _draws(tables[reference])
        if draw is not None:
            self._add_draws(np.asarray(draw, np.int64), ref_reps, ref_outcome, ref_money["net_savings"], tables)
        elif self.by_draw is not None:
            raise ValueError("a block without parameter draws after blocks with them")
        group = np.zeros(len(ref_reps), np.int64) if draw is None else np.asarray(draw, np.int64)
        for measure, joint in self.joint.items():
            joint.add(group, np.column_stack([*costs, *differences[measure]]))
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

        Levers with exactly the same effect (in the run, or in a draw) are tied: they share a
        place, and a draw ranks the levers "the same way" as the run when it orders every pair
        as the run does, ties included. Never is a tie settled by the order the levers were listed in.

        The noise-corrected shares come from each lever's per-draw effects shrunk to their
        between-draw variance (:func:`draw_effects`), levers that both changed no partnership in
        a draw tied there (:func:`_tie_unchanged`). They are kept within what the draws can support: a draw's ranking can differ
        from the one its parameter values give only where Monte Carlo noise changed it, and
        the two halves of one draw (independent noise, the same parameter values) disagree at
        least ``2 e (1 - e)`` of the time when noise changes a half's ranking with probability
        ``e``. So the share of draws noise changed is at most ``e = (1 - sqrt(1 - 2 (1 - h))) / 2``,
        ``h`` the halves' agreement, and each corrected share is clipped to within ``e`` of its
        uncorrected share; where the halves agree in half of the draws or fewer (``e`` is then not
        bounded) it is nan (unclear). The same for ``best``, with ``h`` the halves' agreement on
        the lever(s) ranked first, keeping the shares a distribution (:func:`_supported_shares`).

        ``best`` is a distribution over the levers: a draw in which ``k`` levers tie for first
        counts ``1 / k`` for each of them, so the levers' shares add up to 1.

        Returns
        -------
        dict
            ``order``: the levers from the largest reduction to the smallest over the whole run
            (tied levers in listing order); ``tied``: for each lever, the levers the run cannot
            order it against because their effects are equal; ``same_ranking``: share of draws ranking them
            the same way, corrected for Monte Carlo noise and clipped as above; ``best``: share of
            draws in which each lever ranks first, a tie for first counting an equal part for each
            tied lever (corrected and clipped likewise; the shares add up to 1, or are all nan);
            ``raw_same_ranking`` and ``raw_best``: the shares
            without the correction; ``halves_same_ranking``: share of draws whose two halves (even
            and odd replications) rank them the same way, the agreement Monte Carlo noise alone
            allows at half the replications; ``unclear``: why ``same_ranking`` is nan (``"no spread"``
            where the draws show no spread and the run cannot tell the levers apart, ``"noise"``
            where Monte Carlo noise within a draw changes the ranking too often to bound), else None; ``draws``.
        """
        if self.by_draw is None or len(self.policies) < 3:
            return None
        levers = self.policies[1:]
        rows, effects, noise = self._effects(measure)
        pooled = np.array([(self.only_policy[p][measure] - self.only_reference[p][measure]) / self.n for p in levers])
        order = np.argsort(pooled, kind="stable")
        run = _places(pooled[None, :])[0]
        weights = self.draws(levers[0]).n[rows]
        per_lever = [draw_effects(effects[:, j], noise[:, j], weights) for j in range(len(levers))]
        tau2 = np.array([t for t, _, _ in per_lever])
        shrunk = _tie_unchanged(np.column_stack([e for _, e, _ in per_lever]), np.column_stack([c for _, _, c in per_lever]))
        corrected, raw = _places(shrunk), _places(effects)
        keys, halves, _ = self._effects(measure, halves=True)
        even = np.flatnonzero((keys % 2 == 0) & np.isin(keys + 1, keys))
        odd = np.searchsorted(keys, keys[even] + 1)
        first, second = _places(halves[even]), _places(halves[odd])
        halves_same = float((first == second).all(axis=1).mean()) if len(even) else np.nan
        halves_first = float(((first == 0) == (second == 0)).all(axis=1).mean()) if len(even) else np.nan
        raw_same = float((raw == run).all(axis=1).mean())
        raw_first = _first_shares(raw)
        raw_best = {lever: float(share) for lever, share in zip(levers, raw_first, strict=True)}
        same = _supported(float((corrected == run).all(axis=1).mean()), raw_same, halves_same)
        best = {lever: float(share) for lever, share in zip(levers, _supported_shares(_first_shares(corrected), raw_first, halves_first), strict=True)}
        unclear = None if np.isfinite(same) else "noise"
        if not (tau2 > 0).any():  # no spread detected: every draw ranks as the run does, which says no more than the run's order
            settled = [_settled(effects[:, a], effects[:, b]) for a, b in itertools.pairwise(order)]
            if not all(settled):
                same, unclear = np.nan, "no spread"
            if not settled[0]:
                best = dict.fromkeys(levers, np.nan)
        return {
            "order": [levers[i] for i in order],
            "tied": {lever: [other for j, other in enumerate(levers) if j != i and pooled[j] == pooled[i]] for i, lever in enumerate(levers)},
            "draws": len(effects),
            "same_ranking": same,
            "best": best,
            "raw_same_ranking": raw_same,
            "raw_best": raw_best,
            "halves_same_ranking": halves_same,
            "unclear": unclear,
        }

    def cheaper(self, measure: str, confidence: float = 0.95) -> dict[str, dict[str, Doubt]]:
        """For each lever that measurably lowers ``measure``, the levers whose cost per point avoided is measurably above its own (paired).

        A point avoided is bought by what a lever costs more than the reference (its paired
        difference in lever cost; its whole cost where the reference is no lever): levers ``A``
        and ``B`` costing ``cA`` and ``cB`` more (mean per partnership) that
        avoid ``pA`` and ``pB`` of the chance (both above zero) cost the same per point where
        ``X = cA pB - cB pA`` is zero, and ``A`` less where it is below zero. Every policy ran the
        same replications, so ``X``'s interval comes from the replications' paired outcomes
        (none, ``A``, ``B``) and costs: with constant costs ``X`` is the mean of ``cB dA - cA dB``
        per replication (``d`` a lever's paired difference in the event), whose variance the
        paired data give directly; with costs that vary by replication, the delta method
        (:func:`cost_contrast`). This is far tighter than asking whether the two levers' own
        intervals of cost per point overlap, as the noise the levers share (the same
        partnerships saved by both) cancels. ``A`` is measurably cheaper where ``X``'s Monte
        Carlo interval lies below zero. With parameter draws its total interval (the same
        construction as the paired differences', :func:`sim.analysis.stats.total_interval`) says
        whether that holds once the doubt about the assumptions is counted: the :data:`Doubt`
        ``"lost"`` where it reaches zero, ``"untested"`` where the draws could not measure that doubt.

        Parameters
        ----------
        measure
            One of :data:`MEASURES`.
        confidence
            Level of the intervals.

        Returns
        -------
        dict
            By lever that measurably lowers ``measure`` (its paired interval below zero), in the
            policies' order: the levers it is measurably cheaper than per point, each with its :data:`Doubt`.
        """
        lowering = [p for p in self.policies[1:] if self.comparison(p, measure, confidence).paired.high < 0]
        return self._cheaper(measure, lowering, confidence)

    def _cheaper(self, measure: str, lowering: Sequence[str], confidence: float) -> dict[str, dict[str, Doubt]]:
        """:meth:`cheaper`, given the levers that measurably lower ``measure`` (in the policies' order)."""
        levers = self.policies[1:]
        said: dict[str, dict[str, Doubt]] = {lever: {} for lever in lowering}
        if len(lowering) < 2:
            return said
        joint = self.joint[measure]
        n, mean, covariance = joint.pooled()
        draws = joint.groups() if self.by_draw is not None else None
        for a, b in itertools.permutations([levers.index(lever) for lever in lowering], 2):
            index = [a, b, len(levers) + a, len(levers) + b]
            mc, _ = cost_contrast(n, mean[index], covariance[np.ix_(index, index)], confidence)
            if not mc.high < 0:
                continue
            doubt: Doubt = ""
            if draws is not None:
                sizes, means, covariances = draws
                per_draw = [cost_contrast(k, m[index], c[np.ix_(index, index)], confidence) for k, m, c in zip(sizes, means, covariances, strict=True)]
                noise = np.array([variance for _, variance in per_draw])
                t = total_interval(np.array([e.value for e, _ in per_draw]), noise, mc, confidence, weights=sizes, normal=True)
                doubt = "lost" if t.high >= 0 else "untested" if undetected(t.parameter_share) else ""
            said[levers[a]][levers[b]] = doubt
        return said

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
        compared = {(policy, measure): self.comparison(policy, measure, confidence) for policy in self.policies[1:] for measure in MEASURES}
        for i, policy in enumerate(self.policies):
            row: dict[str, Any] = {"policy": policy, "replications": self.n}
            for measure in MEASURES:
                _put(row, measure, wilson(self.count[policy][measure], self.n, confidence))
                c = None if i == 0 else compared[policy, measure]
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
            _put(row, "lever_cost_difference", None if i == 0 else self.cost_difference[policy].interval(confidence))
            if self.by_draw is not None:
                self._totals(row, policy, i == 0, confidence)
            rows.append(row)
        frame = pd.DataFrame(rows)
        for measure in MEASURES:
            cheaper = self._cheaper(measure, [p for p in self.policies[1:] if compared[p, measure].paired.high < 0], confidence)
            frame[f"{measure}_cheaper_than"] = [" ".join(cheaper.get(p, {})) for p in self.policies]
            if self.by_draw is not None:
                for doubt in ("lost", "untested"):
                    frame[f"{measure}_cheaper_than_{doubt}"] = [" ".join(b for b, d in cheaper.get(p, {}).items() if d == doubt) for p in self.policies]
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
        n = moments.replications()
        column = {name: i for i, name in enumerate(DRAW_COLUMNS)}

        def total(name: str, mc: Estimate, bounds: tuple[float, float] = (-np.inf, np.inf), normal: bool = False) -> None:
            t = total_interval(means[:, column[name]], noise[:, column[name]], mc, confidence, bounds, n, normal=normal)
            row[f"{name}_total_low"], row[f"{name}_total_high"], row[f"{name}_parameter_share"] = t.low, t.high, t.parameter_share

        for measure in MEASURES:
            total(measure, Estimate(row[measure], row[f"{measure}_low"], row[f"{measure}_high"]), (0.0, 1.0))
            name = f"{measure}_difference"
            if reference:
                row.update({f"{name}_{end}": np.nan for end in ("total_low", "total_high", "parameter_share", "helps", "unchanged")})
                row.update({f"{name}_q{round(100 * q):02d}": np.nan for q in EFFECT_QUANTILES})
                continue
            total(name, Estimate(row[name], row[f"{name}_low"], row[f"{name}_high"]), (-1.0, 1.0), normal=True)
            row[f"{name}_unchanged"] = float(1.0 - changed_draws(means[:, column[name]], noise[:, column[name]]).mean())
            helps, quantiles = effect_spread(means[:, column[name]], noise[:, column[name]], n, (row[f"{name}_total_low"], row[f"{name}_total_high"]))
            row[f"{name}_helps"] = helps
            for q, value in zip(EFFECT_QUANTILES, quantiles, strict=True):
                row[f"{name}_q{round(100 * q):02d}"] = float(value)
        if reference:
            row.update(
                {"net_savings_difference_total_low": np.nan, "net_savings_difference_total_high": np.nan, "net_savings_difference_parameter_share": np.nan}
            )
        else:
            d = "net_savings_difference"
            total(d, Estimate(row[d], row[f"{d}_low"], row[f"{d}_high"]))
        row["draws"] = len(means)


def cost_contrast(n: int, mean: np.ndarray, covariance: np.ndarray, confidence: float = 0.95) -> tuple[Estimate, float]:
    """``X = cA pB - cB pA`` with its paired interval: below zero where lever ``A`` costs less than ``B`` per point avoided.

    ``pA = -mean(dA)``, ``dA`` lever ``A``'s paired difference in the event per replication (the
    event under ``A`` minus under the reference), and ``cA`` its mean cost; so ``X = cB mean(dA) -
    cA mean(dB)``. Its variance is ``g' C g / n``, ``C`` the covariance of ``(cA, cB, dA, dB)``
    per replication and ``g = (-mean(dB), mean(dA), cB, -cA)`` ``X``'s gradient: exact where the
    costs do not vary by replication (``X`` is then the mean of ``cB dA - cA dB``), the delta
    method where they do.

    The interval takes the Agresti-Min adjustment of :func:`sim.analysis.stats.paired_counts`, so that
    a few discordant replications do not make it collapse to a point: half a replication in which
    only ``A`` avoids the event (``dA = -1``, ``dB = 0``), half a one in which only ``B`` does, and one
    in which neither does, each at the levers' mean costs (``n + 2`` replications); the Wald interval
    of the adjusted ``X`` is then widened, where needed, to hold the observed one. With costs that
    do not vary it is :func:`~sim.analysis.stats.paired_counts`'s interval of ``A``'s event rate minus
    ``B``'s, times the cost: ``A`` saving 4 partnerships ``B`` does not (and ``B`` none that ``A``
    does not) is not measurably cheaper (the exact McNemar p is 0.125), 5 is.

    Parameters
    ----------
    n
        Replications (paired: every policy ran them).
    mean
        ``(4,)``: the means of ``cA``, ``cB``, ``dA``, ``dB``.
    covariance
        ``(4, 4)``: their covariance per replication (``ddof`` 1).
    confidence
        Level of the interval.

    Returns
    -------
    estimate, variance
        ``X`` (the observed value) with its adjusted interval, and the Monte Carlo variance of the observed ``X``
        (``g' C g / n``, unadjusted, as :meth:`sim.analysis.stats.DrawMoments.estimates` gives a paired difference's).
    """
    mean = np.asarray(mean, float)
    covariance = np.asarray(covariance, float)

    def gradient(m: np.ndarray) -> np.ndarray:
        return np.array([-m[3], m[2], m[1], -m[0]])

    c_a, c_b, d_a, d_b = mean
    value = float(c_b * d_a - c_a * d_b)
    variance = max(float(gradient(mean) @ covariance @ gradient(mean)), 0.0) / n
    pseudo = np.array([[c_a, c_b, -1.0, 0.0], [c_a, c_b, 0.0, -1.0], [c_a, c_b, 0.0, 0.0]])
    weight = np.array([0.5, 0.5, 1.0])
    size = n + 2
    moments = (n - 1) * covariance + n * np.multiply.outer(mean, mean) + (pseudo.T * weight) @ pseudo
    adjusted = (n * mean + weight @ pseudo) / size
    spread = moments / size - np.multiply.outer(adjusted, adjusted)
    centre = float(adjusted[1] * adjusted[2] - adjusted[0] * adjusted[3])
    half = z_value(confidence) * math.sqrt(max(float(gradient(adjusted) @ spread @ gradient(adjusted)), 0.0) / size)
    return Estimate(value, min(centre - half, value), max(centre + half, value)), variance


def draw_effects(estimates: np.ndarray, noise: np.ndarray, weights: np.ndarray | None = None) -> tuple[float, np.ndarray, np.ndarray]:
    """A lever's effect in each parameter draw corrected for Monte Carlo noise, and the draws in which it changed some partnership.

    The effects are the draws shrunk to their between-draw variance
    (:func:`sim.analysis.stats.between_draws`). On common random numbers, a draw whose paired
    differences are all zero (mean and spread 0) is one in which the lever changed the outcome
    of none of its partnerships (``changed`` false): its effect is not seen at this many
    replications per draw, but not shown to be zero either (a lever changing one partnership
    in fifty leaves two draws in three of 20 replications unchanged), and every such draw
    shrinks to one value. So no figure across draws reads that value as measured: ``helps in``
    and the quantiles come from the normal between-draw model itself (:func:`effect_spread`),
    and levers that both left a draw unchanged tie there (:func:`_tie_unchanged`).

    Parameters
    ----------
    estimates
        ``(D,)``: the lever's mean paired difference in each draw.
    noise
        ``(D,)``: the Monte Carlo variance of each.
    weights
        ``(D,)``: each draw's replications (default: all equal).

    Returns
    -------
    tau2, effects, changed
        The between-draw variance, the shrunk effects ``(D,)`` and whether the lever changed some partnership in each draw ``(D,)``.
    """
    tau2, shrunk = between_draws(estimates, noise, weights)
    return float(tau2), shrunk, changed_draws(estimates, noise)


def changed_draws(estimates: np.ndarray, noise: np.ndarray) -> np.ndarray:
    """Whether a lever changed the outcome of some partnership in each draw ``(D,)``: its paired differences there are not all zero (mean or spread)."""
    return (np.asarray(estimates) != 0) | (np.asarray(noise) > 0)


def effect_spread(
    estimates: np.ndarray, noise: np.ndarray, weights: np.ndarray | None = None, interval: tuple[float, float] = (np.nan, np.nan)
) -> tuple[float, np.ndarray]:
    """``helps in`` and the :data:`EFFECT_QUANTILES` of a lever's effect across parameter draws, from the between-draw model.

    The model the shrinkage rests on (:func:`sim.analysis.stats.between_draws`): the lever's
    true effect spreads across draws as a normal distribution, with the draws' centre ``c``
    (:func:`sim.analysis.stats.draw_centre`) and the between-draw variance ``tau2`` (their
    variance less the Monte Carlo noise within them). ``helps in`` is the share of that
    distribution below zero, ``Phi(-c / sqrt(tau2))``, and the quantiles are its quantiles.
    Both estimate the spread of the true effect, whatever the replications per draw: only
    their precision depends on them. Counting draws instead (those whose shrunk effect is
    below zero, or the quantiles of the shrunk effects) measured mostly how many draws the
    lever left unchanged by chance, which more replications per draw lower: for the
    continuity plan on collapse in the baseline the count rose from about a third of the
    draws at 20 replications a draw to nearly all at 1,000, where this stays near 90%; the
    quartiles of the shrunk effects had an end on the one value every unchanged draw shrinks
    to. ``docs/uncertainty.md`` (step 6 of the method) gives the figures, with the run and
    command that give them, as ``experiments/uncertainty.py`` last measured them.

    The normal shape is an assumption: where the lever does nothing at all in some draws, or
    its effect is skewed (most draws lower the chance a little, a few a lot), the share below
    zero can be some points off the share of draws (the same page quotes it against the draws
    at 1,000 replications each).

    Without a spread detected (``tau2`` 0) every draw is the centre: ``helps in`` is then the
    mean's sign as the total interval ``interval`` says it (1 below zero, 0 above, nan where it
    holds zero; 0 where the lever changed no partnership in any draw) and every quantile is the centre.

    Parameters
    ----------
    estimates, noise
        ``(D,)``: the lever's mean paired difference in each draw and its Monte Carlo variance.
    weights
        ``(D,)``: each draw's replications (default: all equal).
    interval
        The effect's total interval ``(low, high)``.

    Returns
    -------
    helps, quantiles
        The share of draws in which the lever lowers the measure and the effect's quantiles ``(len(EFFECT_QUANTILES),)``.
    """
    tau2, _ = between_draws(estimates, noise, weights)
    centre = float(draw_centre(estimates, weights))
    if not tau2 > 0:
        low, high = interval
        helps = 1.0 if high < 0 else 0.0 if low > 0 or not (np.any(estimates) or np.any(noise)) else np.nan
        return helps, np.full(len(EFFECT_QUANTILES), centre)
    spread = NormalDist(centre, float(np.sqrt(tau2)))
    return spread.cdf(0.0), np.array([spread.inv_cdf(q) for q in EFFECT_QUANTILES])


def _tie_unchanged(effects: np.ndarray, changed: np.ndarray) -> np.ndarray:
    """Levers' effects per draw ``(D, L)`` with those two or more levers left unchanged in a draw tied there, at the mean of their effects.

    Each lever's unchanged draws shrink towards its own mean, so without the tie the lever
    whose unchanged draws shrink furthest would rank first in every draw in which no lever
    changed anything: a draw that cannot tell the levers apart ranks them equal.
    """
    idle = ~changed
    together = idle.sum(axis=1, keepdims=True)
    common = np.where(idle, effects, 0.0).sum(axis=1, keepdims=True) / np.maximum(together, 1)
    return np.where(idle & (together >= 2), common, effects)


def _settled(a: np.ndarray, b: np.ndarray) -> bool:
    """Whether effects ``a`` are lower than ``b`` beyond noise, from their paired differences across draws (one-sided, 95%), or equal in every draw (a tie)."""
    d = a - b
    if not d.any():
        return True
    return bool(d.mean() < -z_value(0.9) * d.std(ddof=1) / np.sqrt(len(d))) if len(d) > 1 else bool(d.mean() < 0)


def _places(effects: np.ndarray) -> np.ndarray:
    """Each lever's place in each row ``(D, L)``: how many levers have a strictly lower effect (0 is first; equal effects share a place)."""
    return (effects[:, None, :] < effects[:, :, None]).sum(axis=2)


def _first_shares(places: np.ndarray) -> np.ndarray:
    """Each lever's share of the rows ``(D, L)`` of places in which it is first, a tie for first counting ``1 / k`` for each of the ``k`` tied levers."""
    first = (places == 0).astype(float)
    return (first / first.sum(axis=1, keepdims=True)).mean(axis=0)


def _noise_bound(halves: float) -> float:
    """``e``, the most of the draws whose ranking Monte Carlo noise changed, from ``halves``, how often the two halves of a draw agree (nan where not bounded).

    See :meth:`PairedTally.ranking`.
    """
    disagree = 1.0 - halves
    if not disagree <= 0.5:  # also nan halves: no draw had two halves
        return np.nan
    return (1.0 - math.sqrt(1.0 - 2.0 * disagree)) / 2.0


def _supported(corrected: float, raw: float, halves: float) -> float:
    """A noise-corrected share kept within ``e`` (:func:`_noise_bound`) of the uncorrected share, nan where ``e`` is not bounded."""
    e = _noise_bound(halves)
    return float(min(max(corrected, raw - e), raw + e)) if np.isfinite(e) else np.nan


def _supported_shares(corrected: np.ndarray, raw: np.ndarray, halves: float) -> np.ndarray:
    """Noise-corrected shares adding up to 1 kept within ``e`` of the uncorrected ones, still adding up to 1 (all nan where ``e`` is not bounded).

    The closest such shares to ``corrected``: each is ``corrected + c`` clipped to within ``e``
    of its uncorrected share (and to ``[0, 1]``), with the one shift ``c`` that makes them add
    up to 1 (found by bisection; the uncorrected shares themselves add up to 1, so it exists).
    With two levers ``c`` is 0: each share is clipped as :func:`_supported` clips it.
    """
    e = _noise_bound(halves)
    if not np.isfinite(e):
        return np.full(len(raw), np.nan)
    low, high = np.clip(raw - e, 0.0, 1.0), np.clip(raw + e, 0.0, 1.0)
    below, above = -1.0, 1.0
    for _ in range(60):
        shift = (below + above) / 2
        if np.clip(corrected + shift, low, high).sum() < 1.0:
            below = shift
        else:
            above = shift
    return np.clip(corrected + (below + above) / 2, low, high)


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
        unpaired width: how much narrower pairing made the interval, negative where it made
        it wider, as a few discordant pairs or outcomes moving in opposite directions can;
        nan where the unpaired interval has no width), ``collapse_efficiency`` (replications an unpaired comparison would
        need per paired one), the discordant counts ``collapse_only_reference`` and
        ``collapse_only_policy`` and ``collapse_p_value``; and for money (GBP m per
        partnership) ``lever_cost``, ``net_savings`` and ``net_savings_difference``, each
        with ``_low`` and ``_high``. Difference columns are nan on the reference's row.
    """
    tally = PairedTally(list(tables))
    tally.add(tables)
    return tally.frame(confidence)


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
    uncertainty: Uncertainty | None = None,
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
    uncertainty
        Parameter draws: replication ``r`` of every policy runs draw ``r // M`` (the same
        drawn values wherever the policies share a parameter).
    """
    tally = PairedTally(list(configs))
    sinks = sinks or {}
    size = next_paired_block(tally, precision, replications, block_size)
    while size > 0:
        reps = np.arange(tally.n, tally.n + size, dtype=np.int64)
        tables = {}
        for name, config in configs.items():
            policy_sinks = sinks.get(name, Sinks())
            log = policy_sinks.log()
            if engine is None:
                tables[name] = simulate(config, reps, seed, log=log, workers=workers, finished=policy_sinks.finished(), uncertainty=uncertainty)
            elif uncertainty is None:
                tables[name] = engine(config, reps, seed, log)
            else:
                tables[name] = engine(config, reps, seed, log, uncertainty=uncertainty)
            policy_sinks.write(tables[name], log, [c.name for c in config.councils])
        tally.add(tables)
        if on_block is not None:
            on_block(tally.n)
        size = next_paired_block(tally, precision, replications, block_size)
    return tally


def percents_apart(a: float, b: float, digits: int = 0) -> tuple[str, str]:
    """Two probabilities as percentages with the same decimals, as few as tell them apart (``70%`` and ``66%``, ``70.4%`` and ``69.8%``)
    and keep their difference, as a reader subtracts them, within half a point of the change the sentence quotes.

    ``from 62% to 51% (by 11.7 points)`` (62.5% and 50.8% shown whole) read as a fall of 11 points beside 11.7: it is
    ``from 62.5% to 50.8%``. ``digits`` is the fewest decimals to show (:func:`reference_digits`: one
    comparison's sentences give the reference's chance alike).
    """
    shown = _apart_digits(a, b, digits)
    return f"{a:.{shown}%}", f"{b:.{shown}%}"


def _apart_digits(a: float, b: float, digits: int = 0) -> int:
    """The decimals :func:`percents_apart` shows ``a`` and ``b`` with, at least ``digits`` (at most 3 unless ``digits`` asks more)."""
    digits = max(digits, 0 if min(abs(a), abs(b)) >= 0.1 else 1)

    def apart() -> bool:
        shown_a, shown_b = (float(f"{x:.{digits}%}"[:-1]) for x in (a, b))
        return shown_a != shown_b and abs((shown_a - shown_b) - 100 * (a - b)) < 0.5

    while not apart() and digits < 3:
        digits += 1
    return digits


def reference_digits(comparison: Any, measure: str) -> int:
    """The decimals every sentence of one comparison gives the reference's chance of ``measure`` with: the most any lever's pair needs.

    Each lever's sentence told its two chances apart on its own, so one comparison read the no-lever
    baseline "from 59% to 54%" beside "from 58.8% to 29.4%". Every sentence now shows the reference's
    chance with the decimals of the pair that needs the most (:func:`percents_apart`), a small
    difference with as many as tell it apart, and a lever that leaves the chance as it is quotes it so too.

    Parameters
    ----------
    comparison
        The comparison frame (:meth:`PairedTally.frame`), the reference first.
    measure
        The chance's column (:data:`CHANCE_OF`).
    """
    chances = comparison[measure].to_numpy(float)
    reference = float(chances[0])
    least = 0 if abs(reference) >= 0.1 else 1
    return max([least, *(_apart_digits(reference, float(c)) for c in chances[1:] if c != reference)])


def signed(value: float, digits: int = 1, width: int = 0) -> str:
    """``value`` with its sign and ``digits`` decimals, or as many more as keep a value that is not zero from reading as zero.

    An interval's bound of 0.0004 prints ``+0.0004``, not ``+0.0``: a bound that excludes zero
    must not read as holding it (``[+0.0, +1.0]`` beside words saying the difference is measurable).

    Parameters
    ----------
    value
        The number (nan and infinities print as Python formats them).
    digits
        Decimals to show at least.
    width
        Minimum width of the text, padded on the left.
    """
    return amount(value, digits, width, sign="+")


def signed_interval(value: float, low: float, high: float, digits: int = 1, width: int = 0) -> str:
    """A signed value and its interval, ``+1.2 [+0.03, +2.4]``, each shown by :func:`signed`."""
    return f"{signed(value, digits, width)} [{signed(low, digits, width)}, {signed(high, digits, width)}]"


def _pts(x: float) -> str:
    return signed(100 * x)


def policy_phrase(policy: str) -> str:
    """A policy's name inside a sentence: ``continuity_plan`` as ``continuity plan``, ``it_harmonisation_first`` as ``IT harmonisation first``.

    The reference ``none`` reads ``no lever`` (as the notebooks and the trainer's app call it).
    """
    if policy == NO_POLICY:
        return "no lever"
    return label_words(policy)


def policy_words(policy: str) -> str:
    """A policy's name in words: ``agreed_decision_process`` as ``Agreed decision process``, ``it_harmonisation_first`` as ``IT harmonisation first``."""
    return upper_first(policy_phrase(policy))


def policy_with(policy: str) -> str:
    """A run's policy as a title names it after its scenario: ``no lever`` for ``none``, ``with continuity plan`` for ``continuity_plan``."""
    return "no lever" if policy == NO_POLICY else f"with {policy_phrase(policy)}"


def sentence(comparison: Any, policy: str, measures: tuple[str, ...] = tuple(CHANCE_OF), confidence: float = 0.95) -> str:
    """What a policy changed compared with the reference, in one sentence made from the comparison's numbers.

    A measure whose paired interval excludes zero "lowers" or "raises" the chance, from the
    reference's share to the policy's (the reference's with the same decimals in every sentence of
    the comparison, :func:`reference_digits`), by how many points, with that paired interval ("by 1.7
    points, 95% interval 1.1 to 2.3", the numbers of the table of differences without their
    signs); with parameter draws it is the "Monte Carlo interval", the one the tables lead with.
    A measure no replication changed is "unchanged"; otherwise the policy "does not measurably
    change" it, and the chance with the reference and with the policy and the interval of the
    difference are quoted. A rise in collapse that comes with fewer proposals shelved says why
    it may: only a launched partnership can collapse; a drop in collapse that comes with more proposals shelved says
    so alike (part of the drop may be partnerships never launched). Then the lever cost (and, where the reference
    is a lever that costs something too, how much more or less than it, or, where the paired interval of
    that difference holds zero, that it cannot be told from nothing) and the change in net
    savings (GBP m per partnership over the horizon), with its interval where it is measurable. A
    change measurable by its Monte Carlo interval whose total interval (with parameter draws)
    holds zero says that, counting the doubt about the assumptions, it could be zero, quoting
    the total interval; one whose draws could not measure that doubt (its total interval only the
    Monte Carlo one) says that whether it holds once the doubt is counted is not known.

    Parameters
    ----------
    comparison
        The comparison frame (:meth:`PairedTally.frame`), the reference first.
    policy
        The policy the sentence is about.
    measures
        The chances it speaks of, in order.
    confidence
        The level the frame's intervals were computed at (only named in the words).
    """
    table = comparison.set_index("policy")
    reference = str(comparison["policy"].iloc[0])
    row, ref = table.loc[policy], table.loc[reference]
    clauses = []
    digits = {m: reference_digits(comparison, m) for m in measures}
    fewer_shelved, more_shelved = row["shelved_difference_high"] < 0, row["shelved_difference_low"] > 0
    for m in measures:
        low, high = row[f"{m}_difference_low"], row[f"{m}_difference_high"]
        if row[f"{m}_only_reference"] == row[f"{m}_only_policy"] == 0:
            clauses.append(f"leaves the chance {CHANCE_OF[m]} unchanged in every simulated partnership ({row[m]:.{digits[m]}%})")
        elif low > 0 or high < 0:
            verb = "lowers" if high < 0 else "raises"
            before, after = percents_apart(ref[m], row[m], digits[m])
            near, far = sorted((abs(low), abs(high)))
            interval = _interval_words(row, f"{m}_difference", confidence)
            notes = [f"by {_size(100 * row[f'{m}_difference'])} points, {interval} {_size(100 * near)} to {_size(100 * far)}"]
            if m == "collapse" and low > 0 and fewer_shelved:
                notes.append("more proposals go ahead, and only a launched partnership can collapse")
            if m == "collapse" and high < 0 and more_shelved:  # part of the drop may be partnerships never launched
                notes.append("fewer proposals go ahead, and only a launched partnership can collapse")
            notes += _doubt(row, f"{m}_difference", _points_span)
            clauses.append(f"{verb} the chance {CHANCE_OF[m]} from {before} to {after} ({'; '.join(notes)})")
        else:
            if ref[m] == row[m]:
                level = f"{row[m]:.{digits[m]}%} with it as with {policy_phrase(reference)}"
            else:
                before, after = percents_apart(ref[m], row[m], digits[m])
                level = f"{before} with {policy_phrase(reference)}, {after} with it"
            clauses.append(f"does not measurably change the chance {CHANCE_OF[m]} ({level}; difference {_pts(low)} to {_pts(high)} points)")
    cost, gap = row["lever_cost"], float(extra_costs(comparison)[list(comparison["policy"]).index(policy)])
    spent = "costs nothing" if cost == 0 else f"costs GBP {amount(cost)} m per partnership"
    if ref["lever_cost"] != 0:  # the reference is a lever too: what choosing this one instead adds to the bill
        low, high = (float(row.get(f"lever_cost_difference_{end}", np.nan)) for end in ("low", "high"))
        told = not low < 0 < high  # a paired interval holding zero: neither more nor less can be said
        spent += f", {cost_gap_words(gap, reference)}" if told else f", though {untold_cost_words(low, high, policy_phrase(reference), confidence)}"
    clauses.append(spent)
    low, high, d = row["net_savings_difference_low"], row["net_savings_difference_high"], row["net_savings_difference"]
    if low > 0 or high < 0:
        near, far = sorted((abs(low), abs(high)))
        interval = _interval_words(row, "net_savings_difference", confidence)
        notes = [f"{interval} GBP {_size(near, 2)} m to {_size(far, 2)} m", *_doubt(row, "net_savings_difference", _money_span)]
        clauses.append(f"{'raises' if d > 0 else 'lowers'} net savings by GBP {_size(d, 2)} m ({'; '.join(notes)})")
    else:
        clauses.append(f"does not measurably change net savings (difference {_money_span(low, high)})")
    return f"{policy_words(policy)}, compared with {policy_phrase(reference)}, {listed(clauses)}."


def cost_gap_words(gap: float, reference: str) -> str:
    """How much more or less a policy costs than a reference that is a lever, as the sentences and the forest plot say it.

    ``GBP 0.49 m more than continuity plan``, ``GBP 0.08 m less than ...``, ``as much as ...``.

    Parameters
    ----------
    gap
        Its lever cost less the reference's, GBP m per partnership.
    reference
        The reference policy's name.
    """
    if gap == 0:
        return f"as much as {policy_phrase(reference)}"
    return f"GBP {amount(abs(gap))} m {'more' if gap > 0 else 'less'} than {policy_phrase(reference)}"


def _points_span(low: float, high: float) -> str:
    """An interval holding zero in words without signs, as the sentence's "by 2.9 points" is: ``from 7.4 points lower to 1.7 points higher``."""
    return f"from {_size(100 * low)} points lower to {_size(100 * high)} points higher"


def _money_span(low: float, high: float) -> str:
    """An interval of net savings holding zero in words without signs: ``from GBP 0.09 m less to GBP 0.88 m more``."""
    return f"from GBP {_size(low, 2)} m less to GBP {_size(high, 2)} m more"


def _size(value: float, digits: int = 1) -> str:
    """The size of a change without its sign, with as many decimals as :func:`signed` gives it."""
    return signed(abs(value), digits)[1:]


def _interval_words(row: Any, name: str, confidence: float) -> str:
    """A difference's paired interval named: ``95% Monte Carlo interval`` where a total one (parameter draws) is beside it, as the tables call it."""
    return f"{confidence:.0%} {'Monte Carlo interval' if f'{name}_total_low' in row else 'interval'}"


def _doubt(row: Any, name: str, span: Callable[[float, float], str]) -> list[str]:
    """What the doubt about the assumptions does to a difference whose Monte Carlo interval excludes zero, where there are parameter draws.

    Where its total interval holds zero: that it could be zero, and that interval. Where the draws could not
    measure that doubt (``parameter_share`` 0, the total interval only the Monte Carlo one): that whether the
    difference holds once it is counted is not known, as notebook 02's interpretation says it (:func:`unmeasured_words`).
    """
    low, high = row.get(f"{name}_total_low", np.nan), row.get(f"{name}_total_high", np.nan)
    if low <= 0 <= high:
        return [f"though counting the doubt about the model's assumptions too, the difference could be zero: {span(low, high)}"]
    if undetected(row.get(f"{name}_parameter_share", np.nan)):
        return [f"though {unmeasured_words(int(row['draws']))}, so whether the difference holds once that doubt is counted is not known"]
    return []


def _width(comparison: Any) -> int:
    """Width of the tables' first column: each policy named in words (``Agreed decision process``, ``No lever``), not by its code name."""
    return max(24, max(len(policy_words(str(p))) for p in comparison["policy"]) + 4)


def _points(value: float, low: float, high: float) -> str:
    return signed_interval(100 * value, 100 * low, 100 * high, width=6).replace(" [", " pts [", 1)


def _share(r: Mapping[str, Any], measure: str) -> str:
    return f"{r[measure]:6.1%} [{r[measure + '_low']:6.1%}, {r[measure + '_high']:6.1%}]"


def _total_share(r: Mapping[str, Any], measure: str) -> str:
    """A policy's chance with its total interval, or ``not detected`` beside it where the draws showed no spread from the assumptions."""
    total = f"[{r[measure + '_total_low']:6.1%}, {r[measure + '_total_high']:6.1%}]"
    return f"{r[measure]:6.1%} " + ("not detected" if undetected(r[measure + "_parameter_share"]) else total)


#: What a parameter draw is, in the words of the uncertainty section.
DRAW_WORDS = (
    "one set of values of the model's assumptions, taken from their plausible ranges (prior) or the calibrated"
    " sample (posterior), each run on its own share of the simulated partnerships"
)
#: What Monte Carlo noise is, in the words of the uncertainty section.
NOISE_WORDS = "simulation noise, how much a figure moves by chance because only so many partnerships were simulated (more replications shrink it)"
#: What "paired" means, as the comparison's words say it.
PAIRED = "every policy meets the same simulated partnerships and shocks: a difference comes from the policy, not from other luck"
#: The words a comparison defines before its tables (the outcomes, points and paired; :func:`sim.analysis.summary.words` adds the rest).
COMPARISON_WORDS = {**DEFINITIONS, "points": "percentage points: a change from 12% to 10% is -2 points", "paired": PAIRED}


#: The names of the columns that describe a lever's effect across parameter draws, by the frame's column they show
#: (``<measure>_difference_helps``, ``<measure>_difference_unchanged``, ``<measure>_best_share``, the quartiles,
#: ``<measure>_difference_parameter_share``): ``sim-compare``, ``sim-report`` and the notebooks all name them from here.
EFFECT_COLUMNS = {
    "helps": "helps in",
    "unchanged": "unchanged in",
    "best": "ranked first",
    "middle": "middle half of draws",
    "parameter_share": "from parameters",
}


def effect_words(several: bool = True) -> dict[str, str]:
    """What each column of :data:`EFFECT_COLUMNS` means, by its name, as ``sim-compare`` defines them.

    Parameters
    ----------
    several
        Whether two levers or more are compared (``ranked first`` needs them; left out otherwise).
    """
    words = {
        EFFECT_COLUMNS["helps"]: "the share of draws in which the lever lowers the chance: the share of its effect's spread across draws that"
        " lies below zero, the spread taken as normal, with the draws' mean and their variance beyond Monte Carlo noise (more replications"
        " per draw make it more precise, not larger or smaller; some points off where the effect is skewed or nil in some draws);"
        " 'no spread seen' where the draws show none beyond Monte Carlo noise, so the share cannot be measured: the effect's total interval"
        " then says whether it lowers the chance",
        EFFECT_COLUMNS["unchanged"]: "the share of draws in which the lever changed the outcome of none of the draw's simulated partnerships:"
        " a check on the replications per draw rather than a share of the assumptions' worlds: chance alone leaves draws unchanged (a line"
        " under the table says how many where it matters), and more replications per draw show a small effect in most of them",
        EFFECT_COLUMNS["best"]: "the share in which the chance with it is the lowest of the levers' (it lowers it most, or raises it least);"
        " a draw in which levers tie for first counts an equal part for each (half each for two), so the levers' shares add up to 100%;"
        " levers that both left a draw unchanged tie there",
        EFFECT_COLUMNS["middle"]: "the effect in the middle half of the draws (a quarter lie below, a quarter above), from the same normal"
        " spread as 'helps in' ('-' where the draws show none beyond Monte Carlo noise, which 'helps in' then says)",
        EFFECT_COLUMNS["parameter_share"]: "the share of the effect's spread across draws that comes from the doubt about the assumptions"
        " rather than Monte Carlo noise ('not detected' where these draws could not tell any spread from that noise: not zero doubt, but"
        " too little to measure)",
    }
    if not several:
        del words[EFFECT_COLUMNS["best"]]
    return words


def effect_column(key: str, measure: str) -> str:
    """A table's column of :data:`EFFECT_COLUMNS` for one measure, in percent: ``effect_column("helps", "collapse")`` is ``collapse: helps in %``."""
    return f"{measure}: {EFFECT_COLUMNS[key]} %"


#: A lever's settings a run may draw, each with how the line on the lever names it and whether it is money (GBP m).
LEVER_DRAWN = (("strength", "strength", False), ("cost_upfront", "the cost at the start", True), ("cost_per_year", "the cost a year", True))


def _drawn_range(assumption: Any, money: bool, posterior: Mapping[str, np.ndarray]) -> str:
    """The ends of the values an assumption is drawn from: ``0.3 to 0.9``, ``GBP 0.02 to 0.06 m``.

    The lowest and highest value of the posterior sample the run draws from where it has the assumption's column
    (``posterior``: the ``values`` of :class:`sim.config.uncertainty.Posterior`), else its plausible range (its prior) as the model draws it.
    """
    if assumption.path in posterior:
        low, high = float(np.min(posterior[assumption.path])), float(np.max(posterior[assumption.path]))
    else:
        low, high = (float(x) for x in sample(assumption.prior, np.array([0.0, 1.0 - 1e-12]), assumption.spec))
    return f"GBP {low:.2g} to {high:.2g} m" if money else f"{low:g} to {high:g}"


def _lever_cost(value: Any) -> str:
    """A lever's cost as its line says it: ``GBP 0.02 m``, ``nothing``, or a distribution a scenario gives it in plain words."""
    if not isinstance(value, int | float):
        return plain_words(value, spec_of(LeverParams, "cost_upfront"))
    return f"GBP {amount(value)} m" if value else "nothing"


def lever_lines(configs: Mapping[str, ModelConfig], uncertainty: Uncertainty | None = None) -> list[str]:
    """What each lever the policies switch on is, what the model assumes it does, how fully it is carried out and what it costs.

    A line per lever (each once, in the policies' order, then :data:`sim.core.levers.LEVERS`' order): its key learning and
    source, what it acts on in the model, its strength, start month and costs as the configuration sets them; with parameter
    draws, what each of those the run draws is drawn from (its plausible range, or a posterior sample's values; a value the
    user set is held, not drawn). Empty where no policy switches a lever on.

    Parameters
    ----------
    configs
        The model configuration of each policy compared, the reference first.
    uncertainty
        The run's parameter draws, or None where the assumptions are held at their stated values.
    """
    lines: list[str] = []
    said_of: set[str] = set()
    with_posterior = uncertainty is not None and uncertainty.mode == "posterior" and uncertainty.posterior is not None
    posterior = uncertainty.posterior.values if with_posterior else {}
    for config in configs.values():
        drawn = {a.path: a for a in uncertainty.free(config)} if uncertainty is not None else {}
        for lever in LEVERS:
            p = config.levers[lever.name]
            if not p.enabled or lever.name in said_of:
                continue
            said_of.add(lever.name)
            strength, start = (plain_words(getattr(p, name), spec_of(LeverParams, name)) for name in ("strength", "start_month"))
            said = (
                f"  {policy_words(lever.name)}, from {lever.source}: {lever.learning}. What the model assumes it does: {lever.targets}."
                f" Carried out at strength {strength} (0 .. 1: how fully) from month {start}; costs {_lever_cost(p.cost_upfront)} at the start"
                f" and {_lever_cost(p.cost_per_year)} a year"
            )
            ranges = [
                f"{named} from {_drawn_range(drawn[path], money, posterior)}"
                for name, named, money in LEVER_DRAWN
                if (path := f"levers.{lever.name}.{name}") in drawn
            ]
            lines.append(said + (f"; in each draw of the assumptions, {listed(ranges)}." if ranges else "."))
    if not lines:
        return []
    return ["The levers compared: what each is, what the model assumes it does, how fully it is carried out and what it costs:", *lines]


def money_period(months: Any) -> str:
    """The period a comparison's money is counted over, as its tables say it: ``10 years (the horizon)``, or ``the horizon`` where not known."""
    return "the horizon" if months is None else f"{horizon_words(months)} (the horizon)"


def render(comparison: Any, confidence: float = 0.95, detail: bool = False) -> str:
    """The comparison as plain text: a sentence per policy, the chances and their paired differences, money; with ``detail`` the tests too.

    The money's period is ``comparison.attrs["horizon_months"]`` where ``sim-compare`` sets it (:func:`money_period`).
    """
    level = f"{confidence:.0%}"
    reference = comparison["policy"].iloc[0]
    width = _width(comparison)
    lines = [f"What each policy changed, compared with {policy_phrase(reference)} on the same simulated partnerships:"]
    lines += [f"  {sentence(comparison, p, confidence=confidence)}" for p in comparison["policy"].iloc[1:]]
    lines += comparison.attrs.get("levers", [])
    with_draws = "collapse_total_low" in comparison
    lines += words(COMPARISON_WORDS, drawn=with_draws)
    drawn = ": Monte Carlo intervals, the totals are under Uncertainty, below" if with_draws else ""
    lines.append(f"Chance of each outcome (all partnerships; share and {level} interval){drawn}")
    lines.append(f"  {'':<{width - 2}}" + "".join(f"{m:<26}" for m in MEASURES).rstrip())
    for r in comparison.to_dict(orient="records"):
        lines.append(f"  {policy_words(r['policy']):<{width - 2}}" + "".join(f"{_share(r, m):<26}" for m in MEASURES).rstrip())
    lines.append(f"Compared with {policy_phrase(reference)} (percentage points, paired {level} interval){drawn}")
    lines.append(f"  {'':<{width - 2}}" + "".join(f"{m:<32}" for m in MEASURES).rstrip())
    for r in comparison.iloc[1:].to_dict(orient="records"):
        cells = "".join(f"{_points(r[f'{m}_difference'], r[f'{m}_difference_low'], r[f'{m}_difference_high']):<32}" for m in MEASURES)
        lines.append(f"  {policy_words(r['policy']):<{width - 2}}{cells}".rstrip())
    # against a lever, what each costs beyond it (what buys its points); then each lever's cost per point of collapse avoided
    lever_reference = bool(comparison["lever_cost"].iloc[0])
    beyond = [f"cost beyond {policy_phrase(reference)}, paired {level}", *cost_beyond_cells(comparison, "(reference)", 5)] if lever_reference else []
    per_point = ["per point of collapse avoided", *per_point_cells(comparison, "(reference)")]
    extra = [column for column in (beyond, per_point) if column]
    extra_width = [max(map(len, column)) + 2 for column in extra]
    heading = f"{'GBP m per partnership':<{width}}{'lever cost':<12}" + "".join(f"{c[0]:<{w}}" for c, w in zip(extra, extra_width, strict=True))
    lines.append(f"{heading}{'net savings  ' + level + ' interval':<30}net savings compared with {policy_phrase(reference)}, paired {level} interval")
    for i, r in enumerate(comparison.to_dict(orient="records")):
        net = f"{amount(r['net_savings'], width=6)} [{amount(r['net_savings_low'], width=6)}, {amount(r['net_savings_high'], width=6)}]"
        d = (r["net_savings_difference"], r["net_savings_difference_low"], r["net_savings_difference_high"])
        diff = "(reference)" if r["policy"] == reference else signed_interval(*d, digits=2, width=6)
        cells = "".join(f"{c[i + 1]:<{w}}" for c, w in zip(extra, extra_width, strict=True))
        lines.append(f"  {policy_words(r['policy']):<{width - 2}}{amount(r['lever_cost']):<12}{cells}{net:<30}{diff}")
    period = money_period(comparison.attrs.get("horizon_months"))
    lines.append(f"  money over {period}: the lever cost is what a lever costs in all, its running cost paid while the partnership lasts")
    lines.append(f"  {per_point_words(per_point, reference, lever_reference)}")
    # which lever is the better buy, with what the doubt about the assumptions leaves of each claim: notebook 02's sentence
    levers = caveated(lever_values(comparison))
    if levers:
        lines.append(f"  {best_value(levers, confidence=confidence)}")
    if detail:
        lines += render_tests(comparison, confidence).splitlines()
    return "\n".join(lines)


def render_tests(comparison: Any, confidence: float = 0.95) -> str:
    """The statistical detail: per measure the paired interval, the unpaired one, how much narrower or wider pairing made it, and the exact McNemar p.

    How much narrower or wider: :func:`pairing_effect`.

    The sentences follow the paired interval alone (:func:`sentence`). The exact test is more
    cautious than that interval, so near the threshold it can give ``p`` above ``1 - confidence``
    beside a paired interval that excludes zero (5 against 0 discordant pairs: p = 0.0625): such a
    ``p`` is marked ``*`` and the words say the sentences follow the interval.
    """
    level = f"{confidence:.0%}"
    alpha = f"{1 - confidence:.0%}"
    reference = comparison["policy"].iloc[0]
    width = _width(comparison)
    lines = [
        "Statistical detail: paired differences use the discordant pairs (Wald interval with the Agresti-Min adjustment: half a pair added"
        " to each cell); the unpaired interval (Wald) is what two"
        " independent runs of the same size would give; p: exact McNemar test of no difference (two-sided binomial on the discordant pairs)."
        f" The sentences ('lowers', 'raises', 'does not measurably change') follow the paired {level} interval alone; the exact test is more"
        f" cautious, so near the threshold it can give p above {alpha} beside a paired interval that excludes zero (marked *)."
    ]
    paired = f"compared with {policy_phrase(reference)}, paired {level} CI"
    column = max(34, len(paired) + 2)
    for measure in MEASURES:
        lines.append(f"{'P(' + measure + ')':<{width}}{paired:<{column}}{'unpaired ' + level + ' CI':<22}{'pairing made it':<17}p (McNemar)")
        for r in comparison.iloc[1:].to_dict(orient="records"):
            difference = _points(r[f"{measure}_difference"], r[f"{measure}_difference_low"], r[f"{measure}_difference_high"])
            unpaired = f"[{signed(100 * r[measure + '_unpaired_low'], width=6)}, {signed(100 * r[measure + '_unpaired_high'], width=6)}]"
            narrower = pairing_effect(r[measure + "_narrower"])
            p = r[measure + "_p_value"]
            excludes = r[f"{measure}_difference_low"] > 0 or r[f"{measure}_difference_high"] < 0
            mark = "*" if excludes and p >= 1 - confidence else ""
            lines.append(f"  {policy_words(r['policy']):<{width - 2}}{difference:<{column}}{unpaired:<22}{narrower:<17}{p:.3g}{mark}")
    return "\n".join(lines)


def pairing_effect(narrower: float) -> str:
    """How much narrower or wider pairing made an interval, in words, from a ``<measure>_narrower`` column (1 - paired width / unpaired width).

    ``93% narrower``; ``24% wider`` where the value is negative (pairing can widen the interval:
    a few discordant pairs, or outcomes the two policies move in opposite directions);
    ``about as wide`` where it rounds to 0%; ``-`` where it is nan (the unpaired interval has no width).
    """
    if not np.isfinite(narrower):
        return "-"
    share = f"{abs(narrower):.0%}"
    if share == "0%":
        return "about as wide"
    return f"{share} {'narrower' if narrower > 0 else 'wider'}"


#: The note under a table of effects across draws where some lever's draws show no spread: its middle half is a dash.
NO_SPREAD_NOTE = f"  '-' under '{EFFECT_COLUMNS['middle']}': no spread seen, as '{EFFECT_COLUMNS['helps']}' says, so no middle half to give."


def render_uncertainty(comparison: Any, rankings: Mapping[str, dict[str, Any] | None], mode: str, confidence: float = 0.95) -> str:
    """Which uncertainty the comparison carries; with parameter draws, the total intervals of the chances and the effects, and how stable the ranking is."""
    if mode == "none" or "draws" not in comparison:
        return (
            "Uncertainty: none. The assumptions are held at their stated values, so every interval above is Monte Carlo noise only;"
            f" uncertainty=prior shows how the effects and their ranking move across the assumptions' plausible ranges. Monte Carlo noise: {NOISE_WORDS}."
        )
    level = f"{confidence:.0%}"
    reference = comparison["policy"].iloc[0]
    width = _width(comparison)
    draws = int(comparison["draws"].iloc[0])
    several = len(comparison) > 2  # a share of draws in which a lever is ranked first needs two levers or more
    rank = 14 if several else 0
    # the words of the section a line each, as the words above the tables are (one paragraph of them ran to 2,000 characters)
    meanings = {
        "parameter draw": DRAW_WORDS,
        "Monte Carlo noise": NOISE_WORDS,
        f"total {level}": "the interval counting both Monte Carlo noise and the doubt about the model's assumptions",
        **effect_words(several),
    }
    lines = [
        f"Uncertainty: {mode}. Every policy ran the same {draws:,} parameter draws; effects are paired differences, compared with"
        f" {policy_phrase(reference)}. The words of this section:",
        *(f"  {name}: {meaning}" for name, meaning in meanings.items()),
    ]
    lines.append(f"{'Chance of each outcome':<{width}}" + "".join(f"{m + ' total ' + level:<31}" for m in MEASURES).rstrip())
    for r in comparison.to_dict(orient="records"):
        cells = "".join(f"{_total_share(r, m):<31}" for m in MEASURES)
        lines.append(f"  {policy_words(r['policy']):<{width - 2}}{cells}".rstrip())
    for measure in MEASURES:
        name = f"{measure}_difference"
        ranking = rankings.get(measure)
        unsettled = ranking is not None and ranking.get("unclear") == "noise"  # the whole ranking unclear, first place with it
        lines.append(
            f"{'Effect on ' + measure:<{width}}{'effect':>10}  {'total ' + level:<18}{EFFECT_COLUMNS['middle']:<22}"
            f"{EFFECT_COLUMNS['helps']:>15}{EFFECT_COLUMNS['unchanged']:>14}{EFFECT_COLUMNS['best'] if several else '':>{rank}}"
            f"{EFFECT_COLUMNS['parameter_share']:>17}"
        )
        for row in comparison.iloc[1:].itertuples(index=False):
            r = row._asdict()
            total = f"[{signed(100 * r[name + '_total_low'], width=5)}, {signed(100 * r[name + '_total_high'], width=5)}]"
            spread = r[name + "_parameter_share"] > 0  # as 'from parameters' says: most draws may still share one effect (q25 = q75)
            middle = f"[{100 * r[name + '_q25']:+5.1f}, {100 * r[name + '_q75']:+5.1f}]" if spread else "-"  # 'helps in' says why
            best = "" if not several else f"{r[measure + '_best_share']:.0%}" if np.isfinite(r[measure + "_best_share"]) else "unclear"
            best = f"({best})" if unsettled and best != "unclear" else best
            helps = f"{r[name + '_helps']:.0%}" if spread and np.isfinite(r[name + "_helps"]) else "no spread seen"
            idle = r.get(name + "_unchanged", np.nan)  # nan: a comparison.parquet written before the column was
            idle = f"{idle:.0%}" if np.isfinite(idle) else "-"
            part = parameter_part(r[name + "_parameter_share"])
            lines.append(
                f"  {policy_words(r['policy']):<{width - 2}}{100 * r[name]:+7.1f} pts  {total:<18}{middle:<22}{helps:>15}{idle:>14}{best:>{rank}}{part:>17}"
            )
        if not (comparison[name + "_parameter_share"].iloc[1:] > 0).all():
            lines.append(NO_SPREAD_NOTE)
        chance = _chance_unchanged(comparison, measure)
        if chance:
            lines.append(chance)
        if ranking is not None:
            halves = ranking["halves_same_ranking"]
            lines.append(
                f"  Ranking of the {len(ranking['order'])} levers by effect on {measure} (best first: {order_words(ranking)}):"
                + (
                    f" the same in {ranking['same_ranking']:.0%} of draws, corrected for Monte Carlo noise ({ranking['raw_same_ranking']:.0%} uncorrected);"
                    if np.isfinite(ranking["same_ranking"])
                    else UNCLEAR_RANKING.get(ranking.get("unclear") or "no spread", "")
                    + f"; uncorrected for Monte Carlo noise, {ranking['raw_same_ranking']:.0%} of draws rank them this way;"
                )
                + (
                    f" the two halves of one draw agree in {halves:.0%} (Monte Carlo noise alone)."
                    if np.isfinite(halves)
                    else " no draw has two halves to compare."
                )
                + _first_place_words(ranking)
            )
    lines.append(f"{'Net savings compared with ' + policy_phrase(reference):<{width}}{'GBP m':>10}  total {level}")
    for r in comparison.iloc[1:].to_dict(orient="records"):
        d = "net_savings_difference"
        total = f"[{signed(r[d + '_total_low'], 2, 5)}, {signed(r[d + '_total_high'], 2, 5)}]"
        lines.append(f"  {policy_words(r['policy']):<{width - 2}}{signed(r[d], 2, 10)}  {total}")
    lines.append(
        f"  Every other interval is Monte Carlo only, but those marked 'total' and those the sentences quote 'counting the doubt about"
        f" the model's assumptions'; this section gives the totals ('total {level}') of the chances, the effects and net savings' paired"
        " differences. Each policy's own net savings (the GBP m table above) have no total interval: only their paired differences do."
    )
    return "\n".join(lines)


def _chance_unchanged(comparison: Any, measure: str) -> str:
    """A line saying in how many draws chance alone would leave each lever unchanged ('' where no lever that changed something left a draw unchanged).

    A lever that changed the outcome of a share ``q`` of all the paired partnerships, were it
    to change that share in every draw, would still leave a draw of ``M`` replications
    unchanged with probability ``(1 - q)^M`` (``M`` the replications per draw): an
    ``unchanged in`` near that is Monte Carlo noise, not the assumptions (a spread of ``q``
    across draws only raises it), and more replications per draw lower it.
    """
    rows = comparison.iloc[1:]
    unchanged = rows.get(f"{measure}_difference_unchanged")
    if unchanged is None or not ((unchanged > 0) & (rows[f"{measure}_only_reference"] + rows[f"{measure}_only_policy"] > 0)).any():
        return ""  # also where the levers changed nothing at all: no draw can show them otherwise
    per_draw = round(float(comparison["replications"].iloc[0]) / float(comparison["draws"].iloc[0]))
    shares = []
    for r in rows.to_dict(orient="records"):
        q = (r[f"{measure}_only_reference"] + r[f"{measure}_only_policy"]) / r["replications"]
        shares.append(f"{(1 - q) ** per_draw:.0%} ({policy_words(r['policy'])})")
    return (
        f"  By chance alone, a lever changing the same share of partnerships in every draw as over the whole run would leave {listed(shares)}"
        f" of draws of {per_draw} replications unchanged: 'unchanged in' near that is Monte Carlo noise, not the assumptions, and more"
        " replications a draw (replications_per_draw=) lower it."
    )


#: Why a ranking's noise-corrected share is nan, in words (:meth:`PairedTally.ranking`'s ``unclear``).
UNCLEAR_RANKING = {
    "no spread": " unclear: the draws show no spread, and the run cannot tell every lever from the next",
    "noise": " unclear: Monte Carlo noise within a draw changes the ranking too often to tell",
}


def _first_place_words(ranking: Mapping[str, Any]) -> str:
    """What an unclear ranking means for the 'ranked first' shares printed above it ('' where the ranking is not unclear or they are unclear too).

    Where Monte Carlo noise makes the whole ranking unclear (``"noise"``) it may have moved first
    place too: the shares are bracketed above and said not to be settled. Where the draws show no
    spread (``"no spread"``) and the shares are given, the run tells the first lever from the
    next, so first place is settled though the order after it is not.
    """
    if not any(share is not None and np.isfinite(share) for share in (ranking.get("best") or {}).values()):  # JSON keeps nan as null
        return ""
    if ranking.get("unclear") == "noise":
        return (
            f" The '{EFFECT_COLUMNS['best']}' shares, in brackets above, are not settled either: the same noise may have moved first place"
            " (more replications per draw, replications_per_draw=, settle them)."
        )
    if ranking.get("unclear") == "no spread":
        return f" First place is settled (the run tells the first lever from the next): the '{EFFECT_COLUMNS['best']}' shares above are of it alone."
    return ""


def order_words(ranking: Mapping[str, Any]) -> str:
    """The levers best first, tied levers joined by ``=`` (``a = b, c``).

    Parameters
    ----------
    ranking
        One measure's ranking (:meth:`PairedTally.ranking`, as ``frame.attrs["ranking"]`` holds it): its ``order`` and ``tied``.

    Returns
    -------
    str
        The levers' titles in that order, ``", "`` between levers the run orders and ``" = "`` between levers of exactly the same effect.
    """
    words = [policy_words(lever) for lever in ranking["order"][:1]]
    tied = ranking.get("tied", {})
    for previous, lever in itertools.pairwise(ranking["order"]):
        words.append(f"{' = ' if lever in tied.get(previous, []) else ', '}{policy_words(lever)}")
    return "".join(words)


#: Whether a claim the Monte Carlo interval makes of a lever holds once the doubt about the model's assumptions is counted:
#: ``""`` it holds (or the run drew no assumptions), ``"lost"`` its total interval reaches zero, ``"untested"`` the draws could
#: not measure that doubt (``parameter_share`` 0: the total interval is only the Monte Carlo one).
Doubt = Literal["", "lost", "untested"]


@dataclass(frozen=True)
class LeverValue:
    """What a lever that measurably lowers a chance costs per percentage point of it avoided, and whether it pays for itself.

    Attributes
    ----------
    lever
        The lever as the sentence names it (:func:`policy_words`).
    per_point
        What it costs more than the reference (its whole cost where the reference is no lever) per percentage point avoided,
        GBP m per partnership; zero or below where it costs no more than the reference (:attr:`dominates`).
    low, high
        That cost at the high and at the low end of the interval of the points avoided: the interval of the cost per point
        (:func:`per_point_interval`: the doubt about the points avoided, not the cost's own noise).
    pays
        Whether, net of its own cost, savings measurably rise with it: it pays for itself.
    caveat
        Words put after its name, such as ``" (though ...)"``, where the total interval does not back what is said of it.
    drop, rise
        Whether its drop in the chance, and (where it pays for itself) its rise in net savings, hold once the doubt about
        the assumptions is counted (:data:`Doubt`); ``rise`` is ``""`` for a lever that does not pay for itself.
    cheaper_than
        The levers (named as ``lever`` is) whose cost per point is measurably above this one's, each with whether that
        holds once the doubt about the assumptions is counted (:data:`Doubt`): from the paired comparison of the two
        (:meth:`PairedTally.cheaper`), or, for a ``comparison.parquet`` written before it was, where the two
        levers' own intervals of cost per point do not overlap (``paired`` false).
    paired
        Whether ``cheaper_than`` comes from the paired comparison.
    extra_low, extra_high
        The paired interval of what it costs more than the reference (``lever_cost_difference_low`` and ``_high``), GBP m per
        partnership; nan where the comparison has none (a ``comparison.parquet`` written before it), its cost then taken as known.
    """

    lever: str
    per_point: float
    low: float
    high: float
    pays: bool
    caveat: str = ""
    drop: Doubt = ""
    rise: Doubt = ""
    cheaper_than: Mapping[str, Doubt] = field(default_factory=dict)
    paired: bool = True
    extra_low: float = np.nan
    extra_high: float = np.nan

    @property
    def cost_told(self) -> bool:
        """Whether what it costs more than the reference is told from nothing: its paired interval lies on one side of zero, or is zero at both ends.

        A lever's cost is random per simulated partnership (its running cost is paid only while the partnership lasts; with
        parameter draws its costs are drawn), so two levers of alike costs have a cost difference whose interval can hold zero
        (GBP 0.001 m more, interval 0.001 less to 0.003 more): such a lever neither dominates the reference nor has a price per point.
        """
        return not self.extra_low < 0 < self.extra_high

    @property
    def dominates(self) -> bool:
        """Whether it lowers the chance at measurably no more cost than the reference (a lever cheaper than a lever compared with): no cost per point to pay.

        Its drop in the chance is measurable (:func:`lever_values` gives no other lever) and its cost beyond the reference's is
        zero or below, told from more (:attr:`cost_told`): a point value below zero whose interval reaches above it does not dominate.
        """
        return self.cost_told and self.per_point <= 0


def _holds(row: Any, name: str, below: bool) -> Doubt:
    """Whether a difference the Monte Carlo interval puts below (or above) zero stays there once the doubt about the assumptions is counted."""
    if f"{name}_total_low" not in row or f"{name}_total_high" not in row:
        return ""
    if row[f"{name}_total_high"] >= 0 if below else row[f"{name}_total_low"] <= 0:
        return "lost"
    return "untested" if undetected(row.get(f"{name}_parameter_share", np.nan)) else ""


def lever_values(comparison: Any, measure: str = "collapse") -> list[LeverValue]:
    """The levers of a comparison that measurably lower ``measure``: each one's cost per point avoided, whether it pays for itself, and its doubts.

    The one rule notebook 02's best value (:func:`best_value`) and the forest plot's cost panel
    (:func:`sim.analysis.plots.forest_figure`, in ``sim-report`` too) read: a lever lowers ``measure`` where its paired
    difference's interval lies below zero; it pays for itself where, net of its cost, savings
    measurably rise (``net_savings_difference_low`` above zero); each claim's :data:`Doubt` is
    ``"lost"`` where its total interval reaches zero and ``"untested"`` where the draws could not
    measure the doubt about the assumptions (``parameter_share`` 0). Its cost per point is what it costs more than the
    reference (:func:`extra_costs`), so a lever cheaper than a lever compared with dominates it (:attr:`LeverValue.dominates`). Which levers it costs
    measurably less than per point comes from ``<measure>_cheaper_than`` (the paired comparison,
    :meth:`PairedTally.cheaper`) with its ``_lost`` and ``_untested``; a row without it (a
    ``comparison.parquet`` written before it, or its older rows in a sweep's table: the column missing
    or NaN) gives the levers whose intervals of cost per point lie wholly above this one's, a weaker test.

    Parameters
    ----------
    comparison
        ``comparison.parquet`` as a DataFrame (:func:`compare_policies`), or some of its rows;
        the reference's row, whose differences are NaN, is never one of the levers.
    measure
        The chance avoided.

    Returns
    -------
    list of LeverValue
        In the comparison's order, each named as :func:`policy_words` names it, without a caveat.
    """
    name = f"{measure}_difference"
    values = []
    lowering = comparison[f"{name}_high"] < 0
    rows, extra = comparison[lowering], extra_costs(comparison)[lowering.to_numpy()]
    for (_, row), cost in zip(rows.iterrows(), extra, strict=True):
        extra_low, extra_high = (float(row.get(f"lever_cost_difference_{end}", np.nan)) for end in ("low", "high"))
        low, high = sorted(per_point_interval(cost, 100 * row[f"{name}_low"], 100 * row[f"{name}_high"]))
        pays = bool(row.get("net_savings_difference_low", np.nan) > 0)
        rise = _holds(row, "net_savings_difference", below=False) if pays else ""
        cheaper: dict[str, Doubt] = {}
        others = _named(row, f"{measure}_cheaper_than")
        paired = others is not None
        if paired:
            doubts = {d: _named(row, f"{measure}_cheaper_than_{d}") or [] for d in ("lost", "untested")}
            for other in others or []:
                cheaper[policy_words(other)] = "lost" if other in doubts["lost"] else "untested" if other in doubts["untested"] else ""
        values.append(
            LeverValue(
                policy_words(str(row["policy"])),
                cost / -(100 * row[name]),
                low,
                high,
                pays,
                drop=_holds(row, name, below=True),
                rise=rise,
                cheaper_than=cheaper,
                paired=paired,
                extra_low=extra_low,
                extra_high=extra_high,
            )
        )
    return [v if v.paired else replace(v, cheaper_than={w.lever: "" for w in values if w.low > v.high}) for v in values]


def extra_costs(comparison: Any) -> np.ndarray:
    """What each policy of a comparison costs more than the reference, GBP m per partnership: the cost that buys its difference.

    ``lever_cost_difference`` (the paired difference, :meth:`PairedTally.frame`); for a row without it (a ``comparison.parquet``
    written before it was, or its older rows in a sweep's table: the column missing or nan), the row's ``lever_cost`` less the
    reference's where the rows given hold it (the first, its differences nan), else ``lever_cost`` (the reference then taken to be
    no lever). Nan on the reference's row.

    Parameters
    ----------
    comparison
        ``comparison.parquet`` as a DataFrame (:func:`compare_policies`), or some of its rows.
    """
    cost = comparison["lever_cost"].to_numpy(float)
    reference = comparison["collapse_difference"].isna().to_numpy()
    if len(comparison) and reference[0]:
        cost = np.where(reference, np.nan, cost - cost[0])
    if "lever_cost_difference" not in comparison:
        return cost
    paired = comparison["lever_cost_difference"].to_numpy(float)
    return np.where(np.isnan(paired), cost, paired)


#: What the money tables say under "per point of collapse avoided" for a lever with no price per point, by why it has none.
NO_PRICE = {
    "none": "-",
    "pays": "pays for itself",
    "dominates": "dominates",
    "free": "no cost",
    "untold": "cost not told apart",
}


def per_point_words(cells: Sequence[str], reference: str, lever_reference: bool) -> str:
    """What the money tables' column of cost per point of collapse avoided holds, for the line under ``sim-compare``'s table.

    Each word of :data:`NO_PRICE` the column uses (``cells``, from :func:`per_point_cells`) is said; the others are not.

    Parameters
    ----------
    cells
        The column's cells.
    reference
        The reference policy's name.
    lever_reference
        Whether the reference is a lever that costs something (a point is then priced at the cost beyond it).
    """
    ref = policy_phrase(reference)
    meaning = {
        "none": "it does not measurably lower collapse",
        "pays": "net of its cost, savings measurably rise too",
        "dominates": f"it costs measurably no more than {ref}",
        "free": "it costs nothing",
        "untold": f"what it costs beyond {ref} cannot be told from nothing, its paired interval holding zero",
    }
    said = [f"'{words}': {meaning[why]}" for why, words in NO_PRICE.items() if any(cell.split(" (if")[0] == words for cell in cells)]
    if any(LEAST in cell for cell in cells):
        said.append(f"'{LEAST}': on the same simulated partnerships, its cost per point is measurably below every other lever's")
    if any("(if the" in cell for cell in cells):
        rank = ", or the rank it names undone" if any("rank" in cell.partition("(if the")[2] for cell in cells) else ""
        said.append(
            "'(if the ... holds)': counting the doubt about the assumptions, the drop in collapse or the rise in net savings it names"
            f" could be zero{rank}, or that doubt could not be measured"
        )
    return (
        f"per point of collapse avoided: what a lever costs{f' beyond {ref}' if lever_reference else ''} for each percentage point of"
        " collapse it measurably avoids, with the interval the points avoided give it" + (f" ({'; '.join(said)})" if said else "")
    )


def per_point_cells(comparison: Any, reference_cell: str = "") -> list[str]:
    """Each policy's cell in the money tables' column of cost per point of collapse avoided, by the rule of :func:`lever_values`.

    ``0.108 [0.084, 0.153]`` (GBP m per partnership per point, its interval from the points avoided), or why it has no price:
    :data:`NO_PRICE` (a lever that costs nothing, against no lever: ``no cost``); followed, as the forest plot's panel says it, by
    ``(if the drop holds)`` where the doubt about the assumptions could undo the drop or could not be measured
    (:attr:`LeverValue.drop`), and ``(if the rise holds)`` alike for the rise in net savings of a lever that pays for itself.

    Parameters
    ----------
    comparison
        ``comparison.parquet`` as a DataFrame (:func:`compare_policies`), the reference first.
    reference_cell
        The reference's cell.
    """
    values = {v.lever: v for v in lever_values(comparison)}
    least = least_marks(list(values.values()))
    lever_reference = float(comparison["lever_cost"].iloc[0]) != 0
    cells = [reference_cell]
    for policy in comparison["policy"].iloc[1:]:
        name = policy_words(str(policy))
        v = values.get(name)
        if v is None:
            why = "none"
        elif v.pays:
            why = "pays"
        elif v.dominates:
            why = "dominates" if lever_reference else "free"
        elif not v.cost_told:
            why = "untold"
        else:
            why = ""
        cell = f"{v.per_point:.3f} [{v.low:.3f}, {v.high:.3f}]" + (f" {LEAST}" if name in least else "") if v is not None and not why else NO_PRICE[why]
        doubted = [] if v is None else [what for what, doubt in (("drop", v.drop), ("rise", v.rise), ("rank", least.get(name, ""))) if doubt]
        cells.append(cell + (f" (if the {' and '.join(doubted)} {'holds' if len(doubted) == 1 else 'hold'})" if doubted else ""))
    return cells


def cost_beyond_cells(comparison: Any, reference_cell: str = "", width: int = 0) -> list[str]:
    """Each policy's cell in the money tables' column of what it costs beyond the reference: :func:`extra_costs` with its paired interval.

    ``+0.70 [+0.68, +0.72]`` (GBP m per partnership); the point value alone for a row without the interval (written before it was).

    Parameters
    ----------
    comparison
        ``comparison.parquet`` as a DataFrame (:func:`compare_policies`), the reference first.
    reference_cell
        The reference's cell.
    width
        Minimum width of each number, padded on the left.
    """
    extra = extra_costs(comparison)
    columns = [f"lever_cost_difference_{end}" for end in ("low", "high")]
    ends = [comparison[c].to_numpy(float) if c in comparison else np.full(len(comparison), np.nan) for c in columns]
    cells = [reference_cell]
    for value, low, high in zip(extra[1:], ends[0][1:], ends[1][1:], strict=True):
        cells.append(signed(value, 2, width) if np.isnan(low) or np.isnan(high) else signed_interval(value, low, high, digits=2, width=width))
    return cells


def _named(row: Any, column: str) -> list[str] | None:
    """The policy names a row's ``column`` holds (space-separated), or None where the row has no value there.

    A table of rows written before and after the column was (a sweep resumed across versions) holds NaN (or ``pd.NA``)
    in the older rows: absent, not a name.
    """
    value = row.get(column)
    return value.split() if isinstance(value, str) else None


def per_point_interval(cost: Any, difference_low: Any, difference_high: Any) -> tuple[Any, Any]:
    """The interval of a lever's cost per percentage point avoided, from the interval of its difference in points (below zero at both ends).

    The cost is random per simulated partnership (a lever's running cost is paid only while the partnership lasts, and with
    parameter draws its costs are drawn), and this interval leaves that noise out: it is the doubt about the points avoided alone.
    Against no lever that noise is far the smaller: beside the points' variance, the cost's is at most ``v^2 |d| / (1 - |d|)`` of it
    (``v`` the cost's coefficient of variation across partnerships, ``d`` the difference as a share; their covariance aside). Fieller's
    interval from the paired costs and outcomes, with the cost's noise and without it, differed by at most 0.0007 at either end (all
    levers in case 01, 0.317 to 0.385: 1% of its width) for every lever tried (baseline, case 01, case 04; model 0.2.3, 4,000
    replications, prior and posterior), and was narrower with it where the cost and the drop were negatively correlated (a partnership
    kept going pays the running cost longer). Against a lever the cost difference can be nearly nothing and as noisy as the drop: a
    lever whose cost difference's interval holds zero gets no price per point (:attr:`LeverValue.cost_told`); one whose interval
    excludes zero but is wide keeps this interval, narrower than its whole doubt.

    Parameters
    ----------
    cost
        The lever's cost, GBP m per partnership: a number, or an array or Series of them (one a lever).
    difference_low, difference_high
        The interval of its paired difference in the chance, in percentage points, below zero (``difference_high < 0``);
        alike in shape.

    Returns
    -------
    tuple
        ``cost / -difference_low`` (most points avoided: the cheapest end) and ``cost / -difference_high`` (fewest: the dearest end).
    """
    return cost / -difference_low, cost / -difference_high


def priced(levers: Sequence[LeverValue]) -> list[LeverValue]:
    """The levers whose points avoided have a price: neither paying for themselves nor costing no more than the reference (dominating it),
    their cost beyond the reference's told from nothing (:attr:`LeverValue.cost_told`)."""
    return [v for v in levers if not v.pays and not v.dominates and v.cost_told]


def untold_cost(levers: Sequence[LeverValue]) -> list[LeverValue]:
    """The levers, neither paying for themselves nor dominating, whose cost beyond the reference's cannot be told from nothing (no price per point)."""
    return [v for v in levers if not v.pays and not v.cost_told]


def untold_cost_words(low: float, high: float, beyond: str, confidence: float = 0.95) -> str:
    """What is known of what a policy costs beyond a reference where that cannot be told from nothing (its interval holds zero).

    ``what it costs beyond agreed decision process cannot be told from nothing (GBP 0.0012 m less to 0.0033 m more per partnership,
    paired 95% interval)``: the sentences and :func:`best_value` say it so.

    Parameters
    ----------
    low, high
        The paired interval of its cost less the reference's, GBP m per partnership (``low`` below zero, ``high`` above).
    beyond
        The reference in words (``agreed decision process``, ``the policy compared with``).
    confidence
        The level of the interval.
    """
    span = f"GBP {_size(low, 2)} m less to {_size(high, 2)} m more per partnership"
    return f"what it costs beyond {beyond} cannot be told from nothing ({span}, paired {confidence:.0%} interval)"


def least_per_point(levers: Sequence[LeverValue]) -> list[LeverValue]:
    """Of the levers whose points have a price (:func:`priced`), the one that costs the least per point and those that cannot be told from it.

    The cheapest by its cost per point first, then, in order of cost per point, every other
    lever it is not measurably cheaper than (:attr:`LeverValue.cheaper_than`): the levers
    :func:`best_value` names and the forest plot's cost panel marks. Empty where none has a price.

    Parameters
    ----------
    levers
        The levers that measurably lower the chance (:func:`lever_values`).
    """
    rest = sorted(priced(levers), key=lambda v: v.per_point)
    if not rest:
        return []
    return [rest[0], *(v for v in rest[1:] if v.lever not in rest[0].cheaper_than)]


@dataclass(frozen=True)
class Least:
    """The lever that, of two or more that do not pay for themselves, is measurably the least per point, and the doubt about that rank.

    Attributes
    ----------
    value
        The lever (:func:`lever_values`).
    lost, untested
        The levers (named as :attr:`LeverValue.lever`, in the order the levers were given) from which, counting the doubt about
        the assumptions, it cannot be told (``"lost"``), and those for which the draws could not measure that doubt
        (``"untested"``). Both empty where its own drop does not hold once that doubt is counted (:attr:`LeverValue.drop`
        ``"lost"``): its caveat already says the doubt undoes it, and so any rank by cost per point.
    """

    value: LeverValue
    lost: list[str]
    untested: list[str]

    @property
    def doubt(self) -> Doubt:
        """The rank's :data:`Doubt`: ``"lost"`` where some lever could undo it, else ``"untested"`` where some could not be tested."""
        return "lost" if self.lost else "untested" if self.untested else ""


def measurably_least(levers: Sequence[LeverValue]) -> Least | None:
    """The lever measurably the least per point of those that do not pay for themselves (two or more), with the doubt about that rank.

    The one rule :func:`best_value` and the forest plot's cost panel (:func:`sim.analysis.plots.forest_figure`) say:
    :func:`least_per_point` names it alone. None where fewer than two levers do not pay for themselves or the cheapest
    cannot be told from another.

    Parameters
    ----------
    levers
        The levers that measurably lower the chance (:func:`lever_values`), in the order a table lists them.
    """
    close = least_per_point(levers)
    if len(close) != 1 or len(priced(levers)) < 2:
        return None
    cheapest = close[0]
    if cheapest.drop == "lost":
        return Least(cheapest, [], [])
    doubts = {v.lever: cheapest.cheaper_than.get(v.lever, "") for v in levers}
    return Least(cheapest, [lever for lever, d in doubts.items() if d == "lost"], [lever for lever, d in doubts.items() if d == "untested"])


#: What follows the cost per point of the lever measurably the least per point (:func:`least_marks`), in the forest plot's cost panel and
#: the money tables alike.
LEAST = "measurably the least"


def least_marks(levers: Sequence[LeverValue]) -> dict[str, Doubt]:
    """The lever measurably the least per point (:func:`measurably_least`), by its name, with the :data:`Doubt` of that rank.

    The one mark the forest plot's cost panel (:func:`sim.analysis.plots.forest_figure`) and the money tables of ``sim-compare`` and
    ``sim-report`` (:func:`per_point_cells`) put after its cost per point, as :data:`LEAST`; nothing where no lever is.

    Parameters
    ----------
    levers
        The levers that measurably lower the chance (:func:`lever_values`), in the order a table lists them.

    Returns
    -------
    dict
        ``{lever: doubt}`` for that one lever, or empty.
    """
    least = measurably_least(levers)
    return {} if least is None else {least.value.lever: least.doubt}


def paired_cost_words(between: str, verdict: str, confidence: float = 0.95) -> str:
    """How the paired comparison of costs per point is said, in every sentence that gives it.

    Parameters
    ----------
    between
        What is compared, e.g. ``"their costs per point"``.
    verdict
        What its interval does, e.g. ``"holds zero"``.
    confidence
        The level of the interval.
    """
    return f"on the same simulated partnerships, the {confidence:.0%} interval of the difference between {between} {verdict}"


def best_value(levers: Sequence[LeverValue], measure: str = "collapse", confidence: float = 0.95) -> str:
    """Which of the levers that measurably lower ``measure`` are the better buy, in a sentence that claims no more than the numbers show.

    A lever that pays for itself (net of its cost, savings measurably rise) is the better buy
    whatever it costs per point, and so is one that measurably costs no more than the reference (a lever
    compared with a dearer lever: :attr:`LeverValue.dominates`). One whose cost beyond the reference's cannot
    be told from nothing (:attr:`LeverValue.cost_told`) is said, after the others, to lower the chance at a cost that cannot be
    told from the reference's, with neither a price per point nor dominance. The others are ranked by their cost per point only where the
    difference is measurable (:func:`least_per_point`): the cheapest is named alone where it is
    measurably cheaper than every other, on the paired replications (:meth:`PairedTally.cheaper`);
    otherwise the levers that cannot be told from it are named with it. Where the run tells the
    cheapest apart but, counting the doubt about the assumptions, it could not be told from some
    lever (or the draws could not measure that doubt), a sentence of its own says so (:func:`measurably_least`),
    naming those levers in the order given ("any of them" where that is every other); not where its own drop is
    undone by that doubt (its caveat says so).

    Parameters
    ----------
    levers
        The levers that measurably lower ``measure``, in the order a table lists them; at least one.
    measure
        The chance avoided, as the sentence names it.
    confidence
        The level of the intervals.

    Returns
    -------
    str
        One sentence or more, the first starting ``"The best value: "`` (``"The best value cannot be named: "`` where every lever's
        cost beyond the reference's cannot be told from nothing).
    """
    level = f"{confidence:.0%}"
    lead = "The best value: "
    said = []
    pays = [f"{v.lever}{v.caveat}" for v in levers if v.pays]
    if pays:
        one = len(pays) == 1
        said.append(
            f"{lead}{listed(pays)} {'pays for itself' if one else 'pay for themselves'}: {'it lowers' if one else 'they lower'} {measure} and,"
            f" net of {'its' if one else 'their'} cost, savings measurably rise."
        )
        lead = "Of the others, the best value: "
    dominating = [f"{v.lever}{v.caveat}" for v in levers if v.dominates and not v.pays]
    if dominating:
        one = len(dominating) == 1
        said.append(
            f"{lead}{listed(dominating)} {'lowers' if one else 'lower'} {measure} at no more cost than the policy compared with:"
            f" {'it dominates' if one else 'they dominate'} it, with no cost per point to pay."
        )
        lead = "Of the others, the best value: "
    close = least_per_point(levers)
    if close:
        cheapest = close[0]
        per_point = f"per percentage point of {measure} avoided"
        if len(close) == 1:
            apart = ""
            least = measurably_least(levers)
            if least is not None:
                why = (
                    paired_cost_words("its cost per point and each other one's", "lies below zero", confidence)
                    if cheapest.paired
                    else f"its {level} interval of cost per point lies below each of theirs"
                )
                apart = f", measurably less than any of the others ({why})"
            interval = f"{level} interval {cheapest.low:.3f} to {cheapest.high:.3f}"
            said.append(f"{lead}{cheapest.lever}{cheapest.caveat}, at GBP {cheapest.per_point:.3f} m {per_point} ({interval}){apart}.")
            if least is not None and least.doubt:
                said.append(_rank_doubt_words(least, [v.lever for v in levers if not v.pays and v is not cheapest]))
        else:
            costs = "; ".join(f"{v.lever} GBP {v.per_point:.3f} m, {level} interval {v.low:.3f} to {v.high:.3f}" for v in close)
            between = "their costs per point" if len(close) == 2 else f"each one's cost per point and {cheapest.lever}'s"
            why = paired_cost_words(between, "holds zero", confidence) if cheapest.paired else f"the {level} intervals of their costs per point overlap"
            said.append(
                f"{lead}{listed([f'{v.lever}{v.caveat}' for v in close])} cost the least {per_point} ({costs}), but cannot be told apart"
                f" at these replications: {why}."
            )
    for v in untold_cost(levers):  # neither priced nor dominating: after the others, and none of them the best value
        cost = untold_cost_words(v.extra_low, v.extra_high, "the policy compared with", confidence)
        said.append(
            f"{'' if said else 'The best value cannot be named: '}{v.lever}{v.caveat} lowers {measure}{' too' if said else ''}, but {cost}:"
            " neither a price per point nor that it costs no more can be said."
        )
    return " ".join(said)


def _rank_doubt_words(least: Least, others: Sequence[str]) -> str:
    """What the doubt about the assumptions does to the cheapest lever's rank per point, in a sentence of its own after the best value's.

    The levers it cannot be told from once that doubt is counted (:attr:`Least.lost`), then those against which the draws could not
    measure it (:attr:`Least.untested`), each group named, or said to be "any of them" where it holds every one of ``others``, the
    levers that do not pay for themselves but the cheapest.
    """

    def named(group: Sequence[str]) -> str:
        return "any of them" if len(others) > 1 and set(group) >= set(others) else listed(list(group))

    counted = "Counting the doubt about the assumptions"
    if not least.untested:
        return f"{counted}, it cannot be told from {named(least.lost)}."
    unknown = f"whether it stays cheaper than {named(least.untested)}"
    if not least.lost:
        return f"{upper_first(unknown)} once the doubt about the assumptions is counted is not known."
    return f"{counted}, it cannot be told from {named(least.lost)}, and {unknown} is not known."


def unmeasured_words(draws: int) -> str:
    """Why a claim's total interval backs nothing, as the interpretation says it: the draws could not measure the doubt about the assumptions."""
    return f"the doubt about the assumptions could not be measured with {draws} draws"


def of_levers(count: int, compared: int) -> str:
    """How many of the levers compared, as every sentence that counts them says it: ``all M levers``, ``N of M levers``, or the one alone.

    Parameters
    ----------
    count
        The levers the sentence speaks of.
    compared
        The levers compared (the reference not counted).
    """
    if compared == 1:
        return "the one lever compared"
    return f"all {count} levers" if count == compared else f"{count} of {compared} levers"


def lowers(count: int) -> str:
    """The verb for ``count`` levers: ``lowers`` for one, ``lower`` for several."""
    return "lowers" if count == 1 else "lower"


def caveated(levers: Sequence[LeverValue]) -> list[LeverValue]:
    """The levers with what the doubt about the assumptions leaves of their drop in collapse and rise in net savings said
    after each name (:func:`lever_caveat`): what :func:`best_value` is given, in ``sim-compare``'s money table and notebook 02.
    """
    return [replace(v, caveat=lever_caveat(v, money=True)) for v in levers]


def lever_caveat(value: LeverValue, measure: str = "collapse", money: bool = False) -> str:
    """Words after a lever's name where the total interval does not back what is said of it, or the draws could not test it.

    Its drop in ``measure`` and, with ``money``, its rise in net savings (where it pays for itself):
    each claim whose :data:`Doubt` is ``"lost"`` is said to be undone by the doubt about the
    assumptions, each ``"untested"`` one not known once that doubt is counted.

    Parameters
    ----------
    value
        The lever (:func:`lever_values`).
    measure
        The chance it lowers, as the sentence names it.
    money
        Whether its rise in net savings is spoken of too.

    Returns
    -------
    str
        ``" (though ...)"``, or ``""`` where every claim holds.
    """
    claims = ((f"it no longer measurably lowers {measure}", f"it still lowers {measure}", value.drop),)
    claims += (("its rise in net savings could be zero", "its net savings still rise", value.rise),) if money else ()
    lost = [said for said, _, doubt in claims if doubt == "lost"]
    untested = [said for _, said, doubt in claims if doubt == "untested"]
    if lost and untested:  # the doubt named once
        return f" (though counting the doubt about the assumptions, {' and '.join(lost)}, and whether {' and '.join(untested)} is not known)"
    if lost:
        return f" (though counting the doubt about the assumptions, {' and '.join(lost)})"
    return f" (though whether {' and '.join(untested)} once the doubt about the assumptions is counted is not known)" if untested else ""


def drop_doubt_words(levers: Sequence[LeverValue], draws: int, measure: str = "collapse") -> list[str]:
    """What the doubt about the assumptions does to each lever's measurable drop in ``measure``, in one or two sentences.

    One rule, :attr:`LeverValue.drop`: a lever whose drop holds once that doubt is counted
    "still" lowers it, one whose total interval reaches zero "no longer" does, and for one whose
    draws could not measure that doubt whether it still does "is not known".

    Parameters
    ----------
    levers
        The levers that measurably lower ``measure`` (:func:`lever_values`), in the order the sentences name them.
    draws
        The parameter draws run; 0 without them (no total interval: nothing to say).
    measure
        The chance, as the sentences name it.

    Returns
    -------
    list of str
        The sentence on the levers whose doubt was measured, then the one on those whose doubt was not (each where it has levers).
    """
    if not draws:
        return []
    robust = [v.lever for v in levers if v.drop == ""]
    fragile = [v.lever for v in levers if v.drop == "lost"]
    unmeasured = [v.lever for v in levers if v.drop == "untested"]
    said = []
    if robust or fragile:
        clauses = [f"{listed(group)} {still} measurably {lowers(len(group))} it" for group, still in ((robust, "still"), (fragile, "no longer")) if group]
        measured = len(robust) + len(fragile)
        of_measured = f"of the {measured} whose spread across the draws could be measured, " if measured > 1 else ""
        said.append(f"Counting the doubt about the model's assumptions as well (the total interval), {of_measured}" + "; ".join(clauses) + ".")
    if unmeasured:
        still = "it still lowers" if len(unmeasured) == 1 else "they still lower"
        said.append(f"For {listed(unmeasured)}, {unmeasured_words(draws)}, so whether {still} {measure} once that doubt is counted is not known.")
    return said


@dataclass(frozen=True)
class MoneyChange:
    """A lever whose net savings, net of its own cost, measurably change.

    Attributes
    ----------
    lever
        The lever as the sentence names it (:func:`policy_words`).
    difference, low, high
        Its paired difference in net savings from the reference, GBP m per partnership, with its Monte Carlo interval.
    doubt
        Whether the change holds once the doubt about the assumptions is counted (:data:`Doubt`).
    """

    lever: str
    difference: float
    low: float
    high: float
    doubt: Doubt = ""

    @property
    def rises(self) -> bool:
        """Whether savings rise with it."""
        return self.difference > 0


def money_changes(comparison: Any) -> list[MoneyChange]:
    """The levers whose net savings measurably change once their own cost is paid: those whose savings rise first, then those whose fall.

    One rule, as :func:`lever_values` has it for a lever that pays for itself: savings measurably
    rise where ``net_savings_difference_low`` is above zero and fall where its ``_high`` is below;
    the change's :data:`Doubt` is ``"lost"`` where its total interval reaches zero and ``"untested"``
    where the draws could not measure the doubt about the assumptions.

    Parameters
    ----------
    comparison
        ``comparison.parquet`` as a DataFrame (:func:`compare_policies`), or some of its rows, in the order the sentences name them.
    """
    d = "net_savings_difference"
    changes = []
    for rises in (True, False):
        moved = comparison[comparison[f"{d}_low"] > 0] if rises else comparison[comparison[f"{d}_high"] < 0]
        for _, row in moved.iterrows():
            changes.append(MoneyChange(policy_words(str(row["policy"])), row[d], row[f"{d}_low"], row[f"{d}_high"], _holds(row, d, below=not rises)))
    return changes


def money_words(changes: Sequence[MoneyChange], compared: int, draws: int, confidence: float = 0.95) -> list[str]:
    """What the levers do to net savings once their own cost is paid, and what the doubt about the assumptions does to it, in sentences.

    Parameters
    ----------
    changes
        The levers whose net savings measurably change (:func:`money_changes`).
    compared
        The levers compared (the reference not counted).
    draws
        The parameter draws run; 0 without them.
    confidence
        The level of the intervals.

    Returns
    -------
    list of str
        Which levers raise and which lower net savings, with each change and its interval; then, where they have levers, those
        whose change the total interval does not back and those whose doubt could not be measured. One sentence where none changes.
    """
    if not changes:
        return ["No lever measurably changes net savings once its own cost is paid."]
    rise = [c for c in changes if c.rises]
    fall = [c for c in changes if not c.rises]
    moves = [f"{verb} with {of_levers(len(group), compared)}" for group, verb in ((rise, "rise"), (fall, "fall")) if group]
    quoted = [
        f"{c.lever} (GBP {signed(c.difference, 2)} m a partnership, {confidence:.0%} interval {signed(c.low, 2)} to {signed(c.high, 2)})"
        for c in [*rise, *fall]
    ]
    said = [f"Once a lever's own cost is paid, savings measurably {' and '.join(moves)}: " + "; ".join(quoted) + "."]
    doubtful = [c.lever for c in [*rise, *fall] if c.doubt == "lost"]
    unmeasured = [c.lever for c in [*rise, *fall] if c.doubt == "untested"]
    if draws and doubtful:
        said.append(
            f"Counting the doubt about the assumptions as well (the total interval), the change in net savings is no longer measurable for {listed(doubtful)}."
        )
    if draws and unmeasured:
        said.append(f"For {listed(unmeasured)}, {unmeasured_words(draws)}, so whether the change in net savings holds once that doubt is counted is not known.")
    return said
