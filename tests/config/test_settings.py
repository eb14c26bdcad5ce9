"""Command settings: defaults through Hydra, one line per bad value naming its range."""

from __future__ import annotations

import pytest

from sim.config.checks import ConfigError
from sim.config.scenarios import compose_run
from sim.config.settings import CompareSettings, RunSettings, available_cores, compare_settings, run_settings


def test_defaults_reach_the_composed_config():
    cfg = compose_run("baseline", "none")
    assert run_settings(cfg) == RunSettings()
    assert cfg.precision is None and cfg.save_events is False


def test_whole_numbers_given_as_floats_are_accepted():
    assert run_settings({"seed": 7.0, "replications": 1e4}).replications == 10_000


def test_every_problem_is_reported_at_once():
    with pytest.raises(ConfigError) as err:
        run_settings({"seed": "abc", "replications": 0, "block_size": 2.5, "precision": 0.0, "save_trajectories": 1})
    assert err.value.problems == [
        "seed = 'abc' is not a number (allowed: [0, 9223372036854775807])",
        "replications = 0 is outside [1, 100000000]",
        "block_size = 2.5 is not a whole number (allowed: [1, 1000000])",
        "precision = 0 is outside [0.001, 0.5]",
        "save_trajectories = 1 must be true or false",
    ]


def test_workers_default_to_every_core_and_are_checked():
    assert run_settings({}).workers is None
    assert run_settings({"workers": 2.0}).workers == 2
    assert available_cores() >= 1
    with pytest.raises(ConfigError) as err:
        run_settings({"workers": 0, "engine": "warp"})
    assert err.value.problems == ["workers = 0 is outside [1, 1024]", "engine = 'warp' is not one of ensemble, mesa"]


def test_figures_are_drawn_only_on_request():
    assert run_settings({}).figures is False
    assert run_settings({"figures": True}).figures is True


def test_compare_needs_two_policies_and_two_replications():
    assert compare_settings({}) == CompareSettings()
    assert compare_settings({"policies": ("none", "continuity_plan")}).policies == ["none", "continuity_plan"]
    with pytest.raises(ConfigError) as err:
        compare_settings({"policies": "none", "replications": 1})
    assert err.value.problems == [
        "replications = 1 is outside [2, 100000000]",
        "policies = 'none' must be a list of at least two policy names, e.g. [none,continuity_plan]",
    ]


def test_an_empty_lever_pool_is_called_empty():
    """sim-search pool=[] said the empty list 'must be a list of lever names'."""
    from sim.config.settings import search_settings

    with pytest.raises(ConfigError) as err:
        search_settings({"pool": []})
    assert err.value.problems == ["pool = [] is empty: give at least one lever, e.g. [continuity_plan]"]
    with pytest.raises(ConfigError, match=r"pool = 'continuity_plan' must be a list of lever names"):
        search_settings({"pool": "continuity_plan"})
