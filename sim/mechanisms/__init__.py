"""The failure mechanisms, one module per case of Guide 08, in the order they run each month.

Every mechanism module defines ``NAME`` (its key under ``mechanisms:`` in a config),
``CAUSE`` (its cause label), ``CASE`` (Guide 08 case number), ``TITLE``, ``STREAMS``
(names of the random streams it reads), a ``Params`` dataclass (subclass of
:class:`~sim.mechanisms.base.MechanismParams`), ``init(P, R, K)`` returning its own
arrays and ``step(state, P, month)`` returning an :class:`~sim.mechanisms.base.Effect`.
To add an eighth mechanism, write such a module and append it to :data:`MECHANISMS`;
configs, validation, cause labels, streams and the docs pick it up from here.
"""

from __future__ import annotations

from types import ModuleType

from sim.mechanisms import (
    case01_key_person,
    case02_decision_slippage,
    case03_misaligned_aspirations,
    case04_maturity_gap,
    case05_commercial_venture,
    case06_scope_tension,
    case07_premature_rebrand,
)

MECHANISMS: tuple[ModuleType, ...] = (
    case01_key_person,
    case02_decision_slippage,
    case03_misaligned_aspirations,
    case04_maturity_gap,
    case05_commercial_venture,
    case06_scope_tension,
    case07_premature_rebrand,
)

BY_NAME: dict[str, ModuleType] = {m.NAME: m for m in MECHANISMS}
