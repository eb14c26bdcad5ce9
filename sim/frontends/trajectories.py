"""Monthly quantiles of the main state variables, accumulated streaming over blocks (for fan charts).

Each month, every variable of the partnerships running at the start of that month is
rounded to the nearest point of a fixed grid over its range and counted; counts of
successive blocks add up, so memory does not grow with the number of replications and
the result is the same for any block size. The means are exact sums (:class:`ExactSum`)
divided once at the end, so they too are the same bit for bit whatever the blocks or the
engine. A quantile is the grid point where the
cumulative share first reaches ``q``: exact for the whole-number ``partners`` and for
values on the grid (such as 0 and 1), within half a step (:data:`STEPS` steps over the
range) for the others. Values outside a variable's range count at its ends.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from sim.config.model import MAX_COUNCILS
from sim.core.state import State
from sim.frontends.table import Table

QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)
STEPS = 1000


def _mean_over_active(x: np.ndarray, active: np.ndarray) -> np.ndarray:
    n = active.sum(axis=1)
    return np.divide((x * active).sum(axis=1), n, out=np.full(len(n), np.nan), where=n > 0)


def _mean_trust(s: State) -> np.ndarray:
    n = s.pairs.sum(axis=(1, 2))
    return np.divide((s.trust * s.pairs).sum(axis=(1, 2)), n, out=np.full(len(n), np.nan), where=n > 0)


def _savings_to_date(s: State) -> np.ndarray:
    realised, planned = s.partnership["realised_savings"], s.partnership["business_case"]
    return np.divide(realised, planned, out=np.full(len(s.reps), np.nan), where=planned > 0)


class ExactSum:
    """The exact sum of any number of floats, added in any order and grouping.

    Each float is ``M * 2**e`` with a whole ``M`` of 53 bits, so a sum is a whole number of
    units of ``2**BASE`` (below the smallest float): kept as a Python integer,
    it does not depend on how the values were split into blocks, and :meth:`mean` rounds
    only once.
    """

    BASE = -1074 - 53
    HALF = 26

    def __init__(self) -> None:
        self.units = 0

    def add(self, x: np.ndarray) -> None:
        """Add the finite values ``x``."""
        fraction, exponent = np.frexp(np.asarray(x, float))
        if not len(exponent):
            return
        whole = (fraction * 2.0**53).astype(np.int64)
        # each half (below 2**27) summed by exponent: exact in float64 for up to 2**26 values (a block has at most 10**6)
        high, low = whole >> self.HALF, whole & ((1 << self.HALF) - 1)
        first = int(exponent.min())
        highs = np.bincount(exponent - first, weights=high).astype(np.int64).tolist()
        lows = np.bincount(exponent - first, weights=low).astype(np.int64).tolist()
        for e, (h, lo) in enumerate(zip(highs, lows, strict=True), start=first):
            if h or lo:
                self.units += ((h << self.HALF) + lo) << (e - 53 - self.BASE)

    def mean(self, n: int) -> float:
        """The sum over ``n``, correctly rounded (nan for ``n == 0``)."""
        return float(Fraction(self.units, n << -self.BASE)) if n > 0 else float("nan")


@dataclass(frozen=True)
class Variable:
    """A state variable summarised per partnership: ``value(state)`` gives ``(R,)`` (nan where undefined).

    Its grid has ``steps + 1`` points from ``lo`` to ``hi``.
    """

    name: str
    doc: str
    lo: float
    hi: float
    steps: int
    value: Callable[[State], np.ndarray]

    @property
    def grid(self) -> np.ndarray:
        """The values a quantile can take."""
        return self.lo + np.arange(self.steps + 1) * (self.hi - self.lo) / self.steps


VARIABLES: tuple[Variable, ...] = (
    Variable("partners", "councils still in the partnership", 0.0, MAX_COUNCILS, MAX_COUNCILS, lambda s: s.active.sum(axis=1).astype(float)),
    Variable(
        "value_seen",
        "mean value the councils still in see, relative to the promise (enthusiasm left out)",
        -1.0,
        2.0,
        STEPS,
        lambda s: _mean_over_active(1.0 - s.value_lost.sum(axis=0), s.active),
    ),
    Variable("trust", "mean trust between the councils still in", 0.0, 1.0, STEPS, _mean_trust),
    Variable("harmonisation", "IT harmonisation reached", 0.0, 1.0, STEPS, lambda s: s.partnership["harmonisation"]),
    Variable("maturity", "maturity of the arrangement", 0.0, 1.0, STEPS, lambda s: s.partnership["maturity"]),
    Variable("savings_to_date", "realised savings so far over the business case so far", 0.0, 2.0, STEPS, _savings_to_date),
)


class TrajectoryRecorder:
    """Monthly histograms of :data:`VARIABLES` over the partnerships running each month.

    Parameters
    ----------
    months
        Last month recorded (the horizon); month 0 is the starting state.
    variables
        What to record.
    """

    def __init__(self, months: int, variables: Sequence[Variable] = VARIABLES) -> None:
        self.variables = tuple(variables)
        self.counts = {v.name: np.zeros((months + 1, v.steps + 1), np.int64) for v in self.variables}
        self.sums = {v.name: [ExactSum() for _ in range(months + 1)] for v in self.variables}

    def record(self, s: State, rows: np.ndarray) -> None:
        """Add the state at the end of month ``s.month`` of the replications marked in ``rows``."""
        for v in self.variables:
            x = v.value(s)[rows]
            x = x[np.isfinite(x)]
            points = np.clip(np.rint((x - v.lo) / (v.hi - v.lo) * v.steps).astype(np.int64), 0, v.steps)
            self.counts[v.name][s.month] += np.bincount(points, minlength=v.steps + 1)
            self.sums[v.name][s.month].add(x)

    def table(self, quantiles: Sequence[float] = QUANTILES) -> Table:
        """One row per month and variable: ``month``, ``variable``, ``n``, ``mean`` and ``q05`` ... ``q95``."""
        parts = []
        names = tuple(v.name for v in self.variables)
        for index, v in enumerate(self.variables):
            cum = np.cumsum(self.counts[v.name], axis=1)
            n = cum[:, -1]
            mean = np.array([total.mean(int(count)) for total, count in zip(self.sums[v.name], n, strict=True)])
            part = {"month": np.arange(len(n)), "variable": np.full(len(n), index), "n": n, "mean": mean}
            for q in quantiles:
                need = np.maximum(np.ceil(q * n - 1e-9), 1)
                first = np.argmax(cum >= need[:, None], axis=1)
                part[f"q{round(100 * q):02d}"] = np.where(n > 0, v.grid[first], np.nan)
            parts.append(Table(part, {"variable": names}))
        return Table.concat(parts)
