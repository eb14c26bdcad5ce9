"""The plain-language first screen of a run: what was run, the words defined, sentences from the numbers, tables that say what they count."""

from __future__ import annotations

import pytest

from sim.analysis.summary import DEFINITIONS, METHODS, TERMS, Tally, horizon_words, list_titles, percent, plain_lines, render, what_was_run, with_share
from sim.config.scenarios import load
from sim.frontends.runner import Sinks, fixed, run_blocks
from sim.frontends.words import lower_first


@pytest.fixture(scope="module")
def summary() -> dict:
    tally = Tally(120)
    run_blocks(load("baseline", "none"), 8, fixed(800, 400), Sinks(tables=(tally,)))
    return tally.summary()


def test_what_was_run_names_scenario_policy_replications_seed_and_uncertainty():
    line = what_was_run({"scenario": "baseline", "policy": "none", "replications": 2000, "seed": 8})
    assert line.startswith("What was run: scenario baseline, policy none; 2,000 simulated partnerships, seed 8; uncertainty: none")
    assert "simulation noise only" in line
    line = what_was_run({"scenario": "baseline", "policies": ["none", "all_levers"], "replications": 500, "seed": 1, "uncertainty": "assumptions"})
    assert "policies none, all_levers (compared with none: no lever)" in line and "per policy" in line and line.endswith("uncertainty: assumptions")
    # the line said "compared with none" above sentences and tables that say "compared with no lever", never linking the two names
    other = what_was_run({"scenario": "baseline", "policies": ["continuity_plan", "all_levers"], "replications": 500, "seed": 1})
    assert "policies continuity_plan, all_levers (compared with continuity_plan);" in other


def test_what_was_run_names_the_model_parameters_changed_and_not_the_settings():
    overrides = {"scenario": "baseline", "policy": "none", "councils.0.it_maturity": 0.9, "decisions.noise": 0.1, "uncertainty": "none"}
    line = what_was_run({"scenario": "baseline", "policy": "none", "replications": 200, "seed": 3, "overrides": overrides})
    assert line.startswith("What was run: scenario baseline, policy none with councils.0.it_maturity=0.9, decisions.noise=0.1; 200 simulated")


def test_what_was_run_says_which_assumptions_a_run_with_draws_held_at_the_values_given():
    """'policy none with decisions.memory=0.3; ...; uncertainty: posterior' left it open whether 0.3 was held or drawn over."""
    run = {"scenario": "baseline", "policy": "none", "replications": 200, "seed": 0, "overrides": {"decisions.memory": 0.3}}
    held = what_was_run(run | {"uncertainty": "posterior", "held": ["decisions.memory"]})
    assert held.endswith("uncertainty: posterior (decisions.memory held at the value given, not drawn)")
    both = what_was_run(run | {"uncertainty": "prior", "held": ["decisions.memory", "decisions.noise"]})
    assert both.endswith("uncertainty: prior (decisions.memory and decisions.noise held at the values given, not drawn)")
    assert "held" not in what_was_run(run | {"uncertainty": "none", "held": []})


def test_every_outcome_word_and_term_is_defined_in_a_line(summary):
    text = render(summary)
    for word, meaning in {**DEFINITIONS, **TERMS}.items():
        assert f"  {word:<16}{meaning}" in text


@pytest.mark.parametrize(("months", "words"), [(120, "10 years"), (12, "1 year"), (150, "12.5 years"), (18, "1.5 years"), (125, "125 months")])
def test_the_first_sentence_says_the_horizon_as_a_reader_would(summary, months, words):
    """A 125-month horizon read "collapsed within 10.4167 years" and a 12-month one "within 1 years"; notebooks 01 and 02 said
    "within 12 years" of a 150-month one (``months // 12``): the sentence and the notebooks now use one function."""
    assert horizon_words(months) == words
    assert f" launched and then collapsed within {words} (" in plain_lines({**summary, "horizon_months": months})[0]


def test_the_sentences_quote_the_summary_numbers(summary):
    first, cause, trigger = plain_lines(summary)
    o = summary["outcomes"]
    assert f"Of {summary['replications']:,} proposed partnerships, {percent(o['shelved']['value'])} were shelved" in first
    assert f"{percent(o['collapsed']['value'])} launched and then collapsed within 10 years" in first
    assert f"(95% interval {o['collapsed']['low']:.1%} to {o['collapsed']['high']:.1%})" in first
    top = summary["causes_of_collapse"][0]
    assert cause.startswith(f"The most common cause of the collapses: {with_share(top['title'], f'{top["value"]:.0%} of them')}")
    assert ") (" not in cause, cause  # "Misaligned aspirations (case 03) (23% of them)"
    assert summary["triggers_of_collapse"][0]["title"] in trigger
    assert render(summary).startswith(first)


def test_causes_that_tie_for_the_lead_are_named_together(summary):
    tied = {**summary, "causes_of_collapse": [{**item, "count": 3, "value": 0.25} for item in summary["causes_of_collapse"][:2]]}
    a, b = (item["title"] for item in tied["causes_of_collapse"])
    assert plain_lines(tied)[1] == f"The most common causes of the collapses, equally: {a} and {lower_first(b)} (25% of them each)."


def test_a_lead_the_counts_cannot_tell_from_the_next_causes_says_so(summary):
    """Notebook 01 named the most common cause from 7 collapses against 6, as if it were clearly ahead; then it said why with a
    dangling "... and 6 other causes with 33 collapses": the count is now the reason, in words."""
    first, second, third, fourth = summary["causes_of_collapse"][:4]
    twenty = {**summary["outcomes"], "collapsed": {**summary["outcomes"]["collapsed"], "count": 20}}
    close = [{**first, "count": 7, "value": 0.35}, {**second, "count": 6, "value": 0.3}, {**third, "count": 0, "value": 0.0}]
    near = {**summary, "outcomes": twenty, "causes_of_collapse": close}
    assert plain_lines(near)[1] == (
        f"The most common cause of the collapses: {with_share(first['title'], '35% of them')}, "
        f"not clearly ahead of {with_share(lower_first(second['title']), '30%')}: 20 collapses are too few to tell them apart."
    )
    many = {**near, "causes_of_collapse": [{**first, "count": 7, "value": 0.35}, *({**item, "count": 5, "value": 0.25} for item in (second, third, fourth))]}
    assert plain_lines(many)[1].endswith(
        f"not clearly ahead of {with_share(lower_first(second['title']), '25%')}, {with_share(lower_first(third['title']), '25%')} and 1 other cause: "
        "20 collapses are too few to tell them apart."
    )
    clear = {**summary, "causes_of_collapse": [{**first, "count": 70, "value": 0.7}, {**second, "count": 20, "value": 0.2}]}
    assert plain_lines(clear)[1] == f"The most common cause of the collapses: {with_share(first['title'], '70% of them')}."


def test_a_share_goes_inside_the_brackets_a_title_ends_with():
    """Notebook 01: "A commercial experiment without enough guaranteed business (case 05) (21% of them)"."""
    assert with_share("Misaligned aspirations (case 03)", "23% of them") == "Misaligned aspirations (case 03; 23% of them)"
    assert with_share("A partner leaving", "45%") == "A partner leaving (45%)"


def test_each_table_says_whether_it_counts_collapses_or_all_failures(summary):
    text = render(summary)
    collapses = summary["outcomes"]["collapsed"]["count"]
    assert f"Cause of the {collapses:,} collapses (counts collapses only)" in text
    assert f"Trigger of the {collapses:,} collapses (counts collapses only)" in text
    assert "(counts shelved, collapsed and underperforming)" in text
    assert "Collapse within (all partnerships; counts collapses only)" in text


def test_causes_keep_their_case_number_even_when_cut(summary):
    text = render(summary)
    for item in summary["causes_of_collapse"][:5]:
        if item["case"].isdigit():
            assert f"(case {item['case']})" in text


def test_statistical_detail_only_with_detail(summary):
    plain, detailed = render(summary), render(summary, detail=True)
    assert "Wilson" not in plain and "Kaplan-Meier" not in plain
    assert all(line in detailed for line in METHODS)
    assert "Trigger of all" in detailed and "Trigger of all" not in plain
    assert len(detailed.splitlines()) > len(plain.splitlines())


def test_titles_in_one_list_start_in_lower_case_after_the_first():
    """docs/validation.md's trigger lists kept capitals mid-list ("No decision (...; 50%), The annual budget setting (10%)")."""
    assert list_titles(["No decision", "The annual budget setting", "IT harmonisation first"]) == [
        "No decision",
        "the annual budget setting",
        "IT harmonisation first",
    ]
    assert list_titles([]) == []


def test_a_small_share_never_reads_0_percent_and_a_lone_cause_is_not_the_most_common_of_one(summary):
    """Of 200 partnerships with one collapse: "0% launched and then collapsed (95% interval 0.1% to 2.8%)" and "The most common cause of
    the collapses: Misaligned aspirations (case 03; 100% of them)"."""
    one = {"count": 1, "value": 0.005, "low": 0.001, "high": 0.028}
    outcomes = {**summary["outcomes"], "collapsed": one, "shelved": {**one, "count": 7, "value": 0.035}, "underperforming": {**one, "count": 0, "value": 0.0}}
    cause, trigger = summary["causes_of_collapse"][0], summary["triggers_of_collapse"][0]
    lone = {
        **summary,
        "outcomes": outcomes,
        "causes_of_collapse": [{**cause, "count": 1, "value": 1.0}],
        "triggers_of_collapse": [{**trigger, "count": 1, "value": 1.0}],
    }
    first, causes, triggers = plain_lines(lone)
    assert "3.5% were shelved before launch and 0.5% launched and then collapsed within 10 years (95% interval 0.1% to 2.8%)" in first
    assert "0.0% were still going but underperforming" in first
    assert causes == f"The cause of the one collapse: {cause['title']}." and triggers == f"The trigger of the one collapse: {trigger['title']}."
    several = {**lone, "outcomes": {**outcomes, "collapsed": {**one, "count": 3}}, "causes_of_collapse": [{**cause, "count": 3, "value": 1.0}]}
    assert plain_lines(several)[1] == f"The cause of all 3 collapses: {cause['title']}."


def test_the_words_say_the_drawn_terms_of_a_run_with_draws_only():
    """render and the comparison's render each tested a run for draws twice and passed words terms(flag); words now takes the flag."""
    from sim.analysis.summary import DRAWN_TERMS, words

    plain, drawn = words(), words(drawn=True)
    assert plain == words(DEFINITIONS) and len(drawn) > len(plain)
    for name, meaning in DRAWN_TERMS.items():
        assert f"  {name:<16}{meaning}" in drawn and (f"  {name:<16}{meaning}" in plain) == (TERMS.get(name) == meaning), name


def test_the_tables_of_causes_and_triggers_add_up_to_their_heading(summary):
    """'Cause of the 281 collapses' listed the leading five, 207 collapses, and nothing said the rest were left out."""
    text = render(summary)
    assert sum(item["count"] > 0 for item in summary["causes_of_collapse"]) > 5, "the run has causes beyond the five shown"
    for heading in text.split("\n"):
        if not heading.startswith(("Cause of", "Trigger of")):
            continue
        total = int(heading.split()[3].replace(",", ""))  # Cause of the 281 collapses, Cause of all 1,107 failures
        rows = text.split(heading + "\n", 1)[1].split("\n")[1:]
        table = rows[: next(i for i, row in enumerate(rows) if not row.startswith("  "))]
        assert sum(int(row.split()[-1]) for row in table) == total, heading
    rest = sum(item["count"] for item in summary["causes_of_collapse"][5:])
    others = sum(item["count"] > 0 for item in summary["causes_of_collapse"][5:])
    assert f"  {others} other causes " in text and text.split(f"  {others} other causes ", 1)[1].split("\n")[0].endswith(f" {rest}")
    one = {**summary, "causes_of_collapse": summary["causes_of_collapse"][:6]}
    assert "  1 other cause " in render(one)
    assert "\n  1 other cause " not in render(one, detail=True), "the detail lists every cause"


def test_an_interval_at_the_stated_assumptions_is_not_called_the_range_of_the_true_share(summary):
    """A run with the assumptions held (uncertainty=none) defined 'interval' as 'the range the true share is in, given the
    replications run, 95 times out of 100': read by a committee, the true chance of their partnership, where it is the model's
    share at the assumptions' stated values, simulation noise alone."""
    text = render(summary)
    assert "true share" not in text
    meaning = [line for line in text.splitlines() if line.startswith("  interval ")]
    assert meaning == [f"  {'interval':<16}{TERMS['interval']}"], meaning
    for said in ("the model's share", "95 times out of 100", "assumptions at their stated values", "simulation noise only", "forecast for a real partnership"):
        assert said in TERMS["interval"], said
