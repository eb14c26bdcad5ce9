"""The report of a sweep: heat maps for a grid, a scatter of the points for a design, and the uncertainty mode it ran with."""

from __future__ import annotations

import html
import json
import warnings

import numpy as np
import pandas as pd
from support.sweeps import drew_from

from sim.analysis.plots import SWEEP_ESTIMATE
from sim.results import report, sweep


def sweep_folder(folder, values: dict[str, list[float]], modes: list[str] | None) -> None:
    n = len(next(iter(values.values())))
    rng = np.random.default_rng(1)
    p = rng.uniform(0.05, 0.3, n)
    table = pd.DataFrame({"point": range(n), **values, "status": "ok", "replications": 100})
    if modes is not None:
        table["uncertainty"] = pd.Categorical(modes)
    table[list(SWEEP_ESTIMATE)] = np.column_stack([p, p - 0.05, p + 0.05])
    folder.mkdir(parents=True, exist_ok=True)
    table.to_parquet(folder / "sweep.parquet")


def with_drawn(folder) -> None:
    """Add to the sweep table ``sweep_folder`` wrote the columns of the posterior its points drew from (``drew_from``), as sim-collect writes them."""
    table = pd.read_parquet(folder / "sweep.parquet")
    drawn = sweep.frame(sweep.gather(folder)).filter(like="uncertainty.")
    pd.concat([table, drawn], axis=1).to_parquet(folder / "sweep.parquet")


def test_a_sweeps_page_reads_its_notes_from_its_table_not_every_points_files_again(tmp_path, monkeypatch):
    """sim-report read every point.json and summary.json again (sweep.gather) to say the small-posterior notes, though
    sweep.parquet holds the posterior each point drew from: it now says them from the table, as sim-collect printed them."""
    for point in (0, 1):
        drew_from(tmp_path, point, "cal/posterior.parquet", 22.4, 30)
    sweep.collect(tmp_path)
    (note,) = sweep.gather(tmp_path).posterior_notes()
    assert str(pd.read_parquet(tmp_path / "sweep.parquet")[sweep.POSTERIOR].dtype) == "string"

    def again(root):
        raise AssertionError(f"the points' records under {root} read again")

    monkeypatch.setattr(sweep, "records", again)
    page = report.page(report._sweep_start(tmp_path, table := pd.read_parquet(tmp_path / "sweep.parquet"), table, "points", []))
    assert f"<p class=note>Note: {html.escape(note.removeprefix('note: '))}.</p>" in page


def test_a_design_gets_a_scatter_of_its_points_not_one_cell_heat_maps(tmp_path):
    """A Sobol design (every point at its own values) drew 8 heat maps of one cell each, with layout warnings."""
    x = np.random.default_rng(2).uniform(size=(64, 3))
    sweep_folder(tmp_path, {"councils.0.it_maturity": x[:, 0], "councils.1.it_maturity": x[:, 1], "partnership.commercial_capability": x[:, 2]}, ["none"] * 64)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        page = report.page(built := report.build(tmp_path))
        for fig in built.figures.values():
            fig.savefig(tmp_path / "check.png", bbox_inches="tight")
    assert list(built.figures) == ["sweep_scatter"]
    assert "no heat map is drawn" in page
    assert "100 simulated partnerships per point; uncertainty: none (intervals show simulation noise only" in page


def test_a_grid_keeps_its_heat_map_and_says_its_modes(tmp_path):
    grid = [(a, b) for a in (0.2, 0.5, 0.8) for b in (0.1, 0.4)]
    sweep_folder(tmp_path, {"partnership.decision_clarity": [a for a, _ in grid], "partnership.market_volume": [b for _, b in grid]}, ["prior"] * 6)
    built = report.build(tmp_path)
    assert list(built.figures) == ["sweep_heatmap"]
    assert "; uncertainty: prior" in report.page(built)
    assert report.is_grid(pd.DataFrame({"x": [1, 1, 2], "y": [1, 2, 1]}), "x", "y")
    assert not report.is_grid(pd.DataFrame({"x": [1, 2, 3, 4], "y": [4, 2, 3, 1]}), "x", "y")


def test_a_heat_map_of_two_swept_columns_has_a_title_as_one_of_three_has(tmp_path):
    """Over three columns each heat map was titled by the third's value; over two it had no title at all."""
    grid = [(a, b) for a in (0.2, 0.5, 0.8) for b in (0.1, 0.4)]
    sweep_folder(tmp_path, {"partnership.decision_clarity": [a for a, _ in grid], "partnership.market_volume": [b for _, b in grid]}, ["prior"] * 6)
    assert report.build(tmp_path).figures["sweep_heatmap"].axes[0].get_title().replace("\n", " ") == "6 points, 100 simulated partnerships per point"
    table = pd.read_parquet(tmp_path / "sweep.parquet").assign(scenario="baseline")
    table.to_parquet(tmp_path / "sweep.parquet")
    assert report.build(tmp_path).figures["sweep_heatmap"].axes[0].get_title().replace("\n", " ") == "Baseline scenario, 100 simulated partnerships per point"


def test_a_table_without_the_mode_says_it_was_not_recorded(tmp_path):
    sweep_folder(tmp_path, {"partnership.decision_clarity": [0.2, 0.5, 0.8]}, None)
    page = report.page(report.build(tmp_path))
    assert "uncertainty: not recorded" in page and "sweep_scatter" in report.build(tmp_path).figures


def test_points_with_parameter_draws_show_their_total_interval_beside_the_noise_one(tmp_path):
    """A sweep run with draws (the default) showed each point's Monte Carlo interval alone, as "95% interval".

    It read 14.7% to 23.5% where counting the doubt about the assumptions gave 4.6% to 32.0%.
    """
    sweep_folder(tmp_path, {"partnership.decision_clarity": [0.2, 0.5, 0.8]}, ["posterior", "posterior", "none"])
    table = pd.read_parquet(tmp_path / "sweep.parquet")
    table["outcomes.collapsed.total.low"] = [0.046, table.loc[1, "outcomes.collapsed.low"], np.nan]
    table["outcomes.collapsed.total.high"] = [0.32, table.loc[1, "outcomes.collapsed.high"], np.nan]
    table["outcomes.collapsed.parameter_share"] = [0.8, 0.0, np.nan]
    table.to_parquet(tmp_path / "sweep.parquet")
    page = report.page(report.build(tmp_path))
    assert "<th>95% interval (simulation noise)</th><th>half-width</th><th>total interval (with parameter uncertainty)</th>" in page
    assert "<td>4.6% to 32.0%</td>" in page and "<td>not detected</td>" in page
    # the scatter drew the noise interval alone: the total one was only in the table
    assert "95% interval from simulation noise and, as a pale bar behind it, the total interval, counting the doubt about the assumptions too" in page


def test_points_without_draws_have_no_total_column(tmp_path):
    sweep_folder(tmp_path, {"partnership.decision_clarity": [0.2, 0.5, 0.8]}, ["none"] * 3)
    page = report.page(report.build(tmp_path))
    assert "total interval" not in page and "<th>95% interval (simulation noise)</th>" in page


def test_a_sweep_with_failed_points_says_so_and_lists_them(tmp_path):
    """Two of four points failed: the report said 'Sweep of 2 points', and their reasons came only as failures.csv 'written by other tools'."""
    sweep_folder(tmp_path, {"councils.0.it_maturity": [0.2, 0.2, 0.8, 0.8], "partnership.min_partners": [2, 5, 2, 5]}, ["posterior", None, "posterior", None])
    table = pd.read_parquet(tmp_path / "sweep.parquet")
    reason = "partnership.min_partners = 5 is outside [1, 4] (the number of councils)"
    table["status"] = pd.Categorical(["ok", "failed", "ok", "running"])
    table["error"] = pd.array([None, reason, None, None], dtype="string")
    table.loc[[1, 3], list(SWEEP_ESTIMATE)] = np.nan
    table.to_parquet(tmp_path / "sweep.parquet")
    (tmp_path / "failures.csv").write_text(f'point,job_dir,overrides,error\n1,1,partnership.min_partners=5,"{reason}"\n')
    page = report.page(report.build(tmp_path))
    assert "<title>Sweep of 4 points over councils.0.it_maturity, partnership.min_partners</title>" in page
    assert "What was run: 4 points sweeping councils.0.it_maturity, partnership.min_partners;" in page
    assert "Of the 4 points, 1 failed and 1 did not finish (stopped, or still running): the figures and the table of points show the 2 that completed." in page
    assert f"<td>1</td><td>0.2</td><td>5</td><td>failed</td><td>{reason}</td>" in page
    assert "<td>3</td><td>0.8</td><td>5</td><td>running</td><td></td>" in page
    assert "Other results in this folder" not in page, "failures.csv is the sweep's own file"


def test_a_sweep_stopped_with_one_point_done_names_its_value_and_counts_every_point(tmp_path):
    """A joblib sweep of 3 points stopped after its first (point 1 interrupted, point 2 never started): the page said 'Sweep of
    2 points' and 'Of the 2 points, 1 did not finish', and its table of points had no column of the swept value, the one point
    left alone with the value it shares with nothing."""
    sweep_folder(tmp_path, {"partnership.decision_clarity": [0.2, 0.5]}, ["none", None])
    table = pd.read_parquet(tmp_path / "sweep.parquet")
    table["status"] = pd.Categorical(["ok", "running"])
    table.loc[[1], list(SWEEP_ESTIMATE)] = np.nan
    table.to_parquet(tmp_path / "sweep.parquet")
    (tmp_path / "sweep.json").write_text(json.dumps({"points": 3}), encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        page = report.page(report.build(tmp_path))
    assert "<title>Sweep of 3 points over partnership.decision_clarity</title>" in page
    assert "What was run: 3 points sweeping partnership.decision_clarity;" in page
    assert "Of the 3 points, 1 did not finish (stopped, or still running) and 1 was never started: the figures and the table of points show the 1" in page
    points = page.split("<h2>Points</h2>", 1)[1]
    assert points.index("partnership.decision_clarity") < points.index("P(collapse)") and "<td>0.2</td>" in points


def test_a_sweep_stopped_after_its_first_point_names_what_its_command_swept(tmp_path):
    """sim-run -m policy=none,continuity_plan,all_levers seed=1,2 stopped by Ctrl-C after its first point (the others never
    started): the page read 'Sweep of 6 points over nothing' and its table of points had no policy or seed column, the
    swept columns being taken only from values that differ between the points recorded. The sweep's command names them."""
    sweep_folder(tmp_path, {"scenario": ["baseline"], "policy": ["none"], "seed": [1]}, ["none"])
    fingerprint = {"overrides": ["policy=none,continuity_plan,all_levers", "replications=2000", "seed=1,2"], "sweeper_params": {}}
    (tmp_path / "sweep.json").write_text(json.dumps({"points": 6, "fingerprint": fingerprint}), encoding="utf-8")
    page = report.page(report.build(tmp_path))
    assert "<title>Sweep of 6 points over policy, seed</title>" in page
    assert "What was run: 6 points sweeping policy, seed;" in page
    points = page.split("<h2>Points</h2>", 1)[1]
    assert points.index("<th>policy</th><th>seed</th>") < points.index("P(collapse)") and "<td>none</td><td>1</td>" in points
    assert "do not fill a grid" not in page and "sweep_scatter" not in page  # no figure over one point's values


def test_a_sweep_whose_points_all_failed_has_no_empty_figures_or_table(tmp_path):
    """It said 'the figures and the table of points show the 0 that completed' above an empty Figures heading and an empty table."""
    sweep_folder(tmp_path, {"partnership.min_partners": [5, 6]}, [None, None])
    table = pd.read_parquet(tmp_path / "sweep.parquet")
    table["status"] = pd.Categorical(["failed", "failed"])
    table["error"] = pd.array(["too many", "too many"], dtype="string")
    table.to_parquet(tmp_path / "sweep.parquet")
    page = report.page(report.build(tmp_path))
    assert "Of the 2 points, 2 failed: none completed, so there is no figure or table of points." in page
    assert "<h2>Figures</h2>" not in page and "<h2>Points</h2>" not in page


def test_a_sweep_of_one_parameter_does_not_explain_a_missing_heat_map(tmp_path):
    """A multirun over one parameter was told 'The points do not fill a grid (a design sets every value anew)'."""
    sweep_folder(tmp_path, {"partnership.decision_clarity": [0.2, 0.5, 0.8]}, ["none"] * 3)
    page = report.page(report.build(tmp_path))
    assert "Probability of collapse at each point against partnership.decision_clarity, with its 95% interval from simulation noise." in page
    assert "do not fill a grid" not in page


def test_a_sweeps_points_are_named_in_the_words_of_its_axes(tmp_path):
    """sim-report on a sweep named its survival and causes figures' points 'policy=none, councils.0.it_maturity=0.2', where the
    heat map beside them says 'No lever' and 'council 1: maturity of the council's IT estate and practices (0 .. 1)'."""
    rows = []
    for point, (policy, maturity) in enumerate([("none", 0.2), ("continuity_plan", 0.8)]):
        (tmp_path / str(point)).mkdir()
        (tmp_path / str(point) / "summary.json").write_text("{}", encoding="utf-8")
        rows.append({"point": point, "policy": policy, "councils.0.it_maturity": maturity, "job_dir": str(point)})
    labels = [label.replace("\n", " ") for label in report._point_summaries(tmp_path, pd.DataFrame(rows), ["policy", "councils.0.it_maturity"])]
    assert labels == [
        "No lever; council 1: maturity of the council's IT estate and practices (0 .. 1) = 0.2",
        "Continuity plan; council 1: maturity of the council's IT estate and practices (0 .. 1) = 0.8",
    ]


def test_points_of_three_swept_columns_are_named_by_their_values_not_numbered(tmp_path):
    """Over three columns the survival and causes figures' points read 'point 0' ... 'point 7' (their words ran past MAX_LABEL)."""
    rows = []
    for point, (policy, maturity, months) in enumerate([("none", 0.2, 60), ("none", 0.8, 120), ("continuity_plan", 0.2, 120)]):
        (tmp_path / str(point)).mkdir()
        (tmp_path / str(point) / "summary.json").write_text("{}", encoding="utf-8")
        rows.append({"point": point, "policy": policy, "councils.0.it_maturity": maturity, "partnership.horizon_months": months, "job_dir": str(point)})
    swept = ["policy", "councils.0.it_maturity", "partnership.horizon_months"]
    assert list(report._point_summaries(tmp_path, pd.DataFrame(rows), swept)) == ["No lever; 0.2; 60", "No lever; 0.8; 120", "Continuity plan; 0.2; 120"]
    assert report._named_by_values(pd.DataFrame(rows), swept)
    assert not report._named_by_values(pd.DataFrame(rows), swept[:2])  # two columns: named in full, as before


def test_the_survival_and_causes_figures_of_a_sweep_of_one_or_two_columns_have_a_title(tmp_path):
    """Over three swept columns they were titled 'Each point: ...'; over one or two they had no title at all."""
    from sim.analysis.summary import Tally
    from sim.config.scenarios import load
    from sim.frontends.runner import Sinks, fixed, run_blocks
    from sim.results.files import write_json

    tally = Tally(120)
    run_blocks(load("baseline", "none"), 1, fixed(60, 60), Sinks(tables=(tally,)))
    summary = tally.summary()
    grid = [(a, b) for a in (0.2, 0.8) for b in (0.1, 0.4)]
    for swept in (
        {"partnership.decision_clarity": [0.2, 0.5, 0.8]},
        {"partnership.decision_clarity": [a for a, _ in grid], "partnership.market_volume": [b for _, b in grid]},
    ):
        folder = tmp_path / str(len(swept))
        sweep_folder(folder, swept, ["none"] * len(next(iter(swept.values()))))
        table = pd.read_parquet(folder / "sweep.parquet").assign(scenario="baseline", job_dir=lambda t: t["point"].astype(str))
        table.to_parquet(folder / "sweep.parquet")
        for point in table["point"]:
            write_json(folder / str(point) / "summary.json", summary)
        figures = report.build(folder).figures
        titles = (figures["survival"].axes[0].get_title(), figures["causes"].get_suptitle())
        assert all("Baseline scenario, 100 simulated partnerships per point" in t.replace("\n", " ") for t in titles), (swept, titles)


def test_the_survival_and_causes_captions_say_which_of_the_points_they_show(tmp_path):
    """Their captions said "at the first 3 points" of a sweep of 3 points, and "at the first 1 points" of one."""
    from sim.analysis.summary import Tally
    from sim.config.scenarios import load
    from sim.frontends.runner import Sinks, fixed, run_blocks
    from sim.results.files import write_json

    tally = Tally(120)
    run_blocks(load("baseline", "none"), 1, fixed(60, 60), Sinks(tables=(tally,)))
    summary = tally.summary()
    said = {}
    for n, written in ((1, 1), (3, 3), (3, 2), (10, 10)):
        folder = tmp_path / f"{n}-{written}"
        sweep_folder(folder, {"partnership.decision_clarity": list(np.linspace(0.1, 0.9, n))}, ["none"] * n)
        table = pd.read_parquet(folder / "sweep.parquet").assign(scenario="baseline", job_dir=lambda t: t["point"].astype(str))
        table.to_parquet(folder / "sweep.parquet")
        for point in table["point"][:written]:
            write_json(folder / str(point) / "summary.json", summary)
        page = html.unescape("".join(report.build(folder).sections))
        said[n, written] = [line for line in ("over time", "of the collapses") if f"{line} at" in page], page
    for (n, written), expected in {
        (1, 1): "at its one point",
        (3, 3): "at each of its 3 points",
        (3, 2): "at 2 of its 3 points (the others' summary.json is missing)",
        (10, 10): f"at 8 of its 10 points (the figures show the first {report.MAX_POINTS} at most)",
    }.items():
        found, page = said[n, written]
        assert found == ["over time", "of the collapses"] and page.count(expected) == 2, (n, written, expected)
        assert "at the first" not in page


def test_a_search_sweep_says_each_risk_it_asked_about_and_each_point_without_an_answer(tmp_path):
    """A sweep over risk= said the first point's risk for all; a point whose search found no package is said so, its cells left empty."""
    import json

    rows = []
    for point, (risk, answer) in enumerate((("failure", {"package": "continuity_plan (month 0, strength 0.60)"}), ("collapse", None))):
        (tmp_path / str(point)).mkdir()
        found = {"risk": risk, "target": 0.2, "budget": None, "answer": answer, "run": {"key": f"k{point}"}, "provenance": {"model_version": "0"}}
        (tmp_path / str(point) / "search.json").write_text(json.dumps(found))
        numbers = [0.15, 0.1, 0.2, 0.3, 0.25, 0.35, -0.05, -0.08, -0.02] if answer else [np.nan] * 9
        columns = [
            "risk",
            "risk_low",
            "risk_high",
            "cost",
            "cost_low",
            "cost_high",
            "risk_minus_no_lever",
            "risk_minus_no_lever_low",
            "risk_minus_no_lever_high",
        ]
        rows.append(
            {"point": point, "risk": risk, "status": "ok", "replications": 50, "job_dir": str(point), "reference.risk": 0.4, "answer.replications": 100}
            | {f"answer.{c}": v for c, v in zip(columns, numbers, strict=True)}
        )
    pd.DataFrame(rows).to_parquet(tmp_path / "sweep.parquet")
    page = report.page(built := report.build(tmp_path))
    assert "risk: failure: any failure (shelved, collapsed or underperforming) among all partnerships; collapse: collapse among launched" in page
    assert "<td>failure</td><td>continuity_plan (month 0, strength 0.60)</td><td>15.0%</td><td>10.0% to 20.0%</td><td>0.300</td>" in page
    assert "<td>collapse</td><td>No package met the target</td><td></td><td></td><td></td><td></td><td>40.0%</td><td></td>" in page
    assert list(built.figures) == ["risk_scatter", "cost_scatter"]
    assert "true value" not in page, "a search holds the assumptions at their stated values: its interval is the model's value's"
    assert "the range the model&#x27;s value is in, given the replications run" in page


def test_a_sweeps_page_leaves_out_its_points_own_figures_and_tables(tmp_path):
    """A sim-run sweep with figures=true showed every point's 0/survival.png and 0/causes.png under "Other results in this folder"
    (only the points of searches and calibrations that ran were left out): a failed point's leftovers showed too."""
    sweep_folder(tmp_path, {"partnership.decision_clarity": [0.2, 0.5, 0.8]}, ["none"] * 3)
    table = pd.read_parquet(tmp_path / "sweep.parquet").assign(job_dir=lambda t: t["point"].astype(str), status=pd.Categorical(["ok", "ok", "failed"]))
    table.to_parquet(tmp_path / "sweep.parquet")
    for point in ("0", "1", "2", "points/3"):
        (tmp_path / point / "figures").mkdir(parents=True)
        (tmp_path / point / "point.json").write_text("{}", encoding="utf-8")
        for name in ("survival.png", "figures/causes.png"):
            report.plots.Figure().savefig(tmp_path / point / name)
        pd.DataFrame({"a": [1]}).to_csv(tmp_path / point / "candidates.csv", index=False)
    (tmp_path / "discovery").mkdir()
    report.plots.Figure().savefig(tmp_path / "discovery" / "rules.png")
    page = report.page(report.build(tmp_path))
    assert "Other results in this folder" in page and 'alt="discovery/rules"' in page, "a figure of another tool stays"
    assert not any(f'alt="{point}/' in page for point in ("0", "1", "2", "points")), "a point's own figures are left out"
    assert "candidates.csv" not in page


def test_a_sweeps_page_says_its_intervals_are_monte_carlo_only_where_it_shows_total_ones(tmp_path):
    """Sweep pages defined "interval" as "the range the true share is in" beside total-interval columns, where the run and
    comparison pages say it is Monte Carlo only, leaving out the doubt about the assumptions."""
    from sim.analysis.summary import DRAWN_TERMS, TERMS

    drawn, plain = (f"<dt>interval</dt><dd>{html.escape(words['interval'])}</dd>" for words in (DRAWN_TERMS, TERMS))
    runs = tmp_path / "runs"
    sweep_folder(runs, {"partnership.decision_clarity": [0.2, 0.5]}, ["posterior"] * 2)
    table = pd.read_parquet(runs / "sweep.parquet")
    table["outcomes.collapsed.total.low"], table["outcomes.collapsed.total.high"] = [0.01, 0.02], [0.5, 0.6]
    table.to_parquet(runs / "sweep.parquet")
    page = report.page(report.build(runs))
    assert drawn in page and "<dt>total interval</dt>" in page and plain not in page
    pd.read_parquet(runs / "sweep.parquet").drop(columns=["outcomes.collapsed.total.low", "outcomes.collapsed.total.high"]).to_parquet(runs / "sweep.parquet")
    assert plain in report.page(report.build(runs))

    compared = tmp_path / "compared"
    compared.mkdir()
    pd.DataFrame({"point": [0, 1], "partnership.min_partners": [1, 2], "status": "ok"}).to_parquet(compared / "sweep.parquet")
    rows = []
    for point in (0, 1):
        for policy in ("none", "continuity_plan"):
            row = {"point": point, "partnership.min_partners": point + 1, "policy": policy, "lever_cost": 0.1}
            for m in ("shelved", "collapse", "failure"):
                row |= {m: 0.1, f"{m}_low": 0.08, f"{m}_high": 0.12, f"{m}_total_low": 0.02, f"{m}_total_high": 0.4, f"{m}_parameter_share": 0.5}
                row |= {f"{m}_difference": 0.0, f"{m}_difference_low": -0.01, f"{m}_difference_high": 0.01}
            rows.append(row)
    pd.DataFrame(rows).to_parquet(compared / "comparisons.parquet")
    page = report.page(report.build(compared))
    assert "(95% interval; total)" in page and drawn in page and plain not in page


def test_a_sweeps_page_says_the_small_posterior_its_points_drew_from_as_sim_collect_does(tmp_path):
    """sim-run's end and sim-collect said 'note: every point drew from posterior = ..., worth about 22 equally weighted points';
    sim-report's page of the same sweep said nothing of it."""
    sweep_folder(tmp_path, {"posterior": ["cal/posterior.parquet"] * 2, "partnership.decision_clarity": [0.2, 0.8]}, ["posterior"] * 2)
    for point in (0, 1):
        drew_from(tmp_path, point, "cal/posterior.parquet", 22.4, 30)
    with_drawn(tmp_path)
    (note,) = sweep.gather(tmp_path).posterior_notes()
    page = report.page(report.build(tmp_path))
    assert f"<p class=note>Note: {html.escape(note.removeprefix('note: '))}.</p>" in page
    assert "Note: every point drew from posterior" in html.unescape(page)
    drew_from(tmp_path / "large", 0, "big.parquet", 1100.0, 2000)
    sweep_folder(tmp_path / "large", {"partnership.decision_clarity": [0.2]}, ["posterior"])
    with_drawn(tmp_path / "large")
    assert "Note:" not in report.page(report.build(tmp_path / "large"))


def test_a_calibration_sweeps_page_says_which_of_its_posteriors_are_worth_few_points(tmp_path):
    """sim-collect of a sim-calibrate sweep said 'note: the posterior of point 0 is worth fewer than 40 ...'; its page did not."""
    for point, size in enumerate((25.94, 120.0)):
        sweep.PointRecord(point, "ok", {"seed": point}, f"k{point}", point, 20).write(tmp_path / str(point))
        posterior = {"run": {"key": f"k{point}", "replications": 20}, "effective_sample_size": size, "rows": 30}
        (tmp_path / str(point) / "posterior.json").write_text(json.dumps(posterior), encoding="utf-8")
    everything = sweep.frame(sweep.gather(tmp_path))  # the table sim-collect writes: its effective_sample_size column
    page = report.page(report._sweep_start(tmp_path, everything, everything, "calibrations", []))
    assert "Note: the posterior of point 0 is worth fewer than 40 equally weighted points (effective sample size 26;" in html.unescape(page)


def test_a_sweep_with_no_completed_point_says_the_size_and_mode_its_points_were_started_with(tmp_path):
    """sim-run -m uncertainty=none replications=5000000 seed=1,2 stopped during its first point: the page said 'uncertainty: not
    recorded', though the sweep's table records the mode each point was started with; and its 'What was run' line left out
    the simulated partnerships per point (sim-run -m uncertainty=none replications=3000000 seed=1,2, Ctrl-C, sim-collect)."""
    sweep_folder(tmp_path, {"seed": [1, 2]}, ["none", "none"])
    table = pd.read_parquet(tmp_path / "sweep.parquet")
    table["status"] = pd.Categorical(["running", "failed"])
    table.loc[:, list(SWEEP_ESTIMATE)] = np.nan
    table.to_parquet(tmp_path / "sweep.parquet")
    page = report.page(report.build(tmp_path))
    assert "uncertainty: none (intervals show simulation noise only" in page and "not recorded" not in page
    assert "What was run: 2 points sweeping seed; 100 simulated partnerships per point; uncertainty: none" in page, "the size each point was started with"


def test_the_forest_plots_caption_against_a_lever_says_a_cost_is_priced_beyond_the_references_and_what_dominates():
    """Against a lever (sim-compare 'policies=[continuity_plan,...]'), the forest plot prices a point at the cost beyond the
    reference's and says a lever that lowers collapse at no more cost dominates it (a4b69d5); its caption still said 'its cost
    (per point of collapse avoided ...)', the whole cost, and nothing of dominating."""
    against_lever = report.forest_caption("continuity_plan", 0.11, total=True)
    assert ", and its cost beyond continuity plan's (per point of collapse avoided" in against_lever
    assert "; that it dominates continuity plan where it lowers collapse at measurably no more cost)." in against_lever
    assert "paler, its total interval" in against_lever
    against_none = report.forest_caption("none", 0.0, total=False)
    assert against_none == (
        "Each policy's paired difference from the reference with its 95% Monte Carlo interval, and its cost (per point of collapse"
        " avoided where it lowers collapse, or that it pays for itself where, net of its cost, it also raises savings)."
    )
