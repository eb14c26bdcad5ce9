"""Every figure function on real small results: the artists it must have (lines, bands, bars, labels, axis limits), and the house style."""

from __future__ import annotations

import itertools
import re

import numpy as np
import pandas as pd
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection, PolyCollection
from matplotlib.colors import to_hex, to_rgb
from matplotlib.patches import Rectangle
from support.comparisons import rank_in_doubt

from sim.analysis import plots
from sim.analysis.comparison import compare_policies, policy_words
from sim.analysis.summary import Tally
from sim.config.scenarios import load
from sim.frontends.runner import Sinks, fixed, run_blocks
from sim.frontends.table import Table
from sim.frontends.trajectories import TrajectoryRecorder

HORIZON = 120


class Collect:
    """A table sink keeping every block."""

    def __init__(self) -> None:
        self.blocks: list[Table] = []

    def write(self, table: Table) -> None:
        self.blocks.append(table)

    def frame(self) -> pd.DataFrame:
        return Table.concat(self.blocks).to_pandas()


def _run(policy: str, replications: int = 600, seed: int = 4, trajectories: bool = False, overrides: tuple[str, ...] = ()) -> dict:
    config = load("baseline", policy, list(overrides))
    tally, rows = Tally(HORIZON), Collect()
    recorder = TrajectoryRecorder(HORIZON) if trajectories else None
    run_blocks(config, seed, fixed(replications, 300), Sinks(tables=(tally, rows), trajectories=recorder))
    out = {"summary": tally.summary(), "table": rows.frame()}
    if recorder is not None:
        out["trajectories"] = recorder.table().to_pandas()
    return out


@pytest.fixture(scope="module")
def none() -> dict:
    return _run("none", trajectories=True)


@pytest.fixture(scope="module")
def levers() -> dict:
    return _run("all_levers")


def drawn(fig):
    """The figure after drawing it (ticks and their labels exist only then)."""
    FigureCanvasAgg(fig).draw()
    return fig


def small_texts(fig) -> list[tuple[str, float]]:
    """Visible texts under the house minimum size."""
    drawn(fig)
    texts = fig.findobj(lambda a: hasattr(a, "get_text") and hasattr(a, "get_fontsize") and a.get_visible() and a.get_text().strip())
    return [(t.get_text(), t.get_fontsize()) for t in texts if t.get_fontsize() < plots.MIN_POINTS]


def test_survival_curves_of_two_runs_on_one_0_to_100_axis_with_bands_and_caption(none, levers):
    fig = drawn(plots.survival_figure({"no lever": none["summary"], "all levers": levers["summary"]}, "baseline"))
    ax = fig.axes[0]
    lines = [line for line in ax.get_lines() if line.get_label() in ("no lever", "all levers")]
    assert len(lines) == 2 and {to_hex(line.get_color()) for line in lines} == {plots.OKABE_ITO[0].lower(), plots.OKABE_ITO[1].lower()}
    bands = [c for c in ax.collections if isinstance(c, PolyCollection)]
    assert len(bands) == 2
    assert ax.get_ylim() == (0.0, 1.0) and ax.get_xlim() == (0.0, float(HORIZON))
    assert "months" in ax.get_xlabel() and "%" in ax.get_ylabel()
    assert [t.get_text() for t in ax.get_yticklabels()][-1] == "100%"
    assert any(child.get_xlabel() == "years" for child in ax.child_axes)
    caption = [t.get_text() for t in fig.texts if "Shelved" in t.get_text()]
    assert caption and "never collapse" in caption[0]
    # the dotted lines at 2 and 5 years were drawn without a word on what they mark
    assert [line.get_xdata()[0] for line in ax.get_lines() if line.get_linestyle() == ":"] == [24, 60]
    assert "Kaplan-Meier" in caption[0]  # not broken at its hyphen
    # it said "the times the outcome table gives the chance of collapse within" under a comparison, whose report has no such table
    assert "Dotted lines at 2 and 5 years: there, 100% less a curve's height is the chance of collapse within that time" in caption[0].replace("\n", " ")
    assert "the outcome table" not in caption[0]
    survival = np.asarray(none["summary"]["survival_curve"]["survival"])
    assert np.allclose(lines[0].get_ydata(), survival)
    assert not small_texts(fig)


def test_a_survival_curve_with_parameter_draws_shows_its_total_band_too(none):
    """With uncertainty (the default) sim-run's and sim-report's survival figure drew only the Monte Carlo band and called it "95%
    band": for partnerships whose collapse was 14% (1.0% to 52.9% counting the doubt about the assumptions), it claimed far more."""
    curve = dict(none["summary"]["survival_curve"])
    survival = np.asarray(curve["survival"])
    curve["total_low"], curve["total_high"] = list(np.clip(survival - 0.2, 0, 1)), list(np.clip(survival + 0.05, 0, 1))
    fig = drawn(plots.survival_figure({**none["summary"], "survival_curve": curve}))
    ax = fig.axes[0]
    bands = [c for c in ax.collections if isinstance(c, PolyCollection)]
    assert len(bands) == 2
    assert min(path.vertices[:, 1].min() for path in bands[0].get_paths()) == pytest.approx(float(np.min(curve["total_low"])))
    caption = next(t.get_text() for t in fig.texts if "Shelved" in t.get_text()).replace("\n", " ")
    assert "the pale one adds the doubt about the model's assumptions (the total interval)" in caption
    # notebook 01: no pale band for 82 months, then one from 84% to 99%: the caption says why it may not show
    assert "Where no pale band shows beyond the dark one, the draws showed no spread beyond Monte Carlo noise" in caption
    assert "Monte Carlo" in " ".join(t.get_text() for t in ax.get_legend().get_texts())
    plain = drawn(plots.survival_figure(none["summary"]))
    assert len([c for c in plain.axes[0].collections if isinstance(c, PolyCollection)]) == 1
    assert not small_texts(fig)


def test_the_survival_figures_total_band_is_seen_and_its_legend_shows_each_band(none):
    """The pale total band was drawn at 10% opacity (gone on a projector and in print) and the legend named the bands in its
    title with no patch of either to match them by."""
    curve = dict(none["summary"]["survival_curve"])
    survival = np.asarray(curve["survival"])
    curve["total_low"], curve["total_high"] = list(np.clip(survival - 0.2, 0, 1)), list(np.clip(survival + 0.05, 0, 1))
    ax = drawn(plots.survival_figure({**none["summary"], "survival_curve": curve})).axes[0]
    total, monte_carlo = (c for c in ax.collections if isinstance(c, PolyCollection))
    assert total.get_alpha() >= 0.2 and monte_carlo.get_alpha() > total.get_alpha()
    legend = ax.get_legend()
    patches = {t.get_text(): h for t, h in zip(legend.get_texts(), legend.legend_handles, strict=True) if isinstance(h, Rectangle)}
    assert set(patches) == {"95% band (Monte Carlo)", "95% band (total)"}
    assert patches["95% band (total)"].get_alpha() == total.get_alpha() and patches["95% band (Monte Carlo)"].get_alpha() == monte_carlo.get_alpha()


def test_eight_curves_are_drawn_without_their_bands_and_the_caption_says_why(none, levers, tmp_path):
    """A sweep's survival figure of eight points drew eight overlapping 40% bands, a dark smear hiding the curves."""
    from sim.results.files import save_figure

    curve = dict(none["summary"]["survival_curve"])
    survival = np.asarray(curve["survival"])
    curve["total_low"], curve["total_high"] = list(np.clip(survival - 0.2, 0, 1)), list(np.clip(survival + 0.05, 0, 1))
    drawn_summaries = [none["summary"], levers["summary"], {**none["summary"], "survival_curve": curve}]
    for n in (plots.MAX_BANDED, plots.MAX_BANDED + 1, 8):
        runs = {f"point {i}": drawn_summaries[i % 3] for i in range(n)}
        fig = drawn(plots.survival_figure(runs, "eight points"))
        ax = fig.axes[0]
        bands = [c for c in ax.collections if isinstance(c, PolyCollection)]
        patches = [h for h in ax.get_legend().legend_handles if isinstance(h, Rectangle)]
        caption = next(t.get_text() for t in fig.texts if "Shelved" in t.get_text()).replace("\n", " ")
        assert len([line for line in ax.get_lines() if line.get_label() in runs]) == n
        if n <= plots.MAX_BANDED:
            assert len(bands) > n and len(patches) == 2 and "No bands" not in caption
        else:
            assert not bands and not patches, n
            assert f"No bands: {n} curves' pointwise 95% intervals, overlapping, hid the curves (bands are drawn for up to {plots.MAX_BANDED})" in caption
    saved = [tmp_path / f"{k}.png" for k in range(2)]
    for path in saved:
        save_figure(path, plots.survival_figure(runs, "eight points"))
    assert saved[0].read_bytes() == saved[1].read_bytes()


def test_a_single_summary_still_gives_one_curve(none):
    ax = plots.survival_figure(none["summary"]).axes[0]
    assert [line.get_label() for line in ax.get_lines() if not line.get_label().startswith("_")] == ["Kaplan-Meier estimate"]


def test_collapse_hazard_counts_every_launched_collapse_once(none):
    table = none["table"]
    hazard = plots.collapse_hazard(table, HORIZON)
    launched = table["launch_month"] >= 0
    assert hazard["collapsed"].sum() == int(((table["outcome"] == "collapsed") & launched).sum())
    assert hazard["at_risk"].iloc[0] == launched.sum()
    assert (hazard["low"] <= hazard["hazard"]).all() and (hazard["hazard"] <= hazard["high"]).all()
    assert hazard["at_risk"].is_monotonic_decreasing


def test_timing_figure_has_a_histogram_and_yearly_rates_with_intervals(none):
    fig = drawn(plots.timing_figure(none["table"], HORIZON, "baseline"))
    hist, rate = fig.axes[0], fig.axes[1]
    bars = [p for p in hist.patches if isinstance(p, Rectangle)]
    assert len(bars) == HORIZON // 6
    collapsed = int((none["table"]["outcome"] == "collapsed").sum())
    assert sum(b.get_height() for b in bars) == collapsed
    assert "months" in hist.get_xlabel() and "count" in hist.get_ylabel()
    assert "%" in rate.get_ylabel() and rate.get_ylim()[0] == 0
    whiskers = [c for c in rate.collections if isinstance(c, LineCollection)]
    assert whiskers and len(whiskers[0].get_segments()) == len(plots.collapse_hazard(none["table"], HORIZON))
    assert not small_texts(fig)


def test_causes_of_one_run_are_two_stacked_bars_collapses_and_all_failures_titled_in_words(none):
    summary = none["summary"]
    fig = drawn(plots.causes_figure(summary, "baseline"))
    cause_ax, trigger_ax = fig.axes[:2]
    labels = [t.get_text() for t in cause_ax.get_yticklabels()]
    assert labels[0].startswith("collapses") and labels[1].startswith("all failures")
    assert f"n={summary['outcomes']['collapsed']['count']:,}" in labels[0]
    legend = [t.get_text().replace("\n", " ") for t in cause_ax.get_legend().get_texts()]
    assert legend[0] == summary["causes_of_failure"][0]["title"] or legend[0] in {c["title"] for c in summary["causes_of_collapse"]}
    assert any("(case 0" in text for text in legend) and not any("case0" in text for text in legend)
    for ax in (cause_ax, trigger_ax):
        widths = {}
        for patch in ax.patches:
            widths[round(patch.get_y(), 6)] = widths.get(round(patch.get_y(), 6), 0.0) + patch.get_width()
        assert len(widths) == 2 and all(w == pytest.approx(1.0) for w in widths.values())
        assert ax.get_xlim() == (0.0, 1.0) and "share of" in ax.get_xlabel()
    assert "Trigger" in trigger_ax.get_title(loc="left")
    assert not small_texts(fig)


def test_the_legends_of_causes_and_of_triggers_are_titled_and_apart_for_one_bar_of_many_long_causes():
    """Notebook 01's figure (one run by label): the causes' legend ran down beside the triggers' panel and the two read as one list."""
    rows = [
        {"cause": f"c{i}", "trigger": f"t{i}", "title": f"A long way of saying what happened number {i} to the partnership ({i})", "value": 0.1, "count": 3}
        for i in range(10)
    ]
    summary = {"causes_of_collapse": rows, "triggers_of_collapse": rows}
    fig = drawn(plots.causes_figure({"baseline": summary}, title="What caused the collapses"))
    renderer = fig.canvas.get_renderer()
    cause, trigger = (ax.get_legend() for ax in fig.axes[:2])
    assert (cause.get_title().get_text(), trigger.get_title().get_text()) == ("Causes", "Triggers")
    cause_box, trigger_box = (legend.get_window_extent(renderer) for legend in (cause, trigger))
    assert cause_box.y0 > trigger_box.y1, "the causes' legend runs into the triggers'"
    assert trigger_box.y0 >= 0 and cause_box.y1 <= fig.bbox.height


def test_causes_of_several_runs_one_bar_each_counting_what_was_asked(none, levers):
    fig = drawn(plots.causes_figure({"none": none["summary"], "all levers": levers["summary"]}, counts="failure"))
    ax = fig.axes[0]
    assert [t.get_text().split("\n")[0] for t in ax.get_yticklabels()] == ["none", "all levers"]
    assert "failures" in ax.get_xlabel()
    with pytest.raises(ValueError, match="counts"):
        plots.causes_figure({"none": none["summary"]}, counts="everything")


def test_the_fan_chart_has_a_years_axis_like_the_survival_and_timing_charts(none):
    """The fan chart said months only, where the survival and timing charts beside it in a report say years on top."""
    fig = drawn(plots.fan_figure(none["trajectories"]))
    for ax in fig.axes:
        (top,) = ax.child_axes
        assert top.get_xlabel() == "years" and top.get_xlim() == pytest.approx((0, HORIZON / 12))
        assert ax.get_xlabel() == "time since the proposal (months)"


def test_fan_chart_bands_and_median_per_variable(none):
    fig = drawn(plots.fan_figure(none["trajectories"], title="baseline"))
    assert len(fig.axes) == len(plots.FAN_DEFAULT)
    for ax, name in zip(fig.axes, plots.FAN_DEFAULT, strict=True):
        assert len([c for c in ax.collections if isinstance(c, PolyCollection)]) == 2
        assert len(ax.get_lines()) == 1
        assert ax.get_ylabel() == plots.FAN_LABELS[name] and "months" in ax.get_xlabel()
    assert fig.axes[0].get_ylim() == (0.0, 1.0)
    with pytest.raises(ValueError, match="not recorded"):
        plots.fan_figure(none["trajectories"], variables=("commitment",))
    assert not small_texts(fig)


@pytest.fixture(scope="module")
def sweep_table() -> pd.DataFrame:
    """A sweep-like table built from several runs: one row per point, the swept values, then the collapse estimate and its bounds."""
    rows = []
    for point, (clarity, volume) in enumerate((c, v) for c in (0.2, 0.8) for v in (0.1, 0.4)):
        s = _run("none", 300, 1, overrides=(f"partnership.decision_clarity={clarity}", f"partnership.market_volume={volume}"))["summary"]
        c = s["outcomes"]["collapsed"]
        rows.append({"point": point, "partnership.decision_clarity": clarity, "partnership.market_volume": volume, "status": "ok", **{
            name: c[key] for name, key in zip(plots.SWEEP_ESTIMATE, ("value", "low", "high"), strict=True)}})  # fmt: skip
    return pd.DataFrame(rows)


def test_sweep_heatmap_shows_each_point_with_its_half_width_on_a_fixed_scale(sweep_table):
    fig = drawn(plots.sweep_heatmap_figure(sweep_table, "partnership.market_volume", "partnership.decision_clarity"))
    ax = fig.axes[0]
    image = ax.get_images()[0]
    assert image.get_clim() == (0.0, 1.0)
    grid = np.asarray(image.get_array())
    assert grid.shape == (2, 2)
    first = sweep_table.iloc[0]
    assert grid[0, 0] == pytest.approx(first[plots.SWEEP_ESTIMATE[0]])
    cells = [t.get_text() for t in ax.texts]
    half = (first[plots.SWEEP_ESTIMATE[2]] - first[plots.SWEEP_ESTIMATE[1]]) / 2
    assert len(cells) == 4 and f"{first[plots.SWEEP_ESTIMATE[0]]:.1%}\n±{half:.1%}" in cells
    assert ax.get_xlabel().replace("\n", " ") == "outside business a commercial venture wins at launch (share of break-even revenue)"
    assert [t.get_text() for t in ax.get_xticklabels()] == ["0.1", "0.4"]
    assert "%" in fig.axes[1].get_ylabel()
    assert not small_texts(fig)


def test_sweep_heatmap_refuses_two_points_in_one_cell(sweep_table):
    with pytest.raises(ValueError, match=r"varying: .*partnership\.decision_clarity"):
        plots.sweep_heatmap_figure(sweep_table, "partnership.market_volume", "status")


def test_sweep_scatter_has_a_panel_per_swept_column_on_a_fixed_scale(sweep_table):
    table = sweep_table.assign(policy=["none", "all_levers", "none", "all_levers"])
    fig = drawn(plots.sweep_scatter_figure(table, ["partnership.market_volume", "partnership.decision_clarity", "policy"]))
    panels = [ax for ax in fig.axes if ax.get_visible()]
    assert [ax.get_xlabel().replace("\n", " ") for ax in panels] == [
        plots.swept_words(c) for c in ("partnership.market_volume", "partnership.decision_clarity", "policy")
    ]
    assert all(ax.get_ylim() == (0.0, 1.0) for ax in panels) and "%" in panels[0].get_ylabel()
    assert [t.get_text() for t in panels[2].get_xticklabels()] == ["No lever", "All levers"]  # the reference first
    assert not small_texts(fig)


def test_sweep_figures_show_a_points_total_interval_where_it_has_one(sweep_table):
    """With parameter draws (the default) the heat map and the scatter showed each point's Monte Carlo interval alone."""
    table = sweep_table.assign(**{"outcomes.collapsed.total.low": [0.01, 0.02, np.nan, 0.03], "outcomes.collapsed.total.high": [0.4, 0.5, np.nan, 0.6]})
    heat = drawn(plots.sweep_heatmap_figure(table, "partnership.market_volume", "partnership.decision_clarity"))
    cells = [t.get_text() for t in heat.axes[0].texts]
    assert sum("\ntotal " in cell for cell in cells) == 3 and any(cell.endswith("\ntotal 1.0% to 40%") for cell in cells)
    assert "its total 95% interval" in heat.texts[-1].get_text()
    assert not small_texts(heat)
    scatter = drawn(plots.sweep_scatter_figure(table, ["partnership.market_volume"]))
    (bars,) = [c for c in scatter.axes[0].collections if isinstance(c, LineCollection) and c.get_linewidth()[0] >= 6]
    assert sorted(seg[1, 1] for seg in bars.get_segments() if len(seg) == 2 and np.isfinite(seg[1, 1])) == [0.4, 0.5, 0.6]
    assert "total 95% interval" in scatter.texts[-1].get_text()
    plain = [t.get_text() for t in drawn(plots.sweep_heatmap_figure(sweep_table, "partnership.market_volume", "partnership.decision_clarity")).texts]
    assert not any("total" in text for text in plain), "a sweep without draws has no total to speak of"


@pytest.fixture(scope="module")
def comparison(none, levers) -> pd.DataFrame:
    return compare_policies({"none": none["table"], "all_levers": levers["table"]})


def test_forest_plot_has_a_whisker_per_measure_and_policy_and_collapse_against_cost(comparison):
    fig = drawn(plots.forest_figure(comparison, title="baseline"))
    forest, cost = fig.axes[:2]
    points = [line for line in forest.get_lines() if line.get_marker() in plots.MARKERS[:3]]
    assert [line.get_marker() for line in points] == list(plots.MARKERS[:3])
    assert points[1].get_xdata()[0] == pytest.approx(100 * comparison["collapse_difference"].iloc[1])
    assert "percentage points" in forest.get_xlabel() and [t.get_text() for t in forest.get_yticklabels()] == ["All levers"]
    assert any(line.get_xdata()[0] == 0 for line in forest.get_lines() if line.get_linestyle() == "-" and len(line.get_xdata()) == 2)
    assert "GBP m" in cost.get_xlabel()
    marker = next(line for line in cost.get_lines() if line.get_marker() == "o")
    assert marker.get_xdata()[0] == pytest.approx(comparison["lever_cost"].iloc[1]) and marker.get_xdata()[0] > 0
    assert not [c for c in forest.collections if isinstance(c, LineCollection) and c.get_linewidth()[0] >= 7]
    assert not small_texts(fig)


def test_forest_plot_draws_the_total_interval_when_the_comparison_has_one(comparison):
    widened = comparison.assign(
        collapse_difference_total_low=comparison["collapse_difference_low"] - 0.02, collapse_difference_total_high=comparison["collapse_difference_high"] + 0.02
    )
    forest = plots.forest_figure(widened).axes[0]
    total = [c for c in forest.collections if isinstance(c, LineCollection) and c.get_linewidth()[0] >= 7]
    assert len(total) == 1
    ((start, end),) = [seg[:, 0] for seg in total[0].get_segments()]
    assert start == pytest.approx(100 * widened["collapse_difference_total_low"].iloc[1])
    assert end == pytest.approx(100 * widened["collapse_difference_total_high"].iloc[1])
    # one legend column per measure, its total interval above its estimate (the legend mixed them: "shelved: total interval",
    # "collapse: total interval" in one column, "shelved" under the cost panel)
    everything = plots.forest_figure(widened.assign(shelved_difference_total_low=widened["shelved_difference_low"] - 0.01,
                                                    shelved_difference_total_high=widened["shelved_difference_high"] + 0.01))  # fmt: skip
    (legend,) = everything.legends
    assert legend._ncols == 3
    assert [t.get_text() for t in legend.get_texts()] == [
        "shelved:\ntotal interval",
        "shelved:\nestimate, Monte Carlo interval",
        "collapse:\ntotal interval",
        "collapse:\nestimate, Monte Carlo interval",
        "\n",
        plots.MEASURE_WORDS["failure"] + ":\nestimate, Monte Carlo interval",
    ]
    # without a total interval the whisker is the only interval: the legend names the measure alone
    assert [t.get_text() for t in plots.forest_figure(comparison).legends[0].get_texts()] == [
        plots.MEASURE_WORDS[m] for m in ("shelved", "collapse", "failure")
    ]


def test_forest_plot_legend_keeps_a_column_per_measure_when_only_some_have_a_total_interval(comparison):
    """With a total interval for collapse only, the legend's entries ran on column by column: "shelved" over "collapse: total
    interval", "collapse" over "failure" and an empty third column."""
    widened = comparison.assign(
        collapse_difference_total_low=comparison["collapse_difference_low"] - 0.02, collapse_difference_total_high=comparison["collapse_difference_high"] + 0.02
    )
    fig = drawn(plots.forest_figure(widened))
    (legend,) = fig.legends
    words = [plots.MEASURE_WORDS.get(m, m) for m in ("shelved", "collapse", "failure")]
    texts = legend.get_texts()
    mc = ":\nestimate, Monte Carlo interval"
    assert [t.get_text() for t in texts] == ["\n", words[0] + mc, f"{words[1]}:\ntotal interval", words[1] + mc, "\n", words[2] + mc]
    # the legend ran past both edges of the figure ("ed: estimate, Monte Carlo interval" ... "estimate, Monte Ca")
    figure_box = fig.bbox
    legend_box = legend.get_window_extent(fig.canvas.get_renderer())
    assert figure_box.x0 <= legend_box.x0 and legend_box.x1 <= figure_box.x1, (legend_box, figure_box)
    renderer = fig.canvas.get_renderer()
    boxes = [t.get_window_extent(renderer) for t in texts]
    estimates, total = boxes[1::2], boxes[2]
    assert len({round(box.y0, 1) for box in estimates}) == 1, "the estimates are not in one row"
    assert estimates[0].x0 < estimates[1].x0 < estimates[2].x0
    assert total.x0 == pytest.approx(estimates[1].x0) and total.y0 > estimates[1].y1, "collapse's total interval is not above its estimate"


def test_causes_figure_orders_each_panels_stacks_once(none, monkeypatch):
    """Each panel's stacks (the largest labels over every bar and the shares) were computed three times."""
    calls = []
    stacks = plots._stacks
    monkeypatch.setattr(plots, "_stacks", lambda items, key, top: calls.append(key) or stacks(items, key, top))
    drawn(plots.causes_figure(none["summary"], "baseline"))
    assert sorted(calls) == ["cause", "trigger"]


def test_every_figure_saves_as_png_and_svg(none, tmp_path):
    from sim.results.files import save_figure

    fig = plots.survival_figure(none["summary"])
    for suffix in (".png", ".svg"):
        save_figure(tmp_path / f"s{suffix}", fig)
    assert (tmp_path / "s.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "<svg" in (tmp_path / "s.svg").read_text()[:500]


def test_forest_plot_labels_never_overlap_however_many_levers_and_however_close_their_effects():
    from sim.core.levers import NAMES

    policies = ["none", *NAMES, "all_levers"]
    rows = []
    for i, policy in enumerate(policies):
        row = {"policy": policy, "lever_cost": 0.0 if i == 0 else 0.03 + 0.001 * (i % 2)}
        for m in ("shelved", "collapse", "failure"):
            effect = 0.0 if i == 0 else -0.017  # every lever the same effect at nearly the same cost: the old labels sat on top of each other
            row |= {f"{m}_difference": effect, f"{m}_difference_low": effect - 0.01, f"{m}_difference_high": effect + 0.007}
        rows.append(row)
    fig = drawn(plots.forest_figure(pd.DataFrame(rows), title="many levers"))
    renderer = fig.canvas.get_renderer()
    for axes in fig.axes[:2]:
        texts = [t for t in (*axes.texts, *axes.get_yticklabels()) if t.get_visible() and t.get_text().strip()]
        boxes = [t.get_window_extent(renderer) for t in texts]
        for a in range(len(boxes)):
            for b in range(a + 1, len(boxes)):
                assert not boxes[a].overlaps(boxes[b]), f"{texts[a].get_text()!r} overlaps {texts[b].get_text()!r}"
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert labels == [policy_words(p) for p in policies[1:]]
    assert len(fig.axes[1].texts) == len(policies) - 1
    assert not small_texts(fig)
    # against a lever of a long name (a --config-dir policy) each cheaper lever "dominates" it, its words wrapped to three lines and
    # a fourth where the total interval holds no drop: each row's words lie between its bar and the next row's (centred on the row
    # as they were, they sat on the bar)
    doubted = pd.DataFrame(rows).assign(
        policy=["shared_service_board_with_an_independent_chair", *policies[1:]],
        lever_cost=[0.11] + [0.05] * (len(policies) - 1),
        lever_cost_difference=[np.nan] + [-0.06] * (len(policies) - 1),
        lever_cost_difference_low=[np.nan] + [-0.07] * (len(policies) - 1),
        lever_cost_difference_high=[np.nan] + [-0.05] * (len(policies) - 1),
        collapse_difference_total_low=-0.05,
        collapse_difference_total_high=0.01,
    )
    fig = drawn(plots.forest_figure(doubted, title="many levers"))
    cost = fig.axes[1]
    bars = [cost.transData.transform((0, y))[1] for y in range(len(policies) - 1)][::-1]  # the first lever's row on top
    for text, bar in zip(cost.texts, bars, strict=True):
        box = text.get_window_extent(fig.canvas.get_renderer())
        assert text.get_text().startswith("dominates") and "(if the drop holds" in text.get_text(), text.get_text()
        assert bar < box.y0 and box.y1 < bar + (bars[0] - bars[1]), text.get_text()


def test_forest_plot_says_a_lever_that_measurably_raises_collapse_raises_it():
    """A lever whose collapse interval lay wholly above zero was labelled "no measurable effect on collapse" in the cost panel."""
    rows = [{"policy": "none", "lever_cost": 0.0}, {"policy": "agreed_decision_process", "lever_cost": 0.05}, {"policy": "staged_scope", "lever_cost": 0.05}]
    for row, (effect, low, high) in zip(rows, [(0.0, 0.0, 0.0), (0.02, 0.006, 0.034), (0.001, -0.01, 0.012)], strict=True):
        for m in ("shelved", "collapse", "failure"):
            row |= {f"{m}_difference": effect, f"{m}_difference_low": low, f"{m}_difference_high": high}
    cost = plots.forest_figure(pd.DataFrame(rows)).axes[1]
    assert [t.get_text() for t in cost.texts] == ["measurably raises collapse", "no measurable effect on collapse"]


def test_forest_plot_against_a_lever_prices_a_point_at_the_cost_beyond_it_and_says_which_levers_dominate_or_are_dominated():
    """Against continuity plan (GBP 0.11 m), IT harmonisation first (GBP 0.60 m, 3.5 points of collapse avoided) read "GBP 0.171 m per
    point", its whole cost over the points it avoids compared with a lever whose own cost buys none of them: the GBP 0.49 m more
    gives 0.140. Staged scope, cheaper than continuity plan and lowering collapse, was priced at GBP 0.030 m a point where it
    dominates it; Agreed decision process, dearer and raising collapse, read only "measurably raises collapse"."""
    rows = [
        {"policy": "continuity_plan", "lever_cost": 0.11},
        {"policy": "it_harmonisation_first", "lever_cost": 0.6},
        {"policy": "staged_scope", "lever_cost": 0.03},
        {"policy": "agreed_decision_process", "lever_cost": 0.2},
    ]
    effects = [(np.nan, np.nan, np.nan), (-0.035, -0.05, -0.02), (-0.01, -0.02, -0.001), (0.02, 0.006, 0.034)]
    for row, (effect, low, high) in zip(rows, effects, strict=True):
        for m in ("shelved", "collapse", "failure"):
            row |= {f"{m}_difference": effect, f"{m}_difference_low": low, f"{m}_difference_high": high}
        row |= {"lever_cost_difference": row["lever_cost"] - 0.11 if low == low else np.nan}
    fig = drawn(plots.forest_figure(pd.DataFrame(rows)))
    cost = fig.axes[1]
    assert [" ".join(t.get_text().split()) for t in cost.texts] == [  # wrapped to the figure's width
        "GBP 0.140 m per point of collapse avoided",
        "dominates continuity plan: lowers collapse, costs less",
        "worse and dearer: raises collapse, costs more",
    ]
    assert [line.get_xdata()[0] for line in cost.get_lines() if line.get_linestyle() == "--"] == [0.11]  # the reference's cost
    title, label = (" ".join(text.split()) for text in (cost.get_title(loc="left"), cost.get_xlabel()))
    assert "beyond continuity plan's" in title and "dashed: continuity plan's" in label
    assert not small_texts(fig)


def test_forest_plot_says_a_measurable_change_in_savings_of_a_lever_with_no_measurable_effect_on_collapse():
    """Agreed decision process, which measurably raises net savings (GBP 0.33 m), read only "no measurable effect on collapse"."""
    rows = [{"policy": "none", "lever_cost": 0.0}, {"policy": "agreed_decision_process", "lever_cost": 0.03}, {"policy": "staged_scope", "lever_cost": 0.05}]
    money = [(np.nan, np.nan, np.nan), (0.33, 0.1, 0.5), (-0.2, -0.3, -0.1)]
    for row, (saved, low, high) in zip(rows, money, strict=True):
        for m in ("shelved", "collapse", "failure"):
            row |= {f"{m}_difference": 0.001, f"{m}_difference_low": -0.01, f"{m}_difference_high": 0.012}
        row |= {"net_savings_difference": saved, "net_savings_difference_low": low, "net_savings_difference_high": high}
    cost = plots.forest_figure(pd.DataFrame(rows)).axes[1]
    assert [t.get_text() for t in cost.texts] == [
        "no measurable effect on collapse\nnet of its cost, savings rise by GBP 0.33 m",
        "no measurable effect on collapse\nnet of its cost, savings fall by GBP 0.20 m",
    ]


def test_forest_plot_cost_per_point_avoided_says_when_the_total_interval_allows_no_drop():
    """The cost panel priced every point of collapse a lever avoids by its Monte Carlo interval, though its total interval ran above zero.
    Its caveat then read "its total interval includes none" (none: the policy with no lever, or no drop?): now "includes no drop"."""
    rows = [{"policy": "none", "lever_cost": 0.0}, {"policy": "continuity_plan", "lever_cost": 0.2}, {"policy": "staged_scope", "lever_cost": 0.1}]
    for row, (effect, low, high, total_high) in zip(rows, [(0.0, 0.0, 0.0, 0.0), (-0.04, -0.05, -0.03, -0.01), (-0.02, -0.03, -0.01, 0.01)], strict=True):
        for m in ("shelved", "collapse", "failure"):
            row |= {f"{m}_difference": effect, f"{m}_difference_low": low, f"{m}_difference_high": high}
        row |= {"collapse_difference_total_low": low - 0.02, "collapse_difference_total_high": total_high}
    cost = plots.forest_figure(pd.DataFrame(rows)).axes[1]
    assert [t.get_text() for t in cost.texts] == [
        "GBP 0.050 m per point of collapse avoided",
        "GBP 0.050 m per point of collapse avoided\n(if the drop holds: its total interval includes no drop)",
    ]


def test_forest_plot_cost_per_point_avoided_says_when_the_draws_could_not_measure_the_assumptions_doubt():
    """Notebook 02's interpretation said of Open motivations "whether it still lowers collapse once the doubt about the assumptions
    is counted is not known" (its share from the assumptions not detected, so its total interval is only the Monte Carlo one), while
    the forest plot beside it priced its points of collapse avoided with no caveat."""
    rows = [{"policy": "none", "lever_cost": 0.0}, {"policy": "continuity_plan", "lever_cost": 0.2}, {"policy": "open_motivations", "lever_cost": 0.1}]
    for row, (effect, low, high, share) in zip(rows, [(0.0, 0.0, 0.0, 0.0), (-0.04, -0.05, -0.03, 0.6), (-0.02, -0.03, -0.01, 0.0)], strict=True):
        for m in ("shelved", "collapse", "failure"):
            row |= {f"{m}_difference": effect, f"{m}_difference_low": low, f"{m}_difference_high": high}
        total_low = low - 0.02 if share else low  # not detected: the total interval is the Monte Carlo one
        row |= {"collapse_difference_total_low": total_low, "collapse_difference_total_high": high, "collapse_difference_parameter_share": share}
    cost = plots.forest_figure(pd.DataFrame(rows)).axes[1]
    assert [t.get_text() for t in cost.texts] == [
        "GBP 0.050 m per point of collapse avoided",
        "GBP 0.050 m per point of collapse avoided\n(if the drop holds: the draws could not measure its doubt)",
    ]


def test_forest_plot_says_which_levers_pay_for_themselves_as_notebook_02s_best_value_does():
    """The cost panel priced Open motivations' points of collapse avoided (GBP 0.020 m) beside Staged scope's (0.017) as if the
    cheaper per point were the better buy, while notebook 02's best value (sim.analysis.comparison.best_value) says Open motivations
    pays for itself: it lowers collapse and, net of its cost, savings measurably rise."""
    rows = [{"policy": "none", "lever_cost": 0.0}, {"policy": "staged_scope", "lever_cost": 0.034}, {"policy": "open_motivations", "lever_cost": 0.04}]
    money = [(0.0, 0.0, 0.0, 0.0), (-0.01, -0.03, 0.01, -0.04), (0.03, 0.004, 0.05, -0.01)]
    for row, (effect, low, high), (saved, saved_low, saved_high, _) in zip(
        rows, [(0.0, 0.0, 0.0), (-0.02, -0.03, -0.01), (-0.02, -0.03, -0.01)], money, strict=True
    ):
        for m in ("shelved", "collapse", "failure"):
            row |= {f"{m}_difference": effect, f"{m}_difference_low": low, f"{m}_difference_high": high}
        row |= {"net_savings_difference": saved, "net_savings_difference_low": saved_low, "net_savings_difference_high": saved_high}
    cost = plots.forest_figure(pd.DataFrame(rows)).axes[1]
    assert [t.get_text() for t in cost.texts] == ["GBP 0.017 m per point of collapse avoided", "pays for itself: net of its cost, savings rise"]
    for row, (_, _, high, total_low) in zip(rows, money, strict=True):
        row |= {"net_savings_difference_total_low": total_low, "net_savings_difference_total_high": high + 0.01}
        row |= {"collapse_difference_total_low": row["collapse_difference_low"] - 0.01}
        row |= {"collapse_difference_total_high": row["collapse_difference_high"] - 0.001}
    rows[2]["net_savings_difference_parameter_share"] = 0.4
    cost = plots.forest_figure(pd.DataFrame(rows)).axes[1]
    assert cost.texts[1].get_text() == "pays for itself: net of its cost, savings rise\n(if the rise holds: its net savings' total interval includes no rise)"
    rows[2] |= {"collapse_difference_total_high": 0.01}
    cost = plots.forest_figure(pd.DataFrame(rows)).axes[1]
    both = "(if the drop and rise hold: the assumptions' doubt could undo either)"
    assert cost.texts[1].get_text() == f"pays for itself: net of its cost, savings rise\n{both}", "one line: a row's label keeps to two"
    rows[2] |= {"collapse_difference_total_high": -0.011, "net_savings_difference_total_low": 0.004, "net_savings_difference_parameter_share": 0.0}
    cost = plots.forest_figure(pd.DataFrame(rows)).axes[1]
    assert cost.texts[1].get_text() == "pays for itself: net of its cost, savings rise\n(if the rise holds: the draws could not measure its doubt)"


def test_forest_plot_says_the_draws_could_not_measure_a_doubt_they_could_not_measure_where_a_lever_has_two():
    """Notebook 02 (FAST, the councils as stored) labelled Open motivations "pays for itself ... (if the drop and rise hold: the
    assumptions' doubt could undo either)" while its drop and its rise both had 'from parameters' not detected and the text beside
    it said "whether it still lowers collapse and its net savings still rise ... is not known": the draws could not measure that
    doubt, not a total interval reaching zero. A row with one claim of each kind says which is which."""
    rows = [{"policy": "none", "lever_cost": 0.0}, {"policy": "open_motivations", "lever_cost": 0.03}]
    for row, (effect, low, high) in zip(rows, [(0.0, 0.0, 0.0), (-0.017, -0.027, -0.006)], strict=True):
        for m in ("shelved", "collapse", "failure"):
            row |= {f"{m}_difference": effect, f"{m}_difference_low": low, f"{m}_difference_high": high}
            row |= {f"{m}_difference_total_low": low, f"{m}_difference_total_high": high, f"{m}_difference_parameter_share": 0.0}
        row |= {"net_savings_difference": -effect, "net_savings_difference_low": -high, "net_savings_difference_high": -low}
        row |= {"net_savings_difference_total_low": -high, "net_savings_difference_total_high": -low, "net_savings_difference_parameter_share": 0.0}

    def label() -> str:
        figure = plots.forest_figure(pd.DataFrame(rows))
        FigureCanvasAgg(figure).draw()
        (text,) = figure.axes[1].texts
        assert text.get_window_extent().x1 <= figure.bbox.x1, "the label runs off the figure"
        return text.get_text()

    assert label() == "pays for itself: net of its cost, savings rise\n(if the drop and rise hold: the draws could not measure their doubt)"
    rows[1] |= {"net_savings_difference_total_low": -0.01, "net_savings_difference_parameter_share": 0.5}
    assert label() == "pays for itself: net of its cost, savings rise\n(if the drop and rise hold: the rise may not; the drop is untested)"


def test_timing_figure_counts_collapses_in_whole_numbers():
    """With a few collapses per bin the count axis read 2.5, 7.5, 12.5, 17.5 collapses."""
    months = [18, 24, 30, 36, 36, 42, 42, 48, 48, 48, 54, 60, 60, 66, 72, 78, 84, 90, 90, 96, 102, 108]
    table = pd.DataFrame({"outcome": "collapsed", "launch_month": 0, "end_month": months})
    table = pd.concat([table, pd.DataFrame({"outcome": ["sustained"] * 40, "launch_month": 0, "end_month": HORIZON})], ignore_index=True)
    hist = drawn(plots.timing_figure(table, HORIZON)).axes[0]
    ticks = [t for t in hist.get_yticks() if hist.get_ylim()[0] <= t <= hist.get_ylim()[1]]
    assert len(ticks) >= 2 and all(float(t).is_integer() for t in ticks), ticks


def _grey(colour) -> float:
    """A colour's lightness in greyscale print (ITU-R 601 luma, 0 black to 1 white)."""
    r, g, b = to_rgb(colour)
    return 0.299 * r + 0.587 * g + 0.114 * b


def test_the_palette_alone_falls_on_close_greys_so_series_need_a_second_sign():
    """Why the figures below draw a line style, a marker or a hatch beside each colour: in greyscale print orange, sky blue and
    reddish purple are within 5% of each other, and the stacked bars and curves told their categories by colour alone."""
    greys = sorted(_grey(c) for c in plots.OKABE_ITO[:6])
    assert min(b - a for a, b in itertools.pairwise(greys)) < 0.05
    assert len(set(plots.LINE_STYLES)) == len(set(plots.MARKERS)) == len(set(plots.HATCHES)) == len(plots.OKABE_ITO)


def test_survival_curves_of_several_runs_differ_in_line_style_not_only_colour(none, levers):
    """Three policies' curves were all solid lines: in greyscale and for a colour-blind reader the legend could not be matched."""
    runs = {"No lever": none["summary"], "All levers": levers["summary"], "again": none["summary"]}
    ax = drawn(plots.survival_figure(runs)).axes[0]
    curves = [line for line in ax.get_lines() if line.get_label() in runs]
    assert len({(line.get_linestyle(), tuple(line._dash_pattern[1] or ())) for line in curves}) == 3
    legend = {text.get_text(): handle for text, handle in zip(ax.get_legend().get_texts(), ax.get_legend().legend_handles, strict=True)}
    assert [legend[label]._dash_pattern for label in runs] == [line._dash_pattern for line in curves]
    guides = [line for line in ax.get_lines() if line.get_linestyle() == ":"]
    assert all(line.get_label() not in runs for line in guides), "a curve drawn dotted reads as a guide line at 2 or 5 years"


def test_timing_figure_of_several_runs_differs_in_marker_and_hatch(none, levers):
    fig = drawn(plots.timing_figure({"No lever": none["table"], "All levers": levers["table"]}, HORIZON))
    hist, rate = fig.axes[:2]
    assert [line.get_marker() for line in rate.get_lines() if line.get_marker() not in ("None", "", "_")] == list(plots.MARKERS[:2])
    assert [container.patches[0].get_hatch() or "" for container in hist.containers] == list(plots.HATCHES[:2])


def test_stacked_causes_differ_in_hatch_not_only_colour_and_the_rest_is_plain_grey(none, levers):
    fig = drawn(plots.causes_figure({"No lever": none["summary"], "All levers": levers["summary"]}))
    for ax in fig.axes[:2]:
        legend = ax.get_legend()
        hatches = [handle.get_hatch() or "" for handle in legend.legend_handles]
        fills = [to_hex(handle.get_facecolor()) for handle in legend.legend_handles]
        shown = [h for h, t in zip(hatches, legend.get_texts(), strict=True) if t.get_text() != "all others"]
        assert shown == list(plots.HATCHES[: len(shown)]) and len(set(zip(hatches, fills, strict=True))) == len(hatches)
        if "all others" in [t.get_text() for t in legend.get_texts()]:
            assert (hatches[-1], fills[-1]) == ("", plots.OTHER.lower())


def test_forest_plot_tells_the_measures_by_marker_and_draws_the_cost_in_no_measures_colour(comparison):
    """The measures' estimates were all circles (told apart by colour alone), and the lever's cost was drawn in collapse's orange."""
    fig = drawn(plots.forest_figure(comparison))
    forest, cost = fig.axes[:2]
    measures = [line for line in forest.get_lines() if line.get_marker() not in ("None", "", "|")]
    assert len({line.get_marker() for line in measures}) == 3
    used = {to_hex(line.get_color()) for line in measures}
    assert not used & {to_hex(line.get_color()) for line in cost.get_lines()}
    assert not used & {to_hex(c) for collection in cost.collections for c in collection.get_colors()}


def test_the_commands_titles_say_scenario_and_policy_in_words():
    """sim-run's figures were titled 'scenario baseline, policy none (2000 replications, seed 0)' and sim-compare's 'scenario
    baseline: each policy against none': code names on a committee's slide."""
    assert plots.run_title("baseline", "none", 2000, 0) == "Baseline scenario, no lever (2,000 simulated partnerships, seed 0)"
    assert plots.run_title("case04_trading_company", "continuity_plan", 300, 1) == (
        "Case 04: Local authority trading company, with continuity plan (300 simulated partnerships, seed 1)"
    )
    assert plots.comparison_title("well_run", "none") == "Each lever against no lever (Well run scenario)"
    for title in (plots.run_title("case01_key_person", "all_levers", 10, 2), plots.comparison_title("case07_premature_rebrand", "it_harmonisation_first")):
        assert "_" not in title and "none" not in title


@pytest.mark.parametrize("build", ["survival", "causes", "heatmap", "scatter"])
def test_a_long_title_wraps_inside_the_figure_in_even_lines(none, sweep_table, build):
    """A title longer than the figure ran past both its edges (saved 'tight', the figure grew wide margins around a small plot);
    wrapped at the figure's width alone, sim-run's causes figure left "0)" of "seed 0)" on a line of its own."""
    title = plots.run_title("case04_trading_company", "it_harmonisation_first", 20_000, 12)
    fig = {
        "survival": lambda: plots.survival_figure(none["summary"], title),
        "causes": lambda: plots.causes_figure(none["summary"], plots.run_title("case04_trading_company", "continuity_plan", 300, 0)),
        "heatmap": lambda: plots.sweep_heatmap_figure(sweep_table, "partnership.market_volume", "partnership.decision_clarity", title=title),
        "scatter": lambda: plots.sweep_scatter_figure(sweep_table, ["partnership.market_volume"], title=title),
    }[build]()
    drawn(fig)
    renderer = fig.canvas.get_renderer()
    titles = [t for t in (*fig.texts, *(ax.title for ax in fig.axes)) if t.get_text().startswith("Case 04")]
    assert titles
    for text in titles:
        box = text.get_window_extent(renderer)
        assert fig.bbox.x0 <= box.x0 and box.x1 <= fig.bbox.x1, (text.get_text(), box, fig.bbox)
        lengths = [len(line) for line in text.get_text().split("\n")]
        assert min(lengths) > max(lengths) / 2, text.get_text()


def test_a_sweeps_axes_name_each_parameter_by_its_meaning_and_unit_and_policies_in_words(sweep_table):
    """The heat map's and the scatter's axes read 'councils.0.it_maturity' and 'policy' with ticks 'all_levers', 'continuity_plan',
    'open_motivations': code names, no unit. The columns stay in the caption, to repeat the sweep by."""
    assert plots.swept_words("councils.0.it_maturity") == "council 1: maturity of the council's IT estate and practices (0 .. 1)"
    assert plots.swept_words("IT maturity gap") == "IT maturity gap"  # a column of one's own (notebook 04) is left as it is
    policies = ["none", "continuity_plan", "open_motivations", "it_harmonisation_first"]
    table = pd.concat([sweep_table.iloc[:2].assign(policy=p, point=i) for i, p in enumerate(policies)], ignore_index=True)
    table = table.drop_duplicates(subset=["partnership.market_volume", "policy"])
    fig = drawn(plots.sweep_heatmap_figure(table, "policy", "partnership.market_volume"))
    ax = fig.axes[0]
    ticks = [t.get_text().replace("\n", " ") for t in ax.get_xticklabels()]
    assert sorted(ticks) == sorted(policy_words(p) for p in policies)
    assert ax.get_xlabel() == "policy (levers switched on)" and "(share of break-even revenue)" in ax.get_ylabel().replace("\n", " ")
    assert "Swept: policy across, partnership.market_volume up." in fig.texts[-1].get_text().replace("\n", " ")
    renderer = fig.canvas.get_renderer()
    boxes = [t.get_window_extent(renderer) for t in ax.get_xticklabels()]
    assert not any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1 :]), ticks


def test_a_swept_parameters_words_do_not_repeat_a_unit_its_meaning_says():
    """A heat map's title read "months simulated (months) = 60": the meaning begins with its unit already."""
    assert plots.swept_words("partnership.horizon_months") == "months simulated"
    assert plots.point_words({"partnership.horizon_months": 60}) == "months simulated = 60"
    assert plots.swept_words("councils.0.ceo_leaving_in").startswith("council 1: months until") and not plots.swept_words("councils.0.ceo_leaving_in").endswith(
        "(months)"
    )
    assert plots.swept_words("dynamics.optimism_bias") == "share of promised savings a wholly unclear business case can never deliver"
    assert plots.swept_words("partnership.enthusiasm").endswith("(value)")  # 'value' there is a verb, not the unit


def test_no_declared_parameters_words_say_its_unit_twice():
    """Units said inside a meaning were said again after it: "most months after an election ... (drawn up to this) (months)",
    "spread of a council's decision around its net value (...) (value)", "fit lost ..., as a share of the fit component of value (share)"."""
    from dataclasses import fields

    from sim.cli.paramdocs import sections
    from sim.config.overrides import spec_at
    from sim.core.levers import NAMES

    verb = {"partnership.enthusiasm"}  # "the councils value the partnership": the word, not the unit
    paths = [
        section.prefix.replace("councils[k].", "councils.0.").replace("levers.<name>.", f"levers.{NAMES[0]}.") + f.name
        for section in sections()
        if section.prefix
        for f in fields(section.cls)
    ]
    said = 0
    for path in paths:
        spec = spec_at(path)
        assert spec is not None, path
        if not spec.unit or path in verb:
            continue
        words = plots.swept_words(path)
        unit = re.compile(rf"(?<!\w){re.escape(spec.unit)}(?!\w)")
        assert not (words.endswith(f" ({spec.unit})") and len(unit.findall(words)) > 1), words
        said += words == plots.input_title(path)
    assert said > 40 and plots.swept_words("decisions.settle_months").endswith("(drawn up to this)")


def test_a_sweeps_figures_put_the_reference_policy_first(sweep_table):
    """The heat map and the scatter ordered policies alphabetically, 'all_levers' before 'none': no lever, the reference sim-compare
    puts first, sat second or lower."""
    policies = ["continuity_plan", "none", "all_levers"]
    table = pd.concat([sweep_table.iloc[:1].assign(policy=p, point=i) for i, p in enumerate(policies)], ignore_index=True)
    heat = drawn(plots.sweep_heatmap_figure(table, "policy", "partnership.market_volume")).axes[0]
    scatter = drawn(plots.sweep_scatter_figure(table, ["policy"])).axes[0]
    for ax in (heat, scatter):
        ticks = [t.get_text().replace("\n", " ") for t in ax.get_xticklabels()]
        assert ticks == [policy_words(p) for p in ("none", "all_levers", "continuity_plan")]


def test_the_policy_with_no_lever_is_named_in_one_place():
    """sim.viz.adapter.NO_POLICY and plots.REFERENCE each said "none" for the policy with no lever: one fact in two places."""
    from pathlib import Path

    from sim.config.settings import NO_POLICY
    from sim.viz import adapter

    root = Path(plots.__file__).resolve().parents[1]
    named = sorted(str(p.relative_to(root)) for p in root.rglob("*.py") if re.search(r'^\w+ = "none"$', p.read_text(encoding="utf-8"), re.M))
    assert named == ["config/settings.py"] and adapter.NO_POLICY is NO_POLICY == "none"
    assert plots._levels(["open_motivations", "all_levers", NO_POLICY], "policy")[0] == NO_POLICY


def test_forest_plot_marks_the_lever_measurably_cheapest_per_point_as_notebook_02s_best_value_says_it():
    """The cost panel wrote each lever's cost per point of collapse avoided without saying which the run tells cheapest, while notebook
    02's best value ranks them on the paired replications (sim.analysis.comparison.least_per_point): Staged scope saves 200 of 1,000
    partnerships, Open motivations 170 of those same 200, at the same cost, so Staged scope is measurably the cheaper per point."""
    n = 1000

    def saved(count: int, first: int = 0, cost: float = 1.0) -> pd.DataFrame:
        outcome = np.where((np.arange(n) >= first) & (np.arange(n) < first + count), "sustained", "collapsed")
        return pd.DataFrame({"rep": np.arange(n), "outcome": outcome, "lever_cost": np.full(n, cost), "net_savings": np.zeros(n)})

    comparison = compare_policies({"none": saved(0, cost=0.0), "staged_scope": saved(200), "open_motivations": saved(170)})
    cost = plots.forest_figure(comparison).axes[1]
    assert [t.get_text() for t in cost.texts] == [
        "GBP 0.050 m per point of collapse avoided: measurably the least",
        "GBP 0.059 m per point of collapse avoided",
    ]
    # saving 190 others instead, the paired comparison cannot tell them apart: neither is marked
    close = compare_policies({"none": saved(0, cost=0.0), "staged_scope": saved(200), "open_motivations": saved(190, first=200)})
    assert [t.get_text() for t in plots.forest_figure(close).axes[1].texts] == [
        "GBP 0.050 m per point of collapse avoided",
        "GBP 0.053 m per point of collapse avoided",
    ]


def test_forest_plot_says_the_assumptions_doubt_could_undo_the_rank_not_tie_it():
    """The cost panel said "(if the rank holds: the assumptions' doubt could tie it)" where, counting that doubt, the cheapest lever
    cannot be told from another; the doubt may undo the rank, not only tie the two. Staged scope saves 40 and Open motivations 10 of
    50 partnerships in half the draws of the assumptions, 20 and 25 in the other half, at the same cost."""
    comparison = rank_in_doubt()
    texts = [t.get_text() for t in plots.forest_figure(comparison).axes[1].texts]
    assert texts[0].endswith(": measurably the least\n(if the rank holds: the assumptions' doubt could undo the rank)"), texts


def test_forest_plot_against_a_lever_neither_prices_nor_calls_dominant_a_lever_whose_cost_beyond_it_cannot_be_told_from_nothing():
    """sim-compare scenario=case06_district_county 'policies=[agreed_decision_process,staged_scope]' seed=1 replications=400: Staged
    scope's cost beyond agreed decision process, -0.0012 m with a paired interval of -0.0033 to +0.0009, read "dominates agreed decision
    process: lowers collapse, costs less"; at 200 replications (+0.0010, -0.0012 to +0.0033) "GBP 0.000 m per point of collapse avoided".
    Agreed decision process, raising collapse at a cost beyond continuity plan's holding zero, read "worse and dearer"."""
    rows = [
        {"policy": "continuity_plan", "lever_cost": 0.05},
        {"policy": "staged_scope", "lever_cost": 0.0488},
        {"policy": "it_harmonisation_first", "lever_cost": 0.051},
        {"policy": "agreed_decision_process", "lever_cost": 0.051},
    ]
    effects = [(np.nan, np.nan, np.nan), (-0.09, -0.12, -0.05), (-0.1, -0.15, -0.045), (0.02, 0.006, 0.034)]
    for row, (effect, low, high) in zip(rows, effects, strict=True):
        for m in ("shelved", "collapse", "failure"):
            row |= {f"{m}_difference": effect, f"{m}_difference_low": low, f"{m}_difference_high": high}
        gap = row["lever_cost"] - 0.05
        row |= {"lever_cost_difference": gap, "lever_cost_difference_low": gap - 0.0021, "lever_cost_difference_high": gap + 0.0021} if low == low else {}
    cost = plots.forest_figure(pd.DataFrame(rows)).axes[1]
    assert [t.get_text() for t in cost.texts] == [
        "lowers collapse, at a cost not told from continuity plan's",
        "lowers collapse, at a cost not told from continuity plan's",
        "measurably raises collapse",
    ]


def _shown_texts(fig) -> list:
    """Every text the figure shows: titles, axis labels, tick labels inside their axis's span, written texts, the legend's, the title."""
    from matplotlib.text import Text

    drawn(fig)
    ticks = set()
    for ax in fig.axes:
        lo, hi = sorted(ax.get_xlim())
        for at, label in zip(ax.get_xticks(), ax.get_xticklabels(), strict=True):  # labels of ticks beyond the limits are kept, not drawn
            ticks |= {id(label)} if not lo <= at <= hi else set()
    return [t for t in {id(t): t for t in fig.findobj(Text)}.values() if t.get_visible() and t.get_text().strip() and id(t) not in ticks]


@pytest.mark.parametrize(
    ("reference", "lever", "effect", "extra"),
    [
        ("it_harmonisation_first", "neutral_cloud_platform", (-0.035, -0.05, -0.02), (-0.011, -0.009)),  # dominates the reference
        ("shared_service_board_with_an_independent_chair", "continuity_plan", (-0.035, -0.05, -0.02), (0.02, 0.03)),  # priced per point
        ("shared_service_board_with_an_independent_chair", "staged_scope", (-0.035, -0.05, -0.02), (-0.001, 0.001)),  # cost not told apart
        # sim-compare 'policies=[it_harmonisation_first,neutral_cloud_platform]' replications=2000 (posterior draws: total intervals,
        # a legend of two rows): worse and dearer, its savings falling, on two lines that sat on its bar
        ("it_harmonisation_first", "neutral_cloud_platform", (0.04, 0.03, 0.05), (0.37, 0.4)),
    ],
)
def test_a_one_lever_forest_plots_long_reference_wraps_inside_its_panel_and_overlaps_no_other_text(reference, lever, effect, extra):
    """sim-compare 'policies=[it_harmonisation_first,neutral_cloud_platform]': the forest panel's axis label ("difference from IT
    harmonisation first (percentage points)") ran into the cost panel's ("lever cost (GBP m per partnership; dashed: IT harmonisation
    first's)"), which with the cost panel's title ran off the figure's right edge; a reference of the user's own with a longer name
    (a --config-dir policy) overlapped more. Measured on the drawn texts, not by eye."""
    rows = [{"policy": reference, "lever_cost": 0.11}, {"policy": lever, "lever_cost": 0.11 + sum(extra) / 2}]
    for row, (value, low, high) in zip(rows, [(np.nan, np.nan, np.nan), effect], strict=True):
        for m in ("shelved", "collapse", "failure"):
            row |= {f"{m}_difference": value, f"{m}_difference_low": low, f"{m}_difference_high": high}
    rows[1] |= {"lever_cost_difference": sum(extra) / 2, "lever_cost_difference_low": extra[0], "lever_cost_difference_high": extra[1]}
    if effect[0] > 0:  # with its total intervals, and net savings falling by GBP 0.85 m
        for m in ("shelved", "collapse", "failure"):
            rows[1] |= {f"{m}_difference_total_low": effect[1] - 0.06, f"{m}_difference_total_high": effect[2] + 0.06, f"{m}_difference_parameter_share": 0.9}
        rows[1] |= {f"net_savings_difference{end}": value for end, value in (("", -0.85), ("_low", -0.89), ("_high", -0.81))}
        rows[1] |= {"net_savings_difference_total_low": -1.2, "net_savings_difference_total_high": -0.5, "net_savings_difference_parameter_share": 0.9}
    fig = plots.forest_figure(pd.DataFrame(rows), title=plots.comparison_title("baseline", reference))
    texts = _shown_texts(fig)
    renderer = fig.canvas.get_renderer()
    boxes = [t.get_window_extent(renderer) for t in texts]
    width = fig.bbox.width
    for text, box in zip(texts, boxes, strict=True):
        assert box.x0 >= 0 and box.x1 <= width, f"{text.get_text()!r} runs off the figure ({box.x0:.0f} to {box.x1:.0f} of {width:.0f})"
    for a in range(len(boxes)):
        for b in range(a + 1, len(boxes)):
            assert not boxes[a].overlaps(boxes[b]), f"{texts[a].get_text()!r} overlaps {texts[b].get_text()!r}"
    cost = fig.axes[1]
    panel, bar = cost.get_window_extent(renderer), cost.transData.transform((0, 0))[1]  # the lever's row
    for text in cost.texts:  # its words above its bar, inside the panel, however many lines they wrapped to
        box = text.get_window_extent(renderer)
        assert bar < box.y0 and box.y1 <= panel.y1, (
            f"{text.get_text()!r} ({box.y0:.0f} to {box.y1:.0f}) crosses its bar ({bar:.0f}) or the panel's top ({panel.y1:.0f})"
        )
    said = " ".join(" ".join(t.get_text().split()) for t in texts)
    assert f"difference from {policy_words(reference).lower()[:8]}" in said.lower() and "per point of collapse avoided" in said
    assert not small_texts(fig)


def test_the_heatmaps_total_interval_tells_a_small_share_from_zero(sweep_table):
    """sim-report's heat map gave each point's total interval in whole percent: a total low of 0.2% read "total 0% to 3%", as a true
    0 does. It now says shares below 10% to one decimal, as the printed summaries do (sim.analysis.summary.percent)."""
    table = sweep_table.assign(**{"outcomes.collapsed.total.low": [0.002, 0.0, 0.004, 0.12], "outcomes.collapsed.total.high": [0.03, 0.01, 0.2, 0.456]})
    cells = [
        t.get_text().rpartition("\ntotal ")[2]
        for t in drawn(plots.sweep_heatmap_figure(table, "partnership.market_volume", "partnership.decision_clarity")).axes[0].texts
    ]
    assert cells == ["0.2% to 3.0%", "0.0% to 1.0%", "0.4% to 20%", "12% to 46%"]


def test_the_sweep_figures_do_not_give_a_total_the_draws_could_not_detect_as_one(sweep_table):
    """sim-run -m partnership.decision_clarity=0.2,0.8 partnership.market_volume=0.1,0.4 replications=200: sim-report's table of points
    said the total interval of collapse at clarity 0.8 was "not detected" (its parameter_share 0: the total is the Monte Carlo
    interval), while its heat map beside it read "total 6.6% to 15%", a total interval as narrow as the simulation noise, and the
    scatter drew it as a pale bar."""
    table = sweep_table.assign(
        **{
            "outcomes.collapsed.total.low": [0.02, 0.07, 0.01, 0.05],
            "outcomes.collapsed.total.high": [0.26, 0.15, 0.27, 0.3],
            "outcomes.collapsed.parameter_share": [0.6, 0.0, 0.5, np.nan],
        }
    )
    heat = drawn(plots.sweep_heatmap_figure(table, "partnership.market_volume", "partnership.decision_clarity"))
    cells = [t.get_text().rpartition("\n")[2] for t in heat.axes[0].texts]
    assert cells == ["total 2.0% to 26%", "total not detected", "total 1.0% to 27%", "total 5.0% to 30%"]
    assert "'not detected': its draws showed no spread beyond the simulation noise" in " ".join(heat.texts[-1].get_text().split())
    scatter = drawn(plots.sweep_scatter_figure(table, ["partnership.market_volume"]))
    (bars,) = [c for c in scatter.axes[0].collections if isinstance(c, LineCollection) and c.get_linewidth()[0] >= 6]
    assert sorted(seg[1, 1] for seg in bars.get_segments()) == [0.26, 0.27, 0.3]
    assert "A point without one: its total is not detected" in " ".join(scatter.texts[-1].get_text().split())
    assert not small_texts(heat) and not small_texts(scatter)
