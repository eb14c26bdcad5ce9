"""Case 03 alone: a change hits a misaligned partner; misalignment caps the savings."""

from __future__ import annotations

import numpy as np
import pytest

from sim.mechanisms import case03_misaligned_aspirations as case03
from sim.mechanisms.base import evaluate


@pytest.fixture
def misaligned(bench, launched):
    """A lean and a commercial council, six months after launch."""
    b = bench(columns={"orientation": [0.2, 0.8]})
    launched(b, 6)
    return b


def test_a_change_hits_the_misaligned_partner(misaligned, month):
    b = misaligned
    e = evaluate(case03, b.s, b.P, month(b, changed=[[True, False]]))
    # misalignment 0.6 for both; only council 0 was hit: 0.4 * 0.6
    np.testing.assert_allclose(e.commitment, [[0.24, 0.0]])
    np.testing.assert_allclose(e.savings, [0.5 * 0.6])


def test_no_change_leaves_commitment_untouched(misaligned, month):
    b = misaligned
    e = evaluate(case03, b.s, b.P, month(b, changed=False))
    np.testing.assert_array_equal(e.commitment, 0.0)
    assert e.savings[0] > 0


def test_aligned_partners_lose_nothing(bench, month, launched):
    b = bench(columns={"orientation": [0.3, 0.3]})
    launched(b, 6)
    e = evaluate(case03, b.s, b.P, month(b, changed=True))
    np.testing.assert_array_equal(e.commitment, 0.0)
    np.testing.assert_array_equal(e.savings, 0.0)


def test_misalignment_is_weighted_by_partner_size(bench, month, launched):
    b = bench(k=3, columns={"orientation": [0.0, 0.0, 1.0], "size": [1.0, 1.0, 2.0]})
    launched(b, 6)
    e = evaluate(case03, b.s, b.P, month(b, changed=True))
    # council 0: (0 * 1 + 1 * 2) / 3; council 2: (1 + 1) / 2; overall (2/3 + 2/3 + 2 * 1) / 4 = 5/6
    np.testing.assert_allclose(e.commitment, [[0.4 * 2 / 3, 0.4 * 2 / 3, 0.4]])
    np.testing.assert_allclose(e.savings, [0.5 * 5 / 6])


def test_no_savings_are_taken_before_launch(bench, month):
    b = bench(columns={"orientation": [0.2, 0.8]})
    e = evaluate(case03, b.s, b.P, month(b, changed=True))
    np.testing.assert_array_equal(e.savings, 0.0)
    np.testing.assert_allclose(e.commitment, [[0.24, 0.24]])


@pytest.mark.parametrize(("strength", "relief"), [(1.0, 0.3), (0.5, 0.65)])
def test_open_motivations_softens_the_change_and_the_lost_potential(misaligned, month, strength, relief):
    b = misaligned
    e = evaluate(case03, b.s, b.P, month(b, changed=True, lever={"open_motivations": strength}))
    np.testing.assert_allclose(e.commitment, [[0.24 * relief, 0.24 * relief]])
    np.testing.assert_allclose(e.savings, [0.3 * relief])
