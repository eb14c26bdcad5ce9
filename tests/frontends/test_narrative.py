"""The event log in plain language: lines, grouping, merging, table and handout."""

from __future__ import annotations

import re

import numpy as np
import pytest

from sim import population
from sim.config import scenarios
from sim.core import decisions, exogenous, kernel
from sim.core.contract import LOST_VALUE, Event, Reading
from sim.core.layout import EventKind, layout
from sim.core.mechanisms import mechanisms
from sim.frontends.narrative import (
    COLUMNS,
    ENDINGS,
    GAVE_NOTICE,
    LEFT,
    UNKNOWN,
    Decided,
    Entry,
    EventLog,
    Told,
    case_of,
    decided,
    explain,
    left_words,
    line,
    reading,
    source,
    tell,
)


def champion_left(month: int = 14, council: str = "Northdale DC", size: float = 0.18) -> Entry:
    return Entry(month, council, "case01_key_person", "01", "its champion left", size)


def test_an_entry_reads_as_one_line() -> None:
    assert (
        champion_left().text
        == "Month 14 - Northdale DC - its champion left (case 01) - on a 0-1 scale, trust between its people and each partner's fell by 0.18"
    )


def test_an_event_concerning_one_partner_names_it() -> None:
    log = EventLog()
    log.add(14, "Northdale DC", "felt held back by a less mature partner", "case04_maturity_gap", 0.02, "Eastshire CC")
    log.add(15, "Northdale DC", "felt held back by a less mature partner", "case04_maturity_gap", 0.02, "Westmere DC")
    log.add(16, "Southby DC", "tensions over sovereignty and service priorities", "case06_scope_tension", 0.04, "Eastshire CC")
    assert log.lines() == [
        "Month 14 - Northdale DC - felt held back by a less mature partner (case 04)"
        " - most by Eastshire CC: on a 0-1 scale, its trust in its partners fell by 0.02",
        "Month 15 - Northdale DC - felt held back by a less mature partner (case 04)"
        " - most by Westmere DC: on a 0-1 scale, its trust in its partners fell by 0.02",
        "Month 16 - Southby DC - tensions over sovereignty and service priorities (case 06)"
        " - most with Eastshire CC; this takes 0.04 of the promise from the value it sees",
    ]
    assert list(log.to_frame()["partner"]) == ["Eastshire CC", "Westmere DC", "Eastshire CC"]


def test_councils_hit_alike_in_one_month_read_each_not_it() -> None:
    """Notebook 03: "Northdale DC, Westmere DC, Eastshire - a budget shock hit - savings now count for 94% more when it weighs the
    partnership" and "Northdale DC, Eastshire - approved the proposal (case 02) - the chance it would approve was 93%"."""
    log = EventLog()
    for council in ("Northdale DC", "Eastshire"):
        log.add(12, council, "a budget shock hit", "", 0.94)
        log.add(15, council, "approved the proposal", "case02_decision_slippage", 0.93)
        log.add(16, council, "market testing sized the venture to its guaranteed base", "case05_commercial_venture", 0.8)
    log.add(18, "Southby DC", "approved the proposal", "case02_decision_slippage", 0.7)
    assert log.lines() == [
        "Month 12 - Northdale DC, Eastshire - a budget shock hit (outside change) - savings now count for 94% more when each weighs"
        " the partnership (easing over about two years)",
        "Month 15 - Northdale DC, Eastshire - approved the proposal (case 02) - the chance each would approve was 93%",
        "Month 16 - Northdale DC, Eastshire - market testing sized the venture to its guaranteed base (case 05) - its costs were set at 80% of the plan",
        "Month 18 - Southby DC - approved the proposal (case 02) - the chance it would approve was 70%",
    ]


def test_each_reading_said_of_several_councils_is_its_own_declared_form_not_a_rewrite_of_its_words() -> None:
    """ "its trust in its partners" had no "it", so two councils read "its trust"; "it had guaranteed 40% of its business" read "of their business"."""
    log = EventLog()
    for council in ("Northdale DC", "Eastshire"):
        log.add(14, council, "felt held back by a less mature partner", "case04_maturity_gap", 0.02, "Westmere DC")
        log.add(20, council, "its guarantee of business to the venture ended", "case05_commercial_venture", 0.4)
    assert log.lines() == [
        "Month 14 - Northdale DC, Eastshire - felt held back by a less mature partner (case 04)"
        " - most by Westmere DC: on a 0-1 scale, the trust each has in its partners fell by 0.02",
        "Month 20 - Northdale DC, Eastshire - their guarantees of business to the venture ended (case 05) - each had guaranteed 40% of its business",
    ]


COUNCILS_NOT_THE_SUBJECT = {  # sentences and readings with "it" or "its" that speak of the venture or the service
    "the venture's reserves ran out: it is unsustainable",
    "market testing sized the venture to its guaranteed base",
    "its costs were set at {size:.0%} of the plan",
    "market testing showed the guaranteed base could not carry a venture: it did not go commercial",
    "its revenue was expected to reach only {size:.0%} of break-even",
    "the rebrand waits until the service has built its reputation",
    "the service was rebranded; internal customers began to treat it as an outside supplier",
}


def missing_plurals(kinds: list[EventKind]) -> list[str]:
    """One line per sentence or reading of ``kinds`` (and :data:`LOST_VALUE`) that says "it"/"its" of a council without its form for several."""
    declared = [(f"event {kind.event.what!r} (cause {kind.cause or 'none'})", kind.event) for kind in kinds]
    pairs = [(where, "Event(what, ..., several=...)", e.what, e.several) for where, e in declared]
    for where, r in [(where, e.reading) for where, e in declared] + [("LOST_VALUE (sim.core.contract)", LOST_VALUE)]:
        pairs += [
            (where, "Reading(template, ..., several=...)", r.template, r.several),
            (where, "Reading(..., several_naming=...)", r.naming, r.several_naming),
        ]
    found = [
        f"{where}: {text!r} says it/its of one council, with no form for several councils hit alike in one month: give {what}"
        for where, what, text, several in pairs
        if text and re.search(r"\bits?\b", text) and several is None and text not in COUNCILS_NOT_THE_SUBJECT
    ]
    return list(dict.fromkeys(found))


def test_every_event_that_says_it_of_a_council_declares_a_form_for_several_councils() -> None:
    """Driven by the registry: a mechanism's sentence or reading that says "it"/"its" of a council declares, beside it, its form for several."""
    kinds = list(layout().events)
    problems = missing_plurals(kinds)
    assert not problems, "\n".join(problems)
    pairs = [(e.what, e.several) for e in (kind.event for kind in kinds)]
    for r in [kind.event.reading for kind in kinds] + [LOST_VALUE]:
        pairs += [(r.template, r.several), (r.naming, r.several_naming)]
    assert not [several for _, several in pairs if several and re.search(r"\bit\b", several)], "a form for several still says it"
    assert not [text for text, several in pairs if several and not text], "a form for several of nothing"


def test_a_sentence_without_its_form_for_several_is_named_with_its_cause_and_what_to_give() -> None:
    """The test said only "Left contains one more item: 'its staff clashed ...'", naming neither the mechanism nor the fix."""
    kind = EventKind(
        "culture_clash", Event("its staff clashed with a partner's", Reading("its strain is {size:level}", several="each one's strain is {size:level}"))
    )
    assert missing_plurals([kind]) == [
        'event "its staff clashed with a partner\'s" (cause culture_clash): "its staff clashed with a partner\'s" says it/its of one council,'
        " with no form for several councils hit alike in one month: give Event(what, ..., several=...)"
    ]


def test_an_event_two_councils_share_in_one_month_reads_for_both() -> None:
    log = EventLog([champion_left(14, "Northdale DC"), champion_left(14, "Westmere DC"), champion_left(15, "Southby DC", 0.1)])
    assert log.lines() == [
        "Month 14 - Northdale DC, Westmere DC - their champions left (case 01) - on a 0-1 scale, trust between their people and each partner's fell by 0.18",
        "Month 15 - Southby DC - its champion left (case 01) - on a 0-1 scale, trust between its people and each partner's fell by 0.10",
    ]


def test_sources_and_sizes() -> None:
    log = EventLog()
    log.add(3, "Westmere DC", "a budget shock hit", "", 0.5)
    log.add(9, "", "the business case was approved; setting up the shared IT begins")
    log.add(20, "Eastshire", "the venture's reserves ran out: it is unsustainable", "case05_commercial_venture", 0.25)
    log.add(21, "Southby DC", "a new champion took up the role", "case01_key_person")
    log.add(22, "Southby DC", "something new", "legacy_it", 0.5)
    log.add(23, "Westmere DC", "an election changed political control", "political_control", -0.06)
    assert log.lines() == [
        "Month 3 - Westmere DC - a budget shock hit (outside change) - savings now count for 50% more when it weighs the partnership"
        " (easing over about two years)",
        "Month 9 - the partnership - the business case was approved; setting up the shared IT begins",
        "Month 20 - Eastshire - the venture's reserves ran out: it is unsustainable (case 05) - the venture's revenue is 25% short of break-even",
        "Month 21 - Southby DC - a new champion took up the role (case 01)",
        "Month 22 - Southby DC - something new (Getting IT right)",
        "Month 23 - Westmere DC - an election changed political control (outside change)"
        " - its new administration's doctrine on sharing adds 0.06 of the promise to the value it sees",
    ]
    assert case_of("political_control") == "exogenous" and case_of("budget_shock") == "" and case_of("") == ""
    # change from outside booked to no cause is outside change in the log itself (its case column and every line), not only on the app's chip
    assert case_of("", "a budget shock hit") == "exogenous" and case_of("", "the business case was approved; setting up the shared IT begins") == ""
    assert list(log.to_frame()["case"])[:2] == ["exogenous", ""] and "(outside change)" in log.entries[0].text
    assert source("01") == "(case 01)" and source("") == ""
    assert source("Elston et al. 2024") == "(research)" and source("Guide 08 problem 01") == "(Guide 08 problem 01)"
    assert explain("coordination") == "Working together: coordination costs, early disruption, imbalance of pace (research)"
    assert explain("case01_key_person") == "Over-dependency on key personnel (case 01)"
    assert explain("none") == ""


def test_a_decision_says_what_opened_it_and_what_had_taken_most_of_the_value() -> None:
    notice = decisions.EVENTS[decisions.Ev.GAVE_NOTICE].what
    log = EventLog()
    log.add(40, "Northdale DC", notice, "case03_misaligned_aspirations", 0.42, trigger="election")
    log.add(52, "", "the partnership collapsed", "case03_misaligned_aspirations", trigger="partner_left")
    log.add(53, "Southby DC", notice, "", 0.3, trigger="budget_setting")
    assert log.lines() == [
        "Month 40 - Northdale DC - weighed the partnership and gave notice to leave, after an election that changed political control;"
        " mostly misaligned aspirations (case 03) - the value it sees is 0.42 of the promise",
        "Month 52 - the partnership collapsed, after a partner leaving; mostly misaligned aspirations (case 03)",
        "Month 53 - Southby DC - weighed the partnership and gave notice to leave, after the annual budget setting - the value it sees is 0.30 of the promise",
    ]
    below = EventLog([Entry(60, "Westmere DC", "", "", decisions.EVENTS[decisions.Ev.LEFT].what, -0.12)])
    assert below.lines() == ["Month 60 - Westmere DC - left the partnership - the value it saw was 0.12 of the promise below nothing"]
    assert list(log.to_frame()["trigger"]) == ["election", "partner_left", "budget_setting"]


def test_a_decision_is_said_from_its_parts_in_a_sentence_and_in_a_list() -> None:
    """The words of a decision (", after <trigger>", "; mostly <cause>") were built in five places; each now says a
    :class:`Decided`, the timeline's lines included, and a list's items differ only in the comma before "mostly"."""
    left = decided("left in month 47", "budget_shock", "case01_key_person")
    assert left == Decided("left in month 47", "a budget shock", "over-dependency on key personnel (case 01)")
    assert left.text == "left in month 47, after a budget shock; mostly over-dependency on key personnel (case 01)"
    assert left.listed == "left in month 47, after a budget shock, mostly over-dependency on key personnel (case 01)"
    assert decided("left in month 47", "budget_shock", "case01_key_person", tagged=False).why == "over-dependency on key personnel"
    assert decided("left", "none", "none") == Decided("left") and Decided("left").text == Decided("left").listed == "left"
    assert Decided("", "a budget shock", "working together").listed == "after a budget shock, mostly working together"
    assert Decided("left", why="working together").text == "left; mostly working together"
    noticed = Decided("gave notice in month 54", "a partner leaving", "working together", "left in month 68")
    assert noticed.listed == "gave notice in month 54, after a partner leaving, and left in month 68, mostly working together"
    assert Decided("gave notice in month 54", then="left in month 68").text == "gave notice in month 54 and left in month 68"
    notice = decisions.EVENTS[decisions.Ev.GAVE_NOTICE].what
    told = tell(40, 40, ["Northdale DC"], Entry(40, "Northdale DC", "case03_misaligned_aspirations", "03", notice, 0.42, trigger="election"), 0.42)
    assert told.decided == decided(notice, "election", "case03_misaligned_aspirations")
    assert told.text == f"{told.decided.text} - {told.size}" and told.headline == told.decided.headline


def test_a_council_that_left_on_its_notice_is_said_to_have_given_it_after_its_trigger_then_to_have_left() -> None:
    """The notice a council left on is looked up in one place (:meth:`EventLog.notice`): the trainer's page found it in
    the log, the model's councils did not, and :meth:`~sim.frontends.agents.Council.explain_exit` said "left in month
    68, after a partner leaving" of a council whose notice (month 54), not its leaving, that trigger had opened."""
    log = EventLog()
    log.add(40, "Eastshire", GAVE_NOTICE, "case01_key_person", 0.4, trigger="agreement_review")
    log.add(54, "Eastshire", GAVE_NOTICE, "case01_key_person", 0.37, trigger="partner_left")
    log.add(54, "Westmere DC", GAVE_NOTICE, "coordination", 0.3)
    log.add(60, "Westmere DC", LEFT, "coordination", 0.3)
    log.add(60, "Westmere DC", GAVE_NOTICE, "coordination", 0.2)
    log.add(70, "Eastshire", GAVE_NOTICE, "case01_key_person", 0.2)
    notice = log.notice("Eastshire", 68)
    assert notice is not None and (notice.month, notice.size) == (54, 0.37)
    assert log.notice("Eastshire", -1) is None and log.notice("Northdale DC", 68) is None
    assert log.notice("Westmere DC", 60).size == 0.2, "its last notice by the month it left"
    said = left_words(54, 68, "partner_left", "case01_key_person")
    assert said.text == "gave notice in month 54, after a partner leaving, and left in month 68; mostly over-dependency on key personnel (case 01)"
    for noticed in (-1, 68):  # no notice, or none to serve: it left the month it gave it
        assert left_words(noticed, 68, "partner_left", "none") == Decided("left in month 68", "a partner leaving")


def test_an_exit_on_a_notice_given_earlier_says_the_notice_and_what_opened_it_not_as_if_it_came_as_the_council_left() -> None:
    """Northdale DC gave notice in month 42 after a budget shock and left in month 54: the timeline's exit line said
    "Month 54 - Northdale DC - left the partnership, after a budget shock", as if the shock had come as it left. It now
    says the notice it left on; a council that left the month it gave notice (none to serve) still left "after" it."""
    log = EventLog()
    log.add(42, "Northdale DC", GAVE_NOTICE, "coordination", 0.6, trigger="budget_shock")
    log.add(42, "Southby DC", GAVE_NOTICE, "coordination", 0.6, trigger="budget_shock")
    log.add(45, "Westmere DC", GAVE_NOTICE, "coordination", 0.5, trigger="budget_shock")
    log.add(54, "Eastshire CC", GAVE_NOTICE, "coordination", 0.38, trigger="budget_shock")
    for council in ("Northdale DC", "Southby DC", "Westmere DC", "Eastshire CC"):
        log.add(54, council, LEFT, "coordination", 0.38, trigger="budget_shock")
    mostly = "; mostly working together: coordination costs, early disruption, imbalance of pace (research) - the value {} saw was 0.38 of the promise"
    assert log.lines()[3:] == [
        "Month 54 - Northdale DC, Southby DC - left the partnership, on the notices they gave in month 42 (after a budget shock)" + mostly.format("each"),
        "Month 54 - Westmere DC - left the partnership, on the notice it gave in month 45 (after a budget shock)" + mostly.format("it"),
        "Month 54 - Eastshire CC - left the partnership, after a budget shock" + mostly.format("it"),
    ]
    told = tell(54, 54, ["Westmere DC"], log.entries[-2], 0.38, tagged=False)
    assert (told.after, told.on) == ("a budget shock", "the notice it gave in month 45"), "its parts: what opened the notice, and the notice"
    assert told.headline == "left the partnership, on the notice it gave in month 45 (after a budget shock)"
    assert Decided("left", on="the notice it gave in month 45").headline == "left, on the notice it gave in month 45"
    assert told.detail.startswith("mostly working together: coordination costs, early disruption, imbalance of pace - ")
    assert [e.noticed for e in log.entries] == [-1, -1, -1, -1, 42, 42, 45, 54]


def test_one_rule_says_whether_a_council_left_on_a_notice_given_earlier() -> None:
    """The "no notice to serve" rule (``0 <= noticed < exit month``) was checked in both left_words (the trainer's 'Why did it end?')
    and tell (the timeline's exit line): both now ask on_notice, so the two cannot come to say it differently."""
    from sim.frontends import narrative

    assert narrative.on_notice(42, 54) and not narrative.on_notice(-1, 54) and not narrative.on_notice(54, 54)
    log = EventLog()
    log.add(42, "Northdale DC", GAVE_NOTICE, "coordination", 0.6, trigger="budget_shock")
    log.add(54, "Northdale DC", LEFT, "coordination", 0.38, trigger="budget_shock")
    exit_entry = log.entries[-1]
    assert left_words(42, 54, "budget_shock", "none").then and tell(54, 54, ["Northdale DC"], exit_entry, 0.38).on
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(narrative, "on_notice", lambda noticed, exit_month: False)
        assert left_words(42, 54, "budget_shock", "none") == Decided("left in month 54", "a budget shock")
        assert tell(54, 54, ["Northdale DC"], exit_entry, 0.38).on == ""


def test_a_line_and_a_cause_can_be_worded_without_their_source_for_a_page_that_shows_it_beside() -> None:
    assert explain("case01_key_person", tagged=False) == "Over-dependency on key personnel"
    assert explain("none", tagged=False) == ""
    quoted = Entry(14, "Northdale DC", "case04_maturity_gap", "04", "quoted the audit (case 04) to its cabinet", 0.0)
    assert line(14, 14, ["Northdale DC"], quoted, 0.0) == "Month 14 - Northdale DC - quoted the audit (case 04) to its cabinet (case 04)"
    assert line(14, 14, ["Northdale DC"], quoted, 0.0, tagged=False) == "Month 14 - Northdale DC - quoted the audit (case 04) to its cabinet"
    ended = Entry(52, "", "case03_misaligned_aspirations", "03", "the partnership collapsed", 0.0, trigger="partner_left")
    collapsed = "Month 52 - the partnership collapsed, after a partner leaving; mostly misaligned aspirations"
    assert line(52, 52, [""], ended, 0.0, tagged=False) == collapsed


def test_a_line_is_told_in_its_parts_and_joined_from_them() -> None:
    """What happened, what opened a decision, its main cause and the size of the effect stay parts (a page shows them
    apart) whatever their words: a council named "North - South DC" or a sentence with " - " in it."""
    notice = decisions.EVENTS[decisions.Ev.GAVE_NOTICE].what
    entry = Entry(40, "North - South DC", "case03_misaligned_aspirations", "03", notice, 0.42, trigger="election")
    told = tell(40, 40, ["North - South DC"], entry, 0.42)
    after, why, size = "an election that changed political control", "misaligned aspirations (case 03)", "the value it sees is 0.42 of the promise"
    assert told == Told("Month 40", ("North - South DC",), notice, after, why, size)
    assert (told.headline, told.detail) == (f"{notice}, after {after}", f"mostly {why} - {size}")
    assert told.line == line(40, 40, ["North - South DC"], entry, 0.42) == f"Month 40 - North - South DC - {notice}, after {after}; mostly {why} - {size}"
    dashed = tell(7, 8, ["", ""], Entry(7, "", "", "", "a review - at last - came back"), 0.0)
    assert (dashed.who, dashed.headline, dashed.detail) == ("", "a review - at last - came back", "")
    assert dashed.line == "Months 7-8 - the partnership - a review - at last - came back"


def test_a_loss_too_small_to_show_at_two_decimals_reads_less_than_001() -> None:
    what = "a change exposed aims that differ from its partners'"
    log = EventLog([Entry(30, "Westmere DC", "case03_misaligned_aspirations", "03", what, 0.003)])
    assert log.lines() == [f"Month 30 - Westmere DC - {what} (case 03) - a poorer fit with its aims took less than 0.01 of the promise from the value it sees"]


def test_councils_hit_alike_share_a_line() -> None:
    what = "the council was reorganised into a successor council"
    log = EventLog([Entry(7, name, "reorganisation", "exogenous", what, 0.3) for name in ("A", "B", "C")])
    log.add(7, "D", what, "reorganisation", 0.2)
    assert log.lines() == [
        "Month 7 - A, B, C - the councils were reorganised into successor councils (outside change)"
        " - each successor council values the partnership 0.30 of the promise less",
        f"Month 7 - D - {what} (outside change) - the successor council values the partnership 0.20 of the promise less",
    ]


def test_monthly_repeats_merge_with_their_total() -> None:
    what = "a change exposed aims that differ from its partners'"
    log = EventLog(Entry(m, "A", "case03_misaligned_aspirations", "03", what, 0.01 * m) for m in (50, 51, 52, 60))
    log.add(51, "B", "a budget shock hit", "", 0.5)
    assert log.lines() == [
        f"Months 50-52 - A - {what} (case 03) - a poorer fit with its aims took 1.53 of the promise from the value it sees in all",
        "Month 51 - B - a budget shock hit (outside change) - savings now count for 50% more when it weighs the partnership (easing over about two years)",
        f"Month 60 - A - {what} (case 03) - a poorer fit with its aims took 0.60 of the promise from the value it sees",
    ]


def test_sizeless_events_and_changing_levels_do_not_merge() -> None:
    levels = [Entry(m, "A", "case05_commercial_venture", "05", "the venture's reserves ran out: it is unsustainable", 0.1 * m) for m in (1, 2)]
    log = EventLog(levels + [Entry(m, "A", "case01_key_person", "01", "a new champion took up the role") for m in (3, 4)])
    assert len(log.lines()) == 4


def test_a_level_repeated_unchanged_month_after_month_is_one_line() -> None:
    """Said to hold "throughout" the months: "takes 0.30 of the promise ... each month" read as 0.30 taken again every month."""
    what = "tensions over sovereignty and service priorities"
    log = EventLog()
    for month in range(47, 117):
        log.add(month, "Northdale DC", what, "case06_scope_tension", 0.3 + 1e-4 * (month % 3), "Eastshire CC")
        log.add(month, "Eastshire CC", what, "case06_scope_tension", 0.3, "Northdale DC")
    log.add(118, "Northdale DC", what, "case06_scope_tension", 0.3, "Eastshire CC")
    assert log.lines() == [
        f"Months 47-116 - Northdale DC - {what} (case 06) - most with Eastshire CC; this takes 0.30 of the promise from the value it sees throughout",
        f"Months 47-116 - Eastshire CC - {what} (case 06) - most with Northdale DC; this takes 0.30 of the promise from the value it sees throughout",
        f"Month 118 - Northdale DC - {what} (case 06) - most with Eastshire CC; this takes 0.30 of the promise from the value it sees",
    ]


def test_table_and_handout() -> None:
    log = EventLog([champion_left(), champion_left(15, "Westmere DC", 0.1)])
    table = log.to_frame()
    assert list(table.columns) == list(COLUMNS)
    assert table.month.tolist() == [14, 15]
    assert table.text[0] == champion_left().text
    text = log.to_markdown("A partnership", ["**Outcome:** collapsed"])
    assert text == (
        "# A partnership\n\n**Outcome:** collapsed\n\n## Timeline\n\n"
        "- Month 14 - Northdale DC - its champion left (case 01) - on a 0-1 scale, trust between its people and each partner's fell by 0.18\n"
        "- Month 15 - Westmere DC - its champion left (case 01) - on a 0-1 scale, trust between its people and each partner's fell by 0.10\n"
    )
    assert EventLog().to_markdown().endswith("- nothing happened\n")
    assert list(EventLog().to_frame().columns) == list(COLUMNS)


@pytest.mark.parametrize("scenario", scenarios.available("scenario"))
def test_every_kind_of_kernel_event_has_a_reading(scenario: str) -> None:
    reps = np.arange(120)
    P = population.build(scenarios.load(scenario), 1, reps)
    log: list[kernel.Event] = []
    kernel.run(P, reps, 1, log)
    assert {e.what for e in log} <= set(layout().by_sentence)


def test_readings_come_from_the_contracts_of_the_registry() -> None:
    """The READINGS table is gone: every event of every registered mechanism and of exogenous change reads as declared."""
    declared = [event for m in mechanisms() for event in m.events.values()]
    declared += [event for event, _, _ in exogenous.EVENTS.values()] + list(decisions.EVENTS.values())
    for event in declared:
        assert reading(event.what) == event.reading
    assert sorted(layout().by_sentence) == sorted(event.what for event in declared)
    assert reading("a milestone the front-end logs") == UNKNOWN


def test_a_line_naming_every_council_of_the_partnership_counts_them_not_lists_them() -> None:
    """Case 07's story said "Month 30 - Northdale DC, Westmere DC, Southby DC, Eastshire - the service was rebranded; ...":
    three lines of text on a 1024x768 projector. A line naming every council of a partnership of three or more says "all
    four councils"; fewer of them, or both of two, are named."""
    four = ("Northdale DC", "Westmere DC", "Southby DC", "Eastshire")
    log = EventLog(councils=four)
    for council in four:
        log.add(30, council, "its champion left", "case01_key_person", 0.2)
    for council in four[:3]:
        log.add(31, council, "its champion left", "case01_key_person", 0.1)
    whole, three = log.stretches()
    assert whole.whole and not three.whole
    assert log.lines()[0].startswith("Month 30 - all four councils - their champions left")
    assert log.lines()[1].startswith("Month 31 - Northdale DC, Westmere DC, Southby DC - their champions left")
    two = EventLog(councils=four[:2])
    for council in four[:2]:
        two.add(30, council, "its champion left", "case01_key_person", 0.2)
    assert two.lines()[0].startswith("Month 30 - Northdale DC, Westmere DC - their champions left")
    assert tell(30, 30, four, champion_left(30), 0.2, whole=True).councils == four  # the names stay for the page's drawing


def test_a_months_decisions_come_after_its_events_and_the_end_last_as_in_the_month_itself() -> None:
    """Case 07's story read "Month 30 - Southby DC - weighed the partnership and gave notice to leave, after a rebrand of the
    shared service" above "Month 30 - ... - the service was rebranded": the model logs a month's events in the order they
    are declared, the notice (a decision, weighed after the month's events) before the rebrand that opened it."""
    rebrand = "the service was rebranded; internal customers began to treat it as an outside supplier"
    log = EventLog()
    log.add(29, "Southby DC", "felt held back by a slower partner", "pace", 0.4)
    log.add(30, "Southby DC", GAVE_NOTICE, "case03_misaligned_aspirations", 0.46, trigger="rebrand")
    log.add(30, "Westmere DC", LEFT, "coordination", 0.3, trigger="budget")
    log.add(30, "Southby DC", rebrand, "case07_premature_rebrand", 0.59)
    log.add(30, "", ENDINGS["collapsed"], "coordination", trigger="partner_left")
    log.add(30, "Eastshire", "felt held back by a slower partner", "pace", 0.43)
    told = [(s.first, s.entry.what) for s in log.stretches()]
    assert told == [
        (29, "felt held back by a slower partner"),
        (30, rebrand),
        (30, "felt held back by a slower partner"),
        (30, GAVE_NOTICE),
        (30, LEFT),
        (30, ENDINGS["collapsed"]),
    ], told


def test_a_line_of_the_whole_partnership_comes_last_in_its_month_only_as_its_ending() -> None:
    """The month's order put any line of the partnership as a whole that carried a trigger last, as if it were the end (a
    special case on top of the rule): a milestone said with what opened it came after the councils' decisions that it
    preceded. Only an ending (the model logs each as one of :data:`ENDINGS`) comes last."""
    log = EventLog()
    log.add(12, "Southby DC", GAVE_NOTICE, "case03_misaligned_aspirations", 0.46, trigger="budget_shock")
    log.add(12, "", "the business case was approved; setting up the shared IT begins", trigger="budget_shock")
    log.add(12, "", ENDINGS["shelved"], "case02_decision_slippage", trigger="budget_shock")
    told = [s.entry.what for s in log.stretches()]
    assert told == ["the business case was approved; setting up the shared IT begins", GAVE_NOTICE, ENDINGS["shelved"]], told
