"""Exogenous change: elections on each council's cycle, chief executives, budget shocks, reorganisation."""

from __future__ import annotations

import numpy as np
import pytest

from sim import causes, exogenous, kernel, population
from sim.mechanisms.base import pair_mask
from sim.state import COLLAPSED

ALL_ON = {
    "control_change_all_out": 0.5,
    "control_change_thirds": 0.2,
    "control_change_swing": 0.5,
    "control_change_concern": 0.5,
    "control_change_shock": 0.2,
    "turnover_hazard": 0.1,
    "turnover_notice_months": 3,
    "turnover_shock": 0.05,
    "budget_shock_hazard": 0.1,
    "budget_shock_size": 0.06,
    "reorganisation_hazard": 0.01,
    "reorganisation_shock": 0.3,
}
CALM = {name: 0.999 for name in exogenous.STREAMS}


def due_months(bench, cycle: str, first: int) -> list[int]:
    b = bench(columns={"election_cycle": [cycle, cycle], "first_election_month": [first, first]})
    return [m for m in range(120) if exogenous.election_due(b.P, m)[0, 0]]


def test_all_out_councils_elect_every_four_years(bench):
    assert due_months(bench, "all_out", 5) == [5, 53, 101]


def test_councils_electing_by_thirds_elect_three_years_in_four(bench):
    assert due_months(bench, "thirds", 5) == [5, 17, 29, 53, 65, 77, 101, 113]


def step(b, draws=None):
    return exogenous.step(b.s, b.P, b.s.month, {**{k: np.full(b.s.active.shape, v) for k, v in CALM.items()}, **(draws or {})})


def test_no_draw_below_a_hazard_means_no_change(bench):
    b = bench(exogenous=ALL_ON)
    effects, changed, shared = step(b)
    assert not changed.any()
    for effect in effects.values():
        np.testing.assert_array_equal(effect.commitment, 0.0)
    np.testing.assert_array_equal(shared["orientation"], b.s.orientation)
    np.testing.assert_array_equal(shared["sovereignty"], b.s.sovereignty)


def test_a_change_of_control_moves_aims_and_concern_and_costs_commitment(bench):
    b = bench(exogenous=ALL_ON, columns={"orientation": [0.2, 0.2], "sovereignty_concern": [0.4, 0.4], "election_cycle": ["all_out", "thirds"]})
    draws = {"exo.election": np.array([[0.3, 0.3]]), "exo.new_orientation": np.full((1, 2), 0.8), "exo.new_concern": np.full((1, 2), 0.5)}
    effects, changed, shared = step(b, draws)
    # council 0 (all out, chance 0.5) flips; council 1 (by thirds, chance 0.2) does not
    np.testing.assert_array_equal(changed, [[True, False]])
    np.testing.assert_allclose(shared["orientation"], [[0.5, 0.2]])
    np.testing.assert_allclose(shared["sovereignty"], [[0.4 + 0.5 * 0.5 * 0.6, 0.4]])
    np.testing.assert_allclose(effects["election"].commitment, [[0.2 * (0.5 + 0.55), 0.0]])


def test_a_new_chief_executive_is_announced_then_arrives(bench):
    b = bench(exogenous=ALL_ON)
    effects, changed, shared = step(b, {"exo.turnover": np.array([[0.05, 0.5]])})
    np.testing.assert_array_equal(shared["notice"], [[3, 0]])
    assert not changed.any() and not effects["leadership_turnover"].commitment.any()
    b.s.notice = shared["notice"]
    for expected in ([[2, 0]], [[1, 0]]):
        _, changed, shared = step(b, {"exo.turnover": np.array([[0.0, 0.5]])})
        np.testing.assert_array_equal(shared["notice"], expected)
        b.s.notice = shared["notice"]
    effects, changed, shared = step(b)
    np.testing.assert_array_equal(changed, [[True, False]])
    np.testing.assert_allclose(effects["leadership_turnover"].commitment, [[0.05, 0.0]])
    np.testing.assert_array_equal(shared["notice"], [[0, 0]])


def test_a_budget_shock_hurts_more_when_savings_lag(bench):
    b = bench(exogenous=ALL_ON)
    b.s.business_case[:], b.s.realised_savings[:] = 1.0, 0.25
    effects, changed, _ = step(b, {"exo.budget": np.array([[0.05, 0.5]])})
    np.testing.assert_array_equal(changed, [[True, False]])
    np.testing.assert_allclose(effects["budget_shock"].commitment, [[0.06 * (0.5 + 0.75), 0.0]])


def test_a_reorganisation_hits_every_council_at_once(bench):
    b = bench(k=3, exogenous=ALL_ON)
    effects, changed, _ = step(b, {"exo.reorganisation": np.array([[0.005, 0.9, 0.9]])})
    assert changed.all()
    np.testing.assert_allclose(effects["reorganisation"].commitment, 0.3)


def test_departed_councils_and_ended_partnerships_are_untouched(bench):
    b = bench(exogenous=ALL_ON)
    b.s.active[:] = [[True, False]]
    b.s.pairs = pair_mask(b.s.active)
    zero = {k: np.zeros((1, 2)) for k in exogenous.STREAMS}
    effects, changed, _ = step(b, zero)
    np.testing.assert_array_equal(changed, [[True, False]])
    b.s.outcome[:] = COLLAPSED
    effects, changed, _ = step(b, zero)
    assert not changed.any()
    assert all(not e.commitment.any() for e in effects.values())


@pytest.mark.parametrize("cause", sorted(exogenous.CAUSES))
def test_each_kind_of_change_is_booked_to_its_own_cause(bench, cause):
    on = {
        "election": {"control_change_all_out": 1.0, "control_change_shock": 0.2},
        "leadership_turnover": {"turnover_hazard": 1.0, "turnover_notice_months": 1, "turnover_shock": 0.05},
        "budget_shock": {"budget_shock_hazard": 1.0, "budget_shock_size": 0.06},
        "reorganisation": {"reorganisation_hazard": 1.0, "reorganisation_shock": 0.1},
    }[cause]
    off = {name: {"enabled": False} for name in ("case01", "case02", "case03", "case04", "case05", "case06", "case07")}
    b = bench(exogenous=on, mechanisms=off, dynamics={"disappointment": 0.0}, partnership={"horizon_months": 12})
    s = kernel.run(b.P, b.s.reps, b.seed)
    lost = s.commitment_lost.sum(axis=(1, 2))
    assert lost[causes.INDEX[cause]] > 0
    assert lost.sum() == pytest.approx(lost[causes.INDEX[cause]])


def test_no_exogenous_change_leaves_case03_commitment_untouched(config):
    """Misaligned partners lose savings but no commitment (disappointment at the savings off)."""
    dynamics = {"disappointment": 0.0}
    cfg = config(k=3, columns={"orientation": [0.0, 0.5, 1.0]}, partnership={"approval_months": 1, "horizon_months": 36}, dynamics=dynamics)
    reps = np.arange(4)
    s = kernel.run(population.build(cfg, 0, reps), reps, 0)
    c = causes.INDEX["case03_misaligned_aspirations"]
    assert not s.commitment_lost[c].any()
    assert s.savings_lost[c].sum() > 0
