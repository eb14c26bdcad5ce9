"""The failure mechanisms, one module per case of Guide 08 (and one for working together), in the order they run each month.

Every module ends with one :class:`~sim.core.contract.Mechanism`, its contract. The
registry below is the only list of them: the kernel lays out streams, events and causes
from it, the configuration takes each mechanism's parameters from it, and the contract
tests, the narrative and the parameter docs read it. Adding a mechanism is writing its
module (contract, parameters, compiled step, docstring citing its case), adding it to
:data:`MECHANISMS`, writing its tests and giving the trainer's app its key learning
(``docs/architecture.md`` has the recipe).
:func:`registered` adds one for a while, as a test or a study may.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sim.core.contract import Mechanism
from sim.core.mechanisms import (
    case01_key_person,
    case02_decision_slippage,
    case03_misaligned_aspirations,
    case04_maturity_gap,
    case05_commercial_venture,
    case06_scope_tension,
    case07_premature_rebrand,
    coordination,
)

#: The package's mechanisms in the order they run each month.
MECHANISMS: tuple[Mechanism, ...] = (
    case01_key_person.MECHANISM,
    case02_decision_slippage.MECHANISM,
    case03_misaligned_aspirations.MECHANISM,
    case04_maturity_gap.MECHANISM,
    case05_commercial_venture.MECHANISM,
    case06_scope_tension.MECHANISM,
    case07_premature_rebrand.MECHANISM,
    coordination.MECHANISM,
)

_extra: list[Mechanism] = []


def mechanisms() -> tuple[Mechanism, ...]:
    """The registry: the package's mechanisms, then any added with :func:`registered`, in run order."""
    return (*MECHANISMS, *_extra)


def by_name() -> dict[str, Mechanism]:
    """The registered mechanisms by name."""
    return {m.name: m for m in mechanisms()}


@contextmanager
def registered(mechanism: Mechanism) -> Iterator[Mechanism]:
    """Run one more mechanism after the package's while the ``with`` block lasts."""
    if mechanism.name in by_name():
        raise ValueError(f"a mechanism named {mechanism.name!r} is registered already")
    _extra.append(mechanism)
    try:
        yield mechanism
    finally:
        _extra.remove(mechanism)
