"""Counter-based random numbers: in [0, 1), a pure function of their arguments, independent streams."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from sim.core import rng


def test_values_lie_in_the_unit_interval_with_the_requested_shape():
    u = rng.uniform(7, np.arange(1000), 3, 8, "exo.election")
    assert u.shape == (1000, 8) and u.dtype == np.float64
    assert u.min() >= 0.0 and u.max() < 1.0


def test_a_pure_function_of_its_arguments():
    reps = np.array([5, 0, 99, 12345678901])
    a = rng.uniform(3, reps, 10, 4, "case01.leave")
    np.testing.assert_array_equal(a, rng.uniform(3, reps, 10, 4, "case01.leave"))
    # each row depends only on its own replication, in any batch and order
    for i, r in enumerate(reps):
        np.testing.assert_array_equal(rng.uniform(3, np.array([r]), 10, 4, "case01.leave")[0], a[i])
    # each column depends only on its own council, whatever the number of councils
    np.testing.assert_array_equal(rng.uniform(3, reps, 10, 2, "case01.leave"), a[:, :2])


@pytest.mark.parametrize(
    "other",
    [
        {"seed": 4},
        {"month": 11},
        {"month": rng.SETUP_MONTH},
        {"stream": "case02.approve"},
        {"reps": np.arange(1, 501)},
    ],
)
def test_changing_any_argument_changes_the_draws(other):
    args = {"seed": 3, "reps": np.arange(500), "month": 10, "n_councils": 4, "stream": "case01.leave"}
    a = rng.uniform(**args)
    b = rng.uniform(**{**args, **other})
    assert not np.any(a == b)


def test_large_seeds_and_replication_indices_work():
    u = rng.uniform(2**63 - 1, np.array([0, 2**40]), 0, 2, "s")
    assert np.all((u >= 0) & (u < 1))


def test_draws_are_uniform():
    u = rng.uniform(1, np.arange(20_000), 0, 5, "exo.budget").ravel()
    assert stats.kstest(u, "uniform").pvalue > 1e-3
    assert abs(u.mean() - 0.5) < 4 * np.sqrt(1 / 12 / u.size)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ({"stream": "exo.election"}, {"stream": "exo.turnover"}),
        ({"month": 0}, {"month": 1}),
        ({"seed": 0}, {"seed": 1}),
    ],
)
def test_streams_months_and_seeds_are_uncorrelated(a, b):
    args = {"seed": 0, "reps": np.arange(20_000), "month": 0, "n_councils": 4, "stream": "x"}
    x = rng.uniform(**{**args, **a}).ravel()
    y = rng.uniform(**{**args, **b}).ravel()
    assert abs(np.corrcoef(x, y)[0, 1]) < 4 / np.sqrt(x.size)


def test_neighbouring_councils_and_replications_are_uncorrelated():
    u = rng.uniform(0, np.arange(20_000), 0, 2, "x")
    assert abs(np.corrcoef(u[:, 0], u[:, 1])[0, 1]) < 4 / np.sqrt(len(u))
    assert abs(np.corrcoef(u[:-1, 0], u[1:, 0])[0, 1]) < 4 / np.sqrt(len(u))


def test_stream_ids_are_stable():
    assert rng.stream_id("exo.election") == rng.stream_id("exo.election")
    assert rng.stream_id("exo.election") != rng.stream_id("exo.turnover")
    assert 0 <= rng.stream_id("anything") < 2**32
