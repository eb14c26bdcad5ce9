"""The savings model: ramp, the business case's plan, harmonisation rate, and each month's shortfall booked by cause.

The plan ramps the IT part and the rest separately, waits for accepted deeper sharing, and
allows for known legacy and lock-in.
"""

from __future__ import annotations

import numpy as np
import pytest
from conftest import OFF, Bench, lever_strengths

from sim.core import kernel, savings
from sim.core.layout import layout
from sim.core.state import COLLAPSED, EXPANSION, OPERATING, pair_mask

C = layout().cause_index
N_CAUSES = len(layout().causes)
#: The planned launch: the month after the first decision meeting (approval_months 9).
ON_TIME = 10


def ramp(n: int, months: float = 18.0) -> float:
    return 1 - (1 - 1 / months) ** n if n >= 0 else 0.0


def rate(b: Bench, month: int, **by_name: float) -> float:
    """Harmonisation rate of replication 0 in ``month`` with the given lever strengths."""
    return savings.harmonisation_rate(b.s.arrays, b.P, 0, month, lever_strengths(**by_name))


def test_the_ramp_by_hand():
    np.testing.assert_allclose([savings.ramp(n, 18.0) for n in (-1, 0, 1, 2)], [0, 0, 1 / 18, 1 - (17 / 18) ** 2])
    np.testing.assert_allclose([savings.ramp(n, 1.0) for n in (1, 5)], [1.0, 1.0])


def test_the_kernel_launches_on_the_planned_date(bench):
    b = bench(mechanisms=OFF)
    while b.s.partnership["launch_month"][0] < 0:
        kernel.step(b.s, b.P, b.seed)
    assert b.s.partnership["launch_month"][0] == ON_TIME


def test_the_plan_ramps_the_it_part_with_harmonisation_and_the_rest_with_integration(bench):
    b = bench(partnership={"promised_savings": 1.2, "it_share_of_savings": 0.4})
    assert savings.planned(b.s.arrays, b.P, 0, ON_TIME - 1) == 0.0
    for since in (0, 1, 5, 30):
        expected = 0.1 * (0.4 * ramp(since) + 0.6 * ramp(since, 18))
        assert savings.planned(b.s.arrays, b.P, 0, ON_TIME + since) == pytest.approx(expected)
    quick = bench(partnership={"integration_months": 6, "it_share_of_savings": 0.4})
    assert savings.other_share(quick.P, 0, 3, False) == pytest.approx(0.6 * ramp(3, 6))


def test_where_deeper_sharing_is_planned_the_rest_waits_for_an_accepted_deeper_stage(bench):
    b = bench(partnership={"promised_savings": 1.2, "deepening_month": 12})
    since = 20
    month = ON_TIME + since
    # not (yet) accepted: the plan counts on the IT part only
    assert savings.planned(b.s.arrays, b.P, 0, month) == pytest.approx(0.1 * 0.5 * ramp(since))
    assert savings.other_share(b.P, 0, since, False) == 0.0
    # accepted: the rest ramps from the deeper stage's month
    b.s.partnership["deepened"][0] = True
    assert savings.planned(b.s.arrays, b.P, 0, month) == pytest.approx(0.1 * (0.5 * ramp(since) + 0.5 * ramp(since - 12)))
    assert not savings.deepening_planned(b.s.arrays, b.P, 0, 11) and savings.deepening_planned(b.s.arrays, b.P, 0, 12)


def test_a_clear_business_case_allows_for_known_legacy_it_and_lock_in(bench):
    b = bench(columns={"legacy_it": [0.5, 0.5], "contract_end_month": [30, 30], "ict_skills": [1.0, 1.0]})
    # known drag: 1 - 0.4 x 0.5; the plan's harmonisation takes 18 / (1 - clarity x 0.2) months
    assert savings.known_drag(b.P, 0) == pytest.approx(0.8)
    assert savings.plan_months(b.P, 0) == pytest.approx(18 / 0.8)
    # councils locked in for 30 - 10 months after the planned launch: the IT part starts that much later
    assert savings.lock_months(b.P, 0) == pytest.approx(20)
    assert savings.it_planned(b.P, 0, 25) == pytest.approx(0.5 * ramp(5, 18 / 0.8))
    vague = bench(partnership={"business_case_clarity": 0.5}, columns={"legacy_it": [0.5, 0.5], "contract_end_month": [30, 30]})
    assert savings.plan_months(vague.P, 0) == pytest.approx(18 / 0.9)
    assert savings.it_planned(vague.P, 0, 25) == pytest.approx(0.5 * ramp(15, 18 / 0.9))
    blind = bench(partnership={"business_case_clarity": 0.0}, columns={"legacy_it": [0.5, 0.5], "contract_end_month": [30, 30]})
    assert savings.it_planned(blind.P, 0, 25) == pytest.approx(0.5 * ramp(25))


@pytest.mark.parametrize(
    ("columns", "lever", "month", "expected"),
    [
        ({"legacy_it": [0.5, 0.5]}, {}, 10, 0.8 / 18),
        ({"legacy_it": [1.0, 0.0], "size": [1.0, 3.0]}, {}, 10, (1 - 0.4 * 0.25) / 18),
        ({"ict_skills": [0.5, 0.5]}, {}, 10, (1 - 0.3 * 0.5) / 18),
        ({"service_quality": [0.5, 1.0]}, {}, 10, (1 - 0.3 * 0.5) / 18),
        ({"legacy_it": [0.5, 0.5]}, {"neutral_cloud_platform": 1.0}, 10, 0.9 / 18),
        ({"contract_end_month": [100, 100]}, {}, 10, 0.0),
        ({"contract_end_month": [100, 0]}, {}, 10, 0.5 / 18),
        ({"contract_end_month": [100, 100]}, {}, 100, 1 / 18),
        ({"contract_end_month": [100, 100], "legacy_it": [0.5, 0.5]}, {"neutral_cloud_platform": 1.0}, 10, 0.9 * 0.5 / 18),
        ({"legacy_it": [0.5, 0.5]}, {"it_harmonisation_first": 1.0}, 10, 2 * 0.8 / 18),
    ],
)
def test_harmonisation_rate_by_hand(bench, columns, lever, month, expected):
    b = bench(columns=columns)
    assert rate(b, month, **lever) == pytest.approx(expected)


def test_partners_who_left_weigh_nothing_in_the_rate(bench):
    b = bench(columns={"legacy_it": [1.0, 0.0]})
    b.s.active[:] = [[False, True]]
    assert rate(b, 10) == pytest.approx(1 / 18)


SINCE = 10


@pytest.fixture
def operating(bench):
    """Savings of GBP 1.2m a year, launched ``late`` months after the planned date, ten months ago; harmonisation at 0.3."""

    def make(late: int = 0, harmonisation: float = 0.3, **kwargs):
        partnership = {"promised_savings": 1.2, **kwargs.pop("partnership", {})}
        state = {"phase": OPERATING, "harmonisation": harmonisation, **kwargs.pop("state", {})}
        b = bench(partnership=partnership, state=state, **kwargs)
        b.s.partnership["launch_month"][:] = ON_TIME + late
        b.s.month = ON_TIME + late + SINCE
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
    index[0] = (C["case02_decision_slippage"], C["case06_scope_tension"], C["legacy_it"], C["unclear_business_case"], C["short_delivery"])
    plan, realised = savings.account(b.s.arrays, b.P, 0, b.s.month, taken, lost, index[0])
    return plan, realised, lost


IT_IDEAL = 0.5 * ramp(SINCE)
OTHER = 0.5 * ramp(SINCE)


def test_a_month_by_hand_every_pound_short_booked(operating):
    b = operating()
    plan, realised, lost = account(b, shares(case03_misaligned_aspirations=0.2, case07_premature_rebrand=0.5))
    potential = 0.1 * (0.5 * 0.3 + OTHER)
    kept = 0.8 * 0.5
    assert plan == pytest.approx(0.1 * (IT_IDEAL + OTHER))
    assert realised == pytest.approx(potential * kept)
    assert lost[C["legacy_it"]] == pytest.approx(0.1 * (IT_IDEAL - 0.15))
    # the mechanisms split what they took in proportion to their shares
    taken = potential * (1 - kept)
    assert lost[C["case03_misaligned_aspirations"]] == pytest.approx(taken * 0.2 / 0.7)
    assert lost[C["case07_premature_rebrand"]] == pytest.approx(taken * 0.5 / 0.7)
    assert plan - realised == pytest.approx(lost.sum())


def test_harmonisation_ahead_of_the_plan_is_realised_too(operating):
    b = operating(harmonisation=0.9)
    plan, realised, lost = account(b, shares())
    assert realised == pytest.approx(0.1 * (0.45 + OTHER)) and realised > plan
    assert not lost.any()


def test_a_late_approval_is_booked_to_case02(operating):
    b = operating(late=6, harmonisation=0.0)
    plan, _, lost = account(b, shares())
    # planned 16 months after the planned launch, launched 10 months ago: the difference is delay
    assert plan == pytest.approx(0.1 * (0.5 * ramp(16) + 0.5 * ramp(16)))
    assert lost[C["case02_decision_slippage"]] == pytest.approx(plan - 0.1 * (IT_IDEAL + OTHER))


def test_before_launch_the_whole_plan_is_delay(bench):
    b = bench(partnership={"promised_savings": 1.2}, state={"month": 15})
    plan, realised, lost = account(b, shares())
    assert plan == pytest.approx(0.1 * (0.5 * ramp(5) + 0.5 * ramp(5))) and realised == 0.0
    assert lost[C["case02_decision_slippage"]] == pytest.approx(plan) and lost.sum() == pytest.approx(plan)


@pytest.mark.parametrize(
    ("clarity", "delivery", "achievable", "optimism_part"),
    [(0.6, 1.0, 0.8, 1.0), (1.0, 0.7, 0.7, 0.0), (0.6, 0.9, 0.72, 2 / 3), (0.2, 1.1, 0.66, 1.0), (1.0, 1.2, 1.2, 0.0)],
)
def test_an_unclear_business_case_or_a_poor_delivery_promises_more_than_sharing_delivers(operating, clarity, delivery, achievable, optimism_part):
    # optimism 0.5 (1 - clarity) and a delivery shortfall max(1 - delivery, 0) split their joint loss in proportion
    b = operating(harmonisation=0.5 * ramp(SINCE) / 0.5, partnership={"business_case_clarity": clarity, "delivery": delivery})
    plan, realised, lost = account(b, shares())
    potential = 0.1 * (IT_IDEAL + OTHER)
    short = potential * max(1 - achievable, 0.0)
    assert realised == pytest.approx(potential * achievable)
    assert lost[C["unclear_business_case"]] == pytest.approx(short * optimism_part)
    assert lost[C["short_delivery"]] == pytest.approx(short * (1 - optimism_part))
    if achievable <= 1:
        assert plan - realised == pytest.approx(lost.sum())
    else:  # a delivery above the promise is realised; no negative shortfall is booked anywhere
        assert realised > plan and not lost.any()


def test_a_leaver_takes_its_size_share_booked_to_its_exit_cause(operating):
    b = operating(columns={"size": [1.0, 3.0]})
    b.s.active[:] = [[True, False]]
    b.s.pairs[:] = pair_mask(b.s.active)
    b.s.council["exit_cause"][0, 1] = C["case03_misaligned_aspirations"]
    plan, realised, lost = account(b, shares())
    base = 0.1 * (IT_IDEAL + OTHER)
    assert lost[C["case03_misaligned_aspirations"]] == pytest.approx(base * 0.75)
    assert lost[C["legacy_it"]] == pytest.approx(0.1 * (IT_IDEAL - 0.15) * 0.25)
    assert realised == pytest.approx(0.1 * (0.15 + OTHER) * 0.25)
    assert plan - realised == pytest.approx(lost.sum())


def test_a_halted_deeper_stage_is_booked_to_case06(operating):
    b = operating(partnership={"deepening_month": 5}, state={"deepened": True})
    b.s.partnership["scope"][:] = 0
    plan, realised, lost = account(b, shares())
    assert lost[C["case06_scope_tension"]] == pytest.approx(0.1 * 0.5 * ramp(SINCE - 5))
    assert plan - realised == pytest.approx(lost.sum())
    going = operating(partnership={"deepening_month": 5}, state={"deepened": True, "scope": 1, "phase": EXPANSION})
    assert account(going, shares())[2][C["case06_scope_tension"]] == 0.0
    proposed = operating(partnership={"deepening_month": 5})  # never accepted: nothing is missing from the plan
    assert account(proposed, shares())[2][C["case06_scope_tension"]] == 0.0


def test_nothing_is_booked_for_a_partnership_that_has_ended(operating):
    """The kernel books a month's savings for running partnerships only (``account`` assumes one)."""
    running, ended = operating(), operating()
    ended.s.partnership["outcome"][:] = COLLAPSED
    for b in (running, ended):
        kernel.step(b.s, b.P, b.seed)
    assert running.s.partnership["realised_savings"][0] > 0 and running.s.savings_lost.any()
    assert ended.s.partnership["realised_savings"][0] == 0 and ended.s.partnership["business_case"][0] == 0 and not ended.s.savings_lost.any()


def test_a_clear_business_case_for_an_estate_that_cannot_be_harmonised_plans_no_it_savings(bench):
    b = bench(dynamics={"skills_drag": 1.0}, columns={"ict_skills": [0.0, 0.0]})
    assert savings.known_drag(b.P, 0) == 0.0
    assert savings.it_planned(b.P, 0, 30) == 0.0
