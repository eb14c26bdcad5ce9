"""Case 01 alone: a champion leaves, trust drops, commitment erodes while the post is empty."""

from __future__ import annotations

import numpy as np
import pytest

from sim.mechanisms import case01_key_person as case01
from sim.mechanisms.base import evaluate
from sim.state import COLLAPSED, pair_mask

HAZARD = 1 / 72


def test_a_leaving_champion_drops_trust_both_ways(bench, month):
    b = bench(columns={"key_person_dependency": [0.5, 1.0]}, state={"maturity": 0.25})
    e = evaluate(case01, b.s, b.P, month(b, draws={"case01.leave": [[0.0, 0.999]]}))
    # exposure = 0.5 * (1 - 0.8 * 0.25) = 0.4; drop = 0.3 * 0.4 = 0.12, felt by both sides of the pair
    np.testing.assert_allclose(e.trust[0], [[0.0, 0.12], [0.12, 0.0]])
    np.testing.assert_array_equal(e.commitment, 0.0)
    np.testing.assert_array_equal(e.own["present"], [[False, True]])
    np.testing.assert_array_equal(e.own["vacancy"], [[12, 0]])


def test_two_champions_leaving_add_their_drops(bench, month):
    b = bench(columns={"key_person_dependency": [0.5, 1.0]})
    e = evaluate(case01, b.s, b.P, month(b, draws={"case01.leave": 0.0}))
    # maturity 0: drops 0.3 * 0.5 = 0.15 and 0.3 * 1.0 = 0.3
    np.testing.assert_allclose(e.trust[0], [[0.0, 0.45], [0.45, 0.0]])


def test_a_mature_arrangement_absorbs_most_of_the_blow(bench, month):
    b = bench(columns={"key_person_dependency": [1.0, 1.0]}, state={"maturity": 1.0})
    e = evaluate(case01, b.s, b.P, month(b, draws={"case01.leave": [[0.0, 0.999]]}))
    np.testing.assert_allclose(e.trust[0, 0, 1], 0.3 * (1 - 0.8))


@pytest.mark.parametrize(
    ("draw", "leaves"),
    [(np.nextafter(HAZARD, 0.0), True), (HAZARD, False), (np.nextafter(HAZARD, 1.0), False), (0.0, True), (0.999, False)],
)
def test_the_draw_against_the_hazard_decides_whether_a_champion_leaves(bench, month, draw, leaves):
    b = bench(k=2)
    e = evaluate(case01, b.s, b.P, month(b, draws={"case01.leave": [[draw, 0.999]]}))
    assert bool(~e.own["present"][0, 0]) is leaves
    assert bool(e.trust[0, 0, 1] > 0) is leaves


def test_no_dependency_means_nothing_is_lost(bench, month):
    b = bench(columns={"key_person_dependency": [0.0, 0.0]})
    e = evaluate(case01, b.s, b.P, month(b, draws={"case01.leave": 0.0}))
    assert not e.own["present"].any()
    np.testing.assert_array_equal(e.trust, 0.0)
    b.s.mech["case01"].update(e.own)
    later = evaluate(case01, b.s, b.P, month(b))
    np.testing.assert_array_equal(later.commitment, 0.0)
    np.testing.assert_array_equal(later.trust, 0.0)


def test_commitment_erodes_while_the_post_is_empty(bench, month):
    b = bench(columns={"key_person_dependency": [0.5, 1.0]}, state={"maturity": 0.5})
    b.s.mech["case01"]["present"][:] = [[False, True]]
    b.s.mech["case01"]["vacancy"][:] = [[3, 0]]
    e = evaluate(case01, b.s, b.P, month(b))
    # erosion = 0.01 * 0.5 * (1 - 0.8 * 0.5) = 0.003
    np.testing.assert_allclose(e.commitment, [[0.003, 0.0]])
    np.testing.assert_array_equal(e.trust, 0.0)
    np.testing.assert_array_equal(e.own["vacancy"], [[2, 0]])
    np.testing.assert_array_equal(e.own["present"], [[False, True]])


def test_a_successor_arrives_when_the_vacancy_runs_out(bench, month):
    b = bench()
    b.s.mech["case01"]["present"][:] = False
    b.s.mech["case01"]["vacancy"][:] = [[1, 2]]
    e = evaluate(case01, b.s, b.P, month(b))
    np.testing.assert_array_equal(e.own["present"], [[True, False]])
    np.testing.assert_array_equal(e.own["vacancy"], [[0, 1]])


def test_champions_of_departed_councils_and_ended_partnerships_do_not_leave(bench, month):
    b = bench(k=3)
    b.s.active[:] = [[True, True, False]]
    b.s.pairs = pair_mask(b.s.active)
    e = evaluate(case01, b.s, b.P, month(b, draws={"case01.leave": [[0.999, 0.0, 0.0]]}))
    np.testing.assert_array_equal(e.own["present"], [[True, False, True]])
    assert e.trust[0, :, 2].sum() == 0 and e.trust[0, 2, :].sum() == 0
    b.s.outcome[:] = COLLAPSED
    ended = evaluate(case01, b.s, b.P, month(b, draws={"case01.leave": 0.0}))
    assert ended.own["present"].all()
    np.testing.assert_array_equal(ended.trust, 0.0)


@pytest.mark.parametrize(("strength", "drop", "vacancy"), [(1.0, 0.12 * 0.3, 5), (0.5, 0.12 * 0.65, 8), (0.0, 0.12, 12)])
def test_continuity_plan_keeps_part_of_the_trust_and_shortens_the_vacancy(bench, month, strength, drop, vacancy):
    b = bench(columns={"key_person_dependency": [0.5, 0.5]}, state={"maturity": 0.25})
    e = evaluate(case01, b.s, b.P, month(b, draws={"case01.leave": [[0.0, 0.999]]}, lever={"continuity_plan": strength}))
    # vacancy = rint(12 * (1 - 0.6 * strength)): 4.8 -> 5, 8.4 -> 8
    np.testing.assert_allclose(e.trust[0, 0, 1], drop)
    assert e.own["vacancy"][0, 0] == vacancy
