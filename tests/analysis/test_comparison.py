"""Paired comparison of policies on common random numbers, accumulated block by block."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from support.reference import compare_paired

from sim.analysis.comparison import MEASURES, PairedTally, compare_policies, render, run_comparison
from sim.analysis.stats import wilson
from sim.config.scenarios import load
from sim.frontends.ensemble import run_ensemble
from sim.frontends.runner import simulate_mesa

POLICIES = ("none", "continuity_plan", "all_levers")


@pytest.fixture(scope="module")
def configs():
    return {p: load("baseline", p, ["partnership.horizon_months=48"]) for p in POLICIES}


@pytest.fixture(scope="module")
def tables(configs):
    return {p: run_ensemble(c, 400, 3, uncertainty="none") for p, c in configs.items()}


def test_each_policy_is_compared_with_the_first_on_the_same_replications(tables):
    frame = compare_policies(tables)
    assert frame["policy"].tolist() == list(POLICIES) and (frame["replications"] == 400).all()
    reference = tables["none"]["outcome"].astype(str).to_numpy()
    for i, policy in enumerate(POLICIES):
        row = frame.iloc[i]
        outcome = tables[policy]["outcome"].astype(str).to_numpy()
        for measure, event in MEASURES.items():
            e = wilson(int(event(outcome).sum()), 400)
            assert (row[measure], row[f"{measure}_low"], row[f"{measure}_high"]) == pytest.approx((e.value, e.low, e.high))
            if i == 0:
                assert np.isnan(row[f"{measure}_difference"]) and row[f"{measure}_only_policy"] == 0
                continue
            c = compare_paired(event(reference), event(outcome))
            assert (row[f"{measure}_difference"], row[f"{measure}_difference_low"]) == pytest.approx((c.paired.value, c.paired.low))
            assert (row[f"{measure}_only_reference"], row[f"{measure}_only_policy"]) == (c.only_a, c.only_b)
            assert row[f"{measure}_p_value"] == pytest.approx(c.p_value)
            assert row[f"{measure}_narrower"] == pytest.approx(1 - c.width_ratio)
        assert row["net_savings"] == pytest.approx(tables[policy]["net_savings"].mean())
    assert frame.loc[2, "lever_cost"] > frame.loc[1, "lever_cost"] > 0 == frame.loc[0, "lever_cost"]
    text = render(frame)
    assert "Chance of each outcome" in text and "(reference)" in text and "  Continuity plan  " in text and "continuity_plan" not in text
    assert "P(collapse)" in render(frame, detail=True)


def test_run_comparison_in_blocks_gives_the_comparison_of_the_whole_tables(configs, tables):
    whole = compare_policies(tables)
    for block_size in (400, 150):
        done: list[int] = []
        frame = run_comparison(configs, 3, 400, block_size=block_size, on_block=done.append).frame()
        assert done[-1] == 400 and len(done) == -(-400 // block_size)
        counts = [c for c in whole.columns if c.endswith(("only_reference", "only_policy")) or c == "replications"]
        pd.testing.assert_frame_equal(frame[counts], whole[counts])
        pd.testing.assert_frame_equal(frame, whole, check_exact=False, rtol=1e-10)


def test_the_mesa_engine_gives_the_same_comparison(configs):
    two = {p: configs[p] for p in POLICIES[:2]}
    ensemble = run_comparison(two, 8, 4).frame()
    mesa = run_comparison(two, 8, 4, engine=simulate_mesa).frame()
    pd.testing.assert_frame_equal(mesa, ensemble)


def test_tables_of_other_replications_are_refused(tables):
    tally = PairedTally(["none", "continuity_plan"])
    with pytest.raises(ValueError, match="same replications"):
        tally.add({"none": tables["none"].iloc[:10], "continuity_plan": tables["continuity_plan"].iloc[10:20]})


def test_first_place_words_read_a_ranking_read_back_from_json_where_nan_shares_are_null():
    """summary.json keeps a lever's nan 'ranked first' share as null: sim-report on a comparison over draws stopped with a TypeError."""
    from sim.analysis.comparison import _first_place_words

    assert _first_place_words({"best": {"continuity_plan": None, "open_motivations": None}, "unclear": "noise"}) == ""
    assert "not settled" in _first_place_words({"best": {"continuity_plan": 0.6, "open_motivations": None}, "unclear": "noise"})
