"""Policy comparisons in words: sentences quote the computed numbers, the first screen hides the tests, and precision adds replications until reached."""

from __future__ import annotations

import re
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from support.comparisons import rank_in_doubt

from sim.analysis.comparison import (
    Doubt,
    LeverValue,
    PairedTally,
    best_value,
    compare_policies,
    cost_contrast,
    drop_doubt_words,
    lever_caveat,
    lever_lines,
    lever_values,
    measurably_least,
    money_changes,
    money_words,
    next_paired_block,
    pairing_effect,
    per_point_interval,
    percents_apart,
    policy_phrase,
    policy_words,
    render,
    render_tests,
    run_comparison,
    sentence,
    signed,
)
from sim.analysis.stats import PILOT, paired_counts
from sim.analysis.summary import Tally, percent
from sim.config.scenarios import load
from sim.config.uncertainty import uncertainty
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


def test_a_drop_in_collapse_that_comes_with_more_proposals_shelved_says_so_too():
    """sim-compare scenario=case06_district_county 'policies=[agreed_decision_process,staged_scope,open_motivations]' uncertainty=none
    seed=1: Staged scope 'raises the chance that the proposal is shelved from 1.4% to 5.6% (by 4.2 points ...), lowers the chance that
    the partnership collapses from 34% to 29% (by 5.1 points ...)', and the money table prices those points, without a word that part of
    the drop may be partnerships never launched (the rise said it the other way round)."""
    rng = np.random.default_rng(5)
    reference = rng.choice(["shelved", "collapsed", "sustained"], size=600, p=[0.1, 0.3, 0.6])
    policy = np.where((reference == "collapsed") & (rng.random(600) < 0.4), "shelved", reference)
    net = list(rng.normal(3.0, 1.0, 600))
    table = compare_policies({"none": _table(list(reference), 0.0, net), "staged_scope": _table(list(policy), 0.05, net)})
    text = sentence(table, "staged_scope")
    assert "raises the chance that the proposal is shelved from" in text and "lowers the chance that the partnership collapses from" in text
    assert "; fewer proposals go ahead, and only a launched partnership can collapse)" in text, text


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


def test_one_comparison_s_sentences_give_the_reference_s_chance_alike():
    """sim-compare with several levers said the no-lever baseline "from 59% to 54%" in one sentence and "from 58.8% to 29.4%" in
    the next: each sentence chose its decimals for its own pair. The reference's chance now reads the same in every sentence, with
    the decimals the pair that needs most has, and a lever a few tenths of a point from it is still told apart."""
    reference = ["collapsed"] * 588 + ["sustained"] * 412
    net = [1.0] * 1000

    def lever(collapsed: int) -> list[str]:
        return ["collapsed"] * collapsed + ["sustained"] * (1000 - collapsed)

    tables = {"none": _table(reference, 0.0, net)}
    for name, collapsed in (("agreed_decision_process", 540), ("continuity_plan", 294), ("staged_scope", 585), ("nothing_new", 588)):
        tables[name] = _table(lever(collapsed), 0.1, net)
    comparison = compare_policies(tables)
    texts = {name: sentence(comparison, name, ("collapse",)) for name in list(tables)[1:]}
    assert "from 58.8% to 54.0%" in texts["agreed_decision_process"]
    assert "from 58.8% to 29.4%" in texts["continuity_plan"]
    assert "(58.8% with no lever, 58.5% with it;" in texts["staged_scope"]
    assert "unchanged in every simulated partnership (58.8%)" in texts["nothing_new"]
    assert not any("59%" in text for text in texts.values())


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


def test_a_change_whose_doubt_about_the_assumptions_the_draws_could_not_measure_says_so(comparison):
    """A comparison with 20 parameter draws (uncertainty=prior) said of a lever 'lowers the chance that the partnership collapses
    from 39% to 30% (by 9.2 points, 95% Monte Carlo interval 6.2 to 12.2)' and no more, where its draws showed no spread beyond
    Monte Carlo noise ('not detected': the total interval is only the Monte Carlo one): read alone (sim-compare's first lines,
    summary.json's sentences), the change held whatever the assumptions, while notebook 02's interpretation of the same numbers said
    whether it holds once that doubt is counted is not known. The sentence says so too, for a chance and for net savings."""
    row = comparison.set_index("policy").loc["agreed_decision_process"]
    unmeasured = comparison.assign(
        draws=20,
        shelved_difference_total_low=comparison["shelved_difference_low"],
        shelved_difference_total_high=comparison["shelved_difference_high"],
        shelved_difference_parameter_share=0.0,
        net_savings_difference_total_low=comparison["net_savings_difference_low"],
        net_savings_difference_total_high=comparison["net_savings_difference_high"],
        net_savings_difference_parameter_share=0.0,
    )
    text = sentence(unmeasured, "agreed_decision_process")
    unmeasured_words = "though the doubt about the assumptions could not be measured with 20 draws"
    unknown = f"{unmeasured_words}, so whether the difference holds once that doubt is counted is not known"
    interval = f"{100 * -row['shelved_difference_high']:.1f} to {100 * -row['shelved_difference_low']:.1f}"
    said = f"(by {100 * -row['shelved_difference']:.1f} points, 95% Monte Carlo interval {interval}; {unknown})"
    assert "lowers the chance that the proposal is shelved from " in text and said in text, text
    assert f"raises net savings by GBP {row['net_savings_difference']:.2f} m (95% Monte Carlo interval GBP " in text and text.count(unknown) == 2, text
    measured = unmeasured.assign(shelved_difference_parameter_share=0.4, net_savings_difference_parameter_share=0.4)
    assert unknown not in sentence(measured, "agreed_decision_process")


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


def test_a_lever_cost_that_is_not_zero_never_reads_as_zero():
    """sim-compare levers.continuity_plan.cost_upfront=0.001 levers.continuity_plan.cost_per_year=0 printed "costs GBP 0.00 m per
    partnership" and 0.00 under 'lever cost', where sim-report's money table read 0.001: both now print it as the report does."""
    frame = compare_policies({"none": _table(["sustained"] * 10, 0.0, [0.0] * 10), "continuity_plan": _table(["sustained"] * 10, 0.001, [0.0] * 10)})
    text = render(frame)
    assert "costs GBP 0.001 m per partnership" in text and "costs GBP 0.00 m" not in text
    lines = text.splitlines()
    heading = next(k for k, line in enumerate(lines) if line.startswith("GBP m per partnership"))
    assert lines[heading + 1].split()[2] == "0.00" and lines[heading + 2].split()[2] == "0.001", "No lever costs 0.00; Continuity plan 0.001"


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


def _value(lever: str, cost: float, low: float, high: float, pays: bool = False, caveat: str = "", cheaper_than: tuple[str, ...] = ()) -> LeverValue:
    """A lever costing ``cost`` (GBP m) that lowers collapse by ``low`` to ``high`` points (below zero), at its cost per point, and
    measurably cheaper per point than the levers ``cheaper_than`` on the paired replications."""
    cheap, dear = per_point_interval(cost, low, high)
    return LeverValue(lever, cost / -((low + high) / 2), cheap, dear, pays, caveat, cheaper_than=dict.fromkeys(cheaper_than, ""))


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


def test_best_value_ranks_costs_per_point_only_where_the_paired_comparison_tells_them_apart():
    """Two levers whose cost per point is 0.016 and 0.018 were ranked as if the difference were known, though the noise in the
    points each avoids made them indistinguishable: they are named together, as not to be told apart at these replications,
    and a lever the cheapest is measurably cheaper than is not named with it."""
    close = [
        _value("Staged scope", 0.04, -3.9, -1.1, cheaper_than=("IT harmonisation first",)),
        _value("Open motivations", 0.0333, -2.7, -0.6, cheaper_than=("IT harmonisation first",)),
        _value("IT harmonisation first", 0.85, -4.4, -1.6),
    ]
    text = best_value(close)
    assert text.startswith("The best value: Staged scope and Open motivations cost the least per percentage point of collapse avoided ("), text
    assert "Staged scope GBP 0.016 m, 95% interval 0.010 to 0.036; Open motivations GBP 0.020 m, 95% interval 0.012 to 0.056" in text, text
    assert text.endswith(
        "but cannot be told apart at these replications: on the same simulated partnerships, the 95% interval of the difference between"
        " their costs per point holds zero."
    ), text
    assert "IT harmonisation first" not in text, "the cheapest is measurably cheaper than it"
    apart = best_value(
        [
            _value("Staged scope", 0.04, -3.9, -1.1, caveat=" (though Y)", cheaper_than=("IT harmonisation first",)),
            _value("IT harmonisation first", 0.85, -4.4, -1.6),
        ],
        confidence=0.9,
    )
    assert apart == (
        "The best value: Staged scope (though Y), at GBP 0.016 m per percentage point of collapse avoided (90% interval 0.010 to 0.036),"
        " measurably less than any of the others (on the same simulated partnerships, the 90% interval of the difference between its cost"
        " per point and each other one's lies below zero)."
    ), apart


def test_a_comparison_written_before_the_paired_ranking_tells_levers_apart_only_where_their_intervals_do_not_overlap():
    """A comparison.parquet without ``collapse_cheaper_than`` (written before it was) is still read, by the weaker test it had, and says which."""
    older = _costs_per_point(np.arange(200), np.arange(170)).drop(columns=["collapse_cheaper_than", "shelved_cheaper_than", "failure_cheaper_than"])
    values = lever_values(older)
    assert [(v.paired, dict(v.cheaper_than)) for v in values] == [(False, {}), (False, {})]
    assert best_value(values).endswith("cannot be told apart at these replications: the 95% intervals of their costs per point overlap.")
    apart = lever_values(_costs_per_point(np.arange(400), np.arange(100)).drop(columns=["collapse_cheaper_than"]))
    assert dict(apart[0].cheaper_than) == {"Open motivations": ""} and best_value(apart).endswith(
        "measurably less than any of the others (its 95% interval of cost per point lies below each of theirs)."
    )


def test_the_older_points_of_a_sweep_resumed_across_versions_keep_the_overlap_test_and_the_newer_the_paired_one():
    """A sim-compare sweep resumed across two versions concatenates comparisons written before ``collapse_cheaper_than`` was and
    after: the older points hold NaN there, and every lever was said cheaper than a lever 'Nan' (lost), so the forest plot marked
    nothing and best value gave the paired reason. Each row is now read for what it holds: NaN is no column."""
    newer = _costs_per_point(np.arange(400), np.arange(100), draws=20)
    older = _costs_per_point(np.arange(400), np.arange(100))
    older = older.drop(columns=[c for c in older.columns if "cheaper_than" in c])
    table = pd.concat([older.assign(point=0), newer.assign(point=1)], ignore_index=True)
    for name in table.columns:
        if table[name].dtype == object:
            table[name] = table[name].astype("string")  # as a sweep's table holds text
    before, after = (lever_values(table[table["point"] == point]) for point in (0, 1))
    assert [(v.paired, dict(v.cheaper_than)) for v in before] == [(False, {"Open motivations": ""}), (False, {})]
    assert best_value(before).endswith("measurably less than any of the others (its 95% interval of cost per point lies below each of theirs).")
    assert [v.paired for v in after] == [True, True] and dict(after[0].cheaper_than) == {"Open motivations": "lost"}


def _saved(n: int, saved: np.ndarray, draws: int = 0, cost: float = 1.0) -> pd.DataFrame:
    """``n`` partnerships that all collapse but for the replications ``saved``, at a lever cost of ``cost`` (GBP m); ``draws`` equal parameter draws."""
    outcome = np.full(n, "collapsed", dtype=object)
    outcome[saved] = "sustained"
    table = _table(list(outcome), cost, [0.0] * n)
    if draws:
        table["draw"] = np.arange(n) // (n // draws)
    return table


def _costs_per_point(saved_a: np.ndarray, saved_b: np.ndarray, n: int = 1000, draws: int = 0) -> pd.DataFrame:
    """Two levers of the same cost run on ``n`` paired partnerships that all collapse without a lever: each saves the replications given."""
    tables = {"none": _saved(n, np.array([], int), draws, cost=0.0), "staged_scope": _saved(n, saved_a, draws), "open_motivations": _saved(n, saved_b, draws)}
    return compare_policies(tables)


def test_best_value_tells_costs_per_point_apart_on_the_paired_replications_where_their_intervals_overlap():
    """Two levers were told apart only where their own intervals of cost per point did not overlap, though every lever runs the same
    replications: Staged scope saving 200 of 1,000 partnerships and Open motivations 170 of those same 200, at the same cost, have
    overlapping intervals (0.045 to 0.057 and 0.052 to 0.068 GBP m a point), yet Open motivations never saves a partnership Staged
    scope does not, so the paired difference (30 partnerships in 1,000) is measurable. Saving 190 others instead, neither can tell them apart."""
    nested = _costs_per_point(np.arange(200), np.arange(170))
    values = lever_values(nested)
    staged, motivations = values
    assert staged.low <= motivations.high and motivations.low <= staged.high, "the intervals overlap: the old rule could not tell them apart"
    assert nested.set_index("policy")["collapse_cheaper_than"].to_dict() == {"none": "", "staged_scope": "open_motivations", "open_motivations": ""}
    assert staged.cheaper_than == {"Open motivations": ""} and motivations.cheaper_than == {}
    text = best_value(values)
    assert text == (
        "The best value: Staged scope, at GBP 0.050 m per percentage point of collapse avoided (95% interval 0.045 to 0.057), measurably less"
        " than any of the others (on the same simulated partnerships, the 95% interval of the difference between its cost per point and each"
        " other one's lies below zero)."
    ), text
    crossed = _costs_per_point(np.arange(200), np.arange(200, 390))
    assert (crossed["collapse_cheaper_than"] == "").all()
    text = best_value(lever_values(crossed))
    assert text.startswith("The best value: Staged scope and Open motivations cost the least per percentage point of collapse avoided"), text
    assert text.endswith(
        "but cannot be told apart at these replications: on the same simulated partnerships, the 95% interval of the difference between"
        " their costs per point holds zero."
    ), text


def test_the_paired_contrast_of_costs_per_point_is_the_mean_of_each_replications_linear_combination():
    """With costs that do not vary, ``cA pB - cB pA`` is the mean of ``cB dA - cA dB`` per replication, its variance that mean's; with
    equal costs its interval is the Agresti-Min interval of the paired difference in the event (:func:`paired_counts`), times the cost."""
    rng = np.random.default_rng(5)
    d = -(rng.random((500, 2)) < [0.3, 0.2]).astype(float)  # each lever's paired difference in the event per replication
    mean = np.array([2.0, 1.0, *d.mean(axis=0)])
    columns = np.column_stack([np.full(500, 2.0), np.full(500, 1.0), d])
    e, variance = cost_contrast(500, mean, np.cov(columns, rowvar=False))
    x = 1.0 * d[:, 0] - 2.0 * d[:, 1]
    assert e.value == pytest.approx(x.mean())
    assert variance == pytest.approx(x.var(ddof=1) / 500)
    same = np.array([3.0, 3.0, *d.mean(axis=0)])
    e, _ = cost_contrast(500, same, np.cov(np.column_stack([np.full(500, 3.0), np.full(500, 3.0), d]), rowvar=False))
    only_a, only_b = int(((d[:, 0] < 0) & (d[:, 1] == 0)).sum()), int(((d[:, 1] < 0) & (d[:, 0] == 0)).sum())  # saved by A only, by B only
    counts = paired_counts(500, only_a, only_b)
    assert (e.value, e.low, e.high) == pytest.approx((3 * counts.value, 3 * counts.low, 3 * counts.high))


def test_a_lever_saving_four_partnerships_the_other_does_not_is_not_measurably_cheaper_five_are():
    """The paired contrast was a plain Wald interval: a lever saving 4 partnerships more than another of the same cost (the other's
    saved a subset of its own) was called measurably cheaper per point, though the exact McNemar p is 0.125. With the Agresti-Min
    adjustment :func:`paired_counts` has, 4 against 0 holds zero and 5 against 0 (p 0.0625) does not, as it does for the paired difference."""
    n = 2000
    reference = np.full(n, "completed", dtype=object)
    reference[:40] = "collapsed"

    def table(outcome: np.ndarray, cost: float = 0.1) -> pd.DataFrame:
        return _table(list(outcome), cost, [0.0] * n)

    said = {}
    for extra in (4, 5):
        a, b = reference.copy(), reference.copy()
        a[:24], b[: 24 - extra] = "completed", "completed"
        tally = PairedTally(["none", "staged_scope", "open_motivations"])
        tally.add({"none": table(reference, 0.0), "staged_scope": table(a), "open_motivations": table(b)})
        said[extra] = tally.cheaper("collapse")
        assert (paired_counts(n, extra, 0).high >= 0) == (extra == 4)
    assert said == {4: {"staged_scope": {}, "open_motivations": {}}, 5: {"staged_scope": {"open_motivations": ""}, "open_motivations": {}}}


def test_the_paired_contrast_with_costs_that_vary_by_replication_has_the_spread_of_its_simulated_values():
    """Nothing checked the delta method's cost entries (``-mean(dB)``, ``mean(dA)``): with costs that vary by replication and move with
    the partnerships saved, the variance :func:`cost_contrast` gives is that of ``X`` over 2,000 simulated runs, and a sign error there fails."""
    rng = np.random.default_rng(11)
    n = 400

    def run() -> tuple[float, float]:
        saved = rng.random((n, 2)) < [0.3, 0.2]
        d = -saved.astype(float)
        costs = np.column_stack([2.0 + 3.0 * saved[:, 0] + rng.normal(0, 0.5, n), 1.0 - 0.8 * saved[:, 1] + rng.normal(0, 0.5, n)])
        columns = np.column_stack([costs, d])
        e, variance = cost_contrast(n, columns.mean(axis=0), np.cov(columns, rowvar=False))
        return e.value, variance

    values, variances = np.array([run() for _ in range(2000)]).T
    assert np.sqrt(variances.mean()) == pytest.approx(values.std(ddof=1), rel=0.05)


def test_a_cheaper_lever_keeps_a_caveat_where_the_doubt_about_the_assumptions_could_undo_it():
    """The run tells Staged scope cheaper per point (it saves 60% of partnerships, Open motivations 35%), but in half the draws of
    the assumptions Open motivations saves more: counting that doubt the two cannot be told apart, and the sentence says so. Where
    every draw is alike the draws cannot measure that doubt, and the sentence says that is not known."""
    saved_a, saved_b = [], []
    for draw in range(40):
        start = 50 * draw
        a, b = (40, 10) if draw % 2 == 0 else (20, 25)
        saved_a += range(start, start + a)
        saved_b += range(start, start + b)
    frame = _costs_per_point(np.array(saved_a), np.array(saved_b), n=2000, draws=40)
    row = frame.set_index("policy").loc["staged_scope"]
    assert (row["collapse_cheaper_than"], row["collapse_cheaper_than_lost"], row["collapse_cheaper_than_untested"]) == ("open_motivations",) * 2 + ("",)
    text = best_value(lever_values(frame))
    assert text.endswith("lies below zero). Counting the doubt about the assumptions, it cannot be told from Open motivations."), text
    alike = _costs_per_point(
        np.concatenate([np.arange(50 * d, 50 * d + 10) for d in range(40)]), np.concatenate([np.arange(50 * d, 50 * d + 8) for d in range(40)]), 2000, 40
    )
    assert alike.set_index("policy").loc["staged_scope", "collapse_cheaper_than_untested"] == "open_motivations"
    text = best_value(lever_values(alike))
    assert text.endswith("lies below zero). Whether it stays cheaper than Open motivations once the doubt about the assumptions is counted is not known."), text


def test_the_rank_of_the_cheapest_lever_names_its_doubts_in_the_tables_order_and_none_where_its_own_drop_is_undone():
    """Notebook 02 (FAST) said Staged scope "(though ... it no longer measurably lowers collapse) ... measurably less than any of the
    others ..., though counting the doubt about the assumptions it cannot be told from Continuity plan, IT harmonisation first and Neutral
    cloud platform": the rank's caveat repeats the drop's (with its drop undone, its cost per point under that doubt has no bound) and
    reads as a tie with levers far dearer. It is left out there. Elsewhere the levers it names follow the order the levers were given
    (the table's), not the policies' order the comparison kept; and the sentence words the paired test as the tie does."""

    def lever(name: str, cost: float, drop: Doubt = "", **cheaper: Doubt) -> LeverValue:
        value = _value(name, cost, -4.0, -2.0)
        return replace(value, drop=drop, cheaper_than={other.replace("_", " "): d for other, d in cheaper.items()})

    listed_after = [lever("A", 0.03, A_lever="lost", Z_lever="lost", M_lever="untested"), lever("Z lever", 0.2), lever("M lever", 0.3), lever("A lever", 0.4)]
    text = best_value(listed_after)
    assert text.endswith(
        "(on the same simulated partnerships, the 95% interval of the difference between its cost per point and each other one's lies below zero)."
        " Counting the doubt about the assumptions, it cannot be told from Z lever and A lever, and whether it stays cheaper than M lever is"
        " not known."
    ), text
    undone = [replace(listed_after[0], drop="lost", caveat=" (though Y)"), *listed_after[1:]]
    text = best_value(undone)
    assert text.endswith("(though Y), at GBP 0.010 m per percentage point of collapse avoided (95% interval 0.007 to 0.015), measurably less than any"
                         " of the others (on the same simulated partnerships, the 95% interval of the difference between its cost per point and each"
                         " other one's lies below zero)."), text  # fmt: skip
    assert measurably_least(undone).doubt == "" and measurably_least(listed_after).doubt == "lost"


def test_the_best_value_says_the_doubt_about_the_cheapest_levers_rank_in_a_sentence_of_its_own_and_names_each_doubt_once():
    """Read as a committee paper, notebook 02's best value ran to 470 characters in one sentence where the run told the cheapest lever
    apart but the doubt about the assumptions did not ("..., measurably less than any of the others (...), though counting the doubt
    about the assumptions it cannot be told from Continuity plan, IT harmonisation first and Neutral cloud platform."), and a caveat
    with both kinds of doubt said "the doubt about the assumptions" twice. The rank's doubt is now a sentence of its own, "any of
    them" where it holds every other lever, and a caveat names the doubt once."""

    def lever(name: str, cost: float, **cheaper: Doubt) -> LeverValue:
        return replace(_value(name, cost, -4.0, -2.0), cheaper_than={other.replace("_", " "): d for other, d in cheaper.items()})

    others = [lever("Continuity plan", 0.2), lever("IT harmonisation first", 0.3), lever("Neutral cloud platform", 0.4)]
    lost = dict.fromkeys(("Continuity_plan", "IT_harmonisation_first", "Neutral_cloud_platform"), "lost")
    sentences = best_value([lever("Staged scope", 0.03, **lost), *others]).split(". ")
    assert sentences[-1] == "Counting the doubt about the assumptions, it cannot be told from any of them.", sentences
    assert sentences[0].endswith("each other one's lies below zero)"), sentences
    untested = dict.fromkeys(lost, "untested")
    text = best_value([lever("Staged scope", 0.03, **untested), *others])
    assert text.endswith(" Whether it stays cheaper than any of them once the doubt about the assumptions is counted is not known."), text
    both = replace(_value("Open motivations", 0.03, -4.0, -2.0, pays=True), drop="untested", rise="lost")
    caveat = lever_caveat(both, money=True)
    said = "counting the doubt about the assumptions, its rise in net savings could be zero, and whether it still lowers collapse is not known"
    assert caveat == f" (though {said})", caveat


def _levers(*rows: tuple[str, float, float, float, float, float, float]) -> pd.DataFrame:
    """Rows of a comparison over 24 parameter draws: each lever's name, its collapse difference's Monte Carlo high end, total high end
    and share from the assumptions, then its net savings' difference, Monte Carlo low end and total low end (high ends 0.1 above)."""
    frame = []
    for policy, high, total_high, share, saved, low, total_low in rows:
        frame.append(
            {
                "policy": policy,
                "lever_cost": 0.05,
                "collapse_difference": high - 0.01,
                "collapse_difference_low": high - 0.02,
                "collapse_difference_high": high,
                "collapse_difference_total_low": high - 0.04,
                "collapse_difference_total_high": total_high,
                "collapse_difference_parameter_share": share,
                "net_savings_difference": saved,
                "net_savings_difference_low": low,
                "net_savings_difference_high": low + 0.1,
                "net_savings_difference_total_low": total_low,
                "net_savings_difference_total_high": low + 0.2,
                "net_savings_difference_parameter_share": share,
            }
        )
    return pd.DataFrame(frame)


def test_what_the_doubt_about_the_assumptions_does_to_the_drop_in_collapse_is_said_for_one_two_and_four_levers():
    """Notebook 02 worked out in its own cell which levers' drop in collapse the total interval backs ("robust"), undoes
    ("fragile") or could not test ("unmeasured"), beside lever_values' own rule (LeverValue.drop): now one function says it."""
    one = lever_values(_levers(("staged_scope", -0.01, -0.005, 0.3, 0.0, -0.05, -0.1)))
    assert drop_doubt_words(one, 24) == [
        "Counting the doubt about the model's assumptions as well (the total interval), Staged scope still measurably lowers it."
    ]
    two = lever_values(_levers(("staged_scope", -0.01, 0.005, 0.3, 0.0, -0.05, -0.1), ("open_motivations", -0.01, -0.01, 0.0, 0.0, -0.05, -0.1)))
    assert drop_doubt_words(two, 24) == [
        "Counting the doubt about the model's assumptions as well (the total interval), Staged scope no longer measurably lowers it.",
        "For Open motivations, the doubt about the assumptions could not be measured with 24 draws, so whether it still lowers collapse once"
        " that doubt is counted is not known.",
    ]
    four = lever_values(
        _levers(
            ("staged_scope", -0.01, 0.005, 0.3, 0.0, -0.05, -0.1),
            ("open_motivations", -0.01, -0.01, 0.0, 0.0, -0.05, -0.1),
            ("continuity_plan", -0.01, -0.002, 0.4, 0.0, -0.05, -0.1),
            ("it_harmonisation_first", -0.02, -0.02, 0.0, 0.0, -0.05, -0.1),
        )
    )
    assert drop_doubt_words(four, 24) == [
        "Counting the doubt about the model's assumptions as well (the total interval), of the 2 whose spread across the draws could be"
        " measured, Continuity plan still measurably lowers it; Staged scope no longer measurably lowers it.",
        "For Open motivations and IT harmonisation first, the doubt about the assumptions could not be measured with 24 draws, so whether"
        " they still lower collapse once that doubt is counted is not known.",
    ]
    assert drop_doubt_words(four, 0) == [], "without parameter draws there is no total interval to speak of"
    assert lever_caveat(four[0]) == " (though counting the doubt about the assumptions, it no longer measurably lowers collapse)"


def test_what_the_levers_do_to_net_savings_is_said_for_one_two_and_four_levers():
    """Notebook 02 worked out in its own cell which levers' net savings rise ("richer") or fall, which of those changes the total
    interval undoes ("doubtful") and which it could not test ("unmeasured"): now money_changes says which, money_words says it."""
    one = _levers(("staged_scope", -0.01, -0.005, 0.3, 0.1, 0.02, 0.01))
    assert money_words(money_changes(one), 1, 24) == [
        "Once a lever's own cost is paid, savings measurably rise with the one lever compared: Staged scope (GBP +0.10 m a partnership,"
        " 95% interval +0.02 to +0.12)."
    ]
    two = _levers(("staged_scope", -0.01, -0.005, 0.3, 0.1, 0.02, -0.01), ("open_motivations", -0.01, -0.01, 0.0, 0.0, -0.05, -0.05))
    assert [(c.lever, c.rises, c.doubt) for c in money_changes(two)] == [("Staged scope", True, "lost")]
    assert money_words(money_changes(two), 2, 24) == [
        "Once a lever's own cost is paid, savings measurably rise with 1 of 2 levers: Staged scope (GBP +0.10 m a partnership, 95% interval +0.02 to +0.12).",
        "Counting the doubt about the assumptions as well (the total interval), the change in net savings is no longer measurable for Staged scope.",
    ]
    four = _levers(
        ("staged_scope", -0.01, -0.005, 0.3, -0.3, -0.35, -0.4),
        ("open_motivations", -0.01, -0.01, 0.0, 0.03, 0.004, 0.004),
        ("continuity_plan", -0.01, -0.002, 0.4, -0.2, -0.25, -0.3),
        ("it_harmonisation_first", -0.02, -0.02, 0.0, -0.3, -0.35, -0.35),
    )
    assert [(c.lever, c.rises, c.doubt) for c in money_changes(four)] == [
        ("Open motivations", True, "untested"),
        ("Staged scope", False, ""),
        ("Continuity plan", False, ""),
        ("IT harmonisation first", False, "untested"),
    ]
    assert money_words(money_changes(four), 4, 24) == [
        "Once a lever's own cost is paid, savings measurably rise with 1 of 4 levers and fall with 3 of 4 levers: Open motivations (GBP +0.03 m"
        " a partnership, 95% interval +0.004 to +0.10); Staged scope (GBP -0.30 m a partnership, 95% interval -0.35 to -0.25); Continuity plan"
        " (GBP -0.20 m a partnership, 95% interval -0.25 to -0.15); IT harmonisation first (GBP -0.30 m a partnership, 95% interval -0.35 to -0.25).",
        "For Open motivations and IT harmonisation first, the doubt about the assumptions could not be measured with 24 draws, so whether the"
        " change in net savings holds once that doubt is counted is not known.",
    ]
    assert money_words([], 4, 24) == ["No lever measurably changes net savings once its own cost is paid."]


def test_the_levers_compared_are_said_with_what_the_model_assumes_they_do_how_fully_and_at_what_cost():
    """sim-compare, sim.compare's print and notebook 02 said of each lever what it changed and 'costs GBP 0.14 m per partnership',
    never what it is or what the model assumes it does (a committee reading 'Staged scope' or 'IT harmonisation first' had to open
    configs/policy/), nor that it runs at strength 0.6 of 1 and, with draws of the assumptions, at strengths from 0.3 to 0.9 and
    costs up to three times the stated ones. A line per lever now says so; a strength the user set is held, not drawn."""
    policies = ["none", "continuity_plan", "it_harmonisation_first"]
    configs = {policy: load("baseline", policy, ["levers.continuity_plan.strength=0.5"]) for policy in policies}
    drawn = uncertainty("prior", fixed=["levers.continuity_plan.strength"])
    head, continuity, harmonisation = lever_lines(configs, drawn)
    assert head == "The levers compared: what each is, what the model assumes it does, how fully it is carried out and what it costs:"
    assert continuity.startswith(
        "  Continuity plan, from Guide 08 case 01: assess the risk of dependence on key people and keep a business continuity plan for their"
        " loss. What the model assumes it does: case 01: less of the trust between individuals goes with a departing champion"
    ), continuity
    held = "Carried out at strength 0.5 (0 .. 1: how fully) from month 0; costs GBP 0.02 m at the start and GBP 0.01 m a year; in each draw"
    assert held in continuity and "strength from" not in continuity, continuity
    assert continuity.endswith("the cost at the start from GBP 0.016 to 0.06 m and the cost a year from GBP 0.008 to 0.03 m."), continuity
    assert "What the model assumes it does: laggards' IT maturity catches up with the leader" in harmonisation, harmonisation
    assert "in each draw of the assumptions, strength from 0.3 to 0.9, the cost at the start from GBP 0.12 to 0.45 m" in harmonisation, harmonisation
    held_all = lever_lines(configs)
    assert len(held_all) == 3 and not any("in each draw" in line for line in held_all), held_all
    assert held_all[2].endswith("Carried out at strength 0.6 (0 .. 1: how fully) from month 0; costs GBP 0.15 m at the start and GBP 0.05 m a year.")
    assert lever_lines({"none": configs["none"]}) == []
    frame = compare_policies({"none": _table(["sustained"] * 4, 0.0, [1.0] * 4), "it_harmonisation_first": _table(["sustained"] * 4, 0.2, [1.0] * 4)})
    assert held_all[1] not in render(frame)
    frame.attrs["levers"] = held_all
    assert "\n".join(held_all) + "\nWhat the words mean:" in render(frame)


def test_a_lever_compared_with_another_lever_says_how_much_more_or_less_it_costs():
    """sim-compare 'policies=[continuity_plan,it_harmonisation_first,staged_scope]' said 'IT harmonisation first, compared with
    continuity plan, ... costs GBP 0.60 m per partnership': read as what choosing it instead adds to the bill, it left out the
    GBP 0.11 m continuity plan costs too. With a reference that costs something, the sentence says how much more or less."""
    outcomes = ["sustained"] * 6
    frame = compare_policies(
        {
            "continuity_plan": _table(outcomes, 0.11, [1.0] * 6),
            "it_harmonisation_first": _table(outcomes, 0.6, [0.5] * 6),
            "staged_scope": _table(outcomes, 0.03, [1.1] * 6),
            "open_motivations": _table(outcomes, 0.11, [1.0] * 6),
            "nothing_new": _table(outcomes, 0.0, [1.1] * 6),
        }
    )
    assert "costs GBP 0.60 m per partnership, GBP 0.49 m more than continuity plan and " in sentence(frame, "it_harmonisation_first")
    assert "costs GBP 0.03 m per partnership, GBP 0.08 m less than continuity plan and " in sentence(frame, "staged_scope")
    assert "costs GBP 0.11 m per partnership, as much as continuity plan and " in sentence(frame, "open_motivations")
    assert "costs nothing, GBP 0.11 m less than continuity plan and " in sentence(frame, "nothing_new")
    against_none = compare_policies({"none": _table(outcomes, 0.0, [1.0] * 6), "staged_scope": _table(outcomes, 0.03, [1.1] * 6)})
    assert "costs GBP 0.03 m per partnership and " in sentence(against_none, "staged_scope")


def test_a_lever_compared_with_a_lever_prices_its_points_at_what_it_costs_more_and_one_cheaper_and_better_dominates():
    """With a lever as the reference (sim-compare 'policies=[continuity_plan,it_harmonisation_first,staged_scope]'), the cost per
    point and the paired 'cheaper than' test divided each lever's whole cost by the points it avoids compared with the reference,
    though the reference's own cost buys none of them: what buys them is what the lever costs more. Here Staged scope costs 0.2 more
    than the reference and avoids 10 points, IT harmonisation first 2.0 more for 30 (whole costs 1.2 and 3.0 ranked them the other
    way), and Open motivations avoids 5 points for 0.5 less than the reference: it dominates it, no price per point to pay."""
    n = 1000

    def lever(saved: int, cost: float) -> pd.DataFrame:
        return _table(["sustained"] * saved + ["collapsed"] * (n - saved), cost, [0.0] * n)

    frame = compare_policies(
        {"continuity_plan": lever(0, 1.0), "staged_scope": lever(100, 1.2), "it_harmonisation_first": lever(300, 3.0), "open_motivations": lever(50, 0.5)}
    )
    by_policy = frame.set_index("policy")
    assert by_policy.loc["staged_scope", ["lever_cost_difference", "lever_cost_difference_low", "lever_cost_difference_high"]].tolist() == pytest.approx(
        [0.2] * 3
    )
    assert np.isnan(by_policy.loc["continuity_plan", "lever_cost_difference"])
    assert by_policy.loc["staged_scope", "collapse_cheaper_than"] == "it_harmonisation_first"
    assert by_policy.loc["it_harmonisation_first", "collapse_cheaper_than"] == ""
    staged, harmonisation, motivations = lever_values(frame)
    assert (staged.per_point, harmonisation.per_point) == pytest.approx((0.02, 2.0 / 30))
    assert motivations.dominates and not staged.dominates and motivations.per_point < 0
    assert best_value([staged, harmonisation, motivations]) == (
        "The best value: Open motivations lowers collapse at no more cost than the policy compared with: it dominates it, with no cost per"
        " point to pay. Of the others, the best value: Staged scope, at GBP 0.020 m per percentage point of collapse avoided (95% interval"
        f" {staged.low:.3f} to {staged.high:.3f}), measurably less than any of the others (on the same simulated partnerships, the 95%"
        " interval of the difference between its cost per point and each other one's lies below zero)."
    )
    older = frame.drop(columns=[c for c in frame if c.startswith("lever_cost_difference")])  # a comparison.parquet written before the column
    assert [v.per_point for v in lever_values(older)] == pytest.approx([v.per_point for v in (staged, harmonisation, motivations)])
    resumed = frame.assign(lever_cost_difference=[np.nan, np.nan, 2.0, np.nan])  # a sweep's table holding rows written before the column
    assert [v.per_point for v in lever_values(resumed)] == pytest.approx([v.per_point for v in (staged, harmonisation, motivations)])


def _alike_costs() -> pd.DataFrame:
    """Against continuity plan (GBP 0.05 m every partnership), Staged scope and IT harmonisation first avoid 10 points of collapse at
    a cost that varies by partnership about the same mean: GBP 0.0005 m less and more on average, each paired interval holding zero."""
    n = 1000

    def lever(saved: int, cost: np.ndarray) -> pd.DataFrame:
        return pd.DataFrame({"rep": np.arange(n), "outcome": ["sustained"] * saved + ["collapsed"] * (n - saved), "lever_cost": cost, "net_savings": 0.0})

    swing = np.resize([0.01, -0.011], n)  # mean -0.0005, sd about 0.0105
    return compare_policies(
        {"continuity_plan": lever(0, np.full(n, 0.05)), "staged_scope": lever(100, 0.05 + swing), "it_harmonisation_first": lever(100, 0.05 - swing)}
    )


def test_a_lever_whose_cost_beyond_a_lever_cannot_be_told_from_nothing_neither_dominates_it_nor_has_a_price_per_point():
    """sim-compare scenario=case06_district_county 'policies=[agreed_decision_process,staged_scope]' seed=1 replications=400 gave Staged
    scope's cost beyond agreed decision process as -0.0012 m, paired interval -0.0033 to +0.0009 (each lever's costs drawn per draw of
    the assumptions, its running cost paid while the partnership lasts): the best value said 'it dominates it', the plot 'dominates
    agreed decision process: lowers collapse, costs less', the sentence 'GBP 0.001 m less than'; at 200 replications (+0.0010, interval
    -0.0012 to +0.0033) 'at GBP 0.000 m per percentage point ... (95% interval 0.000 to 0.000)'. The point value was read as known."""
    frame = _alike_costs()
    by_policy = frame.set_index("policy")
    assert by_policy.loc["staged_scope", "lever_cost_difference_low"] < 0 < by_policy.loc["staged_scope", "lever_cost_difference_high"]
    assert by_policy.loc["staged_scope", "lever_cost_difference"] < 0 < by_policy.loc["it_harmonisation_first", "lever_cost_difference"]
    staged, harmonisation = lever_values(frame)
    assert not staged.dominates and not staged.cost_told and not harmonisation.dominates and not harmonisation.cost_told
    said = best_value([staged, harmonisation])
    assert "dominate" not in said and "per percentage point" not in said, said
    assert said == (
        "The best value cannot be named: Staged scope lowers collapse, but what it costs beyond the policy compared with cannot be told from"
        " nothing (GBP 0.001 m less to 0.0002 m more per partnership, paired 95% interval): neither a price per point nor that it costs no"
        " more can be said. IT harmonisation first lowers collapse too, but what it costs beyond the policy compared with cannot be told"
        " from nothing (GBP 0.0002 m less to 0.001 m more per partnership, paired 95% interval): neither a price per point nor that it"
        " costs no more can be said."
    ), said
    words = sentence(frame, "staged_scope")
    assert "though what it costs beyond continuity plan cannot be told from nothing (GBP 0.001 m less to" in words and "less than continuity" not in words
    money = render(frame).split("GBP m per partnership")[1].splitlines()
    assert "cost not told apart" in money[2] and "cost not told apart" in money[3] and "-0.0005 [-0.001, +0.0002]" in money[2], money


def test_the_money_table_gives_what_a_lever_costs_beyond_a_lever_and_each_levers_cost_per_point_of_collapse_avoided():
    """sim-compare's money table gave each lever's whole cost and its net savings only: against continuity plan, what a lever costs
    beyond it (lever_cost_difference, what buys its points) and its cost per point of collapse avoided were in the sentence and the
    forest plot but in no table. Both now stand beside the lever cost, from comparison.extra_costs and lever_values."""
    n = 1000

    def lever(saved: int, cost: float) -> pd.DataFrame:
        return _table(["sustained"] * saved + ["collapsed"] * (n - saved), cost, [0.0] * n)

    against_lever = compare_policies({"continuity_plan": lever(0, 1.0), "staged_scope": lever(100, 1.2), "open_motivations": lever(50, 0.5)})
    staged = lever_values(against_lever)[0]
    lines = render(against_lever).split("GBP m per partnership")[1].splitlines()
    assert "beyond continuity plan, paired 95%" in lines[0] and "per point of collapse avoided" in lines[0]
    assert re.search(rf"1\.20 +\+0\.20 \[\+0\.20, \+0\.20\] +0\.020 \[{staged.low:.3f}, {staged.high:.3f}\] ", lines[2]), lines
    assert re.search(r"0\.50 +-0\.50 \[-0\.50, -0\.50\] +dominates ", lines[3]), lines
    assert lines[4] == "  money over the horizon: the lever cost is what a lever costs in all, its running cost paid while the partnership lasts"
    assert lines[5].startswith("  per point of collapse avoided: what a lever costs beyond continuity plan for each percentage point")
    against_none = compare_policies({"none": lever(0, 0.0), "staged_scope": lever(100, 0.2), "open_motivations": lever(0, 0.5)})
    lines = render(against_none).split("GBP m per partnership")[1].splitlines()
    assert "beyond" not in lines[0] and "per point of collapse avoided" in lines[0]
    assert re.search(r"0\.20 +0\.020 \[", lines[2]) and re.search(r"0\.50 +- +0\.00", lines[3]), lines
    assert lines[5] == (
        "  per point of collapse avoided: what a lever costs for each percentage point of collapse it measurably avoids, with the interval"
        " the points avoided give it ('-': it does not measurably lower collapse)"
    )
    # with parameter draws whose total interval holds no drop, the price is said as the forest plot's panel says it: if the drop holds
    doubted = against_none.assign(collapse_difference_total_low=[np.nan, -0.2, -0.1], collapse_difference_total_high=[np.nan, 0.01, 0.1])
    lines = render(doubted).split("GBP m per partnership")[1].splitlines()
    assert re.search(r"0\.20 +0\.020 \[\d\.\d{3}, \d\.\d{3}\] \(if the drop holds\) ", lines[2]), lines
    assert "'(if the ... holds)': counting the doubt about the assumptions, the drop in collapse or the rise in net savings it names" in lines[5]


def test_the_money_table_says_the_period_its_money_is_counted_over():
    """sim-compare's money table said 'GBP m per partnership' and a lever cost of 0.14 beside a lever line saying 'GBP 0.02 m at the
    start and GBP 0.01 m a year': the period (the horizon) was not said. sim-compare sets it (attrs), a frame without it says 'the horizon'."""
    frame = compare_policies({"none": _table(["sustained"] * 10, 0.0, [0.0] * 10), "continuity_plan": _table(["sustained"] * 10, 0.12, [0.0] * 10)})
    frame.attrs["horizon_months"] = 150
    money = "  money over 12.5 years (the horizon): the lever cost is what a lever costs in all, its running cost paid while the partnership lasts"
    assert money in render(frame).splitlines()
    frame.attrs.clear()
    assert "  money over the horizon: the lever cost" in render(frame)


def test_the_money_table_says_which_lever_is_measurably_the_least_per_point_as_the_forest_plot_does():
    """The forest plot wrote "measurably the least" after Staged scope's cost per point (it saves 200 of 1,000 partnerships, Open
    motivations 170 of those same 200, at the same cost), while sim-compare's printed money table and sim-report's (both from
    per_point_cells) gave the two costs per point side by side with nothing to say the run tells them apart. Both now say it, from
    the one rule (measurably_least), and the line under the table says what it means; where the run cannot tell them apart neither
    the table nor the plot marks either."""
    from sim.analysis.comparison import per_point_cells
    from sim.analysis.plots import forest_figure

    n = 1000

    def saved(count: int, first: int = 0, cost: float = 1.0) -> pd.DataFrame:
        outcome = np.where((np.arange(n) >= first) & (np.arange(n) < first + count), "sustained", "collapsed")
        return _table(list(outcome), cost, [0.0] * n)

    apart = compare_policies({"none": saved(0, cost=0.0), "staged_scope": saved(200), "open_motivations": saved(170)})
    cells = per_point_cells(apart, "(reference)")
    assert cells[1].endswith("] measurably the least") and "measurably" not in cells[2], cells
    marked = ["measurably the least" in t.get_text() for t in forest_figure(apart).axes[1].texts]
    assert marked == ["measurably the least" in cell for cell in cells[1:]] == [True, False]
    lines = render(apart).split("GBP m per partnership")[1].splitlines()
    assert "measurably the least" in lines[2] and "measurably" not in lines[3], lines
    assert "'measurably the least': on the same simulated partnerships, its cost per point is measurably below every other lever's" in lines[5]
    close = compare_policies({"none": saved(0, cost=0.0), "staged_scope": saved(200), "open_motivations": saved(190, first=200)})
    assert not any("measurably" in cell for cell in per_point_cells(close)) and "measurably the least" not in render(close)


def test_the_money_table_says_when_the_assumptions_doubt_could_undo_the_rank_as_the_forest_plot_does():
    """Staged scope saves 40 and Open motivations 10 of 50 partnerships in half the draws of the assumptions, 20 and 25 in the other
    half: the run tells Staged scope cheaper per point, but counting the doubt about the assumptions it cannot be told from Open
    motivations. The plot said "(if the rank holds: ...)"; the table now says "(if the rank holds)" too."""
    from sim.analysis.comparison import per_point_cells

    comparison = rank_in_doubt()
    cells = per_point_cells(comparison)
    assert cells[1].endswith("] measurably the least (if the rank holds)"), cells
    lines = render(comparison).split("GBP m per partnership")[1].splitlines()
    assert "or the rank it names undone" in lines[5], lines[5]
