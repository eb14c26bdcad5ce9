"""Councils as Mesa agents: live views of their column of a one-replication kernel state.

A :class:`Council` holds no state of its own. Its changing attributes (commitment, IT
maturity, orientation, sovereignty concern, trust, whether its champion is in post, when
and why it left) read the model's kernel arrays, row 0, column ``index``; setting one
writes the array, so the next month of the kernel sees it (a what-if: the run then no
longer matches the ensemble). Its drawn attributes (size, risk appetite, pace, ...) are
plain attributes fixed for the run. A council that leaves is removed from the model with
:meth:`mesa.Agent.remove`.
"""

from __future__ import annotations

from dataclasses import fields
from typing import TYPE_CHECKING

import mesa
import numpy as np

from sim.core.layout import layout
from sim.core.params import CouncilParams

if TYPE_CHECKING:
    from sim.frontends.model import PartnershipModel

#: Council attributes that change during a run: properties here, not fixed attributes.
LIVE = ("it_maturity", "orientation", "sovereignty_concern")
#: Fixed attributes drawn for each council, with the labels of categorical ones.
DRAWN: dict[str, tuple[str, ...]] = {
    f.name: f.metadata["spec"].choices for f in fields(CouncilParams) if f.metadata["spec"].unit != "text" and f.name not in LIVE
}


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


class Council(mesa.Agent):
    """One council of a :class:`~sim.model.PartnershipModel`.

    Attributes
    ----------
    index
        The council's column ``k`` in the kernel arrays.
    name
        Its display name.
    size, risk_appetite, pace, tier, ...
        Every attribute of :class:`~sim.params.CouncilParams` drawn for this run except the
        live ones (categories as their labels).
    """

    model: PartnershipModel

    def __init__(self, model: PartnershipModel, index: int) -> None:
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

    commitment = _Live("commitment", "Commitment to the partnership, 0 .. 1; the council leaves below its ``exit_threshold``.")
    it_maturity = _Live("it_maturity", "Maturity of the council's IT estate and practices, 0 .. 1.")
    orientation = _Live("orientation", "Strategic aim of sharing, 0 a leaner council .. 1 a commercial one.")
    sovereignty_concern = _Live("sovereignty", "Fear of losing sovereignty and identity, 0 .. 1.")

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
        """Cause label of its exit (the cause that took most of its commitment), or ``"none"``."""
        return layout().label(int(self.model.state.council["exit_cause"][0, self.index]))

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
    def losses(self) -> dict[str, float]:
        """Commitment it has lost so far, by cause label (causes that took nothing left out)."""
        lost = self.model.state.commitment_lost[:, 0, self.index]
        return {layout().label(int(c)): float(lost[c]) for c in np.flatnonzero(lost)}
