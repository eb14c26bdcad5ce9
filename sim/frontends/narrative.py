"""The event log of one partnership in plain language: a table, timeline lines and a Markdown handout.

Each entry is one thing that happened to one council (or to the partnership as a whole) in
one month: what happened, the cause it is booked to, the case it comes from, its main
effect size and, where one partner is concerned, that partner, e.g. ``Month 14 - Northdale
DC - felt held back by a less mature partner (case 04) - most by Eastshire CC: on a 0-1 scale,
its trust in its partners fell by 0.18``. Sizes read in plain words a room understands (each
event's :class:`~sim.core.contract.Reading`): never a bare signed number or a code name, each
number on its scale. The timeline puts councils hit by the same event in the same month on
one line, said of them all in each sentence's declared form for several councils
(:attr:`~sim.core.contract.Event.several`: "their champions left", "the chance each would approve"), merges a loss
that repeats month after month into one line with its total ("in all"), and a level that
repeats month after month unchanged as printed (a fit, a concern) into one line ("throughout": "each month" read as a
loss taken again every month, adding up).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, replace
from typing import Any

from sim.core import decisions, triggers
from sim.core.causes import source_words
from sim.core.contract import Reading
from sim.core.layout import layout
from sim.frontends.words import lower_first, number_word

UNKNOWN = Reading(None, adds_up=False)
PARTNERSHIP = "the partnership"
#: How a run ended, as the timeline's last line says it (and a council still in the partnership when it ended).
ENDINGS = {
    "shelved": "the proposal was shelved",
    "collapsed": "the partnership collapsed",
    "underperforming": "the simulated years are over: the partnership is still going, but its savings fall short of its business case",
    "sustained": "the simulated years are over: the partnership is still going",
}
#: The lines of the endings (:data:`ENDINGS`): the one line of the partnership as a whole that comes last in its month.
ENDING_LINES = frozenset(ENDINGS.values())
#: The endings that come before the horizon, leaving no partnership for a council still in it to weigh.
EARLY_ENDINGS = ("shelved", "collapsed")
COLUMNS = ("month", "council", "cause", "case", "what", "size", "partner", "trigger", "text")


def is_ending(who: str | Sequence[str], what: str) -> bool:
    """Whether a line naming ``who`` (a council, councils, or none: the partnership as a whole) and saying ``what`` is the
    partnership's ending (:data:`ENDING_LINES`): the one line that comes last in its month and closes the timeline."""
    return not who and what in ENDING_LINES


@dataclass(frozen=True)
class Entry:
    """One event: ``council`` is a council's name, or empty for the partnership as a whole.

    ``cause`` is a cause label of :mod:`sim.core.causes` (empty for a milestone such as the
    launch), ``case`` the case or source it comes from, ``size`` the main effect size
    (value, trust or goodwill lost, a share, or 0), ``partner`` the name of the one partner
    the event concerns (empty if none in particular), ``trigger`` the label of the event
    that opened the decision (a council's notice, exit, or the end), empty otherwise, and
    ``noticed``, for an exit, the month of the notice it left on (:meth:`EventLog.notice`;
    -1: none, or not an exit): where it is before the exit's month, the trigger is the
    notice's, and the timeline says so.
    """

    month: int
    council: str
    cause: str
    case: str
    what: str
    size: float = 0.0
    partner: str = ""
    trigger: str = ""
    noticed: int = -1

    @property
    def text(self) -> str:
        """The entry as one line of the timeline."""
        return line(self.month, self.month, [self.council], self, self.size)


@dataclass
class Stretch:
    """Consecutive months of one event for the same councils: one line of the timeline (``total`` the summed effect size;
    ``whole``: the councils are every council of the partnership, :attr:`EventLog.councils`)."""

    first: int
    last: int
    councils: tuple[str, ...]
    entry: Entry
    total: float
    whole: bool = False


def reading(what: str) -> Reading:
    """How the effect size of an event of kind ``what`` reads (milestones logged by the front-end show none)."""
    event = layout().by_sentence.get(what)
    return UNKNOWN if event is None else event.reading


def case_of(cause: str, what: str = "") -> str:
    """The case or source an event comes from, by its ``cause`` label and its sentence ``what``: ``exogenous`` for change
    from outside booked to no cause, empty for no cause otherwise (:meth:`~sim.core.layout.Layout.case`)."""
    return layout().case(cause, what)


def explain(cause: str, tagged: bool = True) -> str:
    """A cause label in words with its source, e.g. ``Over-dependency on key personnel (case 01)``; empty for no cause.

    ``tagged=False`` leaves the source out (``Over-dependency on key personnel``), for a page that shows it beside the words.
    """
    plan = layout()
    if cause not in plan.cause_index:
        return ""
    c = plan.causes[plan.cause_index[cause]]
    return c.words if tagged else c.title


#: The sentences of the councils' decisions (said with their trigger and cause).
DECISIONS = frozenset(event.what for event in decisions.EVENTS.values())
#: The sentences of a council's notice and of its exit (what the timeline says of them).
GAVE_NOTICE = decisions.EVENTS[decisions.Ev.GAVE_NOTICE].what
LEFT = decisions.EVENTS[decisions.Ev.LEFT].what


def trigger_words(label: str) -> str:
    """A trigger label in words (empty for none)."""
    return triggers.words(triggers.LABELS.index(label)) if label in triggers.LABELS else ""


def source(case: str) -> str:
    """The case in brackets: ``(case 01)``, ``(outside change)``, ``(Getting IT right)`` or ``(research)`` (no citation)."""
    return f"({source_words(case)})" if case else ""


def of_several(what: str) -> str:
    """An event's sentence said of several councils hit alike in one month, as its mechanism declares it (:attr:`~sim.core.contract.Event.several`).

    ``its champion left`` reads ``their champions left``; a sentence that reads the same for several (or a milestone the
    front-end logs) is returned as it is.
    """
    event = layout().by_sentence.get(what)
    return (event.several if event is not None else None) or what


@dataclass(frozen=True)
class Decided:
    """A decision in its parts, each worded as every page says it; :attr:`text` joins them (the one place that does).

    ``what`` is what was decided (``left the partnership``, ``gave notice in month 54``, ``The proposal was shelved in
    month 10``; empty to say only why), ``after`` what opened the decision (``a budget shock``), ``why`` what had taken
    most of the value the council saw (``misaligned aspirations (case 03)``), ``then`` what followed the decision
    (``left in month 68``, after its notice) and ``on`` the notice it was carried out on, given in an earlier month
    (``the notice it gave in month 42``: what opened that notice, not the decision's month), each empty where there is
    none. The timeline's lines (:class:`Told`), the
    model's councils (:meth:`sim.frontends.agents.Council.explain_exit`), the trainer's "Why did it end?" and its handout
    all say a decision with these properties.
    """

    what: str
    after: str = ""
    why: str = ""
    then: str = ""
    on: str = ""

    @property
    def headline(self) -> str:
        """What was decided and what opened it, then what followed: "left the partnership, after a budget shock", "gave
        notice in month 54, after a partner leaving, and left in month 68" (what opened the notice, not the leaving);
        carried out on an earlier notice, what opened that notice said with it: "left the partnership, on the notice it
        gave in month 42 (after a budget shock)"."""
        after = f"after {self.after}" if self.after else ""
        if self.on:
            after = f"on {self.on}" + (f" ({after})" if after else "")
        said = ", ".join(part for part in (self.what, after) if part)
        if not self.then:
            return said
        return f"{said}, and {self.then}" if after else f"{said} and {self.then}"

    @property
    def mostly(self) -> str:
        """The main cause: "mostly misaligned aspirations (case 03)" (empty if none)."""
        return f"mostly {self.why}" if self.why else ""

    @property
    def text(self) -> str:
        """The decision in one sentence: "left the partnership, after a budget shock; mostly misaligned aspirations (case 03)"."""
        return "; ".join(part for part in (self.headline, self.mostly) if part)

    @property
    def listed(self) -> str:
        """The decision as one of a list whose items are set apart by "; ": "left in month 47, after a budget shock, mostly misaligned aspirations (case 03)".

        The same parts as :attr:`text`, the cause after a comma rather than a semicolon: in a list such as the trainer's
        "Earlier: Northdale DC left in month 47, ...; Southby DC left in month 53, ..." a semicolon before "mostly" would
        read as the start of the next council's exit.
        """
        return ", ".join(part for part in (self.headline, self.mostly) if part)


def decided(what: str, trigger: str, cause: str, tagged: bool = True) -> Decided:
    """A decision from its labels: ``what`` was decided, the label of the ``trigger`` that opened it and of its main ``cause``.

    Labels the model uses for none (``"none"``, ``""``) say nothing; ``tagged=False`` leaves the cause's case or source out.
    """
    return Decided(what, trigger_words(trigger), lower_first(explain(cause, tagged)))


def on_notice(noticed: int, exit_month: int) -> bool:
    """Whether a council that left in ``exit_month`` left on a notice it gave in an earlier month, ``noticed``.

    ``noticed`` is -1 where it gave none, and the exit month itself where it left with no notice to
    serve: neither is a notice to speak of. :func:`left_words` and :func:`tell` both ask here.
    """
    return 0 <= noticed < exit_month


def left_words(noticed: int, exit_month: int, trigger: str, cause: str) -> Decided:
    """How a council left in ``exit_month``, with the label of the ``trigger`` that opened its decision and of its main
    ``cause``: "left in month 47, after a budget shock"; where it gave notice first (:func:`on_notice`), the trigger is
    the notice's: "gave notice in month 54, after a partner leaving, and left in month 68" (:meth:`EventLog.notice`)."""
    if not on_notice(noticed, exit_month):
        return decided(f"left in month {exit_month}", trigger, cause)
    return replace(decided(f"gave notice in month {noticed}", trigger, cause), then=f"left in month {exit_month}")


@dataclass(frozen=True)
class Told:
    """One line of the timeline in its parts, each worded as the line says it; :attr:`line` joins them (the one place that does).

    ``when`` is ``Month 14`` or ``Months 14-15``, ``councils`` the councils concerned (empty for the partnership as a
    whole), ``what`` what happened (with its case or source in brackets where the line carries it), ``after`` what
    opened a decision (``an election that changed political control``) and ``why`` its main cause
    (``misaligned aspirations (case 03)``), both empty for any other event, ``size`` the effect in words (``the value it
    sees is 0.30 of the promise``; empty if none) and ``on``, for an exit, the notice it left on where it was given in an
    earlier month (``the notice it gave in month 42``; ``after`` then opened that notice) (:attr:`decided`: ``what``,
    ``after``, ``why`` and ``on`` as a :class:`Decided`), and ``whole`` whether ``councils`` are every council of the
    partnership (:attr:`who` then counts them).
    """

    when: str
    councils: tuple[str, ...]
    what: str
    after: str = ""
    why: str = ""
    size: str = ""
    on: str = ""
    whole: bool = False

    @property
    def who(self) -> str:
        """The councils concerned, in one phrase (empty for the partnership as a whole): their names, or "all four councils"
        where they are every council of a partnership of three or more (a list of them all filled a line on a projector)."""
        if self.whole and len(self.councils) > 2:
            return f"all {number_word(len(self.councils))} councils"
        return ", ".join(self.councils)

    @property
    def decided(self) -> Decided:
        """What happened, what opened it and its main cause, as a decision is said everywhere."""
        return Decided(self.what, self.after, self.why, on=self.on)

    @property
    def headline(self) -> str:
        """What happened and, for a decision, what opened it: "left the partnership, after a budget shock"."""
        return self.decided.headline

    @property
    def detail(self) -> str:
        """The rest: a decision's main cause and the size of the effect, "mostly working together - the value it saw was 0.30 of the promise"."""
        return " - ".join(part for part in (self.decided.mostly, self.size) if part)

    @property
    def text(self) -> str:
        """What happened in full, without when and who: the decision's :attr:`Decided.text`, then the size of the effect (if any)."""
        return " - ".join(part for part in (self.decided.text, self.size) if part)

    @property
    def subject(self) -> str:
        """Who the line is about, as it names them: :attr:`who`, or ``the partnership`` for the partnership as a whole
        (empty where :attr:`text` begins by naming it: "the partnership collapsed")."""
        return self.who or ("" if self.text.startswith(PARTNERSHIP) else PARTNERSHIP)

    @property
    def line(self) -> str:
        """The whole line: when, :attr:`subject` and :attr:`text`.

        "Month 68 - the partnership collapsed, after ...", not "Month 68 - the partnership - the partnership collapsed".
        """
        return " - ".join(part for part in (self.when, self.subject, self.text) if part)


def tell(first: int, last: int, councils: Sequence[str], entry: Entry, size: float, tagged: bool = True, whole: bool = False) -> Told:
    """One line of the timeline in its parts: ``entry`` over months ``first`` to ``last`` for ``councils``, with effect ``size``.

    A decision (a notice, an exit, the end) says what opened it and what had taken most of
    the value the council saw: "weighed the partnership and gave notice to leave, after an
    election that changed political control; mostly misaligned aspirations (case 03)".
    An exit on a notice given in an earlier month (:attr:`Entry.noticed`) says what opened
    that notice with it: "left the partnership, on the notice it gave in month 42 (after a
    budget shock); mostly ..." (:attr:`Decided.on`).
    ``tagged=False`` leaves out the case or source (``(case 03)``), for a page that shows it
    beside the line. ``whole``: ``councils`` are every council of the partnership (:attr:`Told.who` counts them).
    """
    when = f"Month {first}" if first == last else f"Months {first}-{last}"
    concerned = tuple(c for c in councils if c)
    how = reading(entry.what)
    said = entry.what
    if len(concerned) > 1:  # "their champions left", "the chance each would approve"
        said = of_several(said)
        how = how.of_several()
    if entry.trigger and (entry.what in DECISIONS or not entry.council):
        what = decided(said, entry.trigger, entry.cause, tagged)
        if entry.what == LEFT and on_notice(entry.noticed, entry.month):
            what = replace(what, on=f"{'the notices they' if len(concerned) > 1 else 'the notice it'} gave in month {entry.noticed}")
    else:
        what = Decided(" ".join(part for part in (said, source(entry.case) if tagged else "") if part))
    text = how.text(size, entry.partner)
    repeated = "" if first == last else " in all" if how.adds_up else " throughout"
    shown = "" if text is None or size == 0 else text + repeated
    return Told(when, concerned, what.what, what.after, what.why, shown, what.on, whole)


def line(first: int, last: int, councils: Sequence[str], entry: Entry, size: float, tagged: bool = True, whole: bool = False) -> str:
    """One line of the timeline as text (:func:`tell`'s parts joined): ``Month 14 - Northdale DC - ...``."""
    return tell(first, last, councils, entry, size, tagged, whole).line


def _continues(run: Stretch, size: float) -> bool:
    """Whether the same event of the next month extends ``run``: a loss adds up to its total; a level that reads the same (a fit, a concern) repeats.

    An event without a size (a milestone, a new champion) never merges: each is an event of its own.
    """
    how = reading(run.entry.what)
    if how.adds_up:
        return size > 0
    text = how.text(size, run.entry.partner)
    return size != 0 and text is not None and text == how.text(run.total, run.entry.partner)


def _stage(entry: Entry) -> int:
    """Where ``entry`` comes in its month: 0 an event (a milestone of the partnership too), 1 a council's decision (notice,
    withdrawal, exit), 2 the end (:data:`ENDING_LINES`: with its trigger or, at the horizon, without one), after the
    councils' decisions of its month."""
    if is_ending(entry.council, entry.what):
        return 2
    return 1 if entry.what in DECISIONS else 0


class EventLog:
    """The events of one run, in the order they happened; ``councils``: the partnership's councils (a line naming them all
    counts them: :attr:`Stretch.whole`)."""

    def __init__(self, entries: Iterable[Entry] = (), councils: Sequence[str] = ()) -> None:
        self.entries: list[Entry] = list(entries)
        self.councils: tuple[str, ...] = tuple(councils)

    def __len__(self) -> int:
        return len(self.entries)

    def __iter__(self) -> Iterator[Entry]:
        return iter(self.entries)

    def add(self, month: int, council: str, what: str, cause: str = "", size: float = 0.0, partner: str = "", trigger: str = "") -> None:
        """Log an event; its case is looked up from its cause (:func:`case_of`: ``exogenous`` for change from outside booked
        to none), and for a council's exit the month of the notice it left on (:meth:`notice`)."""
        notice = self.notice(council, month) if what == LEFT else None
        noticed = -1 if notice is None else notice.month
        self.entries.append(Entry(month, council, cause, case_of(cause, what), what, size, partner, trigger, noticed))

    def notice(self, council: str, exit_month: int) -> Entry | None:
        """The notice ``council`` left on in ``exit_month``: its last notice by then (``None``: it is still in, or left
        without giving notice). Its month is the exit month where the council left with no notice to serve."""
        if exit_month < 0:
            return None
        return next((e for e in reversed(self.entries) if e.council == council and e.what == GAVE_NOTICE and e.month <= exit_month), None)

    def to_frame(self) -> Any:
        """One row per entry: ``month``, ``council``, ``cause``, ``case``, ``what``, ``size``, ``partner`` and ``text``."""
        import pandas as pd

        return pd.DataFrame([{**asdict(e), "text": e.text} for e in self.entries], columns=list(COLUMNS))

    def lines(self) -> list[str]:
        """The timeline, one line per event, councils hit alike in one month together, monthly repeats merged."""
        return [line(r.first, r.last, r.councils, r.entry, r.total, whole=r.whole) for r in self.stretches()]

    def stretches(self) -> list[Stretch]:
        """The timeline as :class:`Stretch` es, in order (what :meth:`lines` words): councils hit alike in one month together, monthly repeats merged.

        Within a month, in the order of the month itself (:mod:`sim.core.kernel`): what happened to the councils first,
        then their notices and exits (weighed after the month's events, which may have opened them), then the end of the
        partnership. The model logs a month's events in the order they are declared, which put a notice "after a rebrand"
        above the rebrand that opened it.
        """
        groups: dict[tuple[int, str, str, float, str, str, int], list[Entry]] = {}
        for e in sorted(self.entries, key=lambda e: (e.month, _stage(e))):
            groups.setdefault((e.month, e.cause, e.what, e.size, e.partner, e.trigger, e.noticed), []).append(e)
        runs: list[Stretch] = []
        open_runs: dict[tuple[str, str, str, tuple[str, ...]], Stretch] = {}
        everyone = frozenset(self.councils)  # once, not per line: the app redraws the timeline every month it plays
        for (month, cause, what, size, partner, _, _), entries in groups.items():
            councils = tuple(e.council for e in entries)
            run = open_runs.get((cause, what, partner, councils))
            if run is not None and run.last == month - 1 and _continues(run, size):
                run.last, run.total = month, run.total + size if reading(what).adds_up else run.total
                continue
            run = Stretch(month, month, councils, entries[0], size, bool(everyone) and set(councils) == everyone)
            runs.append(run)
            open_runs[(cause, what, partner, councils)] = run
        return runs

    def to_markdown(self, title: str = "What happened", summary: Sequence[str] = ()) -> str:
        """A trainer's handout: a title, summary lines, then the timeline as a list."""
        parts = [f"# {title}", "", *summary, *([""] if summary else []), "## Timeline", ""]
        parts += [f"- {text}" for text in self.lines()] or ["- nothing happened"]
        return "\n".join(parts) + "\n"
