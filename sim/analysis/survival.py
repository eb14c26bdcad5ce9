"""Kaplan-Meier survival of partnerships: how soon they collapse, right-censored at the horizon.

Time is whole months since the start of the run (the proposal), as in the replication
table's ``end_month``. A collapse is an event at its month; partnerships still going at the
horizon (underperforming or sustained) are right-censored there.

Shelved partnerships never launched, so they can never collapse. They stay in the risk set
to the horizon and are censored there, as if followed to the end without collapsing.
``1 - S(t)`` is then the probability that a proposed partnership has collapsed by month
``t``: the same population as the outcome shares, so ``1 - S(horizon)`` equals the
collapsed share. (Censoring them at the month they were shelved would instead estimate the
collapse risk of a world in which shelved proposals had gone ahead, treating shelving as
independent censoring, which it is not.)

The curve is computed from counts per month (:func:`kaplan_meier_counts`), so it can be
accumulated block by block. Its pointwise band is Greenwood's variance on the log-log scale
(as :func:`scipy.stats.ecdf` gives it; a test checks the two agree). Where that band is
undefined (no event yet, ``S = 1``, or none left, ``S = 0``) the exact binomial bound for
the partnerships at risk is used instead, so "no collapse in 24 months" still comes with an
honest upper bound on the risk.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from sim.analysis.stats import Estimate, z_value


@dataclass(frozen=True)
class MedianTime:
    """Median time to the event with a confidence interval; ``None`` where not reached."""

    value: int | None
    low: int | None
    high: int | None


@dataclass(frozen=True)
class SurvivalCurve:
    """Kaplan-Meier estimate of ``S(t)`` at months ``0 .. last`` with a pointwise band.

    ``at_risk[t]`` counts observations with time ``>= t``, ``events[t]`` those with an event at ``t``.
    """

    months: np.ndarray
    survival: np.ndarray
    low: np.ndarray
    high: np.ndarray
    at_risk: np.ndarray
    events: np.ndarray
    confidence: float

    def at(self, month: int) -> Estimate | None:
        """``S(month)`` with its band, or ``None`` beyond the follow-up."""
        if not 0 <= month < len(self.months):
            return None
        return Estimate(float(self.survival[month]), float(self.low[month]), float(self.high[month]))

    def failure_by(self, month: int) -> Estimate | None:
        """Probability of the event by ``month`` (``1 - S``) with its band, or ``None`` beyond the follow-up."""
        s = self.at(month)
        return None if s is None else Estimate(1.0 - s.value, 1.0 - s.high, 1.0 - s.low)

    def median(self) -> MedianTime:
        """First month with ``S <= 0.5``; its interval inverts the band (Brookmeyer-Crowley style)."""

        def first(curve: np.ndarray) -> int | None:
            below = np.flatnonzero(curve <= 0.5)
            return int(self.months[below[0]]) if below.size else None

        return MedianTime(first(self.survival), first(self.low), first(self.high))


def kaplan_meier_counts(events: ArrayLike, censored: ArrayLike, confidence: float = 0.95) -> SurvivalCurve:
    """Kaplan-Meier curve from counts per whole month.

    Parameters
    ----------
    events
        ``events[t]``: observations with the event at month ``t``.
    censored
        ``censored[t]``: observations censored at month ``t`` (an event and a censoring in
        the same month: the censored one counts as at risk).
    confidence
        Level of the pointwise band.
    """
    events = np.asarray(events, np.int64)
    censored = np.asarray(censored, np.int64)
    if events.shape != censored.shape or events.ndim != 1 or (events < 0).any() or (censored < 0).any() or events.sum() + censored.sum() == 0:
        raise ValueError("need counts of events and of censored observations per month, not all zero")
    months = np.arange(len(events))
    at_risk = np.cumsum((events + censored)[::-1])[::-1]
    with np.errstate(divide="ignore", invalid="ignore"):
        factor = np.where(at_risk > 0, 1.0 - events / np.maximum(at_risk, 1), 1.0)
        survival = np.cumprod(factor)
        terms = np.where((at_risk > events) & (events > 0), events / (at_risk * (at_risk - events).astype(float)), 0.0)
        greenwood = np.cumsum(terms)
        log_s = np.log(survival)
        se = np.sqrt(greenwood) / np.abs(log_s)
        z = z_value(confidence)
        low = survival ** np.exp(z * se)
        high = survival ** np.exp(-z * se)
    exact = ((1 - confidence) / 2) ** (1.0 / np.maximum(at_risk, 1))
    low = np.where(survival >= 1.0, exact, np.where(survival <= 0.0, 0.0, low))
    high = np.where(survival >= 1.0, 1.0, np.where(survival <= 0.0, 1.0 - exact, high))
    return SurvivalCurve(months, survival, low, high, at_risk, events, confidence)


def collapse_times(outcome: ArrayLike, end_month: ArrayLike, horizon: int) -> tuple[np.ndarray, np.ndarray]:
    """Times and event flags for the survival of collapse (see the module note on shelved partnerships).

    Parameters
    ----------
    outcome
        Outcome labels (``shelved``, ``collapsed``, ``underperforming``, ``sustained``).
    end_month
        Month each partnership ended (its horizon if it lasted).
    horizon
        Months simulated; every partnership that did not collapse is censored here.
    """
    collapsed = np.asarray(outcome, dtype=object) == "collapsed"
    end_month = np.asarray(end_month, np.int64)
    if collapsed.any() and end_month[collapsed].max() > horizon:
        raise ValueError(f"a collapse after the horizon ({horizon} months)")
    return np.where(collapsed, end_month, horizon), collapsed
