"""The month's order: losses booked by cause, recovery, exits, endings and their causes, outcomes."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import OFF, assert_same_state

from sim import population
from sim.config.scenarios import load
from sim.core import causes, jit, kernel
from sim.core.layout import layout
from sim.core.state import COLLAPSED, ENDED, OPERATING, OUTCOMES, RUNNING, SHELVED, SUSTAINED, UNDERPERFORMING, pair_mask
from sim.frontends.compiling import compiled_code_cached

DYNAMICS = {
    "commitment_recovery": 0.1,
    "resting_base": 0.4,
    "resting_trust": 0.6,
    "trust_recovery": 0.03,
    "trust_to_commitment": 0.5,
    "disappointment": 0.0,
    "cost_resharing": 0.2,
}
C = layout().cause_index
LABELS = [c.label for c in layout().causes]
OUTRIGHT = {C["case02_decision_slippage"], C["case05_commercial_venture"]}


def only(name: str | None = None, **params) -> dict:
    """Mechanism settings: all off except ``name`` (with ``params``)."""
    return {**OFF, **({name: {"enabled": True, **params}} if name else {})}


def dominant(loss: np.ndarray) -> int:
    """Largest cause of a ``(C,)`` loss vector, or NONE if nothing was lost."""
    return int(loss.argmax()) if loss.max() > 0 else causes.NONE


def test_trust_a_departing_champion_takes_is_booked_as_commitment_to_case01(bench):
    b = bench(mechanisms=only("case01", leave_hazard=1.0), dynamics=DYNAMICS)
    kernel.step(b.s, b.P, b.seed)
    # each side's trust drops 0.3 * 0.5 twice (both champions leave): 0.3; commitment lost 0.5 * 0.3
    np.testing.assert_allclose(b.s.commitment_lost[C["case01_key_person"]], [[0.15, 0.15]])
    assert b.s.commitment_lost.sum() == pytest.approx(0.3)
    np.testing.assert_allclose(b.s.trust[0], [[0.0, 0.4], [0.4, 0.0]])
    # recovery towards 0.4 + 0.6 * 0.4 = 0.64 from 0.6 is not a loss
    np.testing.assert_allclose(b.s.council["commitment"], [[0.604, 0.604]])


def test_losses_above_the_commitment_left_are_scaled_to_it_and_shared_by_cause(bench):
    exo = {"reorganisation_hazard": 1.0, "reorganisation_shock": 0.4, "budget_shock_hazard": 1.0, "budget_shock_size": 0.2}
    b = bench(mechanisms=only(), dynamics=DYNAMICS, exogenous=exo, partnership={"initial_commitment": 0.3})
    kernel.step(b.s, b.P, b.seed)
    # reorganisation 0.4 and budget shock 0.2 * 0.5 = 0.1 scaled by 0.3 / 0.5
    np.testing.assert_allclose(b.s.commitment_lost[C["reorganisation"]], [[0.24, 0.24]])
    np.testing.assert_allclose(b.s.commitment_lost[C["budget_shock"]], [[0.06, 0.06]])
    # nothing left, then recovery towards 0.4 + 0.6 * 0.7: 0.1 * 0.82
    np.testing.assert_allclose(b.s.council["commitment"], [[0.082, 0.082]])
    # both leave in month 1; the proposal is shelved, booked to what did most damage
    np.testing.assert_array_equal(b.s.council["exit_month"], [[1, 1]])
    np.testing.assert_array_equal(b.s.council["exit_cause"], [[C["reorganisation"]] * 2])
    p = b.s.partnership[0]
    assert (p["outcome"], p["end_month"], p["end_cause"], p["phase"]) == (SHELVED, 1, C["reorganisation"], ENDED)


@pytest.fixture
def leaving(bench):
    """Four councils, operating; council 3 left earlier over case 07; councils 0 and 1 are about to leave."""
    b = bench(k=4, mechanisms=only(), dynamics=DYNAMICS, partnership={"min_partners": 2, "promised_savings": 0.0})
    s = b.s
    s.partnership["phase"][:], s.partnership["launch_month"][:], s.month = OPERATING, 0, 30
    s.active[:] = [[True, True, True, False]]
    s.pairs[:] = pair_mask(s.active)
    s.council["exit_month"][0, 3], s.council["exit_cause"][0, 3] = 10, C["case07_premature_rebrand"]
    s.council["commitment"][:] = [[0.1, 0.1, 0.75, 0.0]]
    s.commitment_lost[C["case07_premature_rebrand"], 0, 3] = 0.9
    s.commitment_lost[C["case01_key_person"], 0, :2] = 0.2
    s.commitment_lost[C["case03_misaligned_aspirations"], 0, 1] = 0.35
    return b


def test_a_collapse_is_booked_to_what_did_most_damage_to_the_councils_whose_exit_ended_it(leaving):
    s = leaving.s
    kernel.step(s, leaving.P, leaving.seed)
    # council 0 leaves over case 01 (0.2), council 1 over case 03 (0.35 > 0.2); together case 01 did
    # most damage (0.4 > 0.35); council 3's earlier exit (case 07, 0.9) does not count
    np.testing.assert_array_equal(
        s.council["exit_cause"], [[C["case01_key_person"], C["case03_misaligned_aspirations"], causes.NONE, C["case07_premature_rebrand"]]]
    )
    np.testing.assert_array_equal(s.council["exit_month"], [[31, 31, -1, 10]])
    assert (s.partnership["outcome"][0], s.partnership["end_month"][0], s.partnership["end_cause"][0]) == (COLLAPSED, 31, C["case01_key_person"])


def test_the_partners_who_stay_pay_for_a_leaver_booked_to_its_exit_cause(leaving):
    s = leaving.s
    s.council["commitment"][0, 1] = 0.75
    kernel.step(s, leaving.P, leaving.seed)
    assert s.partnership["outcome"][0] == RUNNING
    # council 0 (size 1 of 3 still in) leaves over case 01: each partner who stays loses 0.2 / 3
    np.testing.assert_allclose(s.commitment_lost[C["case01_key_person"], 0, 1:3], [0.2 + 0.2 / 3, 0.2 / 3])
    np.testing.assert_allclose(s.council["commitment"][0, 1:3], 0.75 + 0.1 * (0.4 + 0.6 * 0.7 - 0.75) - 0.2 / 3)


def test_an_outright_end_is_booked_to_the_mechanism_that_ended_it(bench):
    venture = {"governance": "commercial_venture", "guaranteed_volume": 0.0, "market_volume": 0.0, "break_even_months": 3}
    b = bench(mechanisms=only("case05"), dynamics=DYNAMICS, partnership={**venture, "approval_months": 1, "horizon_months": 24})
    s = kernel.run(b.P, b.s.reps, b.seed)
    # approved in month 2, below break-even from the next month on, insolvent after 3 months
    assert (s.partnership["outcome"][0], s.partnership["end_cause"][0], s.partnership["end_month"][0]) == (COLLAPSED, C["case05_commercial_venture"], 5)
    assert s.active.all()


def test_too_many_slips_shelve_the_proposal_booked_to_case02(bench):
    b = bench(mechanisms=only("case02", refusal=1.0, fatigue=0.0, max_slips=3), partnership={"decision_clarity": 0.0, "approval_months": 2})
    s = kernel.run(b.P, b.s.reps, b.seed)
    # decisions at months 2, 5 and 8 (3-month iterations) all slip
    assert (s.partnership["outcome"][0], s.partnership["end_cause"][0], s.partnership["end_month"][0]) == (SHELVED, C["case02_decision_slippage"], 9)
    assert s.partnership["launch_month"][0] == -1


def test_a_proposal_still_undecided_at_the_horizon_is_shelved_by_delay(bench):
    b = bench(mechanisms=only("case02", refusal=1.0, fatigue=0.0, max_slips=100), partnership={"decision_clarity": 0.0, "horizon_months": 12})
    s = kernel.run(b.P, b.s.reps, b.seed)
    assert (s.partnership["outcome"][0], s.partnership["end_cause"][0], s.partnership["end_month"][0], s.partnership["phase"][0]) == (
        SHELVED,
        C["case02_decision_slippage"],
        12,
        ENDED,
    )


@pytest.mark.parametrize(("ratio", "outcome"), [(0.0, SUSTAINED), (1.0, UNDERPERFORMING)])
def test_survivors_are_classed_by_realised_savings_against_the_business_case(bench, ratio, outcome):
    dyn = {**DYNAMICS, "underperformance_ratio": ratio}
    b = bench(mechanisms=only(), dynamics=dyn, partnership={"approval_months": 1, "horizon_months": 36})
    s = kernel.run(b.P, b.s.reps, b.seed)
    assert s.partnership["outcome"][0] == outcome and s.partnership["end_month"][0] == 36
    assert 0 < s.partnership["realised_savings"][0] < s.partnership["business_case"][0]
    # an underperformer's cause is what took most savings: here harmonisation lagging the plan
    expected = C["legacy_it"] if outcome == UNDERPERFORMING else causes.NONE
    assert s.partnership["end_cause"][0] == expected


def test_ended_stays_ended(bench):
    exo = {"reorganisation_hazard": 1.0, "reorganisation_shock": 0.5}
    b = bench(mechanisms=only("case01", leave_hazard=1.0), exogenous=exo)
    s = b.s
    kernel.step(s, b.P, b.seed)
    assert s.partnership["outcome"][0] == SHELVED
    before = s.copy()
    for _ in range(5):
        kernel.step(s, b.P, b.seed)
    assert_same_state(s, before)


@pytest.fixture(scope="module")
def baseline_run():
    """Two hundred baseline partnerships over five years."""
    cfg = load("baseline", "none", ["partnership.horizon_months=60"])
    reps = np.arange(200)
    P = population.build(cfg, 1, reps)
    log: list[kernel.Event] = []
    return cfg, P, kernel.run(P, reps, 1, log), log


def test_every_replication_ends_with_an_outcome_from_the_fixed_list(baseline_run):
    _, _, s, _ = baseline_run
    assert set(np.unique(s.partnership["outcome"])) <= {SHELVED, COLLAPSED, UNDERPERFORMING, SUSTAINED}
    assert np.all(s.partnership["phase"] == ENDED) and np.all((s.partnership["end_month"] >= 1) & (s.partnership["end_month"] <= 60))
    assert set(np.unique(s.partnership["end_cause"])) <= set(range(len(LABELS))) | {causes.NONE}
    assert np.all((s.partnership["outcome"] == SUSTAINED) == (s.partnership["end_cause"] == causes.NONE))
    assert len({SHELVED, COLLAPSED, UNDERPERFORMING, SUSTAINED} & set(np.unique(s.partnership["outcome"]))) >= 3
    assert OUTCOMES[SHELVED] == "shelved" and OUTCOMES[COLLAPSED] == "collapsed"


def test_shelving_only_before_launch_and_collapse_only_after(baseline_run):
    _, _, s, _ = baseline_run
    assert np.all(s.partnership["launch_month"][s.partnership["outcome"] == SHELVED] == -1)
    assert np.all(s.partnership["launch_month"][np.isin(s.partnership["outcome"], [COLLAPSED, UNDERPERFORMING, SUSTAINED])] >= 0)
    assert np.all(s.partnership["launch_month"] <= s.partnership["end_month"])


def test_exit_months_and_causes_are_recorded(baseline_run):
    _, _, s, _ = baseline_run
    gone = ~s.active
    assert gone.any()
    np.testing.assert_array_equal(s.council["exit_month"] == -1, s.active)
    assert np.all(s.council["exit_month"][gone] >= 1)
    assert np.all(s.council["exit_month"] <= s.partnership["end_month"][:, None])
    for r, k in zip(*np.nonzero(gone), strict=True):
        assert s.council["exit_cause"][r, k] == dominant(s.commitment_lost[:, r, k])
    assert np.all(s.council["exit_cause"][s.active] == causes.NONE)


def test_collapse_causes_follow_the_rule(baseline_run):
    _, P, s, _ = baseline_run
    ended = np.isin(s.partnership["outcome"], [SHELVED, COLLAPSED]) & (s.partnership["end_month"] < 60)
    assert ended.any()
    for r in np.nonzero(ended)[0]:
        too_few = s.active[r].sum() < P.partnership["min_partners"][r]
        if not too_few:
            assert s.partnership["end_cause"][r] in OUTRIGHT
            continue
        last = s.council["exit_month"][r] == s.partnership["end_month"][r]
        by_exits = dominant(s.commitment_lost[:, r, last].sum(axis=1))
        assert s.partnership["end_cause"][r] == by_exits or s.partnership["end_cause"][r] in OUTRIGHT


def test_without_recovery_commitment_lost_equals_commitment_booked(bench):
    exo = {"reorganisation_hazard": 0.05, "budget_shock_hazard": 0.1, "turnover_hazard": 0.05, "control_change_all_out": 0.5}
    mech = {"case01": {"leave_hazard": 0.1}, "case03": {"change_sensitivity": 1.0}}
    b = bench(
        k=3,
        reps=16,
        exogenous=exo,
        mechanisms=mech,
        dynamics={**DYNAMICS, "commitment_recovery": 0.0, "disappointment": 0.05},
        columns={"orientation": [0.1, 0.5, 0.9]},
    )
    first = b.s.council["commitment"].copy()
    s = kernel.run(b.P, b.s.reps, b.seed)
    assert (s.partnership["outcome"] != SUSTAINED).any()
    np.testing.assert_allclose(first - s.council["commitment"], s.commitment_lost.sum(axis=0), atol=1e-12)


def test_events_are_logged_with_their_cause_case_and_council(baseline_run):
    cfg, _, s, log = baseline_run
    assert log
    case_of = {c.label: c.case for c in layout().causes}
    for ev in log:
        assert ev.cause in LABELS and ev.case == case_of[ev.cause]
        assert 1 <= ev.month <= 60 and 0 <= ev.council < cfg.n_councils and 0 <= ev.rep < 200
        assert ev.month <= s.partnership["end_month"][ev.rep]
    assert {ev.cause for ev in log} >= {"case01_key_person", "election"}


def test_a_run_stops_at_the_horizon(bench):
    b = bench(mechanisms=only(), partnership={"horizon_months": 12})
    s = kernel.run(b.P, b.s.reps, b.seed)
    assert s.month == 12 and s.partnership["outcome"][0] != RUNNING and s.partnership["phase"][0] == ENDED
    assert s.partnership["launch_month"][0] >= 0


@pytest.mark.parametrize("months", [1, 2, 18])
def test_the_upfront_investment_is_charged_in_full_during_integration(bench, months):
    b = bench(mechanisms=only(), partnership={"upfront_investment": 1.5, "integration_months": months, "approval_months": 3, "horizon_months": 36})
    s = kernel.run(b.P, b.s.reps, b.seed)
    assert s.partnership["investment_cost"][0] == pytest.approx(1.5)


@pytest.mark.parametrize("expansion", [0, 1, 5])
def test_sharing_deepens_at_its_planned_month(bench, expansion):
    b = bench(mechanisms=only(), partnership={"expansion_month": expansion, "approval_months": 3, "horizon_months": 24})
    s = kernel.run(b.P, b.s.reps, b.seed)
    assert s.partnership["scope"][0] == 1
    assert s.savings_lost[C["case06_scope_tension"], 0] == 0.0


def test_whether_the_compiled_month_is_cached_is_known(bench, monkeypatch, tmp_path):
    b = bench()
    kernel.run(b.P, b.s.reps, b.seed)
    assert compiled_code_cached()
    monkeypatch.setattr(jit, "_cache_dir", tmp_path)  # an empty cache: the next run compiles first
    assert not compiled_code_cached()
