"""The simulation state: arrays over replications (R), councils (K) and causes (C)."""

from __future__ import annotations

from collections import namedtuple
from dataclasses import dataclass, field, fields

import numpy as np

from sim.jit import compiled

PROPOSAL, INTEGRATION, OPERATING, EXPANSION, ENDED = 0, 1, 2, 3, 4
PHASES = ("proposal", "integration", "operating", "expansion", "ended")
RUNNING, SHELVED, COLLAPSED, UNDERPERFORMING, SUSTAINED = 0, 1, 2, 3, 4
OUTCOMES = ("running", "shelved", "collapsed", "underperforming", "sustained")
CAUSE_MAJOR = ("commitment_lost", "savings_lost")


@dataclass
class State:
    """Everything that changes during a run.

    Shapes: ``(R,)`` per partnership, ``(R, K)`` per council, ``(R, K, K)`` per ordered pair
    (``trust[r, k, j]`` is council k's trust in council j; ``pairs`` marks pairs of distinct
    active councils), ``(C, R, K)`` and ``(C, R)`` for losses booked to each of the C causes.
    ``mech[name]`` holds each mechanism's own arrays. ``launch_month`` is the index of the
    first month after approval (so also the 1-based number of the approval month), -1 before.
    """

    month: int
    reps: np.ndarray
    active: np.ndarray
    pairs: np.ndarray
    commitment: np.ndarray
    trust: np.ndarray
    it_maturity: np.ndarray
    orientation: np.ndarray
    sovereignty: np.ndarray
    phase: np.ndarray
    launch_month: np.ndarray
    approval_due: np.ndarray
    scope: np.ndarray
    harmonisation: np.ndarray
    maturity: np.ndarray
    outcome: np.ndarray
    end_month: np.ndarray
    end_cause: np.ndarray
    exit_month: np.ndarray
    exit_cause: np.ndarray
    commitment_lost: np.ndarray
    savings_lost: np.ndarray
    savings_month: np.ndarray
    planned_month: np.ndarray
    realised_savings: np.ndarray
    business_case: np.ndarray
    investment_cost: np.ndarray
    lever_cost: np.ndarray
    other_cost: np.ndarray
    notice: np.ndarray
    mech: dict[str, dict[str, np.ndarray]] = field(default_factory=dict)

    @property
    def running(self) -> np.ndarray:
        """Partnerships still going, ``(R,)``."""
        return self.outcome == RUNNING


def pair_mask(active: np.ndarray) -> np.ndarray:
    """``(R, K, K)``: both councils active and distinct."""
    k = active.shape[1]
    return active[:, :, None] & active[:, None, :] & ~np.eye(k, dtype=bool)[None]


@compiled
def launched(s: StateArrays, i: int) -> bool:
    """The partnership in row ``i`` is past approval and still going."""
    return INTEGRATION <= s.phase[i] < ENDED


@compiled
def months_since_launch(s: StateArrays, i: int, month: int) -> int:
    """Full months since launch in row ``i`` at ``month``: 0 in the first month after approval, -1 before it."""
    return month - s.launch_month[i] if s.launch_month[i] >= 0 else -1


#: The state's arrays as a named tuple the compiled kernel reads and writes (every field of
#: :class:`State` except ``month``, ``reps`` and ``mech``).
StateArrays = namedtuple("StateArrays", [f.name for f in fields(State) if f.name not in ("month", "reps", "mech")])


def as_arrays(s: State, copy: bool = False) -> StateArrays:
    """The arrays of ``s`` (shared, so the kernel's changes land in ``s``; or copies)."""
    return StateArrays(*(getattr(s, name).copy() if copy else getattr(s, name) for name in StateArrays._fields))
