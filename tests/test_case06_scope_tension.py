"""Case 06 alone: deeper sharing makes the smaller partner fear being subsumed."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import silent

from sim.mechanisms import case06_scope_tension as case06
from sim.mechanisms.base import evaluate
from sim.state import EXPANSION


@pytest.fixture
def deeper(bench, launched):
    """A district (size 1) and a county (size 4), both half concerned about sovereignty, sharing deeper."""

    def make(k=2, scope=1, **columns):
        columns = {"size": [1.0, 4.0], "sovereignty_concern": [0.5, 0.5], **columns}
        b = bench(k=k, columns=columns, state={"scope": scope})
        launched(b, 40, EXPANSION)
        return b

    return make


def test_the_smaller_partner_fears_being_subsumed(deeper, month):
    b = deeper()
    e = evaluate(case06, b.s, b.P, month(b))
    # asymmetry 1 - 1/4 = 0.75; fear 0.5 * 0.75 = 0.375 for the district only
    np.testing.assert_allclose(e.commitment, [[0.03 * 0.375, 0.0]])
    np.testing.assert_allclose(e.trust[0], [[0.0, 0.03 * 0.375], [0.03 * 0.375, 0.0]])
    np.testing.assert_array_equal(e.shared["scope"], [1])


def test_each_council_fears_its_largest_partner(deeper, month):
    b = deeper(k=3, size=[1.0, 2.0, 4.0], sovereignty_concern=[1.0, 1.0, 1.0])
    e = evaluate(case06, b.s, b.P, month(b))
    np.testing.assert_allclose(e.commitment, [[0.03 * 0.75, 0.03 * 0.5, 0.0]])
    expected = 0.03 * np.array([[0.0, 0.75, 0.75], [0.75, 0.0, 0.5], [0.75, 0.5, 0.0]])
    np.testing.assert_allclose(e.trust[0], expected)
    feared = e.events[0]
    np.testing.assert_array_equal(feared.mask, [[True, True, False]])
    np.testing.assert_array_equal(feared.partner, [[2, 2, -1]])  # both fear the county, the largest partner


@pytest.mark.parametrize("case", ["it_only", "equal_sizes", "no_concern"])
def test_silent_without_deeper_sharing_asymmetry_or_concern(deeper, month, case):
    b = {"it_only": lambda: deeper(scope=0), "equal_sizes": lambda: deeper(size=[2.0, 2.0]), "no_concern": lambda: deeper(sovereignty_concern=[0.0, 0.5])}[
        case
    ]()
    e = evaluate(case06, b.s, b.P, month(b))
    assert silent(e.commitment) and silent(e.trust)


@pytest.mark.parametrize(("commitment", "scope"), [(0.35, 0), (0.5, 1)])
def test_staged_scope_resolves_fear_and_halts_before_it_breaks(deeper, month, commitment, scope):
    b = deeper()
    b.s.commitment[:] = [[commitment, 0.8]]
    e = evaluate(case06, b.s, b.P, month(b, lever={"staged_scope": 1.0}))
    np.testing.assert_array_equal(e.commitment, 0.0)
    np.testing.assert_array_equal(e.trust, 0.0)
    # halts when a partner comes within 0.1 of its exit threshold 0.3
    np.testing.assert_array_equal(e.shared["scope"], [scope])


def test_without_staged_scope_deeper_sharing_never_halts(deeper, month):
    b = deeper()
    b.s.commitment[:] = [[0.31, 0.8]]
    assert evaluate(case06, b.s, b.P, month(b)).shared["scope"][0] == 1


def test_half_staged_scope_halves_the_fear(deeper, month):
    b = deeper()
    e = evaluate(case06, b.s, b.P, month(b, lever={"staged_scope": 0.5}))
    np.testing.assert_allclose(e.commitment, [[0.03 * 0.375 * 0.5, 0.0]])
