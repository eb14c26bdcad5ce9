"""Policy comparisons in words: sentences quote the computed numbers, the first screen hides the tests, and precision adds replications until reached."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from sim.analysis.comparison import (
    LeverValue,
    PairedTally,
    best_value,
    compare_policies,
    lever_values,
    next_paired_block,
    pairing_effect,
    per_point_interval,
    percent,
    percents_apart,
    policy_phrase,
    policy_words,
    render,
    render_tests,
    run_comparison,
    sentence,
    signed,
)
from sim.analysis.stats import PILOT
from sim.analysis.summary import Tally
from sim.config.scenarios import load
from sim.frontends.runner import Sinks


def _table(outcomes: list[str], cost: float, net: list[float]) -> pd.DataFrame:
    return pd.DataFrame({"rep": np.arange(len(outcomes)), "outcome": outcomes, "lever_cost": np.full(len(outcomes), cost), "net_savings": net})


@pytest.fixture(scope="module")
def comparison() -> pd.DataFrame:
    """400 paired partnerships: the policy saves most shelved proposals, leaves collapse as it was and raises net savings; another changes nothing."""
    rng = np.random.default_rng(3)
    reference = rng.choice(["shelved", "collapsed", "underperforming", "sustained"], size=400, p=[0.16, 0.08, 0.3, 0.46])
    policy = np.where((reference == "shelved") & (rng.random(400) < 0.95), "sustained", reference)
    flip = np.flatnonzero(reference == "sustained")[:3]
    policy[flip] = "collapsed"
    back = np.flatnonzero(reference == "collapsed")[:3]
    policy[back] = "sustained"
    net = rng.normal(3.0, 1.0, 400)
    return compare_policies(
        {
            "none": _table(list(reference), 0.0, list(net)),
            "agreed_decision_process": _table(list(policy), 0.05, list(net + 0.4 + rng.normal(0, 0.1, 400))),
            "nothing_new": _table(list(reference), 0.02, list(net)),
        }
    )


def test_the_sentence_quotes_the_computed_numbers(comparison):
    row = comparison.set_index("policy").loc["agreed_decision_process"]
    ref = comparison.set_index("policy").loc["none"]
    text = sentence(comparison, "agreed_decision_process")
    # "compared with none" read as a code name in a committee's paper
    assert text.startswith("Agreed decision process, compared with no lever, lowers the chance that the proposal is shelved")
    before, after = percents_apart(ref["shelved"], row["shelved"])
    assert f"from {before} to {after}" in text and before != after
    # "(10%; difference ...)" gave the lever's chance alone, beside sentences that quote the reference's (9.2%): here the two are equal
    assert row["collapse"] == ref["collapse"]
    assert f"does not measurably change the chance that the partnership collapses ({percent(row['collapse'])} with it as with no lever; difference" in text
    apart = comparison.copy()
    apart.loc[apart["policy"] == "agreed_decision_process", "collapse"] = ref["collapse"] + 0.013
    without, treated = percents_apart(ref["collapse"], ref["collapse"] + 0.013)
    assert f"collapses ({without} with no lever, {treated} with it; difference" in sentence(apart, "agreed_decision_process")
    low, high = row["collapse_difference_low"], row["collapse_difference_high"]
    assert f"difference {100 * low:+.1f} to {100 * high:+.1f} points" in text and low < 0 < high
    assert "costs GBP 0.05 m per partnership" in text
    assert f"raises net savings by GBP {row['net_savings_difference']:.2f} m" in text


def test_a_policy_that_changes_no_partnership_says_so(comparison):
    text = sentence(comparison, "nothing_new")
    assert "leaves the chance that the proposal is shelved unchanged in every simulated partnership" in text
    assert "costs GBP 0.02 m" in text and "does not measurably change net savings" in text


def test_the_sentence_says_the_chance_of_failure_too(comparison):
    """The command's sentences left out failure, which its list of words defines."""
    assert "the chance of failure (shelved, collapsed or underperforming)" in sentence(comparison, "agreed_decision_process")


def test_a_rise_in_collapse_that_comes_with_fewer_proposals_shelved_says_why_it_may():
    """'Agreed decision process ... raises the chance that the partnership collapses from 9.8% to 11.8%' came without its reason."""
    rng = np.random.default_rng(5)
    reference = rng.choice(["shelved", "collapsed", "sustained"], size=600, p=[0.3, 0.1, 0.6])
    launched = np.where(rng.random(600) < 0.5, "collapsed", "sustained")
    policy = np.where(reference == "shelved", launched, reference)
    net = list(rng.normal(3.0, 1.0, 600))
    table = compare_policies({"none": _table(list(reference), 0.0, net), "agreed_decision_process": _table(list(policy), 0.05, net)})
    text = sentence(table, "agreed_decision_process")
    assert "raises the chance that the partnership collapses from" in text
    assert "; more proposals go ahead, and only a launched partnership can collapse)" in text


def test_policy_names_in_words_keep_it_in_capitals():
    assert policy_words("agreed_decision_process") == "Agreed decision process"
    assert policy_words("it_harmonisation_first") == "IT harmonisation first"
    assert policy_words("commercial_capability") == "Commercial capability"
    # the reference, in sentences, the forest plot's axis and sim-report's tables ("compared with none", a row "None")
    assert (policy_words("none"), policy_phrase("none")) == ("No lever", "no lever")


def test_a_reference_policy_is_named_in_words_with_it_in_capitals_too():
    """The reference read 'compared with it harmonisation first' (the policy compared was in words, the reference not)."""
    rng = np.random.default_rng(2)
    outcomes = list(rng.choice(["collapsed", "sustained"], size=300))
    net = list(rng.normal(3.0, 1.0, 300))
    table = compare_policies({"it_harmonisation_first": _table(outcomes, 0.0, net), "continuity_plan": _table(outcomes, 0.05, net)})
    assert "Continuity plan, compared with IT harmonisation first, " in sentence(table, "continuity_plan")


def test_percent_keeps_a_decimal_below_ten_percent():
    assert [percent(p) for p in (0.16, 0.004, 0.0712)] == ["16%", "0.4%", "7.1%"]


def test_two_chances_a_change_is_said_between_never_read_the_same():
    assert percents_apart(0.70, 0.66) == ("70%", "66%")
    assert percents_apart(0.7004, 0.6981) == ("70.0%", "69.8%")
    assert percents_apart(0.112, 0.1117) == ("11.20%", "11.17%")
    assert percents_apart(0.05, 0.0412) == ("5.0%", "4.1%")


def test_a_change_is_said_between_chances_whose_difference_is_the_change_quoted():
    """Notebook 02: "lowers the chance of failure ... from 62% to 51% (by 11.7 points ...)" and sim.compare "from 20% to 19% (by
    1.7 points": the figures a reader subtracts gave 11 and 1 beside the 11.7 and 1.7 quoted."""
    assert percents_apart(0.625, 0.50833) == ("62.5%", "50.8%")
    assert percents_apart(0.2025, 0.1855) == ("20.2%", "18.6%")
    assert percents_apart(0.542, 0.500) == ("54%", "50%")  # 4 beside 4.2: within half a point
    assert percents_apart(0.305, 0.300) == ("30.5%", "30.0%")  # half a point apart: no more decimals than tell them apart
    for a, b in ((0.625, 0.50833), (0.2025, 0.1855), (0.542, 0.5), (0.7004, 0.6981), (0.334, 0.0917), (0.305, 0.3)):
        shown = [float(text[:-1]) for text in percents_apart(a, b)]
        assert abs(shown[0] - shown[1] - 100 * (a - b)) < 0.5, (a, b, shown)


def test_the_first_screen_has_sentences_and_differences_and_the_tests_only_in_detail(comparison):
    plain = render(comparison)
    assert sentence(comparison, "agreed_decision_process") in plain
    # the tables said "Difference from none" and "net savings vs none" under sentences that say "compared with no lever"
    assert "Compared with no lever (percentage points, paired 95% interval)" in plain
    assert "net savings compared with no lever, paired 95% interval" in plain
    words = plain.split("What the words mean:\n", 1)[1].split("Chance of each outcome", 1)[0]
    assert all(f"  {word:<16}" in words for word in ("shelved", "collapsed", "failure", "points", "paired")), "the words it uses, a line each"
    assert "McNemar" not in plain and "p (McNemar)" not in plain and "unpaired" not in plain
    detailed = render(comparison, detail=True)
    assert plain in detailed and "p (McNemar)" in detailed and "unpaired 95% CI" in detailed
    assert "P(collapse)                compared with no lever, paired 95% CI  unpaired 95% CI" in detailed
    assert "vs none" not in detailed and "from none" not in detailed, "a heading names the reference by its code name"


def test_next_block_fixed_count_and_precision():
    tally = PairedTally(["a", "b"])
    assert next_paired_block(tally, None, 2500, 1000) == 1000
    assert next_paired_block(tally, 0.01, 2500, 100_000) == PILOT
    tally.n, tally.only_reference["b"]["collapse"], tally.only_policy["b"]["collapse"] = 1000, 40, 10
    wanted = next_paired_block(tally, 0.01, 0, 100_000)
    assert wanted > 0 and wanted % 100 == 0
    tally.n = 1_000_000
    assert next_paired_block(tally, 0.01, 0, 100_000) == 0


def test_precision_adds_blocks_until_every_paired_half_width_is_reached():
    configs = {p: load("baseline", p, ["partnership.horizon_months=48"]) for p in ("none", "continuity_plan")}
    tallies = {p: Tally(48) for p in configs}
    tally = run_comparison(configs, 5, 0, 500, precision=0.008, sinks={p: Sinks(tables=(tallies[p],)) for p in configs})
    assert tally.planning_half_width() <= 0.008 and tally.n % 100 == 0 and tally.n > 500
    frame = tally.frame()
    for measure in ("shelved", "collapse", "failure"):
        half = (frame[f"{measure}_difference_high"] - frame[f"{measure}_difference_low"]).iloc[1] / 2
        assert half <= 0.008
    assert all(t.n == tally.n for t in tallies.values())
    assert tallies["none"].summary()["outcomes"]["collapsed"]["count"] == tally.count["none"]["collapse"]


def test_a_change_the_total_interval_cannot_tell_from_none_says_so_quoting_it(comparison):
    """'lowers the chance that the proposal is shelved from 18.2% to 8.0%' was said alone where the total interval, counting the doubt
    about the assumptions, ran from -29.2 to +0.4 points: pasted into a paper, it claimed more than the intervals allow. The total
    interval is said without signs, as the change before it ("by 10.2 points"): "-29.2 to +0.4 points" after "lowers ... by" mixed
    two conventions."""
    plain = sentence(comparison, "agreed_decision_process")
    row = comparison.set_index("policy").loc["agreed_decision_process"]
    assert row["shelved_difference_high"] < 0 and row["net_savings_difference_low"] > 0
    doubtful = comparison.assign(
        shelved_difference_total_low=comparison["shelved_difference_low"] - 0.3,
        shelved_difference_total_high=0.004,
        net_savings_difference_total_low=-0.09,
        net_savings_difference_total_high=0.88,
    )
    text = sentence(doubtful, "agreed_decision_process")
    doubt = "though counting the doubt about the model's assumptions too, the difference could be zero:"
    shelved = f"{doubt} from {-100 * (row['shelved_difference_low'] - 0.3):.1f} points lower to 0.4 points higher)"
    assert "lowers the chance that the proposal is shelved from " in text and shelved in text
    money = f"GBP {row['net_savings_difference_low']:.2f} m to {row['net_savings_difference_high']:.2f} m"
    doubt_money = f"{doubt} from GBP 0.09 m less to GBP 0.88 m more"
    assert f"raises net savings by GBP {row['net_savings_difference']:.2f} m (95% Monte Carlo interval {money}; {doubt_money})" in text
    assert doubt not in plain
    measured = doubtful.assign(shelved_difference_total_high=-0.001, net_savings_difference_total_low=0.01)
    assert doubt not in sentence(measured, "agreed_decision_process")


def test_a_measurable_change_carries_its_interval_with_the_numbers_of_the_table_of_differences(comparison):
    """'lowers the chance that the proposal is shelved from 16% to 1.0%' gave no interval, while the notebook's interpretation did:
    pasted alone into a committee paper, it claimed more certainty than the run supports. It now says by how much and the paired
    95% interval, the numbers of the table 'Compared with no lever' without their signs; with parameter draws, which interval
    (the Monte Carlo one, as the tables lead with), not the total one."""
    changes = r"by ([\d.]+) points, 95% interval ([\d.]+) to ([\d.]+)"
    text = sentence(comparison, "agreed_decision_process")
    assert re.search(r"lowers the chance that the proposal is shelved from [\d.]+% to [\d.]+% \(" + changes + r"\)", text), text
    said = re.findall(changes, text)[0]  # shelved, the first measure
    (row,) = [line for line in render(comparison).splitlines() if line.startswith("  Agreed decision process ") and " pts [" in line]
    shelved = re.match(r"\s*Agreed decision process\s+([-+][\d.]+) pts \[\s*([-+][\d.]+),\s*([-+][\d.]+)\]", row)
    assert shelved, row
    value, low, high = shelved.groups()
    assert said == (value[1:], high[1:], low[1:]) and value.startswith("-")
    net = comparison.set_index("policy").loc["agreed_decision_process", ["net_savings_difference_low", "net_savings_difference_high"]]
    assert f"m (95% interval GBP {net.iloc[0]:.2f} m to {net.iloc[1]:.2f} m)" in text
    drawn = comparison.assign(
        shelved_difference_total_low=comparison["shelved_difference_low"] - 0.01,
        shelved_difference_total_high=comparison["shelved_difference_high"] + 0.01,
    )
    assert f"(by {said[0]} points, 95% Monte Carlo interval {said[1]} to {said[2]})" in sentence(drawn, "agreed_decision_process")


def test_a_bound_that_excludes_zero_never_prints_as_zero_and_the_detail_says_which_method_the_words_follow():
    """6 against 16 discordant pairs among 2,000: the paired interval printed [+0.0, +1.0] under a sentence saying the policy raises
    the chance, beside an exact McNemar p of 0.0525. The bound now shows the digits that keep it from reading as zero, and the
    detail marks the p-value the interval disagrees with and says the sentences follow the interval."""
    reference = np.array(["sustained"] * 2000, dtype=object)
    policy = reference.copy()
    reference[:6] = "collapsed"
    policy[6:22] = "collapsed"
    frame = compare_policies({"none": _table(list(reference), 0.0, [0.0] * 2000), "continuity_plan": _table(list(policy), 0.0, [0.0] * 2000)})
    row = frame.set_index("policy").loc["continuity_plan"]
    assert 0 < row["collapse_difference_low"] < 0.0005 and row["collapse_p_value"] == pytest.approx(0.0525, abs=1e-4)
    text = render(frame, detail=True)
    assert "raises the chance that the partnership collapses from 0.3% to 0.8%" in text
    changed = [line for line in text.splitlines() if "+0.5 pts" in line]
    assert sum(line.count("+0.5 pts [ +0.03,   +1.0]") for line in changed) == 4 and not any("[  +0.0," in line for line in changed)
    assert "0.0525*" in text and "1*" not in text  # shelved: unchanged, no mark
    assert "The sentences ('lowers', 'raises', 'does not measurably change') follow the paired 95% interval alone" in text
    assert signed(0.0004) == "+0.0004" and signed(-0.04, 2) == "-0.04" and signed(0.0) == "+0.0" and signed(1.25, 1, 6) == "  +1.2"


def test_an_interval_pairing_made_wider_reads_wider_not_a_negative_narrower():
    """Outcomes the two policies move in opposite directions (every pair discordant) make the paired interval wider than the
    unpaired one: the detail printed 'narrower -24%'. It now says '24% wider', and the column's value stays 1 - paired / unpaired width."""
    reference = ["collapsed"] * 5 + ["sustained"] * 5
    policy = ["sustained"] * 5 + ["collapsed"] * 5
    frame = compare_policies({"none": _table(reference, 0.0, [0.0] * 10), "continuity_plan": _table(policy, 0.0, [0.0] * 10)})
    row = frame.set_index("policy").loc["continuity_plan"]
    paired, unpaired = row["collapse_difference_high"] - row["collapse_difference_low"], row["collapse_unpaired_high"] - row["collapse_unpaired_low"]
    assert row["collapse_narrower"] == pytest.approx(1 - paired / unpaired) and row["collapse_narrower"] < 0
    text = render_tests(frame)
    collapse = text.split("P(collapse)", 1)[1].split("P(failure)", 1)[0]
    assert "pairing made it" in collapse and f"{-row['collapse_narrower']:.0%} wider" in collapse and "-24%" not in text
    assert [pairing_effect(x) for x in (0.93, -0.236, 0.002, np.nan)] == ["93% narrower", "24% wider", "about as wide", "-"]


def _value(lever: str, cost: float, low: float, high: float, pays: bool = False, caveat: str = "") -> LeverValue:
    """A lever costing ``cost`` (GBP m) that lowers collapse by ``low`` to ``high`` points (below zero), at its cost per point."""
    cheap, dear = per_point_interval(cost, low, high)
    return LeverValue(lever, cost / -((low + high) / 2), cheap, dear, pays, caveat)


def test_the_cost_per_point_interval_comes_from_the_interval_of_the_points_avoided():
    assert per_point_interval(0.04, -4.0, -1.0) == (0.01, 0.04)
    low, high = per_point_interval(pd.Series([0.03, 0.0]), pd.Series([-3.0, -2.0]), pd.Series([-1.0, -0.5]))
    assert list(low) == [0.01, 0.0] and list(high) == [0.03, 0.0]


def test_best_value_names_a_lever_that_pays_for_itself_before_ranking_the_others_by_cost_per_point():
    """Notebook 02 (FAST run, the councils as stored) said "The best value: Staged scope, at GBP 0.017 m per percentage point of
    collapse avoided", ranking by cost per point alone, though net of its cost Open motivations measurably raised savings
    (+0.03, 95% interval +0.004 to +0.05) while lowering collapse: it pays for itself, the better buy at any cost per point."""
    levers = [_value("Staged scope", 0.04, -3.9, -1.1), _value("Open motivations", 0.03, -2.7, -0.6, pays=True, caveat=" (though X)")]
    text = best_value(levers)
    assert text.startswith("The best value: Open motivations (though X) pays for itself: it lowers collapse and, net of its cost, savings measurably rise."), (
        text
    )
    assert " Of the others, the best value: Staged scope, at GBP 0.016 m per percentage point of collapse avoided (95% interval 0.010 to 0.036)." in text
    assert "measurably less" not in text, "with one lever left there is nothing to rank it against"
    both = best_value([_value("A", 0.1, -2.0, -1.0, pays=True), _value("B", 0.0, -2.0, -1.0, pays=True)])
    assert both == "The best value: A and B pay for themselves: they lower collapse and, net of their cost, savings measurably rise.", both


def test_lever_values_says_once_which_levers_pay_for_themselves_and_which_of_their_claims_the_doubt_about_the_assumptions_undoes():
    """The forest plot and notebook 02 each worked out which levers pay for themselves (net savings' low end above zero) and
    whether the total interval backs each one's drop in collapse and rise in net savings, by two copies of the rule. One
    function says it: levers that measurably lower collapse only, in the comparison's order, named in words, at their cost per
    point; a claim is "lost" where its total interval reaches zero, "untested" where the draws could not measure the doubt."""
    columns = ["policy", "lever_cost", "collapse_difference", "collapse_difference_low", "collapse_difference_high"]
    columns += ["collapse_difference_total_low", "collapse_difference_total_high", "collapse_difference_parameter_share"]
    columns += ["net_savings_difference_low", "net_savings_difference_total_low", "net_savings_difference_total_high", "net_savings_difference_parameter_share"]
    comparison = pd.DataFrame(
        [
            ("none", 0.0, np.nan, np.nan, np.nan, np.nan, np.nan, np.nan, np.nan, np.nan, np.nan, np.nan),
            ("staged_scope", 0.04, -0.02, -0.03, -0.01, -0.04, 0.005, 0.3, -0.02, -0.05, 0.01, 0.2),  # drop lost, does not pay
            ("open_motivations", 0.03, -0.02, -0.03, -0.01, -0.03, -0.01, 0.0, 0.004, 0.004, 0.05, 0.0),  # pays; neither claim tested
            ("continuity_plan", 0.02, 0.01, -0.01, 0.03, -0.02, 0.04, 0.3, 0.01, 0.01, 0.03, 0.0),  # no measurable drop: no value
            ("communications_plan", 0.01, -0.02, -0.03, -0.01, -0.04, -0.005, 0.3, 0.01, -0.01, 0.03, 0.3),  # drop holds, rise lost
        ],
        columns=columns,
    )
    values = lever_values(comparison)
    assert [(v.lever, v.pays, v.drop, v.rise) for v in values] == [
        ("Staged scope", False, "lost", ""),
        ("Open motivations", True, "untested", "untested"),
        ("Communications plan", True, "", "lost"),
    ]
    assert values[0].per_point == pytest.approx(0.02) and (values[0].low, values[0].high) == pytest.approx((0.04 / 3, 0.04))
    assert all(v.caveat == "" for v in values)
    without_draws = comparison[[*columns[:5], "net_savings_difference_low"]]
    assert [(v.drop, v.rise) for v in lever_values(without_draws)] == [("", "")] * 3, "no draws: no total interval to doubt a claim"


def test_best_value_ranks_costs_per_point_only_where_their_intervals_tell_them_apart():
    """Two levers whose cost per point is 0.016 and 0.018 were ranked as if the difference were known, though the noise in the
    points each avoids made them indistinguishable: they are now named together, as not to be told apart at these replications."""
    close = [_value("Staged scope", 0.04, -3.9, -1.1), _value("Open motivations", 0.0333, -2.7, -0.6), _value("IT harmonisation first", 0.85, -4.4, -1.6)]
    text = best_value(close)
    assert text.startswith("The best value: Staged scope and Open motivations cost the least per percentage point of collapse avoided ("), text
    assert "Staged scope GBP 0.016 m, 95% interval 0.010 to 0.036; Open motivations GBP 0.020 m, 95% interval 0.012 to 0.056" in text, text
    assert text.endswith("but cannot be told apart at these replications: the 95% intervals of their costs per point overlap."), text
    assert "IT harmonisation first" not in text, "its interval lies above the cheapest's"
    apart = best_value([_value("Staged scope", 0.04, -3.9, -1.1, caveat=" (though Y)"), _value("IT harmonisation first", 0.85, -4.4, -1.6)], confidence=0.9)
    assert apart == (
        "The best value: Staged scope (though Y), at GBP 0.016 m per percentage point of collapse avoided (90% interval 0.010 to 0.036),"
        " measurably less than any of the others."
    ), apart
