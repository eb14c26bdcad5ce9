"""The mechanism contract refuses parameters that are not declared, naming the mechanism, when it is made."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from sim.core.contract import Mechanism, MechanismParams
from sim.core.declare import param
from sim.core.jit import compiled


@compiled
def step(s, P, m, q, own, fx):
    """Does nothing."""


@dataclass
class Sloppy(MechanismParams):
    """One parameter declared, two not."""

    hazard: float = param(0.1, 0, 1, "per month", "a declared parameter", concept="a test", prior={"dist": "uniform", "low": 0.05, "high": 0.2})
    extra: float = 0.3
    other: int = 2


@dataclass
class Plain:
    """Parameters that are not a MechanismParams."""

    hazard: float = 0.1


def test_undeclared_parameters_are_refused_when_the_mechanism_is_made():
    with pytest.raises(TypeError) as info:
        Mechanism(name="study", cause="study", case="toy", title="A study", params=Sloppy, step=step)
    assert str(info.value) == "mechanism 'study': extra, other in Sloppy not declared with param, choice or flag (sim.core.declare)"


def test_parameters_that_are_not_mechanism_params_are_refused():
    with pytest.raises(TypeError, match=r"mechanism 'study': params = .*Plain.* must be a dataclass subclassing MechanismParams"):
        Mechanism(name="study", cause="study", case="toy", title="A study", params=Plain, step=step)
