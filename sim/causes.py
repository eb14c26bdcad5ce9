"""The fixed list of cause labels that losses, exits and outcomes are booked to."""

from __future__ import annotations

from dataclasses import dataclass

from sim import exogenous
from sim.mechanisms import MECHANISMS


@dataclass(frozen=True)
class Cause:
    """A cause label with the case or source it comes from."""

    label: str
    case: str
    title: str


CAUSES: tuple[Cause, ...] = (
    *(Cause(m.CAUSE, m.CASE, m.TITLE) for m in MECHANISMS),
    *(Cause(label, "exogenous", title) for label, title in exogenous.CAUSES.items()),
    Cause("legacy_it", "Getting IT right", "Legacy IT, outsourcing lock-in, missing ICT skills or a partner's poor services slowed harmonisation"),
    Cause("unclear_business_case", "Guide 08 problem 01", "An unclear business case promised more than sharing could deliver"),
)
LABELS: tuple[str, ...] = tuple(c.label for c in CAUSES)
INDEX: dict[str, int] = {label: i for i, label in enumerate(LABELS)}
NONE = -1
DELAY = INDEX["case02_decision_slippage"]
SCOPE = INDEX["case06_scope_tension"]
LEGACY = INDEX["legacy_it"]
BUSINESS_CASE = INDEX["unclear_business_case"]


def label(index: int) -> str:
    """Cause label of an index (``"none"`` for :data:`NONE`)."""
    return LABELS[index] if index >= 0 else "none"
