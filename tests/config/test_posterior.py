"""The shipped posterior sample: made for this model version, in the format uncertainty=posterior reads."""

from __future__ import annotations

import json

import numpy as np
import pytest

from sim.config import assumptions as A
from sim.config import posterior
from sim.config.uncertainty import read_posterior
from sim.core.version import __version__


def made() -> dict:
    """How the shipped posterior was made: its provenance JSON."""
    return json.loads(posterior.provenance_path(posterior.shipped_path()).read_text(encoding="utf-8"))


def test_the_shipped_posterior_was_made_for_this_model_version():
    path = posterior.shipped_path()
    assert path.is_file(), f"no posterior for model {__version__}: run python experiments/calibration.py (the model version changed)"
    stamp = made()
    assert stamp["model_version"] == __version__, (
        f"the posterior was made for model {stamp['model_version']}, not {__version__}: run python experiments/calibration.py"
    )
    assert stamp["targets"] and stamp["method"] and stamp["seed"] is not None and stamp["runtime_s"] > 0


def test_the_shipped_posterior_has_one_column_per_assumed_parameter_and_weights_summing_to_one():
    sample = read_posterior(posterior.shipped_path())
    values, weights = sample.values, sample.weights
    known = A.by_path()
    assert values and set(values) <= set(known)
    assert len(weights) == len(next(iter(values.values()))) and np.isclose(weights.sum(), 1.0) and (weights >= 0).all()
    for path, column in values.items():
        spec = known[path].spec
        assert (column >= spec.lo).all() and (column <= spec.hi).all(), path
    assert set(values) == set(made()["parameters"])


def test_weights_are_worth_as_many_points_as_kish_says_and_the_shipped_ones_over_a_thousand():
    assert posterior.effective_size(np.array([0.5, 0.5, 0.0])) == pytest.approx(2.0)
    assert posterior.effective_size(np.array([3.0, 1.0])) == pytest.approx(16 / 10)
    assert posterior.effective_size(np.zeros(3)) == 0.0
    assert read_posterior(posterior.shipped_path()).effective_size() > 1000
