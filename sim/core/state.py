"""The simulation state: record arrays over replications (R) and councils (K), and losses by cause (C).

Per partnership, one record per replication (``(R,)``, :data:`PARTNERSHIP`); per council,
one record per replication and council (``(R, K)``, :data:`COUNCIL`); per ordered pair of
councils, ``trust[r, k, j]`` (council k's trust in council j) and ``pairs`` (both active
and distinct); by each of the C causes, ``value_lost`` ``(C, R, K)`` (how much of the value
each council sees each cause has taken: its view, following experience with a lag),
``trust_lost`` ``(C, R, K)`` (each council's loss of trust in its partners, by the cause
that took it) and ``savings_lost`` ``(C, R)`` (GBP m, cumulative). Each mechanism keeps its
own state (:class:`~sim.core.contract.Own`) in ``own``.
"""

from __future__ import annotations

from collections import namedtuple
from dataclasses import dataclass

import numpy as np

from sim.core.contract import Own
from sim.core.jit import compiled

PROPOSAL, INTEGRATION, OPERATING, EXPANSION, ENDED = 0, 1, 2, 3, 4
PHASES = ("proposal", "integration", "operating", "expansion", "ended")
RUNNING, SHELVED, COLLAPSED, UNDERPERFORMING, SUSTAINED = 0, 1, 2, 3, 4
OUTCOMES = ("running", "shelved", "collapsed", "underperforming", "sustained")

#: Per partnership. ``launch_month`` is the index of the first month after approval (so also
#: the 1-based number of the approval month), -1 before; ``approval_due`` the month of the next
#: decision meeting before launch; ``review_due`` the month of the next review of the agreement;
#: ``scope`` 1 while sharing is deepened beyond IT; ``deepened`` once the councils accepted deeper sharing;
#: ``it_only`` when the partners agreed to share IT only;
#: ``end_cause`` a cause index and ``end_trigger`` a :class:`~sim.core.triggers.Trigger`, or -1.
PARTNERSHIP = np.dtype(
    [
        ("phase", np.int64),
        ("outcome", np.int64),
        ("launch_month", np.int64),
        ("approval_due", np.int64),
        ("review_due", np.int64),
        ("slips", np.int64),
        ("scope", np.int64),
        ("it_only", np.bool_),
        ("deepened", np.bool_),
        ("end_month", np.int64),
        ("end_cause", np.int64),
        ("end_trigger", np.int64),
        ("harmonisation", np.float64),
        ("maturity", np.float64),
        ("savings_month", np.float64),
        ("planned_month", np.float64),
        ("realised_savings", np.float64),
        ("business_case", np.float64),
        ("investment_cost", np.float64),
        ("lever_cost", np.float64),
        ("other_cost", np.float64),
    ],
    align=True,
)
#: Per council. ``notice`` counts the months until the council leaves after giving notice (0:
#: none), ``ceo_notice`` those until a departing chief executive's successor arrives;
#: ``decision_due`` is the month of a decision an event opened (-1: none) and
#: ``decision_trigger`` that event; ``approved`` whether it approved the proposal;
#: ``stance`` the value a new administration's doctrine takes from sharing; ``pressure``
#: the extra weight a budget shock puts on savings; ``felt`` every kind of outside change
#: that has reached the council so far (the :class:`~sim.core.exogenous.Signal` flags, or-ed).
COUNCIL = np.dtype(
    [
        ("active", np.bool_),
        ("approved", np.bool_),
        ("surfaced", np.bool_),
        ("it_maturity", np.float64),
        ("orientation", np.float64),
        ("sovereignty", np.float64),
        ("stance", np.float64),
        ("pressure", np.float64),
        ("exit_month", np.int64),
        ("exit_cause", np.int64),
        ("exit_trigger", np.int64),
        ("notice", np.int64),
        ("notice_cause", np.int64),
        ("notice_trigger", np.int64),
        ("ceo_notice", np.int64),
        ("decision_due", np.int64),
        ("decision_trigger", np.int64),
        ("notices", np.int64),
        ("felt", np.int64),
    ],
    align=True,
)

StateArrays = namedtuple("StateArrays", ["partnership", "council", "trust", "pairs", "value_lost", "trust_lost", "savings_lost"])
StateArrays.__doc__ = "The state's arrays as compiled code takes them (see the module docstring)."


@dataclass
class State:
    """Everything that changes during a run, for replications ``reps`` after ``month`` months."""

    month: int
    reps: np.ndarray
    partnership: np.ndarray
    council: np.ndarray
    trust: np.ndarray
    pairs: np.ndarray
    value_lost: np.ndarray
    trust_lost: np.ndarray
    savings_lost: np.ndarray
    own: dict[str, Own]

    @property
    def arrays(self) -> StateArrays:
        """The arrays compiled code reads and writes (shared with this state)."""
        return StateArrays(self.partnership, self.council, self.trust, self.pairs, self.value_lost, self.trust_lost, self.savings_lost)

    @property
    def running(self) -> np.ndarray:
        """Partnerships still going, ``(R,)``."""
        return self.partnership["outcome"] == RUNNING

    @property
    def active(self) -> np.ndarray:
        """Councils still in their partnership, ``(R, K)``."""
        return self.council["active"]

    def mech(self, name: str) -> dict[str, np.ndarray]:
        """Mechanism ``name``'s own state as writable views, one per field (``(R,)`` or ``(R, K)``)."""
        own = self.own[name]
        return {field: records[field] for records in own for field in records.dtype.names or ()}

    def copy(self) -> State:
        """A deep copy."""
        own = {name: Own(o.partnership.copy(), o.council.copy()) for name, o in self.own.items()}
        arrays = {name: getattr(self, name).copy() for name in StateArrays._fields}
        return State(self.month, self.reps.copy(), own=own, **arrays)


def pair_mask(active: np.ndarray) -> np.ndarray:
    """``(R, K, K)``: both councils active and distinct."""
    k = active.shape[1]
    return active[:, :, None] & active[:, None, :] & ~np.eye(k, dtype=bool)[None]


@compiled
def launched(s: StateArrays, i: int) -> bool:
    """The partnership in row ``i`` is past approval and still going."""
    return INTEGRATION <= s.partnership[i].phase < ENDED


@compiled
def months_since_launch(s: StateArrays, i: int, month: int) -> int:
    """Full months since launch in row ``i`` at ``month``: 0 in the first month after approval, -1 before it."""
    launch = s.partnership[i].launch_month
    return month - launch if launch >= 0 else -1
