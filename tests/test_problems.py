"""Each of Guide 08's common problems that the model carries has the effect it should (slow)."""

from __future__ import annotations

import numpy as np
import pytest

from sim.ensemble import run_ensemble
from sim.mechanisms import BY_NAME
from sim.params import CouncilParams, DynamicsParams, ExogenousParams, PartnershipParams
from sim.problems import PROBLEMS
from sim.scenarios import load
from sim.stats import paired_difference

FAILURES = ["shelved", "collapsed", "underperforming"]
REPLICATIONS = 1500


def test_all_fifteen_are_listed_once_and_unmodelled_ones_say_why() -> None:
    assert [p.number for p in PROBLEMS] == list(range(1, 16))
    for problem in PROBLEMS:
        assert problem.modelled or problem.reason, problem.number
        if problem.modelled:
            assert problem.less and problem.more


def test_named_parameters_exist() -> None:
    sections = {"councils[k]": CouncilParams, "partnership": PartnershipParams, "dynamics": DynamicsParams, "exogenous": ExogenousParams}
    for problem in PROBLEMS:
        for path in problem.parameters:
            head, name = path.rsplit(".", 1)
            if head.startswith("mechanisms."):
                assert name in BY_NAME[head.split(".")[1]].Params.__dataclass_fields__, path
            else:
                assert name in sections[head].__dataclass_fields__, path


@pytest.mark.slow
@pytest.mark.parametrize("problem", [p for p in PROBLEMS if p.modelled], ids=lambda p: f"problem{p.number:02d}")
def test_more_of_the_problem_does_more_harm(problem) -> None:
    less = run_ensemble(load(problem.scenario, "none", list(problem.less)), REPLICATIONS, 5)
    more = run_ensemble(load(problem.scenario, "none", list(problem.more)), REPLICATIONS, 5)
    if problem.measure == "failure":
        difference = paired_difference(less["outcome"].isin(FAILURES).to_numpy(), more["outcome"].isin(FAILURES).to_numpy())
        assert difference.low > 0, difference
    else:
        d = more[problem.measure].to_numpy() - less[problem.measure].to_numpy()
        assert d.mean() - 1.96 * d.std(ddof=1) / np.sqrt(len(d)) > 0, (d.mean(), d.std())
