"""``sim-report``'s tables: a total interval whose spread from the parameters was not detected reads ``not detected``, not the Monte Carlo interval again."""

from __future__ import annotations

import pandas as pd

from sim.results.report import _comparison_money, _comparison_rows, _money, _provenance, _share_rows, _small_posterior


def _figure(share: float) -> dict[str, float | dict[str, float]]:
    total = {"low": 0.071, "high": 0.117} if share == 0 else {"low": 0.05, "high": 0.14}
    return {"value": 0.092, "low": 0.071, "high": 0.117, "total": total, "parameter_share": share}


def test_a_share_whose_spread_was_not_detected_says_so():
    headings, rows = _share_rows({"collapsed": _figure(0.0), "shelved": _figure(0.4)})
    assert headings[3].startswith("total interval")
    assert rows[0][3] == "not detected"
    assert rows[1][3] == "5.0% to 14.0%"


def test_a_lever_effect_keeps_its_total_interval_as_sim_compare_prints_it():
    """An effect whose spread was not detected read 'total not detected' (a phrase the report never defined), where
    sim-compare prints its total interval and says 'not detected' under 'from parameters' (now in the report too)."""
    row = {"policy": "none", "lever_cost": 0.0}
    for m in ("shelved", "collapse", "failure"):
        row |= {m: 0.1, f"{m}_low": 0.08, f"{m}_high": 0.12}
    lever = dict(row, policy="continuity_plan", lever_cost=0.2)
    for m, share in (("shelved", 0.3), ("collapse", 0.0), ("failure", 0.0)):
        lever |= {f"{m}_difference": -0.02, f"{m}_difference_low": -0.03, f"{m}_difference_high": -0.01}
        lever |= {f"{m}_difference_total_low": -0.03 if share == 0 else -0.05, f"{m}_difference_total_high": -0.01 if share == 0 else 0.01}
        lever[f"{m}_difference_parameter_share"] = share
    _, rows = _comparison_rows(pd.DataFrame([row, lever]))
    shelved, collapse = rows[1][4], rows[1][5]
    assert shelved == "-2.0 [-3.0, -1.0]; total [-5.0, +1.0]"
    assert collapse == "-2.0 [-3.0, -1.0]; total [-3.0, -1.0]"


def test_each_policys_chances_carry_their_total_interval():
    """A comparison's report gave each policy's P(collapse) with its Monte Carlo interval alone, though the table had its total."""
    rows = []
    for policy, share in (("none", 0.5), ("continuity_plan", 0.0)):
        row = {"policy": policy, "lever_cost": 0.0}
        for m in ("shelved", "collapse", "failure"):
            row |= {m: 0.1, f"{m}_low": 0.08, f"{m}_high": 0.12, f"{m}_total_low": 0.02, f"{m}_total_high": 0.4, f"{m}_parameter_share": share}
            row |= {f"{m}_difference": 0.0, f"{m}_difference_low": 0.0, f"{m}_difference_high": 0.0}
        rows.append(row)
    headings, cells = _comparison_rows(pd.DataFrame(rows))
    assert headings[2] == "chance collapse (95% interval; total)", "in words, as sim-compare heads it, and saying the cells hold the total too"
    assert cells[0][2] == "10.0% [8.0%, 12.0%]; total [2.0%, 40.0%]" and cells[1][2] == "10.0% [8.0%, 12.0%]; total not detected"
    plain = pd.DataFrame(rows).drop(columns=[c for c in rows[0] if "_total_" in c or c.endswith("_parameter_share")])
    assert _comparison_rows(plain)[1][0][2] == "10.0% [8.0%, 12.0%]"
    assert _comparison_rows(plain)[0][2] == "chance collapse (95% interval)"


def test_a_difference_whose_interval_excludes_zero_never_reads_as_holding_it():
    """The report's cell read "+0.5 [+0.0, +1.0]" for a paired interval from +0.03 to +1.0 points that the sentences call a rise."""
    row = {"policy": "none", "lever_cost": 0.0}
    for m in ("shelved", "collapse", "failure"):
        row |= {m: 0.003, f"{m}_low": 0.001, f"{m}_high": 0.007}
    lever = dict(row, policy="continuity_plan")
    for m in ("shelved", "collapse", "failure"):
        lever |= {f"{m}_difference": 0.005, f"{m}_difference_low": 0.0003, f"{m}_difference_high": 0.0097}
    _, rows = _comparison_rows(pd.DataFrame([row, lever]))
    assert rows[1][5] == "+0.5 [+0.03, +1.0]"


def test_a_lever_cost_that_is_not_zero_reads_the_same_in_both_tables():
    """The page's table of chances gave a lever costing GBP 0.001 m as 0.00, its money table as 0.001 (sim-compare with
    levers.continuity_plan.cost_upfront=0.001 levers.continuity_plan.cost_per_year=0): both now read 0.001."""
    row = {"policy": "none", "lever_cost": 0.0, "net_savings": 2.0, "net_savings_low": 1.5, "net_savings_high": 2.5}
    for m in ("shelved", "collapse", "failure"):
        row |= {m: 0.1, f"{m}_low": 0.08, f"{m}_high": 0.12}
    lever = dict(row, policy="continuity_plan", lever_cost=0.001, net_savings_difference=0.06, net_savings_difference_low=0.03)
    lever |= {"net_savings_difference_high": 0.09} | {f"{m}_difference{end}": 0.0 for m in ("shelved", "collapse", "failure") for end in ("", "_low", "_high")}
    frame = pd.DataFrame([row, lever])
    assert [r[-1] for r in _comparison_rows(frame)[1]] == ["0.00", "0.001"]
    assert [r[1] for r in _comparison_money(frame)[1]] == ["0.00", "0.001"]


def test_the_money_table_carries_each_figures_total_interval_and_says_which_is_which():
    """With parameter draws the page's money table gave net savings 0.77 to 1.25 under '95% interval' alone, where the run's
    total interval was -0.03 to 2.50 (sim-run replications=400, the default posterior): now beside it, as the outcomes' are."""
    net = {"value": 1.01, "low": 0.77, "high": 1.25, "total": {"low": -0.03, "high": 2.5}, "parameter_share": 0.98}
    lever = {"value": 0.0, "low": 0.0, "high": 0.0, "total": {"low": 0.0, "high": 0.0}, "parameter_share": 0.0}
    page = _money({"horizon_months": 120, "savings": {"net_savings": net, "lever_cost": lever}})
    assert "<th>95% interval (simulation noise)</th><th>total interval (with parameter uncertainty)</th>" in page
    assert "<td>0.77 to 1.25</td><td>-0.03 to 2.50</td>" in page and "<td>0.00 to 0.00</td><td>not detected</td>" in page
    plain = _money({"horizon_months": 120, "savings": {"net_savings": {"value": 1.01, "low": 0.77, "high": 1.25}}})
    assert "total interval" not in plain and "<td>0.77 to 1.25</td></tr>" in plain


def test_the_provenance_names_the_posterior_sample_a_run_drew_from():
    """The page's provenance named no posterior: its resolved configuration shows posterior null under the default sample, and
    summary.json's uncertainty.posterior (the file) and posterior_sha256 (its digest) stayed off the page."""
    drawn = {"run": {"seed": 0}, "uncertainty": {"mode": "posterior", "posterior": "/p/0.2.3.parquet", "posterior_sha256": "ab" * 32}}
    assert f"<td>posterior sample</td><td>/p/0.2.3.parquet (SHA-256 {'ab' * 32})</td>" in _provenance(drawn)
    assert "posterior sample" not in _provenance({"run": {"seed": 0}, "uncertainty": {"mode": "prior", "posterior": None}})


def test_the_provenance_gives_the_posterior_samples_effective_size_beside_its_digest():
    """A run drawing from a sample worth a few points showed only its file and digest: how many points it is worth is beside them."""
    u = {"mode": "posterior", "posterior": "/p/small.csv", "posterior_sha256": "ab" * 32, "posterior_rows": 6, "posterior_effective_size": 1.51}
    expected = f"<td>posterior sample</td><td>/p/small.csv (SHA-256 {'ab' * 32}; effective sample size 2 of 6 rows)</td>"
    assert expected in _provenance({"run": {"seed": 0}, "uncertainty": u})


def test_the_uncertainty_section_notes_a_posterior_worth_few_points_as_the_run_printed_it():
    """A page from a run drawing 16 draws from a posterior worth 2 points gave its total intervals with no word that they are understated."""
    u = {"mode": "posterior", "posterior": "/p/small.csv", "posterior_rows": 6, "posterior_effective_size": 1.51}
    note = _small_posterior(u, 16)
    assert note.startswith("<p class=note>Note: posterior = &#x27;/p/small.csv&#x27; is worth about 2 equally weighted points")
    assert "its 16 parameter draws repeat those few points, so this run&#x27;s total intervals understate the spread" in note
    assert _small_posterior(u | {"posterior_effective_size": 40.0, "posterior_rows": 40}, 16) == ""
    assert _small_posterior({"mode": "prior", "posterior": None}, 16) == ""
    assert _small_posterior({"mode": "posterior", "posterior": "/p/old.csv", "posterior_sha256": "ab" * 32}, 16) == ""  # written before the size was


def test_a_page_defines_the_words_a_printout_defines_from_one_merge():
    """sim-report's word list put the outcome words and the terms together itself (``_words(definitions, defined)``) where
    summary.words takes a flag for the terms of a run with draws: both now list sim.analysis.summary.meanings."""
    import html
    import re

    from sim.analysis.comparison import COMPARISON_WORDS
    from sim.analysis.summary import DRAWN_TERMS, meanings, words
    from sim.results.report import _words

    for definitions, drawn in ((None, False), (COMPARISON_WORDS, True)):
        items = meanings(definitions, drawn)
        assert (set(DRAWN_TERMS) <= set(items)) is drawn
        assert words(definitions, drawn)[1:] == [f"  {name:<16}{meaning}" for name, meaning in items.items()]
        assert re.findall("<dt>(.*?)</dt>", _words(items)) == [html.escape(name) for name in items]


def test_a_sweeps_page_looks_for_a_points_file_once_per_folder_however_many_files_lie_below_it(tmp_path, monkeypatch):
    """_in_point asked every parent of every file whether it held a point.json (files x depth on a big sweep): each folder was then
    asked once, and now none is: the points are read off the folder's walk that _other_files makes anyway."""
    from pathlib import Path

    from sim.results.files import POINT
    from sim.results.report import Report, _other_files

    for k in range(3):
        (tmp_path / f"p{k}").mkdir()
        (tmp_path / f"p{k}" / POINT).write_text("{}")
        (tmp_path / f"p{k}" / "a" / "b").mkdir(parents=True)
        for name in ("one", "two", "three"):
            (tmp_path / f"p{k}" / "a" / "b" / f"{name}.png").write_bytes(b"")
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "figure.svg").write_text("<svg/>")
    asked = []
    is_file = Path.is_file
    monkeypatch.setattr(Path, "is_file", lambda self: (asked.append(self) if self.name == POINT else None) or is_file(self))
    report = Report("sweep")
    _other_files(tmp_path, report)
    assert len(asked) == len(set(asked)), sorted(map(str, asked))
    assert asked == [], "the points are read off the walk, not asked of the disk again"
    shown = "".join(report.sections)
    assert "other/figure" in shown and "p0/a/b" not in shown, "a point's own figures are left out, as before"


def test_no_money_figure_that_is_not_zero_reads_as_minus_zero():
    """sim-report of sim-compare scenario=case06_district_county (replications=300, seed=3) gave the no-lever row's net savings of
    GBP -0.0008 m as '-0.00 [-0.21, 0.21]', where sim-compare itself prints '-0.001' (summary.amount): the page now does too."""
    row = {"policy": "none", "lever_cost": 0.0, "net_savings": -0.0008, "net_savings_low": -0.21, "net_savings_high": 0.21}
    lever = dict(row, policy="staged_scope", lever_cost=0.0004, net_savings=0.012)
    lever |= {"net_savings_difference": 0.0128, "net_savings_difference_low": -0.06, "net_savings_difference_high": 0.09}
    headings, rows = _comparison_money(pd.DataFrame([row, lever]))
    assert headings[3] == "net savings compared with no lever (paired 95% interval)"
    assert rows[0] == ["No lever", "0.00", "-0.001 [-0.21, 0.21]", ""]
    assert rows[1][1:3] == ["0.0004", "0.01 [-0.21, 0.21]"]
    page = _money({"horizon_months": 120, "savings": {"net_savings": {"value": -0.0008, "low": -0.003, "high": 0.0014}}})
    assert "<td class=n>-0.001</td><td>-0.003 to 0.001</td>" in page


def test_the_reports_tables_of_causes_and_triggers_add_up_to_their_heading():
    """sim-report showed the leading eight causes and triggers of a table, so its counts fell short of its heading and
    nothing said so, where sim-run's printed table ends with a row for the rest (sim.analysis.summary.left_out)."""
    import re

    from sim.analysis.summary import Tally
    from sim.config.scenarios import load
    from sim.frontends.runner import Sinks, fixed, run_blocks
    from sim.results.report import _causes_tables

    tally = Tally(120)
    run_blocks(load("baseline", "none"), 8, fixed(800, 400), Sinks(tables=(tally,)))
    summary = tally.summary()
    assert sum(item["count"] > 0 for item in summary["causes_of_failure"]) > 8, "the run has causes beyond the eight shown"
    for table in _causes_tables(summary).split("<h3>")[1:]:
        total = int(table.split()[3].replace(",", ""))  # Cause of the 129 collapses, Cause of all 530 failures
        counts = [int(cells[-1]) for cells in (re.findall(r"<td[^>]*>([^<]*)</td>", row) for row in table.split("<tr>")[2:]) if cells]
        assert sum(counts) == total, table
    assert re.search(r"\d+ other causes?<", _causes_tables(summary))


def test_the_pages_money_table_gives_what_a_lever_costs_beyond_a_lever_and_its_cost_per_point_as_sim_compare_does():
    """report.html's money table (sim-report on a sim-compare folder against continuity plan) gave each lever's whole cost and its net
    savings only: what it costs beyond continuity plan (lever_cost_difference, what buys its points) and its cost per point of collapse
    avoided were in the sentence and the forest plot's panel, not in the table beside the cost."""
    from sim.analysis.comparison import compare_policies, lever_values

    n = 1000

    def lever(saved: int, cost: float) -> pd.DataFrame:
        outcomes = ["sustained"] * saved + ["collapsed"] * (n - saved)
        return pd.DataFrame({"rep": range(n), "outcome": outcomes, "lever_cost": cost, "net_savings": 0.0})

    frame = compare_policies(
        {"continuity_plan": lever(0, 1.0), "staged_scope": lever(100, 1.2), "open_motivations": lever(50, 0.5), "market_testing": lever(0, 1.1)}
    )
    headings, rows = _comparison_money(frame)
    assert headings[1:4] == [
        "lever cost (GBP m)",
        "cost beyond continuity plan (GBP m, paired 95% interval)",
        "per point of collapse avoided (GBP m, 95% interval)",
    ]
    staged = lever_values(frame)[0]
    assert [r[2:4] for r in rows] == [
        ["", ""],
        ["+0.20 [+0.20, +0.20]", f"0.020 [{staged.low:.3f}, {staged.high:.3f}]"],
        ["-0.50 [-0.50, -0.50]", "dominates"],
        ["+0.10 [+0.10, +0.10]", "-"],
    ]
    against_none = compare_policies({"none": lever(0, 0.0), "staged_scope": lever(100, 0.2)})
    headings, rows = _comparison_money(against_none)
    assert headings[1:3] == ["lever cost (GBP m)", "per point of collapse avoided (GBP m, 95% interval)"] and rows[1][2].startswith("0.020 [")
