"""The handout: the runs on show as Markdown and as a PDF."""

from __future__ import annotations

import re

from viz_support import ended_story_and_replay, need_solara

from sim.viz import adapter, handout

need_solara()


def test_markdown_handout_tells_both_runs():
    run, replay = ended_story_and_replay("07")
    text = handout.markdown([run.handout(), replay.handout()])
    assert text.count("## Timeline") == 2 and text.count("\n---\n") == 1
    assert "# Case 07: A marketing mistake, no levers (seed " in text and "# Case 07: A marketing mistake, with reputation first (seed " in text
    assert "**Key learning** (Guide 08, case 07)" in text and "reputation_first" not in text and "case07_" not in text
    assert "[case 07" in text and "trigger: " in text


def test_pdf_handout_is_a_pdf_with_a_page_per_run():
    run, replay = ended_story_and_replay("07")
    data = handout.pdf(handout.markdown([run.handout(), replay.handout()]))
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    assert len(re.findall(rb"/Type\s*/Page(?!s)", data)) >= 2, "each run starts a page"


def test_pdf_survives_characters_outside_latin1():
    data = handout.pdf("# A title \u2013 with a dash\n\nWho \u2019s there \u2192 here\n\n- a line\n")
    assert data.startswith(b"%PDF-")


def test_no_handout_of_a_story_or_its_replay_has_two_blank_lines_in_a_row():
    """A run whose ending no council decided (a replay that survived, a shelved proposal all had approved) gave its "Why did
    it end?" two blank lines under the headline: the headline's own and the key learning's."""
    for case in adapter.case_list():
        for run in ended_story_and_replay(case.id):
            text = run.handout()
            assert "\n\n\n" not in text, (case.id, run.label, text[:600])


def test_the_handout_cites_in_full_each_source_it_names_in_short():
    """Case 05's story and its replay handed out "Key learning (Guide 08, case 05)" and timeline lines tagged "[research]",
    and nowhere what Guide 08 is nor which research: a room could not look either up. The handout now ends with its sources."""
    run, replay = ended_story_and_replay("05")
    text = handout.markdown([run.handout(), replay.handout()])
    assert "(Guide 08, case 05)" in text and "[research]" in text
    assert text.count("\n## Sources\n") == 1 and text.index("\n## Sources\n") > text.rindex("## Timeline")
    cited = text[text.index("\n## Sources\n") :]
    assert "Socitm, ICT shared services: learning from success and failure. Guide 08: reasons why shared services fail" in cited
    assert "Elston, Rackwitz and Bel (2024), Going separate ways" in cited
    assert "Eduserv" not in cited, "a source the handout does not name is not cited"
    data = handout.pdf(text)
    assert data.startswith(b"%PDF-")


def test_every_mechanism_from_a_publication_has_its_full_citation_for_the_handout():
    """A new mechanism from a publication (tagged "research" on the page) without its citation in handout.SOURCES fails here."""
    assert handout.research() and all(name in handout.SOURCES for name in handout.research()), handout.research()


def test_the_handout_says_the_scale_of_each_number_in_its_table_of_councils():
    """The table of councils read "| Northdale DC | district | 1.00 | 0.29 | 0.18 |" under "size | IT maturity | pace", and
    nowhere on what scale (0.18 of what pace?). A line under it now says each, as the parameters declare them."""
    run, _ = ended_story_and_replay("03")
    text = run.handout()
    header = next(line for line in text.splitlines() if line.startswith("| council |"))
    said = text[text.index(header) :].split("\n\n")[1]
    for column in ("size", "IT maturity", "pace"):
        assert f" {column} |" in header and f"**{column}**: " in said, (column, said)
    assert "relative size (1 = a typical district)" in said and "0 slow .. 1 fast" in said


def test_a_handout_whose_timeline_has_case_02_lines_says_what_they_are_in_its_sources():
    """Case 01's handout listed "Month 15 - Northdale DC, Eastshire - approved the proposal ... [case 02]": the room took
    home case 02 tagged in case 01's story, and nothing said why (the page's chip says it on hover). Its sources now say,
    after Guide 08, that case 02's mechanism is the decision every partnership goes through."""
    run, _ = ended_story_and_replay("01")
    text = handout.markdown([run.handout()])
    assert "approved the proposal" in text and "[case 02]" in text
    cited = text[text.index("\n## Sources\n") :].splitlines()
    line = f"- **case {handout.DECISION_CASE}** (in the timeline): {handout.DECISION_STEP}"
    assert cited[3].startswith("- **Guide 08") and cited[4] == line, cited
    assert "every partnership goes through" in handout.DECISION_STEP and line not in handout.markdown(["# A run\n\n- Month 3 - a line [case 01]\n"])
