"""Counterfactual attribution: each failure run again with one mechanism (or outside process) switched off, on the same random numbers."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import OFF, assert_same_state, make_config

from sim import population
from sim.analysis.attribution import PROCESSES, Attribution, render
from sim.config.model import model_config
from sim.config.scenarios import load
from sim.core import kernel
from sim.core.layout import layout
from sim.core.state import COLLAPSED, SHELVED, SUSTAINED

SEED = 3


def run(cfg, reps: int = 1, seed: int = SEED):
    index = np.arange(reps, dtype=np.int64)
    return kernel.run(population.build(cfg, seed, index), index, seed)


def only(name: str, **params) -> dict:
    return {**OFF, name: {"enabled": True, **params}}


def insolvent_venture():
    """A venture whose guarantees end after 6 months and whose reserves then run out: case 05 alone, nothing from outside."""
    return make_config(
        mechanisms=only("case05", reserve_months=3, market_noise=0.0),
        partnership={"governance": "commercial_venture", "market_volume": 0.0, "approval_months": 1, "horizon_months": 60},
        columns={"guarantee": [1.0, 1.0], "guarantee_months": [6, 6]},
    )


def test_a_mechanism_that_never_acted_changes_nothing_when_switched_off():
    """Case 05 acts only in commercial ventures: in a joint committee, switched off or not, every replication is the same to the bit."""
    cfg = make_config(k=3, quiet=False, partnership={"horizon_months": 60})
    raw = cfg.to_dict()
    raw["mechanisms"]["case05"]["enabled"] = False
    on, off = run(cfg, reps=24), run(model_config(raw), reps=24)
    c = layout().cause_index["case05_commercial_venture"]
    assert not on.value_lost[c].any() and not on.savings_lost[c].any()
    assert_same_state(on, off)
    attribution = Attribution(cfg, SEED)
    failed = np.flatnonzero(np.isin(on.partnership["outcome"], [1, 2, 3]))
    assert len(failed) and not attribution._relevant(on, "case05", failed).any()


def test_a_failure_caused_only_by_a_mechanism_is_saved_when_it_is_off():
    cfg = insolvent_venture()
    s = run(cfg)
    assert (s.partnership["outcome"][0], s.partnership["end_cause"][0]) == (COLLAPSED, layout().cause_index["case05_commercial_venture"])
    attribution = Attribution(cfg, SEED)
    attribution.add(s)
    assert (attribution.failures, attribution.collapses) == (1, 1)
    assert attribution.necessary["case05"] == 1 and attribution.necessary_collapse["case05"] == 1
    assert sum(attribution.necessary.values()) == 1
    # only what could have mattered was run again: case 05 and the mechanisms that write shared state, no outside process
    assert attribution.reruns == 1 + sum(bool(m.shares) for m in layout().mechanisms if m.name != "case05")
    report = attribution.report()
    top = report["necessary"][0]
    assert top["switch"] == "case05" and top["share_of_failures"] == 1.0 and top["share_of_collapses"] == 1.0
    assert "Necessary causes" in render(report) and top["title"][:40] in render(report)
    # run again without case 05 by hand: the venture goes on
    raw = cfg.to_dict()
    raw["mechanisms"]["case05"]["enabled"] = False
    assert run(model_config(raw)).partnership["outcome"][0] == SUSTAINED


def test_a_shelving_caused_only_by_the_decision_process_is_saved_when_it_is_off():
    cfg = make_config(mechanisms=only("case02"), decisions={"approval_base": -10.0, "give_up": 1.0}, partnership={"horizon_months": 36})
    s = run(cfg)
    assert s.partnership["outcome"][0] == SHELVED
    attribution = Attribution(cfg, SEED)
    attribution.add(s)
    assert attribution.necessary["case02"] == 1 and attribution.collapses == 0
    assert "share_of_collapses" not in attribution.report()["necessary"][0]


@pytest.fixture(scope="module")
def baseline_attribution():
    cfg = load("baseline", "none", ["partnership.horizon_months=60"])
    reps = np.arange(80, dtype=np.int64)
    s = kernel.run(population.build(cfg, 7, reps), reps, 7)
    attribution = Attribution(cfg, 7)
    attribution.add(s)
    return s, attribution


def test_counterfactual_shares_are_in_0_1_with_intervals(baseline_attribution):
    s, attribution = baseline_attribution
    report = attribution.report()
    failures = int(np.isin(s.partnership["outcome"], [1, 2, 3]).sum())
    assert report["failures"] == failures > 0 and report["collapses"] == int((s.partnership["outcome"] == COLLAPSED).sum())
    assert {row["switch"] for row in report["necessary"]} == {m.name for m in layout().mechanisms} | set(PROCESSES)
    for row in report["necessary"]:
        assert 0 <= row["failures"] <= failures and 0 <= row["collapses"] <= report["collapses"]
        assert 0.0 <= row["low"] <= row["share_of_failures"] <= row["high"] <= 1.0
        if report["collapses"]:
            assert 0.0 <= row["collapses_low"] <= row["share_of_collapses"] <= row["collapses_high"] <= 1.0
    counts = [row["failures"] for row in report["necessary"]]
    assert counts == sorted(counts, reverse=True) and counts[0] > 0
    assert 0 < report["reruns"] <= failures * len(report["necessary"])


def test_the_attribution_is_the_same_however_the_reruns_are_shared_out(baseline_attribution):
    s, attribution = baseline_attribution
    threaded = Attribution(attribution.config, 7, workers=2)
    threaded.add(s)
    assert threaded.necessary == attribution.necessary and threaded.necessary_collapse == attribution.necessary_collapse


def test_an_outside_process_is_rerun_only_where_it_reached_a_council(baseline_attribution):
    s, attribution = baseline_attribution
    rows = np.flatnonzero(np.isin(s.partnership["outcome"], [1, 2, 3]))
    for switch, (_, flags) in PROCESSES.items():
        np.testing.assert_array_equal(attribution._relevant(s, switch, rows), (s.council["felt"][rows] & flags).any(axis=1))


def test_a_long_title_is_cut_with_an_ellipsis_keeping_its_source_as_the_summary_does():
    """The table cut titles at 62 characters mid-word with no mark and lost their source ("... no commercia",
    "... (Guide 08 prob"), where the summary's tables above it keep the source after an ellipsis."""
    title = "Local authority trading company: maturity gap and no commercial capability (case 04)"
    report = {"failures": 1, "reruns": 1, "seconds": 0.1, "collapses": 1, "necessary": [{"title": title, "share_of_failures": 1.0, "share_of_collapses": 1.0}]}
    row = render(report).splitlines()[2]
    assert row.startswith("  Local authority trading company: maturity gap and n… (case 04)  ")
    assert len(row[2:].split("  ")[0]) <= 62
