"""The catalogue of assumptions: found from the declarations, drawn reproducibly, set by path."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest
from support.declarations import declaration_problems

from sim.config import assumptions as A
from sim.config.checks import ConfigError
from sim.config.model import default_lever
from sim.config.scenarios import load
from sim.core import levers
from sim.core.declare import choice, param
from sim.core.mechanisms import mechanisms
from sim.core.params import CouncilParams, DecisionParams, DynamicsParams, ExogenousParams, LeverParams, PartnershipParams


def test_every_listed_assumption_is_declared_as_one_with_a_prior_inside_its_range() -> None:
    items = A.assumptions()
    assert len({a.path for a in items}) == len(items)
    for a in items:
        assert a.spec.is_assumption and a.spec.prior is not None, a.path
        drawn = A.draw([a], 3, np.arange(200))[a.path]
        assert np.all(drawn >= a.spec.lo) and np.all(drawn <= a.spec.hi), a.path


def test_every_declaration_is_sound() -> None:
    sections = [("councils[0]", CouncilParams), ("partnership", PartnershipParams), ("dynamics", DynamicsParams)]
    sections += [("decisions", DecisionParams), ("exogenous", ExogenousParams), *((f"mechanisms.{m.name}", m.params) for m in mechanisms())]
    problems = [line for path, cls in sections for line in declaration_problems(cls, path)]
    problems += [line for name in levers.NAMES for line in declaration_problems(LeverParams, f"levers.{name}", default_lever(name))]
    assert not problems, "\n".join(problems)


@dataclass
class Sloppy:
    """Declarations a developer might get wrong, one each."""

    ok: float = param(0.5, 0, 1, "share", "fine", concept="a test", prior={"dist": "uniform", "low": 0.2, "high": 0.8})
    default_out: float = param(2.0, 0, 1, "share", "default outside its range", concept="a test", prior={"dist": "uniform", "low": 0, "high": 1})
    prior_out: float = param(0.5, 0, 1, "share", "prior outside its range", concept="a test", prior={"dist": "uniform", "low": 0.5, "high": 3})
    prior_typo: float = param(0.5, 0, 1, "share", "prior misspelt", concept="a test", prior={"dist": "unifrom", "low": 0, "high": 1})
    no_prior: float = param(0.5, 0, 1, "share", "an assumption without a range", concept="a test")
    cited: float = param(0.5, 0, 1, "share", "a published figure needs no range", concept="a test", value="Smith 2020")
    population: float = param({"dist": "beta", "a": 2, "b": 2}, 0, 1, "share", "drawn per replication", concept="a test", distributable=True)
    category: str = choice("maybe", ("yes", "no"), "default not a choice", concept="a test", value="Smith 2020")
    plain: float = 0.3


def test_a_sloppy_declaration_is_named_a_line_per_problem() -> None:
    assert declaration_problems(Sloppy, "mechanisms.study") == [
        "mechanisms.study.default_out = 2 is outside [0, 1] (its declared default)",
        "mechanisms.study.prior_out.prior.high = 3 is outside [0, 1] (its declared plausible range)",
        "mechanisms.study.prior_typo.prior.dist = 'unifrom' is not a distribution (allowed: beta, uniform, loguniform, triangular, normal, randint,"
        " choice, sometimes) (its declared plausible range)",
        "mechanisms.study.no_prior is an assumption without a plausible range: declare its prior (or cite its value with value=)",
        "mechanisms.study.category = 'maybe' is not one of yes, no (its declared default)",
        "mechanisms.study.plain is not declared: make it with param, choice, flag or text (sim.core.declare)",
    ]


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
