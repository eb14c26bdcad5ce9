"""Policies compared over parameter draws: total intervals, each lever's effect across draws, and how often their ranking changes."""

from __future__ import annotations

from statistics import NormalDist

import numpy as np
import pandas as pd
import pytest

from sim.analysis.comparison import (
    EFFECT_COLUMNS,
    EFFECT_QUANTILES,
    MEASURES,
    NO_SPREAD_NOTE,
    PairedTally,
    _supported,
    _supported_shares,
    _tie_unchanged,
    effect_spread,
    render,
    render_uncertainty,
    run_comparison,
)
from sim.analysis.summary import DRAWN_TERMS, TERMS
from sim.config.scenarios import load
from sim.config.uncertainty import uncertainty

M = 20
DRAWS = 30


def _table(kept: list[float], m: int = M) -> pd.DataFrame:
    """A policy's replications: in draw d, the first ``kept[d] * m`` replications are sustained and the rest collapse."""
    rows = []
    for d, share in enumerate(kept):
        for i in range(m):
            rows.append({"rep": d * m + i, "draw": d, "outcome": "sustained" if i < round(share * m) else "collapsed", "lever_cost": 0.0, "net_savings": 0.0})
    return pd.DataFrame(rows)


def _tally(a: list[float], b: list[float]) -> PairedTally:
    tally = PairedTally(["none", "a", "b"])
    tables = {"none": _table([0.0] * DRAWS), "a": _table(a), "b": _table(b)}
    half = DRAWS * M // 2 + 7
    tally.add({name: t.iloc[:half] for name, t in tables.items()})
    tally.add({name: t.iloc[half:] for name, t in tables.items()})
    return tally


def test_a_ranking_that_holds_in_every_draw_is_reported_as_stable():
    tally = _tally([0.5] * DRAWS, [0.2] * DRAWS)
    ranking = tally.ranking("collapse")
    assert ranking["order"] == ["a", "b"] and ranking["draws"] == DRAWS
    assert ranking["same_ranking"] == 1.0 and ranking["raw_same_ranking"] == 1.0
    assert ranking["best"] == {"a": 1.0, "b": 0.0}
    frame = tally.frame()
    a = frame.set_index("policy").loc["a"]
    assert a["collapse_difference"] == pytest.approx(-0.5)
    assert a["collapse_difference_parameter_share"] == 0.0
    assert a["collapse_difference_q05"] == pytest.approx(-0.5) and a["collapse_difference_q95"] == pytest.approx(-0.5)
    assert a["collapse_difference_helps"] == 1.0 and a["collapse_best_share"] == 1.0


def test_a_ranking_that_swaps_with_the_parameters_is_reported_as_changing():
    a = [0.6 if d % 2 else 0.1 for d in range(DRAWS)]
    tally = _tally(a, [0.3] * DRAWS)
    ranking = tally.ranking("collapse")
    assert ranking["order"] == ["a", "b"] and ranking["tied"] == {"a": [], "b": []}
    assert ranking["same_ranking"] == pytest.approx(0.5, abs=0.05)
    assert ranking["best"]["a"] == pytest.approx(0.5, abs=0.05)
    row = tally.frame().set_index("policy").loc["a"]
    quantiles = [row[f"collapse_difference_q{round(100 * q):02d}"] for q in EFFECT_QUANTILES]
    assert quantiles == sorted(quantiles) and quantiles[0] < -0.45 and quantiles[-1] > -0.2
    assert row["collapse_difference_total_low"] < -0.5 and row["collapse_difference_total_high"] > -0.2
    assert row["collapse_difference_parameter_share"] > 0.9


def test_an_effect_of_unknown_sign_with_no_spread_across_draws_is_not_said_to_help():
    b = [0.05 if d in (3, 17) else 0.0 for d in range(DRAWS)]
    tally = _tally([0.5] * DRAWS, b)
    frame = tally.frame().set_index("policy")
    row = frame.loc["b"]
    assert row["collapse_difference_parameter_share"] == 0.0
    assert row["collapse_difference_total_low"] < 0 < row["collapse_difference_total_high"]
    assert np.isnan(row["collapse_difference_helps"]) and frame.loc["a", "collapse_difference_helps"] == 1.0
    effects = render_uncertainty(tally.frame(), {}, "prior").split("Effect on collapse")[1]
    b_line = next(line for line in effects.splitlines() if line.strip().startswith("B "))
    assert b_line.count("no spread seen") == 1, "said once, under helps in (the middle half shows a dash)"


def test_levers_the_run_cannot_tell_apart_with_no_spread_across_draws_have_no_ranking_share():
    a = [0.05 if d in (3, 17) else 0.0 for d in range(DRAWS)]
    b = [0.05 if d in (5, 11) else 0.0 for d in range(DRAWS)]
    tally = _tally(a, b)
    ranking = tally.ranking("collapse")
    assert np.isnan(ranking["same_ranking"]) and all(np.isnan(share) for share in ranking["best"].values())
    text = render_uncertainty(tally.frame(), {"collapse": ranking}, "prior")
    assert "unclear: the draws show no spread, and the run cannot tell every lever from the next" in text
    assert "not detected" in next(line for line in text.split("Effect on collapse")[1].splitlines() if line.strip().startswith("A "))


def test_two_policies_have_no_ranking_and_no_draws_means_no_uncertainty():
    tally = PairedTally(["none", "a"])
    tally.add({"none": _table([0.0] * 4), "a": _table([0.5] * 4)})
    assert tally.ranking("collapse") is None
    plain = PairedTally(["none", "a"])
    plain.add({name: t.drop(columns="draw") for name, t in {"none": _table([0.0] * 4), "a": _table([0.5] * 4)}.items()})
    assert plain.ranking("collapse") is None
    assert "collapse_difference_total_low" not in plain.frame()
    with pytest.raises(ValueError, match="uncertainty=none"):
        plain.draws("a")


def test_a_comparison_over_draws_runs_every_policy_on_the_same_draws():
    names = ["none", "continuity_plan", "open_motivations"]
    configs = {p: load("baseline", p, ["partnership.horizon_months=48"]) for p in names}
    tally = run_comparison(configs, 2, 120, block_size=50, uncertainty=uncertainty("prior", 10))
    frame = tally.frame()
    assert frame["draws"].tolist() == [12, 12, 12]
    for measure in MEASURES:
        assert np.isnan(frame.loc[0, f"{measure}_difference_total_low"])
        for i in (1, 2):
            low, high = frame.loc[i, f"{measure}_difference_total_low"], frame.loc[i, f"{measure}_difference_total_high"]
            assert low <= frame.loc[i, f"{measure}_difference_low"] + 1e-12 and high >= frame.loc[i, f"{measure}_difference_high"] - 1e-12
        assert tally.ranking(measure) is not None
    text = render_uncertainty(frame, {m: tally.ranking(m) for m in MEASURES}, "prior")
    assert "Every policy ran the same 12 parameter draws; effects are paired differences, compared with no lever." in text  # "from none"
    assert "Ranking of the 2 levers" in text
    assert "Uncertainty: none" in render_uncertainty(frame.drop(columns="draws"), {}, "none")


def test_levers_with_the_same_effect_share_first_place_whatever_order_they_are_listed_in():
    # sim-compare policies=[none,agreed_decision_process,all_levers]: both levers shelved the same replications
    a = [0.6 if d % 2 else 0.1 for d in range(DRAWS)]
    for policies in (["none", "a", "b"], ["none", "b", "a"]):
        tally = PairedTally(policies)
        tally.add({"none": _table([0.0] * DRAWS), "a": _table(a), "b": _table(a)})
        ranking = tally.ranking("collapse")
        assert ranking["best"] == {"a": 0.5, "b": 0.5} and ranking["tied"] == {"a": ["b"], "b": ["a"]}
        assert ranking["same_ranking"] == 1.0 and ranking["raw_same_ranking"] == 1.0
        text = render_uncertainty(tally.frame(), {"collapse": ranking}, "prior")
        assert f"(best first: {policies[1].upper()} = {policies[2].upper()})" in text  # in words, as the sentences name them
        block = text.split("Effect on collapse")[1].split("Effect on ")[0]
        shares = [line.split()[-2] for line in block.splitlines() if line.strip().startswith(("A ", "B "))]
        assert shares == ["50%", "50%"], block


def test_a_noise_corrected_share_stays_within_what_the_draws_support():
    # the halves of every draw agree: no draw's ranking was changed by noise, so the corrected share is the uncorrected one
    assert _supported(0.5, 1.0, 1.0) == 1.0 and _supported(0.5, 0.0, 1.0) == 0.0
    # the halves agree in 90% of draws: noise changed at most e of them, 2 e (1 - e) <= 0.1
    e = (1 - np.sqrt(0.8)) / 2
    assert _supported(0.9, 0.5, 0.9) == pytest.approx(0.5 + e) and _supported(0.52, 0.5, 0.9) == 0.52
    # the halves agree in only 10%: noise could have changed any draw's ranking; the corrected 50% against 0% uncorrected is not supported
    assert np.isnan(_supported(0.5, 0.0, 0.1)) and np.isnan(_supported(0.5, 0.5, np.nan))


def test_ranked_first_shares_are_a_distribution_over_the_levers_ties_split_equally():
    """sim-compare case03 with two levers and 20 replications per draw printed 'ranked first' 91% and 29% for failure: each lever's
    share counted every draw in which it tied for first, so tied levers were each first 100%. A tie now counts half for each
    (a third for three), and the shares of the levers add up to 100%."""
    a = [0.6, 0.3, 0.3] * (DRAWS // 3)  # draws 0, 3, ...: a and b tie for first; 1, 4, ...: b first; 2, 5, ...: a first (or c)
    b = [0.6, 0.5, 0.2] * (DRAWS // 3)
    tally = _tally(a, b)
    ranking = tally.ranking("collapse")
    assert ranking["halves_same_ranking"] == 1.0 and ranking["raw_best"] == pytest.approx({"a": 0.5, "b": 0.5})
    assert ranking["best"] == pytest.approx({"a": 0.5, "b": 0.5})  # was 67% each
    tally = PairedTally(["none", "a", "b", "c"])
    tally.add({"none": _table([0.0] * DRAWS), "a": _table(a), "b": _table(b), "c": _table([0.4] * DRAWS)})
    ranking = tally.ranking("collapse")
    assert ranking["best"] == pytest.approx({"a": 1 / 6, "b": 1 / 6 + 1 / 3, "c": 1 / 3})
    assert tally.frame()["collapse_best_share"].sum() == pytest.approx(1.0)
    text = render_uncertainty(tally.frame(), {"collapse": ranking}, "prior")
    assert "a draw in which levers tie for first counts an equal part for each (half each for two), so the levers' shares add up to 100%" in text


def test_noise_corrected_first_shares_stay_within_what_the_draws_support_and_add_up_to_one():
    e = (1 - np.sqrt(0.8)) / 2  # the halves agree in 90% of draws
    raw = np.array([0.5, 0.3, 0.2])
    shares = _supported_shares(np.array([0.9, 0.1, 0.0]), raw, 0.9)
    assert shares.sum() == pytest.approx(1.0) and np.all(np.abs(shares - raw) <= e + 1e-12)
    assert shares[0] == pytest.approx(0.5 + e), "as close to the corrected shares as the bound allows"
    two = _supported_shares(np.array([0.9, 0.1]), np.array([0.5, 0.5]), 0.9)
    assert two.tolist() == pytest.approx([_supported(0.9, 0.5, 0.9), _supported(0.1, 0.5, 0.9)])
    assert np.isnan(_supported_shares(np.array([0.5, 0.5]), np.array([1.0, 0.0]), 0.1)).all()


def test_a_lever_ahead_in_every_draw_and_every_half_is_ranked_first_in_every_draw():
    # commercial_capability (-9.4 points) and open_motivations (-0.8) were each "ranked first 50%" while every draw and
    # every half put the first ahead: the spread of one lever's effect was not detected, and its shrunk draws (all
    # its mean) crossed the other's, whose spread was
    tally = PairedTally(["none", "a", "b"])
    a = [0.6 if d % 2 else 0.45 for d in range(DRAWS)]
    b = [0.55 if d % 2 else 0.05 for d in range(DRAWS)]
    tally.add({"none": _table([0.0] * DRAWS, 2 * M), "a": _table(a, 2 * M), "b": _table(b, 2 * M)})  # even counts: the halves split each draw evenly
    ranking = tally.ranking("collapse")
    assert ranking["raw_best"] == {"a": 1.0, "b": 0.0} and ranking["halves_same_ranking"] == 1.0
    assert ranking["best"] == {"a": 1.0, "b": 0.0} and ranking["same_ranking"] == 1.0


def test_a_ranking_noise_could_have_changed_in_any_draw_is_unclear():
    rng = np.random.default_rng(5)
    tally = PairedTally(["none", "a", "b", "c"])
    tables = {"none": _table([0.0] * DRAWS)}
    for lever in "abc":  # outcomes at random within each draw: the halves rank the three levers alike by chance only
        table = _table([0.5] * DRAWS)
        table["outcome"] = np.where(rng.random(len(table)) < 0.5, "sustained", "collapsed")
        tables[lever] = table
    tally.add(tables)
    ranking = tally.ranking("collapse")
    assert ranking["halves_same_ranking"] < 0.5
    assert np.isnan(ranking["same_ranking"]) and ranking["unclear"] in ("noise", "no spread")
    text = render_uncertainty(tally.frame(), {"collapse": ranking}, "prior")
    assert "the same in" not in text


def test_ranked_first_is_said_of_the_lowest_chance_not_of_lowering_it_most():
    """Two levers that both raise collapse: the one raising it least was 'ranked first' in every draw while 'helps in' said 0%, under a
    header that defined 'ranked first' as 'the share in which it lowers it most'."""
    tally = PairedTally(["none", "a", "b"])
    tally.add({"none": _table([0.5] * DRAWS), "a": _table([0.4] * DRAWS), "b": _table([0.2] * DRAWS)})
    ranking = tally.ranking("collapse")
    assert ranking["best"]["a"] == 1.0
    text = render_uncertainty(tally.frame(), {"collapse": ranking}, "prior")
    assert "  ranked first: the share in which the chance with it is the lowest of the levers' (it lowers it most, or raises it least)" in text
    assert "the share in which it lowers it most," not in text


def test_every_column_of_the_uncertainty_table_is_said_in_words():
    """'total 95%', 'middle half of draws' and 'from parameters' (with its 'not detected') were printed without a word on what they are."""
    tally = _tally([0.5] * DRAWS, [0.2] * DRAWS)
    text = render_uncertainty(tally.frame(), {"collapse": tally.ranking("collapse")}, "prior")
    header = text.split("Chance of each outcome")[0]
    for words in ("  total 95%: the interval counting both Monte Carlo noise and the doubt", "  middle half of draws: the effect in the middle half",
                  "  from parameters: the share of the effect's spread across draws", "'not detected' where these draws could not tell"):  # fmt: skip
        assert words in header, words


def test_the_uncertainty_tables_are_headed_in_words():
    """Each table was headed "Effect on P(collapse)": notation a committee's reader does not use."""
    tally = _tally([0.5] * DRAWS, [0.2] * DRAWS)
    text = render_uncertainty(tally.frame(), {}, "prior")
    assert "P(" not in text
    assert [line.split()[:3] for line in text.splitlines() if line.startswith("Effect on")] == [["Effect", "on", m] for m in MEASURES]


def test_each_policys_chances_are_printed_with_their_total_interval_and_the_monte_carlo_ones_are_said_to_be_so():
    # sim-compare uncertainty=prior printed each policy's chance of collapse with its Monte Carlo interval only, and said
    # nothing of the total interval it had (comparison.parquet's collapse_total_low, _high)
    tally = _tally([0.5 if d % 2 else 0.1 for d in range(DRAWS)], [0.2] * DRAWS)
    frame = tally.frame()
    text = render_uncertainty(frame, {}, "prior")
    block = text.split("Chance of each outcome")[1].split("Effect on ")[0]
    a_line = next(line for line in block.splitlines() if line.strip().startswith("A "))
    row = frame.set_index("policy").loc["a"]
    assert f"{row['collapse']:6.1%} [{row['collapse_total_low']:6.1%}, {row['collapse_total_high']:6.1%}]" in a_line
    assert "not detected" in next(line for line in block.splitlines() if line.strip().startswith("No lever"))  # it never collapses
    assert "Every other interval is Monte Carlo only, but those marked 'total' and those the sentences quote" in text
    # the note ended 'The money has none per policy.', words a committee could not read: it names the table it means
    assert "Each policy's own net savings (the GBP m table above) have no total interval: only their paired differences do." in text


def test_a_middle_half_of_draws_with_no_spread_seen_is_said_so_not_printed_as_one_point():
    """With no spread across draws beyond Monte Carlo noise, every draw's effect is the mean, and the middle half read
    '[-2.6, -2.6]', as though every draw had been measured at exactly that effect."""
    tally = _tally([0.5] * DRAWS, [0.6 if d % 2 else 0.1 for d in range(DRAWS)])
    effects = render_uncertainty(tally.frame(), {}, "prior").split("Effect on collapse")[1].split("Effect on")[0]
    a_line = next(line for line in effects.splitlines() if line.strip().startswith("A "))
    b_line = next(line for line in effects.splitlines() if line.strip().startswith("B "))
    assert "no spread seen" in a_line and "[-50.0, -50.0]" not in a_line
    assert "no spread seen" not in b_line and b_line.count("[") == 2


def test_no_spread_seen_is_said_once_in_a_row_and_its_dash_under_the_middle_half_is_explained_under_the_table():
    """sim-report's uncertainty table (sim-compare's too) filled 'middle half of draws' and 'helps in' with the same words,
    'no spread seen', twice in a row. The middle half now shows a dash, which a note under the table explains."""
    tally = _tally([0.5] * DRAWS, [0.6 if d % 2 else 0.1 for d in range(DRAWS)])
    effects = "Effect on collapse" + render_uncertainty(tally.frame(), {}, "prior").split("Effect on collapse")[1].split("Effect on")[0]
    lines = effects.splitlines()
    header = lines[0]
    a_line = next(line for line in lines if line.strip().startswith("A "))
    b_line = next(line for line in lines if line.strip().startswith("B "))
    middle = slice(header.index(EFFECT_COLUMNS["middle"]), header.index(EFFECT_COLUMNS["middle"]) + len(EFFECT_COLUMNS["middle"]))
    assert a_line[middle].strip() == "-" and a_line.count("no spread seen") == 1, a_line
    assert "[" in b_line[middle], "a measured spread keeps its middle half"
    assert NO_SPREAD_NOTE in lines and lines.index(NO_SPREAD_NOTE) > lines.index(b_line), "explained under the table"
    measured = render_uncertainty(
        _tally([0.6 if d % 2 else 0.1 for d in range(DRAWS)], [0.5 if d % 5 == 0 else 0.0 for d in range(DRAWS)]).frame(), {}, "prior"
    )
    assert NO_SPREAD_NOTE not in measured.split("Effect on collapse")[1].split("Effect on")[0], "no note where every row has its middle half"


def test_an_effect_whose_spread_across_draws_is_measured_is_never_said_to_show_none():
    """sim-compare case03, 20 replications a draw: agreed decision process's effect on failure read 'no spread seen' under 'middle
    half of draws' and 'helps in' beside 'from parameters 98%': most draws had the same effect (none), so the middle half was one
    value, read as no spread though the draws measured one."""
    b = [0.5 if d % 5 == 0 else 0.0 for d in range(DRAWS)]  # four draws in five: no effect
    frame = _tally([0.5] * DRAWS, b).frame()
    row = frame.set_index("policy").loc["b"]
    assert row["collapse_difference_parameter_share"] > 0 and row["collapse_difference_q25"] < row["collapse_difference_q75"]
    effects = render_uncertainty(frame, {}, "prior").split("Effect on collapse")[1].split("Effect on")[0]
    b_line = next(line for line in effects.splitlines() if line.strip().startswith("B "))
    assert "no spread seen" not in b_line and "not detected" not in b_line
    assert f"{row['collapse_difference_helps']:.0%}" in b_line


def test_helps_in_with_no_spread_seen_is_not_a_share_of_draws():
    """With no spread across draws beyond Monte Carlo noise, 'helps in' printed 100% (the sign of the mean, not a share of
    draws measured), beside 'no spread seen' in the middle half: a committee read it as helping under every assumption."""
    tally = _tally([0.5] * DRAWS, [0.6 if d % 2 else 0.1 for d in range(DRAWS)])
    frame = tally.frame()
    assert frame.set_index("policy").loc["a", "collapse_difference_helps"] == 1.0  # the frame keeps the mean's sign
    text = render_uncertainty(frame, {}, "prior")
    effects = text.split("Effect on collapse")[1].split("Effect on")[0]
    a_line = next(line for line in effects.splitlines() if line.strip().startswith("A "))
    b_line = next(line for line in effects.splitlines() if line.strip().startswith("B "))
    assert a_line.count("no spread seen") == 1 and "100%" not in a_line
    assert "%" in b_line.split("]")[-1], "a lever whose effect spreads across draws keeps its share"
    assert "'no spread seen' where the draws show none beyond Monte Carlo noise, so the share cannot be measured" in text.split("Chance of each")[0]


def test_one_lever_has_no_ranked_first_column():
    """With a single lever 'ranked first' read 'unclear' in every row: there is nothing to rank it against."""
    tally = PairedTally(["none", "a"])
    tally.add({"none": _table([0.0] * DRAWS), "a": _table([0.5 if d % 2 else 0.1 for d in range(DRAWS)])})
    text = render_uncertainty(tally.frame(), {m: tally.ranking(m) for m in MEASURES}, "prior")
    assert "ranked first" not in text and "unclear" not in text
    two = _tally([0.5] * DRAWS, [0.2] * DRAWS)
    assert "ranked first" in render_uncertainty(two.frame(), {}, "prior")


def test_the_uncertainty_section_does_not_call_the_sentences_totals_monte_carlo_only():
    """It said 'Every interval before this section is Monte Carlo only' under sentences quoting net savings' total
    interval, and that this total was only in comparison.parquet: the section now prints it and says which are which."""
    tally = _tally([0.5] * DRAWS, [0.2] * DRAWS)
    frame = tally.frame()
    text = render_uncertainty(frame, {}, "prior")
    assert "Every interval before this section is Monte Carlo only" not in text and "comparison.parquet" not in text
    assert "those the sentences quote 'counting the doubt about the model's assumptions'" in text
    money = text.split("Net savings compared with no lever")[1].splitlines()
    a = frame.set_index("policy").loc["a"]
    assert money[0].split() == ["GBP", "m", "total", "95%"]
    assert money[1].split() == ["A", f"{a['net_savings_difference']:+.2f}",
                                f"[{a['net_savings_difference_total_low']:+5.2f},", f"{a['net_savings_difference_total_high']:+5.2f}]"]  # fmt: skip


def test_a_lever_net_savings_difference_reads_the_same_in_the_money_table_and_the_uncertainty_section():
    """case03, agreed decision process: the money table printed "-0.002 [ -0.05,  +0.05]" and the uncertainty section "-0.00"."""
    frame = _tally([0.5] * DRAWS, [0.2] * DRAWS).frame()
    frame.loc[1, ["net_savings_difference", "net_savings_difference_low", "net_savings_difference_high"]] = [-0.002, -0.05, 0.05]
    frame.loc[1, ["net_savings_difference_total_low", "net_savings_difference_total_high"]] = [-0.05, 0.05]
    money = render(frame).split("GBP m per partnership")[1]
    section = render_uncertainty(frame, {}, "prior").split("Net savings compared with no lever")[1]
    assert "-0.002 [ -0.05,  +0.05]" in money and "-0.002  [-0.05, +0.05]" in section and "-0.00 " not in section


def test_an_unclear_ranking_says_what_its_uncorrected_share_is_and_the_words_are_defined():
    """'unclear: ... (28% uncorrected)' gave a bare share of nothing named; 'Monte Carlo noise' and 'parameter draws' were never defined."""
    a = [0.05 if d in (3, 17) else 0.0 for d in range(DRAWS)]
    b = [0.05 if d in (5, 11) else 0.0 for d in range(DRAWS)]
    tally = _tally(a, b)
    ranking = tally.ranking("collapse")
    text = render_uncertainty(tally.frame(), {"collapse": ranking}, "prior")
    line = next(line for line in text.splitlines() if line.strip().startswith("Ranking of the 2 levers by effect on collapse"))
    assert "uncorrected)" not in line
    assert f"uncorrected for Monte Carlo noise, {ranking['raw_same_ranking']:.0%} of draws rank them this way;" in line
    header = text.split("Chance of each outcome")[0]
    assert "  parameter draw: one set of values of the model's assumptions" in header
    assert "  Monte Carlo noise: simulation noise, how much a figure moves by chance" in header


def test_the_tables_above_the_uncertainty_section_say_their_intervals_are_monte_carlo_only():
    """With parameter draws the chances and differences were headed '95% interval' over Monte Carlo intervals alone (sim-run's
    tables say so since 15f0a6e), while 'interval' is defined as the range the true share is in."""
    drawn = render(_tally([0.5] * DRAWS, [0.2] * DRAWS).frame())
    titles = [line for line in drawn.splitlines() if line.startswith(("Chance of each outcome", "Compared with no lever"))]
    assert len(titles) == 2 and all(line.endswith(": Monte Carlo intervals, the totals are under Uncertainty, below") for line in titles)
    plain = PairedTally(["none", "a"])
    plain.add({name: t.drop(columns="draw") for name, t in {"none": _table([0.0] * 4), "a": _table([0.5] * 4)}.items()})
    assert "Monte Carlo intervals, the totals" not in render(plain.frame())
    # ... and 'interval' is now defined as those tables' intervals are: Monte Carlo only, the total interval defined beside it
    assert DRAWN_TERMS["interval"] in drawn and DRAWN_TERMS["total interval"] in drawn and "the range the true share is in" not in drawn
    assert TERMS["interval"] in render(plain.frame())


def test_monte_carlo_noise_is_defined_without_draws_too():
    """With uncertainty=none the first line said "simulation noise" and the last "Monte Carlo noise only", never saying they are one."""
    plain = PairedTally(["none", "a"])
    plain.add({name: t.drop(columns="draw") for name, t in {"none": _table([0.0] * 4), "a": _table([0.5] * 4)}.items()})
    text = render_uncertainty(plain.frame(), {}, "none")
    assert text.startswith("Uncertainty: none.") and "Monte Carlo noise: simulation noise, how much a figure moves by chance" in text


def test_helps_in_is_the_share_of_the_normal_spread_below_zero_beside_the_draws_left_unchanged():
    """A lever that lowers collapse in one draw in five and changes no partnership in the other four 'helped in 100%' of draws (each
    unchanged draw shrunk towards the mean, below zero), then in 20% (only changed draws counted), which moved with the replications
    per draw. It is now the share below zero of the normal spread fitted to the draws, and the unchanged draws are said so."""
    b = [0.5 if d % 5 == 0 else 0.0 for d in range(DRAWS)]
    frame = _tally([0.5] * DRAWS, b).frame()
    row = frame.set_index("policy").loc["b"]
    effects = -np.array(b)
    noise = np.where(effects < 0, 0.25 / (M - 1), 0.0)  # a changed draw: half its paired differences -1, half 0
    spread = NormalDist(float(effects.mean()), float(np.sqrt(effects.var(ddof=1) - noise.mean())))
    assert row["collapse_difference_parameter_share"] > 0
    assert row["collapse_difference_helps"] == pytest.approx(spread.cdf(0.0)) and row["collapse_difference_unchanged"] == pytest.approx(0.8)
    assert frame.set_index("policy").loc["a", "collapse_difference_unchanged"] == 0.0 and np.isnan(frame.loc[0, "collapse_difference_unchanged"])
    text = render_uncertainty(frame, {}, "prior")
    effects_table = text.split("Effect on collapse")[1].split("Effect on")[0]
    assert "helps in  unchanged in" in effects_table.splitlines()[0]
    b_line = next(line for line in effects_table.splitlines() if line.strip().startswith("B "))
    assert f"{spread.cdf(0.0):.0%}           80%" in b_line
    assert "  unchanged in: the share of draws in which the lever changed the outcome of none of the draw's simulated partnerships" in text


def test_a_draw_whose_changes_cancel_out_is_changed_not_unchanged():
    """In draw 0 the lever saves one partnership and loses another (a mean of zero): it changed outcomes there."""
    reference, lever = _table([0.0] * DRAWS), _table([0.0] * DRAWS)
    reference.loc[0, "outcome"], lever.loc[1, "outcome"] = "sustained", "sustained"
    tally = PairedTally(["none", "lever"])
    tally.add({"none": reference, "lever": lever})
    row = tally.frame().set_index("policy").loc["lever"]
    assert row["collapse_difference"] == 0.0 and row["collapse_difference_unchanged"] == pytest.approx(1 - 1 / DRAWS)


def test_the_middle_half_of_draws_a_lever_left_unchanged_in_most_is_the_normal_spread_not_the_unchanged_draws_value():
    """With four draws in five unchanged, the middle half read [-0.3, -0.3] (every unchanged draw shrank to one value, which the
    quartiles gave as if measured), then [unchanged, unchanged]. It is now the quartiles of the normal spread fitted to the draws."""
    b = [0.5 if d % 5 == 0 else 0.0 for d in range(DRAWS)]
    frame = _tally([0.5] * DRAWS, b).frame()
    row = frame.set_index("policy").loc["b"]
    effects = -np.array(b)
    noise = np.where(effects < 0, 0.25 / (M - 1), 0.0)
    spread = NormalDist(float(effects.mean()), float(np.sqrt(effects.var(ddof=1) - noise.mean())))
    assert [row[f"collapse_difference_q{round(100 * q):02d}"] for q in EFFECT_QUANTILES] == pytest.approx([spread.inv_cdf(q) for q in EFFECT_QUANTILES])
    assert row["collapse_difference_total_low"] < spread.inv_cdf(0.025) + 1e-9 and row["collapse_difference_total_high"] > spread.inv_cdf(0.975) - 1e-9
    effects_table = render_uncertainty(frame, {}, "prior").split("Effect on collapse")[1].split("Effect on")[0]
    b_line = next(line for line in effects_table.splitlines() if line.strip().startswith("B "))
    assert f"[{100 * spread.inv_cdf(0.25):+5.1f}, {100 * spread.inv_cdf(0.75):+5.1f}]" in b_line and "unchanged," not in b_line


def test_effect_spread_without_a_spread_says_only_the_mean_s_sign():
    estimates = np.array([-0.02, -0.01, -0.03, -0.02])
    noise = np.full(4, 1e-3)  # far more than the draws' spread: none detected
    helps, quantiles = effect_spread(estimates, noise, interval=(-0.05, -0.01))
    assert helps == 1.0 and quantiles == pytest.approx([-0.02] * len(EFFECT_QUANTILES))
    assert effect_spread(estimates, noise, interval=(0.01, 0.05))[0] == 0.0
    assert np.isnan(effect_spread(estimates, noise, interval=(-0.05, 0.05))[0])
    assert effect_spread(np.zeros(4), np.zeros(4), interval=(-0.001, 0.001))[0] == 0.0  # it changed no partnership anywhere: helps in none


def _few_changes(m: int, draws: int, seed: int = 0) -> PairedTally:
    """A lever whose effect on collapse in draw d is ``-0.02 + 0.02 z_d`` (``z_d`` standard normal): it saves a share of the
    partnerships that collapse without it (a third of them) where that is below zero and loses a share of the others elsewhere."""
    rng = np.random.default_rng(seed)
    effect = -0.02 + 0.02 * rng.standard_normal(draws)
    collapsed = rng.random((draws, m)) < 1 / 3
    u = rng.random((draws, m))
    saved = collapsed & (u < np.maximum(-effect, 0)[:, None] * 3)
    lost = ~collapsed & (u < np.maximum(effect, 0)[:, None] * 1.5)
    lever = (collapsed & ~saved) | lost
    draw, i = np.divmod(np.arange(draws * m), m)

    def table(c: np.ndarray) -> pd.DataFrame:
        return pd.DataFrame(
            {"rep": draw * m + i, "draw": draw, "outcome": np.where(c.ravel(), "collapsed", "sustained"), "lever_cost": 0.0, "net_savings": 0.0}
        )

    tally = PairedTally(["none", "lever"])
    tally.add({"none": table(collapsed), "lever": table(lever)})
    return tally


def test_the_spread_of_a_lever_s_effect_does_not_depend_on_the_replications_per_draw():
    """Continuity plan on collapse (baseline, prior, seed 0) 'helped in' 36% of draws at 20 replications a draw and 88% at 200: the
    share counted only draws in which the lever changed some partnership, and at 20 it changed none in most (it changes about 3% of
    partnerships). A lever changing 2% of partnerships, whose effect is below zero in 84% of draws, must read about that at any M."""
    truth = NormalDist(-0.02, 0.02)
    for m, draws in ((20, 1000), (400, 300)):
        row = _few_changes(m, draws).frame().set_index("policy").loc["lever"]
        assert row["collapse_difference_helps"] == pytest.approx(truth.cdf(0.0), abs=0.08), m
        assert row["collapse_difference_q25"] == pytest.approx(truth.inv_cdf(0.25), abs=0.006), m
        assert row["collapse_difference_q75"] == pytest.approx(truth.inv_cdf(0.75), abs=0.006), m
        assert row["collapse_difference_total_high"] > 0.01, m  # the spread reaches above zero in one draw in six


def _random_tally(seed: int, draws: int = 100) -> PairedTally:
    """Two levers that change partnerships only in every fifth draw (keeping each with chance 0.5 and 0.3 there), against no lever."""
    rng = np.random.default_rng(seed)
    acting = (np.arange(draws) % 5 == 0)[:, None]
    kept = {"none": np.zeros((draws, M), bool), "a": acting & (rng.random((draws, M)) < 0.5), "b": acting & (rng.random((draws, M)) < 0.3)}
    draw, i = np.divmod(np.arange(draws * M), M)
    tables = {
        name: pd.DataFrame({"rep": draw * M + i, "draw": draw, "outcome": np.where(k.ravel(), "sustained", "collapsed"), "lever_cost": 0.0, "net_savings": 0.0})
        for name, k in kept.items()
    }
    tally = PairedTally(list(tables))
    tally.add(tables)
    return tally


def test_levers_that_changed_nothing_in_a_draw_tie_there_for_first():
    """In the four draws in five where neither lever changed a partnership, each shrank towards its own mean, which put the lever
    with the smaller effect first there (b ranked first in 43% of draws, a in 57%, where the draws show 40% and 60%): they tie."""
    tally = _random_tally(3)
    ranking = tally.ranking("collapse")
    assert ranking["raw_best"] == {"a": pytest.approx(0.6), "b": pytest.approx(0.4)}
    assert ranking["best"] == {"a": pytest.approx(0.6), "b": pytest.approx(0.4)}
    shares = tally.frame().set_index("policy")["collapse_best_share"]
    assert shares["a"] == pytest.approx(0.6) and shares["b"] == pytest.approx(0.4)


def test_only_levers_unchanged_in_the_same_draw_tie_there():
    effects = np.array([[-0.02, -0.01, -0.3], [-0.02, -0.2, -0.03]])
    changed = np.array([[False, False, True], [False, True, True]])
    assert _tie_unchanged(effects, changed) == pytest.approx(np.array([[-0.015, -0.015, -0.3], [-0.02, -0.2, -0.03]]))


def test_the_share_of_draws_chance_alone_leaves_unchanged_is_said_beside_unchanged_in():
    """At 20 replications a draw, 'unchanged in 62%' (continuity plan, collapse) was read as the assumptions' doing: chance alone
    leaves 58% of draws unchanged for a lever changing 2.7% of partnerships in every draw (at 200 replications a draw: 10%)."""
    b = [0.5 if d % 5 == 0 else 0.0 for d in range(DRAWS)]  # 60 of 600 partnerships changed: 0.9 ** 20 = 12% of draws unchanged by chance
    effects = render_uncertainty(_tally([0.5] * DRAWS, b).frame(), {}, "prior").split("Effect on collapse")[1].split("Effect on")[0]
    assert "By chance alone, a lever changing the same share of partnerships in every draw as over the whole run would leave 0% (A) and 12% (B)" in effects
    assert "of draws of 20 replications unchanged: 'unchanged in' near that is Monte Carlo noise" in effects
    assert "By chance alone" not in render_uncertainty(_tally([0.5] * DRAWS, [0.2] * DRAWS).frame(), {}, "prior")  # changed in every draw


def test_ranked_first_shares_beside_a_ranking_made_unclear_by_noise_are_bracketed_and_said_not_settled():
    """With replications_per_draw=25 'ranked first' printed plain shares above a ranking the same output called unclear."""
    rng = np.random.default_rng(5)
    tally = PairedTally(["none", "a", "b", "c"])
    tables = {"none": _table([0.0] * DRAWS), "a": _table([0.9 if d % 2 else 0.6 for d in range(DRAWS)])}
    for lever in "bc":  # outcomes at random within each draw: noise alone orders b and c
        table = _table([0.5] * DRAWS)
        table["outcome"] = np.where(rng.random(len(table)) < 0.5, "sustained", "collapsed")
        tables[lever] = table
    tally.add(tables)
    ranking = tally.ranking("collapse")
    assert ranking["unclear"] == "noise" and np.isfinite(ranking["best"]["a"])
    effects = render_uncertainty(tally.frame(), {"collapse": ranking}, "prior").split("Effect on collapse")[1].split("Effect on")[0]
    rows = {line.split()[0]: line for line in effects.splitlines()[1:4]}
    assert all(f"({ranking['best'][lever]:.0%})" in rows[lever.upper()] for lever in "abc")
    assert "'ranked first' shares, in brackets above, are not settled either" in effects


def test_ranked_first_shares_beside_a_ranking_unclear_after_a_settled_first_place_say_first_place_is_settled():
    tally = PairedTally(["none", "a", "b", "c"])
    rng = np.random.default_rng(5)
    tables = {"none": _table([0.0] * DRAWS), "a": _table([1.0] * DRAWS)}
    for lever in "bc":
        table = _table([0.5] * DRAWS)
        table["outcome"] = np.where(rng.random(len(table)) < 0.5, "sustained", "collapsed")
        tables[lever] = table
    tally.add(tables)
    ranking = tally.ranking("collapse")
    assert ranking["unclear"] == "no spread" and ranking["best"]["a"] == 1.0
    text = render_uncertainty(tally.frame(), {"collapse": ranking}, "prior")
    assert "First place is settled (the run tells the first lever from the next)" in text and "(100%)" not in text


def test_a_policys_own_net_savings_near_zero_do_not_read_as_minus_zero():
    """sim-compare scenario=case06_district_county policies=[none,staged_scope,agreed_decision_process,open_motivations]
    replications=300 seed=3 printed the no-lever row of its money table "-0.00 [ -0.21,   0.21]" (net savings GBP -0.0008 m):
    a committee reads minus zero. A level keeps the digits a change has (:func:`signed`) where two would read as zero."""
    frame = _tally([0.5] * DRAWS, [0.2] * DRAWS).frame()
    frame.loc[0, ["net_savings", "net_savings_low", "net_savings_high"]] = [-0.000811, -0.213615, 0.004]
    money = render(frame).split("GBP m per partnership")[1].splitlines()[1]
    assert "-0.001 [ -0.21,  0.004]" in money and "-0.00 " not in money, money


def test_the_uncertainty_sections_words_are_a_line_each_not_one_paragraph():
    """sim-compare scenario=case06_district_county 'policies=[none,staged_scope,agreed_decision_process,open_motivations]'
    replications=300 seed=3 opened its uncertainty section with one line of about 2,000 characters (what a parameter draw,
    Monte Carlo noise, 'total 95%' and each column are), which sim-report showed as a wall of text. Each word is now a line of
    its own under the section's first line, as the words above the tables are."""
    tally = _tally([0.5] * DRAWS, [0.2] * DRAWS)
    text = render_uncertainty(tally.frame(), {"collapse": tally.ranking("collapse")}, "prior")
    head = text.split("Chance of each outcome")[0].splitlines()
    assert head[0].endswith("compared with no lever. The words of this section:"), head[0]
    named = [line.split(": ", 1)[0].strip() for line in head[1:]]
    assert named == ["parameter draw", "Monte Carlo noise", "total 95%", "helps in", "unchanged in", "ranked first", "middle half of draws", "from parameters"]
    assert max(map(len, head)) < 600, max(map(len, head))
