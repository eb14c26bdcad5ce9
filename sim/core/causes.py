"""The causes that losses, exits and outcomes are booked to: one table, built from the registry.

Each mechanism is a cause (its contract's ``cause``), in registry order; then each kind of
exogenous change; then the savings model's own causes: legacy IT, an unclear business case
and a delivery shortfall that even a clear business case could not foresee. :func:`table` gives the causes of a registry; their order is the order in which
losses are summed and ties broken, so it never changes for a given registry.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from sim.core import exogenous
from sim.core.contract import Mechanism

NONE = -1
#: A source cited as a publication: an author and a year, e.g. ``Elston et al. 2024``.
CITED = re.compile(r"\b(19|20)\d\d\b")
#: How a room reads a publication's source (its citation stays in the docs and docstrings).
RESEARCH = "research"


def source_words(case: str) -> str:
    """The case or source a room reads: ``case 01``, ``outside change``, a guide's name, or ``research`` for a publication.

    Parameters
    ----------
    case
        A cause's case number (``"01"``), ``"exogenous"``, or its source (``"Getting IT right"``, ``"Elston et al. 2024"``).

    Returns
    -------
    str
        The words, without a citation: a title read out in a room does not carry one.
    """
    if case.isdigit():
        return f"case {case}"
    if case == "exogenous":
        return "outside change"
    return RESEARCH if CITED.search(case) else case


@dataclass(frozen=True)
class Cause:
    """A cause label with the case or source it comes from and its title in words."""

    label: str
    case: str
    title: str

    @property
    def source(self) -> str:
        """The case in words: ``case 01``, ``outside change``, the guide it comes from, or ``research`` (see :func:`source_words`)."""
        return source_words(self.case)

    @property
    def words(self) -> str:
        """Its title with its source in brackets, e.g. ``Misaligned aspirations (case 03)``."""
        return f"{self.title} ({self.source})"


#: The savings model's own causes (see :mod:`sim.core.savings`).
SAVINGS: tuple[Cause, ...] = (
    Cause("legacy_it", "Getting IT right", "Legacy IT, outsourcing lock-in, missing ICT skills or a partner's poor services slowed harmonisation"),
    Cause("unclear_business_case", "Guide 08 problem 01", "An unclear business case promised more than sharing could deliver"),
    Cause("short_delivery", "Getting IT right", "Sharing delivered less than even a clear business case could have foreseen"),
)
EXOGENOUS: tuple[Cause, ...] = tuple(Cause(label, "exogenous", title) for label, title in exogenous.CAUSES.values())


def table(mechanisms: Sequence[Mechanism]) -> tuple[Cause, ...]:
    """Every cause of a registry, in booking order."""
    return (*(Cause(m.cause, m.case, m.title) for m in mechanisms), *EXOGENOUS, *SAVINGS)
