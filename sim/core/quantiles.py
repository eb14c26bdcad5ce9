"""Inverse distribution functions for drawing a population: beta, normal and triangular, compiled and quick.

Every replication draws its councils by the inverse CDF of counter-based uniforms, tens of
values per replication, so the inverse CDF must cost a few nanoseconds, not the
microsecond of a general-purpose routine. For a beta distribution :func:`beta_table`
computes, once per shape, the quantile and its slope at :data:`NODES` + 1 points on each
half of [0, 1], by bisection and Newton steps on the regularised incomplete beta function
(a continued fraction, accurate to about 1e-15); :func:`beta_quantile` then interpolates
with cubic Hermite polynomials. The points are even in ``s = u**(1/a)`` on the lower half
(and in ``(1 - u)**(1/b)`` on the upper half), in which the quantile is smooth right down
to the ends (``I_x(a, b)`` behaves like ``x**a`` near 0). The largest error against an
exact quantile is far below anything the model could notice (``tests/core/test_quantiles.py``
checks it against SciPy).
"""

from __future__ import annotations

import functools
import math

import numpy as np

from sim.core.jit import compiled

#: Intervals of the table on each half of [0, 1].
NODES = 512
_EPS = 1e-16
_TINY = 1e-300


@compiled
def _continued_fraction(a: float, b: float, x: float) -> float:
    """The continued fraction of the incomplete beta function (modified Lentz)."""
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c, d = 1.0, 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > _TINY else _TINY)
    h = d
    for m in range(1, 10_000):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > _TINY else _TINY)
        c = 1.0 + aa / c
        c = c if abs(c) > _TINY else _TINY
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > _TINY else _TINY)
        c = 1.0 + aa / c
        c = c if abs(c) > _TINY else _TINY
        step = d * c
        h *= step
        if abs(step - 1.0) < _EPS:
            break
    return h


@compiled
def beta_cdf(x: float, a: float, b: float) -> float:
    """The regularised incomplete beta function ``I_x(a, b)``."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    front = math.exp(math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x))
    if x < (a + 1.0) / (a + b + 2.0):
        return front * _continued_fraction(a, b, x) / a
    return 1.0 - front * _continued_fraction(b, a, 1.0 - x) / b


@compiled
def _beta_inverse(u: float, a: float, b: float) -> float:
    """The beta quantile at ``u`` by bisection, finished with Newton steps (slow: for building tables)."""
    if u <= 0.0:
        return 0.0
    if u >= 1.0:
        return 1.0
    lo, hi = 0.0, 1.0
    x = 0.5
    for _ in range(200):
        x = 0.5 * (lo + hi)
        if beta_cdf(x, a, b) < u:
            lo = x
        else:
            hi = x
        if hi - lo < 1e-10 * max(x, 1e-300):
            break
    log_norm = math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b)
    for _ in range(3):
        if x <= 0.0 or x >= 1.0:
            break
        density = math.exp(log_norm + (a - 1.0) * math.log(x) + (b - 1.0) * math.log1p(-x))
        if density <= 0.0:
            break
        x = min(max(x - (beta_cdf(x, a, b) - u) / density, lo), hi)
    return x


@compiled
def _beta_density(x: float, a: float, b: float, log_norm: float) -> float:
    return math.exp(log_norm + (a - 1.0) * math.log(x) + (b - 1.0) * math.log1p(-x))


@compiled(_nrt=True)
def _beta_nodes(a: float, b: float, n: int) -> np.ndarray:
    """``(4, n + 1)``: on the lower half, ``x`` and ``dx/ds`` at ``s = S i / n`` with ``u = s**a`` and ``S = 0.5**(1/a)``;
    on the upper half the same for ``y = 1 - x`` against ``t`` with ``1 - u = t**b``."""
    out = np.empty((4, n + 1))
    log_norm = math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b)
    for half in range(2):
        p, q = (a, b) if half == 0 else (b, a)
        top = 0.5 ** (1.0 / p)
        for i in range(n + 1):
            t = top * i / n
            out[2 * half, i] = _beta_inverse(t**p, p, q)  # the upper half of beta(a, b) mirrored is the lower half of beta(b, a)
        for i in range(n + 1):
            t = top * i / n
            y = out[2 * half, i]
            density = _beta_density(y, p, q, log_norm) if 0.0 < y < 1.0 else 0.0
            if i == 0 and density == 0.0:
                out[2 * half + 1, i] = math.exp((math.log(p) - log_norm) / p)  # the limit at 0: (p * B(a, b)) ** (1 / p)
            elif density > 0.0 and math.isfinite(density):
                out[2 * half + 1, i] = p * t ** (p - 1.0) / density
            else:  # the density underflows: the slope of the neighbouring points
                lo, hi = max(i - 1, 0), min(i + 1, n)
                out[2 * half + 1, i] = (out[2 * half, hi] - out[2 * half, lo]) / ((hi - lo) * top / n)
    return out


@functools.cache
def beta_table(a: float, b: float) -> np.ndarray:
    """The interpolation table of a beta distribution (made once per shape and process)."""
    return _beta_nodes(float(a), float(b), NODES)


@compiled(_nrt=True)
def _beta_quantiles(u: np.ndarray, a: float, b: float, table: np.ndarray) -> np.ndarray:
    out = np.empty(u.shape[0])
    n = table.shape[1] - 1
    for i in range(u.shape[0]):
        upper = u[i] > 0.5
        p = b if upper else a
        row = 2 if upper else 0
        top = 0.5 ** (1.0 / p)
        t = ((1.0 - u[i]) if upper else u[i]) ** (1.0 / p)
        pos = min(t / top * n, float(n))
        j = min(int(pos), n - 1)
        h = top / n
        f = pos - j
        y0, y1 = table[row, j], table[row, j + 1]
        d0, d1 = table[row + 1, j] * h, table[row + 1, j + 1] * h
        f2 = f * f
        f3 = f2 * f
        y = (2.0 * f3 - 3.0 * f2 + 1.0) * y0 + (f3 - 2.0 * f2 + f) * d0 + (-2.0 * f3 + 3.0 * f2) * y1 + (f3 - f2) * d1
        out[i] = 1.0 - y if upper else y
    return out


def beta_quantile(u: np.ndarray, a: float, b: float) -> np.ndarray:
    """Beta(a, b) quantiles at probabilities ``u`` (1-D), from the interpolation table."""
    return _beta_quantiles(np.ascontiguousarray(u, dtype=np.float64), float(a), float(b), beta_table(a, b))


@compiled
def _normal_quantile(p: float) -> float:
    """The standard normal quantile: Acklam's rational approximation, refined by one Halley step on ``erfc``."""
    if p <= 0.0:
        return -math.inf
    if p >= 1.0:
        return math.inf
    if p > 0.5:  # the upper half by symmetry: refining near 1 would lose the digits 1 - p carries
        return -_normal_quantile(1.0 - p)
    a1, a2, a3, a4, a5, a6 = (
        -3.969683028665376e01,
        2.209460984245205e02,
        -2.759285104469687e02,
        1.383577518672690e02,
        -3.066479806614716e01,
        2.506628277459239e00,
    )
    b1, b2, b3, b4, b5 = -5.447609879822406e01, 1.615858368580409e02, -1.556989798598866e02, 6.680131188771972e01, -1.328068155288572e01
    c1, c2, c3, c4, c5, c6 = (
        -7.784894002430293e-03,
        -3.223964580411365e-01,
        -2.400758277161838e00,
        -2.549732539343734e00,
        4.374664141464968e00,
        2.938163982698783e00,
    )
    d1, d2, d3, d4 = 7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e00, 3.754408661907416e00
    if p < 0.02425:
        q = math.sqrt(-2.0 * math.log(p))
        x = (((((c1 * q + c2) * q + c3) * q + c4) * q + c5) * q + c6) / ((((d1 * q + d2) * q + d3) * q + d4) * q + 1.0)
    elif p > 1.0 - 0.02425:
        q = math.sqrt(-2.0 * math.log1p(-p))
        x = -(((((c1 * q + c2) * q + c3) * q + c4) * q + c5) * q + c6) / ((((d1 * q + d2) * q + d3) * q + d4) * q + 1.0)
    else:
        q = p - 0.5
        r = q * q
        x = (((((a1 * r + a2) * r + a3) * r + a4) * r + a5) * r + a6) * q / (((((b1 * r + b2) * r + b3) * r + b4) * r + b5) * r + 1.0)
    e = 0.5 * math.erfc(-x / math.sqrt(2.0)) - p
    step = e * math.sqrt(2.0 * math.pi) * math.exp(x * x / 2.0)
    return x - step / (1.0 + x * step / 2.0)


@compiled(_nrt=True)
def _normal_quantiles(u: np.ndarray) -> np.ndarray:
    out = np.empty(u.shape[0])
    for i in range(u.shape[0]):
        out[i] = _normal_quantile(u[i])
    return out


def normal_quantile(u: np.ndarray) -> np.ndarray:
    """Standard normal quantiles at probabilities ``u`` (1-D)."""
    return _normal_quantiles(np.ascontiguousarray(u, dtype=np.float64))


def triangular_quantile(u: np.ndarray, low: float, mode: float, high: float) -> np.ndarray:
    """Triangular(low, mode, high) quantiles at probabilities ``u``."""
    u = np.asarray(u, float)
    width = high - low
    if width == 0:
        return np.full(u.shape, float(low))
    split = (mode - low) / width
    left = low + np.sqrt(u * width * (mode - low))
    right = high - np.sqrt((1.0 - u) * width * (high - mode))
    return np.where(u < split, left, right)
