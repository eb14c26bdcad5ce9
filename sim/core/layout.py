"""Where every mechanism's streams, events and cause sit, built from the registry.

The month draws exogenous change's streams first, then the councils' choices', then each
mechanism's in registry order; events are laid out the same way, and causes too
(mechanisms first, then exogenous change, then the savings model's own, see
:mod:`sim.core.causes`). Exogenous change has a fixed place before the mechanisms because
the mechanisms react to it in the same month (they read ``signals``).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from sim.core import causes, decisions, exogenous, rng, triggers
from sim.core.contract import Event, Mechanism
from sim.core.mechanisms import mechanisms as registry

#: The sentences of change from outside the partnership (:mod:`sim.core.exogenous`): where one comes from is ``exogenous``
#: ("outside change"), for those booked to no cause (a chief executive's departure or arrival, a budget shock) as for an election.
OUTSIDE_CHANGE = frozenset(event.what for event, _, _ in exogenous.EVENTS.values())


@dataclass(frozen=True)
class EventKind:
    """A kind of event in the month's log: its words, the cause it is booked to and the trigger it is ("" when none, or when each event carries its own)."""

    cause: str
    event: Event
    trigger: str = ""


@dataclass(frozen=True, eq=False)
class Slot:
    """Where one mechanism's draws, events and cause sit."""

    mechanism: Mechanism
    streams: tuple[int, int]
    events: tuple[int, int]
    cause: int


@dataclass(frozen=True, eq=False)
class Layout:
    """The month's layout for a registry of mechanisms (one object per registry: compared by identity)."""

    mechanisms: tuple[Mechanism, ...]
    slots: tuple[Slot, ...]
    streams: tuple[str, ...]
    stream_ids: np.ndarray
    events: tuple[EventKind, ...]
    causes: tuple[causes.Cause, ...]

    @functools.cached_property
    def cause_index(self) -> dict[str, int]:
        """Index of each cause label (worked out once: :meth:`case` asks for each event logged)."""
        return {c.label: i for i, c in enumerate(self.causes)}

    @property
    def exogenous_causes(self) -> np.ndarray:
        """Index of each exogenous cause (in :class:`sim.core.exogenous.Cause` order)."""
        index = self.cause_index
        return np.array([index[c.label] for c in causes.EXOGENOUS], np.int64)

    @functools.cached_property
    def by_sentence(self) -> dict[str, Event]:
        """Each kind of event by its sentence (``what``): how the narrative finds an event's reading and its form for several."""
        return {kind.event.what: kind.event for kind in self.events}

    @property
    def most_events(self) -> int:
        """The largest number of kinds of event one mechanism (or exogenous change) records."""
        return max(len(exogenous.EVENTS), len(decisions.EVENTS), *(len(m.events) for m in self.mechanisms))

    def cause(self, index: int) -> causes.Cause | None:
        """The cause of an index (None for :data:`sim.core.causes.NONE`)."""
        return self.causes[index] if index >= 0 else None

    def case(self, cause: str, what: str = "") -> str:
        """Where an event comes from: the case or source of its ``cause`` label, else ``exogenous`` for change from outside
        the partnership booked to no cause (its sentence ``what`` in :data:`OUTSIDE_CHANGE`), else empty (a milestone, a
        council's decision).

        The event file of each engine and the narrated log of the Mesa model (its tags and lines) all ask here.
        """
        index = self.cause_index
        if cause in index:
            return self.causes[index[cause]].case
        return "exogenous" if what in OUTSIDE_CHANGE else ""

    def label(self, index: int) -> str:
        """The cause label of an index (``"none"`` for :data:`sim.core.causes.NONE`)."""
        return self.causes[index].label if index >= 0 else "none"


def clashes(mechanisms: tuple[Mechanism, ...]) -> list[str]:
    """Names, cause labels and titles that two mechanisms share (or a cause label outside change or the savings model has), one line each.

    A name is a key under ``mechanisms:`` and a cause a column of the results; a title is how
    the cause reads in a summary: a repeat would mix two mechanisms' parameters, losses or words.
    """
    others = {c.label: f"{c.case} cause {c.label!r}" for c in (*causes.EXOGENOUS, *causes.SAVINGS)}
    problems = []
    for attribute in ("name", "cause", "title"):
        seen: dict[str, str] = {}
        for m in mechanisms:
            value, where = getattr(m, attribute), f"{m.module} (mechanism {m.name!r})"
            first = seen.get(value) or (others.get(value) if attribute == "cause" else None)
            if first:
                problems.append(f"{where} has the {attribute} {value!r} of {first}: give it its own {attribute}")
            seen.setdefault(value, where)
    return problems


@functools.cache
def _layout(mechanisms: tuple[Mechanism, ...]) -> Layout:
    problems = clashes(mechanisms)
    if problems:
        raise ValueError("the registry of mechanisms repeats itself: " + "; ".join(problems))
    table = causes.table(mechanisms)
    index = {c.label: i for i, c in enumerate(table)}
    streams: list[str] = [*exogenous.STREAM_NAMES, *decisions.STREAM_NAMES]
    events = [
        EventKind("" if cause is None else causes.EXOGENOUS[cause].label, event, "" if trigger is None else triggers.label(trigger))
        for event, cause, trigger in exogenous.EVENTS.values()
    ]
    events += [EventKind("", event) for event in decisions.EVENTS.values()]
    slots = []
    for m in mechanisms:
        first_stream, first_event = len(streams), len(events)
        streams += m.stream_names
        events += [EventKind(m.cause, e) for e in m.event_list]
        slots.append(Slot(m, (first_stream, len(streams)), (first_event, len(events)), index[m.cause]))
    return Layout(mechanisms, tuple(slots), tuple(streams), rng.stream_ids(tuple(streams)), tuple(events), table)


def layout(mechanisms: tuple[Mechanism, ...] | None = None) -> Layout:
    """The layout of a registry (default: the current one, :func:`sim.core.mechanisms.mechanisms`)."""
    return _layout(registry() if mechanisms is None else tuple(mechanisms))
