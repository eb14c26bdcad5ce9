"""The month's order: value, trust and savings booked by cause, recovery, decisions, exits, endings with their causes and triggers, outcomes."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import OFF, assert_same_state

from sim import population
from sim.config.scenarios import load
from sim.core import causes, decisions, exogenous, jit, kernel, triggers
from sim.core.layout import layout
from sim.core.state import COLLAPSED, ENDED, EXPANSION, INTEGRATION, OPERATING, OUTCOMES, PROPOSAL, RUNNING, SHELVED, SUSTAINED, UNDERPERFORMING
from sim.core.triggers import Trigger
from sim.frontends.compiling import compiled_code_cached

C = layout().cause_index
LABELS = [c.label for c in layout().causes]
OUTRIGHT = {C["case02_decision_slippage"], C["case05_commercial_venture"]}


def only(name: str | None = None, **params) -> dict:
    """Mechanism settings: all off except ``name`` (with ``params``)."""
    return {**OFF, **({name: {"enabled": True, **params}} if name else {})}


def dominant(loss: np.ndarray) -> int:
    """Largest cause of a ``(C,)`` loss vector, or NONE if nothing was lost."""
    return int(loss.argmax()) if loss.max() > 0 else causes.NONE


def test_trust_a_departing_champion_takes_is_booked_to_case01_and_weighs_in_the_value_seen(bench, launched):
    # both chief executives (the champions) leave this month: each council loses 0.15 in the other twice
    b = bench(mechanisms=only("case01"), partnership={"promised_savings": 0.0}, columns={"ceo_leaving_in": [1, 1]})
    launched(b, 30, OPERATING)
    kernel.step(b.s, b.P, b.seed)
    c = C["case01_key_person"]
    np.testing.assert_allclose(b.s.trust[0], [[0.0, 0.4], [0.4, 0.0]])
    np.testing.assert_allclose(b.s.trust_lost[c], [[0.3, 0.3]])
    assert b.s.trust_lost.sum() == pytest.approx(0.6)
    # the month's experience: trust 0.15 / 0.7 of the gap, and the first month of erosion; the view moves by memory 0.08
    experienced = 0.15 / 0.7 * 0.3 + (0.5 + 0.2 * 0.3) * 0.5 / 12
    np.testing.assert_allclose(b.s.value_lost[c], [[0.08 * experienced] * 2])
    assert b.s.value_lost.sum() == pytest.approx(2 * 0.08 * experienced)


def test_trust_recovers_and_every_causes_part_shrinks_alike(bench, launched):
    b = bench(mechanisms=OFF, partnership={"promised_savings": 0.0})
    launched(b, 30, OPERATING)
    b.s.trust[0] = [[0.0, 0.5], [0.5, 0.0]]
    b.s.trust_lost[C["case01_key_person"], 0] = 0.15
    b.s.trust_lost[C["case06_scope_tension"], 0] = 0.05
    kernel.step(b.s, b.P, b.seed)
    # recovery 0.03 x (0.5 + communications 0.5) of the gap 0.2
    gap = 0.2 - 0.03 * 0.2
    np.testing.assert_allclose(b.s.trust[0], [[0.0, 0.7 - gap], [0.7 - gap, 0.0]])
    np.testing.assert_allclose(b.s.trust_lost[C["case01_key_person"]], [[0.15 * gap / 0.2] * 2])
    np.testing.assert_allclose(b.s.trust_lost[C["case06_scope_tension"]], [[0.05 * gap / 0.2] * 2])


@pytest.fixture
def leaving(bench, launched):
    """Four councils, operating; council 3 left earlier over case 07; councils 0 and 1 leave at the end of this month."""
    b = bench(k=4, mechanisms=only(), partnership={"min_partners": 2, "promised_savings": 0.0})
    launched(b, 30, OPERATING)
    s = b.s
    s.active[:] = [[True, True, True, False]]
    s.pairs[:] = s.active[:, :, None] & s.active[:, None, :] & ~np.eye(4, dtype=bool)
    s.council["exit_month"][0, 3], s.council["exit_cause"][0, 3], s.council["exit_trigger"][0, 3] = 10, C["case07_premature_rebrand"], Trigger.REBRAND
    s.council["notice"][0] = [1, 1, 0, 0]
    s.council["notice_cause"][0] = [C["case01_key_person"], C["case03_misaligned_aspirations"], -1, -1]
    s.council["notice_trigger"][0] = [Trigger.NEW_CHIEF_EXECUTIVE, Trigger.ELECTION, -1, -1]
    return b


def test_a_collapse_takes_the_cause_and_trigger_of_the_first_council_to_leave_in_its_last_month(leaving):
    s = leaving.s
    kernel.step(s, leaving.P, leaving.seed)
    np.testing.assert_array_equal(
        s.council["exit_cause"], [[C["case01_key_person"], C["case03_misaligned_aspirations"], causes.NONE, C["case07_premature_rebrand"]]]
    )
    np.testing.assert_array_equal(s.council["exit_trigger"], [[Trigger.NEW_CHIEF_EXECUTIVE, Trigger.ELECTION, -1, Trigger.REBRAND]])
    np.testing.assert_array_equal(s.council["exit_month"], [[31, 31, -1, 10]])
    p = s.partnership[0]
    assert (p["outcome"], p["end_month"], p["end_cause"], p["end_trigger"]) == (COLLAPSED, 31, C["case01_key_person"], Trigger.NEW_CHIEF_EXECUTIVE)


def test_a_leaver_takes_its_share_of_savings_booked_to_its_exit_cause(leaving):
    s = leaving.s
    leaving.P.partnership["promised_savings"][:] = 1.2
    s.council["notice"][0, 1] = 0
    kernel.step(s, leaving.P, leaving.seed)
    assert s.partnership["outcome"][0] == RUNNING and not s.active[0, 0]
    before = s.savings_lost[:, 0].copy()
    kernel.step(s, leaving.P, leaving.seed)
    # next month councils 0 (over case 01) and 3 (over case 07), a quarter of the volume each, are gone
    month = s.savings_lost[:, 0] - before
    assert month[C["case01_key_person"]] > 0
    assert month[C["case01_key_person"]] == pytest.approx(month[C["case07_premature_rebrand"]])
    # the partners still in weighed the partnership again in the month after the leaver went
    np.testing.assert_array_equal(s.council["decision_due"][0], [-1, -1, -1, -1])


def test_an_outright_end_is_booked_to_the_mechanism_that_ended_it_with_its_trigger(bench):
    venture = {"governance": "commercial_venture", "market_volume": 0.0, "approval_months": 1, "horizon_months": 60}
    b = bench(mechanisms=only("case05", reserve_months=3, market_noise=0.0), partnership=venture, columns={"guarantee": [1.0, 1.0], "guarantee_months": [6, 6]})
    s = kernel.run(b.P, b.s.reps, b.seed)
    # approved in month 1 (launch 2); the guarantees end 6 months on and the venture runs at 0.75 of break-even:
    # reserves of 3 months of full deficit last 12 months at a deficit of 0.25
    p = s.partnership[0]
    assert (p["outcome"], p["end_cause"], p["end_trigger"]) == (COLLAPSED, C["case05_commercial_venture"], Trigger.END_OF_GUARANTEE)
    assert p["end_month"] == 2 + 6 + 13
    assert s.active.all()


def test_a_proposal_withdrawn_after_repeated_slippage_is_shelved_with_its_trigger(bench):
    b = bench(mechanisms=only("case02"), partnership={"approval_months": 2, "promised_savings": 0.0}, decisions={"approval_base": -10.0, "give_up": 1.0})
    s = kernel.run(b.P, b.s.reps, b.seed)
    p = s.partnership[0]
    assert (p["outcome"], p["end_cause"], p["phase"], p["launch_month"]) == (SHELVED, C["case02_decision_slippage"], ENDED, -1)
    assert p["end_trigger"] in (Trigger.REPEATED_SLIPPAGE, Trigger.CONCERN_SURFACED)
    assert p["slips"] >= 2


def test_a_proposal_still_undecided_at_the_horizon_is_shelved_by_delay(bench):
    b = bench(mechanisms=only("case02"), partnership={"horizon_months": 12}, decisions={"approval_base": -10.0, "give_up": 0.0})
    s = kernel.run(b.P, b.s.reps, b.seed)
    p = s.partnership[0]
    assert (p["outcome"], p["end_cause"], p["end_trigger"], p["end_month"], p["phase"]) == (
        SHELVED,
        C["case02_decision_slippage"],
        Trigger.REPEATED_SLIPPAGE,
        12,
        ENDED,
    )


def test_approval_launches_the_partnership_the_next_month_and_integration_ends_when_planned(bench):
    b = bench(mechanisms=OFF, partnership={"approval_months": 3, "integration_months": 4})
    phases = []
    for _ in range(10):
        kernel.step(b.s, b.P, b.seed)
        phases.append(int(b.s.partnership["phase"][0]))
    assert phases == [PROPOSAL] * 3 + [INTEGRATION] * 5 + [OPERATING] * 2
    assert b.s.partnership["launch_month"][0] == 4 and b.s.partnership["review_due"][0] == 4 + 48


def test_deeper_sharing_accepted_during_integration_leaves_integration_to_run_its_course(bench):
    """Deeper sharing proposed before integration ended (deepening_month < integration_months, about 6% of the
    baseline's drawn partnerships) turned the phase to expansion at once: integration, and its disruption, ended early."""
    b = bench(mechanisms=only("case06", acceptance=10.0), partnership={"approval_months": 1, "integration_months": 6, "deepening_month": 2})
    phases, scopes = [], []
    for _ in range(12):
        kernel.step(b.s, b.P, b.seed)
        phases.append(int(b.s.partnership["phase"][0]))
        scopes.append(int(b.s.partnership["scope"][0]))
    assert b.s.partnership["launch_month"][0] == 2  # as in the test above: integration's phase for months 2 to 8
    assert phases == [PROPOSAL] + [INTEGRATION] * 7 + [EXPANSION] * 4
    assert scopes == [0] * 4 + [1] * 8  # deepened at since = 2, during integration


def test_harmonisation_and_maturity_advance_after_launch(bench, launched):
    b = bench(mechanisms=OFF)
    kernel.step(b.s, b.P, b.seed)
    assert b.s.partnership["harmonisation"][0] == 0 and b.s.partnership["maturity"][0] == 0
    launched(b, 5, OPERATING)
    kernel.step(b.s, b.P, b.seed)
    assert b.s.partnership["harmonisation"][0] == pytest.approx(1 / 18) and b.s.partnership["maturity"][0] == pytest.approx(1 / 36)


@pytest.mark.parametrize(("ratio", "outcome"), [(0.0, SUSTAINED), (1.0, UNDERPERFORMING)])
def test_survivors_are_classed_by_realised_savings_against_the_business_case(bench, ratio, outcome):
    b = bench(mechanisms=only(), dynamics={"underperformance_ratio": ratio}, partnership={"approval_months": 1, "horizon_months": 36, "delivery": 0.9})
    s = kernel.run(b.P, b.s.reps, b.seed)
    assert s.partnership["outcome"][0] == outcome and s.partnership["end_month"][0] == 36
    assert 0 < s.partnership["realised_savings"][0] < s.partnership["business_case"][0]
    # an underperformer's cause is what took most savings: here a delivery short of even a clear business case's promise
    expected = C["short_delivery"] if outcome == UNDERPERFORMING else causes.NONE
    assert s.partnership["end_cause"][0] == expected and s.partnership["end_trigger"][0] == -1


def test_ended_stays_ended(bench, launched):
    b = bench(mechanisms=only("case01"))
    launched(b, 30, OPERATING)
    b.s.council["notice"][0] = [1, 1]
    b.s.council["notice_cause"][0] = C["reorganisation"]
    s = b.s
    kernel.step(s, b.P, b.seed)
    assert s.partnership["outcome"][0] == COLLAPSED
    for hazard in ("reorganisation_hazard", "budget_shock_hazard", "turnover_hazard", "control_change_all_out"):
        b.P.exogenous[hazard][:] = 1.0  # change from outside would change a running partnership every month
    before = s.copy()
    for _ in range(5):
        kernel.step(s, b.P, b.seed)
    assert_same_state(s, before)


@pytest.fixture(scope="module")
def baseline_run():
    """Two hundred baseline partnerships over five years, with the event log."""
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
    failed = np.isin(s.partnership["outcome"], [SHELVED, COLLAPSED])
    assert (s.partnership["end_trigger"][failed] >= 0).all()
    assert (s.partnership["end_trigger"][s.partnership["outcome"] == SUSTAINED] == -1).all()


def test_shelving_only_before_launch_and_collapse_only_after(baseline_run):
    _, _, s, _ = baseline_run
    assert np.all(s.partnership["launch_month"][s.partnership["outcome"] == SHELVED] == -1)
    assert np.all(s.partnership["launch_month"][np.isin(s.partnership["outcome"], [COLLAPSED, UNDERPERFORMING, SUSTAINED])] >= 0)
    assert np.all(s.partnership["launch_month"] <= s.partnership["end_month"])


def test_exit_months_causes_and_triggers_are_recorded(baseline_run):
    _, _, s, _ = baseline_run
    gone = ~s.active
    assert gone.any()
    np.testing.assert_array_equal(s.council["exit_month"] == -1, s.active)
    assert np.all(s.council["exit_month"][gone] >= 1)
    assert np.all(s.council["exit_month"] <= s.partnership["end_month"][:, None])
    assert np.all(s.council["exit_trigger"][gone] >= 0) and np.all(s.council["exit_cause"][gone] >= 0)
    assert np.all(s.council["exit_cause"][s.active] == causes.NONE) and np.all(s.council["exit_trigger"][s.active] == -1)
    assert np.all(s.council["notices"][gone] >= 1)


def test_collapse_causes_and_triggers_follow_the_rule(baseline_run):
    _, P, s, _ = baseline_run
    ended = (s.partnership["outcome"] == COLLAPSED) & (s.partnership["end_month"] <= 60)
    assert ended.any()
    for r in np.nonzero(ended)[0]:
        too_few = s.active[r].sum() < P.partnership["min_partners"][r]
        reasons = (s.partnership["end_cause"][r], s.partnership["end_trigger"][r])
        if not too_few:
            assert reasons[0] in OUTRIGHT
            continue
        last = np.flatnonzero(s.council["exit_month"][r] == s.partnership["end_month"][r])
        first = (s.council["exit_cause"][r, last[0]], s.council["exit_trigger"][r, last[0]]) if len(last) else None
        assert reasons == first or reasons[0] in OUTRIGHT


def test_underperformers_are_booked_to_the_cause_that_took_most_savings(baseline_run):
    _, _, s, _ = baseline_run
    for r in np.flatnonzero(s.partnership["outcome"] == UNDERPERFORMING):
        assert s.partnership["end_cause"][r] == dominant(s.savings_lost[:, r])


def test_events_are_logged_with_their_cause_case_trigger_and_council(baseline_run):
    cfg, _, s, log = baseline_run
    assert log
    case_of = {c.label: c.case for c in layout().causes}
    outside = {event.what for event, _, _ in exogenous.EVENTS.values()}  # change from outside the partnership
    for ev in log:
        assert ev.cause in LABELS or ev.cause == ""
        # a cause's case; booked to no cause, change from outside is 'exogenous' (as an election is), the rest has none
        assert ev.case == (case_of.get(ev.cause) or ("exogenous" if ev.what in outside else "")), ev
        assert ev.trigger in triggers.LABELS or ev.trigger == ""
        assert 1 <= ev.month <= 60 and 0 <= ev.council < cfg.n_councils and 0 <= ev.rep < 200
        assert ev.month <= s.partnership["end_month"][ev.rep]
    whats = {ev.what for ev in log}
    assert decisions.EVENTS[decisions.Ev.GAVE_NOTICE].what in whats and decisions.EVENTS[decisions.Ev.LEFT].what in whats
    assert {ev.cause for ev in log} >= {"case01_key_person", "political_control"}
    notices = [ev for ev in log if ev.what == decisions.EVENTS[decisions.Ev.GAVE_NOTICE].what]
    assert all(ev.trigger for ev in notices)
    assert any(ev.case == "exogenous" and not ev.cause for ev in log), "a budget shock or a chief executive's change is seen"


def test_the_months_events_follow_the_logged_and_the_whole_runs_alike(baseline_run):
    _, P, logged, _ = baseline_run
    whole = kernel.run(P, logged.reps, 1)
    assert_same_state(whole, logged)


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


@pytest.mark.parametrize("deepening", [0, 1, 5])
def test_sharing_deepens_when_the_councils_accept_it_at_its_planned_month(bench, deepening):
    b = bench(mechanisms=only("case06", acceptance=10.0), partnership={"deepening_month": deepening, "approval_months": 3, "horizon_months": 24})
    s = kernel.run(b.P, b.s.reps, b.seed)
    assert s.partnership["scope"][0] == 1 and s.partnership["deepened"][0] and s.partnership["phase"][0] == ENDED
    assert s.savings_lost[C["case06_scope_tension"], 0] == 0.0


def test_a_deeper_stage_that_halts_falls_short_of_the_plan_booked_to_case06(bench, launched):
    b = bench(mechanisms=OFF, partnership={"deepening_month": 5}, state={"month": 30})
    launched(b, 20, OPERATING)
    b.s.partnership["deepened"][0] = True  # accepted, then halted (scope 0)
    kernel.step(b.s, b.P, b.seed)
    assert b.s.savings_lost[C["case06_scope_tension"], 0] > 0


def test_whether_the_compiled_month_is_cached_is_known(bench, monkeypatch, tmp_path):
    b = bench()
    kernel.run(b.P, b.s.reps, b.seed)
    assert compiled_code_cached()
    monkeypatch.setattr(jit, "_cache_dir", tmp_path)  # an empty cache: the next run compiles first
    assert not compiled_code_cached()


def test_exit_and_collapse_reasons_name_causes_and_triggers_in_words():
    assert triggers.label(-1) == "none" and triggers.words(-1) == ""
    assert triggers.label(Trigger.PARTNER_LEFT) == "partner_left" and triggers.words(Trigger.ELECTION).startswith("an election")
    assert len(triggers.LABELS) == len(Trigger) == len(set(triggers.LABELS))
    assert triggers.ROUTINE == (Trigger.BUDGET_SETTING,)
    assert EXPANSION == 3
