"""Guide 08's fifteen problems: each modelled one does more harm at its 'more' level than at its 'less' level."""

from __future__ import annotations

import numpy as np
import pytest

import sim
from sim.config.problems import PROBLEMS, Problem
from sim.config.scenarios import load
from sim.core.params import CouncilParams

N = 1500


def test_all_fifteen_problems_are_listed_once_and_each_modelled_or_given_a_reason() -> None:
    assert [p.number for p in PROBLEMS] == list(range(1, 16))
    for p in PROBLEMS:
        assert p.modelled or p.reason, p.number
        assert bool(p.less) == bool(p.more) == p.modelled, p.number


@pytest.mark.parametrize("problem", [p for p in PROBLEMS if p.modelled], ids=lambda p: f"problem{p.number:02d}")
def test_the_parameters_named_exist_and_the_levels_load(problem: Problem) -> None:
    cfg = load(problem.scenario)
    for path in problem.parameters:
        section, _, name = path.partition(".")
        if section == "councils[k]":
            assert name in CouncilParams.__dataclass_fields__, path
        elif section == "mechanisms":
            mech, _, field = name.partition(".")
            assert field in type(cfg.mechanisms[mech]).__dataclass_fields__, path
        else:
            assert hasattr(getattr(cfg, section), name), path
    load(problem.scenario, overrides=list(problem.less))
    load(problem.scenario, overrides=list(problem.more))


def _measure(problem: Problem, overrides: tuple[str, ...]) -> np.ndarray:
    table = sim.run_ensemble(load(problem.scenario, overrides=list(overrides)), replications=N, seed=11, uncertainty="none")
    if problem.measure == "failure":
        return table["outcome"].isin(["shelved", "collapsed", "underperforming"]).to_numpy(float)
    return table[problem.measure].to_numpy(float)


@pytest.mark.parametrize("problem", [p for p in PROBLEMS if p.modelled], ids=lambda p: f"problem{p.number:02d}")
def test_more_of_a_problem_does_more_harm_on_common_seeds(problem: Problem) -> None:
    less, more = _measure(problem, problem.less), _measure(problem, problem.more)
    difference = more - less
    z = difference.mean() / (difference.std(ddof=1) / np.sqrt(N))
    assert z > 3, f"problem {problem.number:02d}: {problem.measure} {less.mean():.3f} (less) against {more.mean():.3f} (more), paired z = {z:.1f}"
