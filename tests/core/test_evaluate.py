"""A mechanism run alone: an event its step notes without declaring it is named (the kernel would write it out of bounds)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

import pytest

from sim.core.contract import Mechanism, MechanismParams, note
from sim.core.evaluate import evaluate
from sim.core.jit import compiled
from sim.core.mechanisms import registered


@dataclass
class Params(MechanismParams):
    """No parameters of its own."""


class Ev(IntEnum):
    """Kinds of event."""

    SPOKE = 0


@compiled
def step(s, P, m, q, own, fx):
    """Every month, council 0 notes an event the contract below does not declare."""
    note(fx, Ev.SPOKE, 0, 1.0)


UNDECLARED = Mechanism(name="chatty", cause="chatty", case="toy", title="Notes an undeclared event", params=Params, step=step)


def test_an_event_noted_but_not_declared_is_named(bench, month):
    with registered(UNDECLARED):
        b = bench()
        with pytest.raises(ValueError) as info:
            evaluate(UNDECLARED, b.s, b.P, month(b))
    assert str(info.value) == (
        "mechanism 'chatty' (test_evaluate) notes event 0, which its contract does not declare (0 declared): "
        "give every member of its event IntEnum an Event in events="
    )
