"""Case 07, a premature rebrand: nothing without one; the goodwill shock scales with immaturity and the identity.

Reputation first delays it and softens the identity; the damage is to goodwill, service and
savings, never to trust between councils.

The bench: a rebrand proposed 3 months after launch, maturity 0.35 (half of the 0.7 at which
a rebrand costs nothing: immaturity 0.5), identity 0.5, communications 0.5 (relief 0.4 at
full strength: 1 - 0.4 x 0.5 = 0.8 kept), goodwill_shock 1, goodwill_recovery 0.015 at
service quality 1, effectiveness_loss 0.5, service_loss 1 (service weight 0.2),
rebrand_cost GBP 0.1m, public_identity 0.7.
"""

from __future__ import annotations

import numpy as np
import pytest

from sim import population
from sim.core import kernel
from sim.core.evaluate import evaluate
from sim.core.layout import layout
from sim.core.mechanisms import case07_premature_rebrand as case07
from sim.core.state import OPERATING
from sim.core.triggers import Trigger

M = case07.MECHANISM
Ev = case07.Ev
SERVICE = 0.2
RECOVERY = 1 - 0.015


@pytest.fixture
def service(bench, launched):
    """A shared service ``since`` months past launch at the maturity given, a rebrand proposed at month 3 after launch."""

    def make(since: int = 3, maturity: float = 0.35, rebrand: int = 3, **kwargs):
        mechanisms = {"case07": kwargs.pop("case07", {})}
        b = bench(state={"maturity": maturity}, partnership={"rebrand_month": rebrand, **kwargs.pop("partnership", {})}, mechanisms=mechanisms, **kwargs)
        launched(b, since, OPERATING)
        return b

    return make


def shock(maturity: float = 0.35, identity: float = 0.5, comms: float = 0.5, wait: float = 0.0) -> float:
    """The goodwill shock by hand."""
    immaturity = min(max(1 - maturity / 0.7, 0.0), 1.0)
    return 1.0 * immaturity * identity * (1 - 0.7 * wait) * (1 - 0.4 * comms)


def test_nothing_happens_without_a_rebrand(service, month):
    b = service(rebrand=-1, since=30)
    e = evaluate(M, b.s, b.P, month(b))
    assert not e.value.any() and not e.savings.any() and not e.cost.any() and (e.opens == -1).all()
    assert not any(kind.mask.any() for kind in e.events) and not e.own["rebranded"].any()


def test_nothing_before_its_month_nor_before_launch(service, bench, month):
    b = service(since=2)
    e = evaluate(M, b.s, b.P, month(b))
    assert not e.own["rebranded"].any() and not e.value.any() and not e.cost.any()
    proposal = bench(partnership={"rebrand_month": 0})
    assert not evaluate(M, proposal.s, proposal.P, month(proposal)).own["rebranded"].any()


def test_a_rebrand_costs_goodwill_by_hand_and_opens_the_councils_decisions(service, month):
    b = service()
    e = evaluate(M, b.s, b.P, month(b))
    goodwill = shock() * RECOVERY  # the month's recovery follows the shock
    assert shock() == pytest.approx(0.5 * 0.5 * 0.8)
    assert e.own["rebranded"][0] and e.own["deficit"][0] == pytest.approx(goodwill)
    assert e.cost[0] == pytest.approx(0.1)
    np.testing.assert_allclose(e.value, [[SERVICE * goodwill] * 2])
    assert e.savings[0] == pytest.approx(0.5 * goodwill)
    np.testing.assert_array_equal(e.opens, [[Trigger.REBRAND] * 2])
    np.testing.assert_allclose(e.events[Ev.REBRANDED].size, [[shock()] * 2])


def test_a_rebrand_never_takes_trust_between_the_councils(service, month, bench):
    b = service()
    assert not evaluate(M, b.s, b.P, month(b)).trust.any() and not M.takes_trust
    only = {name: {"enabled": name == "case07"} for name in ("case01", "case02", "case03", "case04", "case05", "case06", "coordination")}
    run = bench(mechanisms={**only, "case07": {"identity": 1.0}}, partnership={"rebrand_month": 0, "horizon_months": 36})
    s = kernel.run(run.P, run.s.reps, run.seed)
    c = layout().cause_index["case07_premature_rebrand"]
    assert s.value_lost[c].any() and s.savings_lost[c].any()
    assert not s.trust_lost.any()
    np.testing.assert_allclose(s.trust[s.pairs], 0.7)


@pytest.mark.parametrize("maturity", [0.0, 0.2, 0.35, 0.6, 0.7, 0.9])
def test_the_shock_scales_with_immaturity(service, month, maturity):
    b = service(maturity=maturity)
    assert evaluate(M, b.s, b.P, month(b)).own["deficit"][0] == pytest.approx(shock(maturity) * RECOVERY)


@pytest.mark.parametrize("identity", [0.0, 0.2, 0.8, 1.0])
def test_the_shock_scales_with_how_far_the_identity_says_outsourced_company(service, month, identity):
    b = service(case07={"identity": identity})
    assert evaluate(M, b.s, b.P, month(b)).own["deficit"][0] == pytest.approx(shock(identity=identity) * RECOVERY)


def test_communications_soften_the_shock(service, month):
    b = service()
    e = evaluate(M, b.s, b.P, month(b, lever={"communications_plan": 1.0}))
    assert e.own["deficit"][0] == pytest.approx(shock(comms=1.0) * RECOVERY)


def test_reputation_first_waits_until_the_service_is_mature(service, month):
    b = service()
    e = evaluate(M, b.s, b.P, month(b, lever={"reputation_first": 1.0}))
    assert not e.own["rebranded"][0] and e.own["waited"][0] and not e.cost.any() and (e.opens == -1).all()
    np.testing.assert_allclose(e.events[Ev.WAITED].size, [[0.35, 0.35]])
    b.s.mech("case07")["waited"][0] = True
    assert not evaluate(M, b.s, b.P, month(b, lever={"reputation_first": 1.0})).events[Ev.WAITED].mask.any()  # said once
    # later, once mature, the rebrand goes ahead: a late rebrand is still due
    mature = service(since=30, maturity=0.75)
    e = evaluate(M, mature.s, mature.P, month(mature, lever={"reputation_first": 1.0}))
    assert e.own["rebranded"][0] and e.own["deficit"][0] == 0.0 and e.cost[0] == pytest.approx(0.1)


def test_reputation_first_keeps_a_public_service_identity(service, month):
    # a part-strength lever waits only until maturity 0.6 x 0.7 = 0.42, then softens the identity
    b = service(since=12, maturity=0.49)
    e = evaluate(M, b.s, b.P, month(b, lever={"reputation_first": 0.6}))
    assert e.own["rebranded"][0]
    assert e.own["deficit"][0] == pytest.approx(shock(0.49, wait=0.6) * RECOVERY)
    assert shock(0.49, wait=0.6) < shock(0.49)


def test_goodwill_comes_back_slowly_through_good_service(service, month):
    b = service(since=20, columns={"service_quality": [1.0, 0.5]})
    b.s.mech("case07")["rebranded"][0], b.s.mech("case07")["deficit"][0] = True, 0.4
    e = evaluate(M, b.s, b.P, month(b))
    deficit = 0.4 * (1 - 0.015 * 0.75)
    assert e.own["deficit"][0] == pytest.approx(deficit) and not e.cost.any() and (e.opens == -1).all()
    np.testing.assert_allclose(e.value, [[SERVICE * deficit] * 2])
    assert e.savings[0] == pytest.approx(0.5 * deficit)


def test_the_rebrand_happens_once(service, month):
    b = service(since=10)
    b.s.mech("case07")["rebranded"][0] = True
    e = evaluate(M, b.s, b.P, month(b))
    assert not e.cost.any() and not e.events[Ev.REBRANDED].mask.any() and e.own["deficit"][0] == 0.0


def test_in_the_kernel_a_later_rebrand_of_a_mature_service_costs_less(config):
    """Whole runs: a rebrand at 6 months costs more savings than one at 20 months (maturity 1 - (35/36)^n: 0.16 against 0.43)."""
    lost = []
    c = layout().cause_index["case07_premature_rebrand"]
    for month_ in (6, 20):
        only = {name: {"enabled": name == "case07"} for name in ("case01", "case02", "case03", "case04", "case05", "case06", "coordination")}
        cfg = config(mechanisms={**only, "case07": {"identity": 1.0}}, partnership={"rebrand_month": month_, "horizon_months": 120})
        reps = np.arange(2)
        s = kernel.run(population.build(cfg, 0, reps), reps, 0)
        lost.append(s.savings_lost[c].sum())
    assert lost[0] > lost[1] > 0


def test_a_rebrand_that_needs_no_maturity_costs_no_goodwill(service, month):
    b = service(case07={"maturity_needed": 0.0})
    e = evaluate(M, b.s, b.P, month(b))
    assert e.own["rebranded"][0] and e.own["deficit"][0] == 0.0
