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
