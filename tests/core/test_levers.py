"""Levers: strength in force, costs, and each lever changing the state its learning targets."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import OFF, Bench, lever_strengths

from sim.config.scenarios import available
from sim.core import kernel, levers, savings
from sim.core.evaluate import evaluate
from sim.core.exogenous import EVENTS as EXOGENOUS_EVENTS
from sim.core.exogenous import Signal
from sim.core.mechanisms import by_name
from sim.core.state import COLLAPSED, EXPANSION, OPERATING, SUSTAINED, pair_mask

case01, case02, case03, case04, case05, case06, case07 = (by_name()[f"case0{i}"] for i in range(1, 8))
coordination = by_name()["coordination"]


def lever_on(name: str, **params) -> dict:
    return {name: {"enabled": True, **params}}


def in_force(b: Bench, month: int) -> dict[str, float]:
    """Strength of every lever in force at ``month`` in replication 0, by name."""
    out = np.zeros(len(levers.NAMES))
    levers.in_force(b.P, 0, month, out)
    return dict(zip(levers.NAMES, out, strict=True))


def caught_up(b: Bench, rate: float, strength: float) -> np.ndarray:
    """IT maturity ``(R, K)`` after one IT catch-up of replication 0 (on a copy: ``b.s`` is left as it was)."""
    s = b.s.copy()
    levers.catch_up(s.arrays, 0, rate, strength)
    return s.council["it_maturity"]


def test_a_lever_is_in_force_from_its_start_month_at_its_strength(bench):
    b = bench(levers=lever_on("continuity_plan", start_month=6, strength=0.4))
    assert in_force(b, 5)["continuity_plan"] == 0.0
    assert in_force(b, 6)["continuity_plan"] == 0.4
    assert in_force(b, 60)["continuity_plan"] == 0.4
    assert all(in_force(b, 60)[name] == 0.0 for name in levers.NAMES if name != "continuity_plan")


def test_a_lever_costs_its_upfront_sum_at_its_start_then_a_monthly_share_while_running(bench):
    testing = lever_on("market_testing", start_month=6, cost_upfront=0.05, cost_per_year=0.12)
    b = bench(levers=testing)
    assert levers.cost(b.P, 0, 5) == 0.0
    assert levers.cost(b.P, 0, 6) == pytest.approx(0.06)
    assert levers.cost(b.P, 0, 7) == pytest.approx(0.01)
    # the kernel charges running partnerships only
    running, ended = (bench(mechanisms=OFF, levers=testing, state={"month": 7}) for _ in range(2))
    ended.s.partnership["outcome"][:] = COLLAPSED
    for e in (running, ended):
        kernel.step(e.s, e.P, e.seed)
    assert running.s.partnership["lever_cost"][0] == pytest.approx(0.01)
    assert ended.s.partnership["lever_cost"][0] == 0.0


def test_lever_costs_add_up_over_a_run(bench):
    on = {**lever_on("continuity_plan", start_month=6, cost_upfront=0.05, cost_per_year=0.12), **lever_on("staged_scope", cost_upfront=0.1, cost_per_year=0.0)}
    b = bench(mechanisms=OFF, levers=on, partnership={"horizon_months": 24})
    s = kernel.run(b.P, b.s.reps, b.seed)
    assert s.partnership["outcome"][0] == SUSTAINED
    assert s.partnership["lever_cost"][0] == pytest.approx(0.05 + 0.01 * 18 + 0.1)


def test_every_lever_has_a_default_cost_a_source_and_a_policy(config):
    assert set(levers.NAMES) <= set(available("policy"))
    cfg = config()
    for lever in levers.LEVERS:
        assert lever.cost_upfront >= 0 and lever.cost_per_year >= 0 and lever.targets and lever.source
        params = cfg.levers[lever.name]
        assert not params.enabled and (params.cost_upfront, params.cost_per_year) == (lever.cost_upfront, lever.cost_per_year)


def test_it_harmonisation_first_raises_laggards_towards_the_leader(bench, launched):
    # the kernel runs the catch-up (at the pinned rate 0.03) for launched partnerships only
    b = bench(k=3, columns={"it_maturity": [0.8, 0.3, 0.5]}, mechanisms=OFF, levers=lever_on("it_harmonisation_first", strength=1.0))
    kernel.step(b.s, b.P, b.seed)
    np.testing.assert_array_equal(b.s.council["it_maturity"], [[0.8, 0.3, 0.5]])  # not launched yet
    launched(b, 3)
    kernel.step(b.s, b.P, b.seed)
    np.testing.assert_allclose(b.s.council["it_maturity"], [[0.8, 0.3 + 0.03 * 0.5, 0.5 + 0.03 * 0.3]])
    b = bench(k=3, columns={"it_maturity": [0.8, 0.3, 0.5]})
    launched(b, 3)
    np.testing.assert_allclose(caught_up(b, 0.03, 1.0), [[0.8, 0.3 + 0.03 * 0.5, 0.5 + 0.03 * 0.3]])
    np.testing.assert_allclose(caught_up(b, 0.03, 0.5), [[0.8, 0.3 + 0.015 * 0.5, 0.5 + 0.015 * 0.3]])
    b.s.active[:] = [[False, True, True]]
    np.testing.assert_allclose(caught_up(b, 0.03, 1.0), [[0.8, 0.3 + 0.03 * 0.2, 0.5]])
    np.testing.assert_array_equal(caught_up(b, float(b.P.dynamics["catch_up_rate"][0]), 0.0), b.s.council["it_maturity"])


def harm(name: str, strength: float, bench, month, launched) -> tuple[float, ...]:
    """The harm lever ``name`` targets, at a given strength: each component should fall as it rises."""
    lever = {name: strength}
    if name == "continuity_plan":
        b = bench(columns={"key_person_dependency": [1.0, 1.0]})
        launched(b, 12, OPERATING)
        left = evaluate(case01, b.s, b.P, month(b, signals=[[Signal.CHIEF_EXECUTIVE_LEFT, 0]], lever=lever))
        b.s.mech("case01")["present"][:] = False
        b.s.mech("case01")["erosion"][:] = 0.5
        later = evaluate(case01, b.s, b.P, month(b, draws={"case01.succeed": 0.06}, lever=lever))
        return left.trust.sum(), later.value.sum()
    if name == "agreed_decision_process":
        b = bench(partnership={"approval_months": 3}, state={"month": 3})
        b.s.council["ceo_notice"][:] = [[2, 0]]
        e = evaluate(case02, b.s, b.P, month(b, draws={"case02.approve": 0.0, "case02.watch": 0.3}, lever=lever))
        return (float(not e.launch[0]),)
    if name == "open_motivations":
        b = bench(columns={"orientation": [0.3, 0.7]})
        launched(b, 6, OPERATING)
        e = evaluate(case03, b.s, b.P, month(b, signals=Signal.CONTROL_CHANGED, lever=lever))
        proposal = bench(columns={"orientation": [0.1, 0.9]})
        cautious = evaluate(case03, proposal.s, proposal.P, month(proposal, lever=lever)).shared["it_only"][0]
        return e.value.sum(), float(not cautious)
    if name == "commercial_capability":
        trading = bench(partnership={"governance": "trading_company"})
        launched(trading, 30, OPERATING)
        venture = bench(partnership={"governance": "commercial_venture"})
        launched(venture, 0)
        stagnation = evaluate(case04, trading.s, trading.P, month(trading, lever=lever))
        deficit = evaluate(case05, venture.s, venture.P, month(venture, draws={"case05.demand": 0.5}, lever=lever)).savings.sum()
        return stagnation.savings.sum(), stagnation.cost.sum(), deficit
    if name == "market_testing":
        b = bench(partnership={"governance": "commercial_venture"}, columns={"guarantee": [0.3, 0.3]})
        launched(b, 0)
        return (evaluate(case05, b.s, b.P, month(b, draws={"case05.test": 0.0, "case05.demand": 0.5}, lever=lever)).savings.sum(),)
    if name == "staged_scope":
        b = bench(columns={"size": [1.0, 4.0], "sovereignty_concern": [0.8, 0.8]}, state={"scope": 1, "deepened": True})
        launched(b, 40, EXPANSION)
        e = evaluate(case06, b.s, b.P, month(b, lever=lever))
        return e.value.sum(), e.trust.sum()
    if name == "reputation_first":
        b = bench(partnership={"rebrand_month": 0}, state={"maturity": 0.3})
        launched(b, 3, OPERATING)
        e = evaluate(case07, b.s, b.P, month(b, lever=lever))
        return e.own["deficit"].sum(), e.cost.sum()
    if name == "it_harmonisation_first":
        b = bench(columns={"it_maturity": [0.9, 0.2], "legacy_it": [0.5, 0.5]})
        launched(b, 3)
        gap = np.ptp(caught_up(b, 0.03, strength))
        rate = savings.harmonisation_rate(b.s.arrays, b.P, 0, b.s.month, lever_strengths(**lever))
        return gap, -rate
    if name == "neutral_cloud_platform":
        b = bench(columns={"legacy_it": [0.8, 0.4], "contract_end_month": [100, 0]})
        launched(b, 3)
        return (-savings.harmonisation_rate(b.s.arrays, b.P, 0, b.s.month, lever_strengths(**lever)),)
    if name == "communications_plan":
        b = bench(partnership={"rebrand_month": 0}, state={"maturity": 0.1})
        launched(b, 3)
        shock = evaluate(case07, b.s, b.P, month(b, lever=lever)).own["deficit"].sum()
        disruption = evaluate(coordination, b.s, b.P, month(b, lever=lever)).value.sum()
        quiet = bench(mechanisms=OFF)
        quiet.s.trust[:] = np.where(quiet.s.pairs, 0.5, 0.0)
        quiet.P.lever["enabled"][:, levers.COMMUNICATIONS_PLAN] = strength > 0
        quiet.P.lever["strength"][:, levers.COMMUNICATIONS_PLAN] = strength
        kernel.step(quiet.s, quiet.P, quiet.seed)
        return shock, disruption, -quiet.s.trust.sum()
    raise AssertionError(f"lever {name!r} has no measure of the harm it reduces: add a branch for it to harm() in tests/core/test_levers.py")


@pytest.mark.parametrize("name", levers.NAMES)
@pytest.mark.parametrize("strength", [0.5, 1.0])
def test_each_lever_reduces_the_harm_its_learning_targets(name, strength, bench, month, launched):
    off = harm(name, 0.0, bench, month, launched)
    on = harm(name, strength, bench, month, launched)
    for before, after in zip(off, on, strict=True):
        assert after < before


def test_a_lever_without_a_measure_of_its_harm_says_where_to_add_one(bench, month, launched):
    where = r"add a branch for it to harm\(\) in tests/core/test_levers.py"
    with pytest.raises(AssertionError, match=rf"lever 'new_lever' has no measure of the harm it reduces: {where}"):
        harm("new_lever", 1.0, bench, month, launched)


def test_communications_plan_speeds_trust_recovery_by_hand(bench):
    b = bench(mechanisms=OFF, dynamics={"trust_recovery": 0.03}, levers=lever_on("communications_plan", strength=1.0))
    b.s.trust[:] = np.where(b.s.pairs, 0.5, 0.0)
    kernel.step(b.s, b.P, b.seed)
    # 0.5 + 0.03 * (0.5 + 1.0) * (0.7 - 0.5), against 0.5 + 0.03 * (0.5 + 0.5) * 0.2 without the lever
    np.testing.assert_allclose(b.s.trust[0], [[0.0, 0.509], [0.509, 0.0]])


def test_a_lever_does_not_change_the_shocks(bench):
    """Common random numbers: with and without a lever, a partnership meets the same changes from outside (while both still run)."""
    exo = {"turnover_hazard": 0.05, "budget_shock_hazard": 0.05, "control_change_all_out": 0.5, "reorganisation_hazard": 0.01}
    outside = {event.what for event, _, _ in EXOGENOUS_EVENTS.values()}
    runs = []
    for on in (False, True):
        plan = lever_on("continuity_plan", strength=1.0) if on else {}
        b = bench(k=3, reps=8, exogenous=exo, levers=plan, partnership={"horizon_months": 36, "approval_months": 1})
        log: list[kernel.Event] = []
        s = kernel.run(b.P, b.s.reps, b.seed, log)
        runs.append((s, [(ev.rep, ev.month, ev.council, ev.what) for ev in log if ev.what in outside]))
    (without, shocks), (with_plan, same_shocks) = runs
    assert not np.array_equal(without.value_lost, with_plan.value_lost)
    both = np.minimum(without.partnership["end_month"], with_plan.partnership["end_month"])
    assert shocks
    assert sorted(e for e in shocks if e[1] <= both[e[0]]) == sorted(e for e in same_shocks if e[1] <= both[e[0]])


def test_inactive_partners_are_not_caught_up(bench, launched):
    b = bench(columns={"it_maturity": [0.9, 0.2]})
    launched(b, 3)
    b.s.active[:] = [[True, False]]
    b.s.pairs[:] = pair_mask(b.s.active)
    np.testing.assert_array_equal(caught_up(b, 0.03, 1.0), b.s.council["it_maturity"])
