"""Councils as Mesa agents: live views of their column of a one-replication kernel state.

A :class:`Council` holds no state of its own. Its changing attributes (IT maturity,
orientation, sovereignty concern, trust, the value it sees in the partnership and what has
taken it, whether its champion is in post, whether it has given notice, when and why it
left) read the model's kernel arrays, row 0, column ``index``; setting one of the writable
ones writes the array, so the next month of the kernel sees it (a what-if: the run then no
longer matches the ensemble). Its drawn attributes (size, risk appetite, pace, ...) are
plain attributes fixed for the run; setting one is refused, because the kernel reads the
parameters, not the agent. A council decides (:mod:`sim.core.decisions`):
:meth:`Council.explain_exit` says, in words, how it would weigh the partnership now. A
council that leaves is removed from the model with :meth:`mesa.Agent.remove`. A council has no
``step`` of its own (Mesa's, which does nothing, so ``model.agents.shuffle_do("step")`` changes
nothing): every council's decisions are taken in the model's month, in the kernel's order.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import fields
from typing import Any, Protocol

import mesa
import numpy as np

from sim.core import decisions, triggers
from sim.core.contract import Size
from sim.core.layout import layout
from sim.core.params import CouncilParams
from sim.frontends.narrative import EARLY_ENDINGS, ENDINGS, EventLog, decided, left_words
from sim.frontends.words import lower_first

#: Council attributes that change during a run: properties here, not fixed attributes.
LIVE = ("it_maturity", "orientation", "sovereignty_concern")
#: Fixed attributes drawn for each council, with the labels of categorical ones.
DRAWN: dict[str, tuple[str, ...]] = {
    f.name: f.metadata["spec"].choices for f in fields(CouncilParams) if f.metadata["spec"].unit != "text" and f.name not in LIVE
}


def taken_by_cause(lost: np.ndarray) -> dict[str, float]:
    """``(C,)`` value lost by cause index as ``{cause label: value}``, largest first, causes that took none left out."""
    plan = layout()
    return {plan.label(int(c)): float(lost[c]) for c in np.argsort(-lost, kind="stable") if lost[c] > 1e-9}


def most_taken(lost: np.ndarray, most: int = 3) -> tuple[tuple[str, float], ...]:
    """The ``most`` causes that took most of ``(C,)`` value lost, as ``(cause in words, value)``, largest first."""
    plan = layout()
    return tuple((plan.causes[plan.cause_index[label]].words, value) for label, value in list(taken_by_cause(lost).items())[:most])


def taken_words(taken: Iterable[tuple[str, float]]) -> str:
    """What causes took from the value a council sees, on the promise's scale (empty for nothing).

    ``taken`` holds ``(cause in words, value)``, largest first (:func:`most_taken`): ``misaligned
    aspirations (case 03), 0.35 of the promise; over-dependency on key personnel (case 01), 0.12``.
    A value too small to show at two decimals reads ``less than 0.01`` (:class:`~sim.core.contract.Size`).
    """
    said = [f"{lower_first(words)}, {Size(value):.2f}" for words, value in taken]
    return "; ".join([f"{said[0]} of the promise", *said[1:]]) if said else ""


def _unit(name: str, value: float) -> float:
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"{name} = {value!r} is outside [0, 1]")
    return float(value)


class _Live:
    """A council's cell of a ``(R, K)`` state array in 0 .. 1, read and written live."""

    def __init__(self, field: str, doc: str) -> None:
        self.field = field
        self.__doc__ = doc

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, council: Council | None, owner: type | None = None) -> float | _Live:
        if council is None:
            return self
        return float(council.model.state.council[self.field][0, council.index])

    def __set__(self, council: Council, value: float) -> None:
        council.model.state.council[self.field][0, council.index] = _unit(self.name, value)


class Host(Protocol):
    """What a council reads of its model: the one-replication kernel state and parameters, the councils' names, the
    councils themselves, the run's phase, how it ended and its event log (:class:`~sim.frontends.model.PartnershipModel`
    is one). Named here so that the agents need not import the model that makes them (the model imports the agents)."""

    state: Any
    P: Any
    names: Sequence[str]
    councils: Sequence[Council]
    events: EventLog
    phase: str
    outcome: str
    trigger: str
    cause: str


class Council(mesa.Agent):
    """One council of a :class:`~sim.frontends.model.PartnershipModel`.

    Attributes
    ----------
    index
        The council's column ``k`` in the kernel arrays.
    name
        Its display name.
    size, risk_appetite, pace, tier, ...
        Every attribute of :class:`~sim.core.params.CouncilParams` drawn for this run except the
        live ones (categories as their labels).
    """

    model: Host  # type: ignore[assignment]  # a PartnershipModel: a mesa.Model with these too

    def __init__(self, model: Host, index: int) -> None:
        super().__init__(model)
        self.index = index
        self.name: str = model.names[index]
        for name, choices in DRAWN.items():
            value = model.P.council[name][0, index]
            setattr(self, name, choices[value] if choices else value.item())

    def __repr__(self) -> str:
        return f"Council({self.name!r}, index={self.index})"

    @property
    def active(self) -> bool:
        """Still a partner."""
        return bool(self.model.state.council["active"][0, self.index])

    it_maturity = _Live("it_maturity", "Maturity of the council's IT estate and practices, 0 .. 1.")
    orientation = _Live("orientation", "Strategic aim of sharing, 0 a leaner council .. 1 a commercial one.")
    sovereignty_concern = _Live("sovereignty", "Fear of losing sovereignty and identity, 0 .. 1.")

    def __setattr__(self, name: str, value: object) -> None:
        if name in DRAWN and name in self.__dict__:
            raise AttributeError(f"{name} is drawn for the run and read by the kernel from the parameters: change it in the scenario, not on the agent")
        super().__setattr__(name, value)

    @property
    def value_seen(self) -> float:
        """The value the council sees in the partnership now, relative to the promise (1): enthusiasm added, every cause's take removed."""
        m = self.model
        return float(decisions.value_seen(m.state.arrays, m.P, 0, self.index, m.state.month))

    @property
    def outside_option(self) -> float:
        """What leaving is worth to it now: going alone, less the cost of leaving this partnership."""
        m = self.model
        return float(decisions.outside(m.state.arrays, m.P, 0))

    @property
    def notice(self) -> int:
        """Months until it leaves, having given notice (0: it has not)."""
        return int(self.model.state.council["notice"][0, self.index])

    @property
    def taken(self) -> dict[str, float]:
        """The value each cause has taken from what it sees, by cause label (largest first; causes that took none left out)."""
        return taken_by_cause(self.model.state.value_lost[:, 0, self.index])

    def explain_exit(self) -> str:
        """Why it would leave, or stay, if it weighed the partnership now: in words, with the figures behind them.

        A council that left says when and why, as the app's council line does (:func:`~sim.frontends.narrative.left_words`):
        where it gave notice first, when and after what it gave it, then when it left. Where there is no partnership to weigh, it says so: a proposal not yet
        decided, or, with what ended it as the timeline's last line says it, a proposal shelved (the council never had
        a partnership to leave) or a partnership that collapsed while the council was still in (with the value it saw
        at the end).
        """
        m = self.model
        if not self.active:
            return f"{self.name} {left_words(self.noticed, self.exit_month, self.exit_trigger, self.exit_cause).text}."
        value, outside = self.value_seen, self.outside_option
        if m.outcome in EARLY_ENDINGS:
            ended = decided(f"{ENDINGS[m.outcome]} in month {m.state.month}", m.trigger, m.cause).text
            if m.outcome == "shelved":
                return f"{self.name} never had a partnership to weigh: {ended}."
            return (
                f"{self.name} did not leave: {ended}. At the end it saw the partnership as worth {value:.2f} of what it promised, "
                f"against {outside:.2f} for going alone after the cost of leaving."
            )
        if m.phase == "proposal":
            return (
                f"{self.name} has no partnership to leave yet: the proposal is still before the councils (month {m.state.month}). "
                f"It sees the partnership proposed as worth {value:.2f} of what it promised."
            )
        chance = float(decisions.leave_probability(m.state.arrays, m.P, 0, self.index, m.state.month, triggers.Trigger.AGREEMENT_REVIEW))
        mostly = taken_words(most_taken(m.state.value_lost[:, 0, self.index])) or "nothing has taken any"
        verdict = "would probably leave" if chance > 0.5 else "would probably stay"
        notice = f" It has given notice and leaves in {self.notice} months unless it withdraws it." if self.notice else ""
        return (
            f"{self.name} sees the partnership as worth {value:.2f} of what it promised, against {outside:.2f} for going alone after the cost of leaving."
            f" Taken so far: {mostly}. Weighing it at a review now, it {verdict} (chance of giving notice {chance:.0%}).{notice}"
        )

    @property
    def key_person_present(self) -> bool:
        """Its champion is in post (case 01); false while the post is vacant."""
        return bool(self.model.state.mech("case01")["present"][0, self.index])

    @property
    def exit_month(self) -> int:
        """Month it left the partnership, or -1."""
        return int(self.model.state.council["exit_month"][0, self.index])

    @property
    def exit_cause(self) -> str:
        """Cause label of its exit (the cause that had taken most of the value it saw when it gave notice), or ``"none"``."""
        return layout().label(int(self.model.state.council["exit_cause"][0, self.index]))

    @property
    def noticed(self) -> int:
        """Month it gave the notice it left on (:meth:`~sim.frontends.narrative.EventLog.notice`), or -1: it is still in
        or gave none (the exit month where it left with no notice to serve)."""
        notice = self.model.events.notice(self.name, self.exit_month)
        return -1 if notice is None else notice.month

    @property
    def partners(self) -> list[Council]:
        """The other councils still in the partnership (none once this council has left)."""
        return [c for c in self.model.councils if c is not self and c.active] if self.active else []

    @property
    def trust(self) -> dict[str, float]:
        """Its trust in each current partner, by name."""
        row = self.model.state.trust[0, self.index]
        return {c.name: float(row[c.index]) for c in self.partners}

    def trust_in(self, other: Council | int) -> float:
        """Its trust in council ``other`` (a council or its index); NaN for itself or a council that left."""
        j = other if isinstance(other, int) else other.index
        return float(self.model.state.trust[0, self.index, j]) if self.model.state.pairs[0, self.index, j] else float("nan")

    def set_trust_in(self, other: Council | int, value: float) -> None:
        """Set its trust in a current partner ``other`` (a council or its index)."""
        j = other if isinstance(other, int) else other.index
        if not self.model.state.pairs[0, self.index, j]:
            raise ValueError(f"council {j} is not a current partner of {self.name}")
        self.model.state.trust[0, self.index, j] = _unit("trust", value)

    @property
    def exit_trigger(self) -> str:
        """What opened the decision that made it leave (a trigger label), or ``"none"``."""
        return triggers.label(int(self.model.state.council["exit_trigger"][0, self.index]))
