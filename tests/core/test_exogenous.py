"""Exogenous change: elections on each council's cycle, chief executives, budget shocks, reorganisation."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pytest
from conftest import OFF, Bench

from sim import population
from sim.core import exogenous, kernel, levers
from sim.core.contract import Month, empty_effect
from sim.core.layout import layout
from sim.core.state import COLLAPSED, pair_mask

C = layout().cause_index
#: Exogenous cause labels in the order of :class:`sim.core.exogenous.Cause`.
CAUSES = [label for label, _ in exogenous.CAUSES.values()]

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
CALM = {name: 0.999 for name in exogenous.STREAM_NAMES}


def due_months(bench, cycle: str, first: int) -> list[int]:
    b = bench(columns={"election_cycle": [cycle, cycle], "first_election_month": [first, first]})
    return [m for m in range(120) if exogenous.election_due(b.P, 0, 0, m)]


def test_all_out_councils_elect_every_four_years(bench):
    assert due_months(bench, "all_out", 5) == [5, 53, 101]


def test_councils_electing_by_thirds_elect_three_years_in_four(bench):
    assert due_months(bench, "thirds", 5) == [5, 17, 29, 53, 65, 77, 101, 113]


class Exo(NamedTuple):
    """One month of exogenous change in replication 0, per council ``(K,)``: commitment lost by cause, councils hit, new shared state."""

    losses: dict[str, np.ndarray]
    changed: np.ndarray
    shared: dict[str, np.ndarray]


def step(b: Bench, draws: dict[str, np.ndarray] | None = None) -> Exo:
    """Exogenous change in replication 0 this month, on a copy of the state (``b.s`` is left as it was).

    ``draws`` maps streams to ``(K,)`` uniforms (0.999 unless given); no lever is in force.
    """
    n = b.s.active.shape[1]
    u = {**{name: np.full(n, value) for name, value in CALM.items()}, **(draws or {})}
    s = b.s.copy()
    changed = np.zeros(n, np.bool_)
    losses = np.zeros((len(exogenous.CAUSES), n))
    m = Month(0, b.s.month, np.stack([np.asarray(u[name], float) for name in exogenous.STREAM_NAMES]), np.zeros(len(levers.NAMES)), changed)
    exogenous.step(s.arrays, b.P, m, losses, empty_effect(n, len(exogenous.EVENTS)))
    shared = {"orientation": s.council["orientation"][0], "sovereignty": s.council["sovereignty"][0], "notice": s.council["notice"][0]}
    return Exo(dict(zip(CAUSES, losses, strict=True)), changed, shared)


def test_no_draw_below_a_hazard_means_no_change(bench):
    b = bench(exogenous=ALL_ON)
    losses, changed, shared = step(b)
    assert not changed.any()
    for loss in losses.values():
        np.testing.assert_array_equal(loss, 0.0)
    np.testing.assert_array_equal(shared["orientation"], b.s.council["orientation"][0])
    np.testing.assert_array_equal(shared["sovereignty"], b.s.council["sovereignty"][0])


def test_a_change_of_control_moves_aims_and_concern_and_costs_commitment(bench):
    b = bench(exogenous=ALL_ON, columns={"orientation": [0.2, 0.2], "sovereignty_concern": [0.4, 0.4], "election_cycle": ["all_out", "thirds"]})
    draws = {"exo.election": np.array([0.3, 0.3]), "exo.new_orientation": np.full(2, 0.8), "exo.new_concern": np.full(2, 0.5)}
    losses, changed, shared = step(b, draws)
    # council 0 (all out, chance 0.5) flips; council 1 (by thirds, chance 0.2) does not
    np.testing.assert_array_equal(changed, [True, False])
    np.testing.assert_allclose(shared["orientation"], [0.5, 0.2])
    np.testing.assert_allclose(shared["sovereignty"], [0.4 + 0.5 * 0.5 * 0.6, 0.4])
    np.testing.assert_allclose(losses["election"], [0.2 * (0.5 + 0.55), 0.0])


def test_a_new_chief_executive_is_announced_then_arrives(bench):
    b = bench(exogenous=ALL_ON)
    losses, changed, shared = step(b, {"exo.turnover": np.array([0.05, 0.5])})
    np.testing.assert_array_equal(shared["notice"], [3, 0])
    assert not changed.any() and not losses["leadership_turnover"].any()
    b.s.council["notice"][0] = shared["notice"]
    for expected in ([2, 0], [1, 0]):
        _, changed, shared = step(b, {"exo.turnover": np.array([0.0, 0.5])})
        np.testing.assert_array_equal(shared["notice"], expected)
        b.s.council["notice"][0] = shared["notice"]
    losses, changed, shared = step(b)
    np.testing.assert_array_equal(changed, [True, False])
    np.testing.assert_allclose(losses["leadership_turnover"], [0.05, 0.0])
    np.testing.assert_array_equal(shared["notice"], [0, 0])


def test_a_budget_shock_hurts_more_when_savings_lag(bench):
    b = bench(exogenous=ALL_ON)
    b.s.partnership["business_case"][:], b.s.partnership["realised_savings"][:] = 1.0, 0.25
    losses, changed, _ = step(b, {"exo.budget": np.array([0.05, 0.5])})
    np.testing.assert_array_equal(changed, [True, False])
    np.testing.assert_allclose(losses["budget_shock"], [0.06 * (0.5 + 0.75), 0.0])


def test_a_reorganisation_hits_every_council_at_once(bench):
    b = bench(k=3, exogenous=ALL_ON)
    losses, changed, _ = step(b, {"exo.reorganisation": np.array([0.005, 0.9, 0.9])})
    assert changed.all()
    np.testing.assert_allclose(losses["reorganisation"], 0.3)


def test_departed_councils_and_ended_partnerships_are_untouched(bench):
    b = bench(exogenous=ALL_ON)
    b.s.active[:] = [[True, False]]
    b.s.pairs[:] = pair_mask(b.s.active)
    b.s.council["notice"][:] = [[0, 2]]
    zero = {k: np.zeros(2) for k in exogenous.STREAM_NAMES}
    losses, changed, shared = step(b, zero)
    np.testing.assert_array_equal(changed, [True, False])
    assert not any(loss[1] for loss in losses.values())
    assert shared["notice"][1] == 0 and shared["orientation"][1] == b.s.council["orientation"][0, 1]
    # the kernel leaves an ended partnership alone (exogenous.step assumes a running one): every hazard certain
    certain = {**ALL_ON, "control_change_all_out": 1.0, "turnover_hazard": 1.0, "budget_shock_hazard": 1.0, "reorganisation_hazard": 1.0}
    running, ended = bench(exogenous=certain), bench(exogenous=certain)
    ended.s.partnership["outcome"][:] = COLLAPSED
    for e in (running, ended):
        kernel.step(e.s, e.P, e.seed)
    assert all(running.s.commitment_lost[C[cause]].all() for cause in ("election", "budget_shock", "reorganisation"))
    assert running.s.council["notice"].all()
    assert not ended.s.commitment_lost.any() and not ended.s.council["notice"].any()
    np.testing.assert_array_equal(ended.s.council["orientation"], ended.P.council["orientation"])
    np.testing.assert_array_equal(ended.s.council["sovereignty"], ended.P.council["sovereignty_concern"])


@pytest.mark.parametrize("cause", sorted(CAUSES))
def test_each_kind_of_change_is_booked_to_its_own_cause(bench, cause):
    on = {
        "election": {"control_change_all_out": 1.0, "control_change_shock": 0.2},
        "leadership_turnover": {"turnover_hazard": 1.0, "turnover_notice_months": 1, "turnover_shock": 0.05},
        "budget_shock": {"budget_shock_hazard": 1.0, "budget_shock_size": 0.06},
        "reorganisation": {"reorganisation_hazard": 1.0, "reorganisation_shock": 0.1},
    }[cause]
    b = bench(exogenous=on, mechanisms=OFF, dynamics={"disappointment": 0.0}, partnership={"horizon_months": 12})
    s = kernel.run(b.P, b.s.reps, b.seed)
    lost = s.commitment_lost.sum(axis=(1, 2))
    assert lost[C[cause]] > 0
    assert lost.sum() == pytest.approx(lost[C[cause]])


def test_no_exogenous_change_leaves_case03_commitment_untouched(config):
    """Misaligned partners lose savings but no commitment (disappointment at the savings off)."""
    dynamics = {"disappointment": 0.0}
    cfg = config(k=3, columns={"orientation": [0.0, 0.5, 1.0]}, partnership={"approval_months": 1, "horizon_months": 36}, dynamics=dynamics)
    reps = np.arange(4)
    s = kernel.run(population.build(cfg, 0, reps), reps, 0)
    c = C["case03_misaligned_aspirations"]
    assert not s.commitment_lost[c].any()
    assert s.savings_lost[c].sum() > 0
