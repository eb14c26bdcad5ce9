"""sim-search within a budget: the goal's objective, constraint and order, the search answering the lowest risk within it, and the settings."""

from __future__ import annotations

import importlib.util

import pytest

from sim.analysis.search import Evaluation, Goal, Package, search, tune
from sim.analysis.stats import Estimate
from sim.config.checks import ConfigError
from sim.config.scenarios import load
from sim.config.settings import DEFAULT_TARGET, search_settings

BASE = load("case04_trading_company", "none", ["partnership.horizon_months=48"])
POOL = ["commercial_capability", "it_harmonisation_first", "continuity_plan"]
needs_optuna = pytest.mark.skipif(importlib.util.find_spec("optuna") is None, reason="Optuna is not installed (pip install -e '.[search]')")


def _evaluation(risk: float, cost: float, levers: tuple = (("continuity_plan", 0, 0.6),)) -> Evaluation:
    return Evaluation(Package(levers), Estimate(risk, risk - 0.02, risk + 0.02), Estimate(cost, cost - 0.01, cost + 0.01), 1000, 900, "screened", 0)


def test_a_budget_minimises_the_risk_with_the_cost_over_the_budget_as_the_constraint():
    """sim-search could only minimise cost under a risk target: no budget, so 'the lowest risk for at most GBP 1 m' had no answer."""
    cheap_risky, dear_safe, over = _evaluation(0.30, 0.4), _evaluation(0.20, 0.95), _evaluation(0.10, 1.2)
    goal = Goal.of(budget=1.0)
    assert [goal.objective(e) for e in (cheap_risky, dear_safe)] == [0.30, 0.20]  # what Optuna minimises
    assert goal.excess(dear_safe) == pytest.approx(-0.05) and goal.excess(over) == pytest.approx(0.2)  # Optuna's constraint: <= 0 fits
    assert [goal.fits(e) for e in (cheap_risky, dear_safe, over)] == [True, True, False]
    assert not goal.surely_fits(_evaluation(0.2, 0.995))  # its cost interval reaches above the budget
    assert sorted([cheap_risky, over, dear_safe], key=goal.rank) == [over, dear_safe, cheap_risky]  # lowest risk first
    assert goal.answers(dear_safe) and not goal.answers(_evaluation(0.5, 0.0, ()))  # no lever always fits: it answers nothing
    target = Goal.of(target=0.25)
    assert target.objective(dear_safe) == 0.95 and target.excess(cheap_risky) == pytest.approx(0.05)
    assert sorted([dear_safe, cheap_risky], key=target.rank) == [cheap_risky, dear_safe]  # cheapest first
    assert target.answers(_evaluation(0.2, 0.0, ()))  # under a target, no lever meeting it is the answer
    assert Goal.of() == Goal(target=DEFAULT_TARGET)
    nothing_launched = Evaluation(Package(), Estimate(float("nan"), 0.0, 1.0), Estimate(0.0, 0.0, 0.0), 10, 0, "screened", 0)
    assert goal.objective(nothing_launched) == float("inf") and not target.fits(nothing_launched)
    with pytest.raises(ValueError, match="give one of target and budget"):
        Goal(target=0.2, budget=1.0)


def test_budget_and_target_are_one_or_the_other():
    """Both given: one line naming both values and which to drop; neither: the default target."""
    with pytest.raises(ConfigError) as err:
        search_settings({"target": 0.1, "budget": 2})
    assert err.value.problems == [
        "target=0.1 and budget=2 were both given: target asks for the cheapest package keeping the risk at most it, budget for the lowest"
        " risk costing at most it; give only one (drop target= for the lowest risk within the budget)"
    ]
    with pytest.raises(ConfigError, match=r"budget = -1"):
        search_settings({"budget": -1})
    settings = search_settings({"budget": 1.5})
    assert settings.budget == 1.5 and settings.target is None
    assert search_settings({}).target is None and search(BASE, pool=["continuity_plan"], replications=50, confirm_replications=100, max_levers=1,
                                                         tune_packages=0).goal == Goal(target=DEFAULT_TARGET)  # fmt: skip


@needs_optuna
def test_the_search_within_a_budget_answers_the_lowest_confirmed_risk_that_fits():
    lines: list[str] = []
    result = search(BASE, pool=POOL, budget=0.5, replications=200, confirm_replications=400, max_levers=2, tune_packages=1, trials=4, runners_up=1,
                    say=lines.append)  # fmt: skip
    assert result.goal == Goal(budget=0.5) and result.found and result.winner in result.confirmed
    fitting = [e for e in [*result.confirmed, result.reference] if e.cost.value <= 0.5]
    assert result.winner.cost.value <= 0.5 and result.winner.risk.value == min(e.risk.value for e in fitting)
    assert result.winner.risk.value < result.reference.risk.value
    assert any(line.startswith("Confirming ") and "that fit the budget on screening, and no lever" in line for line in lines), lines


@needs_optuna
def test_optuna_minimises_the_risk_under_the_cost_over_the_budget(monkeypatch):
    """What each trial tells Optuna within a budget: its risk as the value, its cost minus the budget as the constraint."""
    import optuna

    told, constrained = [], []
    monkeypatch.setattr(optuna.trial.Trial, "set_constraint", lambda trial, key, value: constrained.append(value))
    monkeypatch.setattr(optuna.Study, "tell", lambda study, trial, value: told.append(value))
    tuned = tune(BASE, ("continuity_plan",), risk="failure", goal=Goal(budget=0.02), seed=3, replications=50, trials=3, latest_start=12)
    assert told == [e.risk.value for e in tuned] and constrained == pytest.approx([e.cost.value - 0.02 for e in tuned])


def test_no_package_within_the_budget_leaves_no_lever_as_the_answer():
    """A budget no package fits: no lever (which costs nothing) is the answer, and the search says it found nothing."""
    lines: list[str] = []
    result = search(BASE, pool=["continuity_plan"], budget=0.0, replications=50, confirm_replications=100, max_levers=1, tune_packages=0, say=lines.append)
    assert result.winner is result.reference and not result.found
    assert result.confirmed and all(e.cost.value > 0 for e in result.confirmed)  # the cheapest over the budget, shown beside it
    assert any(line.startswith("No package with levers fit the budget on screening: confirming the 1 package of lowest cost") for line in lines), lines


def test_packages_apart_are_told_by_their_paired_difference_not_by_overlapping_intervals():
    """The printout called a confirmed package 'not measurably lower' than the answer when their separate 95% intervals overlapped,
    though both ran on the same replications: the paired interval of the difference is the sharper test, and here it excludes zero."""
    import numpy as np

    from sim.analysis.search import Result, measurably_lower, risk_difference
    from sim.analysis.stats import wilson
    from sim.cli.search import render

    n = 2000
    better = np.zeros(n, bool)
    better[:500] = True  # 25.0%
    worse = better.copy()
    worse[500:560] = True  # 28.0%: the same replications fail, and 60 more
    none = np.ones(n, bool)

    def confirmed(events: np.ndarray, cost: float, levers: tuple) -> Evaluation:
        risk = wilson(int(events.sum()), n)
        return Evaluation(Package(levers), risk, Estimate(cost, cost - 0.01, cost + 0.01), n, n, "confirmed", 7, events)

    w = confirmed(better, 0.9, (("continuity_plan", 0, 0.6),))
    other = confirmed(worse, 0.5, (("open_motivations", 0, 0.6),))
    assert other.risk.low <= w.risk.high  # the separate intervals overlap
    assert risk_difference(w, other).low > 0 and measurably_lower(w, other)  # the paired difference excludes zero
    unpaired = Evaluation(other.package, other.risk, other.cost, n, n, "confirmed", 8, worse)  # another seed: not paired
    assert risk_difference(w, unpaired) is None and not measurably_lower(w, unpaired)
    text = render(Result("failure", Goal(budget=1.0), w, [w, other], confirmed(none, 0.0, ()), [w]), "baseline")
    assert "Not measurably lower" not in text and "not measurably lower than no lever" not in text
    tied = confirmed(better.copy(), 0.5, (("open_motivations", 0, 0.6),))
    text = render(Result("failure", Goal(budget=1.0), w, [w, tied], confirmed(none, 0.0, ()), [w]), "baseline")
    assert "Not measurably lower than open_motivations" in text and "paired 95% interval of the difference" in text
