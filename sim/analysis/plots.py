"""Figures of results: survival, timing of collapse, causes and triggers, fan charts, sweeps and policy comparisons.

Every function takes results as plain data (a run's summary dictionary, a replication,
trajectory, comparison or sweep table as a pandas DataFrame) and returns a
:class:`matplotlib.figure.Figure` built directly (no pyplot state, no display needed); the
caller saves it (:func:`sim.results.files.save_figure`, PNG or SVG from the suffix).

All figures share one style, meant for print and for a projector: text at least
:data:`MIN_POINTS` points at the saved size (figures are drawn at the size they are saved),
the Okabe-Ito colour-blind-safe palette (:data:`OKABE_ITO`) for categories, each with a second
sign that survives greyscale print (a line style, marker or hatch: :data:`LINE_STYLES`,
:data:`MARKERS`, :data:`HATCHES`), ``cividis`` for a probability scale, axis labels with units, and probabilities on a fixed 0-100% scale so
that figures of one study can be set side by side. ``docs/reports.md`` shows each one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from functools import wraps
from typing import Any, NamedTuple

import numpy as np
from cycler import cycler
from matplotlib import rc_context
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.text import Text
from matplotlib.ticker import MaxNLocator, MultipleLocator, PercentFormatter

from sim.analysis.comparison import (
    LEAST,
    Doubt,
    LeverValue,
    MoneyChange,
    extra_costs,
    least_marks,
    lever_values,
    money_changes,
    policy_phrase,
    policy_with,
    policy_words,
)
from sim.analysis.stats import undetected, wilson
from sim.analysis.summary import YEARS, amount, listed, percent
from sim.config.settings import NO_POLICY
from sim.frontends.table import input_path, input_title
from sim.frontends.trajectories import VARIABLES
from sim.frontends.words import scenario_words, wrap

#: Dots per inch of a saved raster figure (PNG): 150 keeps 11-point text sharp on a projector and in print at the saved size.
FIGURE_DPI = 150
#: Okabe & Ito (2008) colour-blind-safe palette, ordered for lines on white (yellow last: weak on white).
OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#56B4E9", "#CC79A7", "#000000", "#F0E442")
#: Colour of "everything else" in stacked bars.
OTHER = "#BBBBBB"
#: Line style of each series after the first, beside its colour: curves stay apart in greyscale print and for colour-blind
#: readers (dotted is left to the guide lines at 2 and 5 years).
LINE_STYLES = ("solid", "dashed", "dashdot", (0, (6, 1.5, 1, 1.5, 1, 1.5)), (0, (10, 3)), (0, (3, 1.5, 3, 4)), (0, (1, 1)), (0, (12, 2, 2, 2)))
#: Marker of each series (and of each measure in the forest plot), beside its colour.
MARKERS = ("o", "s", "D", "^", "v", "P", "X", "*")
#: Hatching of each stacked segment beside its colour (the colours alone fall on three greys in print); "all others" is plain grey.
HATCHES = ("", "//", "..", "xx", "\\\\", "++", "oo", "--")
#: Colour of what is not a series (a lever's cost), so that it is not read as one of the measures' colours.
NEUTRAL = "#444444"
#: Opacity of the survival figure's Monte Carlo band, and of its pale total band behind (at 0.1 it vanished on a projector
#: and in print).
DARK_BAND = 0.4
PALE_BAND = 0.2
#: Most curves of one survival figure drawn with their bands: eight overlapping bands at :data:`DARK_BAND` hid the curves, and
#: bands light enough to overlap unseen vanish on a projector and in print, so beyond this the curves are drawn alone and the
#: caption says why.
MAX_BANDED = 4
#: Inches of figure height per line of a legend beside a panel (text of MIN_POINTS and the space between entries).
LEGEND_LINE = 0.25
#: Characters of a title per inch of the figure's width before it wraps (titles are 13-14 points: about ten characters an inch).
TITLE_PER_INCH = 8
#: Smallest text in any figure, in points at the saved size.
MIN_POINTS = 11
STYLE = {
    "font.size": MIN_POINTS,
    "axes.titlesize": 13,
    "axes.labelsize": MIN_POINTS + 1,
    "xtick.labelsize": MIN_POINTS,
    "ytick.labelsize": MIN_POINTS,
    "legend.fontsize": MIN_POINTS,
    "figure.titlesize": 14,
    "axes.prop_cycle": cycler(color=list(OKABE_ITO)),
    "axes.spines.top": False,
    "axes.spines.right": False,
    "svg.fonttype": "none",
}
#: What the survival figure's caption says about shelved proposals (see :mod:`sim.analysis.survival`).
SHELVED_NOTE = (
    "Shelved proposals never launch, so they can never collapse: they count as not collapsed to the end, "
    "and the curve's end equals the share that did not collapse."
)
#: Trajectory variables drawn by :func:`fan_figure` by default, with the axis label (unit) of each.
FAN_LABELS = {
    "trust": "trust between partners (0 to 1)",
    "value_seen": "value councils see (1 = as promised)",
    "savings_to_date": "realised savings / business case",
    "partners": "councils still in (count)",
    "harmonisation": "IT harmonisation (0 to 1)",
    "maturity": "maturity of the arrangement (0 to 1)",
}
FAN_DEFAULT = ("trust", "value_seen", "savings_to_date")
#: Each outcome's figure in a sweep table, by ``--outcome`` name: its probability's columns are ``<figure>.value``, ``.low``
#: and ``.high``, as ``sim-collect`` flattens ``summary.json`` (:func:`sweep_estimate`).
_SWEEP_FIGURES = {"collapsed": "outcomes.collapsed", "shelved": "outcomes.shelved", "failure": "failure"}


def sweep_estimate(outcome: str = "collapsed") -> tuple[str, str, str]:
    """The sweep table's columns for the probability of ``outcome`` (collapsed, shelved or failure): its estimate, low and high."""
    figure = _SWEEP_FIGURES[outcome]
    return f"{figure}.value", f"{figure}.low", f"{figure}.high"


#: Names of the sweep table's columns for the collapse probability.
SWEEP_ESTIMATE = sweep_estimate()
#: The interval of a sweep's point as :func:`sweep_scatter_figure` says it by default: a run's estimate from its replications.
MONTE_CARLO_INTERVAL = "the 95% interval of its estimate (Monte Carlo, from its replications)"
#: Words before a unit that make it a noun ("most months", "a share", "net value"): a meaning saying the unit after one says its unit
#: (:func:`says_unit`); "the councils value the partnership" does not.
NOUN_BEFORE = ("a", "an", "the", "its", "their", "most", "net")
#: Measures of a policy comparison, in words, as :mod:`sim.analysis.comparison` names them.
MEASURE_WORDS = {"shelved": "shelved", "collapse": "collapse", "failure": "failure (shelved, collapsed or underperforming)"}


def run_title(scenario: str, policy: str, replications: int, seed: int) -> str:
    """The title of ``sim-run``'s figures: ``Baseline scenario, no lever (2,000 simulated partnerships, seed 0)``, ``..., with continuity plan (...)``."""
    return f"{scenario_words(scenario)}, {policy_with(policy)} ({replications:,} simulated partnerships, seed {seed})"


def comparison_title(scenario: str, reference: str) -> str:
    """The title of ``sim-compare``'s forest plot: ``Each lever against no lever (Baseline scenario)``."""
    return f"Each lever against {policy_phrase(reference)} ({scenario_words(scenario)})"


def swept_words(column: str) -> str:
    """A swept column as an axis names it: its parameter's meaning and unit, ``policy`` as the levers switched on.

    ``councils.0.it_maturity`` reads "council 1: maturity of the council's IT estate and practices (0 .. 1)"
    (:func:`sim.frontends.table.input_title`); a column that names no parameter (``scenario``, one
    of the user's own such as "IT maturity gap") is left as it is. A meaning that says its unit
    as a noun (:func:`says_unit`) is not followed by it again: ``partnership.horizon_months``
    reads "months simulated", ``decisions.settle_months`` "most months after an election ...",
    not "... (months)".
    """
    from sim.config.overrides import spec_at

    if column == "policy":
        return "policy (levers switched on)"
    spec = spec_at(input_path(column))
    if spec is None:
        return column
    meaning = input_title(column)
    return meaning if not spec.unit or says_unit(meaning, spec.unit) else f"{meaning} ({spec.unit})"


def says_unit(meaning: str, unit: str) -> bool:
    """Whether a parameter's meaning says its unit already, as a noun: at its start, after a colon or bracket, or after a determiner.

    Parameters
    ----------
    meaning
        A parameter's meaning (its declaration's words, after its council for a council's attribute).
    unit
        Its declared unit.

    Returns
    -------
    bool
        True for "most months after an election ..." (months), "... as a share of the fit component"
        (share), "council 1: months until ..." (months); False for "how much more than the promise
        the councils value the partnership ..." (value: there a verb, so the unit still follows).
    """
    return re.search(rf"(?:^|[:(]\s*|\b(?:{'|'.join(NOUN_BEFORE)})\s){re.escape(unit)}(?!\w)", meaning) is not None


def _value_words(column: str, value: Any) -> str:
    """A swept value as a tick names it: a policy or scenario in words, any other value as it is."""
    if column == "policy":
        return policy_words(str(value))
    return scenario_words(str(value)) if column == "scenario" else str(value)


def point_words(values: Mapping[str, Any], width: int = 44) -> str:
    """A sweep's point as its figures name it, in the words of the sweep's axes: each swept value after its parameter's meaning.

    ``{"policy": "none", "councils.0.it_maturity": 0.2}`` reads "No lever;" then "council 1: maturity
    of the council's IT estate and practices (0 .. 1) = 0.2" (:func:`swept_words`), each part on
    lines of at most ``width`` characters.
    """
    parts = [_value_words(column, value) if column in ("policy", "scenario") else f"{swept_words(column)} = {value}" for column, value in values.items()]
    return ";\n".join(wrap(part, width) for part in parts)


def styled(build: Callable[..., Figure]) -> Callable[..., Figure]:
    """Build a figure inside the house style and enforce the minimum text size on every axis."""

    @wraps(build)
    def wrapper(*args: Any, **kwargs: Any) -> Figure:
        with rc_context(STYLE):
            fig = build(*args, **kwargs)
            for ax in fig.axes:
                ax.tick_params(labelsize=MIN_POINTS)
            for text in fig.findobj(lambda artist: hasattr(artist, "get_fontsize") and hasattr(artist, "set_fontsize")):
                if text.get_fontsize() < MIN_POINTS:
                    text.set_fontsize(MIN_POINTS)
        return fig

    return wrapper


def _title(fig: Figure, text: str) -> str:
    """``text`` wrapped to fit across ``fig`` in as few lines as it needs, of even length (no "seed 0)" alone on the last line)."""
    lines = wrap(text, int(TITLE_PER_INCH * fig.get_figwidth())).count("\n") + 1
    even = -(-len(text) // lines)
    while wrap(text, even).count("\n") + 1 > lines:
        even += 1
    return wrap(text, even)


def _caption(fig: Figure, text: str, width: int = 100) -> None:
    """A caption under the axes (kept inside the saved area by ``bbox_inches='tight'``)."""
    fig.text(0.01, -0.01, wrap(text, width), ha="left", va="top", fontsize=MIN_POINTS, gid="caption")


def _as_mapping(data: Any, key: str, label: str) -> dict[str, Any]:
    """``data`` as ``{label: item}``: one item (it has ``key``) becomes a mapping of one."""
    if (isinstance(data, Mapping) or hasattr(data, "columns")) and key in data:
        return {label: data}
    return dict(data)


def _month_axis(ax: Any, horizon: int, label: str) -> None:
    """Months along x with a tick each year, and years on a secondary axis on top."""
    ax.set_xlim(0, horizon)
    ax.xaxis.set_major_locator(MultipleLocator(12 if horizon <= 120 else 24))
    ax.set_xlabel(f"{label} (months)")
    top = ax.secondary_xaxis("top", functions=(lambda m: m / 12, lambda y: y * 12))
    top.set_xlabel("years")
    top.xaxis.set_major_locator(MultipleLocator(1 if horizon <= 120 else 2))
    top.tick_params(labelsize=MIN_POINTS)


@styled
def survival_figure(summaries: Mapping[str, Any], title: str = "") -> Figure:
    """Share of partnerships not (yet) collapsed, by month since the proposal, with pointwise bands, on a 0-100% scale.

    Parameters
    ----------
    summaries
        A run's summary (:func:`sim.analysis.summary.summarise`; its ``survival_curve`` and
        ``confidence``), or several by label (scenarios, policies, sweep points), drawn on one axis.
    title
        Figure title.

    Returns
    -------
    matplotlib.figure.Figure
        One step line (Kaplan-Meier estimate) and one band per summary, y from 0 to 100%, months
        along x with years on top, and a caption saying how shelved proposals count. A summary
        with parameter draws (``total_low``, ``total_high`` in its curve) also gets a pale band of
        its total interval behind the Monte Carlo one, which alone would claim more than the run allows.
        More than :data:`MAX_BANDED` summaries are drawn as lines alone, the caption saying why.
    """
    runs = _as_mapping(summaries, "survival_curve", "Kaplan-Meier estimate")
    fig = Figure(figsize=(8, 5.2), layout="constrained")
    ax = fig.subplots()
    horizon, level, totals = 0, 0.95, False
    banded = len(runs) <= MAX_BANDED
    for i, (label, summary) in enumerate(runs.items()):
        curve = {key: np.asarray(value, float) for key, value in summary["survival_curve"].items()}
        colour = OKABE_ITO[i % len(OKABE_ITO)]
        level = summary.get("confidence", level)
        if banded and "total_low" in curve and "total_high" in curve:
            totals = True
            months = np.arange(len(curve["total_low"]))
            ax.fill_between(months, curve["total_low"], curve["total_high"], step="post", alpha=PALE_BAND, linewidth=0, color=colour)
        if banded:
            ax.fill_between(curve["months"], curve["low"], curve["high"], step="post", alpha=DARK_BAND, linewidth=0, color=colour)
        style = LINE_STYLES[i % len(LINE_STYLES)]
        ax.step(curve["months"], curve["survival"], where="post", color=colour, linestyle=style, linewidth=2, label=label, zorder=3)  # over every band
        horizon = max(horizon, int(curve["months"][-1]))
    marked = [years for years in YEARS if 12 * years < horizon]  # a line at the horizon would be the axis's edge
    for years in marked:
        ax.axvline(12 * years, color="grey", linewidth=0.6, linestyle=":")
    _month_axis(ax, horizon, "time since the proposal")
    ax.set_ylim(0, 1.0)
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_ylabel("partnerships not collapsed (%)")
    ax.grid(alpha=0.3)
    shade = OKABE_ITO[0] if len(runs) == 1 else NEUTRAL
    bands = [Patch(color=shade, alpha=DARK_BAND, linewidth=0, label=f"{level:.0%} band" + (" (Monte Carlo)" if totals else ""))] if banded else []
    if totals:
        bands.append(Patch(color=shade, alpha=PALE_BAND, linewidth=0, label=f"{level:.0%} band (total)"))
    ax.legend(handles=[*ax.get_legend_handles_labels()[0], *bands], loc="lower left", handlelength=3.5)
    if title:
        ax.set_title(_title(fig, title))
    lines = (
        f" Dotted lines at {listed([str(years) for years in marked])} years: there, 100% less a curve's height is the chance of collapse within that time"
        " (sim-run's table of collapse within gives it)."
        if marked
        else ""
    )
    if not banded:
        bands = (
            f" No bands: {len(runs)} curves' pointwise {level:.0%} intervals, overlapping, hid the curves (bands are drawn for up to {MAX_BANDED});"
            " a curve drawn with fewer others shows its band."
        )
    elif totals:
        bands = (
            f" Bands: pointwise {level:.0%} intervals; the dark one counts the Monte Carlo noise of the replications run (Kaplan-Meier, log-log),"
            " the pale one adds the doubt about the model's assumptions (the total interval). Where no pale band shows beyond the dark one,"
            " the draws showed no spread beyond Monte Carlo noise: doubt too small for these draws to measure, not none."
        )
    else:
        bands = f" Bands: pointwise {level:.0%} intervals (Kaplan-Meier, log-log)."
    _caption(fig, f"{SHELVED_NOTE}{bands}{lines}")
    return fig


def collapse_hazard(replications: Any, horizon: int, confidence: float = 0.95) -> Any:
    """Chance of collapsing in each year of a launched partnership's life, given it had not collapsed by the year's start.

    Parameters
    ----------
    replications
        Replication table (DataFrame) with ``outcome``, ``end_month`` and ``launch_month``.
    horizon
        Months simulated: a partnership launched in month ``L`` is followed for ``horizon - L`` months.
    confidence
        Level of the Wilson interval of each year's rate.

    Returns
    -------
    pandas.DataFrame
        ``year`` (1 = first year after launch), ``at_risk`` (launched, not collapsed by the
        year's start and followed into it; those followed for only part of the year count as
        half, the actuarial life table), ``collapsed`` (in that year), ``hazard`` (collapsed over
        at risk rounded to whole partnerships), ``low``, ``high``.
    """
    import pandas as pd

    launched = np.asarray(replications["launch_month"]) >= 0
    outcome = np.asarray(replications["outcome"]).astype(str)[launched]
    start = np.asarray(replications["launch_month"])[launched]
    collapsed = outcome == "collapsed"
    life = np.where(collapsed, np.asarray(replications["end_month"])[launched] - start, horizon - start)
    rows = []
    for year in range(1, int(np.ceil(horizon / 12)) + 1):
        lo, hi = 12 * (year - 1), 12 * year
        entered = life >= lo
        events = int((collapsed & entered & (life < hi)).sum())
        censored_within = int((~collapsed & entered & (life < hi)).sum())
        at_risk = int(entered.sum()) - censored_within / 2
        if at_risk <= 0:
            break
        e = wilson(events, max(round(at_risk), events), confidence)
        rows.append({"year": year, "at_risk": at_risk, "collapsed": events, "hazard": e.value, "low": e.low, "high": e.high})
    return pd.DataFrame(rows, columns=["year", "at_risk", "collapsed", "hazard", "low", "high"])


@styled
def timing_figure(replications: Any, horizon: int, title: str = "") -> Figure:
    """Time to collapse: a histogram of months from launch to collapse, and the collapse rate by year of life.

    Parameters
    ----------
    replications
        A replication table (DataFrame with ``outcome``, ``end_month``, ``launch_month``), or
        several by label, drawn side by side.
    horizon
        Months simulated.
    title
        Figure title.

    Returns
    -------
    matplotlib.figure.Figure
        Left: histogram (bars, 6-month bins) of collapses by months since launch, counted in
        whole numbers on its axis. Right: each
        year's collapse rate among partnerships still going (points with Wilson intervals),
        on a percentage scale.
    """
    runs = _as_mapping(replications, "outcome", "collapses")
    fig = Figure(figsize=(11, 4.8), layout="constrained")
    hist, rate = fig.subplots(1, 2, width_ratios=(1.2, 1))
    bins = np.arange(0, horizon + 6, 6)
    width = 6 / (len(runs) + 0.5)
    top = 0.0
    for i, (label, table) in enumerate(runs.items()):
        colour = OKABE_ITO[i % len(OKABE_ITO)]
        collapsed = np.asarray(table["outcome"]).astype(str) == "collapsed"
        months = (np.asarray(table["end_month"]) - np.asarray(table["launch_month"]))[collapsed]
        counts, _ = np.histogram(months, bins=bins)
        named = f"{label} (n={int(collapsed.sum()):,})"
        hist.bar(bins[:-1] + i * width, counts, width=width, align="edge", color=colour, edgecolor="white", hatch=HATCHES[i % len(HATCHES)], label=named)
        h = collapse_hazard(table, horizon)
        if len(h):
            x = h["year"].to_numpy() + (i - (len(runs) - 1) / 2) * 0.15
            err = np.vstack([h["hazard"] - h["low"], h["high"] - h["hazard"]])
            rate.errorbar(x, h["hazard"], yerr=err, fmt=MARKERS[i % len(MARKERS)], color=colour, capsize=3, label=label)
            top = max(top, float(h["high"].max()))
    _month_axis(hist, horizon, "time from launch to collapse")
    hist.set_ylabel("collapses (count)")
    hist.yaxis.set_major_locator(MaxNLocator(integer=True))  # a count: never a tick at 2.5 collapses
    hist.legend(loc="upper right")
    hist.grid(axis="y", alpha=0.3)
    rate.set_xlabel("year of the partnership's life (since launch)")
    rate.set_ylabel("collapse rate that year (%)")
    rate.yaxis.set_major_formatter(PercentFormatter(1.0))
    rate.set_ylim(0, max(0.05, top * 1.15))
    rate.xaxis.set_major_locator(MultipleLocator(1))
    rate.grid(alpha=0.3)
    rate.set_title("Chance of collapsing in a year, if still going")
    if title:
        fig.suptitle(_title(fig, title))
    _caption(fig, "Launched partnerships only (shelved proposals never launch). Rate: collapses in the year over partnerships still going "
             "at its start (actuarial; those followed for part of the year count as half); whiskers: 95% Wilson intervals.", 130)  # fmt: skip
    return fig


class _Stacks(NamedTuple):
    """A stacked panel's labels shown by colour (the ``top`` largest over every bar), its legend's entries and the shares per bar."""

    shown: list[str]
    names: list[str]
    shares: np.ndarray


def _stacks(items: Sequence[Sequence[Mapping[str, Any]]], key: str, top: int) -> _Stacks:
    """The labels shown (the ``top`` largest over every bar, then "other"), the legend's entries (titles wrapped, then "all others") and the shares per bar."""
    totals: dict[str, float] = {}
    titles: dict[str, str] = {}
    for rows in items:
        for row in rows:
            totals[row[key]] = totals.get(row[key], 0.0) + row["value"]
            titles[row[key]] = row["title"]
    shown = sorted(totals, key=lambda label: (-totals[label], label))[:top]
    shares = np.zeros((len(items), len(shown) + 1))
    for b, rows in enumerate(items):
        for row in rows:
            column = shown.index(row[key]) if row[key] in shown else len(shown)
            shares[b, column] += row["value"]
    return _Stacks(shown, [wrap(titles[label], 48) for label in shown] + ["all others"], shares)


def _stacked(ax: Any, bars: list[str], stacks: _Stacks, key: str, what: str) -> None:
    shown, names, shares = stacks
    y = np.arange(len(bars))[::-1]
    left = np.zeros(len(bars))
    colours = [*OKABE_ITO[: len(shown)], OTHER]
    hatches = [*HATCHES[: len(shown)], ""]
    for j in range(shares.shape[1]):
        if j == len(shown) and not shares[:, j].any():
            continue
        ax.barh(y, shares[:, j], left=left, color=colours[j], hatch=hatches[j], edgecolor="white", linewidth=0.6, label=names[j], height=0.6)
        left += shares[:, j]
    ax.set_yticks(y, bars)
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_xlabel(f"share of {what} (%)")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, title=f"{key.capitalize()}s", alignment="left")


@styled
def causes_figure(summaries: Mapping[str, Any], title: str = "", counts: str = "collapse", top: int = 7) -> Figure:
    """Causes and triggers as stacked bars, titled in words with their case, saying whether they count collapses or all failures.

    Parameters
    ----------
    summaries
        One run's summary: two bars, its collapses and all its failures. Or several by label
        (scenarios, policies, sweep points): one bar each, counting ``counts``.
    title
        Figure title.
    counts
        ``"collapse"`` (collapses only) or ``"failure"`` (shelved, collapsed or underperforming), for several summaries.
    top
        Causes (triggers) shown by colour, the largest over all bars; the rest are grey ("all others").

    Returns
    -------
    matplotlib.figure.Figure
        Top: what most lowered the value councils saw (cause); bottom: what opened the decision
        (trigger). Shares of each bar add to 100%; the count of each bar is in its label.
    """
    if counts not in ("collapse", "failure"):
        raise ValueError(f"counts = {counts!r} must be 'collapse' or 'failure'")
    runs = _as_mapping(summaries, "causes_of_collapse", "")
    words = {"collapse": "collapses", "failure": "failures (shelved, collapsed or underperforming)"}

    def n(rows: list[Mapping[str, Any]]) -> int:
        return sum(int(r["count"]) for r in rows)

    if len(runs) == 1 and "" in runs:
        summary = runs[""]
        specs = [("collapses", "causes_of_collapse", "triggers_of_collapse"), ("all failures", "causes_of_failure", "triggers_of_failure")]
        bars_c = [(f"{name}\n(n={n(summary[c]):,})", summary[c]) for name, c, _ in specs]
        bars_t = [(f"{name}\n(n={n(summary[t]):,})", summary[t]) for name, _, t in specs]
        what = "collapses or of all failures, as labelled"
    else:
        c, t = f"causes_of_{counts}", f"triggers_of_{counts}"
        bars_c = [(f"{label}\n(n={n(s[c]):,})", s[c]) for label, s in runs.items()]
        bars_t = [(f"{label}\n(n={n(s[t]):,})", s[t]) for label, s in runs.items()]
        what = words[counts]
    stacks = {key: _stacks([list(rows) for _, rows in bars], key, top) for bars, key in ((bars_c, "cause"), (bars_t, "trigger"))}
    # Each panel as tall as its bars or its legend, so the causes' legend does not run down beside the triggers'.
    lines = max(sum(name.count("\n") + 1 for name in panel.names) + 1 for panel in stacks.values())
    height = max(1.0 + 0.75 * len(bars_c), LEGEND_LINE * lines)
    fig = Figure(figsize=(12, 2 * height + 1.5), layout="constrained")
    cause_ax, trigger_ax = fig.subplots(2, 1)
    for ax, bars, key, heading in (
        (cause_ax, bars_c, "cause", "Cause: what most lowered the value councils saw"),
        (trigger_ax, bars_t, "trigger", "Trigger: what opened the decision that ended it"),
    ):
        if not any(rows for _, rows in bars):
            ax.text(0.5, 0.5, f"no {words[counts] if len(runs) > 1 else 'failure'} to show", ha="center", va="center", transform=ax.transAxes)
            ax.set_axis_off()
            continue
        _stacked(ax, [label for label, _ in bars], stacks[key], key, what)
        ax.set_title(heading, loc="left")
    if title:
        fig.suptitle(_title(fig, title))
    return fig


@styled
def fan_figure(trajectories: Any, variables: Sequence[str] = FAN_DEFAULT, title: str = "") -> Figure:
    """Fan charts: month by month, the median and the middle 50% and 90% of partnerships still running.

    Parameters
    ----------
    trajectories
        ``trajectories.parquet`` as a DataFrame (``month``, ``variable``, ``n``, ``q05`` ... ``q95``;
        see :class:`sim.frontends.trajectories.TrajectoryRecorder`).
    variables
        Which variables, one panel each (names in :data:`sim.frontends.trajectories.VARIABLES`).
    title
        Figure title.
    """
    known = {v.name: v for v in VARIABLES}
    unknown = [v for v in variables if v not in known]
    if unknown:
        raise ValueError(f"variables {unknown} are not recorded (known: {', '.join(known)})")
    fig = Figure(figsize=(4.2 * len(variables) + 0.6, 4.6), layout="constrained")
    axes = np.atleast_1d(fig.subplots(1, len(variables)))
    table = trajectories.assign(variable=trajectories["variable"].astype(str))
    for ax, name in zip(axes, variables, strict=True):
        rows = table[(table["variable"] == name) & (table["n"] > 0)].sort_values("month")
        month = rows["month"].to_numpy()
        ax.fill_between(month, rows["q05"], rows["q95"], color=OKABE_ITO[0], alpha=0.2, linewidth=0, label="middle 90%")
        ax.fill_between(month, rows["q25"], rows["q75"], color=OKABE_ITO[0], alpha=0.4, linewidth=0, label="middle 50%")
        ax.plot(month, rows["q50"], color=OKABE_ITO[0], linewidth=2, label="median")
        _month_axis(ax, int(table["month"].max()), "time since the proposal")
        ax.xaxis.set_major_locator(MultipleLocator(24))  # a panel is narrower than the survival figure: every other year
        ax.set_ylabel(FAN_LABELS.get(name, known[name].doc))
        ax.set_ylim(known[name].lo, known[name].hi)
        ax.set_title(wrap(known[name].doc, 40), fontsize=MIN_POINTS)
        ax.grid(alpha=0.3)
    axes[0].legend(loc="lower left")
    if title:
        fig.suptitle(_title(fig, title))
    _caption(fig, "Partnerships still running in each month (those shelved or collapsed drop out).", 120)
    return fig


def _levels(values: Any, column: str = "") -> list[Any]:
    """Distinct values of a swept column in order (numbers numerically); policies with the reference, no lever, first (as sim-compare has it)."""
    distinct = list(dict.fromkeys(v for v in values if v is not None))
    if column == "policy":
        return sorted(distinct, key=lambda v: (str(v) != NO_POLICY, str(v)))
    try:
        return sorted(distinct, key=float)
    except (TypeError, ValueError):
        return sorted(distinct, key=str)


@styled
def sweep_heatmap_figure(table: Any, x: str, y: str, columns: Sequence[str] = SWEEP_ESTIMATE, title: str = "", what: str = "probability of collapse") -> Figure:
    """Heat map of a probability over two swept parameters, each cell showing its estimate and its interval's half-width.

    Parameters
    ----------
    table
        One row per point: the swept values in columns ``x`` and ``y`` (numbers or labels),
        and the estimate with its interval in ``columns`` (estimate, low, high; by default
        :data:`SWEEP_ESTIMATE`, the names ``sim-collect`` gives them). Every (x, y) pair must
        appear at most once: select the points first if more was swept.
    x, y
        Swept columns along the horizontal and vertical axes.
    columns
        Names of the estimate, its lower and its upper bound.
    title
        Figure title.
    what
        The probability, in words, for the colour bar.

    Returns
    -------
    matplotlib.figure.Figure
        An image on a fixed 0-100% colour scale (``cividis``), a colour bar, each cell labelled
        "estimate ±half-width" and, for a point run with parameter draws (the table's
        ``<estimate>.total.low``/``.high``, as ``sim-collect`` names them), its total interval
        under it, which the Monte Carlo half-width alone would leave out; cells never run are left blank.
    """
    estimate, low, high = columns
    total_low, total_high = _sweep_total(table, estimate)
    duplicated = table.duplicated(subset=[x, y])
    if duplicated.any():
        varying = [c for c in table.columns if c not in (x, y, *columns) and table.loc[:, c].astype(str).nunique() > 1]
        raise ValueError(f"several points share a value of ({x}, {y}); select one value of the other columns first (varying: {', '.join(varying[:8])})")
    xs, ys = _levels(table[x].tolist(), x), _levels(table[y].tolist(), y)
    grid = np.full((len(ys), len(xs)), np.nan)
    half = np.full_like(grid, np.nan)
    totals = np.full((len(ys), len(xs)), "", dtype=object)
    unseen = _undetected(table, estimate)
    for values, hidden in zip(table.to_dict(orient="records"), unseen, strict=True):
        i, j = ys.index(values[y]), xs.index(values[x])
        grid[i, j] = values[estimate]
        half[i, j] = (values[high] - values[low]) / 2
        if total_low and np.isfinite(values[total_low]) and np.isfinite(values[total_high]):
            # 0.2% never reads 0%; a total the draws could not tell from the Monte Carlo interval is not given as one
            totals[i, j] = "\ntotal not detected" if hidden else f"\ntotal {percent(values[total_low])} to {percent(values[total_high])}"
    fig = Figure(figsize=(max(6.5, 1.15 * len(xs) + 3), max(4.5, 0.75 * len(ys) + 2.2)), layout="constrained")
    ax = fig.subplots()
    image = ax.imshow(grid, origin="lower", cmap="cividis", vmin=0, vmax=1, aspect="auto")
    for i in range(len(ys)):
        for j in range(len(xs)):
            if np.isfinite(grid[i, j]):
                colour = "black" if grid[i, j] > 0.55 else "white"
                ax.text(j, i, f"{grid[i, j]:.1%}\n±{half[i, j]:.1%}{totals[i, j]}", ha="center", va="center", color=colour, fontsize=MIN_POINTS)
    ax.set_xticks(range(len(xs)), [wrap(_value_words(x, v), 14) for v in xs])
    ax.set_yticks(range(len(ys)), [wrap(_value_words(y, v), 24) for v in ys])
    ax.set_xlabel(wrap(swept_words(x), 60))
    ax.set_ylabel(wrap(swept_words(y), 40))
    ax.spines[["top", "right"]].set_visible(True)
    bar = fig.colorbar(image, ax=ax, format=PercentFormatter(1.0))
    bar.set_label(f"{what} (%)")
    if title:
        ax.set_title(_title(fig, title))
    total = (
        "; under it, its total 95% interval, which counts the doubt about the model's assumptions too" if total_low and table[total_low].notna().any() else ""
    )
    total += f" ({NOT_DETECTED})" if total and unseen.any() else ""
    swept = f" Swept: {x} across, {y} up." if (swept_words(x), swept_words(y)) != (x, y) else ""
    _caption(fig, f"Each cell: estimate, then ± the half-width of its 95% interval (Monte Carlo, from the point's replications){total}.{swept}", 90)
    return fig


#: What a sweep figure says of a point whose total interval is marked "not detected" (:func:`sim.analysis.stats.undetected`).
NOT_DETECTED = "'not detected': its draws showed no spread beyond the simulation noise, not zero doubt but too little to measure"


def _undetected(table: Any, estimate: str) -> np.ndarray:
    """By row of a sweep table, whether the draws could not tell the estimate's total interval from its Monte Carlo one.

    ``<figure>.parameter_share`` 0 (:func:`sim.analysis.stats.undetected`): that total interval is then the Monte Carlo one, which
    the report's table calls ``not detected``. All False where the table has no such column (a point run without draws).
    """
    column = f"{estimate.rpartition('.')[0]}.parameter_share"
    if column not in table.columns:
        return np.zeros(len(table), dtype=bool)
    return np.asarray(undetected(table[column].to_numpy(float)), dtype=bool)


def _sweep_total(table: Any, estimate: str) -> tuple[str, str] | tuple[None, None]:
    """The columns of an estimate's total interval in a sweep table (``outcomes.collapsed.total.low``/``.high``), or None when it has none."""
    names = (f"{estimate.rpartition('.')[0]}.total.low", f"{estimate.rpartition('.')[0]}.total.high")
    return names if all(n in table.columns for n in names) else (None, None)


@styled
def sweep_scatter_figure(
    table: Any,
    x: Sequence[str],
    columns: Sequence[str] = SWEEP_ESTIMATE,
    title: str = "",
    what: str = "probability of collapse",
    unit: str = "%",
    interval: str = MONTE_CARLO_INTERVAL,
) -> Figure:
    """An estimate at each point against each swept parameter, one panel per parameter: for designs, where no two points share a grid.

    Parameters
    ----------
    table
        One row per point: the swept values in the columns ``x`` (numbers or labels) and the
        estimate with its interval in ``columns`` (estimate, low, high; by default
        :data:`SWEEP_ESTIMATE`).
    x
        The swept columns, one panel each (three panels a row).
    columns
        Names of the estimate, its lower and its upper bound.
    title
        Figure title.
    what
        The estimate, in words, for the vertical axes.
    unit
        Its unit: ``%`` (a probability, on a fixed 0-100% scale), or another (``GBP m per partnership``)
        on a scale fitted to the points; none (``""``) where ``what`` says it (a parameter's words, :func:`swept_words`).
    interval
        What each whisker is, in words, for the caption.

    Returns
    -------
    matplotlib.figure.Figure
        Panels sharing one vertical scale: each point's estimate as a dot with its interval as a
        whisker, at its value of the panel's parameter (labels in order when the values are not numbers).
    """
    estimate, low, high = columns
    total_low, total_high = _sweep_total(table, estimate)
    names = list(x)
    across = min(3, len(names))
    down = -(-len(names) // across)
    fig = Figure(figsize=(4.2 * across + 1, 3.6 * down + 1.2), layout="constrained")
    axes = np.atleast_1d(fig.subplots(down, across, sharey=True, squeeze=False)).ravel()
    value, lo, hi = (np.asarray(table[c], dtype=float) for c in (estimate, low, high))
    for ax, name in zip(axes, names, strict=False):
        values = table[name].tolist()
        try:
            position = np.asarray(values, dtype=float)
        except (TypeError, ValueError):
            levels = _levels(values, name)
            position = np.asarray([levels.index(v) for v in values], dtype=float)
            ax.set_xticks(range(len(levels)), [wrap(_value_words(name, v), 14) for v in levels])
        if total_low:  # none where the draws could not tell it from the Monte Carlo interval
            shown = ~_undetected(table, estimate)
            ax.vlines(position[shown], table[total_low][shown], table[total_high][shown], color=OKABE_ITO[0], alpha=0.2, linewidth=6)
        ax.errorbar(position, value, yerr=[value - lo, hi - value], fmt="o", markersize=4, color=OKABE_ITO[0], ecolor=OTHER, capsize=0)
        ax.set_xlabel(wrap(swept_words(name), 40))
        ax.grid(alpha=0.3)
    for ax in axes[len(names) :]:
        ax.set_visible(False)
    for ax in axes[::across]:
        ax.set_ylabel(wrap(f"{what} ({unit})" if unit else what, 40))
    if unit == "%":
        axes[0].set_ylim(0, 1)
        axes[0].yaxis.set_major_formatter(PercentFormatter(1.0))
    if title:
        fig.suptitle(_title(fig, title))
    total = (
        " The pale bar behind it is its total 95% interval, which counts the doubt about the model's assumptions too."
        if total_low and table[total_low].notna().any()
        else ""
    )
    if total and _undetected(table, estimate).any():
        total += f" A point without one: its total is not detected ({NOT_DETECTED.partition(': ')[2]})."
    swept = f" Swept: {', '.join(names)}." if [swept_words(name) for name in names] != names else ""
    _caption(fig, f"Each dot is a point, with {interval}." + total + " Every parameter may vary "
             "from point to point at once, so a panel shows one parameter's pattern with the others' effects as scatter around it." + swept, 110)  # fmt: skip
    return fig


def _total(comparison: Any, measure: str) -> tuple[str, str] | None:
    """Columns of the total interval (parameter uncertainty included) of a measure's difference, when the comparison has them."""
    names = (f"{measure}_difference_total_low", f"{measure}_difference_total_high")
    return names if all(n in comparison.columns for n in names) else None


def _least_words(values: Sequence[LeverValue]) -> dict[str, tuple[str, Doubt]]:
    """Words after the cost per point of the lever measurably the least per point (:func:`sim.analysis.comparison.least_marks`), by lever.

    As notebook 02's best value says it: ": measurably the least", with the :data:`~sim.analysis.comparison.Doubt` of that rank.
    Nothing where no lever is (the costs per point written beside each other say how close they are).
    """
    return {lever: (f": {LEAST}", doubt) for lever, doubt in least_marks(values).items()}


#: Why a claim of the cost panel may not hold where its total interval does not back it (its :data:`Doubt` ``"lost"``), by claim.
LOST_WORDS = {
    "drop": "its total interval includes no drop",
    "rise": "its net savings' total interval includes no rise",
    "rank": "the assumptions' doubt could undo the rank",
}


def _savings_words(change: MoneyChange | None) -> str:
    """A second line for a lever that does not lower collapse, where net of its cost its savings measurably change ('' where they do not).

    As :func:`sim.analysis.comparison.money_words` says it in the sentences (a panel saying only "no measurable effect on collapse"
    hid a measurable rise), with "if it holds" where its total interval does not back it or the draws could not measure its doubt
    (the sentences say which).
    """
    if change is None:
        return ""
    doubt = " (if it holds)" if change.doubt else ""
    return f"\nnet of its cost, savings {'rise' if change.rises else 'fall'} by GBP {amount(abs(change.difference), 2)} m{doubt}"


def _doubt_words(doubted: Sequence[tuple[str, Doubt]]) -> str:
    """Why a lever's claims (``drop``, ``rise``, ``rank``) may not hold, each with its :data:`Doubt`, in one line of the cost panel.

    One claim says its own reason; several say that the assumptions' doubt could undo either (any) where every one's total
    interval reaches zero, that the draws could not measure their doubt where none could be tested, and which is which otherwise
    (``the rise may not; the drop is untested``: short, as the line keeps to the figure).
    """
    if len(doubted) == 1:
        what, doubt = doubted[0]
        return LOST_WORDS[what] if doubt == "lost" else "the draws could not measure its doubt"
    lost = [what for what, doubt in doubted if doubt == "lost"]
    untested = [what for what, doubt in doubted if doubt == "untested"]
    if not untested:
        return f"the assumptions' doubt could undo {'either' if len(lost) == 2 else 'any'}"
    if not lost:
        return "the draws could not measure their doubt"
    return f"the {' and '.join(lost)} may not; the {' and '.join(untested)} is untested"  # short: it keeps to the figure


@styled
def forest_figure(comparison: Any, measures: Sequence[str] = ("shelved", "collapse", "failure"), title: str = "") -> Figure:
    """Each policy's paired difference from the reference with its interval, and its cost (per point of collapse avoided where it lowers collapse).

    Parameters
    ----------
    comparison
        ``comparison.parquet`` as a DataFrame (:func:`sim.analysis.comparison.compare_policies`),
        the reference first. Columns ``<measure>_difference_total_low`` and ``_high``, when
        present, add the total interval (Monte Carlo and parameter uncertainty) behind the
        Monte Carlo one.
    measures
        The measures drawn (those the table has).
    title
        Figure title.

    Returns
    -------
    matplotlib.figure.Figure
        Left: a forest plot, one row per policy (its name on the axis), a marker and whisker
        per measure, in percentage points, a line at no difference; with total intervals, the
        legend names the whisker the Monte Carlo interval and the pale bar the total one. Right, on the same rows:
        each lever's cost (GBP m per partnership over the horizon), with the cost per
        percentage point of collapse avoided written in its row where the lever measurably
        lowers collapse, or, where net of its cost it also measurably raises savings
        (``net_savings_difference_low`` above zero), that it pays for itself, as
        :func:`sim.analysis.comparison.lever_values` tells :func:`~sim.analysis.comparison.best_value` (the better buy whatever it costs per
        point); with "if the drop holds" where its total interval reaches zero or the draws
        could not measure the assumptions' part (``collapse_difference_parameter_share`` 0),
        and "if the rise holds" alike for the rise in net savings of a lever that pays for itself; "measurably the least" after
        the cost per point of the lever that, of those not paying for themselves, the paired comparison tells cheapest per point
        (:func:`sim.analysis.comparison.measurably_least`, as the best value says it), with "if the rank holds" where the doubt
        about the assumptions could undo that ("measurably raises collapse" where its interval lies above zero, "no
        measurable effect on collapse" where it holds zero, each with a second line where net of its cost its savings measurably
        rise or fall). Where the reference is a lever (it costs something: a dashed line at its cost), a point avoided is priced
        at what the lever costs beyond it (:func:`sim.analysis.comparison.extra_costs`), a lever lowering collapse at measurably no more cost
        "dominates" it, one whose cost beyond it cannot be told from nothing (its paired interval holds zero) has no price per point,
        and one raising collapse at more cost is "worse and dearer". One row per policy, so no two labels overlap
        however many there are; each row's words start just above its bar. The axis labels wrap to their panel's width and the
        cost panel's title and words to the figure's edge, however long the reference's name (:func:`_fit`), the figure
        growing by the lines that adds.
    """
    measures = [m for m in measures if f"{m}_difference" in comparison.columns]
    reference = str(comparison["policy"].iloc[0])
    rows = comparison.iloc[1:]
    fig = Figure(figsize=(12, 1.6 + 0.9 * max(len(rows), 2)), layout="constrained")
    forest, cost = fig.subplots(1, 2, width_ratios=(1.4, 1), sharey=True)
    y = np.arange(len(rows))[::-1].astype(float)
    step = 0.6 / max(len(measures), 1)
    # By measure: its total interval (a blank entry for a measure without one when another has it), then its estimate and
    # Monte Carlo interval: one legend column each, the estimates in one row.
    handles: list[Any] = []
    totals = any(_total(comparison, m) is not None for m in measures)
    for k, measure in enumerate(measures):
        offset = ((len(measures) - 1) / 2 - k) * step
        colour = OKABE_ITO[k % len(OKABE_ITO)]
        value = 100 * rows[f"{measure}_difference"].to_numpy(float)
        lo, hi = 100 * rows[f"{measure}_difference_low"].to_numpy(float), 100 * rows[f"{measure}_difference_high"].to_numpy(float)
        total = _total(comparison, measure)
        if total is not None:
            tl, th = 100 * rows[total[0]].to_numpy(float), 100 * rows[total[1]].to_numpy(float)
            handles.append(
                forest.hlines(y + offset, tl, th, color=colour, alpha=0.35, linewidth=7, label=f"{MEASURE_WORDS.get(measure, measure)}:\ntotal interval")
            )
        elif totals:
            handles.append(Line2D([], [], linestyle="none", label="\n"))  # as tall as a total interval's two lines: the rows stay level
        estimate = MEASURE_WORDS.get(measure, measure) + (":\nestimate, Monte Carlo interval" if totals else "")  # two lines: the legend keeps to the figure
        marker = MARKERS[k % len(MARKERS)]
        handles.append(forest.errorbar(value, y + offset, xerr=[value - lo, hi - value], fmt=marker, color=colour, capsize=3, label=estimate))
    forest.axvline(0, color="grey", linewidth=1)
    forest.set_yticks(y, [policy_words(str(p)) for p in rows["policy"]])
    forest.set_ylim(-0.6, len(rows) - 0.4)
    forest.set_xlabel(f"difference from {policy_phrase(reference)} (percentage points)")
    forest.set_title("Paired difference in probability, 95% interval", loc="left")
    forest.grid(axis="x", alpha=0.3)
    fig.legend(handles, [h.get_label() for h in handles], loc="outside lower center", ncols=max(len(measures), 1), frameon=False)
    spend = rows["lever_cost"].to_numpy(float)
    cost.plot(spend, y, "o", color=NEUTRAL)
    cost.hlines(y, 0, spend, color=NEUTRAL, linewidth=2)
    reference_cost = float(comparison["lever_cost"].iloc[0])
    if reference_cost:  # a lever's points are bought by the part of its bar beyond this line
        cost.axvline(reference_cost, color=NEUTRAL, linestyle="dashed", linewidth=1)
    if "collapse" in measures:
        raises = rows["collapse_difference_low"].to_numpy(float) > 0
        # the rule notebook 02's best value has (sim.analysis.comparison.lever_values): a lever that lowers collapse and, net of
        # its cost, measurably raises savings pays for itself, the better buy whatever it costs per point; one that costs no more
        # than the reference (a lever) dominates it; the others' points are priced at what they cost more than the reference
        values = {v.lever: v for v in lever_values(comparison)}
        least = _least_words(list(values.values()))
        savings = {c.lever: c for c in money_changes(rows)} if "net_savings_difference_low" in rows else {}
        row_text = cost.get_yaxis_transform()  # x in axes fraction, y in rows
        # the low end of each lever's paired cost beyond the reference's: "dearer" only where it is above zero (nan in an older file)
        extra_low = rows["lever_cost_difference_low"].to_numpy(float) if "lever_cost_difference_low" in rows else np.full(len(rows), np.nan)
        for row, extra, low, policy, raised in zip(y, extra_costs(comparison)[1:], extra_low, rows["policy"], raises, strict=True):
            v = values.get(policy_words(str(policy)))
            if v is None:
                words = "measurably raises collapse" if raised else "no measurable effect on collapse"
                if raised and reference_cost and extra > 0 and not low <= 0:  # against a lever
                    words = "worse and dearer: raises collapse, costs more"
                words += _savings_words(savings.get(policy_words(str(policy))))
                doubted: list[tuple[str, Doubt]] = []
            else:
                words = (
                    "pays for itself: net of its cost, savings rise"
                    if v.pays
                    else f"dominates {policy_phrase(reference)}: lowers collapse, {'costs less' if extra < 0 else 'costs the same'}"
                    if v.dominates and reference_cost
                    else "lowers collapse at no cost"
                    if v.dominates
                    else f"lowers collapse, at a cost not told from {policy_phrase(reference)}'s"
                    if not v.cost_told
                    else f"GBP {v.per_point:.3f} m per point of collapse avoided{least.get(v.lever, ('', ''))[0]}"
                )
                # one (what, doubt) per claim its total interval does not back or the draws could not test
                doubted = [(what, doubt) for what, doubt in (("drop", v.drop), ("rise", v.rise), ("rank", least.get(v.lever, ("", ""))[1])) if doubt]
            if doubted:
                whats = [what for what, _ in doubted]
                words += f"\n(if the {' and '.join(whats)} {'holds' if len(whats) == 1 else 'hold'}: {_doubt_words(doubted)})"
            cost.text(0.01, row + 0.12, words, transform=row_text, va="bottom", fontsize=MIN_POINTS)  # above its bar, however many lines
    cost.set_xlim(0, max(float(spend.max()) * 1.15, reference_cost * 1.15, 0.01))
    cost.tick_params(axis="y", left=False, labelleft=False)
    beyond = policy_phrase(reference)
    cost.set_xlabel("lever cost (GBP m per partnership" + (f"; dashed: {beyond}'s)" if reference_cost else ")"))
    per_point = (
        f"(and, of the cost beyond {beyond}'s, per point of collapse avoided)" if reference_cost else "(and per point of collapse avoided)"
    )  # wrapped below
    heading = cost.set_title(f"Lever cost {per_point}", loc="left")
    cost.grid(axis="x", alpha=0.3)
    if title:
        fig.suptitle(_title(fig, title))
    # a reference's name is in both axis labels, the cost panel's title and its rows' words: a long one ran from one panel into the
    # other and off the figure, so each axis label is wrapped to its panel's width as laid out, and each text starting at the cost
    # panel's left to the figure's right edge (the layout narrows a panel for a text too wide, and widens it again once that is
    # wrapped: a few rounds settle it); the figure grows by a line's height for each line that adds, so the panels keep theirs
    centred, left = {forest.xaxis.label: forest, cost.xaxis.label: cost}, [heading, *cost.texts]
    said = {text: text.get_text() for text in (*centred, *left)}
    height = fig.get_figheight()
    for _ in range(4):
        fig.draw_without_rendering()
        drawn = {text: text.get_text() for text in said}
        for text in said:
            text.set_text(said[text])
        for text, panel in centred.items():
            _fit(text, panel.get_window_extent().width)
        for text in left:
            _fit(text, fig.bbox.x1 - text.get_window_extent().x0)
        if all(text.get_text() == drawn[text] for text in said):
            break  # the layout drawn is the one these words need: drawing it again would change nothing
        added = {text: text.get_text().count("\n") - said[text].count("\n") for text in said}
        lines = max(added[text] for text in centred) + added[heading] + max((added[text] for text in cost.texts), default=0)
        fig.set_figheight(height + LEGEND_LINE * lines)
    return fig


def _fit(text: Text, width: float) -> None:
    """Wrap each of ``text``'s lines, between words, into as few as keep it within ``width`` display pixels (as laid out), of even length.

    Nothing changes where it fits already; a word longer than ``width`` stays whole on a line of its own. Of the wrappings into
    that many lines the narrowest is kept (no "either)" alone on the last line).
    """
    if text.get_window_extent().width <= width:
        return
    lines = text.get_text().split("\n")

    def wrapped(chars: int) -> str:
        return "\n".join(wrap(line, chars) for line in lines)

    def fits(chars: int) -> bool:
        text.set_text(wrapped(chars))
        return text.get_window_extent().width <= width

    # the most characters a line may hold that fit: from the share of the width the text has to lose, then a step at a time
    longest = max(map(len, lines))
    chars = min(longest - 1, max(int(longest * width / text.get_window_extent().width), 2))
    if fits(chars):
        while chars < longest - 1 and fits(chars + 1):
            chars += 1
    else:
        while chars > 2 and not fits(chars - 1):
            chars -= 1
        chars = max(chars - 1, 1)
    count = wrapped(chars).count("\n")
    while chars > 1 and wrapped(chars - 1).count("\n") == count:
        chars -= 1
    text.set_text(wrapped(chars))
