"""A title's first letter inside a sentence or at its start, shared by every layer that writes words for people.

Titles of causes, triggers and levers start with a capital ("The annual budget setting",
"IT harmonisation first"). Inside a sentence the first letter goes to lower case unless it
starts a capitalised abbreviation; at the start of one it goes to capitals, the rest as it is.
"""

from __future__ import annotations

import textwrap

from sim.config.cases import CASES


def lower_first(text: str) -> str:
    """A title inside a sentence: its first letter in lower case unless it starts a capitalised abbreviation (``IT``).

    Parameters
    ----------
    text
        A title or sentence.

    Returns
    -------
    str
        "The annual budget setting" as "the annual budget setting"; "IT harmonisation first" as it is.
    """
    return text if text[1:2].isupper() else text[:1].lower() + text[1:]


def upper_first(text: str) -> str:
    """The text with its first letter in capitals and the rest as it is (``str.capitalize`` would give ``beyond it`` for ``beyond IT``).

    Parameters
    ----------
    text
        A title or sentence.

    Returns
    -------
    str
        "beyond IT" as "Beyond IT".
    """
    return text[:1].upper() + text[1:]


#: Numbers as a sentence says them, from zero to twelve (:func:`number_word`).
NUMBER_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve")


def number_word(count: int) -> str:
    """A count as a sentence says it: in words up to twelve, in figures beyond.

    Parameters
    ----------
    count
        A count, 0 or more.

    Returns
    -------
    str
        4 as "four", 13 as "13".
    """
    return NUMBER_WORDS[count] if count < len(NUMBER_WORDS) else str(count)


def scenario_words(scenario: str, noun: bool = True) -> str:
    """A scenario as figures, reports and the trainer's app name it.

    Parameters
    ----------
    scenario
        A scenario's name (``case01_key_person``, ``baseline``, one of the user's own).
    noun
        Whether a scenario no case tells says "scenario" after its name (titles: "Baseline scenario");
        without, where a list already says it (the trainer's "Case or scenario" select: "Baseline").

    Returns
    -------
    str
        ``Case 01: Over-dependency on key personnel`` for a case's scenario; ``Well run scenario``
        (``Well run`` without the noun) for ``well_run``.
    """
    case = next((c for c in CASES if c.scenario == scenario), None)
    if case is not None:
        return f"Case {case.id}: {case.title}"
    words = upper_first(scenario.replace("_", " "))
    return f"{words} scenario" if noun else words


def wrap(text: str, width: int) -> str:
    """``text`` on lines of at most ``width`` characters, broken between words only (never "Kaplan-" at a line's end, "Meier" on the next).

    Parameters
    ----------
    text
        A title, label or caption.
    width
        The most characters a line may hold.

    Returns
    -------
    str
        The lines joined by newlines.
    """
    return "\n".join(textwrap.wrap(text, width, break_on_hyphens=False))
