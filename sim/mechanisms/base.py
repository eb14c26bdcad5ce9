"""What every failure mechanism shares: its parameters' base, its monthly context and its effect.

A mechanism is a function compiled with numba that works on one replication (row ``i``)
of the state: it reads the state, the parameters and the month's draws, updates its own
arrays, and writes what it does into an :class:`Effect` (commitment and trust lost,
events). It returns the share of the month's potential savings it takes, any extra cost,
and whether it launches or ends the partnership. The kernel books all of that to the
mechanism's cause. :func:`evaluate` runs a mechanism over a whole batch outside the
kernel, for tests and exploration.
"""

from __future__ import annotations

from collections import namedtuple
from dataclasses import dataclass, field, fields
from types import ModuleType
from typing import Any

import numpy as np

from sim import levers as lever_table
from sim.jit import compiled
from sim.params import Spec
from sim.state import RUNNING, as_arrays


@dataclass
class MechanismParams:
    """Parameters every mechanism has: a switch for ablation studies."""

    enabled: bool = field(
        default=True, metadata={"spec": Spec("flag", None, None, "DESIGN.md (ablation)", "switch the mechanism off to see what it contributes")}
    )


def field_names(cls: type) -> list[str]:
    """Names of a parameter dataclass's fields that become arrays (all but free text)."""
    return [f.name for f in fields(cls) if f.metadata["spec"].unit != "text"]


Month = namedtuple("Month", ["i", "t", "draws", "levers", "changed"])
Month.__doc__ = """What a mechanism sees of the current month for replication row ``i``.

Attributes
----------
i
    Row of the replication in the state and parameter arrays.
t
    Month index, from 0.
draws
    ``(S, K)`` uniform draws of the mechanism's streams (in the order of its ``STREAMS``).
levers
    ``(L,)`` strength of each lever in force this month (0 where it is off or not yet started).
changed
    ``(K,)``: an exogenous change (election with a change of control, a new chief
    executive, a budget shock, a reorganisation) hit the council this month.
"""

Effect = namedtuple("Effect", ["commitment", "trust", "event_mask", "event_size", "event_partner"])
Effect.__doc__ = """What a mechanism does to one replication in one month, booked to its cause (buffers it fills).

Attributes
----------
commitment
    ``(K,)`` commitment lost by each council (>= 0).
trust
    ``(K, K)`` trust lost by council k in council j (>= 0).
event_mask, event_size, event_partner
    ``(E, K)``: which councils each of the mechanism's ``EVENTS`` touched, its main size, and
    the one partner it concerns (-1: none in particular).

A mechanism also returns ``(savings, cost, launch, ends)``: the share of this month's
potential savings it takes (0 .. 1), an extra cost (GBP m), whether it approves the
proposal, and whether it ends the partnership outright (a venture's insolvency, a
proposal shelved after too many slips).
"""


def empty_effect(n_councils: int, n_events: int) -> Effect:
    """Zeroed effect buffers for K councils and E kinds of event."""
    shape = (n_events, n_councils)
    return Effect(np.zeros(n_councils), np.zeros((n_councils, n_councils)), np.zeros(shape, np.bool_), np.zeros(shape), np.full(shape, -1, np.int64))


@compiled
def clear(fx: Effect) -> None:
    """Zero effect buffers for the next mechanism."""
    fx.commitment[:] = 0.0
    fx.trust[:] = 0.0
    fx.event_mask[:] = False
    fx.event_size[:] = 0.0
    fx.event_partner[:] = -1


@compiled
def note(fx: Effect, event: int, k: int, size: float, partner: int = -1) -> None:
    """Record that event ``event`` (index into the mechanism's ``EVENTS``) touched council ``k``, with its size and the partner it concerns."""
    fx.event_mask[event, k] = True
    fx.event_size[event, k] = size
    fx.event_partner[event, k] = partner


@compiled
def lifted(base: float, strength: float) -> float:
    """A 0..1 quality raised by a lever of the given strength: ``base + strength * (1 - base)``."""
    return base + strength * (1.0 - base)


@dataclass
class Inputs:
    """What a mechanism sees of a month for every replication of a batch (see :func:`evaluate`).

    ``draws`` maps stream names to ``(R, K)`` uniforms, ``changed`` is ``(R, K)`` and
    ``levers`` maps lever names to ``(R,)`` strengths.
    """

    t: int
    draws: dict[str, np.ndarray]
    changed: np.ndarray
    levers: dict[str, np.ndarray]


@dataclass
class Events:
    """One kind of event over a batch.

    ``mask[r, k]`` marks the councils it touched, ``size[r, k]`` its main size and
    ``partner[r, k]`` the one partner it concerns (-1: none in particular).
    """

    what: str
    mask: np.ndarray
    size: np.ndarray
    partner: np.ndarray


@dataclass
class BatchEffect:
    """A mechanism's effect on every replication of a batch, from :func:`evaluate`.

    ``commitment`` ``(R, K)``, ``trust`` ``(R, K, K)``, ``savings``, ``cost``, ``launch`` and
    ``ends`` ``(R,)``; ``own`` and ``shared`` the new values of the mechanism's own arrays
    and of the shared state it writes; ``events`` one :class:`Events` per kind.
    """

    commitment: np.ndarray
    trust: np.ndarray
    savings: np.ndarray
    cost: np.ndarray
    launch: np.ndarray
    ends: np.ndarray
    own: dict[str, np.ndarray]
    shared: dict[str, np.ndarray]
    events: list[Events]


def evaluate(mechanism: ModuleType, s: Any, P: Any, m: Inputs) -> BatchEffect:
    """Run ``mechanism.step`` on every running row of state ``s`` without changing ``s`` (ended rows get zeros).

    Parameters
    ----------
    mechanism
        A mechanism module (see :mod:`sim.mechanisms`).
    s
        A :class:`sim.state.State`.
    P
        Parameter arrays from :func:`sim.population.build`.
    m
        The month's draws, changes and lever strengths for the batch.
    """
    n, k = s.active.shape
    state = as_arrays(s, copy=True)
    own = {name: value.copy() for name, value in s.mech[mechanism.NAME].items()}
    own_arrays = mechanism.Own(**own)
    draws = np.stack([m.draws[name] for name in mechanism.STREAMS]) if mechanism.STREAMS else np.zeros((0, n, k))
    strengths = np.stack([m.levers[name] for name in lever_table.NAMES], axis=1)
    q = getattr(P.mech, mechanism.NAME)
    out = BatchEffect(
        np.zeros((n, k)), np.zeros((n, k, k)), np.zeros(n), np.zeros(n), np.zeros(n, bool), np.zeros(n, bool), {}, {},
        [Events(what, np.zeros((n, k), bool), np.zeros((n, k)), np.full((n, k), -1, np.int64)) for what in mechanism.EVENTS],
    )  # fmt: skip
    fx = empty_effect(k, len(mechanism.EVENTS))
    for i in range(n):
        if s.outcome[i] != RUNNING:  # the kernel leaves ended partnerships alone
            continue
        clear(fx)
        month = Month(i, m.t, np.ascontiguousarray(draws[:, i]), np.ascontiguousarray(strengths[i]), np.ascontiguousarray(m.changed[i]))
        out.savings[i], out.cost[i], out.launch[i], out.ends[i] = mechanism.step(state, own_arrays, P, q, month, fx)
        out.commitment[i], out.trust[i] = fx.commitment, fx.trust
        for e, events in enumerate(out.events):
            events.mask[i], events.size[i], events.partner[i] = fx.event_mask[e], fx.event_size[e], fx.event_partner[e]
    out.own = own
    out.shared = {name: getattr(state, name) for name in mechanism.SHARED}
    return out
