"""Statistics for ensemble results: intervals for shares and paired comparisons on common seeds."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats


@dataclass(frozen=True)
class Estimate:
    """A point estimate with a confidence interval."""

    value: float
    low: float
    high: float

    def __str__(self) -> str:
        return f"{self.value:.3f} [{self.low:.3f}, {self.high:.3f}]"


def wilson(successes: int, n: int, confidence: float = 0.95) -> Estimate:
    """Wilson score interval for a binomial proportion.

    Parameters
    ----------
    successes, n
        Count of events and trials (``0 <= successes <= n``, ``n >= 1``).
    confidence
        Two-sided confidence level.
    """
    if n < 1 or not 0 <= successes <= n:
        raise ValueError(f"need 0 <= successes <= n and n >= 1, got successes={successes}, n={n}")
    z = stats.norm.ppf(0.5 + confidence / 2)
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return Estimate(p, max(0.0, centre - half), min(1.0, centre + half))


def paired_difference(a: np.ndarray, b: np.ndarray, confidence: float = 0.95) -> Estimate:
    """Difference of two proportions ``mean(b) - mean(a)`` measured on the same replications.

    Uses the variance of the paired differences (only discordant pairs contribute), so
    the interval is narrower than an unpaired one whenever common random numbers make the
    two runs agree on most replications.

    Parameters
    ----------
    a, b
        Boolean outcomes of the same replications under two policies.
    """
    a = np.asarray(a, bool)
    b = np.asarray(b, bool)
    if a.shape != b.shape or a.size < 2:
        raise ValueError("paired outcomes need equal shapes and at least two replications")
    n = a.size
    n01 = int(np.sum(~a & b))
    n10 = int(np.sum(a & ~b))
    diff = (n01 - n10) / n
    var = max((n01 + n10) / n - diff * diff, 0.0) / n
    z = stats.norm.ppf(0.5 + confidence / 2)
    half = z * np.sqrt(var)
    return Estimate(diff, diff - half, diff + half)
