"""A mechanism run alone over a batch, outside the kernel: for tests and exploration.

:func:`evaluate` runs one mechanism's compiled step on every running replication of a
state, with the draws, exogenous changes and lever strengths the caller chooses, and
returns what it did without changing the state.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.core import levers as lever_table
from sim.core.contract import Mechanism, Month, clear, empty_effect
from sim.core.layout import layout
from sim.core.state import RUNNING


@dataclass
class Inputs:
    """What a mechanism sees of a month for every replication of a batch (see :func:`evaluate`).

    ``draws`` maps stream names to ``(R, K)`` uniforms, ``signals`` is ``(R, K)`` (sums of
    :class:`sim.core.exogenous.Signal` flags) and ``levers`` maps lever names to ``(R,)`` strengths.
    """

    t: int
    draws: dict[str, np.ndarray]
    signals: np.ndarray
    levers: dict[str, np.ndarray]


@dataclass
class Events:
    """One kind of event over a batch.

    ``mask[r, k]`` marks the councils it touched, ``size[r, k]`` its size and ``partner[r, k]`` the partner it
    concerns (-1: none).
    """

    what: str
    mask: np.ndarray
    size: np.ndarray
    partner: np.ndarray


@dataclass
class BatchEffect:
    """A mechanism's effect on every replication of a batch, from :func:`evaluate`.

    ``value`` ``(R, K)``, ``trust`` ``(R, K, K)``, ``opens`` ``(R, K)``, ``savings``, ``cost``,
    ``launch``, ``ends`` and ``trigger`` ``(R,)``; ``own`` the new values of the mechanism's own state by field and
    ``shared`` those of the shared state it writes; ``events`` one :class:`Events` per kind.
    """

    value: np.ndarray
    trust: np.ndarray
    opens: np.ndarray
    savings: np.ndarray
    cost: np.ndarray
    launch: np.ndarray
    ends: np.ndarray
    trigger: np.ndarray
    own: dict[str, np.ndarray]
    shared: dict[str, np.ndarray]
    events: list[Events]


def evaluate(mechanism: Mechanism, s: Any, P: Any, m: Inputs) -> BatchEffect:
    """Run ``mechanism``'s step on every running row of state ``s`` without changing ``s`` (ended rows get zeros).

    Parameters
    ----------
    mechanism
        A registered mechanism's contract.
    s
        A :class:`sim.core.state.State` built for the registry ``P`` was built for.
    P
        Parameter arrays from :func:`sim.population.build`.
    m
        The month's draws, changes and lever strengths for the batch.

    Raises
    ------
    TypeError
        When the step notes an event its contract does not declare (a row of the event buffers
        past its events: they have a spare row beyond the kernel's largest, so the write lands
        in a buffer and is found, rather than past its end).
    """
    state = s.copy()
    own = state.own[mechanism.name]
    n, k = s.council.shape
    draws = np.stack([m.draws[name] for name in mechanism.stream_names]) if mechanism.streams else np.zeros((0, n, k))
    strengths = np.stack([m.levers[name] for name in lever_table.NAMES], axis=1)
    q = P.mech[[x.name for x in layout().mechanisms].index(mechanism.name)]
    events = mechanism.event_list
    out = BatchEffect(
        np.zeros((n, k)),
        np.zeros((n, k, k)),
        np.full((n, k), -1, np.int64),
        np.zeros(n),
        np.zeros(n),
        np.zeros(n, bool),
        np.zeros(n, bool),
        np.full(n, -1, np.int64),
        {},
        {},
        [Events(e.what, np.zeros((n, k), bool), np.zeros((n, k)), np.full((n, k), -1, np.int64)) for e in events],
    )
    fx = empty_effect(k, max(len(events), layout().most_events) + 1)
    arrays = state.arrays
    for i in range(n):
        if s.partnership[i]["outcome"] != RUNNING:  # the kernel leaves ended partnerships alone
            continue
        clear(fx)
        signals = np.ascontiguousarray(m.signals[i], dtype=np.int64)
        month = Month(i, m.t, np.ascontiguousarray(draws[:, i]), np.ascontiguousarray(strengths[i]), signals)
        mechanism.step(arrays, P, month, q[i], own, fx)
        spare = np.flatnonzero(fx.event_mask[len(events) :].any(axis=1))
        if spare.size:
            raise TypeError(mechanism.undeclared_event(f"row {len(events) + spare[0]} (replication {i})"))
        result = fx.result[0]
        out.savings[i], out.cost[i], out.launch[i], out.ends[i], out.trigger[i] = (
            result["savings"],
            result["cost"],
            result["launch"],
            result["ends"],
            result["trigger"],
        )
        out.value[i], out.trust[i], out.opens[i] = fx.value, fx.trust, fx.opens
        for e, kind in enumerate(out.events):
            kind.mask[i], kind.size[i], kind.partner[i] = fx.event_mask[e], fx.event_size[e], fx.event_partner[e]
    out.own = {field: records[field] for records in own for field in records.dtype.names or ()}
    shared = {**{f: state.partnership[f] for f in state.partnership.dtype.names}, **{f: state.council[f] for f in state.council.dtype.names}}
    out.shared = {name: shared[name] for name in mechanism.shares}
    return out
