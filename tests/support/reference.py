"""Array forms of the package's accumulating statistics, for the tests to check those against.

The package computes paired comparisons and survival curves from counts accumulated block by
block (:func:`sim.analysis.stats.paired_counts`, :func:`sim.analysis.stats.unpaired_counts`,
:func:`sim.analysis.survival.kaplan_meier_counts`); these take whole arrays of outcomes or
times instead, as a test holds them, and give the same result types.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from sim.analysis.stats import Estimate, PairedComparison, mcnemar_p, paired_difference, unpaired_counts
from sim.analysis.survival import SurvivalCurve, collapse_times, kaplan_meier_counts


def unpaired_difference(a: ArrayLike, b: ArrayLike, confidence: float = 0.95) -> Estimate:
    """``mean(b) - mean(a)`` of boolean samples treated as independent (Wald), by :func:`sim.analysis.stats.unpaired_counts`."""
    a, b = np.asarray(a, bool), np.asarray(b, bool)
    return unpaired_counts(int(a.sum()), a.size, int(b.sum()), b.size, confidence)


def compare_paired(a: ArrayLike, b: ArrayLike, confidence: float = 0.95) -> PairedComparison:
    """Boolean outcomes ``a`` and ``b`` of the same replications under two policies, compared (paired, unpaired, McNemar)."""
    a, b = np.asarray(a, bool), np.asarray(b, bool)
    only_a, only_b = int(np.sum(a & ~b)), int(np.sum(~a & b))
    return PairedComparison(paired_difference(a, b, confidence), unpaired_difference(a, b, confidence), only_a, only_b, mcnemar_p(only_a, only_b))


def kaplan_meier(times: ArrayLike, observed: ArrayLike, confidence: float = 0.95) -> SurvivalCurve:
    """Kaplan-Meier curve of right-censored whole-month ``times`` (``observed``: the event happened then, else censored then)."""
    times, observed = np.asarray(times, np.int64), np.asarray(observed, bool)
    length = int(times.max()) + 1
    return kaplan_meier_counts(np.bincount(times[observed], minlength=length), np.bincount(times[~observed], minlength=length), confidence)


def collapse_curve(table: Any, horizon: int, confidence: float = 0.95) -> SurvivalCurve:
    """Kaplan-Meier curve of partnerships not yet collapsed, from a replication table's ``outcome`` and ``end_month``."""
    return kaplan_meier(*collapse_times(table["outcome"], table["end_month"], horizon), confidence)
