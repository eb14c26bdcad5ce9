"""The savings model: ramp, scope, harmonisation rate, and each month's shortfall booked by cause."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import OFF, Bench, lever_strengths

from sim.core import kernel, savings
from sim.core.layout import layout
from sim.core.state import COLLAPSED, EXPANSION, OPERATING, pair_mask

C = layout().cause_index
N_CAUSES = len(layout().causes)


def rate(b: Bench, month: int, **by_name: float) -> float:
    """Harmonisation rate of replication 0 in ``month`` with the given lever strengths."""
    return savings.harmonisation_rate(b.s.arrays, b.P, 0, month, lever_strengths(**by_name))


def test_the_ramp_by_hand():
    np.testing.assert_allclose([savings.ramp(n, 18.0) for n in (-1, 0, 1, 2)], [0, 0, 1 / 18, 1 - (17 / 18) ** 2])
    np.testing.assert_allclose([savings.ramp(n, 1.0) for n in (1, 5)], [1.0, 1.0])


def test_scope_gives_the_it_share_until_sharing_deepens(bench):
    b = bench(partnership={"expansion_month": 12, "it_share_of_savings": 0.4})
    assert savings.scope_factor(b.P, 0, 5, False) == 0.4
    assert savings.scope_factor(b.P, 0, 5, True) == 1.0
    assert savings.scope_factor(b.P, 0, -1, False) == 0.0
    flat = bench(partnership={"expansion_month": -1, "it_share_of_savings": 0.4})
    assert savings.scope_factor(flat.P, 0, 5, False) == 1.0


@pytest.fixture
def on_time(bench) -> int:
    """``launch_month`` of a proposal approved on its planned date (month 9), as the kernel sets it."""
    b = bench(mechanisms=OFF)
    while b.s.partnership["launch_month"][0] < 0:
        kernel.step(b.s, b.P, b.seed)
    return int(b.s.partnership["launch_month"][0])


def test_the_plan_assumes_approval_on_time_and_deeper_sharing_when_planned(bench, on_time):
    b = bench(partnership={"promised_savings": 1.2, "expansion_month": 3, "it_share_of_savings": 0.5}, dynamics={"harmonisation_months": 18})
    assert savings.planned(b.P, 0, on_time - 1) == 0.0
    assert savings.planned(b.P, 0, on_time + 1) == pytest.approx(0.1 * (1 / 18) * 0.5)
    assert savings.planned(b.P, 0, on_time + 3) == pytest.approx(0.1 * (1 - (17 / 18) ** 3) * 1.0)


@pytest.mark.parametrize(
    ("columns", "lever", "month", "expected"),
    [
        ({"legacy_it": [0.5, 0.5]}, {}, 10, 0.8 / 18),
        ({"legacy_it": [1.0, 0.0], "size": [1.0, 3.0]}, {}, 10, (1 - 0.4 * 0.25) / 18),
        ({"ict_skills": [0.5, 0.5]}, {}, 10, (1 - 0.3 * 0.5) / 18),
        ({"legacy_it": [0.5, 0.5]}, {"neutral_cloud_platform": 1.0}, 10, 0.9 / 18),
        ({"contract_end_month": [100, 100]}, {}, 10, 0.0),
        ({"contract_end_month": [100, 0]}, {}, 10, 0.5 / 18),
        ({"contract_end_month": [100, 100]}, {}, 100, 1 / 18),
        ({"contract_end_month": [100, 100], "legacy_it": [0.5, 0.5]}, {"neutral_cloud_platform": 1.0}, 10, 0.9 * 0.5 / 18),
        ({"legacy_it": [0.5, 0.5]}, {"it_harmonisation_first": 1.0}, 10, 2 * 0.8 / 18),
    ],
)
def test_harmonisation_rate_by_hand(bench, columns, lever, month, expected):
    b = bench(columns=columns, dynamics={"harmonisation_months": 18, "legacy_drag": 0.4, "skills_drag": 0.3})
    assert rate(b, month, **lever) == pytest.approx(expected)


def test_partners_who_left_weigh_nothing_in_the_rate(bench):
    b = bench(columns={"legacy_it": [1.0, 0.0]}, dynamics={"harmonisation_months": 18, "legacy_drag": 0.4})
    b.s.active[:] = [[False, True]]
    assert rate(b, 10) == pytest.approx(1 / 18)


SINCE = 10


@pytest.fixture
def operating(bench, on_time):
    """Savings of GBP 1.2m a year, approved on time ten months ago, harmonisation at 0.3."""

    def make(late: int = 0, **kwargs):
        partnership = {"promised_savings": 1.2, "expansion_month": -1, "business_case_clarity": 1.0, **kwargs.pop("partnership", {})}
        b = bench(partnership=partnership, dynamics={"harmonisation_months": 18, "optimism_bias": 0.5}, state={"harmonisation": 0.3}, **kwargs)
        b.s.partnership["launch_month"][:] = on_time + late
        b.s.month = on_time + late + SINCE
        b.s.partnership["phase"][:] = OPERATING
        return b

    return make


def shares(**by_cause: float) -> np.ndarray:
    """``(C,)`` share of potential savings each cause takes (0 unless given)."""
    out = np.zeros(N_CAUSES)
    for label, value in by_cause.items():
        out[C[label]] = value
    return out


def account(b: Bench, taken: np.ndarray) -> tuple[float, float, np.ndarray]:
    """Planned and realised savings of replication 0 this month, and the ``(C,)`` savings lost by cause."""
    lost = np.zeros(N_CAUSES)
    index = np.zeros(1, savings.CAUSE_INDEX)
    index[0] = (C["case02_decision_slippage"], C["case06_scope_tension"], C["legacy_it"], C["unclear_business_case"])
    plan, realised = savings.account(b.s.arrays, b.P, 0, b.s.month, taken, lost, index[0])
    return plan, realised, lost


def test_a_month_by_hand_every_pound_short_booked(operating):
    b = operating()
    plan, realised, lost = account(b, shares(case03_misaligned_aspirations=0.2, case07_premature_rebrand=0.5))
    ideal = 1 - (17 / 18) ** 10
    potential = 0.1 * 0.3
    kept = 0.8 * 0.5
    assert plan == pytest.approx(0.1 * ideal)
    assert realised == pytest.approx(potential * kept)
    assert lost[C["legacy_it"]] == pytest.approx(0.1 * ideal - potential)
    # the mechanisms split what they took in proportion to their shares
    taken = potential * (1 - kept)
    assert lost[C["case03_misaligned_aspirations"]] == pytest.approx(taken * 0.2 / 0.7)
    assert lost[C["case07_premature_rebrand"]] == pytest.approx(taken * 0.5 / 0.7)
    assert plan - realised == pytest.approx(lost.sum())


def test_a_late_approval_is_booked_to_case02(operating):
    b = operating(late=6)
    plan, _, lost = account(b, shares())
    # planned 16 months after approval, launched 10: the difference is delay
    assert lost[C["case02_decision_slippage"]] == pytest.approx(0.1 * ((1 - (17 / 18) ** 16) - (1 - (17 / 18) ** 10)))
    assert plan == pytest.approx(0.1 * (1 - (17 / 18) ** 16))


def test_an_unclear_business_case_promises_more_than_sharing_delivers(operating):
    b = operating(partnership={"business_case_clarity": 0.6})
    _, realised, lost = account(b, shares())
    assert lost[C["unclear_business_case"]] == pytest.approx(0.03 * 0.5 * 0.4)
    assert realised == pytest.approx(0.03 * (1 - 0.2))


def test_a_leaver_takes_its_size_share_booked_to_its_exit_cause(operating):
    b = operating(columns={"size": [1.0, 3.0]})
    b.s.active[:] = [[True, False]]
    b.s.pairs[:] = pair_mask(b.s.active)
    b.s.council["exit_cause"][0, 1] = C["case03_misaligned_aspirations"]
    plan, realised, lost = account(b, shares())
    base = 0.1 * (1 - (17 / 18) ** 10)
    assert lost[C["case03_misaligned_aspirations"]] == pytest.approx(base * 0.75)
    assert realised == pytest.approx(0.1 * 0.3 * 0.25)
    assert plan - realised == pytest.approx(lost.sum())


def test_a_halted_deeper_stage_is_booked_to_case06(operating):
    b = operating(partnership={"expansion_month": 5, "it_share_of_savings": 0.5})
    b.s.partnership["phase"][:] = EXPANSION
    _, _, lost = account(b, shares())
    assert lost[C["case06_scope_tension"]] == pytest.approx(0.1 * (1 - (17 / 18) ** 10) * 0.5)


def test_nothing_is_booked_for_a_partnership_that_has_ended(operating):
    """The kernel books a month's savings for running partnerships only (``account`` assumes one)."""
    running, ended = operating(), operating()
    ended.s.partnership["outcome"][:] = COLLAPSED
    for b in (running, ended):
        kernel.step(b.s, b.P, b.seed)
    assert running.s.partnership["realised_savings"][0] > 0 and running.s.savings_lost.any()
    assert ended.s.partnership["realised_savings"][0] == 0 and ended.s.partnership["business_case"][0] == 0 and not ended.s.savings_lost.any()
