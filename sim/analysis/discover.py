"""Scenario discovery: which ranges of the inputs lead to collapse, found with PRIM from the EMA Workbench.

PRIM (the patient rule induction method; Friedman and Fisher 1999, as used for scenario
discovery by Bryant and Lempert 2010) peels the input space down to boxes where the outcome
of interest is concentrated. For each box it reports **coverage** (the share of all cases of
interest that fall inside it), **density** (the share of cases inside it that are of interest,
to set against the base rate over all cases) and **mass** (the share of all cases inside it),
and for each input it restricts the **quasi-p value** of that restriction (Bryant and Lempert
2010; the EMA Workbench's): the chance, by a one-sided binomial test, of a density gain as large
as the restriction's if it were chance alone. With many inputs and few cases PRIM restricts
inputs that merely fit the noise of the cases; their quasi-p values are large.
The algorithm is the EMA Workbench's (``ema_workbench.analysis.prim``, the ``[analysis]`` extra);
this module chooses the inputs, the point of each peeling trajectory and says the result in words.

Inputs: on a run's ``replications.parquet``, the parameters drawn for each replication (the
partnership's own and each council's ``c{k}_<attribute>``, :func:`drawn_inputs`), those that
vary; on a sweep's table, the swept columns; on a run with parameter draws, the assumptions
each draw drew (``draws.parquet``, :func:`draw_chances`). Outcome: a replication that collapsed
(or was shelved, or failed); on a sweep or over draws, a point or draw whose probability of
collapse is at least a threshold (:func:`discover_chances`), each probability a share of only
its replications, whose noise the result reports (:class:`Noise`).
"""

from __future__ import annotations

import math
import re
import textwrap
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
from matplotlib.figure import Figure

from sim.analysis.plots import MIN_POINTS, OKABE_ITO, styled
from sim.analysis.stats import between_draws, holm
from sim.analysis.summary import FAILURES
from sim.config.settings import NO_POLICY
from sim.config.uncertainty import DRAW_KEYS
from sim.frontends.table import COUNCIL_COLUMNS, PARTNERSHIP_INPUTS, input_title

#: Outcomes of interest on a replication table, by name.
OUTCOMES = {
    "collapsed": lambda outcome: outcome == "collapsed",
    "shelved": lambda outcome: outcome == "shelved",
    "failure": lambda outcome: np.isin(outcome, FAILURES),
}
#: Each outcome's probability, as a sweep point's or a parameter draw's is said.
CHANCES = {"collapsed": "P(collapse)", "shelved": "P(shelved)", "failure": "P(failure)"}
#: A restriction whose quasi-p value is above this may be chance (the render says so).
QUASI_P = 0.05
#: A point or draw within this many of its standard errors of the threshold may fall on either side of it by noise alone.
NEAR = 2.0


def prim_module() -> Any:
    """``ema_workbench.analysis.prim``, imported quietly (it warns about optional parts it does not need); ImportError without the extra."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from ema_workbench.analysis import prim

    return prim


def workbench_version() -> str:
    """The installed EMA Workbench's version."""
    from importlib.metadata import version

    return version("ema_workbench")


def drawn_inputs(table: Any) -> list[str]:
    """Columns of a replication table holding parameters drawn per replication that take more than one value."""
    councils = [c for c in table.columns if c[:1] == "c" and "_" in c and c[1 : c.index("_")].isdigit() and c[c.index("_") + 1 :] in COUNCIL_COLUMNS]
    candidates = [c for c in PARTNERSHIP_INPUTS if c in table.columns] + councils
    return [c for c in candidates if table[c].nunique(dropna=False) > 1]


def council_names(scenario: str, policy: str = NO_POLICY, point: Mapping[str, Any] | None = None) -> list[str]:
    """The councils' names of a run of ``scenario`` and ``policy`` with the values ``point`` (a run's or a sweep point's overrides).

    Empty when the scenario cannot be composed here (one from a folder of your own): the
    titles then say "council k+1".
    """
    from sim.config.checks import ConfigError
    from sim.config.scenarios import load

    named = [f"{key}={value}" for key, value in (point or {}).items() if re.fullmatch(r"councils\.\d+\.name", str(key))]
    try:
        return [c.name for c in load(scenario, policy, named).councils]
    except ConfigError:
        return []


@dataclass(frozen=True)
class Box:
    """One box: where it was chosen on its peeling trajectory, its statistics and the limits of the inputs it restricts.

    ``limits`` maps each restricted input to ``(low, high)`` for a number or the tuple of
    categories kept; ``ranges`` gives each restricted input's full range (or categories);
    ``quasi_p`` each restricted input's quasi-p value (:func:`quasi_p`).
    """

    number: int
    coverage: float
    density: float
    mass: float
    inside: int
    of_interest: int
    limits: dict[str, tuple[Any, ...]]
    ranges: dict[str, tuple[Any, ...]]
    trajectory: Any
    chosen: int
    quasi_p: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Chances:
    """Cases that are each a probability estimated from replications: a sweep's points or a run's parameter draws.

    ``case`` names one case (``point``, ``draw``); ``x`` holds the inputs, one row per case;
    ``estimate`` each case's probability of the outcome, a share of its ``replications``.
    """

    case: str
    x: Any
    estimate: np.ndarray
    replications: np.ndarray


@dataclass(frozen=True)
class Noise:
    """How far Monte Carlo noise blurs which cases are of interest, where each case's probability is a share of few replications.

    ``replications`` is the fewest behind a case and ``most`` the most; ``standard_error`` the standard error of such
    a case's probability were it at the threshold; ``near`` how many cases lie within
    :data:`NEAR` of their own standard errors of the threshold (on which side they fall is
    partly chance); ``noise_share`` the share of the variance of the cases' probabilities that
    Monte Carlo noise makes up (1 where the cases differ no more than noise alone would make
    them: :func:`sim.analysis.stats.between_draws`).
    """

    case: str
    chance: str
    threshold: float
    replications: int
    most: int
    standard_error: float
    near: int
    noise_share: float


@dataclass
class Discovery:
    """What PRIM found: the outcome, how common it is overall, the inputs searched and the boxes."""

    outcome: str
    cases: int
    of_interest: int
    inputs: list[str]
    boxes: list[Box] = field(default_factory=list)
    version: str = ""
    titles: dict[str, str] = field(default_factory=dict)
    #: Inputs drawn once per parameter draw of a run with draws, by the number of draws: the cases of one draw share
    #: the input's value, so they are not independent cases for it and its quasi-p values are too small.
    shared: dict[str, int] = field(default_factory=dict)
    #: Where each case is a probability estimated from replications (a sweep's points, a run's draws): how noisy it is.
    noise: Noise | None = None

    def title(self, column: str) -> str:
        """What the input ``column`` is, for a reader (:func:`input_title`; the column itself if no title was given)."""
        return self.titles.get(column, column)

    @property
    def base_rate(self) -> float:
        """Share of all cases that are of interest."""
        return self.of_interest / self.cases if self.cases else float("nan")

    def holm_below(self, box: Box) -> int:
        """How many of ``box``'s restrictions keep a quasi-p at most :data:`QUASI_P` after Holm's correction over all the inputs searched.

        PRIM searched every input in :attr:`inputs`, so among that many a small quasi-p also turns up
        by chance; the inputs the box leaves unrestricted count as quasi-p 1 (:func:`sim.analysis.stats.holm`).
        """
        if not box.limits:
            return 0
        adjusted = holm([box.quasi_p.get(name, math.nan) for name in box.limits], max(len(self.inputs), len(box.limits)))
        return int((adjusted <= QUASI_P).sum())

    def to_dict(self) -> dict[str, Any]:
        """Plain data for ``discovery.json``: inputs and limits by column name (as other tools read them), ``titles`` by column for a reader."""

        def plain_limits(box: Box) -> dict[str, Any]:
            return {k: list(v) for k, v in box.limits.items()}

        return {
            "method": f"PRIM (ema_workbench {self.version})",
            "outcome": self.outcome,
            "cases": self.cases,
            "of_interest": self.of_interest,
            "base_rate": self.base_rate,
            "inputs": self.inputs,
            "titles": {column: self.title(column) for column in self.inputs},
            "drawn_per_draw": self.shared,
            "noise": None if self.noise is None else asdict(self.noise),
            "boxes": [
                {
                    "box": b.number,
                    "coverage": b.coverage,
                    "density": b.density,
                    "mass": b.mass,
                    "inside": b.inside,
                    "of_interest_inside": b.of_interest,
                    "limits": plain_limits(b),
                    "ranges": {k: list(v) for k, v in b.ranges.items()},
                    "trajectory": b.trajectory[["coverage", "density", "mass", "res_dim"]].to_dict(orient="list"),
                    "chosen": b.chosen,
                    "quasi_p": {k: (None if math.isnan(v) else v) for k, v in b.quasi_p.items()},
                    "quasi_p_above": sum(not b.quasi_p.get(name, math.nan) <= QUASI_P for name in b.limits),
                    "holm_below": self.holm_below(b),
                }
                for b in self.boxes
            ],
        }


def _limits(lims: Any, init: Any, x: Any) -> tuple[dict[str, tuple[Any, ...]], dict[str, tuple[Any, ...]]]:
    """The restricted inputs of a box (its limits and their full ranges), from PRIM's two-row limit tables."""
    limits, ranges = {}, {}
    for column in lims.columns:
        low, high = lims[column].iloc[0], lims[column].iloc[1]
        full_low, full_high = init[column].iloc[0], init[column].iloc[1]
        if isinstance(low, (set, frozenset)):
            if set(low) != set(full_low):
                limits[column] = tuple(sorted(map(str, low)))
                ranges[column] = tuple(sorted(map(str, full_low)))
        elif low > full_low or high < full_high:
            limits[column] = (_number(low, x[column], math.ceil), _number(high, x[column], math.floor))
            ranges[column] = (_number(full_low, x[column], math.ceil), _number(full_high, x[column], math.floor))
    return limits, ranges


def _number(value: Any, column: Any, inward: Callable[[float], int]) -> float | int:
    """A limit as a number of the column's kind: a whole number for a column of whole numbers (rounded ``inward``, into the box)."""
    return inward(float(value)) if np.issubdtype(column.dtype, np.integer) else float(value)


def quasi_p(values: Any) -> float:
    """An input's quasi-p value from PRIM's per-end values (``-1`` for an end left unrestricted): the larger of its restricted ends', nan if none."""
    ends = [float(v) for v in np.atleast_1d(values) if float(v) >= 0]
    return max(ends) if ends else float("nan")


def choose(trajectory: Any, min_coverage: float) -> int:
    """The point of a peeling trajectory to keep: the densest with coverage at least ``min_coverage`` (the widest of equals); else the first."""
    eligible = trajectory[trajectory["coverage"] >= min_coverage]
    if eligible.empty:
        return 0
    best = eligible.sort_values(["density", "coverage"], ascending=[False, False], kind="stable")
    return int(best.index[0])


def _plain_numbers(x: Any) -> Any:
    """``x`` with pandas' nullable number columns (``Int64``, ``Float64``, as a sweep table's whole-number columns come) as numpy ones."""
    nullable = {c: x[c].dtype for c in x.columns if not isinstance(x[c].dtype, np.dtype) and getattr(x[c].dtype, "kind", "O") in "iuf"}
    return x.astype({c: np.int64 if dtype.kind in "iu" and x[c].notna().all() else float for c, dtype in nullable.items()})


def discover(
    x: Any,
    y: np.ndarray,
    outcome: str,
    boxes: int = 2,
    min_coverage: float = 0.5,
    peel_alpha: float = 0.05,
    mass_min: float = 0.05,
    councils: Sequence[str] = (),
) -> Discovery:
    """Find up to ``boxes`` boxes of the inputs ``x`` where the cases ``y`` (True: of interest) concentrate.

    Parameters
    ----------
    x
        Inputs, one row per case (a DataFrame of numbers and categories).
    y
        Whether each case is of interest.
    outcome
        The outcome of interest in words (for printing).
    boxes
        Most boxes to find; each next box is searched among the cases outside the earlier ones.
    min_coverage
        Each box is the densest point of its peeling trajectory with at least this coverage (:func:`choose`).
    peel_alpha, mass_min
        PRIM's share peeled off at each step, and the smallest mass a box may have.
    councils
        The councils' names by index, for the inputs' titles (:func:`input_title`).
    """
    y = np.asarray(y, bool)
    x = _plain_numbers(x)
    titles = {str(c): input_title(str(c), councils) for c in x.columns}
    found = Discovery(outcome, len(y), int(y.sum()), list(x.columns), version=workbench_version(), titles=titles)
    if not y.any() or y.all():
        return found
    prim = prim_module()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # PRIM pastes limits between whole numbers (30.5), which pandas will not write into an integer column: give it floats.
        numbers = x.astype({c: float for c in x.columns if x[c].dtype.kind in "iu"})
        algorithm = prim.Prim(numbers, y, peel_alpha=peel_alpha, mass_min=mass_min)
        for number in range(1, boxes + 1):
            box = algorithm.find_box()
            if box is None:
                break
            trajectory = box.peeling_trajectory.reset_index(drop=True)
            chosen = choose(trajectory, min_coverage)
            box.select(chosen)
            row = trajectory.iloc[chosen]
            limits, ranges = _limits(box.box_lims[chosen], algorithm.box_init, x)
            if not limits:
                break
            qp = {name: quasi_p(box.p_values[chosen].get(name, ())) for name in limits}
            stats = (float(row["coverage"]), float(row["density"]), float(row["mass"]), int(row["n"]), int(row["k"]))
            found.boxes.append(Box(number, *stats, limits, ranges, trajectory, chosen, qp))
    return found


def draw_chances(replications: Any, draws: Any, outcome: str) -> Chances:
    """Each parameter draw of a run as one case: the assumptions it drew that vary across draws, and the share of its replications with ``outcome``.

    Parameters
    ----------
    replications
        The run's replication table (``replications.parquet``): its ``draw`` and ``outcome`` columns.
    draws
        The run's ``draws.parquet``: one row per draw, its index and posterior row (:data:`DRAW_KEYS`)
        and one column per drawn assumption, by path.
    outcome
        A key of :data:`OUTCOMES`.

    Raises
    ------
    ValueError
        Where ``draws`` lacks a draw the replications ran (the two tables are not of one run).
    """
    draw = replications["draw"].to_numpy(np.int64)
    ids, which = np.unique(draw, return_inverse=True)
    table = draws.set_index(DRAW_KEYS[0])
    missing = np.setdiff1d(ids, table.index.to_numpy(np.int64))
    if missing.size:
        raise ValueError(f"draws.parquet lacks {missing.size} of the draws replications.parquet ran (draw {missing[0]} first): they are not of one run")
    table = table.loc[ids]
    inputs = [c for c in table.columns if c not in DRAW_KEYS and table[c].nunique(dropna=False) > 1]
    count = np.bincount(which)
    of_interest = np.bincount(which, weights=OUTCOMES[outcome](replications["outcome"].astype(str).to_numpy()).astype(float))
    return Chances("draw", table[inputs].reset_index(drop=True), of_interest / count, count)


def noise_of(chances: Chances, chance: str, threshold: float) -> Noise:
    """How noisy ``chances`` are against ``threshold`` (:class:`Noise`); ``chance`` says the probability (``P(collapse)``)."""
    p = np.asarray(chances.estimate, float)
    n = np.asarray(chances.replications, float)
    error = np.sqrt(threshold * (1 - threshold) / n)
    near = int((np.abs(p - threshold) < NEAR * error).sum())
    spread = float(np.var(p, ddof=1)) if len(p) > 1 else 0.0
    tau2, _ = between_draws(p, p * (1 - p) / np.maximum(n - 1, 1), n)
    share = 1.0 if spread <= 0 else min(max(1 - float(tau2) / spread, 0.0), 1.0)
    return Noise(chances.case, chance, threshold, int(n.min()), int(n.max()), float(error.max()), near, share)


def discover_chances(
    chances: Chances,
    outcome: str,
    threshold: float,
    boxes: int = 2,
    min_coverage: float = 0.5,
    peel_alpha: float = 0.05,
    mass_min: float = 0.05,
    councils: Sequence[str] = (),
) -> Discovery:
    """Find boxes of the inputs where the cases with a probability of ``outcome`` at least ``threshold`` concentrate; say how noisy those are.

    Parameters
    ----------
    chances
        The cases: a sweep's points or a run's parameter draws (:func:`draw_chances`).
    outcome
        A key of :data:`OUTCOMES`.
    threshold
        A case is of interest where its probability is at least this.
    boxes, min_coverage, peel_alpha, mass_min, councils
        As for :func:`discover`.
    """
    chance = CHANCES[outcome]
    y = np.asarray(chances.estimate, float) >= threshold
    what = f"{chances.case}s with {chance} >= {threshold:.1%}"
    found = discover(chances.x, y, what, boxes, min_coverage, peel_alpha, mass_min, councils)
    found.noise = noise_of(chances, chance, threshold)
    return found


def _noise_lines(found: Discovery) -> list[str]:
    """What the noise of each case's probability means for the boxes, in words."""
    n = found.noise
    if n is None:
        return []
    counts = f"{n.replications:,}" if n.most == n.replications else f"{n.replications:,} to {n.most:,}"
    lines = [
        f"  each case is one {n.case} (quasi-p counts {n.case}s, not partnerships); its {n.chance} is a share of {counts} replications:"
        f" one standard error is {n.standard_error:.1%} at the threshold {n.threshold:.1%} (with {n.replications:,}), and {n.near:,} of the"
        f" {found.cases:,} {n.case}s lie within {NEAR:g} standard errors of it, so on which side they fall is partly chance",
    ]
    if n.noise_share >= 1:
        lines.append(
            f"  the {n.case}s' {n.chance} differ no more than Monte Carlo noise alone would make them: any box may be noise;"
            f" more replications per {n.case} would tell"
        )
    else:
        lines.append(
            f"  Monte Carlo noise makes up {n.noise_share:.0%} of the spread of the {n.case}s' {n.chance}: it blurs the boxes (lower density and coverage"
            f" than the inputs alone give), not their quasi-p values; more replications per {n.case} sharpen them"
        )
    return lines


#: Below this a quasi-p is printed as "below 0.001" (its exact size, 2.6e-186 say, reads as code and tells a reader nothing more).
SMALLEST_P = 0.001


def _p(value: float | None) -> str:
    """A quasi-p value as the printout gives it: two significant figures, "below 0.001" under :data:`SMALLEST_P` (``discovery.json`` keeps it whole)."""
    if value is None or math.isnan(value):
        return "unknown"
    return f"below {SMALLEST_P:g}" if value < SMALLEST_P else f"{value:.2g}"


def _range(values: tuple[Any, ...]) -> str:
    if values and isinstance(values[0], str):
        return "{" + ", ".join(values) + "}"
    low, high = values
    return f"{low:.3g} to {high:.3g}"


def render(found: Discovery) -> str:
    """What PRIM found, in words: each box with its coverage and density against the base rate, and the inputs it restricts (by title, then column)."""
    lines = [
        f"Scenario discovery with PRIM (EMA Workbench {found.version}): {found.cases:,} cases, {found.of_interest:,} {found.outcome}"
        f" ({found.base_rate:.1%} overall); {len(found.inputs)} inputs searched",
        "  coverage: share of all the cases of interest inside the box; density: share of the cases inside the box that are of interest",
        f"  quasi-p: the chance of a restriction's gain in density if it were chance alone; above {QUASI_P} the restriction may only fit"
        " these cases (with many inputs and few cases, PRIM restricts such inputs too)",
        *_noise_lines(found),
    ]
    if not found.boxes:
        lines.append("No box found: the outcome is not concentrated in any range of the inputs (or never, or always, happens).")
    for b in found.boxes:
        lines.append(
            f"Box {b.number}: {b.inside:,} cases inside ({b.mass:.1%} of all), {b.of_interest:,} of them {found.outcome}: density {b.density:.1%}"
            f" against {found.base_rate:.1%} overall; coverage {b.coverage:.1%}"
        )
        if b.limits:
            chance, kept = sum(not b.quasi_p.get(name, math.nan) <= QUASI_P for name in b.limits), found.holm_below(b)
            lines.append(
                f"  {chance} of its {len(b.limits)} restrictions have a quasi-p above {QUASI_P}: they may be chance;"
                f" counting that {len(found.inputs)} inputs were searched (Holm), {kept} of its {len(b.limits)} restrictions"
                f" {'stays' if kept == 1 else 'stay'} below {QUASI_P}"
            )
        lines += [
            f"  {found.title(name)} [{name}]: {_range(b.limits[name])} (all cases: {_range(b.ranges[name])}); quasi-p {_p(b.quasi_p.get(name))}"
            + (f" (too small: one value per parameter draw, {found.shared[name]} of them, each shared by its draw's cases)" if name in found.shared else "")
            for name in b.limits
        ]
    return "\n".join(lines)


@styled
def discovery_figure(found: Discovery) -> Figure:
    """Each box's peeling trajectory (coverage against density, the chosen point marked) and its limits on each input it restricts, within its range."""
    rows = max(len(found.boxes), 1)
    heights = [max(3.6, 0.3 * len(b.limits) + 1) for b in found.boxes] or [3.6]  # a line per input's title
    fig = Figure(figsize=(14, 1.2 + sum(heights)), layout="constrained")
    axes = np.atleast_2d(fig.subplots(rows, 2, width_ratios=(1, 1.3), height_ratios=heights, squeeze=False))
    if not found.boxes:
        for ax in axes.ravel():
            ax.set_axis_off()
        axes[0, 0].text(0, 0.5, "No box found", fontsize=MIN_POINTS + 2, transform=axes[0, 0].transAxes)
        return fig
    for (trade, limits), b in zip(axes, found.boxes, strict=True):
        t = b.trajectory
        trade.plot(t["coverage"], t["density"], "o-", color=OKABE_ITO[0], markersize=4, label="peeling trajectory")
        trade.plot(t["coverage"].iloc[b.chosen], t["density"].iloc[b.chosen], "D", color=OKABE_ITO[3], markersize=10, label="chosen box")
        trade.axhline(found.base_rate, color="grey", linestyle=":", label=f"overall rate {found.base_rate:.1%}")
        trade.set(xlim=(0, 1.02), ylim=(0, 1.02), xlabel="coverage (share of cases of interest inside)", ylabel="density (share inside of interest)")
        trade.set_title(f"Box {b.number}: {found.outcome}", loc="left")
        trade.legend(loc="upper right")
        trade.grid(alpha=0.3)
        names = list(b.limits)
        y = np.arange(len(names))[::-1]
        for yi, name in zip(y, names, strict=True):
            kept, full = b.limits[name], b.ranges[name]
            if kept and isinstance(kept[0], str):
                limits.barh(yi, 1, color=OKABE_ITO[4], alpha=0.25)
                limits.text(0.02, yi, "kept: " + ", ".join(kept), va="center", fontsize=MIN_POINTS)
                continue
            span = (full[1] - full[0]) or 1.0
            lo, hi = (kept[0] - full[0]) / span, (kept[1] - full[0]) / span
            limits.barh(yi, hi - lo, left=lo, color=OKABE_ITO[2], alpha=0.45)
            limits.text(min(lo + 0.02, 0.7), yi, f"{kept[0]:.3g} to {kept[1]:.3g}", va="center", fontsize=MIN_POINTS)
        limits.set_yticks(y, [textwrap.shorten(found.title(name), 60, placeholder="...") for name in names])
        limits.set_xlim(0, 1)
        limits.set_xlabel("position within each input's range (0 = lowest drawn, 1 = highest)")
        limits.set_title(f"coverage {b.coverage:.0%}, density {b.density:.0%}", loc="left")
    return fig
