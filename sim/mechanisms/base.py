"""What every failure mechanism shares: its parameters' base, its monthly context and its effect."""

from __future__ import annotations

from dataclasses import dataclass, field
from types import SimpleNamespace

import numpy as np

from sim.params import Spec


@dataclass
class MechanismParams:
    """Parameters every mechanism has: a switch for ablation studies."""

    enabled: bool = field(
        default=True, metadata={"spec": Spec("flag", None, None, "DESIGN.md (ablation)", "switch the mechanism off to see what it contributes")}
    )


@dataclass
class Events:
    """One kind of event that fired this month.

    ``mask[r, k]`` marks the councils it touched and ``size[r, k]`` its main effect size.
    """

    what: str
    mask: np.ndarray
    size: np.ndarray


@dataclass
class Month:
    """What a mechanism sees of the current month besides state and parameters.

    Attributes
    ----------
    t
        Month index, from 0.
    draws
        Uniform draws ``(R, K)`` by stream name, drawn every month whatever the state.
    changed
        ``(R, K)``: an exogenous change (election with a change of control, a new chief
        executive, a budget shock, a reorganisation) hit the council this month.
    levers
        ``(R,)`` strength of each lever in force this month (0 where it is off or not yet started).
    """

    t: int
    draws: dict[str, np.ndarray]
    changed: np.ndarray
    levers: dict[str, np.ndarray]


@dataclass
class Effect:
    """What a mechanism (or exogenous event) does in one month, booked to itself.

    Attributes
    ----------
    commitment
        ``(R, K)`` commitment lost by each council (>= 0).
    trust
        ``(R, K, K)`` trust lost by council k in council j (>= 0).
    savings
        ``(R,)`` share of this month's potential savings lost (0 .. 1).
    cost
        ``(R,)`` extra cost this month (GBP m).
    own
        New values for the mechanism's own arrays.
    shared
        New values for shared state fields (e.g. ``scope``, ``approval_due``).
    launch
        ``(R,)`` proposals approved this month.
    ends
        ``(R,)`` partnerships this mechanism ends outright this month (a venture's
        insolvency, a proposal shelved after too many slips); the ending is booked to it.
    events
        The events that fired, for the event log.
    """

    commitment: np.ndarray | None = None
    trust: np.ndarray | None = None
    savings: np.ndarray | None = None
    cost: np.ndarray | None = None
    own: dict[str, np.ndarray] = field(default_factory=dict)
    shared: dict[str, np.ndarray] = field(default_factory=dict)
    launch: np.ndarray | None = None
    ends: np.ndarray | None = None
    events: list[Events] = field(default_factory=list)


Arrays = SimpleNamespace
"""Parameters compiled to arrays: ``(R,)`` per partnership, ``(R, K)`` per council."""


def sum_k(x: np.ndarray) -> np.ndarray:
    """Sum over the last (council) axis, adding councils in order.

    numpy's reductions over a short last axis are slow; adding slices is several times
    faster and gives the same bits for any number of replications.
    """
    out = np.array(x[..., 0], dtype=float)
    for j in range(1, x.shape[-1]):
        out += x[..., j]
    return out


def sum_c(x: np.ndarray) -> np.ndarray:
    """Sum over the first (cause) axis, adding causes in order.

    numpy sums a short axis pairwise when little else is in the array and row by row when
    much is, which rounds differently; adding in order gives the same bits for one
    replication as for any batch.
    """
    out = x[0].copy()
    for c in range(1, x.shape[0]):
        out += x[c]
    return out


def prod_c(x: np.ndarray) -> np.ndarray:
    """Product over the first (cause) axis, in order (see :func:`sum_c`)."""
    out = x[0].copy()
    for c in range(1, x.shape[0]):
        out *= x[c]
    return out


def max_k(x: np.ndarray) -> np.ndarray:
    """Maximum over the last (council) axis (see :func:`sum_k`)."""
    out = np.array(x[..., 0], dtype=float)
    for j in range(1, x.shape[-1]):
        np.maximum(out, x[..., j], out=out)
    return out


def any_k(x: np.ndarray) -> np.ndarray:
    """Logical or over the last (council) axis (see :func:`sum_k`)."""
    out = np.array(x[..., 0], dtype=bool)
    for j in range(1, x.shape[-1]):
        out |= x[..., j]
    return out


def size_weighted_mean(values: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Weighted mean over the last axis; 0 where all weights are 0."""
    total = sum_k(weights)
    return np.divide(sum_k(values * weights), total, out=np.zeros_like(total), where=total > 0)


def pair_mask(active: np.ndarray) -> np.ndarray:
    """``(R, K, K)``: both councils active and distinct."""
    k = active.shape[1]
    return active[:, :, None] & active[:, None, :] & ~np.eye(k, dtype=bool)[None]


def lifted(base: np.ndarray, strength: np.ndarray) -> np.ndarray:
    """A 0..1 quality raised by a lever of the given strength: ``base + strength * (1 - base)``."""
    return base + strength * (1.0 - base)


def commercial_capability(P: Arrays, m: Month) -> np.ndarray:
    """Commercial capability of the service with the ``commercial_capability`` lever applied, ``(R,)`` (cases 04 and 05)."""
    return lifted(P.partnership.commercial_capability, m.levers["commercial_capability"])
