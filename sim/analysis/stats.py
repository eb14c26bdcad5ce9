"""Statistics for ensemble results: intervals for shares and means, and paired comparisons on common seeds.

Only numpy and the standard library at import (SciPy costs over a second to import and a
run's summary does not need it): normal quantiles come from :class:`statistics.NormalDist`;
the exact tests (McNemar's, :func:`equal_counts_p`) import SciPy when called.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass
from statistics import NormalDist
from typing import Any

import numpy as np
from numpy.typing import ArrayLike


@dataclass(frozen=True)
class Estimate:
    """A point estimate with a confidence interval."""

    value: float
    low: float
    high: float

    def __str__(self) -> str:
        return f"{self.value:.3f} [{self.low:.3f}, {self.high:.3f}]"


def z_value(confidence: float) -> float:
    """The two-sided standard normal quantile of a confidence level (1.96 for 0.95)."""
    return NormalDist().inv_cdf(0.5 + confidence / 2)


def wilson(successes: int, n: int, confidence: float = 0.95) -> Estimate:
    """Wilson score interval for a binomial proportion.

    Parameters
    ----------
    successes, n
        Count of events and trials (``0 <= successes <= n``, ``n >= 1``).
    confidence
        Two-sided confidence level.
    """
    _check_counts(successes, n)
    z = z_value(confidence)
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    low = 0.0 if successes == 0 else max(0.0, float(centre - half))
    high = 1.0 if successes == n else min(1.0, float(centre + half))
    return Estimate(p, low, high)


def _check_counts(successes: int, n: int) -> None:
    if n < 1 or not 0 <= successes <= n:
        raise ValueError(f"need 0 <= successes <= n and n >= 1, got successes={successes}, n={n}")


def paired_difference(a: np.ndarray, b: np.ndarray, confidence: float = 0.95) -> Estimate:
    """Difference of two proportions ``mean(b) - mean(a)`` measured on the same replications.

    The interval (:func:`paired_counts`) uses the variance of the paired differences (only
    discordant pairs contribute), so it is narrower than an unpaired one whenever common random
    numbers make the two runs agree on most replications.

    Parameters
    ----------
    a, b
        Boolean outcomes of the same replications under two policies.
    """
    a = np.asarray(a, bool)
    b = np.asarray(b, bool)
    if a.shape != b.shape or a.size < 2:
        raise ValueError("paired outcomes need equal shapes and at least two replications")
    return paired_counts(a.size, int(np.sum(a & ~b)), int(np.sum(~a & b)), confidence)


def paired_counts(n: int, only_a: int, only_b: int, confidence: float = 0.95) -> Estimate:
    """:func:`paired_difference` from the number of pairs and the discordant counts (event under ``a`` only, under ``b`` only).

    The value is the observed difference ``(only_b - only_a) / n``. The interval is the Wald
    interval with the Agresti-Min adjustment (Agresti & Min 2005, Stat Med 24:729-740; recommended
    for paired proportions by Fagerland, Lydersen & Laake 2014): half a pair is added to each cell
    of the 2x2 table (each discordant count + 1/2, ``n + 2`` pairs), and the Wald interval of the
    adjusted difference ``d = (only_b - only_a) / (n + 2)`` is
    ``d +- z sqrt(((only_a + only_b + 1) / (n + 2) - d^2) / (n + 2))``. Unlike the plain Wald
    interval it does not collapse to a point when few pairs are discordant (4 against 0 among
    500 no longer excludes zero, where the exact McNemar p is 0.125). It is widened, where needed,
    to hold the observed difference (only at confidence levels below 90%) and cut to ``[-1, 1]``.

    Parameters
    ----------
    n
        Number of pairs (``n >= 1``).
    only_a, only_b
        Discordant pairs: the event under ``a`` only, under ``b`` only (``only_a + only_b <= n``).
    confidence
        Two-sided confidence level.
    """
    if n < 1 or only_a < 0 or only_b < 0 or only_a + only_b > n:
        raise ValueError(f"need n >= 1 and 0 <= only_a + only_b <= n, got n={n}, only_a={only_a}, only_b={only_b}")
    diff = (only_b - only_a) / n
    adjusted = (only_b - only_a) / (n + 2)
    var = max((only_a + only_b + 1) / (n + 2) - adjusted * adjusted, 0.0) / (n + 2)
    half = z_value(confidence) * math.sqrt(var)
    return Estimate(diff, max(-1.0, min(adjusted - half, diff)), min(1.0, max(adjusted + half, diff)))


def paired_share_difference(a: np.ndarray, among_a: np.ndarray, b: np.ndarray, among_b: np.ndarray, confidence: float = 0.95) -> Estimate:
    """Difference of two shares ``mean(b[among_b]) - mean(a[among_a])`` measured on the same replications, each among its own subset.

    E.g. collapse among launched partnerships under two policies run on the same replications: a
    policy may launch other partnerships than the other, so the two shares are ratios
    ``sum(b) / sum(among_b)`` and ``sum(a) / sum(among_a)`` of paired per-replication values. The
    interval is the delta method for this difference of ratios (what :meth:`CoMoments.ratio` does for
    one ratio): the Wald interval of the mean of the linearised values
    ``(b - r_b among_b) / mean(among_b) - (a - r_a among_a) / mean(among_a)``, whose variance holds
    the covariances of the four indicators. It takes the Agresti-Min adjustment of
    :func:`paired_counts`: half a replication, in both subsets, in each cell of the 2x2 table of
    ``a`` and ``b`` (``n + 2`` replications); where both subsets are every replication it is
    :func:`paired_difference` itself. The value is the observed difference; the interval is
    widened, where needed, to hold it and cut to ``[-1, 1]``.

    Parameters
    ----------
    a, b
        Boolean events of the same replications under two policies (counted only within their subsets).
    among_a, among_b
        Boolean: the replications each share is among (each with at least one).
    confidence
        Two-sided confidence level.
    """
    a, among_a, b, among_b = (np.asarray(v, bool) for v in (a, among_a, b, among_b))
    if not a.shape == among_a.shape == b.shape == among_b.shape or a.size < 2:
        raise ValueError("paired outcomes need equal shapes and at least two replications")
    if not among_a.any() or not among_b.any():
        raise ValueError("each share needs at least one replication it is among")
    a, b = a & among_a, b & among_b
    if among_a.all() and among_b.all():
        return paired_difference(a, b, confidence)
    cells = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], float)
    weight = np.concatenate([np.ones(a.size), np.full(4, 0.5)])
    xa, xb = np.concatenate([a, cells[:, 0]]), np.concatenate([b, cells[:, 1]])
    ya, yb = np.concatenate([among_a, np.ones(4)]), np.concatenate([among_b, np.ones(4)])
    n = a.size + 2
    ra, rb = (weight @ xa) / (weight @ ya), (weight @ xb) / (weight @ yb)
    linear = (xb - rb * yb) / ((weight @ yb) / n) - (xa - ra * ya) / ((weight @ ya) / n)
    half = z_value(confidence) * math.sqrt((weight @ linear**2) / n / n)
    diff = float(b.sum() / among_b.sum() - a.sum() / among_a.sum())
    adjusted = float(rb - ra)
    return Estimate(diff, max(-1.0, min(adjusted - half, diff)), min(1.0, max(adjusted + half, diff)))


def mean_interval(x: ArrayLike, confidence: float = 0.95) -> Estimate:
    """Mean with a normal-approximation interval (bounds are nan for fewer than two values)."""
    x = np.asarray(x, float)
    if x.size == 0:
        raise ValueError("need at least one value")
    return Moments.of(x).interval(confidence)


def unpaired_counts(events_a: int, n_a: int, events_b: int, n_b: int, confidence: float = 0.95) -> Estimate:
    """Difference of two proportions ``pb - pa`` from the event counts and sizes of two samples treated as independent (Wald).

    The plain Wald interval: with many discordant pairs, :func:`paired_difference` is the same
    formula with the covariance term, so the two widths compare like with like.
    """
    pa, pb = events_a / n_a, events_b / n_b
    diff = float(pb - pa)
    half = z_value(confidence) * np.sqrt(pa * (1 - pa) / n_a + pb * (1 - pb) / n_b)
    return Estimate(diff, diff - half, diff + half)


@dataclass(frozen=True)
class PairedComparison:
    """Two policies' proportions compared on the same replications (common random numbers).

    Attributes
    ----------
    paired
        ``mean(b) - mean(a)`` with the paired interval (Wald with the Agresti-Min adjustment, :func:`paired_counts`).
    unpaired
        The same difference with the interval two independent runs of the same size would give.
    only_a, only_b
        Discordant replications: the event under ``a`` only, under ``b`` only.
    p_value
        Exact McNemar test of no difference (binomial test on the discordant pairs).
    """

    paired: Estimate
    unpaired: Estimate
    only_a: int
    only_b: int
    p_value: float

    @property
    def width_ratio(self) -> float:
        """Paired interval width over unpaired width (below 1: pairing narrowed the interval; above 1: it widened it; nan where the unpaired width is 0)."""
        unpaired = self.unpaired.high - self.unpaired.low
        return (self.paired.high - self.paired.low) / unpaired if unpaired > 0 else np.nan

    @property
    def efficiency(self) -> float:
        """Replications an unpaired comparison would need per paired one for the same width."""
        return self.width_ratio**-2 if self.width_ratio > 0 else np.inf


#: Replications of the first block of a precision-targeted run.
PILOT = 1_000
#: Later blocks are multiples of this.
STEP = 100


def half_width(e: Estimate) -> float:
    """Half the width of an interval."""
    return (e.high - e.low) / 2


def next_block(done: int, collapsed: int, precision: float, block_size: int, confidence: float = 0.95) -> int:
    """Size of the next block of a precision-targeted run.

    The pilot block first, then the replications the normal approximation says are still
    missing (with the estimate shrunk towards 1/2 so that an early zero count does not stop
    the growth), rounded up to a multiple of :data:`STEP`, between :data:`STEP` and ``block_size``.
    """
    if done == 0:
        return min(block_size, PILOT)
    p = (collapsed + 2) / (done + 4)
    z = z_value(confidence)
    missing = z * z * p * (1 - p) / precision**2 - done
    return int(min(block_size, max(STEP, STEP * math.ceil(missing / STEP))))


def precision_plan(precision: float, block_size: int, confidence: float = 0.95) -> Callable[[int, int], int]:
    """A block plan (see :func:`sim.frontends.runner.run_blocks`) that stops once the collapse probability's Wilson interval has half-width <= ``precision``.

    The stopping point depends only on the seed, the target and ``block_size``; stopping on
    an estimate leaves the interval's coverage close to nominal once the pilot is this large.
    """

    def plan(done: int, collapsed: int) -> int:
        if done and half_width(wilson(collapsed, done, confidence)) <= precision:
            return 0
        return next_block(done, collapsed, precision, block_size, confidence)

    return plan


def equal_counts_p(a: int, b: int) -> float:
    """Exact p-value that two counts of one sample come from equally likely categories (two-sided binomial test of ``b`` in ``a + b``)."""
    if a + b == 0:
        return 1.0
    from scipy import stats

    return float(stats.binomtest(b, a + b).pvalue)


def mcnemar_p(only_a: int, only_b: int) -> float:
    """Exact McNemar p-value of no difference from the discordant counts (a two-sided binomial test)."""
    return equal_counts_p(only_a, only_b)


#: Every finite double is a whole number of 2**-1074, so exact sums are kept as integers in that unit. A value's place
#: (its binary exponent from 2**-1074) is shifted by ``_SUBNORMAL`` to be >= 0 (subnormals sit up to 52 places below
#: the unit); ``_SHIFTS`` places per group leave room for every exponent.
_SUBNORMAL, _SHIFTS = 64, 2200
#: One in the units of the exact sums (``2**1074`` units).
_ONE = 1 << 1074


def _rounded_mean(total: Any, n: Any) -> Any:
    """A mean from an exact sum and a count (n >= 1), rounded once; elementwise on object arrays of Python ints."""
    return total / (n * _ONE)


def _rounded_comoment(products: Any, total_x: Any, total_y: Any, n: Any) -> Any:
    """``sum((x - mean x) (y - mean y))`` from exact sums (n >= 1), rounded once; elementwise on object arrays of Python ints."""
    return (products * n * _ONE - total_x * total_y) / (n * _ONE * _ONE)


def exact_sums(x: ArrayLike, group: ArrayLike, size: int) -> np.ndarray:
    """The exact sums of finite doubles by group, each a whole number of ``2**-1074`` (a Python int).

    Integers add exactly in any order, so sums kept this way merge block by block to the same
    bits however the values were split (unlike a running mean, whose rounding depends on the
    split). Vectorised: mantissas are summed per group and binary exponent in 64-bit integers.

    Parameters
    ----------
    x
        Finite values ``(R,)``.
    group
        Each value's group ``(R,)``, in ``0 .. size - 1``.
    size
        Number of groups.

    Returns
    -------
    numpy.ndarray
        ``(size,)`` object array of Python ints.
    """
    out = np.zeros(size, object)
    x, group = np.asarray(x, float).ravel(), np.asarray(group, np.int64).ravel()
    kept = x != 0.0
    x, group = x[kept], group[kept]
    if x.size == 0:
        return out
    if not np.isfinite(x).all():
        raise ValueError("exact sums need finite values")
    mantissa, exponent = np.frexp(x)
    whole = (mantissa * 2.0**53).astype(np.int64)  # exact: x = whole * 2**(exponent - 53)
    key = group * _SHIFTS + (exponent.astype(np.int64) + (1074 - 53) + _SUBNORMAL)
    order = np.argsort(key, kind="stable")
    key, whole = key[order], whole[order]
    starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
    high = whole >> 26  # two halves of 27 and 26 bits: sums of up to 2**36 values fit in 64 bits
    low = whole - (high << 26)
    for k, h, lo in zip(key[starts].tolist(), np.add.reduceat(high, starts).tolist(), np.add.reduceat(low, starts).tolist(), strict=True):
        cell, shift = divmod(k, _SHIFTS)
        part, shift = (h << 26) + lo, shift - _SUBNORMAL
        out[cell] += part << shift if shift >= 0 else part >> -shift  # each value is a whole number of units: exact
    return out


def exact_sum(x: ArrayLike) -> int:
    """The exact sum of finite doubles, as a whole number of ``2**-1074`` (see :func:`exact_sums`)."""
    x = np.asarray(x, float).ravel()
    return int(exact_sums(x, np.zeros(x.size, np.int64), 1)[0])


def _split(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    c = 134217729.0 * a  # 2**27 + 1 (Dekker)
    high = c - (c - a)
    return high, a - high


def exact_product_sum(x: ArrayLike, y: ArrayLike) -> int:
    """The sum of ``x * y`` as a whole number of ``2**-1074``: each product split into its rounded value and its error (Dekker).

    Exact unless a product over- or underflows; even then each term is the same whatever the
    split, so the sum is the same however the values were split into blocks.
    """
    return exact_sum(np.concatenate(_products(x, y)))


def _products(x: ArrayLike, y: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """``x * y`` rounded and its rounding error (Dekker): their sum is the exact product unless it over- or underflows."""
    x, y = np.asarray(x, float).ravel(), np.asarray(y, float).ravel()
    p = x * y
    xh, xl = _split(x)
    yh, yl = _split(y)
    return p, ((xh * yh - p) + xh * yl + xl * yh) + xl * yl


@dataclass(frozen=True)
class Moments:
    """Count, sum and sum of squares of a sample, kept exactly (:func:`exact_sum`): merged block by block, the same bits whatever the split.

    ``mean``, ``m2`` (sum of squared deviations) and the interval are computed from the exact
    sums and rounded once.
    """

    n: int = 0
    total: int = 0
    squares: int = 0

    @staticmethod
    def of(x: ArrayLike) -> Moments:
        """The moments of one sample."""
        x = np.asarray(x, float)
        return Moments(int(x.size), exact_sum(x), exact_product_sum(x, x)) if x.size else Moments()

    def __add__(self, other: Moments) -> Moments:
        return Moments(self.n + other.n, self.total + other.total, self.squares + other.squares)

    @property
    def mean(self) -> float:
        """The sample mean (0 for no values), correctly rounded."""
        return _rounded_mean(self.total, max(self.n, 1))

    @property
    def m2(self) -> float:
        """Sum of squared deviations from the mean."""
        return _rounded_comoment(self.squares, self.total, self.total, max(self.n, 1))

    @property
    def variance(self) -> float:
        """Sample variance (nan for fewer than two values)."""
        return self.m2 / (self.n - 1) if self.n > 1 else np.nan

    def interval(self, confidence: float = 0.95) -> Estimate:
        """The mean with a normal-approximation interval (bounds nan for fewer than two values)."""
        if self.n < 2:
            return Estimate(self.mean, np.nan, np.nan)
        half = z_value(confidence) * np.sqrt(self.variance / self.n)
        return Estimate(self.mean, self.mean - half, self.mean + half)


@dataclass(frozen=True)
class CoMoments:
    """Two paired samples' moments and their sum of products, kept exactly, mergeable block by block: for a ratio of means."""

    x: Moments = Moments()
    y: Moments = Moments()
    products: int = 0

    @staticmethod
    def of(x: ArrayLike, y: ArrayLike) -> CoMoments:
        """The moments of one pair of samples."""
        x, y = np.asarray(x, float), np.asarray(y, float)
        return CoMoments(Moments.of(x), Moments.of(y), exact_product_sum(x, y))

    def __add__(self, other: CoMoments) -> CoMoments:
        return CoMoments(self.x + other.x, self.y + other.y, self.products + other.products)

    @property
    def cxy(self) -> float:
        """Sum of products of the deviations from the means."""
        return _rounded_comoment(self.products, self.x.total, self.y.total, max(self.x.n, 1))

    def ratio(self, confidence: float = 0.95) -> Estimate:
        """``mean(x) / mean(y)`` with a delta-method (linearised) interval (bounds nan for fewer than two values)."""
        if self.x.n == 0 or self.y.mean == 0:
            raise ValueError("need paired values with a non-zero mean denominator")
        r = self.x.mean / self.y.mean
        if self.x.n < 2:
            return Estimate(r, np.nan, np.nan)
        variance = (self.x.m2 + r * r * self.y.m2 - 2 * r * self.cxy) / (self.x.n - 1) / self.y.mean**2
        half = z_value(confidence) * np.sqrt(max(variance, 0.0) / self.x.n)
        return Estimate(r, r - half, r + half)


def _by_group(group: ArrayLike, values: ArrayLike, columns: int) -> tuple[np.ndarray, np.ndarray, int]:
    """Replications' group indices ``(R,)`` and values ``(R, columns)`` as arrays, and the number of groups they reach (0 for none)."""
    group = np.asarray(group, np.int64)
    values = np.asarray(values, float).reshape(len(group), columns)
    if group.size and group.min() < 0:
        raise ValueError("draw indices must be >= 0")
    return group, values, int(group.max()) + 1 if group.size else 0


class DrawMoments:
    """Count, means and sums of squared deviations of several per-replication quantities, kept separately for each parameter draw.

    The per-draw accumulation behind the total intervals (:func:`total_interval`): blocks of
    replications are added as they come (a draw may span blocks). Sums and sums of squares are
    kept exactly (:func:`exact_sums`), so the means and variances are the same bits however the
    replications were split into blocks. Memory grows with the number of draws, never with the
    replications.

    Parameters
    ----------
    columns
        Number of quantities ``K``.
    """

    def __init__(self, columns: int) -> None:
        self.n = np.zeros(0, np.int64)
        self.total = np.zeros((0, columns), object)
        self.squares = np.zeros((0, columns), object)
        self._moments: tuple[np.ndarray, np.ndarray] | None = None

    @property
    def columns(self) -> int:
        """Number of quantities kept."""
        return self.total.shape[1]

    @property
    def mean(self) -> np.ndarray:
        """Each draw's means ``(D, K)`` (0 for a draw with no replications), correctly rounded."""
        return self._rounded()[0]

    @property
    def m2(self) -> np.ndarray:
        """Each draw's sums of squared deviations from its means ``(D, K)``."""
        return self._rounded()[1]

    def _rounded(self) -> tuple[np.ndarray, np.ndarray]:
        if self._moments is None:
            n = np.maximum(self.n, 1).astype(object)[:, None]
            self._moments = (_rounded_mean(self.total, n).astype(float), _rounded_comoment(self.squares, self.total, self.total, n).astype(float))
        return self._moments

    def _grow(self, size: int) -> None:
        if size > len(self.n):
            extra = size - len(self.n)
            self.n = np.concatenate([self.n, np.zeros(extra, np.int64)])
            self.total = np.concatenate([self.total, np.zeros((extra, self.columns), object)])
            self.squares = np.concatenate([self.squares, np.zeros((extra, self.columns), object)])

    def add(self, draw: ArrayLike, values: ArrayLike) -> None:
        """Add replications: ``draw`` ``(R,)`` non-negative draw indices, ``values`` ``(R, K)``."""
        draw, values, size = _by_group(draw, values, self.columns)
        if not size:
            return
        self._grow(size)
        cells = (draw[:, None] * self.columns + np.arange(self.columns)).ravel()
        rounded, error = _products(values, values)
        self.n[:size] += np.bincount(draw, minlength=size)
        self.total[:size] += exact_sums(values, cells, size * self.columns).reshape(size, self.columns)
        self.squares[:size] += exact_sums(np.concatenate([rounded, error]), np.concatenate([cells, cells]), size * self.columns).reshape(size, self.columns)
        self._moments = None

    def grouped(self, size: int) -> DrawMoments:
        """Consecutive keys merged ``size`` at a time (e.g. the two halves ``2d``, ``2d + 1`` of each draw into draw ``d``)."""
        out = DrawMoments(self.columns)
        out._grow(-(-len(self.n) // size))
        for offset in range(size):
            index = np.arange(offset, len(self.n), size)
            keys = index // size
            out.n[keys] += self.n[index]
            out.total[keys] += self.total[index]
            out.squares[keys] += self.squares[index]
        return out

    def used(self) -> np.ndarray:
        """Indices of the draws with at least two replications (those whose noise can be estimated)."""
        return np.flatnonzero(self.n >= 2)

    def replications(self) -> np.ndarray:
        """Each used draw's replications ``(D,)``: the weights of :func:`between_draws`."""
        return self.n[self.used()].astype(float)

    def estimates(self) -> tuple[np.ndarray, np.ndarray]:
        """Each used draw's means ``(D, K)`` and the Monte Carlo variance of each mean ``(D, K)`` (sample variance over n)."""
        used = self.used()
        n = self.n[used][:, None].astype(float)
        return self.mean[used], self.m2[used] / (n * (n - 1))

    def ratio(self, x: int, y: int, both: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Each used draw's ratio of means ``mean(x) / mean(y)``, its delta-method variance (``both`` is the column of ``x + y``) and its replications.

        Draws whose ``y`` has a mean of 0 are left out.
        """
        used = self.used()
        used = used[self.mean[used, y] != 0]
        n = self.n[used].astype(float)
        var = self.m2[used] / (n - 1)[:, None]
        cov = (var[:, both] - var[:, x] - var[:, y]) / 2
        mx, my = self.mean[used, x], self.mean[used, y]
        r = mx / my
        return r, np.maximum(var[:, x] + r * r * var[:, y] - 2 * r * cov, 0.0) / (n * my * my), n


class CrossMoments:
    """Count, sums and sums of products of several per-replication quantities, kept separately for each group (a parameter draw).

    What :class:`DrawMoments` keeps, with the sums of the products of every pair of quantities too: enough
    for the covariance of their means, in a group or over all of them (as the paired contrast of two levers' costs per
    point needs, :func:`sim.analysis.comparison.cost_contrast`). Sums and sums of products are kept exactly
    (:func:`exact_sums`), so the means and covariances are the same bits however the replications were split into blocks.
    Memory grows with the groups and with ``K (K + 1) / 2`` products of pairs, never with the replications.

    Parameters
    ----------
    columns
        Number of quantities ``K``.
    """

    def __init__(self, columns: int) -> None:
        self._pairs = np.triu_indices(columns)
        self.n = np.zeros(0, np.int64)
        self.total = np.zeros((0, columns), object)
        self.products = np.zeros((0, len(self._pairs[0])), object)

    @property
    def columns(self) -> int:
        """Number of quantities kept."""
        return self.total.shape[1]

    def add(self, group: ArrayLike, values: ArrayLike) -> None:
        """Add replications: ``group`` ``(R,)`` non-negative group indices, ``values`` ``(R, K)``."""
        group, values, size = _by_group(group, values, self.columns)
        if size > len(self.n):
            extra = size - len(self.n)
            self.n = np.concatenate([self.n, np.zeros(extra, np.int64)])
            self.total = np.concatenate([self.total, np.zeros((extra, self.columns), object)])
            self.products = np.concatenate([self.products, np.zeros((extra, self.products.shape[1]), object)])
        first, second = self._pairs
        pairs = len(first)
        cells = (group[:, None] * self.columns + np.arange(self.columns)).ravel()
        pair_cells = (group[:, None] * pairs + np.arange(pairs)).ravel()
        rounded, error = _products(values[:, first], values[:, second])
        self.n[:size] += np.bincount(group, minlength=size)
        self.total[:size] += exact_sums(values, cells, size * self.columns).reshape(size, self.columns)
        self.products[:size] += exact_sums(np.concatenate([rounded, error]), np.concatenate([pair_cells, pair_cells]), size * pairs).reshape(size, pairs)

    def _moments(self, n: int, total: np.ndarray, products: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Means and covariance (``ddof`` 1) from exact sums, each rounded once."""
        first, second = self._pairs
        comoments = _rounded_comoment(products, total[first], total[second], n).astype(float) / (n - 1)
        covariance = np.zeros((self.columns, self.columns))
        covariance[first, second] = covariance[second, first] = comoments
        return _rounded_mean(total, n).astype(float), covariance

    def pooled(self) -> tuple[int, np.ndarray, np.ndarray]:
        """Replications, the quantities' means and their covariance (``ddof`` 1) over every group (at least two replications)."""
        n = int(self.n.sum())
        return (n, *self._moments(n, self.total.sum(axis=0), self.products.sum(axis=0)))

    def groups(self) -> tuple[np.ndarray, list[np.ndarray], list[np.ndarray]]:
        """Per group of two replications or more: its replications, the quantities' means and their covariance."""
        used = np.flatnonzero(self.n >= 2)
        moments = [self._moments(int(self.n[g]), self.total[g], self.products[g]) for g in used]
        return self.n[used], [m for m, _ in moments], [c for _, c in moments]


@dataclass(frozen=True)
class TotalInterval:
    """A figure's total interval (parameters and Monte Carlo) next to its Monte Carlo interval.

    Attributes
    ----------
    low, high
        The total interval.
    parameter_share
        Share of the total interval's variance that comes from the parameters: the
        between-draw variance over itself plus the Monte Carlo variance of the estimate.
    parameter_sd
        Standard deviation of the figure across parameter draws, corrected for the noise within draws.
    draws
        Parameter draws it rests on.
    """

    low: float
    high: float
    parameter_share: float
    parameter_sd: float
    draws: int


#: Level of the test for a spread across parameter draws: the chance that Monte Carlo noise alone reads as one.
DETECTION_LEVEL = 0.05


def undetected(share: Any) -> Any:
    """Whether a figure's spread across parameter draws was not detected: its ``parameter_share`` is exactly 0.

    :func:`between_draws` sets the between-draw variance to 0 where the draws could not tell it
    from Monte Carlo noise, so a share of 0 means "not detected" (not "no doubt"), and the total
    interval is then the Monte Carlo one. Every table, sentence and figure that says so asks here.

    Parameters
    ----------
    share
        A ``parameter_share``: a number (None or NaN where the figure has none), or an array or
        Series of them.

    Returns
    -------
    bool, or an array or Series of bool
        True where the share is 0; False for a share above 0, None or NaN.
    """
    return share == 0


def between_draws(estimates: ArrayLike, noise: ArrayLike, weights: ArrayLike | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The variance of a figure across parameter draws corrected for the noise within draws, and the draws shrunk to it.

    By the law of total variance, the variance of the draws' estimates is the variance of the
    figure across parameter values plus the mean Monte Carlo variance of an estimate: the
    between-draw variance is ``tau2 = var(estimates) - mean(noise)`` (method of moments), and
    each draw's estimate is pulled towards their centre by ``sqrt(tau2 / var(estimates))`` so
    that the shrunk estimates spread as the figure does. The centre ``c`` is the mean of the
    draws weighted by their replications (``w_d``, summing to 1), as the whole run's estimate
    weights them: a last, shorter draw counts less. ``tau2`` is the mean of the per-draw terms
    ``((x_d - c)^2 - noise_d (1 - 2 w_d + D w_d^2)) D / (D - 2 + D sum(w^2))``, unbiased for
    independent draws (with equal weights, ``(x_d - c)^2 D / (D - 1) - noise_d``).

    ``tau2`` counts only where the draws differ by more than Monte Carlo noise, at the level
    :data:`DETECTION_LEVEL`: otherwise noise alone would read as a spread across parameters
    about half the time. The test is the one-way analysis of variance's: with no spread, every
    draw's replications vary alike, so their variance is pooled across draws (``V = sum(w_d^2
    noise_d)``, the variance of the centre), and ``Q = sum(w_d (x_d - c)^2) / V``, over
    ``D - 1``, is compared with the F distribution on ``D - 1`` and ``N - D`` degrees of freedom
    (``N`` the replications; without ``weights``, the chi-square on ``D - 1``, over ``D - 1``). The noise is
    pooled because a draw's own can be nil (a draw of 25 replications none of which
    collapsed), and the test does not rest on the draws' scatter, which grows with the spread
    it is looking for: its former standard error, the sample standard deviation of the terms,
    grew most under a skewed spread (most draws near 0, a few far above), so that 16 draws
    of 25 whose chance of any failure ran from 44% to 100% read as no spread. On binomial draws
    of 25 replications (16, 40 or 160 draws) noise alone reads as a spread in about 5% of runs
    with a chance of 0.05, 0.16 or 0.5 in every draw (the former test: 2% to 3%), and a spread
    of 15% of draws at 0.6 and the rest at 0.02 is found in 93% of runs of 16 draws (the former
    test: about 60%); docs/uncertainty.md has the check.

    Parameters
    ----------
    estimates
        ``(D, ...)``: the figure in each draw.
    noise
        ``(D, ...)``: the Monte Carlo variance of each estimate.
    weights
        ``(D,)``: each draw's replications (default: all equal).

    Returns
    -------
    tau2, shrunk
        ``(...)`` between-draw variances and ``(D, ...)`` shrunk estimates.
    """
    estimates = np.asarray(estimates, float)
    noise = np.asarray(noise, float)
    d = estimates.shape[0]
    w = _draw_weights(d, estimates.ndim, weights)
    centre = (w * estimates).sum(axis=0)
    scale = d / (d - 2 + d * float((w * w).sum()))
    squares = (estimates - centre) ** 2
    terms = (squares - noise * (1 - 2 * w + d * w * w)) * scale
    spread = squares.mean(axis=0) * scale
    pooled = (w * w * noise).sum(axis=0)
    between = (w * squares).sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        q = np.where(pooled > 0, between / pooled, np.where(between > 0, np.inf, 0.0))
    limit = _detection_limit(d, None if weights is None else float(np.sum(weights)))
    tau2 = terms.mean(axis=0)
    tau2 = np.where((q / (d - 1) > limit) & (tau2 > 0), tau2, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        factor = np.where(spread > 0, np.sqrt(tau2 / spread), 0.0)
    return tau2, centre + (estimates - centre) * factor


@functools.lru_cache(maxsize=256)
def _detection_limit(draws: int, replications: float | None) -> float:
    """The value of ``Q / (D - 1)`` above which :func:`between_draws` finds a spread: the F distribution's upper
    :data:`DETECTION_LEVEL` quantile on ``D - 1`` and ``N - D`` degrees of freedom, the chi-square's over ``D - 1``
    without replications. Kept, as a bootstrap (:func:`ends_error`) asks for the same limit hundreds of times."""
    from scipy import stats

    if replications is None:
        return float(stats.chi2.ppf(1 - DETECTION_LEVEL, draws - 1) / (draws - 1))
    return float(stats.f.ppf(1 - DETECTION_LEVEL, draws - 1, replications - draws))


def draw_centre(estimates: ArrayLike, weights: ArrayLike | None = None) -> np.ndarray:
    """The centre of a figure's estimates across parameter draws, each weighted by its replications, as :func:`between_draws` takes it.

    Parameters
    ----------
    estimates
        ``(D, ...)``: the figure in each draw.
    weights
        ``(D,)``: each draw's replications (default: all equal).
    """
    estimates = np.asarray(estimates, float)
    return (_draw_weights(estimates.shape[0], estimates.ndim, weights) * estimates).sum(axis=0)


def _draw_weights(d: int, ndim: int, weights: ArrayLike | None) -> np.ndarray:
    """``d`` draws' weights summing to 1, shaped to broadcast over a ``(d, ...)`` array of ``ndim`` dimensions."""
    w = np.ones(d) if weights is None else np.asarray(weights, float)
    return (w / w.sum()).reshape((d,) + (1,) * (ndim - 1))


def total_interval(
    estimates: ArrayLike,
    noise: ArrayLike,
    monte_carlo: Estimate,
    confidence: float = 0.95,
    bounds: tuple[float, float] = (-np.inf, np.inf),
    weights: ArrayLike | None = None,
    *,
    normal: bool = False,
) -> TotalInterval:
    """The total interval of a figure from its estimate in each parameter draw.

    The parameter part is the central ``confidence`` range of the figure across parameter
    values: the quantiles of the draws' estimates shrunk to the between-draw variance
    (:func:`between_draws`), so that Monte Carlo noise within draws does not widen it; with
    ``normal``, those of the normal distribution with the draws' centre (:func:`draw_centre`)
    and that variance, for a figure many of whose draws show nothing at a few replications each
    (a lever's paired effect: such draws all shrink to one value, which would hold an end there
    whatever the spread, so that the end moved with the replications per draw). Each end
    then adds the Monte Carlo half-width of the whole run's estimate in quadrature, so that the
    total interval contains the Monte Carlo interval. Where no spread is detected (``tau2`` 0)
    the parameter part is nil and the total interval is the Monte Carlo one, even where the
    draws' centre is not exactly the run's estimate (a ratio of totals against the draws'
    ratios, a Kaplan-Meier estimate, a draw of one replication left out).

    Parameters
    ----------
    estimates, noise
        ``(D,)``: the figure in each draw and the Monte Carlo variance of each.
    monte_carlo
        The whole run's estimate with its Monte Carlo interval.
    confidence
        Level of the interval.
    bounds
        Where the figure can lie (``(0, 1)`` for a probability).
    weights
        ``(D,)``: each draw's replications (:func:`between_draws`; default: all equal).
    normal
        Whether the parameter part is the normal distribution's range rather than the shrunk draws' quantiles.
    """
    estimates = np.asarray(estimates, float)
    if estimates.shape[0] < 2:
        return TotalInterval(np.nan, np.nan, np.nan, np.nan, int(estimates.shape[0]))
    tau2, shrunk = between_draws(estimates, noise, weights)
    alpha = 1.0 - confidence
    value = monte_carlo.value
    if not tau2 > 0:
        q_low, q_high = value, value
    elif normal:
        spread = NormalDist(float(draw_centre(estimates, weights)), float(np.sqrt(tau2)))
        q_low, q_high = spread.inv_cdf(alpha / 2), spread.inv_cdf(1 - alpha / 2)
    else:
        q_low, q_high = np.quantile(shrunk, [alpha / 2, 1 - alpha / 2])
    low = value - float(np.hypot(max(value - q_low, 0.0), value - monte_carlo.low))
    high = value + float(np.hypot(max(q_high - value, 0.0), monte_carlo.high - value))
    mc_var = ((monte_carlo.high - monte_carlo.low) / (2 * z_value(confidence))) ** 2
    share = float(tau2 / (tau2 + mc_var)) if tau2 + mc_var > 0 else 0.0
    return TotalInterval(max(low, bounds[0]), min(high, bounds[1]), share, float(np.sqrt(tau2)), int(estimates.shape[0]))


def ends_error(
    estimates: ArrayLike, noise: ArrayLike, confidence: float = 0.95, resamples: int = 200, seed: int = 0, weights: ArrayLike | None = None
) -> float:
    """How precisely the draws pin down the parameter part of a total interval: ``z`` times the larger bootstrap standard error of its two ends.

    Draws are resampled with replacement (a fixed generator, so the answer depends only on
    the draws), each with its replications (``weights``, :func:`between_draws`); infinite with fewer than two draws.
    """
    estimates = np.asarray(estimates, float)
    noise = np.asarray(noise, float)
    d = estimates.shape[0]
    weights = np.ones(d) if weights is None else np.asarray(weights, float)
    if d < 2:
        return np.inf
    alpha = 1.0 - confidence
    picks = np.random.default_rng(seed).integers(0, d, size=(resamples, d))
    ends = np.empty((resamples, 2))
    for b, pick in enumerate(picks):
        _, shrunk = between_draws(estimates[pick], noise[pick], weights[pick])
        ends[b] = np.quantile(shrunk, [alpha / 2, 1 - alpha / 2])
    return float(z_value(confidence) * ends.std(axis=0, ddof=1).max())


def draw_precision_plan(
    precision: float, block_size: int, replications_per_draw: int, reached: Callable[[], float], pilot_draws: int = 40
) -> Callable[[int, int], int]:
    """A block plan that adds whole parameter draws until ``reached()`` (e.g. :func:`ends_error` of the collapse probability) is at most ``precision``.

    The pilot is ``pilot_draws`` draws; later blocks are the draws the square-root law says
    are still missing (at least ten), as many replications as fit in ``block_size`` (at least one draw).
    """
    per = int(replications_per_draw)
    most = max(1, int(block_size) // per)

    def plan(done: int, collapsed: int) -> int:
        if done == 0:
            return min(most, pilot_draws) * per
        error = reached()
        if error <= precision:
            return 0
        draws = done // per
        missing = draws * (error / precision) ** 2 - draws if np.isfinite(error) else pilot_draws
        return int(min(most, max(10, math.ceil(missing)))) * per

    return plan


def holm(p_values: ArrayLike, tests: int | None = None) -> np.ndarray:
    """Holm's step-down adjusted p-values, for p-values found among ``tests`` tests.

    Holm's correction keeps the chance of calling any true null hypothesis significant
    (the family-wise error rate) at most the level compared with, whatever the tests'
    dependence: the i-th smallest of ``m`` p-values is multiplied by ``m - i + 1``, capped
    at 1 and made non-decreasing.

    Parameters
    ----------
    p_values
        The p-values known (one-dimensional); nan (unknown) counts as 1.
    tests
        How many tests were searched, at least ``len(p_values)``; the tests beyond them count as p-values of 1
        (they never lower the others' adjusted values). None: ``len(p_values)``.

    Returns
    -------
    numpy.ndarray
        The adjusted p-values, in the order of ``p_values``.
    """
    p = np.nan_to_num(np.asarray(p_values, float).ravel(), nan=1.0)
    m = p.size if tests is None else tests
    if m < p.size:
        raise ValueError(f"tests={m}: must be at least the number of p-values ({p.size})")
    order = np.argsort(p, kind="stable")
    stepped = np.minimum(1.0, np.maximum.accumulate((m - np.arange(p.size)) * p[order]))
    adjusted = np.empty_like(p)
    adjusted[order] = stepped
    return adjusted
