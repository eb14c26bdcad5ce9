"""The compiled inverse CDFs that draw a population, against SciPy: beta (from tables), normal and triangular."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

import numpy as np
import pytest
import yaml
from scipy import stats

from sim.config.distributions import as_node
from sim.config.scenarios import config_root
from sim.core import quantiles
from sim.core.mechanisms import mechanisms
from sim.core.params import CouncilParams, DynamicsParams, ExogenousParams, LeverParams, PartnershipParams

#: Probabilities: both ends, deep tails and a fine grid.
TAILS = np.array([1e-300, 1e-100, 1e-30, 1e-15, 1e-12, 1e-9, 1e-6, 1e-4])
U = np.unique(np.concatenate([[0.0, 1.0], TAILS, 1 - TAILS[3:], np.linspace(0, 1, 20_001), np.random.default_rng(0).random(20_000)]))


def _beta_nodes(value: object) -> list[tuple[float, float]]:
    value = as_node(value)
    if isinstance(value, dict):
        found = [(float(value["a"]), float(value["b"]))] if value.get("dist") == "beta" else []
        return found + [shape for item in value.values() for shape in _beta_nodes(item)]
    if isinstance(value, list):
        return [shape for item in value for shape in _beta_nodes(item)]
    return []


def used_beta_shapes() -> list[tuple[float, float]]:
    """Every beta shape of the package's configs (``configs/**/*.yaml``) and of the declared defaults and priors."""
    shapes = [shape for path in sorted(Path(config_root()).rglob("*.yaml")) for shape in _beta_nodes(yaml.safe_load(path.read_text(encoding="utf-8")))]
    for cls in (CouncilParams, PartnershipParams, DynamicsParams, ExogenousParams, LeverParams, *(m.params for m in mechanisms())):
        for f in fields(cls):
            default = f.default_factory() if callable(f.default_factory) else f.default
            shapes += _beta_nodes(default) + _beta_nodes(f.metadata["spec"].prior)
    return sorted(set(shapes))


SHAPES = used_beta_shapes()


def test_the_shapes_in_use_are_found():
    assert {(3.0, 3.0), (2.0, 2.0), (2.0, 3.0), (2.0, 4.0), (4.0, 2.0)} <= set(SHAPES)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # SciPy's own beta.ppf gives up (nan) at some extreme probabilities
@pytest.mark.parametrize(("a", "b"), SHAPES)
def test_beta_quantile_is_within_1e_10_of_scipy(a, b):
    ours = quantiles.beta_quantile(U, a, b)
    exact = stats.beta.ppf(U, a, b)
    known = np.isfinite(exact)
    assert known.sum() > 40_000
    assert np.all(np.isfinite(ours))
    np.testing.assert_allclose(ours[known], exact[known], rtol=0, atol=1e-10)


@pytest.mark.parametrize(("a", "b"), SHAPES)
def test_beta_quantile_is_monotone_and_exact_at_the_ends(a, b):
    grid = np.linspace(0, 1, 1_000_001)
    x = quantiles.beta_quantile(grid, a, b)
    assert np.all(np.diff(x) >= 0)
    assert x[0] == 0.0 and x[-1] == 1.0
    assert quantiles.beta_quantile(np.array([0.0, 1.0]), a, b).tolist() == [0.0, 1.0]
    assert np.all((x >= 0) & (x <= 1))


def test_beta_quantile_takes_any_array_of_probabilities():
    u = np.array([[0.1, 0.9]])[0, ::-1]  # not contiguous
    np.testing.assert_array_equal(quantiles.beta_quantile(u, 2, 3), quantiles.beta_quantile(np.array([0.9, 0.1]), 2.0, 3.0))
    assert quantiles.beta_quantile(np.zeros(0), 2, 3).shape == (0,)
    assert quantiles.beta_table(2, 3) is quantiles.beta_table(2, 3)  # made once per shape


LOWER_AND_CENTRE = np.unique(np.concatenate([np.logspace(-300, -1, 600), np.linspace(0.01, 0.99, 20_001), 1 - np.logspace(-6, -1, 200)]))
UPPER_TAIL = 1 - np.logspace(-16, -6, 400)


def test_normal_quantile_is_within_1e_10_of_scipy_below_the_far_upper_tail():
    np.testing.assert_allclose(quantiles.normal_quantile(LOWER_AND_CENTRE), stats.norm.ppf(LOWER_AND_CENTRE), rtol=0, atol=1e-10)
    assert quantiles.normal_quantile(np.array([0.0, 0.5, 1.0])).tolist() == [-np.inf, 0.0, np.inf]


def test_normal_quantile_is_within_1e_10_of_scipy_in_the_far_upper_tail():
    np.testing.assert_allclose(quantiles.normal_quantile(UPPER_TAIL), stats.norm.ppf(UPPER_TAIL), rtol=0, atol=1e-10)


def test_normal_quantile_is_monotone():
    assert np.all(np.diff(quantiles.normal_quantile(np.linspace(0, 1, 1_000_001))) > 0)


@pytest.mark.parametrize(("low", "mode", "high"), [(0.6, 1.0, 6.0), (0.0, 0.0, 1.0), (0.0, 1.0, 1.0), (-3.0, 2.5, 4.0), (0.2, 0.5, 0.8)])
def test_triangular_quantile_is_exact(low, mode, high):
    x = quantiles.triangular_quantile(U, low, mode, high)
    exact = stats.triang.ppf(U, (mode - low) / (high - low), loc=low, scale=high - low)
    np.testing.assert_allclose(x, exact, rtol=4e-16 * 8, atol=4e-16 * 8 * max(abs(low), abs(high)))
    assert x[0] == low and x[-1] == high
    assert np.all(np.diff(x) >= 0)
    # the closed form: the CDF of the quantile gives back the probability
    np.testing.assert_allclose(stats.triang.cdf(x, (mode - low) / (high - low), loc=low, scale=high - low), U, atol=1e-12)


def test_a_degenerate_triangle_is_its_one_value():
    assert np.all(quantiles.triangular_quantile(U, 0.5, 0.5, 0.5) == 0.5)
