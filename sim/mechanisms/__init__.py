"""The failure mechanisms, one module per case of Guide 08, in the order they run each month.

Every mechanism module defines ``NAME`` (its key under ``mechanisms:`` in a config),
``CAUSE`` (its cause label), ``CASE`` (Guide 08 case number), ``TITLE``, ``STREAMS``
(names of the random streams it reads), ``TAKES_TRUST`` (whether it ever takes trust),
``EVENTS`` (the kinds of event it records),
``SHARED`` (state fields besides its own it may write), a ``Params`` dataclass (subclass
of :class:`~sim.mechanisms.base.MechanismParams`) and its ``ParamArrays`` named tuple, an
``Own`` named tuple, ``init(P, R, K)`` returning its own arrays, and a compiled
``step(s, own, P, q, m, fx)`` for one replication that fills the
:class:`~sim.mechanisms.base.Effect` buffers ``fx`` and returns ``(savings, cost, launch,
ends)``. To add an eighth mechanism, write such a module, append it to :data:`MECHANISMS`
and add its call to :func:`sim.kernel._replication_month`; configs, validation, cause
labels, streams and the docs pick it up from here.
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
