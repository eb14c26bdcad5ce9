"""The run summary: figures on a hand-built table, their rendering, and the same summary whatever the blocks."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from sim.analysis.stats import wilson
from sim.analysis.summary import SUMMARY_COLUMNS, Tally, render, summarise
from sim.config.scenarios import load
from sim.core import triggers
from sim.frontends.ensemble import run_ensemble, simulate
from sim.frontends.runner import Sinks, fixed, run_blocks
from sim.frontends.table import Table
from sim.results.files import write_json


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    """Ten partnerships over 120 months: 2 shelved, 3 collapsed (months 20, 30, 70), 1 underperforming, 4 sustained; 8 launched, 5 of them lost a council."""
    outcome = ["shelved", "shelved", "collapsed", "collapsed", "collapsed", "underperforming", *["sustained"] * 4]
    cause = ["case02_decision_slippage", "case02_decision_slippage", "case03_misaligned_aspirations", "case03_misaligned_aspirations", "political_control"]
    cause += ["legacy_it", *["none"] * 4]
    trigger = ["repeated_slippage", "concern_surfaced", "budget_setting", "partner_left", "election", *["none"] * 5]
    return pd.DataFrame(
        {
            "rep": np.arange(10),
            "outcome": pd.Categorical(outcome, categories=["shelved", "collapsed", "underperforming", "sustained"]),
            "end_month": [9, 15, 20, 30, 70, 120, 120, 120, 120, 120],
            "cause": cause,
            "trigger": trigger,
            "case": ["02", "02", "03", "03", "exogenous", "Getting IT right", "", "", "", ""],
            "launch_month": [-1, -1, *[10] * 8],
            "exits": [0, 0, 2, 1, 2, 1, 0, 0, 0, 1],
            "business_case": np.full(10, 10.0),
            "realised_savings": np.arange(10, dtype=float),
            "investment_cost": np.ones(10),
            "lever_cost": np.full(10, 0.5),
            "other_cost": np.zeros(10),
            "net_savings": np.arange(10, dtype=float) - 1.5,
        }
    )


def test_outcome_shares_and_collapse_timing(table):
    s = summarise(table, horizon=120)
    assert {o: d["count"] for o, d in s["outcomes"].items()} == {"shelved": 2, "collapsed": 3, "underperforming": 1, "sustained": 4}
    assert s["outcomes"]["collapsed"]["low"] == wilson(3, 10).low
    within = s["collapse_within"]
    assert [within[k]["value"] for k in ("2 years", "5 years", "10 years")] == pytest.approx([0.1, 0.2, 0.3])
    assert within["10 years"]["value"] == pytest.approx(s["outcomes"]["collapsed"]["value"])
    assert s["median_months_to_collapse"]["value"] is None


def test_causes_with_counts_intervals_and_cases(table):
    s = summarise(table, horizon=120)
    failures = s["causes_of_failure"]
    assert [(c["cause"], c["count"], c["case"]) for c in failures][:2] == [("case02_decision_slippage", 2, "02"), ("case03_misaligned_aspirations", 2, "03")]
    assert sum(c["count"] for c in failures) == 6
    assert failures[0]["low"] == wilson(2, 6).low
    assert [c["count"] for c in s["causes_of_collapse"]] == [2, 1]
    assert s["causes_of_collapse"][1]["case"] == "exogenous"


def test_triggers_of_failure_and_collapse(table):
    s = summarise(table, horizon=120)
    collapse = s["triggers_of_collapse"]
    assert [(c["trigger"], c["count"]) for c in collapse] == [("budget_setting", 1), ("election", 1), ("partner_left", 1)]
    assert collapse[0]["title"] == "The annual budget setting" and collapse[0]["low"] == wilson(1, 3).low
    failure = {c["trigger"]: c["count"] for c in s["triggers_of_failure"]}
    assert failure == {"budget_setting": 1, "election": 1, "partner_left": 1, "repeated_slippage": 1, "concern_surfaced": 1, "none": 1}
    assert next(c for c in s["triggers_of_failure"] if c["trigger"] == "none")["title"].startswith("No decision")


def test_a_trigger_title_keeps_the_capitals_of_its_words(table):
    deepen = table.assign(trigger=[triggers.LABELS[6], *table["trigger"].iloc[1:]])
    titles = {c["trigger"]: c["title"] for c in summarise(deepen, horizon=120)["triggers_of_failure"]}
    assert titles[triggers.LABELS[6]] == "A proposal to deepen sharing beyond IT"


def test_councils_that_left_and_realised_over_plan_among_launched_partnerships(table):
    s = summarise(table, horizon=120)
    left = s["council_left"]
    assert (left["launched"], left["count"]) == (8, 5) and left["value"] == pytest.approx(5 / 8) and left["low"] == wilson(5, 8).low
    dist = s["realised_over_plan_distribution"]
    # launched partnerships realised 2 .. 9 of a business case of 10
    assert dist["launched"] == 8 and dist["share_below"]["0.50"] == pytest.approx(3 / 8) and dist["share_below"]["1.00"] == 1.0
    assert 0.5 <= dist["quantiles"]["q50"] <= 0.65 and dist["bin_width"] == 0.05


def test_money_means_and_realised_over_business_case(table):
    money = summarise(table, horizon=120)["savings"]
    assert money["realised_savings"]["value"] == pytest.approx(4.5)
    assert money["lever_cost"]["value"] == pytest.approx(0.5)
    assert money["realised_over_business_case"]["value"] == pytest.approx(0.45)


def test_short_horizon_and_reached_median():
    table = pd.DataFrame(
        {
            "outcome": ["collapsed"] * 3 + ["sustained"],
            "end_month": [5, 10, 20, 36],
            "cause": ["political_control"] * 3 + ["none"],
            "trigger": ["election"] * 3 + ["none"],
            "launch_month": [1] * 4,
            "exits": [1, 1, 1, 0],
            **{c: np.ones(4) for c in ("business_case", "realised_savings", "investment_cost", "lever_cost", "other_cost", "net_savings")},
        }
    )
    s = summarise(table, horizon=36)
    assert s["collapse_within"]["5 years"] is None and s["collapse_within"]["10 years"] is None
    assert s["median_months_to_collapse"]["value"] == 10
    text = render(s)
    assert "beyond the horizon" in text
    assert "Median months to collapse: 10" in text


def test_render_has_every_part_of_the_table(table):
    text = render(summarise(table, horizon=120))
    for part in ("Outcome of all 10 partnerships", "Collapse within", "2 years", "not reached", "Cause of all 6 failures", "case 02", "Money per partnership"):
        assert part in text
    assert "realised / business case" in text


def test_a_summary_prints_and_displays_as_its_text_and_stays_a_dict(table):
    """A notebook user's ``sim.run(...)`` or ``print(summary)`` showed a page of raw dict."""
    s = summarise(table, horizon=120)
    text = render(s)
    assert isinstance(s, dict) and s["replications"] == 10
    assert str(s) == text and "Outcome of all 10 partnerships" in str(s)
    assert s._repr_markdown_() == f"```\n{text}\n```"
    assert repr(s) == repr(dict(s))
    shown: list[str] = []
    s._repr_pretty_(type("Printer", (), {"text": lambda self, t: shown.append(t)})(), cycle=False)
    assert shown == [text]
    assert json.loads(json.dumps(s)) == json.loads(json.dumps(dict(s)))


def test_summary_is_strict_json(table, tmp_path):
    write_json(tmp_path / "s.json", summarise(table, horizon=120))
    data = json.loads((tmp_path / "s.json").read_text())
    assert data["median_months_to_collapse"]["value"] is None


@pytest.fixture(scope="module")
def baseline():
    return load("baseline", "none", ["partnership.horizon_months=48"])


class Collect:
    """A table sink keeping every block."""

    def __init__(self) -> None:
        self.blocks: list[Table] = []

    def write(self, table: Table) -> None:
        self.blocks.append(table)


def test_same_seed_same_rows_in_one_block_or_many(baseline):
    whole = run_ensemble(baseline, 300, seed=5, uncertainty="none")[list(SUMMARY_COLUMNS)]
    for block_size in (300, 64, 7):
        rows = Collect()
        run = run_blocks(baseline, 5, fixed(300, block_size), Sinks(tables=(rows,)))
        pd.testing.assert_frame_equal(Table.concat(rows.blocks).select(SUMMARY_COLUMNS).to_pandas(), whole)
        assert sum(run.block_sizes) == 300


def test_summary_of_a_run_agrees_with_its_outcome_shares(baseline):
    table = run_ensemble(baseline, 400, seed=2, uncertainty="none")
    s = summarise(table, horizon=48)
    assert s["collapse_within"]["2 years"]["value"] == pytest.approx(np.mean((table["outcome"] == "collapsed") & (table["end_month"] <= 24)))
    assert s["collapse_within"]["10 years"] is None
    assert s["replications"] == 400


def tallies(config, seed: int, replications: int, block_sizes) -> dict[int, dict]:
    """The summary of the same run by block size (the Tally as the block runner's sink)."""
    out = {}
    for block_size in block_sizes:
        tally = Tally(int(config.partnership.horizon_months))
        run_blocks(config, seed, fixed(replications, block_size), Sinks(tables=(tally,)))
        out[block_size] = tally.summary()
    return out


def leaves(value, path=""):
    """``path -> value`` for every number of a summary."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from leaves(item, f"{path}.{key}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from leaves(item, f"{path}[{i}]")
    else:
        yield path, value


@pytest.fixture(scope="module")
def by_block(baseline):
    return tallies(baseline, 5, 300, (300, 64, 7, 1))


def test_the_tally_summary_is_identical_whatever_the_block_split(by_block):
    assert all(summary == by_block[300] for summary in by_block.values())


def test_the_tally_counts_curve_and_causes_are_identical_whatever_the_block_split_and_money_agrees_closely(by_block):
    reference = dict(leaves(by_block[300]))
    for block_size, summary in by_block.items():
        found = dict(leaves(summary))
        assert found.keys() == reference.keys()
        for path, value in reference.items():
            if path.startswith(".savings."):
                assert found[path] == pytest.approx(value, rel=1e-12, abs=1e-15), (block_size, path)
            else:
                assert found[path] == value or (value != value and found[path] != found[path]), (block_size, path)


def test_the_tally_takes_tables_and_dataframes_alike(baseline, table):
    reps = np.arange(200)
    block = simulate(baseline, reps, 3)
    from_table, from_frame = Tally(48), Tally(48)
    from_table.write(block)
    from_frame.write(block.to_pandas())
    assert from_table.summary() == from_frame.summary() == summarise(block, horizon=48) == summarise(block.to_pandas(), horizon=48)
    assert summarise(block)["horizon_months"] == int(block.columns["end_month"].max())
    hand = Tally(120)
    hand.write(table)
    assert hand.summary() == summarise(table, horizon=120)


def test_the_tally_refuses_nothing_to_summarise_and_collapses_after_the_horizon(table):
    with pytest.raises(ValueError, match="no replications"):
        Tally(120).summary()
    empty = Tally(120)
    empty.write(table.iloc[:0])
    assert empty.n == 0
    with pytest.raises(ValueError, match="horizon"):
        Tally(60).write(table)
