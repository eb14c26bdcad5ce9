"""The catalogue of assumptions: found from the declarations, drawn reproducibly, set by path."""

from __future__ import annotations

import numpy as np
import pytest

from sim.config import assumptions as A
from sim.config.checks import ConfigError
from sim.config.scenarios import load


def test_every_listed_assumption_is_declared_as_one_with_a_prior_inside_its_range() -> None:
    items = A.assumptions()
    assert len({a.path for a in items}) == len(items)
    for a in items:
        assert a.spec.is_assumption and a.spec.prior is not None, a.path
        drawn = A.draw([a], 3, np.arange(200))[a.path]
        assert np.all(drawn >= a.spec.lo) and np.all(drawn <= a.spec.hi), a.path


def test_a_draw_depends_only_on_seed_index_and_path() -> None:
    items = A.free(load("baseline"))
    whole = A.draw(items, 5, np.arange(10))
    part = A.draw(items[::-1][:7], 5, np.array([7, 3]))
    for path, column in part.items():
        assert np.array_equal(column, whole[path][[7, 3]])
    assert not np.array_equal(A.draw(items, 6, np.arange(10))[items[0].path], whole[items[0].path])


def test_a_value_set_by_a_scenario_or_fixed_by_the_user_is_not_free() -> None:
    cfg = load("baseline", overrides=["decisions.memory=0.2"])
    free = {a.path for a in A.free(cfg)}
    assert "decisions.memory" not in free
    assert "decisions.noise" in free
    assert "decisions.noise" not in {a.path for a in A.free(cfg, fixed=["decisions.noise"])}


def test_points_carry_the_drawn_values_and_keep_shared_weights_summing_to_one() -> None:
    cfg = load("baseline")
    items = [a for a in A.free(cfg) if a.path.startswith("decisions.")]
    values = A.draw(items, 1, np.arange(4))
    pts = A.points(cfg, values)
    assert len(pts) == 4
    for d, p in enumerate(pts):
        w = p.decisions
        assert w.weight_savings + w.weight_service + w.weight_fit + w.weight_trust == pytest.approx(1.0)
        assert p.decisions.memory == pytest.approx(values["decisions.memory"][d])


def test_setting_a_value_outside_its_range_names_the_parameter() -> None:
    with pytest.raises(ConfigError, match=r"decisions\.memory"):
        A.with_values(load("baseline"), {"decisions.memory": 7.0})
    with pytest.raises(KeyError, match="not the path"):
        A.value(load("baseline"), "councils.0.pace")
