"""Case 03, misaligned aspirations: misalignment takes savings and fit, a change unsettles a misaligned council, openness leads to the cautious path.

The bench: two councils of size 1 with orientations 0.2 and 0.8 (each 0.6 from the other,
overall misalignment 0.6), pinned parameters potential_loss 0.5, misfit 0.5,
change_sensitivity 1, unsettled_months 12, openness_effect 0.5, caution_threshold 0.3,
caution_relief 0.5; the fit weight of value is 0.25.
"""

from __future__ import annotations

import numpy as np
import pytest

from sim.core.evaluate import evaluate
from sim.core.exogenous import Signal
from sim.core.mechanisms import case03_misaligned_aspirations as case03
from sim.core.state import OPERATING

M = case03.MECHANISM
Ev = case03.Ev
FIT = 0.25


@pytest.fixture
def apart(bench, launched):
    """Two misaligned councils (0.2 and 0.8), launched a year ago unless ``since`` is None."""

    def make(orientation=(0.2, 0.8), since: int | None = 12, **kwargs):
        b = bench(k=len(orientation), columns={"orientation": list(orientation), **kwargs.pop("columns", {})}, **kwargs)
        if since is not None:
            launched(b, since, OPERATING)
        return b

    return make


def test_misalignment_by_hand_weighted_by_size(apart):
    b = apart(orientation=(0.0, 0.5, 1.0), columns={"size": [1.0, 1.0, 2.0]})
    mis = [case03.misalignment(b.s.arrays, b.P, 0, k) for k in range(3)]
    np.testing.assert_allclose(mis, [(0.5 + 1.0 * 2) / 3, (0.5 + 0.5 * 2) / 3, (1.0 + 0.5) / 2])
    assert case03.overall(b.s.arrays, b.P, 0) == pytest.approx((mis[0] + mis[1] + 2 * mis[2]) / 4)


def test_misalignment_takes_savings_and_fit(apart, month):
    b = apart()
    e = evaluate(M, b.s, b.P, month(b))
    assert e.savings[0] == pytest.approx(0.5 * 0.6)
    np.testing.assert_allclose(e.value, [[FIT * 0.5 * 0.6] * 2])
    assert not e.trust.any() and not any(kind.mask.any() for kind in e.events)


def test_aligned_partners_lose_nothing_even_when_a_change_hits(apart, month):
    b = apart(orientation=(0.4, 0.4))
    e = evaluate(M, b.s, b.P, month(b, signals=Signal.CONTROL_CHANGED))
    assert not e.value.any() and not e.savings.any() and not e.own["unsettled"].any()
    assert not e.events[Ev.EXPOSED].mask.any()


@pytest.mark.parametrize("signal", [Signal.CONTROL_CHANGED, Signal.CHIEF_EXECUTIVE_LEFT, Signal.BUDGET_SHOCK, Signal.REORGANISED])
def test_any_change_unsettles_a_misaligned_council(apart, month, signal):
    b = apart()
    e = evaluate(M, b.s, b.P, month(b, signals=[[signal, 0]]))
    # a jolt of change_sensitivity * misalignment = 0.6 on the council the change hit
    np.testing.assert_allclose(e.own["unsettled"], [[0.6, 0.0]])
    np.testing.assert_allclose(e.value, [[FIT * min(0.5 * 0.6 + 0.6, 1.0), FIT * 0.3]])
    np.testing.assert_array_equal(e.events[Ev.EXPOSED].mask, [[True, False]])
    assert e.events[Ev.EXPOSED].size[0, 0] == pytest.approx(FIT * 0.6)


def test_the_unsettling_fades_and_the_fit_lost_is_capped(apart, month):
    b = apart(orientation=(0.0, 1.0))
    b.s.mech("case03")["unsettled"][0] = [1.2, 0.0]
    e = evaluate(M, b.s, b.P, month(b))
    np.testing.assert_allclose(e.own["unsettled"], [[1.2 * 11 / 12, 0.0]])
    # fit lost at most the whole fit component
    np.testing.assert_allclose(e.value, [[FIT * 1.0, FIT * 0.5]])


def test_openness_makes_a_change_easier_to_quantify(apart, month):
    b = apart()
    e = evaluate(M, b.s, b.P, month(b, signals=[[Signal.CONTROL_CHANGED, 0]], lever={"open_motivations": 1.0}))
    # not on the cautious path (it was not open before launch): only the jolt is halved
    assert e.own["unsettled"][0, 0] == pytest.approx(0.6 * (1 - 0.5))
    assert e.savings[0] == pytest.approx(0.3)


def test_with_motivations_open_a_large_mismatch_leads_to_the_cautious_path_before_launch(apart, month):
    b = apart(since=None)
    e = evaluate(M, b.s, b.P, month(b, lever={"open_motivations": 0.5}))
    assert e.shared["it_only"][0]
    np.testing.assert_array_equal(e.events[Ev.CAUTIOUS].mask, [[True, True]])
    assert e.events[Ev.CAUTIOUS].size[0, 0] == pytest.approx(0.6)
    assert not e.value.any() and not e.savings.any()  # nothing is taken before launch
    # without the lever, or with a small mismatch, the partners aim for deeper sharing
    assert not evaluate(M, b.s, b.P, month(b)).shared["it_only"][0]
    close = apart(orientation=(0.4, 0.6), since=None)
    assert not evaluate(M, close.s, close.P, month(close, lever={"open_motivations": 1.0})).shared["it_only"][0]


def test_the_cautious_path_avoids_part_of_the_loss(apart, month):
    b = apart(state={"it_only": True})
    e = evaluate(M, b.s, b.P, month(b, lever={"open_motivations": 1.0}))
    relief = 1 - 0.5 * 1.0
    assert e.savings[0] == pytest.approx(0.5 * 0.6 * relief)
    np.testing.assert_allclose(e.value, [[FIT * 0.5 * 0.6 * relief] * 2])


def test_councils_that_left_neither_count_nor_lose(apart, month):
    b = apart(orientation=(0.2, 0.8, 0.8))
    b.s.active[0, 0] = False
    b.s.pairs[0, 0, :] = b.s.pairs[0, :, 0] = False
    e = evaluate(M, b.s, b.P, month(b, signals=Signal.CONTROL_CHANGED))
    assert not e.value.any() and not e.savings.any() and not e.own["unsettled"].any()
