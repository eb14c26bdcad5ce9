"""One ``lower_first`` and one ``upper_first``, at the lowest layer that writes words, used by every layer above it."""

from __future__ import annotations

import re
from pathlib import Path

import sim
from sim.frontends.agents import taken_words
from sim.frontends.words import lower_first, number_word, scenario_words, upper_first, wrap
from sim.viz import adapter

PACKAGE = Path(sim.__file__).resolve().parent


def test_a_title_inside_a_sentence_starts_in_lower_case_unless_it_starts_an_abbreviation():
    """A notebook read "not clearly ahead of The end of a council's guarantee of business (18%) and The annual budget setting"."""
    assert lower_first("The annual budget setting") == "the annual budget setting"
    assert lower_first("IT harmonisation first") == "IT harmonisation first"
    assert lower_first("A partner leaving") == "a partner leaving"
    assert lower_first("") == upper_first("") == ""


def test_a_sentence_starts_with_a_capital_and_keeps_the_rest():
    assert upper_first("beyond IT") == "Beyond IT"


def test_what_a_council_lost_and_the_trainer_lower_an_abbreviation_no_more():
    """agents.py lowered inline ("IT ..." read "iT ..."); the trainer's adapter had a lower_first of its own that lowered "IT"."""
    assert taken_words([("IT that does not fit", 0.35)]) == "IT that does not fit, 0.35 of the promise"
    assert adapter.lower_first is lower_first
    assert adapter.lower_first("IT harmonisation first") == "IT harmonisation first"


def test_no_module_defines_or_inlines_a_second_copy():
    copies = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path == PACKAGE / "frontends" / "words.py":
            continue
        text = path.read_text(encoding="utf-8")
        copies += [f"{path.relative_to(PACKAGE)}: {m.group(0)}" for m in re.finditer(r"def (lower|upper)_first\b|\w+\[:1\]\.(lower|upper)\(\) \+", text)]
    assert copies == []


def test_the_figures_and_the_trainer_name_a_scenario_by_one_function():
    """The trainer's adapter repeated the figures' scenario words (adapter.scenario_label beside plots.scenario_words): one changed,
    the other would not. Both now read from scenario_words; a list that says "scenario" drops the noun."""
    from sim.analysis import plots
    from sim.config.cases import CASES

    for case in CASES:
        assert scenario_words(case.scenario) == scenario_words(case.scenario, noun=False) == f"Case {case.id}: {case.title}"
    assert (scenario_words("baseline"), scenario_words("well_run", noun=False)) == ("Baseline scenario", "Well run")
    assert plots.run_title("well_run", "none", 10, 0).startswith("Well run scenario, no lever")
    assert not hasattr(adapter, "scenario_label")


def test_wrap_breaks_between_words_only():
    assert wrap("the Kaplan-Meier estimate of survival", 12) == "the\nKaplan-Meier\nestimate of\nsurvival"


def test_a_count_reads_in_words_up_to_twelve_and_in_figures_beyond() -> None:
    assert [number_word(n) for n in (0, 1, 4, 8, 12, 13)] == ["no", "one", "four", "eight", "twelve", "13"]
