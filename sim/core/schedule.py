"""The registry's mechanisms as compiled code calls them: one direct call each, in registry order.

:func:`each_mechanism` runs every mechanism of a :class:`Schedule` for one replication and
books its effect to its cause. The schedule travels into compiled code as an argument
whose numba type carries the mechanisms themselves (their steps, draws, events and cause),
so the compiled month calls each step directly, with no cost per call, and a different
registry (a test's toy mechanism, say) simply compiles its own month. The code of
:func:`each_mechanism` is written out from the schedule when numba first compiles it:
for each mechanism, "run its step on its draws, its parameters and its own state; book
what it did to its cause".
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path
from typing import Any

import numpy as np
from numba.core import types
from numba.extending import NativeValue, models, overload, register_model, typeof_impl, unbox

from sim.core.contract import Month, clear_result
from sim.core.decisions import open_from
from sim.core.jit import compiled
from sim.core.layout import Layout, Slot
from sim.core.state import StateArrays

NONE = -1


class Schedule:
    """The mechanisms of a layout in run order, as a value compiled code can take."""

    def __init__(self, layout: Layout) -> None:
        self.slots: tuple[Slot, ...] = layout.slots
        sources = "".join(_source_hash(slot.mechanism.module) for slot in self.slots)
        self.key = ";".join(f"{s.mechanism.name}:{s.streams}:{s.events}:{s.cause}:{s.mechanism.takes_trust}" for s in self.slots) + sources

    def __repr__(self) -> str:
        return f"Schedule({', '.join(s.mechanism.name for s in self.slots)})"


@functools.cache
def _source_hash(module: str) -> str:
    import importlib

    path = Path(importlib.import_module(module).__file__ or "")
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12] if path.is_file() else module


@functools.cache
def schedule(layout: Layout) -> Schedule:
    """The schedule of a layout (one per layout)."""
    return Schedule(layout)


class ScheduleType(types.Opaque):
    """numba's type of a :class:`Schedule`: it holds the mechanisms, so its value carries nothing at run time.

    In numba's on-disk cache a compiled function's signature is saved with this type by its
    name alone (which names every mechanism and a hash of its module), never with the
    mechanisms themselves: a process that cannot import a mechanism someone else registered
    (a test's toy, a study's own) reads the cache without error, and simply finds no
    machine code for that registry.
    """

    def __init__(self, value: Schedule | None, name: str | None = None) -> None:
        self.slots = value.slots if value is not None else ()
        super().__init__(name=name or f"Schedule({value.key})")  # type: ignore[union-attr]

    def __reduce__(self) -> tuple:
        return (_schedule_type, (self.name,))


def _schedule_type(name: str) -> ScheduleType:
    """A schedule type read back from the cache: known by its name only."""
    return ScheduleType(None, name)


register_model(ScheduleType)(models.OpaqueModel)


@typeof_impl.register(Schedule)
def _typeof_schedule(value: Schedule, context: Any) -> ScheduleType:
    return ScheduleType(value)


@unbox(ScheduleType)
def _unbox_schedule(typ: ScheduleType, obj: Any, c: Any) -> NativeValue:
    return NativeValue(c.context.get_dummy_value())


@compiled
def book(s: StateArrays, i: int, t: int, c: int, w: Any, events: Any, first_event: int, last_event: int, takes_trust: bool) -> None:
    """Add one cause's effect (``w.fx``) to the month's books and empty its buffers; open the decisions it asks for; move its events to the log.

    Trust lost is clipped to the trust there is. ``takes_trust`` is false for mechanisms
    that never touch trust (their trust buffer stays zero, so it is not read).
    """
    fx = w.fx
    n = fx.value.shape[0]
    for k in range(n):
        w.loss[c, k] += fx.value[k]
        fx.value[k] = 0.0
        if takes_trust:
            for j in range(n):
                taken = min(fx.trust[k, j] * s.pairs[i, k, j], s.trust[i, k, j])
                fx.trust[k, j] = 0.0
                w.trust_loss[c, k, j] += taken
    result, totals = fx.result[0], w.totals[0]
    w.shares[c] = min(max(result.savings, 0.0), 1.0)
    totals.cost += result.cost
    s.savings_lost[c, i] += result.cost
    if result.launch:
        totals.launch = True
    if result.ends and totals.ended_by == NONE:
        totals.ended_by = c
        totals.ended_trigger = result.trigger
    clear_result(fx)
    open_from(s, i, t, fx.opens)
    record(events, i, fx, first_event, last_event)


@compiled
def record(events: Any, i: int, fx: Any, first: int, last: int) -> None:
    """Move the events in ``fx`` to the month's log as kinds ``first`` up to ``last`` (when a log is kept)."""
    mask, size, partner, _, _ = events
    if mask.shape[1] == 0:
        return
    for e in range(last - first):
        for k in range(fx.event_mask.shape[1]):
            mask[first + e, i, k] = fx.event_mask[e, k]
            size[first + e, i, k] = fx.event_size[e, k]
            partner[first + e, i, k] = fx.event_partner[e, k]
            fx.event_mask[e, k] = False
            fx.event_size[e, k] = 0.0
            fx.event_partner[e, k] = -1


def each_mechanism(plan: Schedule, s: StateArrays, P: Any, i: int, t: int, owns: tuple, w: Any, events: Any) -> None:
    """Run every mechanism of ``plan`` on row ``i`` in month ``t`` and book each to its cause (compiled code only)."""
    raise TypeError("each_mechanism runs inside compiled code only")


@overload(each_mechanism)
def _each_mechanism(plan, s, P, i, t, owns, w, events):  # type: ignore[no-untyped-def]
    names = {"Month": Month, "book": book, "int64": np.int64, "boolean": np.bool_}
    lines = ["def each(plan, s, P, i, t, owns, w, events):"]
    for j, slot in enumerate(plan.slots):
        names[f"step_{j}"] = slot.mechanism.step
        first, last = slot.streams
        lines.append(f"    step_{j}(s, P, Month(i, t, w.draws[{first}:{last}], w.strengths, w.signals), P.mech[{j}][i], owns[{j}], w.fx)")
        # plain int64 and bool, not literals: book and record then compile once, not once per mechanism (LLVM still folds them)
        lines.append(
            f"    book(s, i, t, int64({slot.cause}), w, events, int64({slot.events[0]}), int64({slot.events[1]}), boolean({slot.mechanism.takes_trust}))"
        )
    if not plan.slots:
        lines.append("    return")
    exec("\n".join(lines), names)  # the calls written out from the registry: see the module docstring
    return names["each"]
