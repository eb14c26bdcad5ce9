"""Summaries of a run: outcome shares, timing of collapse, causes and savings, accumulated block by block.

A :class:`Tally` takes the replication table block by block (it is a sink of
:func:`sim.frontends.runner.run_blocks`) and keeps only counts and moments: outcome counts,
collapses per month, causes per outcome, and the moments of each money figure. Its memory
does not depend on the number of replications, and the summary is the same however the
replications were split into blocks (counts, shares, survival and causes exactly; means of
money figures up to floating-point rounding, about 1e-15 relative). :func:`summarise` gives plain data (for
``summary.json``), :func:`render` the compact table ``sim-run`` prints. Every interval is
two-sided at the summary's confidence level: Wilson for shares, Kaplan-Meier with a log-log
band for timing (see :mod:`sim.analysis.survival` for how shelved partnerships enter it),
normal-approximation intervals for mean money figures and the delta method for realised
savings over the business case.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from sim.analysis.stats import CoMoments, DrawMoments, Estimate, Moments, TotalInterval, ends_error, equal_counts_p, total_interval, undetected, wilson
from sim.analysis.survival import SurvivalCurve, collapse_times, kaplan_meier_counts
from sim.config.checks import arguments_checked
from sim.config.model import SECTIONS
from sim.core import triggers
from sim.core.layout import layout
from sim.core.state import OUTCOMES
from sim.frontends.table import Table
from sim.frontends.words import lower_first, upper_first

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
#: Per-replication quantities a :class:`Tally` keeps per parameter draw (with uncertainty=prior or posterior).
DRAW_COLUMNS = (*OUTCOMES[1:], "failure", *MONEY, "realised_plus_plan")
#: Columns of the replication table the summary reads.
SUMMARY_COLUMNS = ("outcome", "end_month", "cause", "trigger", "launch_month", "exits", *MONEY)
#: What each outcome means, in a line each (printed with every summary).
DEFINITIONS = {
    "shelved": "the councils never approved the proposal",
    "collapsed": "launched, then ended: too few councils remained, or the venture became unsustainable",
    "underperforming": "still going at the horizon, but realised savings below the underperformance line of the business case",
    "sustained": "still going at the horizon and delivering at least that share of the business case",
}
#: Bins of realised savings over the business case (launched partnerships), for the distribution.
RATIO_BINS = np.linspace(0.0, 2.0, 41)


class Summary(dict[str, Any]):
    """A run's summary: plain data (a ``dict``, as ``summary.json`` holds it) that reads as :func:`render`'s text.

    ``print(summary)`` and a notebook's display show the text ``sim-run`` prints; every key
    of :func:`summarise` is there as in a plain ``dict`` (``repr`` stays the dict's own).
    """

    def __str__(self) -> str:
        return render(self)

    def _repr_markdown_(self) -> str:
        return "```\n" + render(self) + "\n```"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text("Summary(...)" if cycle else render(self))


def _interval(e: Estimate) -> dict[str, float]:
    return {"value": e.value, "low": e.low, "high": e.high}


def _as_table(table: Any) -> Table:
    """A :class:`~sim.frontends.table.Table` of the summary's columns, from a Table or a pandas DataFrame."""
    if isinstance(table, Table):
        return table
    columns, labels = {}, {}
    for name in (*SUMMARY_COLUMNS, "draw") if "draw" in table else SUMMARY_COLUMNS:
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
        self.triggers: dict[str, dict[str, int]] = {o: {} for o in OUTCOMES[1:]}
        self.money = {name: Moments() for name in MONEY}
        self.ratio = CoMoments()
        self.launched = 0
        self.with_exit = 0
        self.ratios = np.zeros(len(RATIO_BINS) + 1, np.int64)
        # per parameter draw (tables with a ``draw`` column: uncertainty=prior or posterior)
        self.by_draw: DrawMoments | None = None
        self.collapses_by_draw = np.zeros((0, self.horizon + 1), np.int32)

    def write(self, table: Any) -> None:
        """Add one block of the replication table (a :class:`~sim.frontends.table.Table` or a DataFrame)."""
        table = _as_table(table)
        if not len(table):
            return
        outcome = table.values("outcome").astype(str)
        end = np.asarray(table.columns["end_month"], np.int64)
        times, collapsed = collapse_times(outcome, end, self.horizon)
        self.n += len(outcome)
        for o in self.outcomes:
            self.outcomes[o] += int((outcome == o).sum())
        self.collapses += np.bincount(times[collapsed], minlength=self.horizon + 1)
        for name, tally in (("cause", self.causes), ("trigger", self.triggers)):
            values = table.values(name).astype(str)
            for o in tally:
                labels, counts = np.unique(values[outcome == o], return_counts=True)
                for label, count in zip(labels, counts, strict=True):
                    tally[o][str(label)] = tally[o].get(str(label), 0) + int(count)
        launched = np.asarray(table.columns["launch_month"]) >= 0
        self.launched += int(launched.sum())
        self.with_exit += int((launched & (np.asarray(table.columns["exits"]) > 0)).sum())
        plan = np.asarray(table.columns["business_case"], float)[launched]
        ratio = np.divide(np.asarray(table.columns["realised_savings"], float)[launched], plan, out=np.zeros(len(plan)), where=plan > 0)
        self.ratios += np.bincount(np.searchsorted(RATIO_BINS, ratio, side="right"), minlength=len(RATIO_BINS) + 1)[: len(RATIO_BINS) + 1]
        for name in MONEY:
            self.money[name] += Moments.of(table.columns[name])
        self.ratio += CoMoments.of(table.columns["realised_savings"], table.columns["business_case"])
        if "draw" in table.columns:
            self._add_draws(np.asarray(table.columns["draw"], np.int64), outcome, end, table)
        elif self.by_draw is not None:
            raise ValueError("a block without parameter draws after blocks with them")

    def _add_draws(self, draw: np.ndarray, outcome: np.ndarray, end: np.ndarray, table: Table) -> None:
        """Accumulate a block per parameter draw: outcome indicators, money, and collapses by month."""
        if self.by_draw is None:
            if self.n > len(draw):
                raise ValueError("a block with parameter draws after blocks without them")
            self.by_draw = DrawMoments(len(DRAW_COLUMNS))
        money = {name: np.asarray(table.columns[name], float) for name in MONEY}
        columns = {o: outcome == o for o in self.outcomes} | {"failure": np.isin(outcome, FAILURES)} | money
        columns["realised_plus_plan"] = money["realised_savings"] + money["business_case"]
        self.by_draw.add(draw, np.column_stack([columns[name] for name in DRAW_COLUMNS]))
        size = int(draw.max()) + 1
        if size > len(self.collapses_by_draw):
            self.collapses_by_draw = np.vstack([self.collapses_by_draw, np.zeros((size - len(self.collapses_by_draw), self.horizon + 1), np.int32)])
        collapsed = outcome == "collapsed"
        np.add.at(self.collapses_by_draw, (draw[collapsed], end[collapsed]), 1)

    def curve(self, confidence: float = 0.95) -> SurvivalCurve:
        """The Kaplan-Meier curve of partnerships not yet collapsed (all others censored at the horizon)."""
        censored = np.zeros(self.horizon + 1, np.int64)
        censored[self.horizon] = self.n - int(self.collapses.sum())
        return kaplan_meier_counts(self.collapses, censored, confidence)

    def summary(self, confidence: float = 0.95) -> Summary:
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
        failed_triggers: dict[str, int] = {}
        for o in FAILURES:
            for label, count in self.causes[o].items():
                failed[label] = failed.get(label, 0) + count
            for label, count in self.triggers[o].items():
                failed_triggers[label] = failed_triggers.get(label, 0) + count
        launched = max(self.launched, 1)
        failures = sum(self.outcomes[o] for o in FAILURES)
        summary = Summary(
            {
                "replications": n,
                "confidence": confidence,
                "horizon_months": horizon,
                "outcomes": outcomes,
                "failure": {"count": failures, **_interval(wilson(failures, n, confidence))},
                "collapse_within": within,
                "median_months_to_collapse": {"value": median.value, "low": median.low, "high": median.high},
                "definitions": DEFINITIONS,
                "causes_of_failure": _causes(failed, confidence),
                "causes_of_collapse": _causes(self.causes["collapsed"], confidence),
                "triggers_of_failure": _triggers(failed_triggers, confidence),
                "triggers_of_collapse": _triggers(self.triggers["collapsed"], confidence),
                "council_left": {"launched": self.launched, "count": self.with_exit, **_interval(wilson(self.with_exit, launched, confidence))},
                "savings": savings,
                "realised_over_plan_distribution": _distribution(self.ratios, self.launched),
                "survival_curve": _curve(curve),
            }
        )
        if self.by_draw is not None:
            self._totals(summary, curve, confidence)
        return summary

    def _totals(self, summary: dict[str, Any], curve: SurvivalCurve, confidence: float) -> None:
        """Add each headline figure's Monte Carlo and total intervals and its share of variance from the parameters (see :mod:`sim.analysis.stats`)."""
        assert self.by_draw is not None
        means, noise = self.by_draw.estimates()
        n = self.by_draw.replications()
        column = {name: i for i, name in enumerate(DRAW_COLUMNS)}
        for o, entry in summary["outcomes"].items():
            _two(entry, total_interval(means[:, column[o]], noise[:, column[o]], _estimate(entry), confidence, (0.0, 1.0), n))
        failure = column["failure"]
        _two(summary["failure"], total_interval(means[:, failure], noise[:, failure], _estimate(summary["failure"]), confidence, (0.0, 1.0), n))
        for name, entry in summary["savings"].items():
            if name == "realised_over_business_case":
                r, v, m = self.by_draw.ratio(column["realised_savings"], column["business_case"], column["realised_plus_plan"])
                _two(entry, total_interval(r, v, _estimate(entry), confidence, (0.0, np.inf), m))
            else:
                _two(entry, total_interval(means[:, column[name]], noise[:, column[name]], _estimate(entry), confidence, weights=n))
        by_month = self._collapsed_by(curve, confidence)
        for entry in summary["collapse_within"].values():
            if entry is not None:
                _two(entry, by_month[entry["month"]])
        median = summary["median_months_to_collapse"]
        high = [t.high for t in by_month]
        low = [t.low for t in by_month]
        median["monte_carlo"] = {"low": median["low"], "high": median["high"]}
        median["total"] = {"low": _first(high, 0.5), "high": _first(low, 0.5)}
        median["parameter_share"] = None if median["value"] is None else by_month[median["value"]].parameter_share
        survival = summary["survival_curve"]
        survival["total_low"] = [1.0 - t.high for t in by_month]
        survival["total_high"] = [1.0 - t.low for t in by_month]
        used = self.by_draw.used()
        collapse = summary["outcomes"]["collapsed"]
        summary["uncertainty"] = {
            "draws": len(used),
            "replications_per_draw": int(self.by_draw.n.max()),
            "collapse_ends_error": ends_error(means[:, column["collapsed"]], noise[:, column["collapsed"]], confidence, seed=len(used), weights=n),
            "collapse_parameter_sd": collapse["parameter_sd"],
        }

    def collapse_ends_error(self, confidence: float = 0.95) -> float:
        """How precisely the draws so far pin down the collapse probability's total interval (:func:`sim.analysis.stats.ends_error`)."""
        if self.by_draw is None:
            raise ValueError("no parameter draws: the run has no total interval")
        means, noise = self.by_draw.estimates()
        i = DRAW_COLUMNS.index("collapsed")
        return ends_error(means[:, i], noise[:, i], confidence, seed=len(means), weights=self.by_draw.replications())

    def _collapsed_by(self, curve: SurvivalCurve, confidence: float) -> list[TotalInterval]:
        """The total interval of the probability of collapse by each month ``0 .. horizon``."""
        assert self.by_draw is not None
        used = self.by_draw.used()
        n = self.by_draw.n[used][:, None].astype(float)
        share = np.cumsum(self.collapses_by_draw[used], axis=1) / n
        noise = share * (1 - share) / (n - 1)
        out = []
        for month in range(self.horizon + 1):
            e = curve.failure_by(month)
            assert e is not None
            out.append(total_interval(share[:, month], noise[:, month], e, confidence, (0.0, 1.0), n[:, 0]))
        return out


def _estimate(entry: dict[str, Any]) -> Estimate:
    return Estimate(entry["value"], entry["low"], entry["high"])


def _two(entry: dict[str, Any], total: TotalInterval) -> None:
    """Give a figure's entry both intervals: ``monte_carlo`` (its ``low``, ``high``) and ``total``, with the share of variance from the parameters."""
    entry["monte_carlo"] = {"low": entry["low"], "high": entry["high"]}
    entry["total"] = {"low": total.low, "high": total.high}
    entry["parameter_share"] = total.parameter_share
    entry["parameter_sd"] = total.parameter_sd


def _first(probabilities: list[float], level: float) -> int | None:
    """First month at which a probability of collapse by that month reaches ``level`` (None: never)."""
    above = np.flatnonzero(np.asarray(probabilities) >= level)
    return int(above[0]) if above.size else None


def _causes(counts: dict[str, int], confidence: float) -> list[dict[str, Any]]:
    """Each cause's count and share with a Wilson interval, most frequent first (ties by label), with its title and source."""
    plan = layout()
    index = plan.cause_index
    total = sum(counts.values())
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    out = []
    for label, count in ordered:
        cause = plan.causes[index[label]] if label in index else None
        words = cause.words if cause else "No cause (nothing took value or savings)"
        out.append({"cause": label, "case": cause.case if cause else "", "title": words, "count": count, **_interval(wilson(count, total, confidence))})
    return out


def _triggers(counts: dict[str, int], confidence: float) -> list[dict[str, Any]]:
    """Each trigger's count and share with a Wilson interval, most frequent first, with its words."""
    total = sum(counts.values())
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [{"trigger": label, "title": trigger_title(label), "count": count, **_interval(wilson(count, total, confidence))} for label, count in ordered]


def trigger_title(label: str) -> str:
    """A trigger's label (``sim.core.triggers.LABELS``, or ``"none"``) in words, as the summaries title it."""
    if label == "none":
        return "No decision (the horizon, or a shortfall of savings)"
    return upper_first(triggers.words(triggers.LABELS.index(label))) if label in triggers.LABELS else label


def _distribution(counts: np.ndarray, n: int) -> dict[str, Any]:
    """Quantiles and shares below lines of realised savings over the business case (launched partnerships), from bin counts."""
    if n == 0:
        return {"launched": 0}
    cumulative = np.cumsum(counts) / n
    edges = np.append(RATIO_BINS, np.inf)

    def quantile(q: float) -> float:
        return float(edges[min(int(np.searchsorted(cumulative, q)), len(edges) - 1)])

    below = {f"{line:.2f}": float(cumulative[int(np.searchsorted(RATIO_BINS, line, side="right")) - 1]) for line in (0.25, 0.5, 0.75, 1.0)}
    return {"launched": n, "quantiles": {f"q{round(100 * q):02d}": quantile(q) for q in (0.1, 0.25, 0.5, 0.75, 0.9)}, "share_below": below, "bin_width": 0.05}


@arguments_checked("sim.summarise")
def summarise(table: Any, horizon: int | None = None, confidence: float = 0.95) -> Summary:
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
    Summary
        A dict: ``replications``, ``confidence``, ``horizon_months``, ``outcomes`` (count and share
        with interval), ``collapse_within`` (by years; None beyond the horizon),
        ``median_months_to_collapse``, ``causes_of_failure`` and ``causes_of_collapse``
        (count and share with interval, most frequent first), ``savings`` (mean GBP m per
        partnership over the horizon, and realised over business case),
        ``survival_curve`` (months, survival, low, high) and, for a table with parameter draws
        or one from :func:`sim.run_ensemble`, ``uncertainty`` (its mode, from the table's
        ``attrs``: "not recorded" when a table with draws does not say).
    """
    tally = Tally(int(np.max(np.asarray(table["end_month"] if not isinstance(table, Table) else table.columns["end_month"]))) if horizon is None else horizon)
    tally.write(table)
    summary = tally.summary(confidence)
    told = dict(getattr(table, "attrs", {}).get("uncertainty") or {})
    if "uncertainty" in summary:  # parameter draws: the table's own record of the mode, else say it is not known
        summary["uncertainty"] = {"mode": "not recorded", **told, **summary["uncertainty"]}
    elif told:
        summary["uncertainty"] = told
    return summary


def _curve(curve: SurvivalCurve) -> dict[str, list[float]]:
    return {"months": curve.months.tolist(), "survival": curve.survival.tolist(), "low": curve.low.tolist(), "high": curve.high.tolist()}


LABEL = 32
FIGURES = 30
#: Other words the summaries use, a line each (printed after :data:`DEFINITIONS`).
TERMS = {
    "failure": "shelved, collapsed or underperforming",
    "cause": "what most lowered the value the councils saw (the mechanism that took most)",
    "trigger": "the event that opened the decision that ended it (a budget, an election, a partner leaving...)",
    "interval": "the range the model's share is in, given the replications run, 95 times out of 100, with the assumptions at their"
    " stated values: simulation noise only, not the doubt about those values nor a forecast for a real partnership",
}
#: The terms that change meaning with parameter draws: the tables' intervals are then Monte Carlo only (:func:`terms`).
DRAWN_TERMS = {
    "interval": "Monte Carlo only: the range simulation noise alone leaves the share in, given the replications run, 95 times out"
    " of 100; it leaves out the doubt about the assumptions",
    "total interval": "the range the figure takes across the assumptions' plausible values, simulation noise added (see Uncertainty)",
}


def terms(drawn: bool) -> dict[str, str]:
    """The terms the words define: :data:`TERMS`, and for a run with parameter draws (``drawn``) :data:`DRAWN_TERMS` for the intervals."""
    return {**TERMS, **DRAWN_TERMS} if drawn else TERMS


#: How each figure's interval is computed (printed with ``detail=true``).
METHODS = (
    "Shares (outcomes, causes, triggers, a council leaving): Wilson score intervals.",
    "Collapse within 2, 5 and 10 years and the median: Kaplan-Meier with a pointwise Greenwood band on the log-log scale "
    "(exact binomial bound where that is undefined); shelved proposals stay at risk to the horizon, censored there.",
    "Money: normal-approximation intervals of the mean; realised over business case: ratio of means with the delta method.",
    "Every interval is Monte Carlo only (simulation noise). With uncertainty=prior or posterior the outcomes, collapse within 2, 5"
    " and 10 years, its median and the money also get a total interval, which adds the doubt about the assumptions"
    " (docs/uncertainty.md); causes, triggers and a council leaving get none.",
)


def _row(label: str, d: dict[str, Any] | None = None, count: int | None = None, width: int = LABEL) -> str:
    """One line of a table: label, share, interval and count in fixed columns."""
    figures = "beyond the horizon" if d is None else f"{d['value']:6.1%}  [{d['low']:6.1%}, {d['high']:6.1%}]"
    return f"  {label:<{width}}{figures:<{FIGURES}}{'' if count is None else count:>6}".rstrip()


def _columns(interval: str, counted: bool = True, width: int = LABEL) -> str:
    """The column headings under a table's title."""
    return f"  {'':<{width}}{interval:<{FIGURES}}{'count' if counted else '':>6}".rstrip()


def amount(value: float, digits: int = 2, width: int = 0, sign: str = "") -> str:
    """``value`` with ``digits`` decimals, or as many more as keep a value that is not zero from reading as zero.

    A mean net saving of GBP -0.0008 m prints ``-0.001``, not ``-0.00``.

    Parameters
    ----------
    value
        The number (nan and infinities print as Python formats them).
    digits
        Decimals to show at least.
    width
        Minimum width of the text, padded on the left.
    sign
        ``"+"`` to sign every value (a change), ``""`` for a negative one alone (a level).
    """
    while value != 0 and np.isfinite(value) and round(value, digits) == 0:
        digits += 1
    return f"{value:{sign}{width}.{digits}f}"


def _money(d: dict[str, float]) -> str:
    if np.isnan(d["low"]):
        return amount(d["value"], width=6)
    return f"{amount(d['value'], width=6)}  [{amount(d['low'], width=6)}, {amount(d['high'], width=6)}]"


def short_title(text: str, width: int) -> str:
    """``text`` cut to ``width`` characters, keeping a closing ``(case 03)`` or other source in brackets whole.

    Parameters
    ----------
    text
        A title, often ending with its source in brackets.
    width
        The most characters to show.

    Returns
    -------
    str
        ``text`` as it is if it fits, else cut with an ellipsis before its source.
    """
    if len(text) <= width:
        return text
    head, sep, source = text.rpartition(" (")
    if sep and text.endswith(")") and len(source) + 3 < width // 2:
        return head[: width - len(source) - 3] + "…" + sep + source
    return text[: width - 1] + "…"


def what_was_run(run: dict[str, Any]) -> str:
    """One line saying what was run: scenario, policy or policies, replications, seed and uncertainty mode.

    ``run`` is the ``run`` section of ``summary.json`` (``scenario``, ``policy`` or
    ``policies``, ``replications``, ``seed``; ``uncertainty`` when the run had a mode, else ``none``;
    ``overrides``, whose model parameters are named after the policy; ``held``, the assumptions a run
    with parameter draws held at those values, named after the mode).
    """
    if "policy" in run:
        policy = f"policy {run['policy']}"
    else:  # the sentences and tables below call the reference none "no lever": say that they are one
        first = run["policies"][0]
        policy = f"policies {', '.join(run['policies'])} (compared with {first}{': no lever' if first == 'none' else ''})"
    changed = {key: value for key, value in (run.get("overrides") or {}).items() if key.split(".")[0] in SECTIONS}
    if changed:
        policy += " with " + ", ".join(f"{key}={value}" for key, value in changed.items())
    each = " per policy" if "policies" in run else ""
    count = f"{run['replications']:,} simulated partnerships{each}, seed {run['seed']}"
    held = run.get("held") or []
    kept = f" ({listed(held)} held at the value{'s' if len(held) > 1 else ''} given, not drawn)" if held and run.get("uncertainty", "none") != "none" else ""
    return f"What was run: scenario {run['scenario']}, {policy}; {count}; {mode_words(run.get('uncertainty'))}{kept}"


def listed(items: Sequence[str]) -> str:
    """Items in words: ``a``, ``a and b``, ``a, b and c``."""
    return ", ".join(items[:-1]) + f" and {items[-1]}" if len(items) > 1 else "".join(items)


def with_share(title: str, share: str) -> str:
    """``title`` and its share in brackets, within the title's own where it ends with them.

    "Misaligned aspirations (case 03; 23% of them)", "A partner leaving (45% of them)": never
    "Misaligned aspirations (case 03) (23% of them)".
    """
    return f"{title[:-1]}; {share})" if title.endswith(")") else f"{title} ({share})"


def list_titles(titles: Sequence[str]) -> list[str]:
    """Titles as the items of one list: the first as it is (it starts the list), the others inside it (:func:`lower_first`).

    Parameters
    ----------
    titles
        Titles in the list's order.

    Returns
    -------
    list of str
        "A partner leaving", "the annual budget setting", "IT harmonisation first" (an abbreviation kept).
    """
    return [*titles[:1], *(lower_first(title) for title in titles[1:])]


def mode_words(mode: str | None) -> str:
    """The uncertainty mode as "What was run" says it: ``uncertainty: none`` (saying what its intervals show) or ``uncertainty: prior``.

    ``mode`` is ``none``, ``prior``, ``posterior`` (None: ``none``), or several joined by commas.
    """
    mode = mode or "none"
    noise = " (intervals show simulation noise only, not doubt about the assumed values)" if mode == "none" else ""
    return f"uncertainty: {mode}{noise}"


def meanings(definitions: dict[str, str] | None = None, drawn: bool = False) -> dict[str, str]:
    """The words a printout or a page defines, by word: ``definitions`` (by default the outcomes, :data:`DEFINITIONS`), then the
    other terms (:func:`terms`: with :data:`DRAWN_TERMS` for a run with parameter draws, ``drawn``).

    The one place the two are put together: :func:`words` prints them, ``sim-report`` lists them.
    """
    return {**(definitions or DEFINITIONS), **terms(drawn)}


def words(definitions: dict[str, str] | None = None, drawn: bool = False) -> list[str]:
    """The outcome words and the other terms (:func:`meanings`), defined in a line each."""
    return ["What the words mean:"] + [f"  {name:<16}{meaning}" for name, meaning in meanings(definitions, drawn).items()]


#: Where each uncertainty mode draws the assumptions from, as the summaries say it.
SOURCES = {"prior": "their plausible ranges", "posterior": "the calibrated posterior"}


def percent(p: float) -> str:
    """A probability as a percentage, with a decimal below 10% (``16%``, ``0.4%``): a share of 1 in 200 never reads ``0%``."""
    return f"{p:.0%}" if abs(p) >= 0.1 else f"{p:.1%}"


def horizon_words(months: int) -> str:
    """A horizon as a sentence says it: ``10 years``, ``1 year``, ``12.5 years`` (150 months), else in months (``125 months``).

    ``months // 12`` said "within 12 years" of a 150-month horizon, half a year short of the run it described.
    """
    months = int(months)
    if months % 12 == 0:
        return "1 year" if months == 12 else f"{months // 12} years"
    return f"{months / 12:g} years" if months % 6 == 0 else f"{months} months"


def plain_lines(summary: dict[str, Any]) -> list[str]:
    """A few sentences built from the summary's numbers: how many collapsed, were shelved or fell short, and the leading cause and trigger."""
    o = summary["outcomes"]
    c = o["collapsed"]
    level = f"{summary['confidence']:.0%}"
    interval = f"{level} interval {c['low']:.1%} to {c['high']:.1%}"
    if "total" in c:  # parameter draws: the noise of the replications alone, then the spread across the assumptions
        source = SOURCES.get(summary.get("uncertainty", {}).get("mode"), "the parameter draws")
        if undetected(c.get("parameter_share")):
            draws = summary.get("uncertainty", {}).get("draws", 0)
            interval += f" from simulation noise alone; its {draws:,} draws of the assumptions from {source} could not tell their effect from that noise"
        else:
            interval += f" from simulation noise alone; {c['total']['low']:.1%} to {c['total']['high']:.1%} once the assumptions vary across {source}"
    lines = [
        f"Of {summary['replications']:,} proposed partnerships, {percent(o['shelved']['value'])} were shelved before launch and "
        f"{percent(c['value'])} launched and then collapsed within {horizon_words(summary['horizon_months'])} ({interval}); "
        f"{percent(o['underperforming']['value'])} were still going but underperforming, and {percent(o['sustained']['value'])} sustained."
    ]
    for key, what, verb in (("causes_of_collapse", "collapses", "cause"), ("triggers_of_collapse", "collapses", "trigger")):
        items = summary.get(key) or []
        present = [item for item in items if item["count"] > 0]
        if len(present) == 1:  # every collapse had it: not "the most common ... (100% of them)", said even of one collapse
            every = "the one collapse" if c["count"] == 1 else f"all {c['count']:,} {what}"
            lines.append(f"The {verb} of {every}: {present[0]['title']}.")
        elif items:
            tied = [item for item in items if item["count"] == items[0]["count"]]
            if len(tied) == 1:
                share = f"{tied[0]['value']:.0%} of them"
                lead = f"The most common {verb} of the {what}: {with_share(tied[0]['title'], share)}"
                close = [item for item in items[1:] if equal_counts_p(tied[0]["count"], item["count"]) >= 1 - summary["confidence"]]
                if close:
                    names = [with_share(lower_first(item["title"]), f"{item['value']:.0%}") for item in close[:2]]
                    if len(close) > 2:
                        names.append(f"{len(close) - 2} other {verb}{'s' if len(close) > 3 else ''}")
                    lead += f", not clearly ahead of {listed(names)}: {c['count']:,} {what} are too few to tell them apart"
                lines.append(f"{lead}.")
            else:
                names = listed(list_titles([item["title"] for item in tied]))
                lines.append(f"The most common {verb}s of the {what}, equally: {names} ({tied[0]['value']:.0%} of them each).")
    return lines


def cause_tables(summary: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The tables of causes and triggers a summary holds, each as its key and its heading (what it counts, and how many).

    Parameters
    ----------
    summary
        A summary (:func:`summarise`).

    Returns
    -------
    list of (str, str)
        The collapses' causes and triggers, then all failures' causes and triggers.
    """
    collapses = summary["outcomes"]["collapsed"]["count"]
    failures = sum(summary["outcomes"][o]["count"] for o in FAILURES)
    return [
        ("causes_of_collapse", f"Cause of the {collapses:,} collapses (counts collapses only)"),
        ("triggers_of_collapse", f"Trigger of the {collapses:,} collapses (counts collapses only)"),
        ("causes_of_failure", f"Cause of all {failures:,} failures (counts shelved, collapsed and underperforming)"),
        ("triggers_of_failure", f"Trigger of all {failures:,} failures (counts shelved, collapsed and underperforming)"),
    ]


def left_out(key: str, items: Sequence[Mapping[str, Any]], top: int) -> dict[str, Any] | None:
    """What a table of causes or triggers shown by its first ``top`` rows leaves out, as one more row (None: nothing).

    Parameters
    ----------
    key
        The table's key (:func:`cause_tables`: ``causes_of_collapse``...).
    items
        The table's rows, most frequent first (those of no collapse or failure are not counted).
    top
        How many rows are shown.

    Returns
    -------
    dict or None
        ``title`` (``7 other causes``), ``count`` (the collapses or failures they account for) and
        ``value`` (their share), or None when every row with a count is shown.
    """
    rest = [item for item in items[top:] if item["count"] > 0]
    if not rest:
        return None
    kind = key.split("_of_")[0].removesuffix("s")
    return {
        "title": f"{len(rest)} other {kind}{'s' if len(rest) > 1 else ''}",
        "count": sum(item["count"] for item in rest),
        "value": sum(item["value"] for item in rest),
    }


@arguments_checked("sim.render")
def render(summary: dict[str, Any], top: int = 5, detail: bool = False) -> str:
    """The summary as plain text for a terminal.

    First the plain-language sentences and the words defined, then outcomes, timing, causes
    and triggers (each table saying whether it counts collapses or all failures), money, and
    which uncertainty the intervals carry (:func:`render_uncertainty`: with parameter draws,
    each headline figure with its Monte Carlo and total intervals). With ``detail`` also every
    cause and trigger (not only the ``top``), the triggers of all failures, and how each
    interval is computed.
    """
    level = f"{summary['confidence']:.0%}"
    horizon = summary["horizon_months"]
    with_draws = "total" in summary["outcomes"]["collapsed"]
    lines = [*plain_lines(summary), *words(summary.get("definitions"), drawn=with_draws)]
    drawn = ": Monte Carlo intervals (the headline figures' totals are under Uncertainty, below)" if with_draws else ""
    lines += [f"Outcome of all {summary['replications']:,} partnerships{drawn}", _columns(f"share  {level} interval")]
    lines += [_row(outcome, d, d["count"]) for outcome, d in summary["outcomes"].items()]
    left = summary.get("council_left")
    if left and left["launched"]:
        lines.append(_row("a council left (of launched)", left, left["count"]))
    lines += [f"Collapse within (all partnerships; counts collapses only){drawn}", _columns(f"prob.  {level} interval", counted=False)]
    lines += [_row(label, d) for label, d in summary["collapse_within"].items()]
    m = summary["median_months_to_collapse"]
    if m["value"] is None:
        lines.append(f"Median months to collapse: not reached (fewer than half collapse within {horizon} months)")
    else:
        lines.append(f"Median months to collapse: {m['value']}  [{m['low']}, {'not reached' if m['high'] is None else m['high']}]")
    wide = 64
    tables = cause_tables(summary)
    for key, heading in tables if detail else tables[:3]:  # the failures' triggers in the detail only
        lines += [heading, _columns(f"share  {level} interval", width=wide)]
        shown = summary.get(key, []) if detail else summary.get(key, [])[:top]
        lines += [_row(short_title(item["title"], wide - 1), item, item["count"], width=wide) for item in shown]
        if not detail and (rest := left_out(key, summary.get(key, []), top)) is not None:  # the counts add up to the heading's
            lines.append(f"  {rest['title']:<{wide}}{rest['value']:6.1%}{'':<{FIGURES - 6}}{rest['count']:>6}")
    lines.append(f"Money per partnership over {horizon} months (GBP m, mean and {level} interval){drawn}")
    money = {**MONEY, "realised_over_business_case": "realised / business case"}
    lines += [f"  {label:<{LABEL}}{_money(summary['savings'][name])}" for name, label in money.items() if name in summary["savings"]]
    dist = summary.get("realised_over_plan_distribution", {})
    if dist.get("launched"):
        q = dist["quantiles"]
        lines.append(
            f"Realised savings over the business case, launched partnerships: median {q['q50']:.2f} (10% below {q['q10']:.2f}, 10% above {q['q90']:.2f});"
            f" below half the plan: {dist['share_below']['0.50']:.0%}"
        )
    if detail:
        lines += ["How the intervals are computed:", *(f"  {line}" for line in METHODS)]
    lines.append(render_uncertainty(summary))
    return "\n".join(lines)


#: The headline figures given two intervals, in the order :func:`render_uncertainty` prints them.
HEADLINES: tuple[tuple[tuple[str, ...], str], ...] = (
    (("outcomes", "collapsed"), "collapsed"),
    (("failure",), "failed (shelved, collapsed or underperforming)"),
    (("outcomes", "shelved"), "shelved"),
    (("outcomes", "underperforming"), "underperforming"),
    (("collapse_within", "2 years"), "collapsed within 2 years"),
    (("collapse_within", "5 years"), "collapsed within 5 years"),
    (("collapse_within", "10 years"), "collapsed within 10 years"),
    (("savings", "realised_over_business_case"), "realised savings / business case"),
    (("savings", "net_savings"), "net savings (GBP m)"),
)


def headline(summary: dict[str, Any], path: tuple[str, ...]) -> dict[str, Any] | None:
    """A figure's entry by its path in the summary (e.g. ``("outcomes", "collapsed")``); None if the summary lacks it."""
    node: Any = summary
    for part in path:
        node = node.get(part) if isinstance(node, dict) else None
    return node


def parameter_part(share: float) -> str:
    """The share of a figure's variance from the parameters, in words: ``not detected`` where the draws could not tell it from noise."""
    return "not detected" if undetected(share) else f"{share:.0%}"


def _pair(low: float, high: float, share: bool) -> str:
    if share:
        return f"[{low:6.1%}, {high:6.1%}]"
    return f"[{low:6.2f}, {high:6.2f}]"


def render_uncertainty(summary: dict[str, Any]) -> str:
    """Which uncertainty the run carries and, with parameter draws, each headline figure with both intervals and the share of variance from the parameters."""
    mode = summary.get("uncertainty", {}).get("mode", "none")
    if mode == "none" or "total" not in summary["outcomes"]["collapsed"]:
        return (
            "Uncertainty: none. The assumptions are held at their stated values, so every interval above is Monte Carlo noise only;"
            " uncertainty=prior shows how far the figures move across the assumptions' plausible ranges."
        )
    u = summary["uncertainty"]
    level = f"{summary['confidence']:.0%}"
    drawn = u.get("drawn", [])
    if mode == "posterior":
        calibrated = len(set(drawn) & set(u.get("posterior_columns", [])))
        source = f": {calibrated} from {SOURCES['posterior']} and the rest from {SOURCES['prior']}"
    else:
        source = f" from {SOURCES.get(mode, 'an uncertainty mode the table does not record')}"
    lines = [
        f"Uncertainty: {mode}. {u['draws']:,} parameter draws of up to {u['replications_per_draw']:,} replications; {len(drawn)} assumptions drawn{source}.",
        f"  {'':<46}{'estimate':>9}  {'Monte Carlo ' + level:<18}  {'total ' + level + ' (parameters + MC)':<28}from parameters",
    ]
    unseen = False
    for path, label in HEADLINES:
        entry = headline(summary, path)
        if entry is None or "total" not in entry:
            continue
        share = path[0] != "savings"
        value = f"{entry['value']:.1%}" if share else f"{entry['value']:.2f}"
        mc = _pair(entry["monte_carlo"]["low"], entry["monte_carlo"]["high"], share)
        total = _pair(entry["total"]["low"], entry["total"]["high"], share)
        unseen |= undetected(entry["parameter_share"])
        lines.append(f"  {label:<46}{value:>9}  {mc:<18}  {total:<28}{parameter_part(entry['parameter_share'])}")
    m = summary["median_months_to_collapse"]
    if "total" in m:
        t = m["total"]
        reach = "not reached" if m["value"] is None else str(m["value"])
        lines.append(
            f"  {'median months to collapse':<46}{reach:>9}  total {level}: [{'not reached' if t['low'] is None else t['low']},"
            f" {'not reached' if t['high'] is None else t['high']}]"
        )
    lines.append(
        f"  The total interval's ends are known to about ±{100 * u['collapse_ends_error']:.1f} percentage points"
        " (collapse; more draws narrow this, see precision=). The other intervals above are Monte Carlo only."
    )
    lines.append(
        "  total: Monte Carlo (MC) noise and the doubt about the assumptions together; from parameters: the share of a figure's spread"
        " across the draws that comes from that doubt (the rest is Monte Carlo noise)."
    )
    if unseen:
        lines.append(
            f"  not detected: across {u['draws']:,} draws, no spread from the assumptions could be told from Monte Carlo noise;"
            " the total interval is then the Monte Carlo one, and more draws may show a spread."
        )
    return "\n".join(lines)
