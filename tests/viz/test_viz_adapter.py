"""The trainer's app's adapter: one Mesa run stepped, its tagged timeline, and why it ended."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from viz_support import ended_story_and_replay

from sim.config import cases
from sim.config.scenarios import config_root
from sim.core.contract import Mechanism, MechanismParams
from sim.core.jit import compiled
from sim.core.layout import layout
from sim.core.mechanisms import registered
from sim.frontends.narrative import GAVE_NOTICE, EventLog, Told, trigger_words
from sim.viz import adapter, stories


def story_run(case_id: str) -> adapter.Run:
    story = stories.story_for(case_id)
    assert story is not None
    return adapter.Run(story.scenario, seed=story.seed, replication=story.replication)


def test_an_event_from_published_research_is_tagged_research_without_its_citation():
    log = EventLog()
    log.add(30, "Southby DC", "felt held back by a slower partner", "coordination", 0.5)
    (item,) = (adapter.item_of(s) for s in log.stretches())
    assert (item.tag, item.case_id) == ("research", "")
    assert item.text == "felt held back by a slower partner - on a 0-1 scale of pace, it is 0.50 ahead of its slowest partner"
    assert item.line == f"Month 30 - Southby DC - {item.text} [research]"


def test_item_splits_the_narrated_line_into_when_who_what_tag_and_trigger():
    log = EventLog()
    log.add(14, "Northdale DC", "felt held back by a less mature partner", "case04_maturity_gap", 0.18, "Eastshire")
    log.add(15, "Northdale DC", "felt held back by a less mature partner", "case04_maturity_gap", 0.05, "Eastshire")
    log.add(20, "Westmere DC", "an election changed political control", "political_control", 0.1, trigger="election")
    log.add(22, "", "the business case was approved; setting up the shared IT begins")
    held, election, milestone = (adapter.item_of(s) for s in log.stretches())
    assert (held.month, held.when, held.who, held.tag, held.case_id, held.trigger) == (14, "Months 14-15", "Northdale DC", "case 04", "04", "")
    assert held.text == "felt held back by a less mature partner - most by Eastshire: on a 0-1 scale, its trust in its partners fell by 0.23 in all"
    assert (election.tag, election.case_id, election.trigger, election.trigger_words) == (
        "outside change",
        "",
        "election",
        "an election that changed political control",
    )
    assert election.line.endswith("[outside change, trigger: an election that changed political control]")
    assert (milestone.who, milestone.tag, milestone.trigger) == ("", "", "")
    assert len(log.lines()) == len(log.stretches())


def test_a_chief_executives_change_and_a_budget_shock_are_tagged_outside_change_not_milestone():
    """Every story's timeline chipped "Westmere DC - a budget shock hit" and "its chief executive announced their departure"
    as a "milestone", like the business case's approval: change from outside that the model books to no cause (an
    election, booked to one, was "outside change"; the page chips an item without a tag "milestone"). A milestone is the
    partnership's own (no council)."""
    log = EventLog()
    log.add(2, "Westmere DC", "its chief executive announced their departure", trigger="chief_executive_leaving")
    log.add(5, "Westmere DC", "a new chief executive took up post", trigger="new_chief_executive")
    log.add(9, "Northdale DC", "a budget shock hit", size=0.9, trigger="budget_shock")
    log.add(12, "", "the business case was approved; setting up the shared IT begins")
    leaving, arrived, shock, milestone = (adapter.item_of(s) for s in log.stretches())
    assert [i.tag for i in (leaving, arrived, shock)] == ["outside change"] * 3 and milestone.tag == ""
    assert shock.line.endswith("[outside change, trigger: a budget shock]")


def test_a_run_that_reaches_the_horizon_ends_its_timeline_with_the_horizon():
    """Case 07's story replayed with its lever: a council withdrew its notice in month 120, the horizon's month, and the
    timeline put "withdrew its notice" after "the simulated years are over: the partnership is still going" (the page's newest line,
    under the councils too, was the withdrawal). An ending without a trigger (the horizon) came first in its month, as an
    event does; every ending now comes last, as one with a trigger (shelved, collapsed) did."""
    log = EventLog()
    log.add(120, "Westmere DC", "withdrew its notice", "reorganisation", 0.4, trigger="budget_setting")
    log.add(120, "", "the simulated years are over: the partnership is still going")
    withdrew, ended = (adapter.item_of(s) for s in log.stretches())
    assert (withdrew.who, ended.headline) == ("Westmere DC", "the simulated years are over: the partnership is still going")
    assert log.lines()[-1] == "Month 120 - the partnership - the simulated years are over: the partnership is still going"


def test_an_items_headline_says_what_fired_and_what_opened_it_and_its_detail_the_rest():
    def item(who: str, what: str, after: str = "", why: str = "", size: str = "") -> adapter.Item:
        return adapter.Item(10, Told("Month 10", (who,) if who else (), what, after, why, size), "case 02", "02", "")

    shelved = item("", "the proposal was shelved", "a chief executive about to leave", "decision slippage: two councils")
    assert (shelved.headline, shelved.detail) == ("the proposal was shelved, after a chief executive about to leave", "mostly decision slippage: two councils")
    assert shelved.text == "the proposal was shelved, after a chief executive about to leave; mostly decision slippage: two councils"
    left = item("Westmere DC", "left the partnership", "a budget shock", "working together", "the value it saw was 0.30 of the promise")
    assert (left.headline, left.detail) == ("left the partnership, after a budget shock", "mostly working together - the value it saw was 0.30 of the promise")
    deferred = item("Westmere DC", "deferred its decision: its chief executive is about to leave", size="4 months before the successor arrives")
    assert (deferred.headline, deferred.detail) == ("deferred its decision: its chief executive is about to leave", "4 months before the successor arrives")
    assert deferred.line == f"Month 10 - Westmere DC - {deferred.headline} - {deferred.detail} [case 02]"
    milestone = item("", "the business case was approved; setting up the shared IT begins")
    assert (milestone.headline, milestone.detail, milestone.who) == (milestone.text, "", "")


def test_a_partnership_wide_line_names_the_partnership_as_the_models_handout_does():
    """The app's handout said 'Month 22 - the business case was approved', the model's 'Month 22 - the partnership - ...'."""
    log = EventLog()
    log.add(22, "", "the business case was approved; setting up the shared IT begins")
    log.add(30, "", "the partnership collapsed", "case01_key_person", trigger="partner_left")
    milestone, collapsed = (adapter.item_of(s) for s in log.stretches())
    assert log.lines()[0] == "Month 22 - the partnership - the business case was approved; setting up the shared IT begins"
    assert milestone.line == "Month 22 - the partnership - the business case was approved; setting up the shared IT begins"
    assert collapsed.line.startswith("Month 30 - the partnership collapsed, after ")
    assert collapsed.line.endswith("[case 01, trigger: a partner leaving]")


def test_councils_named_with_a_dash_or_a_comma_keep_their_names_their_lines_and_their_events(tmp_path: Path):
    """Names such as "Bristol, City of" or "North - South DC": the item took its parts back out of the narrated line,
    cut at its first " - " and "; mostly " (a council "West - Mere DC" read as "West" having "Mere DC - ..."), and the
    events of a council whose decision ended the run were found by cutting the councils' names at ", "."""
    names = {"Westmere DC": "West - Mere DC", "Eastshire": "Eastshire, County of"}
    scenario = (config_root() / "scenario" / "case01_key_person.yaml").read_text()
    for name, renamed in names.items():
        scenario = scenario.replace(f"name: {name}\n", f"name: {renamed}\n")
    (tmp_path / "scenario").mkdir()
    (tmp_path / "scenario" / "renamed.yaml").write_text(scenario)
    story = stories.story_for("01")
    assert story is not None
    runs = [adapter.Run(name, seed=story.seed, replication=story.replication, config_dir=tmp_path) for name in (story.scenario, "renamed")]
    for run in runs:
        run.run_to_end()

    def rename(text: str) -> str:
        for name, renamed in names.items():
            text = text.replace(name, renamed)
        return text

    plain, renamed = runs
    assert [(rename(i.who), rename(i.headline), rename(i.detail)) for i in plain.timeline()] == [(i.who, i.headline, i.detail) for i in renamed.timeline()]
    assert any(i.who == "West - Mere DC" for i in renamed.timeline())
    before, after = (run.why() for run in runs)
    assert before is not None and after is not None
    assert [(rename(d.council), tuple(map(rename, d.events))) for d in before.decisions] == [(d.council, d.events) for d in after.decisions]
    assert any(d.council == "Eastshire, County of" and d.events for d in after.decisions)


def test_a_story_run_records_its_history_and_says_why_it_ended():
    run = story_run("01")
    assert run.view().why is None and run.view().outcome_words == "still running"
    run.run_to_end()
    view = run.view()
    assert not view.running and view.outcome == "collapsed"
    assert len(view.months) == view.month + 1 == len(view.realised) == len(view.value[0]) == len(view.outside)
    last = [c for c in view.councils if not c.active and c.exit_month == view.month]
    assert last and all(not math.isnan(view.value[c.index][-1]) for c in last), "a council's month of exit is still drawn"
    why = view.why
    assert why is not None and why.cause == cases.BY_ID["01"].cause and why.case_id == "01"
    assert [d.council for d in why.decisions] == [c.name for c in last]
    first = why.decisions[0]
    assert first.trigger == last[0].exit_trigger and first.trigger_words and f"left in month {view.month}" in why.said(first).text
    assert first.taken and all(amount > 0 for _, amount in first.taken)
    assert why.trigger == run.trigger and why.trigger_words
    assert why.learning.lower().startswith(cases.BY_ID["01"].learning[:20].lower())
    assert [lv.name for lv in why.levers] == ["continuity_plan"]
    assert any(item.case_id == "01" for item in view.timeline)
    assert any(item.trigger for item in view.timeline), "events are tagged with their trigger"
    text = run.handout()
    assert "## Why did it end?" in text and "## Timeline" in text and "**Key learning**" in text


def test_a_council_that_gave_notice_is_explained_by_what_it_saw_when_it_decided():
    run = story_run("07")
    run.run_to_end()
    why = run.why()
    assert why is not None and why.outcome == "collapsed"
    noticed = [d for d in why.decisions if d.decided.startswith("gave notice in month ")]
    assert noticed, "the stored case 07 story ends with a council leaving after its notice"
    plan = run.model.plan
    for d in noticed:
        month = int(d.decided.split()[4])
        at = run.months.index(month)
        notice = next(e for e in reversed(run.model.events.entries) if e.council == d.council and e.what == GAVE_NOTICE)
        assert at < len(run.months) - 1 and notice.month == month and d.value_seen == notice.size
        assert d.taken[0][0] == plan.causes[plan.cause_index[d.cause]].words, "the cause it left for took most of the value it saw then"


def test_why_says_the_value_a_council_saw_as_it_decided_as_the_timeline_does():
    """Case 01's story: Eastshire saw 0.37 as it gave notice (the timeline), 0.36 by the month's end (Why said that)."""
    run = story_run("01")
    run.run_to_end()
    why = run.why()
    assert why is not None and why.decisions
    for d in why.decisions:
        notice = next(i for i in reversed(run.timeline()) if i.who == d.council and i.text.startswith(GAVE_NOTICE))
        assert f"the value it sees is {d.value_seen:.2f} of the promise" in notice.text, (adapter.decision_words(d), notice.text)


def test_a_collapse_no_council_left_says_what_ended_it_that_month():
    """Case 05's story collapses with every council still in: Why said only "after the end of a council's guarantee of
    business" (nine months earlier), not that the venture's reserves ran out that month."""
    run = story_run("05")
    run.run_to_end()
    why = run.why()
    assert why is not None and why.outcome == "collapsed" and not why.decisions
    m = run.model
    last = {e.what for e in m.events.entries if e.month == m.month and e.council and e.cause == m.cause}
    assert last and all(f"That month {what}" in why.headline for what in last), why.headline
    left = story_run("01")
    left.run_to_end()
    assert "That month" not in left.why().headline, "where councils left, that is what ended it"


def test_a_council_that_left_with_no_notice_period_is_not_said_to_have_given_notice_that_month():
    run = story_run("06")
    run.run_to_end()
    why = run.why()
    assert why is not None and why.decisions
    for d in why.decisions:
        assert not d.then and d.decided == f"left in month {why.month}", (d.decided, d.then)


def test_a_council_that_gave_notice_is_said_to_have_given_it_after_its_trigger_then_to_have_left():
    """Case 01's story: Eastshire gave notice in month 54 after a partner left, and left in month 68. Why said "gave
    notice in month 54 and left in month 68, after a partner leaving" (the trigger read as the leaving's), and of the
    councils that had left before only "left in month 47, after the annual budget setting" (their notices unsaid)."""
    run = story_run("01")
    run.run_to_end()
    view = run.view()
    why = view.why
    assert why is not None
    said = [(d.council, why.said(d)) for d in why.decisions] + list(why.earlier_exits)
    assert len(said) == 3
    for name, left in said:
        council = next(c for c in view.councils if c.name == name)
        gave = [e.month for e in run.model.events.entries if e.council == name and e.what == GAVE_NOTICE]
        assert gave and gave[-1] < council.exit_month
        after = trigger_words(council.exit_trigger)
        assert after and left.headline == f"gave notice in month {gave[-1]}, after {after}, and left in month {council.exit_month}", left


def test_a_shelved_story_names_the_councils_that_had_not_approved():
    run = story_run("02")
    run.run_to_end()
    why = run.why()
    assert why is not None and why.outcome == "shelved" and why.case_id == "02"
    assert why.trigger_words and why.trigger_words in why.headline
    approved = run.model.state.council["approved"][0]
    assert {d.council for d in why.decisions} == {c.name for c in run.model.councils if c.active and not approved[c.index]}
    assert all(d.decided == "had not approved the proposal" and d.events for d in why.decisions)


def test_step_reports_what_fired_once_not_every_month():
    run = story_run("05")
    fired: list[adapter.Item] = []
    while run.running:
        fired += run.step()
    assert fired and all(item.case_id or item.tag or item.text.startswith(tuple(adapter.DECISIONS)) for item in fired), "a mechanism's item names its source"
    lines = [(i.when, i.who, i.text) for i in fired]
    assert len(lines) == len(set(lines))
    everything = run.model.events.to_frame()
    repeated = everything.groupby(["what", "council"]).month.count().max()
    assert repeated > 1 and len(fired) < len(everything), "a loss that repeats every month fires once"


def test_the_replay_with_the_lever_ends_as_stored_and_a_sustained_run_has_no_decision_and_no_learning():
    story = stories.story_for("05")
    assert story is not None and story.outcome_with_levers == "sustained"
    replay = adapter.replay_of(story_run("05"), story.levers)
    replay.run_to_end()
    why = replay.why()
    assert why is not None and why.outcome == "sustained"
    assert not why.decisions and not why.learning and not why.cause and "nothing ended it" in why.headline


def test_matching_levers():
    assert adapter.matching_levers("case04_trading_company") == ("commercial_capability", "it_harmonisation_first")
    assert adapter.matching_levers("baseline", "case01_key_person") == ("continuity_plan",)
    assert adapter.matching_levers("baseline", "legacy_it") == ("it_harmonisation_first", "neutral_cloud_platform")
    assert adapter.matching_levers("baseline", "political_control") == ()
    assert adapter.matching_levers("baseline") == ()
    for cause in adapter.OTHER_LEARNINGS:
        assert set(adapter.learning_for(cause).levers) <= set(adapter.lever_names())


def test_the_side_bars_replay_offers_first_every_lever_the_cases_own_replay_switches_on_in_words():
    """For case 04 the side bar offered "Commercial capability" first, its replay that lever alone, while the case's own
    replay switches on commercial capability and IT harmonisation first."""
    choices = adapter.replay_choices("case04_trading_company")
    assert choices[0] == ("commercial_capability+it_harmonisation_first", "Commercial capability and IT harmonisation first")
    assert adapter.replay_levers(choices[0][0]) == adapter.matching_levers("case04_trading_company")
    for case in cases.CASES:
        choices = adapter.replay_choices(case.scenario)
        assert adapter.replay_levers(choices[0][0]) == case.levers, case.id
        assert {adapter.replay_levers(value) for value, _ in choices[1:]} == {(n,) for n in adapter.lever_names() if (n,) != case.levers}
    assert adapter.replay_choices("baseline") == [(n, adapter.policy_words(n)) for n in adapter.lever_names()]


def test_a_replay_adds_only_levers_the_run_has_not_on_already_and_says_what_they_did():
    """Replaying a run whose policy has the continuity plan on with the continuity plan "as well" named it in the replay's
    title and put its learning in the comparison, of a lever both runs had on."""
    run = adapter.Run("case01_key_person", "continuity_plan", seed=0, replication=107)
    assert run.enabled == ("continuity_plan",)
    assert adapter.replay_choices("case01_key_person", run.enabled)[0] == ("agreed_decision_process", "Agreed decision process")
    assert adapter.replay_choices("baseline", adapter.lever_names()) == []
    same = adapter.replay_of(run, ("continuity_plan",))
    both = adapter.replay_of(run, ("continuity_plan", "market_testing"))
    assert same.levers == () and both.levers == ("market_testing",) and both.enabled == ("continuity_plan", "market_testing")
    run.run_to_end()
    same.run_to_end()
    assert adapter.replay_learning(run.view(), same.view()) == ""
    assert adapter.replay_offer(run.view()) == ((), "Continuity plan is already on in this run: a replay with it would be the same run.")
    plain = adapter.Run("case01_key_person", seed=0, replication=107)
    plain.run_to_end()
    assert adapter.replay_offer(plain.view()) == (("continuity_plan",), "")


def test_the_handout_names_every_lever_that_carries_the_key_learning_as_the_page_does():
    run = story_run("04")
    run.run_to_end()
    assert "\n\nLevers that carry it: **Commercial capability**: " in run.handout()
    assert "; **IT harmonisation first**: " in run.handout()


def learnings_missing() -> list[str]:
    """What is wrong between the causes the registry books and the key learnings the app knows, a line each."""
    causes = {c.label for c in layout().causes}
    learned = {c.cause for c in cases.CASES} | set(adapter.OTHER_LEARNINGS)
    return [
        *(
            f"cause {cause!r} has no key learning for the trainer's app: a case of Guide 08 gets an entry in CASES "
            "(sim/config/cases.py), any other cause one in OTHER_LEARNINGS (sim/viz/adapter.py)"
            for cause in sorted(causes - learned)
        ),
        *(f"a key learning for cause {cause!r}, which nothing books" for cause in sorted(learned - causes)),
    ]


def test_every_cause_that_can_end_a_run_has_a_learning():
    assert not learnings_missing(), "\n".join(learnings_missing())


def test_a_new_mechanism_without_a_learning_is_named_with_where_to_add_one():
    @dataclass
    class Params(MechanismParams):
        """No parameters of its own."""

    @compiled
    def step(s, P, m, q, own, fx):
        """Does nothing."""

    with registered(Mechanism(name="study", cause="study_cause", case="study", title="A study", params=Params, step=step)):
        (line,) = [line for line in learnings_missing() if "'study_cause'" in line]
    assert line.startswith("cause 'study_cause' has no key learning") and "sim/config/cases.py" in line and "OTHER_LEARNINGS" in line


def test_replay_uses_the_same_seed_and_replication_and_fresh_copy_retells_the_story():
    run = adapter.Run("baseline", seed=5, replication=3)
    run.run_to_end()
    again = adapter.fresh_copy(run)
    assert again.month == 0
    again.run_to_end()
    assert again.view().timeline == run.view().timeline and again.outcome == run.outcome
    replay = adapter.replay_of(run, ("continuity_plan",))
    assert (replay.seed, replay.replication, replay.levers, replay.scenario) == (5, 3, ("continuity_plan",), "baseline")
    assert replay.model.config.levers["continuity_plan"].enabled and not run.model.config.levers["continuity_plan"].enabled


def test_users_own_scenarios(tmp_path: Path):
    (tmp_path / "scenario").mkdir()
    (tmp_path / "scenario" / "short_case01.yaml").write_text(
        "# @package _global_\ndefaults:\n  - case01_key_person\n  - _self_\npartnership:\n  horizon_months: 24\n"
    )
    assert "short_case01" in adapter.scenario_names(tmp_path)
    run = adapter.Run("short_case01", seed=1, replication=0, config_dir=tmp_path)
    run.run_to_end()
    assert run.horizon == 24 and run.month <= 24


def test_the_case_is_said_once_a_line_by_its_tag_not_again_in_the_text():
    run = story_run("01")
    run.run_to_end()
    items = run.timeline()
    decided = [i for i in items if i.text.startswith(("weighed the partnership", "left the partnership", "the partnership collapsed"))]
    assert decided and all(i.tag == "case 01" for i in decided)
    for item in items:
        assert f"({item.tag})" not in item.text, item.text
    assert "mostly over-dependency on key personnel - the value it saw was" in decided[-2].text
    assert decided[-2].line.endswith("[case 01, trigger: a partner leaving]")


def test_the_tag_is_left_out_of_the_narrated_line_not_cut_out_of_its_words():
    log = EventLog()
    log.add(14, "Northdale DC", "quoted the audit (case 04) to its cabinet", "case04_maturity_gap")
    (item,) = (adapter.item_of(s) for s in log.stretches())
    assert (item.text, item.tag) == ("quoted the audit (case 04) to its cabinet", "case 04")
    run = story_run("01")
    run.run_to_end()
    why = run.why()
    assert why is not None and (why.cause_words, why.cause_title) == ("Over-dependency on key personnel (case 01)", "Over-dependency on key personnel")


def test_what_a_leaving_council_saw_reads_with_its_unit_and_says_when_staying_still_looked_better():
    taken = (("Misaligned aspirations (case 03)", 0.35), ("Over-dependency on key personnel (case 01)", 0.12))
    left = adapter.Decision("Northdale DC", "gave notice in month 67 and left in month 69", "", "", "x", "", taken, 0.57, 0.27, ())
    assert adapter.decision_words(left) == (
        "Taken from the value it saw: misaligned aspirations (case 03), 0.35 of the promise; over-dependency on key personnel (case 01), 0.12."
        " It saw 0.57 of the promise against 0.27 for going alone: staying still looked better, so leaving was the less likely choice"
        " (a council does not always decide by the numbers)."
    )
    worse = adapter.Decision("Eastshire", "left in month 68", "", "", "x", "", taken[:1], 0.30, 0.35, ())
    assert adapter.decision_words(worse).endswith("It saw 0.30 of the promise against 0.35 for going alone: leaving looked better.")
    even = adapter.Decision("Northdale DC", "left in month 116", "", "", "x", "", taken[:1], 0.3611, 0.3584, ())
    assert adapter.decision_words(even).endswith("It saw 0.36 of the promise against 0.36 for going alone: staying and leaving looked about the same.")
    shelved = adapter.Decision("Westmere DC", "had not approved the proposal", "", "", "x", "", taken[:1], 1.1, 0.4, ())
    assert adapter.decision_words(shelved).endswith("It saw 1.10 of the promise against 0.40 for going alone.")


def test_a_run_and_its_replay_are_named_in_one_place():
    assert adapter.run_name(()) == "As it happened" and adapter.run_name(("continuity_plan",)) == "With continuity plan"
    assert adapter.replay_title(("commercial_capability", "it_harmonisation_first")) == "Replay with commercial capability and IT harmonisation first"
    run = adapter.Run("case01_key_person", levers=("continuity_plan",))
    assert run.label == "Case 01: Over-dependency on key personnel, with continuity plan"
    assert run.handout().startswith(f"# {run.label} (seed 0, replication 0)\n")
    assert adapter.policy_label("continuity_plan") == adapter.lever_info("continuity_plan").label == "Continuity plan"
    assert not hasattr(adapter, "lever_label"), "policy_words names a lever: no second name for it"


def test_a_decision_says_whether_the_council_left():
    left = adapter.Decision("Eastshire", "gave notice in month 67 and left in month 69", "", "", "x", "", (), 0.3, 0.35, ())
    shelved = adapter.Decision("Westmere DC", "had not approved the proposal", "", "", "x", "", (), 1.1, 0.4, ())
    assert left.left and not shelved.left


def test_an_ended_runs_deciding_councils_are_worked_out_once(monkeypatch):
    """Each redraw of an ended run (a replay's other run playing on) asked why it ended, and each time the deciding councils
    were worked out afresh, the run's timeline rebuilt for their events; an ended run no longer changes."""
    story = stories.story_for("01")
    assert story is not None
    run = adapter.Run(story.scenario, seed=story.seed, replication=story.replication)
    run.run_to_end()
    first = run.why()
    assert first is not None and first.decisions and any(d.events for d in first.decisions)
    built = []
    item_of = adapter.item_of
    monkeypatch.setattr(adapter, "item_of", lambda stretch: built.append(stretch) or item_of(stretch))
    assert run.why() == first and run.view().why == first
    assert len(built) == len(run.model.events.stretches()), "only the view's own timeline is built again"


def test_the_milestones_say_the_status_lines_words_in_the_timeline_and_the_models_log_alike():
    """Case 06's story goes through every phase; its timeline said "the business case was approved; integration begins"
    and "integration is complete; the shared service is fully operating" while the status line said "setting up" and
    "sharing IT": "integration" a modeller's word in a room. The model says the status line's words, so the page, its
    handout and the event log (and so events.parquet) say the same."""
    run = story_run("06")
    run.run_to_end()
    lines = [item.line for item in run.timeline()]
    for words in ("the business case was approved; setting up the shared IT begins", "the shared IT is set up; the shared service now runs in full"):
        assert sum(words in line for line in run.model.events.lines()) == 1, words
        assert sum(words in line for line in lines) == 1, words
    assert not [line for line in [*lines, *run.model.events.lines()] if "integration" in line]
    assert "integration" not in run.handout()


def test_a_replay_that_outlasted_the_original_only_as_the_years_ran_out_says_one_run_cannot_tell_delayed_from_prevented():
    """Case 06's story collapsed in month 116; its replay with staged scope was "sustained to month 120" and the page said
    the difference was the lever's, nothing of the four months between: a room took it that the lever saves such a
    partnership. It now says the lever put the collapse off in this run, and that one run cannot say whether it would have
    prevented it; a replay that outlasted the original by years (case 02's, case 07's) is not said to."""
    original, treated = (run.view() for run in ended_story_and_replay("06"))
    assert (original.outcome, original.month, treated.outcome, treated.month) == ("collapsed", 116, "sustained", 120)
    said = adapter.replay_learning(original, treated)
    assert (
        "But the replay outlasted the original by only 4 months, to the end of the simulated years (month 120): in this run the lever put off"
        " the collapse; whether it would have prevented it, one run (one draw of the shocks) cannot say." in said
    ), said
    for case in ("02", "07"):
        assert "outlasted" not in adapter.replay_learning(*(run.view() for run in ended_story_and_replay(case))), case
