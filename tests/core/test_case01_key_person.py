"""Case 01, over-dependency on key personnel: a champion goes, trust between individuals drops, the council's part erodes until a successor arrives.

Each test runs the mechanism alone (:func:`sim.core.evaluate.evaluate`) on a small bench
(two councils of size 1, key-person dependency 0.5, a chief executive as champion, an
arrangement not yet mature) and checks what one step does against numbers worked by hand
with the pinned parameters: trust_drop 0.3, erosion_months 12, advocacy 0.5, reach 0.5,
effectiveness 0.3, resilience 0.8, succession 1/24, continuity plan keeping half the
trust and trebling the chance of a successor; the service weight of value is 0.2.
"""

from __future__ import annotations

import numpy as np
import pytest

from sim.core.evaluate import evaluate
from sim.core.exogenous import Signal
from sim.core.mechanisms import case01_key_person as case01
from sim.core.state import OPERATING

M = case01.MECHANISM
Ev = case01.Ev
#: The value a fully eroded council sees taken, per unit of erosion: advocacy + weight_service * effectiveness.
PER_EROSION = 0.5 + 0.2 * 0.3


@pytest.fixture
def operating(bench, launched):
    """Two councils, a year past launch, operating (maturity 0 unless given)."""

    def make(k: int = 2, maturity: float = 0.0, **kwargs):
        b = bench(k=k, state={"maturity": maturity}, **kwargs)
        launched(b, 12, OPERATING)
        return b

    return make


def absent(b, erosion) -> None:
    """Both champions gone, with the erosion given per council."""
    b.s.mech("case01")["present"][:] = False
    b.s.mech("case01")["erosion"][:] = erosion


def test_a_chief_executive_champion_goes_with_the_chief_executive(operating, month):
    b = operating()
    e = evaluate(M, b.s, b.P, month(b, signals=[[Signal.CHIEF_EXECUTIVE_LEFT, 0]]))
    np.testing.assert_array_equal(e.own["present"], [[False, True]])
    # trust between individuals drops both ways by trust_drop * exposure = 0.3 * 0.5
    np.testing.assert_allclose(e.trust[0], [[0.0, 0.15], [0.15, 0.0]])
    np.testing.assert_array_equal(e.events[Ev.CHAMPION_LEFT].mask, [[True, False]])
    assert e.events[Ev.CHAMPION_LEFT].size[0, 0] == pytest.approx(0.15)
    # erosion begins: (exposure - 0) / 12; the value taken is (advocacy + 0.2 * effectiveness) * the erosion felt:
    # its own for council 0, the champion's reach (0.5) times council 0's for its partner
    np.testing.assert_allclose(e.own["erosion"], [[0.5 / 12, 0.0]])
    np.testing.assert_allclose(e.value, [[PER_EROSION * 0.5 / 12, PER_EROSION * 0.5 * 0.5 / 12]])
    # savings: effectiveness * erosion felt, size-weighted over the councils in
    assert e.savings[0] == pytest.approx(0.3 * (0.5 / 12 + 0.5 * 0.5 / 12) / 2)


@pytest.mark.parametrize("reach", [0.0, 0.3, 1.0])
def test_partners_feel_a_missing_champion_as_far_as_its_reach(operating, month, reach):
    b = operating(mechanisms={"case01": {"reach": reach}})
    absent(b, [[0.4, 0.1]])
    b.s.mech("case01")["present"][0, 1] = True
    e = evaluate(M, b.s, b.P, month(b))
    own = e.own["erosion"][0]
    np.testing.assert_allclose(own, [0.4 + (0.5 - 0.4) / 12, 0.1 - 0.1 / 12])
    felt = [own[0], max(own[1], reach * own[0])]
    np.testing.assert_allclose(e.value[0], PER_EROSION * np.array(felt))


@pytest.mark.parametrize(
    ("champion", "signal", "goes"),
    [
        ("chief_executive", Signal.CHIEF_EXECUTIVE_LEFT, True),
        ("chief_executive", Signal.CONTROL_CHANGED, False),
        ("chief_executive", Signal.BUDGET_SHOCK, False),
        ("political_leader", Signal.CONTROL_CHANGED, True),
        ("political_leader", Signal.CHIEF_EXECUTIVE_LEFT, False),
        ("specialist", Signal.CHIEF_EXECUTIVE_LEFT | Signal.CONTROL_CHANGED, False),
        ("chief_executive", Signal.REORGANISED, True),
        ("political_leader", Signal.REORGANISED, True),
        ("specialist", Signal.REORGANISED, True),
    ],
)
def test_who_the_champion_is_decides_what_takes_them(operating, month, champion, signal, goes):
    b = operating(columns={"champion": [champion, champion]})
    e = evaluate(M, b.s, b.P, month(b, signals=[[signal, 0]]))
    assert e.own["present"][0, 0] == (not goes)
    assert e.own["present"][0, 1]
    assert e.events[Ev.CHAMPION_LEFT].mask[0, 0] == goes


def test_a_specialist_moves_on_by_chance(operating, month):
    b = operating(columns={"champion": ["specialist", "specialist"]})
    # specialist_hazard 1/60: a draw just below it takes the specialist, just above it does not
    e = evaluate(M, b.s, b.P, month(b, draws={"case01.leave": [[1 / 60 - 1e-9, 1 / 60 + 1e-9]]}))
    np.testing.assert_array_equal(e.own["present"], [[False, True]])
    chief = operating()
    assert evaluate(M, chief.s, chief.P, month(chief, draws={"case01.leave": 0.0})).own["present"].all()


def test_a_mature_arrangement_absorbs_most_of_the_loss(operating, month):
    b = operating(maturity=1.0)
    e = evaluate(M, b.s, b.P, month(b, signals=[[Signal.CHIEF_EXECUTIVE_LEFT, 0]]))
    # exposure 0.5 * (1 - 0.8 * 1.0) = 0.1
    assert e.trust[0, 0, 1] == pytest.approx(0.3 * 0.1)
    assert e.own["erosion"][0, 0] == pytest.approx(0.1 / 12)
    np.testing.assert_allclose(case01.exposure(b.s.arrays, b.P, b.P.mech[0][0], 0, 0), 0.1)


def test_a_continuity_plan_keeps_trust_and_brings_a_successor_sooner(operating, month):
    b = operating()
    e = evaluate(M, b.s, b.P, month(b, signals=[[Signal.CHIEF_EXECUTIVE_LEFT, 0]], lever={"continuity_plan": 0.6}))
    assert e.trust[0, 0, 1] == pytest.approx(0.15 * (1 - 0.5 * 0.6))
    # the plan's own event says the trust it kept, where the story said only a smaller fall
    np.testing.assert_array_equal(e.events[Ev.TRUST_KEPT].mask, [[True, False]])
    assert e.events[Ev.TRUST_KEPT].size[0, 0] == pytest.approx(0.15 * 0.5 * 0.6)
    unplanned = evaluate(M, b.s, b.P, month(b, signals=[[Signal.CHIEF_EXECUTIVE_LEFT, 0]]))
    assert unplanned.events[Ev.CHAMPION_LEFT].mask[0, 0] and not unplanned.events[Ev.TRUST_KEPT].mask.any()
    absent(b, 0.2)
    # the monthly chance of a successor, 1/24, becomes 1/24 * (1 + 2 * 1.0) = 1/8 under a full plan
    draws = {"case01.succeed": [[0.1, 0.2]]}
    np.testing.assert_array_equal(evaluate(M, b.s, b.P, month(b, draws=draws)).own["present"], [[False, False]])
    planned = evaluate(M, b.s, b.P, month(b, draws=draws, lever={"continuity_plan": 1.0}))
    np.testing.assert_array_equal(planned.own["present"], [[True, False]])
    # nobody would have come without the plan: the plan handed the role over
    np.testing.assert_array_equal(planned.events[Ev.HANDED_OVER].mask, [[True, False]])
    assert not planned.events[Ev.SUCCESSOR_ARRIVED].mask.any()


def test_a_successor_who_would_have_come_anyway_is_not_the_plans(operating, month):
    """Under a plan, a successor whose draw is below the chance without it (1/24) took up the role by themselves."""
    b = operating()
    absent(b, 0.2)
    e = evaluate(M, b.s, b.P, month(b, draws={"case01.succeed": [[0.01, 0.1]]}, lever={"continuity_plan": 1.0}))
    np.testing.assert_array_equal(e.own["present"], [[True, True]])
    np.testing.assert_array_equal(e.events[Ev.SUCCESSOR_ARRIVED].mask, [[True, False]])
    np.testing.assert_array_equal(e.events[Ev.HANDED_OVER].mask, [[False, True]])


def test_erosion_grows_while_nobody_champions_the_council_and_the_value_taken_follows(operating, month):
    b = operating()
    own = b.s.mech("case01")
    own["present"][0, 0] = False
    for n in range(1, 25):
        e = evaluate(M, b.s, b.P, month(b))
        own["erosion"][:] = e.own["erosion"]
        expected = 0.5 * (1 - (11 / 12) ** n)
        assert own["erosion"][0, 0] == pytest.approx(expected)
        assert e.value[0, 0] == pytest.approx(PER_EROSION * expected)
        # its partner keeps its champion and feels the reach (0.5) of the missing one
        assert e.value[0, 1] == pytest.approx(PER_EROSION * 0.5 * expected)
        assert e.savings[0] == pytest.approx(0.3 * (expected + 0.5 * expected) / 2)
    assert not e.trust.any() and own["erosion"][0, 1] == 0.0


def test_a_successor_takes_up_the_role_and_the_erosion_heals(operating, month):
    b = operating()
    absent(b, [[0.3, 0.3]])
    e = evaluate(M, b.s, b.P, month(b, draws={"case01.succeed": [[0.01, 0.5]]}))
    np.testing.assert_array_equal(e.own["present"], [[True, False]])
    np.testing.assert_array_equal(e.events[Ev.SUCCESSOR_ARRIVED].mask, [[True, False]])
    assert e.events[Ev.SUCCESSOR_ARRIVED].size[0, 0] == pytest.approx(0.3)
    np.testing.assert_allclose(e.own["erosion"], [[0.3 * 11 / 12, 0.3 + (0.5 - 0.3) / 12]])
    np.testing.assert_allclose(e.value, PER_EROSION * e.own["erosion"])


def test_before_launch_a_champion_who_goes_takes_no_trust_and_no_value_and_is_narrated(bench, month):
    b = bench()
    e = evaluate(M, b.s, b.P, month(b, signals=Signal.CHIEF_EXECUTIVE_LEFT))
    assert not e.own["present"].any()
    assert not e.trust.any() and not e.value.any() and not e.savings.any()
    left = e.events[Ev.CHAMPION_LEFT]
    assert left.mask.all() and not left.size.any(), "the story shows the departure (a successor later arrives), with no trust lost"


def test_councils_that_left_are_not_touched_and_only_partners_still_in_lose_trust(operating, month):
    b = operating(k=3)
    b.s.active[0, 2] = False
    b.s.pairs[0, 2, :] = b.s.pairs[0, :, 2] = False
    e = evaluate(M, b.s, b.P, month(b, signals=Signal.CHIEF_EXECUTIVE_LEFT))
    np.testing.assert_array_equal(e.own["present"], [[False, False, True]])
    np.testing.assert_allclose(e.trust[0], [[0.0, 0.3, 0.0], [0.3, 0.0, 0.0], [0.0, 0.0, 0.0]])
    assert e.value[0, 2] == 0.0
    # savings: the erosion of the two councils still in, over their sizes
    assert e.savings[0] == pytest.approx(0.3 * (0.5 / 12))


def test_it_opens_no_decision_itself(operating, month):
    """A champion's departure reaches the councils' decisions through the value they see, and through the trigger of the change that took them."""
    b = operating()
    e = evaluate(M, b.s, b.P, month(b, signals=Signal.CHIEF_EXECUTIVE_LEFT))
    assert (e.opens == -1).all() and M.opens == ()
