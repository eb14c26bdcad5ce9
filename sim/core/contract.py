"""What a failure mechanism is: its contract, declared once, and what it sees and does each month.

A mechanism is one module of :mod:`sim.core.mechanisms` that ends with one
:class:`Mechanism`: its name, cause label, case and title, its parameters, its random
streams and its events (named by ``IntEnum`` members, never by position), the council
and partnership attributes it reads, whether it takes trust, the shared state it writes, its own state,
and its compiled ``step``. The kernel lays out streams, events and causes from the
registry, the contract tests check every registered mechanism against its contract, and
the narrative and the parameter docs read their words from it.

Each month, for one replication (row ``i``), ``step(s, P, m, q, own, fx)`` reads the
state ``s`` (:class:`~sim.core.state.StateArrays`), the parameters ``P``, the month ``m``
(:data:`Month`), its own parameters ``q`` (the record of row ``i``) and its own state
``own`` (:data:`Own`), and writes what it does into the effect buffers ``fx``
(:data:`Effect`): the value each council sees that it takes this month, trust lost, the
decisions it opens (:func:`open_decision`), events, and through :func:`take_savings`,
:func:`charge`, :func:`approve` and :func:`end_partnership` the share of the month's
savings it takes, any cost, and whether it approves or ends the partnership. The kernel books all of that to the
mechanism's cause; councils weigh the value they see at their decision points
(:mod:`sim.core.decisions`).
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from enum import IntEnum
from typing import Any

import numpy as np

from sim.core.declare import DECLARE_WITH, flag, undeclared
from sim.core.jit import Compiled, arguments_to, compiled

Month = namedtuple("Month", ["i", "t", "draws", "levers", "signals"])
Month.__doc__ = """What a mechanism sees of the current month for replication row ``i``.

Attributes
----------
i
    Row of the replication in the state and parameter arrays.
t
    Month index, from 0.
draws
    ``(S, K)`` uniform draws of the mechanism's streams (index them with its ``Stream`` members).
levers
    ``(L,)`` strength of each lever in force this month (0 where it is off or not yet started).
signals
    ``(K,)`` what happened to each council from outside this month, a sum of
    :class:`sim.core.exogenous.Signal` flags (test with ``m.signals[k] & Signal.X``).
"""

Effect = namedtuple("Effect", ["value", "trust", "opens", "event_mask", "event_size", "event_partner", "result"])
Effect.__doc__ = """What a mechanism does to one replication in one month (buffers it fills; the kernel books them to its cause).

Attributes
----------
value
    ``(K,)`` the value each council sees that the mechanism takes this month (>= 0, in units
    of the value the partnership promised): the fit and service it spoils now. (Savings
    it takes are booked through :func:`take_savings`, trust through ``trust``.)
trust
    ``(K, K)`` trust lost by council k in council j (>= 0).
opens
    ``(K,)`` a :class:`sim.core.triggers.Trigger` for each council whose decision the
    mechanism opens this month (-1: none); write it with :func:`open_decision`.
event_mask, event_size, event_partner
    ``(E, K)``: which councils each of the mechanism's events touched, its main size, and
    the one partner it concerns (-1: none in particular). Write them with :func:`note`.
result
    One record (:data:`RESULT`): the share of this month's potential savings the mechanism
    takes, any extra cost (GBP m), whether it approves the proposal, and whether it ends the
    partnership outright, with the trigger that started it. Write it with
    :func:`take_savings`, :func:`charge`, :func:`approve` and :func:`end_partnership`.
"""

RESULT = np.dtype([("savings", np.float64), ("cost", np.float64), ("launch", np.bool_), ("ends", np.bool_), ("trigger", np.int64)], align=True)

Own = namedtuple("Own", ["partnership", "council"])
Own.__doc__ = """A mechanism's own state: record arrays ``(R,)`` per partnership and ``(R, K)`` per council (fields from its :class:`OwnState`)."""


#: Words for a 0-1 level, each up to (below) its upper bound; a level of 0.8 or more is "very high".
LEVEL_WORDS: tuple[tuple[float, str], ...] = ((0.2, "very low"), (0.4, "low"), (0.6, "moderate"), (0.8, "high"))


class Size(float):
    """An event's effect size as a reading formats it: in words a room reads, never with a sign.

    Format specs beyond Python's own (which format the size without its sign):

    - ``level``: a 0-1 level in words with its number, ``moderate (0.52 of 1)``;
    - ``times``: a count, ``once``, ``twice``, ``3 times``;
    - ``months``: ``1 month``, ``6 months``;
    - ``A/B``: the words ``A`` for a size of 0 or more, ``B`` for a negative one (a signed
      size says its direction in words, e.g. ``takes/adds``).

    A size that is not 0 but rounds to 0 (``.2f``, ``.0%``) reads ``less than 0.01`` or
    ``less than 1%``: a room never reads that something took nothing.
    """

    def __format__(self, spec: str) -> str:
        x = abs(float(self))
        if spec == "level":
            shown = round(x, 2)
            word = next((w for bound, w in LEVEL_WORDS if shown < bound), "very high")
            return f"{word} ({shown:.2f} of 1)"
        if spec in ("times", "months"):
            n = round(x)
            if spec == "months":
                return f"{n} month" + ("" if n == 1 else "s")
            return {1: "once", 2: "twice"}.get(n, f"{n} times")
        if "/" in spec:
            plus, minus = spec.split("/", 1)
            return plus if float(self) >= 0 else minus
        shown = format(x, spec)
        if x > 0 and spec[-1:] in ("f", "%") and shown == format(0.0, spec):
            digits = int(spec.rpartition(".")[2][:-1] or 6) if "." in spec else 6
            return "less than " + format(10.0**-digits / (100 if spec.endswith("%") else 1), spec)
        return shown


@dataclass(frozen=True)
class Reading:
    """How an event's effect size reads in the narrated log, in plain words a room reads.

    ``template`` formats ``size`` (``None``: nothing to show); ``naming`` formats ``size``
    and ``partner`` when the event names the one partner it concerns; ``adds_up`` says
    whether monthly sizes add up when the event repeats month after month. ``size`` is a
    :class:`Size`: ``{size:level}`` reads a 0-1 level in words, ``{size:.2f}`` never shows a
    sign (say the direction in words, or with ``{size:takes/adds}``), and a number names its
    scale ("fell by 0.24 on a 0-1 scale", "0.05 of the promise"). ``several`` and
    ``several_naming`` are ``template`` and ``naming`` said of several councils hit alike in one
    month, who share a line ("the chance it would approve" -> "the chance each would approve");
    ``None`` where the words read the same for several.
    """

    template: str | None = None
    adds_up: bool = True
    naming: str | None = None
    several: str | None = None
    several_naming: str | None = None

    def text(self, size: float, partner: str = "") -> str | None:
        """The reading of ``size`` (naming ``partner`` where there is one and a naming template); ``None`` if it shows none."""
        template = self.naming if partner and self.naming else self.template
        return None if template is None else template.format(size=Size(size), partner=partner)

    def of_several(self) -> Reading:
        """This reading said of several councils at once (its own words where it declares no form for several)."""
        return replace(self, template=self.several or self.template, naming=self.several_naming or self.naming)


#: The reading of a loss of value seen (in units of the value the partnership promised).
LOST_VALUE = Reading("the value it sees fell by {size:.2f} of the promise", several="the value each sees fell by {size:.2f} of the promise")


@dataclass(frozen=True)
class Event:
    """A kind of event a mechanism records: a plain-language sentence and how its size reads.

    ``several`` is the sentence said of several councils hit alike in one month ("its champion
    left" -> "their champions left"); ``None`` where it reads the same for several.
    """

    what: str
    reading: Reading = Reading()
    several: str | None = None


@dataclass(frozen=True)
class OwnState:
    """A mechanism's own state: fields per partnership and per council, each ``name: (type, initial value)``.

    ``start(P, own)``, if given, sets initial values that depend on the parameters.
    """

    partnership: Mapping[str, tuple[type, Any]] = field(default_factory=dict)
    council: Mapping[str, tuple[type, Any]] = field(default_factory=dict)
    start: Callable[[Any, Own], None] | None = None

    def dtypes(self) -> tuple[np.dtype, np.dtype]:
        """Record dtypes of the partnership and council fields."""
        return tuple(np.dtype([(name, np.dtype(kind)) for name, (kind, _) in part.items()], align=True) for part in (self.partnership, self.council))  # type: ignore[return-value]

    def initial(self, P: Any, n_reps: int, n_councils: int) -> Own:
        """The state at month 0 for ``n_reps`` replications of ``n_councils`` councils."""
        part_dtype, council_dtype = self.dtypes()
        own = Own(np.zeros(n_reps, part_dtype), np.zeros((n_reps, n_councils), council_dtype))
        for records, fields_ in ((own.partnership, self.partnership), (own.council, self.council)):
            for name, (_, value) in fields_.items():
                records[name] = value
        if self.start is not None:
            self.start(P, own)
        return own


@dataclass(frozen=True, eq=False)
class Mechanism:
    """The contract of one failure mechanism, declared once in its module.

    Attributes
    ----------
    name
        Its key under ``mechanisms:`` in a configuration.
    cause
        The cause label its losses are booked to.
    case
        Its Guide 08 case number (``"01"`` .. ``"07"``), or another source.
    title
        A short title in plain language.
    params
        Its parameter dataclass (a subclass of :class:`MechanismParams`).
    step
        Its compiled step (see the module docstring).
    value
        In words: how it lowers the value councils see (savings, service, fit, trust).
    opens
        The decision points it opens (:class:`sim.core.triggers.Trigger` members).
    streams
        The ``IntEnum`` of its random streams (members 0, 1, ...); ``None`` if it draws none.
        A stream's full name is ``"<name>.<member in lower case>"``.
    events
        Its kinds of event, keyed by the members of an ``IntEnum`` (0, 1, ...), each with its
        plain-language sentence and reading.
    reads
        Every field of the council and partnership records its ``step`` reads, by name, each
        once: parameters ``P.council[i, k].X`` and ``P.partnership[i].X``, shared state
        ``s.council[i, k].X`` and ``s.partnership[i].X`` (``active`` too), read directly, through
        a name bound to such a record, or in a function of its own module it passes them to.
        Not its own state (``own``) or parameters (``q``), the model-wide sections
        (``P.decisions``, ``P.dynamics``...), the month (``m``), trust (``s.pairs``) or what
        functions of other modules read (``launched``, :mod:`sim.core.decisions`). The contract
        checks compare it with the step's source.
    takes_trust
        Whether it ever takes trust (the kernel reads its trust buffer only then).
    shares
        Fields of the shared state, besides losses, it may write.
    own
        Its own state.
    """

    name: str
    cause: str
    case: str
    title: str
    params: type
    step: Compiled
    value: str = ""
    opens: tuple[IntEnum, ...] = ()
    streams: type[IntEnum] | None = None
    events: Mapping[IntEnum, Event] = field(default_factory=dict)
    reads: tuple[str, ...] = ()
    takes_trust: bool = False
    shares: tuple[str, ...] = ()
    own: OwnState = OwnState()

    def __post_init__(self) -> None:
        """Refuse parameters that are not declared, and events its step notes that are not, at once.

        Every command reads each parameter's declaration; an event noted but not declared would
        be written past the end of the kernel's event buffers. The events are read from the
        source of the step and of the functions of its module it calls (``note(fx, Ev.X, ...)``):
        a member of an ``IntEnum`` that is not a key of ``events`` is refused. An event the source
        does not name (a variable, a number, a helper in another module) is left to
        :func:`sim.core.evaluate.evaluate`, which refuses an undeclared row written when it runs.

        Raises
        ------
        TypeError
            Naming the mechanism and what is wrong with its ``params`` or the event noted.
        """
        if not (isinstance(self.params, type) and issubclass(self.params, MechanismParams)):
            raise TypeError(f"mechanism {self.name!r}: params = {self.params!r} must be a dataclass subclassing MechanismParams (sim.core.contract)")
        plain = undeclared(self.params)
        if plain:
            where = f"{', '.join(plain)} in {self.params.__qualname__}"
            raise TypeError(f"mechanism {self.name!r}: {where} not declared with {DECLARE_WITH}")
        noted = arguments_to(self.step, note, 1) if isinstance(self.step, Compiled) else None
        for written, event in noted or ():
            # an IntEnum member, not just its number: another enum's 0 is not this one's
            if isinstance(event, IntEnum) and not any(event is key for key in self.events):
                raise TypeError(self.undeclared_event(written))

    def undeclared_event(self, written: str) -> str:
        """The line refusing an event it notes that its contract does not declare.

        Parameters
        ----------
        written
            The event as its step writes it (``Ev.SPOKE``) or as a run found it (``row 1``).

        Returns
        -------
        str
            The mechanism, its module, the event and what to write.
        """
        return (
            f"mechanism {self.name!r} ({self.module}) notes event {written}, which its contract does not declare ({len(self.events)} declared): "
            "give every member of its event IntEnum an Event in events="
        )

    @property
    def stream_names(self) -> tuple[str, ...]:
        """Full names of its random streams, in member order."""
        return tuple(f"{self.name}.{member.name.lower()}" for member in self.streams) if self.streams else ()

    @property
    def event_list(self) -> tuple[Event, ...]:
        """Its events in member order."""
        return tuple(self.events[key] for key in sorted(self.events))

    @property
    def module(self) -> str:
        """The module it is declared in."""
        return self.step.__module__


@dataclass
class MechanismParams:
    """Parameters every mechanism has: a switch for ablation studies."""

    enabled: bool = flag(True, "switch the mechanism off to see what it contributes", concept="DESIGN.md (ablation)", value="")


def empty_effect(n_councils: int, n_events: int) -> Effect:
    """Zeroed effect buffers for K councils and E kinds of event."""
    shape = (n_events, n_councils)
    result = np.zeros(1, RESULT)
    result["trigger"] = -1
    return Effect(
        np.zeros(n_councils),
        np.zeros((n_councils, n_councils)),
        np.full(n_councils, -1, np.int64),
        np.zeros(shape, np.bool_),
        np.zeros(shape),
        np.full(shape, -1, np.int64),
        result,
    )


@compiled
def clear(fx: Effect) -> None:
    """Zero the effect buffers for the next mechanism."""
    fx.value[:] = 0.0
    fx.trust[:] = 0.0
    fx.opens[:] = -1
    fx.event_mask[:] = False
    fx.event_size[:] = 0.0
    fx.event_partner[:] = -1
    clear_result(fx)


@compiled
def clear_result(fx: Effect) -> None:
    """Zero the savings share, cost and flags of ``fx``."""
    r = fx.result[0]
    r.savings = 0.0
    r.cost = 0.0
    r.launch = False
    r.ends = False
    r.trigger = -1


@compiled(cache=False)
def note(fx: Effect, event: int, k: int, size: float, partner: int = -1) -> None:
    """Record that ``event`` (a member of the mechanism's events) touched council ``k``, with its size and the partner it concerns."""
    fx.event_mask[event, k] = True
    fx.event_size[event, k] = size
    fx.event_partner[event, k] = partner


@compiled(cache=False)
def take_savings(fx: Effect, share: float) -> None:
    """The mechanism takes ``share`` (0 .. 1) of this month's potential savings."""
    fx.result[0].savings = share


@compiled(cache=False)
def charge(fx: Effect, cost: float) -> None:
    """The mechanism costs ``cost`` GBP m this month."""
    fx.result[0].cost += cost


@compiled(cache=False)
def approve(fx: Effect) -> None:
    """The proposal is approved this month: the partnership launches."""
    fx.result[0].launch = True


@compiled(cache=False)
def end_partnership(fx: Effect, trigger: int) -> None:
    """The mechanism ends the partnership outright this month (a venture's insolvency, a proposal shelved), started by ``trigger``."""
    fx.result[0].ends = True
    fx.result[0].trigger = trigger


@compiled(cache=False)
def open_decision(fx: Effect, k: int, trigger: int) -> None:
    """Council ``k`` weighs the partnership this month because of ``trigger`` (a :class:`sim.core.triggers.Trigger`)."""
    fx.opens[k] = trigger


@compiled
def lifted(base: float, strength: float) -> float:
    """A 0..1 quality raised by a lever of the given strength: ``base + strength * (1 - base)``."""
    return base + strength * (1.0 - base)
